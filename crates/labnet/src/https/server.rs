//! The HTTPS and plain-HTTP listeners.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::body::LabBody;
use super::exchange::{self, normalised_path, redirect, request_host};
use super::sites::{http_redirect_target, Sites};
use crate::error::LabNetError;
use crate::shutdown::Shutdown;

/// A client that does not finish the TLS handshake in this time is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const REDIRECT_PROBE_PATH: &str = "/autodiscover/autodiscover.xml";

pub(crate) async fn bind(
    addr: SocketAddr,
    service: &'static str,
) -> Result<TcpListener, LabNetError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| LabNetError::Bind {
            service,
            addr,
            source,
        })
}

pub(crate) fn spawn_https(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    sites: Arc<Sites>,
    shutdown: &Shutdown,
) -> JoinHandle<()> {
    let acceptor = TlsAcceptor::from(tls);
    let shutdown = shutdown.clone();
    tokio::spawn(accept_loop(listener, shutdown.clone(), move |stream| {
        let acceptor = acceptor.clone();
        let sites = sites.clone();
        let shutdown = shutdown.clone();
        async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await;
            let Ok(Ok(tls)) = handshake else {
                return;
            };
            let handler_shutdown = shutdown.clone();
            let service = service_fn(move |req| {
                let sites = sites.clone();
                let shutdown = handler_shutdown.clone();
                async move { exchange::handle(&sites, req, shutdown).await }
            });
            serve_connection(tls, service, shutdown).await;
        }
    }))
}

pub(crate) fn spawn_http(
    listener: TcpListener,
    sites: Arc<Sites>,
    shutdown: &Shutdown,
) -> JoinHandle<()> {
    let shutdown = shutdown.clone();
    tokio::spawn(accept_loop(listener, shutdown.clone(), move |stream| {
        let sites = sites.clone();
        let shutdown = shutdown.clone();
        async move {
            let service = service_fn(move |req| {
                let sites = sites.clone();
                async move { Ok::<_, Infallible>(plain_http(&sites, &req)) }
            });
            serve_connection(stream, service, shutdown).await;
        }
    }))
}

/// The unsecure redirect probe: only `GET /autodiscover/autodiscover.xml` gets a 302, and
/// only to an absolute https URL with that same path (what Exchange's client requires).
fn plain_http(sites: &Sites, request: &Request<Incoming>) -> Response<LabBody> {
    let host = request_host(request);
    let is_probe = request.method() == Method::GET
        && normalised_path(request.uri().path()) == REDIRECT_PROBE_PATH;
    match http_redirect_target(sites, &host) {
        Some(target) if is_probe => redirect(&target),
        _ => exchange::not_found(),
    }
}

async fn accept_loop<F, Fut>(listener: TcpListener, mut shutdown: Shutdown, on_stream: F)
where
    F: Fn(tokio::net::TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            () = shutdown.wait() => return,
        };
        if let Ok((stream, _)) = accepted {
            // Small SOAP answers go out at once, not after the peer's delayed ACK (Nagle).
            let _ = stream.set_nodelay(true);
            tokio::spawn(on_stream(stream));
        }
    }
}

async fn serve_connection<IO, S>(io: IO, service: S, mut shutdown: Shutdown)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: hyper::service::Service<Request<Incoming>, Response = Response<LabBody>, Error = Infallible>,
    S::Future: Send + 'static,
{
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(%err, "lab HTTP connection ended with an error");
            }
        }
        () = shutdown.wait() => {}
    }
}
