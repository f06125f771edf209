//! Clock skew: the broker refuses token requests from a server more than 5 minutes off.
//!
//! A measured skew is judged directly: one the caller gives, or the HTTP `Date` of our own
//! Autodiscover endpoint against this computer's clock. Without one, Test-FederationTrust's
//! TokenRequest step is the evidence: a token was issued (so the broker accepted the clock),
//! or the request failed and its message names the clock.

use fedshare_model::{CheckResult, CheckStatus, Severity, StepKind};

use crate::inputs::Inputs;
use crate::result::{check, doc, ev, fix};

const MAX_SKEW_SECONDS: i64 = 5 * 60;

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
    let measured = inputs
        .clock_skew_seconds
        .map(|skew| ("server clock - real time".to_owned(), skew))
        .or_else(|| {
            // Our Client Access server dates its HTTP answers: against this computer's clock
            // (which should itself follow a time source) that is a measurement.
            inputs.endpoints.iter().find_map(|p| {
                let subject = format!(
                    "HTTP Date of https://autodiscover.{} - this computer's clock",
                    p.domain
                );
                Some((subject, p.clock_offset_seconds?))
            })
        });
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
        (Some((subject, skew)), _) => {
            r.evidence
                .insert(0, ev(subject, format!("{skew} s"), "within ±300 s"));
            Some(skew.abs() <= MAX_SKEW_SECONDS)
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
