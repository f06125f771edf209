//! One DNS message in, one out: decoding, authentication, dispatch, size limits, signing.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::{TSigResponseContext, TSigner};

use super::store::ZoneStore;
use super::tsig::{self, Auth};
use super::{query, update};
use crate::config::{AnswerHook, ZoneChangeHook};
use crate::error::LabNetError;
use crate::zone::ZoneData;

/// Classic DNS over UDP without EDNS (RFC 1035 §4.2.1).
const CLASSIC_UDP_LIMIT: usize = 512;
/// What we advertise and honour at most over UDP (the DNS flag day 2020 value).
const OUR_UDP_PAYLOAD: u16 = 1232;
/// Room kept for the TSIG record appended after the size decision.
const TSIG_ROOM: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Udp,
    Tcp,
}

pub(crate) struct DnsHandler {
    store: RwLock<ZoneStore>,
    /// Serialises updates with their `on_change` call so the lab persists snapshots in order.
    update_lock: Mutex<()>,
    signer: TSigner,
    on_change: Option<ZoneChangeHook>,
    before_answer: Option<AnswerHook>,
}

impl std::fmt::Debug for DnsHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signer holds the TSIG secret: only its name is shown.
        f.debug_struct("DnsHandler")
            .field("tsig_key", &self.signer.signer_name().to_ascii())
            .finish_non_exhaustive()
    }
}

impl DnsHandler {
    pub(crate) fn new(
        store: ZoneStore,
        signer: TSigner,
        on_change: Option<ZoneChangeHook>,
        before_answer: Option<AnswerHook>,
    ) -> Self {
        DnsHandler {
            store: RwLock::new(store),
            update_lock: Mutex::new(()),
            signer,
            on_change,
            before_answer,
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<ZoneData> {
        self.store.read().map(|s| s.snapshot()).unwrap_or_default()
    }

    /// Keeps updates (and their `on_change` calls) from starting until the guard drops. A
    /// panic in an earlier holder left no half-applied update (updates commit at the end), so
    /// a poisoned lock is still a valid one.
    pub(crate) fn hold_updates(&self) -> MutexGuard<'_, ()> {
        self.update_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Serves `zones` from now on (see [`ZoneStore::replace`]). Callers hold updates off.
    pub(crate) fn replace_zones(&self, zones: Vec<ZoneData>) -> Result<(), LabNetError> {
        let mut store = self.store.write().unwrap_or_else(PoisonError::into_inner);
        store.replace(zones)
    }

    /// Returns the encoded response, or `None` for input that deserves no answer.
    pub(crate) fn handle(&self, raw: &[u8], transport: Transport) -> Option<Vec<u8>> {
        let Ok(request) = Message::from_vec(raw) else {
            return format_error(raw);
        };
        if request.metadata.message_type != MessageType::Query {
            return None;
        }
        let mut response = response_skeleton(&request);
        let auth = tsig::authenticate(&self.signer, raw, &request, unix_now());
        let ctx = match auth {
            Auth::Rejected(ctx) => {
                response.metadata.response_code = ResponseCode::NotAuth;
                return finish(response, Some(ctx), transport, &request);
            }
            Auth::Valid(ctx) => Some(ctx),
            Auth::Unsigned => None,
        };
        if matches!(request.metadata.op_code, OpCode::Query | OpCode::Update) {
            // Before the store is read or locked: the hook may replace the zones.
            if let Some(hook) = &self.before_answer {
                hook();
            }
        }
        match request.metadata.op_code {
            OpCode::Query => match self.store.read() {
                Ok(store) => query::answer(&store, &request, &mut response),
                Err(_) => response.metadata.response_code = ResponseCode::ServFail,
            },
            OpCode::Update => {
                response.metadata.response_code = self.update(&request, ctx.is_some());
            }
            _ => response.metadata.response_code = ResponseCode::NotImp,
        }
        finish(response, ctx, transport, &request)
    }

    fn update(&self, request: &Message, signed: bool) -> ResponseCode {
        if !signed {
            tracing::warn!(id = request.metadata.id, "unsigned DNS update refused");
            return ResponseCode::Refused;
        }
        let Ok(_serial) = self.update_lock.lock() else {
            return ResponseCode::ServFail;
        };
        let result = match self.store.write() {
            Ok(mut store) => {
                update::apply(&mut store, request).map(|changed| changed.then(|| store.snapshot()))
            }
            Err(_) => Err(ResponseCode::ServFail),
        };
        match result {
            Ok(Some(snapshot)) => {
                if let Some(hook) = &self.on_change {
                    hook(snapshot);
                }
                ResponseCode::NoError
            }
            Ok(None) => ResponseCode::NoError,
            Err(code) => code,
        }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn response_skeleton(request: &Message) -> Message {
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.add_queries(request.queries.iter().cloned());
    if request.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(OUR_UDP_PAYLOAD);
        response.set_edns(edns);
    }
    response
}

/// A message we cannot decode still gets FORMERR when at least its header is readable.
fn format_error(raw: &[u8]) -> Option<Vec<u8>> {
    let id = u16::from_be_bytes([*raw.first()?, *raw.get(1)?]);
    Message::error_msg(id, OpCode::Query, ResponseCode::FormErr)
        .to_vec()
        .ok()
}

fn udp_limit(request: &Message) -> usize {
    match &request.edns {
        Some(edns) => usize::from(edns.max_payload().min(OUR_UDP_PAYLOAD)).max(CLASSIC_UDP_LIMIT),
        None => CLASSIC_UDP_LIMIT,
    }
}

/// Applies the UDP size limit (TC with an empty answer, so the client retries over TCP,
/// as RFC 2181 §9 asks) and signs the result when the request was signed.
fn finish(
    mut response: Message,
    ctx: Option<TSigResponseContext>,
    transport: Transport,
    request: &Message,
) -> Option<Vec<u8>> {
    let mut bytes = response.to_vec().ok()?;
    let room = if ctx.is_some() { TSIG_ROOM } else { 0 };
    if transport == Transport::Udp && bytes.len() + room > udp_limit(request) {
        response.answers.clear();
        response.authorities.clear();
        response.additionals.clear();
        response.metadata.truncation = true;
        bytes = response.to_vec().ok()?;
    }
    let Some(ctx) = ctx else {
        return Some(bytes);
    };
    match ctx.sign(&bytes) {
        Ok(signature) => {
            response.set_signature(signature);
            response.to_vec().ok()
        }
        Err(err) => {
            tracing::error!(%err, "could not sign a DNS response");
            None
        }
    }
}
