//! The free/busy proof: the request users actually make. A signed-in user of our organization
//! asks our own EWS for one day of a partner mailbox's free/busy (`GetUserAvailability`,
//! `FreeBusy` view); our Exchange then runs the whole federated chain (relationship, token from
//! the trust broker, the partner's EWS). The answer is free/busy data, or Exchange's error for
//! that mailbox decoded into a cause and a fix.
//!
//! Read-only, and never subjects or bodies: the `FreeBusy` view carries none and the parser
//! skips `CalendarEventDetails`. Only addresses, codes and times reach logs and reports.

use fedshare_dns::availability::{get_user_availability, EwsAuth, EwsOutcome};
use fedshare_dns::discovery::http::Http;
use fedshare_ews::{
    diagnose, is_smtp_address, AvailabilityError, AvailabilityQuery, Diagnosis, FreeBusyData,
    MailboxAnswer,
};
use fedshare_exchange::Invocation;
use fedshare_model::exchange_output::vdir::virtual_directory;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use std::path::PathBuf;

use fedshare_model::{CheckResult, CheckStatus, Evidence, Fix, Severity, StepKind};

use crate::network::{Network, NetworkChoice};
use crate::{AppPaths, EngineError, Session};

/// The lab's mailboxes take any password, as its shell does; this one is sent when no
/// credential is stored, signing in as the `--from` mailbox.
const LAB_PASSWORD: &str = "lab";

/// One direction of the proof: `from` (ours) asks about `to` (the partner's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FreeBusyRequest {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FreeBusyProof {
    pub from: String,
    pub to: String,
    pub partner_domain: String,
    /// The UTC day asked about (`YYYY-MM-DD`).
    pub day: String,
    /// Our EWS, as its virtual directory's ExternalUrl names it.
    pub ews_url: String,
    /// The account signed in to EWS (a user name only), or `None` for the current Windows
    /// identity.
    pub signed_in_as: Option<String>,
    /// True when the signed-in account asked on behalf of `from` (EWS impersonation).
    pub impersonated: bool,
    #[ts(type = "number | null")]
    pub elapsed_ms: Option<u64>,
    pub result: ProofResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum ProofResult {
    /// Free/busy data came back from the partner's mailbox.
    FreeBusy { data: FreeBusyData },
    /// Exchange answered with `ResponseClass="Error"` for the mailbox.
    Refused {
        error: AvailabilityError,
        diagnosis: Diagnosis,
    },
    /// Our EWS gave no availability answer at all (sign-in refused, no connection ...).
    NotAnswered {
        code: String,
        cause: String,
        fix: String,
    },
}

impl FreeBusyProof {
    pub fn succeeded(&self) -> bool {
        matches!(self.result, ProofResult::FreeBusy { .. })
    }
}

/// Runs the proof for one direction.
pub async fn prove(
    session: &Session,
    choice: &NetworkChoice,
    request: &FreeBusyRequest,
) -> Result<FreeBusyProof, EngineError> {
    let from = address(&request.from)?;
    let to = address(&request.to)?;
    let partner_domain = to
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    let ews_url = ews_url(session).await?;
    let network = Network::of_session(session, choice.clone()).await?;
    let http = Http::new(network.discovery_options()?)?;

    let stored = session.stored_exchange_credential();
    let lab = session.profile().is_lab();
    let (user, password) = match &stored {
        Some(c) => (
            Some(c.user_name.clone()),
            Some(c.secret.expose().to_owned()),
        ),
        None if lab => (Some(from.clone()), Some(LAB_PASSWORD.to_owned())),
        None => (None, None),
    };
    let auth = match (&user, &password) {
        (Some(user), Some(password)) => EwsAuth::Basic { user, password },
        _ => EwsAuth::Negotiate,
    };
    let impersonated = user.as_deref().is_some_and(|u| !same_account(u, &from));
    let day = OffsetDateTime::now_utc().date();
    let mut query = AvailabilityQuery::one_day(&to, day)?;
    if impersonated {
        query.impersonate = Some(from.clone());
    }
    tracing::info!(%from, %to, %ews_url, impersonated, "free/busy proof: GetUserAvailability");
    let outcome = get_user_availability(&http, &ews_url, &auth, &query).await?;
    let (result, elapsed_ms) = judge(outcome);
    match &result {
        ProofResult::FreeBusy { data } => {
            tracing::info!(%to, view = %data.view_type, slots = data.slots.len(), "free/busy came back")
        }
        ProofResult::Refused { diagnosis, .. } => {
            tracing::warn!(%to, cause = %diagnosis.id, code = ?diagnosis.exchange_code, "free/busy refused")
        }
        ProofResult::NotAnswered { code, .. } => tracing::warn!(%to, %code, "EWS gave no answer"),
    }
    let proof = FreeBusyProof {
        from,
        to,
        partner_domain,
        day: day.to_string(),
        ews_url,
        signed_in_as: user,
        impersonated,
        elapsed_ms,
        result,
    };
    // Losing the kept copy loses only what verify shows later, not the proof itself.
    if let Err(e) = keep_proof(session.paths(), &session.profile().name, &proof) {
        tracing::warn!(error = %e, "the free/busy proof could not be kept for verify");
    }
    Ok(proof)
}

/// Whether `text` can be a side of the proof (a plain `name@domain`), for front ends that
/// check their input before anything runs.
pub fn is_mailbox_address(text: &str) -> bool {
    is_smtp_address(&text.trim().to_ascii_lowercase())
}

fn address(text: &str) -> Result<String, EngineError> {
    let trimmed = text.trim().to_ascii_lowercase();
    if is_smtp_address(&trimmed) {
        Ok(trimmed)
    } else {
        Err(EngineError::MailboxAddress(text.trim().to_owned()))
    }
}

/// `alexw@contoso.com`, `alexw` and `CONTOSO\alexw` are one account for this purpose.
fn same_account(user: &str, address: &str) -> bool {
    let user = user.rsplit_once('\\').map_or(user, |(_, n)| n);
    let alias = address.split('@').next().unwrap_or_default();
    user.eq_ignore_ascii_case(address) || user.eq_ignore_ascii_case(alias)
}

/// Our EWS: the first EWS virtual directory with an ExternalUrl (what partners and Outlook
/// outside use; the proof goes the way a user's request goes).
async fn ews_url(session: &Session) -> Result<String, EngineError> {
    let vdirs = session
        .invoke(&Invocation::new("Get-WebServicesVirtualDirectory"))
        .await?;
    vdirs
        .iter()
        .map(virtual_directory)
        .find_map(|v| v.external_url.filter(|u| !u.trim().is_empty()))
        .ok_or(EngineError::NoEwsUrl)
}

fn judge(outcome: EwsOutcome) -> (ProofResult, Option<u64>) {
    match outcome {
        EwsOutcome::Answered {
            mut answers,
            elapsed_ms,
        } => {
            let result = match answers.drain(..).next() {
                Some(MailboxAnswer::FreeBusy(data)) => ProofResult::FreeBusy { data },
                Some(MailboxAnswer::Error(error)) => ProofResult::Refused {
                    diagnosis: diagnose(&error),
                    error,
                },
                None => not_answered("ews.empty", "Our EWS answered without a result for the mailbox.", "Run the proof again; if it persists, read the EWS logs on our server."),
            };
            (result, Some(elapsed_ms))
        }
        EwsOutcome::Status { status: 401, offered, .. } => (
            not_answered(
                "ews.sign_in_refused",
                &format!("Our EWS refused the sign-in (401; it offers {}).", offered.join(", ")),
                "Store the --from mailbox's credential (fedshare credentials set --purpose exchange --user USER), or an account with the ApplicationImpersonation role.",
            ),
            None,
        ),
        EwsOutcome::Status { status, fault, .. } => (
            not_answered(
                "ews.http_status",
                &format!("Our EWS answered HTTP {status}{}.", fault.map(|f| format!(": {f}")).unwrap_or_default()),
                "Check the EWS virtual directory (its ExternalUrl and authentication methods) and the server's EWS logs.",
            ),
            None,
        ),
        EwsOutcome::Failed { failure } => (
            not_answered(
                "ews.unreachable",
                &format!("Our EWS could not be reached: {failure}."),
                "Check that this computer reaches the EWS ExternalUrl (name, firewall, certificate).",
            ),
            None,
        ),
        EwsOutcome::Unreadable { reason } => (
            not_answered(
                "ews.unreadable",
                &format!("Our EWS answered something that is not a GetUserAvailability response ({reason})."),
                "Check that the ExternalUrl points at Exchange's EWS and not at a proxy's login page.",
            ),
            None,
        ),
    }
}

fn not_answered(code: &str, cause: &str, fix: &str) -> ProofResult {
    ProofResult::NotAnswered {
        code: code.to_owned(),
        cause: cause.to_owned(),
        fix: fix.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_match_by_address_alias_or_domain_name() {
        assert!(same_account("alexw@contoso.com", "alexw@contoso.com"));
        assert!(same_account("CONTOSO\\alexw", "alexw@contoso.com"));
        assert!(!same_account("CONTOSO\\Administrator", "alexw@contoso.com"));
    }

    #[test]
    fn a_refusal_is_decoded_and_a_401_names_the_sign_in() {
        let error = AvailabilityError {
            response_code: "ErrorNoFreeBusyAccess".into(),
            message_text: "The caller does not have access to free/busy data.".into(),
            exception_type: None,
            exception_code: Some(5037),
            exception_server_name: None,
            response_source: None,
        };
        let (result, _) = judge(EwsOutcome::Answered {
            answers: vec![MailboxAnswer::Error(error)],
            elapsed_ms: 3,
        });
        let ProofResult::Refused { diagnosis, .. } = result else {
            panic!("{result:?}")
        };
        assert_eq!(diagnosis.id, "freebusy.no_access");
        let (result, _) = judge(EwsOutcome::Status {
            status: 401,
            offered: vec!["Negotiate".into(), "Basic".into()],
            fault: None,
        });
        assert!(
            matches!(result, ProofResult::NotAnswered { code, .. } if code == "ews.sign_in_refused")
        );
    }
}

/// The proofs run for a profile, newest per direction, kept so that verify, the map and the
/// reports show them: the proof is an action (it asks the partner's Exchange), verify only
/// reports its last result.
pub fn proofs_path(paths: &AppPaths, profile: &str) -> PathBuf {
    paths
        .data_dir
        .join("freebusy")
        .join(format!("{}.json", crate::workflow::file_stem(profile)))
}

/// A proof as kept: the proof and when it ran (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeptProof {
    pub time: String,
    pub proof: FreeBusyProof,
}

/// The kept proofs, one per direction (our domain → partner domain); none when unreadable.
pub fn kept_proofs(paths: &AppPaths, profile: &str) -> Vec<KeptProof> {
    let path = proofs_path(paths, profile);
    std::fs::read(&path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn direction(p: &FreeBusyProof) -> (String, String) {
    let ours = p.from.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    (ours.to_owned(), p.partner_domain.clone())
}

/// Keeps `proof` as the latest of its direction (write then rename).
pub fn keep_proof(
    paths: &AppPaths,
    profile: &str,
    proof: &FreeBusyProof,
) -> Result<(), EngineError> {
    let mut kept = kept_proofs(paths, profile);
    kept.retain(|k| direction(&k.proof) != direction(proof));
    let time = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    kept.push(KeptProof {
        time,
        proof: proof.clone(),
    });
    let path = proofs_path(paths, profile);
    let json = serde_json::to_vec_pretty(&kept).unwrap_or_default();
    crate::paths::replace_file(&path, "json.tmp", |tmp| {
        std::fs::write(tmp, json).map_err(crate::paths::io_error(&path))
    })
}

/// The kept proofs as check results (`freebusy.proof:<partner domain>`, on the relationship's
/// step, so the map's relationship edge and the reports carry them), plus one "not checked"
/// result per relationship domain no proof has covered yet.
pub fn proof_checks(
    kept: &[KeptProof],
    relationship_domains: &[(String, String)],
) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = kept.iter().map(proof_check).collect();
    for (name, domain) in relationship_domains {
        if kept
            .iter()
            .any(|k| k.proof.partner_domain.eq_ignore_ascii_case(domain))
        {
            continue;
        }
        results.push(CheckResult {
            id: format!("freebusy.proof:{domain}"),
            title: format!("Free/busy proof with {name} ({domain})"),
            step: StepKind::OrganizationRelationships,
            severity: Severity::Info,
            status: CheckStatus::NotChecked,
            subject: Some(domain.clone()),
            evidence: Vec::new(),
            explanation: "No free/busy proof has been run for this partner yet: only a real GetUserAvailability shows that users will see free/busy.".into(),
            fix: Some(Fix {
                summary: "Run the proof with one of our mailboxes and a mailbox the partner names; ask the partner to run the reverse direction (the partner kit says how).".into(),
                commands: vec![format!("fedshare freebusy --from <user>@<our domain> --to <user>@{domain}")],
            }),
            doc_link: DOC_LINK.into(),
        });
    }
    results
}

const DOC_LINK: &str = "operations-after-setup#5-proving-that-free-busy-works";

fn proof_check(k: &KeptProof) -> CheckResult {
    let p = &k.proof;
    let (ours, partner) = direction(p);
    let mut evidence = vec![Evidence {
        subject: format!("GetUserAvailability {} → {} at {}", p.from, p.to, k.time),
        actual: String::new(),
        expected: "free/busy data".into(),
    }];
    let (status, explanation, fix) = match &p.result {
        ProofResult::FreeBusy { data } => {
            evidence[0].actual = format!(
                "{} view, {} busy period(s)",
                data.view_type,
                data.slots.len()
            );
            (
                CheckStatus::Pass,
                "Free/busy came back from the partner's mailbox through the whole federated chain."
                    .to_owned(),
                None,
            )
        }
        ProofResult::Refused { error, diagnosis } => {
            evidence[0].actual = format!(
                "{}{}: {}",
                error.response_code,
                error
                    .exception_code
                    .map(|c| format!(" / {c}"))
                    .unwrap_or_default(),
                error.message_text
            );
            if let Some(source) = &error.response_source {
                evidence.push(Evidence {
                    subject: "ResponseSource".into(),
                    actual: source.clone(),
                    expected: String::new(),
                });
            }
            (
                CheckStatus::Failure,
                diagnosis.cause.clone(),
                Some(Fix {
                    summary: diagnosis.fix.clone(),
                    commands: vec![format!("fedshare freebusy --from {} --to {}", p.from, p.to)],
                }),
            )
        }
        ProofResult::NotAnswered { code, cause, fix } => {
            evidence[0].actual = code.clone();
            (
                CheckStatus::Failure,
                cause.clone(),
                Some(Fix {
                    summary: fix.clone(),
                    commands: Vec::new(),
                }),
            )
        }
    };
    CheckResult {
        id: format!("freebusy.proof:{partner}"),
        title: format!("Free/busy from {ours} to {partner}"),
        step: StepKind::OrganizationRelationships,
        severity: Severity::Error,
        status,
        subject: Some(partner),
        evidence,
        explanation,
        fix,
        doc_link: DOC_LINK.into(),
    }
}
