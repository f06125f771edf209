//! What one view says about one record: the raw answer turned into comparable values.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, RecordType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::transport::{self, QueryFailure, RawAnswer, Transport};
use crate::views::View;

/// What a view answered for a record (after following CNAMEs for the autodiscover name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
#[ts(export)]
pub enum ViewOutcome {
    #[serde(rename_all = "camelCase")]
    Answer {
        /// TXT: each record's strings joined; CNAME chain: `CNAME target.` then `A addr`;
        /// SRV: `priority weight port target.`.
        values: Vec<String>,
        /// Smallest TTL seen: how long a resolver may keep serving this answer.
        ttl: Option<u32>,
        transport: Transport,
        /// The UDP answer was truncated and TCP had to be used.
        truncated_over_udp: bool,
        /// Largest answer size in bytes.
        size: usize,
    },
    /// The name exists but has no record of this type.
    NoData,
    NxDomain,
    ServFail,
    Refused,
    #[serde(rename_all = "camelCase")]
    OtherRcode {
        rcode: String,
    },
    #[serde(rename_all = "camelCase")]
    Timeout {
        after_ms: u64,
    },
    #[serde(rename_all = "camelCase")]
    Unreachable {
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Malformed {
        message: String,
    },
}

impl ViewOutcome {
    /// True when the view gave an answer about the data (even "does not exist"), so it can be
    /// compared with other views; false when the server itself failed.
    pub fn is_comparable(&self) -> bool {
        matches!(
            self,
            ViewOutcome::Answer { .. } | ViewOutcome::NoData | ViewOutcome::NxDomain
        )
    }

    pub fn values(&self) -> &[String] {
        match self {
            ViewOutcome::Answer { values, .. } => values,
            _ => &[],
        }
    }

    /// A one-line summary used to group views that agree.
    pub(crate) fn fingerprint(&self) -> String {
        match self {
            ViewOutcome::Answer { values, .. } => {
                let mut v: Vec<String> = values.iter().map(|s| s.to_ascii_lowercase()).collect();
                v.sort();
                v.join(" | ")
            }
            ViewOutcome::NoData => "(no record)".into(),
            ViewOutcome::NxDomain => "(name does not exist)".into(),
            other => other.to_string(),
        }
    }
}

/// What the server said, in an administrator's words (the answer's values themselves when
/// there are any).
impl std::fmt::Display for ViewOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ViewOutcome::Answer { values, .. } if values.is_empty() => {
                f.write_str("an answer with no values")
            }
            ViewOutcome::Answer { values, .. } => f.write_str(&values.join(" | ")),
            ViewOutcome::NoData => f.write_str("no record of this type"),
            ViewOutcome::NxDomain => f.write_str("the name does not exist (NXDOMAIN)"),
            ViewOutcome::ServFail => f.write_str("the server failed to answer (SERVFAIL)"),
            ViewOutcome::Refused => f.write_str("the server refused the query (REFUSED)"),
            ViewOutcome::OtherRcode { rcode } => write!(f, "the server answered {rcode}"),
            ViewOutcome::Timeout { after_ms } => write!(f, "no answer within {after_ms} ms"),
            ViewOutcome::Unreachable { message } => write!(f, "server not reachable: {message}"),
            ViewOutcome::Malformed { message } => write!(f, "malformed answer: {message}"),
        }
    }
}

/// The per-question bound and the CNAME hop limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub timeout: Duration,
    pub max_cname_hops: usize,
}

/// A view's answer plus notes found on the way (CNAME loop, chain too long).
pub(crate) struct Observed {
    pub outcome: ViewOutcome,
    pub notes: Vec<String>,
}

/// TXT or SRV at `name`: one question.
pub(crate) async fn simple(
    view: &View,
    name: &Name,
    rtype: RecordType,
    limits: Limits,
) -> Observed {
    let outcome = ask(view, name, rtype, limits.timeout).await;
    Observed {
        outcome: match outcome {
            Ok(answer) => to_outcome(&answer, rtype),
            Err(failed) => failed,
        },
        notes: Vec::new(),
    }
}

/// The CNAME chain at `name` with a loop and hop limit, then A/AAAA of the final name.
pub(crate) async fn cname_chain(view: &View, name: &Name, limits: Limits) -> Observed {
    let mut chain = ChainState::default();
    let mut current = name.clone();
    let mut seen: HashSet<Name> = HashSet::from([current.to_lowercase()]);
    for hop in 0..=limits.max_cname_hops {
        let answer = match ask(view, &current, RecordType::CNAME, limits.timeout).await {
            Ok(a) => a,
            Err(failed) if hop == 0 => {
                return Observed {
                    outcome: failed,
                    notes: Vec::new(),
                }
            }
            Err(failed) => {
                chain.notes.push(format!(
                    "lookup of {current} failed: {}",
                    failed.fingerprint()
                ));
                return chain.finish();
            }
        };
        let code = answer.message.metadata.response_code;
        if code != ResponseCode::NoError {
            if hop == 0 {
                return Observed {
                    outcome: rcode_outcome(code),
                    notes: Vec::new(),
                };
            }
            chain.notes.push(format!(
                "{current} answered {}",
                transport::rcode_name(code)
            ));
            return chain.finish();
        }
        chain.absorb(&answer);
        let Some(target) = cname_target(&answer, &current) else {
            break;
        };
        chain.values.push(format!("CNAME {target}"));
        if !seen.insert(target.to_lowercase()) {
            chain
                .notes
                .push(format!("CNAME loop: {target} was already in the chain"));
            return chain.finish();
        }
        if hop == limits.max_cname_hops {
            chain.notes.push(format!(
                "CNAME chain longer than {} hops",
                limits.max_cname_hops
            ));
            return chain.finish();
        }
        current = target;
    }
    chain.addresses(view, &current, limits).await;
    chain.finish()
}

#[derive(Default)]
struct ChainState {
    values: Vec<String>,
    notes: Vec<String>,
    ttl: Option<u32>,
    transport: Option<Transport>,
    truncated: bool,
    size: usize,
}

impl ChainState {
    fn absorb(&mut self, answer: &RawAnswer) {
        self.ttl = min_ttl(self.ttl, answer);
        if answer.transport == Transport::Tcp || self.transport.is_none() {
            self.transport = Some(answer.transport);
        }
        self.truncated |= answer.truncated_over_udp;
        self.size = self.size.max(answer.size);
    }

    async fn addresses(&mut self, view: &View, name: &Name, limits: Limits) {
        let mut found = false;
        // Both questions at once: one round trip instead of two.
        let (a, aaaa) = tokio::join!(
            ask(view, name, RecordType::A, limits.timeout),
            ask(view, name, RecordType::AAAA, limits.timeout)
        );
        for (rtype, answer) in [(RecordType::A, a), (RecordType::AAAA, aaaa)] {
            if let Ok(answer) = answer {
                self.absorb(&answer);
                for value in record_values(&answer, rtype) {
                    found = true;
                    self.values.push(format!("{rtype} {value}"));
                }
            }
        }
        if !found && !self.values.is_empty() {
            self.notes.push(format!("{name} has no A or AAAA record"));
        }
    }

    fn finish(self) -> Observed {
        let outcome = if self.values.is_empty() {
            ViewOutcome::NoData
        } else {
            ViewOutcome::Answer {
                values: self.values,
                ttl: self.ttl,
                transport: self.transport.unwrap_or(Transport::Udp),
                truncated_over_udp: self.truncated,
                size: self.size,
            }
        };
        Observed {
            outcome,
            notes: self.notes,
        }
    }
}

fn cname_target(answer: &RawAnswer, owner: &Name) -> Option<Name> {
    answer.message.answers.iter().find_map(|r| match &r.data {
        RData::CNAME(c) if r.name.eq_case(owner) || r.name == *owner => Some(c.0.clone()),
        _ => None,
    })
}

/// One question to one view, mapping transport failures to outcomes.
async fn ask(
    view: &View,
    name: &Name,
    rtype: RecordType,
    timeout: Duration,
) -> Result<RawAnswer, ViewOutcome> {
    let Some(addr) = view.addr() else {
        return Err(ViewOutcome::Unreachable {
            message: format!("bad server address {}", view.server),
        });
    };
    let started = Instant::now();
    transport::query(addr, name, rtype, view.recursive(), timeout)
        .await
        .map_err(|failure| match failure {
            QueryFailure::Timeout => ViewOutcome::Timeout {
                after_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            },
            QueryFailure::Network(message) => ViewOutcome::Unreachable { message },
            QueryFailure::Malformed(message) => ViewOutcome::Malformed { message },
        })
}

fn to_outcome(answer: &RawAnswer, rtype: RecordType) -> ViewOutcome {
    let code = answer.message.metadata.response_code;
    if code != ResponseCode::NoError {
        return rcode_outcome(code);
    }
    let values = record_values(answer, rtype);
    if values.is_empty() {
        return ViewOutcome::NoData;
    }
    ViewOutcome::Answer {
        values,
        ttl: min_ttl(None, answer),
        transport: answer.transport,
        truncated_over_udp: answer.truncated_over_udp,
        size: answer.size,
    }
}

fn rcode_outcome(code: ResponseCode) -> ViewOutcome {
    match code {
        ResponseCode::NXDomain => ViewOutcome::NxDomain,
        ResponseCode::ServFail => ViewOutcome::ServFail,
        ResponseCode::Refused => ViewOutcome::Refused,
        other => ViewOutcome::OtherRcode {
            rcode: transport::rcode_name(other),
        },
    }
}

fn record_values(answer: &RawAnswer, rtype: RecordType) -> Vec<String> {
    answer
        .message
        .answers
        .iter()
        .filter(|r| r.record_type() == rtype)
        .filter_map(|r| render(&r.data))
        .collect()
}

/// The value as an administrator would type it. TXT strings are joined without separators:
/// a long value split into 255-byte strings is one value (RFC 7208 §3.3 does the same).
fn render(data: &RData) -> Option<String> {
    match data {
        RData::TXT(txt) => Some(
            txt.txt_data
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect::<String>(),
        ),
        RData::A(a) => Some(a.0.to_string()),
        RData::AAAA(a) => Some(a.0.to_string()),
        RData::SRV(s) => Some(format!(
            "{} {} {} {}",
            s.priority, s.weight, s.port, s.target
        )),
        RData::CNAME(c) => Some(c.0.to_string()),
        RData::SOA(soa) => Some(format!("{} {} {}", soa.mname, soa.rname, soa.serial)),
        _ => None,
    }
}

fn min_ttl(current: Option<u32>, answer: &RawAnswer) -> Option<u32> {
    answer
        .message
        .answers
        .iter()
        .map(|r| r.ttl)
        .chain(current)
        .min()
}
