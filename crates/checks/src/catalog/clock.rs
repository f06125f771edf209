//! Clock skew: the broker refuses token requests from a server more than 5 minutes off.
//!
//! A measured skew is judged directly: one the caller gives, or the HTTP `Date` of our own
//! Autodiscover endpoint against a reference clock. The reference is this computer's clock,
//! unless the partners' servers agree among themselves and this computer is the one that is
//! off: then it is their median. Without a measurement, Test-FederationTrust's TokenRequest
//! step is the evidence: a token was issued (so the broker accepted the clock), or the request
//! failed and its message names the clock.

use fedshare_model::{CheckResult, CheckStatus, Evidence, Severity, StepKind};

use crate::inputs::Inputs;
use crate::result::{check, doc, ev, fix};

const MAX_SKEW_SECONDS: i64 = 5 * 60;
const WITHIN: &str = "within ±300 s";

/// A skew to judge and the rows that show how it was measured.
struct Measured {
    skew: i64,
    evidence: Vec<Evidence>,
}

/// Our Client Access server dates its HTTP answers: the first dated probe of our own
/// `autodiscover.<domain>`, as its server's clock minus this computer's.
fn own_offset(inputs: &Inputs) -> Option<(String, i64)> {
    inputs
        .endpoints
        .iter()
        .find_map(|p| Some((p.domain.clone(), p.clock_offset_seconds?)))
}

/// The partners' dated answers, one per server (see [`one_per_server`]).
fn partner_offsets(inputs: &Inputs) -> Vec<i64> {
    one_per_server(inputs.partners.iter().filter_map(|p| {
        let offset = p.discovery.clock_offset_seconds?;
        Some((p.discovery.result.as_ref()?.source_url.as_str(), offset))
    }))
}

/// One offset per server that answered (by the host of the URL that answered): a partner
/// reached through several domains (an Exchange Online tenant's) is one clock, not several
/// that happen to agree.
fn one_per_server<'a>(answers: impl Iterator<Item = (&'a str, i64)>) -> Vec<i64> {
    let mut servers = std::collections::HashSet::new();
    answers
        .filter_map(|(url, offset)| {
            let server = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or(url)
                .to_ascii_lowercase();
            servers.insert(server).then_some(offset)
        })
        .collect()
}

/// Judges our server's offset (against this computer's clock) against the best reference at
/// hand. Partners' servers become the reference only when at least two dated their answers,
/// they agree with each other, and this computer disagrees with them: one partner alone, or
/// partners that disagree, could be the ones that are off.
fn against_reference(domain: &str, own: i64, partners: &[i64]) -> Measured {
    let own_subject =
        |reference: &str| format!("HTTP Date of https://autodiscover.{domain} - {reference}");
    let against_this_computer = ev(
        own_subject("this computer's clock"),
        format!("{own} s"),
        WITHIN,
    );
    let Some(median) = agreeing_median(partners) else {
        return Measured {
            skew: own,
            evidence: vec![against_this_computer],
        };
    };
    let partners_subject = format!(
        "partners' servers (median of {}) - this computer's clock",
        partners.len()
    );
    if median.abs() <= MAX_SKEW_SECONDS {
        // This computer agrees with the partners: its clock is a fair reference.
        return Measured {
            skew: own,
            evidence: vec![
                against_this_computer,
                ev(partners_subject, format!("{median} s"), WITHIN),
            ],
        };
    }
    Measured {
        skew: own - median,
        evidence: vec![
            ev(
                own_subject(&format!("partners' servers (median of {})", partners.len())),
                format!("{} s", own - median),
                WITHIN,
            ),
            ev(
                format!("{partners_subject} (this computer's clock is off; correct it, it is not the reference)"),
                format!("{median} s"),
                WITHIN,
            ),
        ],
    }
}

/// The median of at least two offsets that all lie within the allowed skew of it.
fn agreeing_median(offsets: &[i64]) -> Option<i64> {
    if offsets.len() < 2 {
        return None;
    }
    let mut sorted = offsets.to_vec();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    sorted
        .iter()
        .all(|o| (o - median).abs() <= MAX_SKEW_SECONDS)
        .then_some(median)
}

fn mentions_clock(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("clock")
        || m.contains("time skew")
        || m.contains("5 minutes")
        || m.contains("five minutes")
}

pub(crate) fn check_skew(inputs: &Inputs) -> CheckResult {
    let mut r = check(
        "clock.skew",
        "The server clock is within 5 minutes of real time",
        StepKind::Prerequisites,
        Severity::Error,
        "The trust broker rejects token requests from a server whose clock differs by more than 5 minutes, so free/busy fails in both directions (OWA error 5039, 'Failed to request a delegation token').",
        doc::FREE_BUSY_TROUBLESHOOT,
    );
    let the_fix = fix(
        "Synchronise the Exchange server's clock (the domain hierarchy or a reliable NTP source).",
        &[
            "w32tm /stripchart /computer:time.windows.com /samples:5 /dataonly".into(),
            "w32tm /resync /rediscover".into(),
        ],
    );
    let measured = match inputs.clock_skew_seconds {
        Some(skew) => Some(Measured {
            skew,
            evidence: vec![ev("server clock - real time", format!("{skew} s"), WITHIN)],
        }),
        None => own_offset(inputs)
            .map(|(domain, offset)| against_reference(&domain, offset, &partner_offsets(inputs))),
    };
    let token = inputs
        .trust_test
        .value()
        .and_then(|events| events.iter().find(|e| e.id == "TokenRequest"));
    if let Some(token) = token {
        r.evidence.push(ev(
            "Test-FederationTrust TokenRequest",
            format!("{}: {}", token.kind, token.message),
            "Success (the broker accepted the server's clock)",
        ));
    }
    let ok = match (measured, token) {
        (Some(measured), _) => {
            r.evidence.splice(0..0, measured.evidence);
            Some(measured.skew.abs() <= MAX_SKEW_SECONDS)
        }
        (None, Some(token)) if token.kind.eq_ignore_ascii_case("Success") => Some(true),
        (None, Some(token)) if mentions_clock(&token.message) => Some(false),
        _ => None,
    };
    match ok {
        Some(true) => r.status = CheckStatus::Pass,
        Some(false) => {
            r.status = CheckStatus::Failure;
            r.fix = Some(the_fix);
        }
        None => {}
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_partners_this_computer_is_the_reference() {
        let m = against_reference("contoso.com", 432, &[]);
        assert_eq!(m.skew, 432);
        assert_eq!(m.evidence.len(), 1);
        assert_eq!(
            m.evidence[0].subject,
            "HTTP Date of https://autodiscover.contoso.com - this computer's clock"
        );
        // One partner alone is not a reference: it could be the one that is off.
        assert_eq!(against_reference("contoso.com", 432, &[431]).skew, 432);
    }

    #[test]
    fn partners_that_agree_with_this_computer_corroborate_it() {
        let m = against_reference("contoso.com", 432, &[1, -2, 0]);
        assert_eq!(m.skew, 432);
        assert_eq!(
            m.evidence[1].subject,
            "partners' servers (median of 3) - this computer's clock"
        );
        assert_eq!(m.evidence[1].actual, "0 s");
    }

    #[test]
    fn a_computer_off_from_agreeing_partners_is_not_the_reference() {
        // This computer runs 430 s behind everyone: the server is right, the workstation not.
        let m = against_reference("contoso.com", 432, &[430, 433, 431]);
        assert_eq!(m.skew, 1);
        assert!(m.evidence[0]
            .subject
            .ends_with("partners' servers (median of 3)"));
        assert!(m.evidence[1]
            .subject
            .contains("this computer's clock is off"));
        assert_eq!(m.evidence[1].actual, "431 s");
        // The server itself off from agreeing partners is still found.
        assert_eq!(
            against_reference("contoso.com", 1000, &[430, 431]).skew,
            569
        );
    }

    #[test]
    fn a_partner_answering_for_several_domains_is_one_clock() {
        let answers = [
            (
                "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc",
                431,
            ),
            (
                "https://AUTODISCOVER-S.outlook.com/autodiscover/autodiscover.svc/WSSecurity",
                431,
            ),
            (
                "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc",
                0,
            ),
        ];
        assert_eq!(one_per_server(answers.into_iter()), [431, 0]);
        // Two domains of one tenant are no majority over this computer's clock.
        let one_tenant = one_per_server(answers[..2].iter().copied());
        assert_eq!(against_reference("contoso.com", 432, &one_tenant).skew, 432);
    }

    #[test]
    fn partners_that_disagree_with_each_other_are_no_reference() {
        assert_eq!(agreeing_median(&[0, 900]), None);
        assert_eq!(agreeing_median(&[5, 0, -3]), Some(0));
        assert_eq!(
            against_reference("contoso.com", 432, &[430, -500]).skew,
            432
        );
    }
}
