//! UDP and TCP listeners sharing one port, as DNS servers do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinHandle;

use super::handler::{DnsHandler, Transport};
use crate::error::LabNetError;
use crate::shutdown::Shutdown;

/// A TCP client that sends nothing for this long is dropped (RFC 7766 suggests seconds).
const TCP_IDLE: Duration = Duration::from_secs(10);
/// With port 0 the TCP bind can race another process for the UDP port: retry a few times.
const BIND_ATTEMPTS: usize = 8;

/// Binds UDP and TCP on the same address; with port 0 both get the same ephemeral port.
pub(crate) async fn bind(addr: SocketAddr) -> Result<(UdpSocket, TcpListener), LabNetError> {
    let mut last = None;
    for _ in 0..BIND_ATTEMPTS {
        let udp = UdpSocket::bind(addr)
            .await
            .map_err(|source| LabNetError::Bind {
                service: "dns/udp",
                addr,
                source,
            })?;
        let port = udp.local_addr().map_err(LabNetError::Runtime)?.port();
        let tcp_addr = SocketAddr::new(addr.ip(), port);
        match TcpListener::bind(tcp_addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(source) if addr.port() == 0 => last = Some(source),
            Err(source) => {
                return Err(LabNetError::Bind {
                    service: "dns/tcp",
                    addr: tcp_addr,
                    source,
                })
            }
        }
    }
    Err(LabNetError::Bind {
        service: "dns/tcp",
        addr,
        source: last.unwrap_or_else(|| std::io::Error::from(std::io::ErrorKind::AddrInUse)),
    })
}

pub(crate) fn spawn(
    handler: Arc<DnsHandler>,
    udp: UdpSocket,
    tcp: TcpListener,
    shutdown: &Shutdown,
) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(serve_udp(handler.clone(), udp, shutdown.clone())),
        tokio::spawn(serve_tcp(handler, tcp, shutdown.clone())),
    ]
}

async fn serve_udp(handler: Arc<DnsHandler>, socket: UdpSocket, mut shutdown: Shutdown) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let received = tokio::select! {
            r = socket.recv_from(&mut buf) => r,
            () = shutdown.wait() => return,
        };
        let Ok((len, peer)) = received else {
            continue;
        };
        if let Some(reply) = handler.handle(&buf[..len], Transport::Udp) {
            if let Err(err) = socket.send_to(&reply, peer).await {
                tracing::debug!(%err, %peer, "DNS UDP reply not sent");
            }
        }
    }
}

async fn serve_tcp(handler: Arc<DnsHandler>, listener: TcpListener, mut shutdown: Shutdown) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            () = shutdown.wait() => return,
        };
        if let Ok((stream, _)) = accepted {
            tokio::spawn(serve_tcp_connection(
                handler.clone(),
                stream,
                shutdown.clone(),
            ));
        }
    }
}

/// Length-prefixed messages (RFC 1035 §4.2.2), several per connection.
async fn serve_tcp_connection(
    handler: Arc<DnsHandler>,
    mut stream: TcpStream,
    mut shutdown: Shutdown,
) {
    loop {
        let message = tokio::select! {
            r = tokio::time::timeout(TCP_IDLE, read_message(&mut stream)) => r,
            () = shutdown.wait() => return,
        };
        let Ok(Ok(message)) = message else {
            return;
        };
        let Some(reply) = handler.handle(&message, Transport::Tcp) else {
            continue;
        };
        let Ok(len) = u16::try_from(reply.len()) else {
            return;
        };
        let mut framed = Vec::with_capacity(reply.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(&reply);
        if stream.write_all(&framed).await.is_err() {
            return;
        }
    }
}

async fn read_message(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let len = stream.read_u16().await?;
    let mut message = vec![0u8; usize::from(len)];
    stream.read_exact(&mut message).await?;
    Ok(message)
}
