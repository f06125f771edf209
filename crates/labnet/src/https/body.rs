//! Response bodies, including the hostile ones that must not sit in memory.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

const HUGE_CHUNK: usize = 64 * 1024;

/// Every body the lab sends.
pub(crate) enum LabBody {
    Full(Option<Bytes>),
    /// `remaining` bytes of repeated filler, produced chunk by chunk.
    Repeat {
        remaining: u64,
    },
    /// `data` one byte per `interval`.
    Trickle {
        data: Bytes,
        interval: Duration,
        sleep: Pin<Box<tokio::time::Sleep>>,
    },
}

impl LabBody {
    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        LabBody::Full(Some(data.into()))
    }

    pub(crate) fn trickle(data: impl Into<Bytes>, interval: Duration) -> Self {
        LabBody::Trickle {
            data: data.into(),
            interval,
            sleep: Box::pin(tokio::time::sleep(interval)),
        }
    }
}

impl Body for LabBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            LabBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            LabBody::Repeat { remaining } => {
                if *remaining == 0 {
                    return Poll::Ready(None);
                }
                let len = usize::try_from(*remaining).map_or(HUGE_CHUNK, |r| r.min(HUGE_CHUNK));
                *remaining -= len as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b' '; len])))))
            }
            LabBody::Trickle {
                data,
                interval,
                sleep,
            } => {
                if data.is_empty() {
                    return Poll::Ready(None);
                }
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                let deadline = tokio::time::Instant::now() + *interval;
                sleep.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(Frame::data(data.split_to(1)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            LabBody::Full(data) => data.is_none(),
            LabBody::Repeat { remaining } => *remaining == 0,
            LabBody::Trickle { data, .. } => data.is_empty(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            LabBody::Full(data) => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            // Inexact on purpose: hostile bodies go out chunked, without Content-Length.
            _ => SizeHint::default(),
        }
    }
}
