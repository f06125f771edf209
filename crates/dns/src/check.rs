//! `check_domain`: the proof TXT, the autodiscover CNAME chain and the SRV record, each asked
//! of every view, compared with what is expected and across views.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use hickory_proto::rr::{Name, RecordType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::agreement::{agreement, Agreement};
use crate::compare::{closest, difference_hint};
use crate::error::{DnsError, Result};
use crate::records::{self, Limits, Observed, ViewOutcome};
use crate::views::{authoritative_views, SystemResolver, View, ViewKind};

/// The proof of one certificate slot, as `Get-FederatedDomainProof` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExpectedProof {
    /// `current`, `next`, or Exchange's slot name (`OrgPrivCertificate`, `OrgNextPrivCertificate`).
    pub slot: String,
    pub proof: String,
}

/// What to check and whom to ask.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckOptions {
    pub expected_proofs: Vec<ExpectedProof>,
    /// The host `autodiscover.<domain>` should lead to (a name in the CNAME chain).
    pub expected_autodiscover_target: Option<String>,
    /// Extra resolvers (`--resolver ADDR:PORT`).
    pub resolvers: Vec<SocketAddr>,
    /// Ask only `resolvers`: no system resolver, no authoritative walk.
    pub pinned: bool,
    pub system: SystemResolver,
    /// Port the authoritative servers are asked on (53; the lab uses a high port).
    pub authoritative_port: u16,
    /// Bound for one question on one transport.
    pub query_timeout: Duration,
    pub max_cname_hops: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            expected_proofs: Vec::new(),
            expected_autodiscover_target: None,
            resolvers: Vec::new(),
            pinned: false,
            system: SystemResolver::Os,
            authoritative_port: 53,
            query_timeout: Duration::from_secs(3),
            max_cname_hops: 8,
        }
    }
}

/// Which record a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RecordKind {
    /// The domain-proof TXT at the apex.
    ProofTxt,
    /// `autodiscover.<domain>`: CNAME chain and the addresses behind it.
    AutodiscoverCname,
    /// `_autodiscover._tcp.<domain>` SRV.
    AutodiscoverSrv,
}

/// A record compared with the expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RecordStatus {
    /// Equal to an expected value.
    Match,
    /// Present, and nothing specific was expected.
    Present,
    /// Not there (NXDOMAIN or no record of the type).
    Missing,
    /// There, but not equal to what is expected (or broken: CNAME loop, no address).
    Mismatch,
    /// Views disagree: some match, some do not.
    Partial,
    /// The server could not be asked (timeout, SERVFAIL, refused).
    Error,
}

impl std::fmt::Display for RecordStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RecordStatus::Match => "matches",
            RecordStatus::Present => "present",
            RecordStatus::Missing => "missing",
            RecordStatus::Mismatch => "differs from what is expected",
            RecordStatus::Partial => "the views disagree",
            RecordStatus::Error => "could not be read",
        })
    }
}

/// One view's answer for one record and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewAnswer {
    pub view: View,
    pub answer: ViewOutcome,
    pub status: RecordStatus,
    /// Certificate slots whose proof was found (proof TXT only).
    pub matched_slots: Vec<String>,
    /// How the closest value differs from the expected one.
    pub hint: Option<String>,
    pub notes: Vec<String>,
}

/// One record across all views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordCheck {
    pub kind: RecordKind,
    pub name: String,
    pub record_type: String,
    pub expected: Vec<String>,
    pub status: RecordStatus,
    pub views: Vec<ViewAnswer>,
    pub agreement: Agreement,
}

/// A problem with the check itself or a fact worth showing (TCP needed, views unavailable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    pub code: String,
    pub message: String,
}

/// Everything `fedshare dns check DOMAIN` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DomainDnsReport {
    pub domain: String,
    pub views: Vec<View>,
    pub proof: RecordCheck,
    pub autodiscover: RecordCheck,
    pub srv: RecordCheck,
    pub findings: Vec<Finding>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl DomainDnsReport {
    pub fn records(&self) -> [&RecordCheck; 3] {
        [&self.proof, &self.autodiscover, &self.srv]
    }
}

/// Checks the federation-relevant records of `domain` in every selected view.
pub async fn check_domain(domain: &str, opts: &CheckOptions) -> Result<DomainDnsReport> {
    let started = Instant::now();
    let apex = parse_name(domain)?;
    let mut findings = Vec::new();
    let views = select_views(&apex, opts, &mut findings).await;
    let limits = Limits {
        timeout: opts.query_timeout,
        max_cname_hops: opts.max_cname_hops,
    };
    let autodiscover = parse_name(&format!("autodiscover.{domain}"))?;
    let srv = parse_name(&format!("_autodiscover._tcp.{domain}"))?;

    let proof_obs = join_all(
        views
            .iter()
            .map(|v| records::simple(v, &apex, RecordType::TXT, limits)),
    );
    let cname_obs = join_all(
        views
            .iter()
            .map(|v| records::cname_chain(v, &autodiscover, limits)),
    );
    let srv_obs = join_all(
        views
            .iter()
            .map(|v| records::simple(v, &srv, RecordType::SRV, limits)),
    );
    let (proof_obs, cname_obs, srv_obs) = tokio::join!(proof_obs, cname_obs, srv_obs);

    let proof = proof_check(&apex, &views, proof_obs, &opts.expected_proofs);
    let autodiscover = autodiscover_check(&autodiscover, &views, cname_obs, opts);
    let srv = srv_check(&srv, &views, srv_obs);
    transport_findings(&proof, &mut findings);
    Ok(DomainDnsReport {
        domain: domain.trim_end_matches('.').to_owned(),
        views,
        proof,
        autodiscover,
        srv,
        findings,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

pub(crate) fn parse_name(text: &str) -> Result<Name> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.contains(char::is_whitespace) {
        return Err(DnsError::InvalidName(text.to_owned()));
    }
    let mut name = Name::from_str(trimmed).map_err(|_| DnsError::InvalidName(text.to_owned()))?;
    name.set_fqdn(true);
    Ok(name)
}

async fn select_views(apex: &Name, opts: &CheckOptions, findings: &mut Vec<Finding>) -> Vec<View> {
    let listed = opts
        .resolvers
        .iter()
        .map(|a| View::new(ViewKind::Listed, a.to_string(), *a));
    if opts.pinned {
        return listed.collect();
    }
    let system = opts.system.servers().unwrap_or_else(|problem| {
        findings.push(finding("dns.system_resolver_unavailable", problem));
        Vec::new()
    });
    let mut via = system.clone();
    via.extend(opts.resolvers.iter().copied());
    let mut views =
        match authoritative_views(apex, &via, opts.authoritative_port, opts.query_timeout).await {
            Ok(views) => views,
            Err(problem) => {
                findings.push(finding("dns.authoritative_not_found", problem));
                Vec::new()
            }
        };
    views.extend(
        system
            .iter()
            .map(|a| View::new(ViewKind::System, a.to_string(), *a)),
    );
    views.extend(listed);
    views
}

fn finding(code: &str, message: impl Into<String>) -> Finding {
    Finding {
        code: code.into(),
        message: message.into(),
    }
}

fn transport_findings(proof: &RecordCheck, findings: &mut Vec<Finding>) {
    let big = proof.views.iter().find_map(|v| match &v.answer {
        ViewOutcome::Answer {
            truncated_over_udp: true,
            size,
            ..
        } => Some((v.view.label.clone(), *size)),
        ViewOutcome::Answer { size, .. } if *size > 512 => Some((v.view.label.clone(), *size)),
        _ => None,
    });
    if let Some((label, size)) = big {
        findings.push(finding(
            "dns.txt_answer_large",
            format!(
                "the TXT answer at the apex is {size} bytes (from {label}): larger than 512 bytes, \
                 so it needs EDNS or TCP/53; if outbound TCP DNS is blocked the proof check of the \
                 trust broker can fail (KB2712678)"
            ),
        ));
    }
}

fn proof_check(
    apex: &Name,
    views: &[View],
    observed: Vec<Observed>,
    expected: &[ExpectedProof],
) -> RecordCheck {
    let answers = views
        .iter()
        .zip(observed)
        .map(|(view, obs)| judge_proof(view, obs, expected))
        .collect();
    assemble(
        RecordKind::ProofTxt,
        apex,
        "TXT",
        expected.iter().map(|p| p.proof.clone()).collect(),
        answers,
    )
}

fn judge_proof(view: &View, obs: Observed, expected: &[ExpectedProof]) -> ViewAnswer {
    let values = obs.outcome.values().to_vec();
    let matched: Vec<String> = expected
        .iter()
        .filter(|p| values.contains(&p.proof))
        .map(|p| p.slot.clone())
        .collect();
    let (status, hint) = if !obs.outcome.is_comparable() {
        (RecordStatus::Error, unreadable_hint(&obs.outcome))
    } else if !matched.is_empty() {
        (RecordStatus::Match, None)
    } else if expected.is_empty() {
        (
            if values.is_empty() {
                RecordStatus::Missing
            } else {
                RecordStatus::Present
            },
            None,
        )
    } else {
        proof_miss(&values, expected)
    };
    ViewAnswer {
        view: view.clone(),
        answer: obs.outcome,
        status,
        matched_slots: matched,
        hint,
        notes: obs.notes,
    }
}

/// What to do when a view could not be read: the answer itself says what happened
/// (REFUSED, SERVFAIL, no answer, not reachable), this says where to look.
fn unreadable_hint(outcome: &ViewOutcome) -> Option<String> {
    let text = match outcome {
        ViewOutcome::Refused => {
            "this server does not answer for this name or for this computer: check the address, \
             or that it allows queries (recursion) from this computer"
        }
        ViewOutcome::ServFail => {
            "the server could not get an answer from the domain's own DNS servers: try again \
             later, or ask the domain's DNS administrator to check the zone"
        }
        ViewOutcome::Timeout { .. } => {
            "nothing answered: check the server's address and that no firewall drops DNS \
             (port 53, UDP and TCP) from this computer"
        }
        ViewOutcome::Unreachable { .. } => {
            "the server cannot be reached from this computer: check the address, the network \
             route and the firewall"
        }
        ViewOutcome::Malformed { .. } => {
            "the server's answer could not be read: ask another resolver with --resolver"
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// No expected proof is present: a near miss is a mismatch with a hint, anything else missing.
fn proof_miss(values: &[String], expected: &[ExpectedProof]) -> (RecordStatus, Option<String>) {
    let best = expected
        .iter()
        .filter_map(|p| closest(&p.proof, values).map(|v| (p, v)))
        .find(|(p, v)| looks_like_attempt(&p.proof, v));
    match best {
        Some((p, v)) => (
            RecordStatus::Mismatch,
            difference_hint(&p.proof, v).map(|h| format!("{} proof: {h}", p.slot)),
        ),
        None => (RecordStatus::Missing, None),
    }
}

/// A TXT value is treated as an attempt at the proof (not an unrelated SPF or site record)
/// when its length is close and it shares a prefix, or it differs only in quoting or case.
fn looks_like_attempt(proof: &str, value: &str) -> bool {
    let v = value.trim().trim_matches('"').trim();
    if v.eq_ignore_ascii_case(proof) {
        return true;
    }
    let close_length = v.len().abs_diff(proof.len()) <= 8;
    let shared = proof
        .chars()
        .zip(v.chars())
        .take_while(|(a, b)| a == b)
        .count();
    close_length && (shared >= 4 || same_alphabet(v))
}

fn same_alphabet(v: &str) -> bool {
    !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | ' '))
}

fn autodiscover_check(
    name: &Name,
    views: &[View],
    observed: Vec<Observed>,
    opts: &CheckOptions,
) -> RecordCheck {
    let target = opts
        .expected_autodiscover_target
        .as_deref()
        .map(|t| t.trim_end_matches('.').to_ascii_lowercase());
    let answers = views
        .iter()
        .zip(observed)
        .map(|(view, obs)| judge_chain(view, obs, target.as_deref()))
        .collect();
    assemble(
        RecordKind::AutodiscoverCname,
        name,
        "CNAME",
        target.into_iter().collect(),
        answers,
    )
}

fn judge_chain(view: &View, obs: Observed, target: Option<&str>) -> ViewAnswer {
    let values = obs.outcome.values();
    let has_address = values
        .iter()
        .any(|v| v.starts_with("A ") || v.starts_with("AAAA "));
    let broken = obs
        .notes
        .iter()
        .any(|n| n.contains("loop") || n.contains("longer than") || n.contains("no A"));
    let mut hint = None;
    let status = if !obs.outcome.is_comparable() {
        hint = unreadable_hint(&obs.outcome);
        RecordStatus::Error
    } else if values.is_empty() {
        RecordStatus::Missing
    } else if broken || !has_address {
        hint = obs.notes.first().cloned();
        RecordStatus::Mismatch
    } else if let Some(target) = target {
        if chain_names(values).any(|n| n == target) {
            RecordStatus::Match
        } else {
            hint = Some(format!("the chain does not lead to {target}"));
            RecordStatus::Mismatch
        }
    } else {
        RecordStatus::Present
    };
    ViewAnswer {
        view: view.clone(),
        answer: obs.outcome,
        status,
        matched_slots: Vec::new(),
        hint,
        notes: obs.notes,
    }
}

fn chain_names(values: &[String]) -> impl Iterator<Item = String> + '_ {
    values
        .iter()
        .filter_map(|v| v.strip_prefix("CNAME "))
        .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
}

fn srv_check(name: &Name, views: &[View], observed: Vec<Observed>) -> RecordCheck {
    let answers = views
        .iter()
        .zip(observed)
        .map(|(view, obs)| {
            let mut notes = obs.notes;
            let status = if !obs.outcome.is_comparable() {
                RecordStatus::Error
            } else if obs.outcome.values().is_empty() {
                RecordStatus::Missing
            } else {
                // Clients use only SRV targets on 443 (an SSL endpoint) [DEV-AD4EX].
                for v in obs.outcome.values() {
                    if v.split(' ').nth(2) != Some("443") {
                        notes.push(format!(
                            "'{v}' is not on port 443: Autodiscover clients ignore it"
                        ));
                    }
                }
                RecordStatus::Present
            };
            ViewAnswer {
                view: view.clone(),
                answer: obs.outcome,
                status,
                matched_slots: Vec::new(),
                hint: None,
                notes,
            }
        })
        .collect();
    assemble(
        RecordKind::AutodiscoverSrv,
        name,
        "SRV",
        Vec::new(),
        answers,
    )
}

fn assemble(
    kind: RecordKind,
    name: &Name,
    rtype: &str,
    expected: Vec<String>,
    views: Vec<ViewAnswer>,
) -> RecordCheck {
    let agreement = agreement(&views);
    RecordCheck {
        kind,
        name: name.to_string(),
        record_type: rtype.into(),
        expected,
        status: overall(&views),
        views,
        agreement,
    }
}

/// The record's status across views: the common status when they all say the same, Partial
/// when some match and some do not, otherwise the most serious one.
fn overall(views: &[ViewAnswer]) -> RecordStatus {
    let answered: Vec<RecordStatus> = views
        .iter()
        .map(|v| v.status)
        .filter(|s| *s != RecordStatus::Error)
        .collect();
    let Some(first) = answered.first() else {
        return RecordStatus::Error;
    };
    if answered.iter().all(|s| s == first) {
        return *first;
    }
    let good = |s: &RecordStatus| matches!(s, RecordStatus::Match | RecordStatus::Present);
    if answered.iter().any(good) {
        return RecordStatus::Partial;
    }
    if answered.contains(&RecordStatus::Mismatch) {
        RecordStatus::Mismatch
    } else {
        RecordStatus::Missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unread_view_says_what_to_do() {
        for (outcome, advice) in [
            (ViewOutcome::Refused, "allows queries"),
            (ViewOutcome::ServFail, "try again later"),
            (ViewOutcome::Timeout { after_ms: 5000 }, "port 53"),
            (
                ViewOutcome::Unreachable {
                    message: "Network is unreachable (os error 101)".into(),
                },
                "network route",
            ),
        ] {
            let hint = unreadable_hint(&outcome).expect("a hint");
            assert!(hint.contains(advice), "{outcome}: {hint}");
        }
        assert_eq!(
            unreadable_hint(&ViewOutcome::NxDomain),
            None,
            "an answer needs none"
        );
    }
}
