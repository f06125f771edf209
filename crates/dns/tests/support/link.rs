//! A wide-area link on loopback: relays DNS over UDP and any TCP stream to a local server,
//! holding every flight of packets for a one-way delay. Loopback has no round-trip time, so
//! without this the partner benchmark measures CPU cores, not how well waits overlap.
//!
//! Bytes are delayed, never reordered or dropped; throughput is not limited. A TCP handshake
//! still completes at once (the kernel answers it), so a link under-states real latency.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A relay listening on `addr`; it stops when dropped.
pub struct Link {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Link {
    /// DNS over UDP to `upstream`. One upstream socket serves every client: questions get
    /// fresh ids, and answers are matched back by id (ids wrap after 65,536 questions).
    pub async fn dns_udp(upstream: SocketAddr, one_way: Duration) -> Link {
        let front = Arc::new(UdpSocket::bind("127.0.0.1:0").await.expect("bind"));
        let back = Arc::new(UdpSocket::bind("127.0.0.1:0").await.expect("bind"));
        back.connect(upstream).await.expect("connect");
        let addr = front.local_addr().expect("addr");
        let pending = Pending::default();
        let answers = tokio::spawn(relay_answers(
            front.clone(),
            back.clone(),
            pending.clone(),
            one_way,
        ));
        let task = tokio::spawn(async move {
            let _answers = AbortOnDrop(answers);
            let mut next_id: u16 = 0;
            let mut buf = vec![0u8; 65_535];
            loop {
                let Ok((n, client)) = front.recv_from(&mut buf).await else {
                    continue;
                };
                if n < 12 {
                    continue;
                }
                let mut packet = buf[..n].to_vec();
                next_id = next_id.wrapping_add(1);
                let original = [packet[0], packet[1]];
                packet[..2].copy_from_slice(&next_id.to_be_bytes());
                pending
                    .lock()
                    .expect("pending questions")
                    .insert(next_id, (client, original));
                let back = back.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(one_way).await;
                    let _ = back.send(&packet).await;
                });
            }
        });
        Link { addr, task }
    }

    /// Any TCP protocol (here: TLS to the HTTPS partners) to `upstream`.
    pub async fn tcp(upstream: SocketAddr, one_way: Duration) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    // The link adds its delay and nothing else: no Nagle wait on either side.
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        delayed_pipe(client_read, server_write, one_way),
                        delayed_pipe(server_read, client_write, one_way),
                    );
                });
            }
        });
        Link { addr, task }
    }
}

/// Questions sent upstream, by the id they were given: who asked, and the id they used.
type Pending = Arc<Mutex<HashMap<u16, (SocketAddr, [u8; 2])>>>;

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn relay_answers(
    front: Arc<UdpSocket>,
    back: Arc<UdpSocket>,
    pending: Pending,
    one_way: Duration,
) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok(n) = back.recv(&mut buf).await else {
            continue;
        };
        if n < 12 {
            continue;
        }
        let id = u16::from_be_bytes([buf[0], buf[1]]);
        let Some((client, original)) = pending.lock().expect("pending questions").remove(&id)
        else {
            continue;
        };
        let mut packet = buf[..n].to_vec();
        packet[..2].copy_from_slice(&original);
        let front = front.clone();
        tokio::spawn(async move {
            tokio::time::sleep(one_way).await;
            let _ = front.send_to(&packet, client).await;
        });
    }
}

/// Copies `from` to `to`, each chunk written `one_way` after it was read, in order.
async fn delayed_pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    one_way: Duration,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    let reader = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if tx
                        .send((Instant::now() + one_way, buf[..n].to_vec()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
    };
    tokio::join!(reader, writer);
}
