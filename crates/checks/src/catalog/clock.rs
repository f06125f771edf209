//! Clock skew: the broker refuses token requests from a server more than 5 minutes off.
//!
//! A measured skew is judged directly. Without one, Test-FederationTrust's TokenRequest step
//! is the evidence: a token was issued (so the broker accepted the clock), or the request
//! failed and its message names the clock.

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
    if let Some(skew) = inputs.clock_skew_seconds {
        r.evidence.push(ev(
            "server clock - real time",
            format!("{skew} s"),
            "within ±300 s",
        ));
        r.status = if skew.abs() <= MAX_SKEW_SECONDS {
            CheckStatus::Pass
        } else {
            r.fix = Some(the_fix);
            CheckStatus::Failure
        };
        return r;
    }
    let token = inputs
        .trust_test
        .value()
        .and_then(|events| events.iter().find(|e| e.id == "TokenRequest"));
    let Some(token) = token else {
        return r;
    };
    r.evidence.push(ev(
        "Test-FederationTrust TokenRequest",
        format!("{}: {}", token.kind, token.message),
        "Success (the broker accepted the server's clock)",
    ));
    if token.kind.eq_ignore_ascii_case("Success") {
        r.status = CheckStatus::Pass;
    } else if mentions_clock(&token.message) {
        r.status = CheckStatus::Failure;
        r.fix = Some(the_fix);
    }
    r
}
