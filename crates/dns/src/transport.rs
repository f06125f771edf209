//! One DNS question to one server: UDP first, TCP when the answer is truncated.
//!
//! Hand-rolled over hickory-proto messages (not the resolver) because a check needs what a
//! resolver hides: the exact response code, the TC bit, the transport that finally answered,
//! and a hard time bound per question.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_proto::op::{Edns, Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use ts_rs::TS;

/// EDNS payload we advertise: the DNS-flag-day value that avoids IP fragmentation.
const EDNS_PAYLOAD: u16 = 1232;

/// The transport that produced the final answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Transport {
    Udp,
    Tcp,
}

/// A decoded answer plus the facts about how it arrived.
#[derive(Debug, Clone)]
pub struct RawAnswer {
    pub message: Message,
    pub transport: Transport,
    /// The UDP answer had TC set, so TCP was used (matters for KB2712678: TCP/53 blocked).
    pub truncated_over_udp: bool,
    /// Wire size of the final answer in bytes.
    pub size: usize,
}

/// Why a question got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryFailure {
    Timeout,
    Network(String),
    Malformed(String),
}

/// In words, for messages that name the server beside it.
impl std::fmt::Display for QueryFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryFailure::Timeout => f.write_str("no answer in time"),
            QueryFailure::Network(message) => write!(f, "not reachable ({message})"),
            QueryFailure::Malformed(message) => {
                write!(f, "an answer that could not be read ({message})")
            }
        }
    }
}

/// Asks `server` one question, bounded by `timeout` per transport attempt.
pub async fn query(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    recursion_desired: bool,
    timeout: Duration,
) -> Result<RawAnswer, QueryFailure> {
    let request = build_request(name, rtype, recursion_desired);
    let bytes = request
        .to_vec()
        .map_err(|e| QueryFailure::Malformed(e.to_string()))?;
    let udp = tokio::time::timeout(timeout, udp_exchange(server, &bytes, request.metadata.id))
        .await
        .map_err(|_| QueryFailure::Timeout)??;
    if !udp.0.metadata.truncation {
        return Ok(RawAnswer {
            message: udp.0,
            transport: Transport::Udp,
            truncated_over_udp: false,
            size: udp.1,
        });
    }
    let tcp = tokio::time::timeout(timeout, tcp_exchange(server, &bytes, request.metadata.id))
        .await
        .map_err(|_| QueryFailure::Timeout)??;
    Ok(RawAnswer {
        message: tcp.0,
        transport: Transport::Tcp,
        truncated_over_udp: true,
        size: tcp.1,
    })
}

fn build_request(name: &Name, rtype: RecordType, recursion_desired: bool) -> Message {
    let mut message = Message::query();
    message.metadata.recursion_desired = recursion_desired;
    message.add_query(Query::query(name.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    message.set_edns(edns);
    message
}

async fn udp_exchange(
    server: SocketAddr,
    request: &[u8],
    id: u16,
) -> Result<(Message, usize), QueryFailure> {
    let bind: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(bind).await.map_err(net)?;
    socket.connect(server).await.map_err(net)?;
    socket.send(request).await.map_err(net)?;
    let mut buf = vec![0u8; 65_535];
    // Skip stray datagrams whose id does not match ours (late answers to an earlier question).
    loop {
        let n = socket.recv(&mut buf).await.map_err(net)?;
        let message = decode(&buf[..n])?;
        if message.metadata.id == id {
            return Ok((message, n));
        }
    }
}

async fn tcp_exchange(
    server: SocketAddr,
    request: &[u8],
    id: u16,
) -> Result<(Message, usize), QueryFailure> {
    let mut stream = TcpStream::connect(server).await.map_err(net)?;
    let len = u16::try_from(request.len())
        .map_err(|_| QueryFailure::Malformed("request too long".into()))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(request);
    stream.write_all(&framed).await.map_err(net)?;
    let mut len_buf = [0u8; 2];
    stream.read_exact(&mut len_buf).await.map_err(net)?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len_buf))];
    stream.read_exact(&mut buf).await.map_err(net)?;
    let message = decode(&buf)?;
    if message.metadata.id != id {
        return Err(QueryFailure::Malformed(
            "answer id does not match the question".into(),
        ));
    }
    Ok((message, buf.len()))
}

fn decode(bytes: &[u8]) -> Result<Message, QueryFailure> {
    Message::from_vec(bytes).map_err(|e| QueryFailure::Malformed(e.to_string()))
}

fn net(e: std::io::Error) -> QueryFailure {
    QueryFailure::Network(e.to_string())
}

/// The response code as the short upper-case mnemonic administrators know (NXDOMAIN, SERVFAIL).
pub fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::NotAuth => "NOTAUTH".into(),
        ResponseCode::NotZone => "NOTZONE".into(),
        other => format!("RCODE {}", u16::from(other)),
    }
}
