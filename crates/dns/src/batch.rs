//! Many partners at once, with a bounded number in flight (politeness towards resolvers and
//! partner servers, and a predictable load on the workstation).

use std::future::Future;

use fedshare_model::{ErrorCode, ErrorPayload};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::{check_domain, CheckOptions, DomainDnsReport};
use crate::discovery::{Discoverer, PartnerDiscovery};

/// How many partners are checked at once unless a caller says otherwise: enough to hide
/// wide-area round trips, few enough not to look like a flood to a partner's servers.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// DNS views and discovery for one partner domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PartnerReport {
    pub domain: String,
    pub dns: Option<DomainDnsReport>,
    pub dns_error: Option<ErrorPayload>,
    pub discovery: PartnerDiscovery,
}

/// Runs `work` on every item with at most `concurrency` in flight and returns the results in
/// input order. A slow item holds only its own slot: the next item starts as soon as any
/// running one finishes (an ordered buffer would stall behind a partner that never answers).
pub async fn bounded<T, R, F, Fut>(
    items: impl IntoIterator<Item = T>,
    concurrency: usize,
    work: F,
) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = R>,
{
    let work = &work;
    let mut done: Vec<(usize, R)> = stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| async move { (index, work(item).await) })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Checks every domain with at most `concurrency` in flight; results keep the input order.
pub async fn check_partners(
    domains: &[String],
    concurrency: usize,
    check: &CheckOptions,
    discoverer: &Discoverer,
) -> Vec<PartnerReport> {
    bounded(domains.iter().cloned(), concurrency, |domain| {
        check_partner(domain, check, discoverer)
    })
    .await
}

/// One partner: the DNS check and the discovery run side by side.
pub async fn check_partner(
    domain: String,
    check: &CheckOptions,
    discoverer: &Discoverer,
) -> PartnerReport {
    let (dns, discovery) = tokio::join!(check_domain(&domain, check), discoverer.discover(&domain));
    let (dns, dns_error) = match dns {
        Ok(report) => (Some(report), None),
        Err(e) => (None, Some(e.to_payload())),
    };
    PartnerReport {
        domain,
        dns,
        dns_error,
        discovery,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn results_keep_input_order_whatever_the_finishing_order() {
        // Later items finish first: each waits fewer scheduler turns than the one before.
        let out = bounded(0..20usize, 8, |i| async move {
            for _ in 0..(20 - i) {
                tokio::task::yield_now().await;
            }
            i * 10
        })
        .await;
        assert_eq!(out, (0..20).map(|i| i * 10).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn never_more_than_the_bound_in_flight_and_the_bound_is_used() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        bounded(0..50, 6, |_| async {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::task::yield_now().await;
            running.fetch_sub(1, Ordering::SeqCst);
        })
        .await;
        assert_eq!(peak.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn a_stalled_first_item_does_not_hold_back_the_rest() {
        // Item 0 finishes only when the last item has run. With a pool of 2 that needs every
        // other item to pass through the second slot while item 0 is still waiting.
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let tx = Mutex::new(Some(tx));
        let rx = Mutex::new(Some(rx));
        let run = bounded(0..10, 2, |i| {
            let rx = rx.lock().expect("receiver").take().filter(|_| i == 0);
            let tx = if i == 9 {
                tx.lock().expect("sender").take()
            } else {
                None
            };
            async move {
                if let Some(rx) = rx {
                    rx.await.expect("the last item signals");
                }
                if let Some(tx) = tx {
                    tx.send(()).expect("item 0 waits");
                }
                i
            }
        });
        let out = tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .expect("the pool stalled behind its first item");
        assert_eq!(out, (0..10).collect::<Vec<_>>());
    }
}
