//! Autodiscover DNS of our own domains (partners find us through it) and the size of the
//! apex TXT answer (the broker's proof check over UDP).

use fedshare_dns::{DomainDnsReport, RecordStatus, ViewAnswer};
use fedshare_model::{CheckResult, CheckStatus, Severity, StepKind};

use crate::inputs::{DnsObservation, Inputs};
use crate::result::{check, conclude, doc, ev, fix};

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for obs in &inputs.dns {
        if obs.autodiscover_expected {
            out.push(autodiscover(inputs, obs));
        } else if let Some(reason) = &obs.autodiscover_not_needed {
            out.push(not_needed(&obs.domain, reason));
        }
        if let Some(report) = obs.report.value() {
            if let Some(r) = txt_size(report) {
                out.push(r);
            }
        }
    }
    out
}

fn autodiscover(inputs: &Inputs, obs: &DnsObservation) -> CheckResult {
    let d = &obs.domain;
    let mut r = check(
        format!("dns.autodiscover:{d}"),
        format!("autodiscover.{d} leads to your Exchange server"),
        StepKind::AutodiscoverDns,
        Severity::Error,
        "Partners' Get-FederationInformation and Test-OrganizationRelationship start at https://autodiscover.<domain>/autodiscover/autodiscover.svc. Without a public CNAME to the Internet-facing Client Access server they cannot find your federation information ('Federation information could not be received from the external organization').",
        doc::CONFIGURE_SHARING,
    );
    r.subject = Some(d.clone());
    let target = crate::inputs::autodiscover_target(inputs);
    let target_text = target
        .clone()
        .unwrap_or_else(|| "your Internet-facing CAS".into());
    let Some(report) = obs.report.value() else {
        if let Some(p) = obs.report.problem() {
            r.evidence
                .push(ev(format!("CNAME autodiscover.{d}"), p, target_text));
        }
        return r;
    };
    let rec = &report.autodiscover;
    for v in &rec.views {
        let actual = view_answer(v, " → ");
        r.evidence.push(ev(
            format!("autodiscover.{d} @ {}", v.view.label),
            actual,
            format!("CNAME chain to {target_text}"),
        ));
    }
    if let Some(diag) = &rec.agreement.diagnosis {
        r.evidence
            .push(ev("DNS views", diag.as_str(), "all views agree"));
    }
    let status = match rec.status {
        RecordStatus::Match | RecordStatus::Present => CheckStatus::Pass,
        RecordStatus::Partial => CheckStatus::Warning,
        RecordStatus::Error => CheckStatus::NotChecked,
        RecordStatus::Missing | RecordStatus::Mismatch => CheckStatus::Failure,
    };
    let record = format!(
        "autodiscover.{d}. IN CNAME {}.",
        target.as_deref().unwrap_or("<your CAS host name>")
    );
    conclude(
        &mut r,
        status == CheckStatus::Pass,
        status,
        fix(
            "Publish the Autodiscover CNAME in public DNS (and make sure the CAS certificate covers the name).",
            &[record],
        ),
    );
    if status == CheckStatus::NotChecked {
        r.fix = None;
    }
    r
}

/// A federated domain the plan says needs no Autodiscover record: shown with the reason, so
/// Verify never passes over it in silence.
fn not_needed(d: &str, reason: &str) -> CheckResult {
    let mut r = check(
        format!("dns.autodiscover:{d}"),
        format!("autodiscover.{d} is not needed, as the plan says"),
        StepKind::AutodiscoverDns,
        Severity::Info,
        format!("The plan marks this federated domain's Autodiscover record as not needed: {reason}. Partners that look up autodiscover.{d} itself will not find your federation information."),
        doc::CONFIGURE_SHARING,
    );
    r.subject = Some(d.to_owned());
    r.evidence.push(ev(
        format!("CNAME autodiscover.{d}"),
        "not looked up",
        format!("not needed: {reason}"),
    ));
    r
}

/// Only reported when the finding is there: most domains never come near the limit.
fn txt_size(report: &DomainDnsReport) -> Option<CheckResult> {
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "dns.txt_answer_large")?;
    let d = &report.domain;
    let mut r = check(
        format!("dns.txt-size:{d}"),
        format!("The TXT answer at {d} fits a plain UDP response"),
        StepKind::FederationTrust,
        Severity::Warning,
        "The broker's proof check reads all TXT records at the domain; an answer over 512 bytes needs EDNS or TCP/53, and when TCP DNS is blocked the proof check fails although the record exists (KB2712678).",
        doc::PROOF_FAILED,
    );
    r.subject = Some(d.clone());
    r.evidence.push(ev(
        format!("TXT {d}"),
        f.message.as_str(),
        "512 bytes or less",
    ));
    r.status = CheckStatus::Warning;
    r.fix = Some(fix(
        "Remove TXT records at the apex that are no longer needed, and allow outbound TCP/53 from the Exchange servers.",
        &[],
    ));
    Some(r)
}

/// What one DNS view answered, in words: its values joined by `separator` (a CNAME chain
/// reads as a path), or why there are none, with the mismatch hint when there is one.
pub(super) fn view_answer(v: &ViewAnswer, separator: &str) -> String {
    let values = v.answer.values();
    let actual = if values.is_empty() {
        v.answer.to_string()
    } else {
        values.join(separator)
    };
    match &v.hint {
        Some(h) => format!("{actual} ({h})"),
        None => actual,
    }
}
