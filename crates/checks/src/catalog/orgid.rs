//! The organization identifier and the federated domains: enabled, each domain Active, and
//! each domain's proof TXT published exactly as `Get-FederatedDomainProof` gives it.

use fedshare_dns::{DomainDnsReport, RecordStatus};
use fedshare_model::{CheckResult, CheckStatus, FederatedDomainState, Severity, StepKind};

use crate::inputs::{primary_domain, Inputs};
use crate::result::{check, conclude, doc, ev, fix, ps};

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    if inputs.org.federation_trust.is_none() {
        return Vec::new();
    }
    let mut out = vec![enabled(inputs)];
    for d in &inputs.org.organization_identifier.domains {
        out.push(active(
            &d.domain,
            d.state,
            inputs.domain_states_unknown.as_deref(),
        ));
    }
    for obs in &inputs.dns {
        out.push(proof(
            inputs,
            &obs.domain,
            obs.report.value(),
            obs.report.problem(),
        ));
    }
    out
}

fn enabled(inputs: &Inputs) -> CheckResult {
    let oid = &inputs.org.organization_identifier;
    let mut r = check(
        "orgid.enabled",
        "The organization identifier is set and enabled",
        StepKind::FederationTrust,
        Severity::Critical,
        "The organization identifier (account namespace FYDIBOHF25SPDLT.<primary domain>) links the trust to your domains. While it is missing or disabled, federated sharing, hybrid free/busy, MailTips and message tracking across organizations are all off.",
        doc::DISABLE_SHARING,
    );
    r.evidence.push(ev(
        "Get-FederatedOrganizationIdentifier.AccountNamespace",
        oid.account_namespace.as_deref().unwrap_or("(not set)"),
        "FYDIBOHF25SPDLT.<primary domain>",
    ));
    r.evidence.push(ev(
        "Get-FederatedOrganizationIdentifier.Enabled",
        oid.enabled.to_string(),
        "true",
    ));
    let trust = inputs
        .org
        .federation_trust
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let cmd = match primary_domain(&inputs.org) {
        Some(_) if oid.account_namespace.is_some() => {
            "Set-FederatedOrganizationIdentifier -Enabled $true".to_owned()
        }
        _ => format!(
            "Set-FederatedOrganizationIdentifier -DelegationFederationTrust {} -AccountNamespace <primary domain> -Enabled $true",
            ps(&trust)
        ),
    };
    conclude(
        &mut r,
        oid.enabled && oid.account_namespace.is_some(),
        CheckStatus::Failure,
        fix("Set and enable the organization identifier (publish the proof TXT of the primary domain first).", &[cmd]),
    );
    r
}

fn active(domain: &str, state: FederatedDomainState, unknown: Option<&str>) -> CheckResult {
    let mut r = check(
        format!("domain.active:{domain}"),
        format!("{domain} is active at the trust broker"),
        StepKind::FederationTrust,
        Severity::Error,
        "A federated domain is usable only once the broker has accepted its proof and reports it Active; PendingActivation usually means the proof TXT record was not found.",
        doc::MANAGE_TRUST,
    );
    r.subject = Some(domain.to_owned());
    if let (FederatedDomainState::Unknown, Some(reason)) = (state, unknown) {
        // The broker could not be asked: nothing is known to be wrong with the domain.
        r.evidence.push(ev(
            "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo",
            format!("Unknown: the trust broker could not be asked ({reason})"),
            "Active",
        ));
        return r;
    }
    r.evidence.push(ev(
        "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo",
        state.to_string(),
        "Active",
    ));
    conclude(
        &mut r,
        state == FederatedDomainState::Active,
        CheckStatus::Failure,
        fix(
            "Publish the domain's proof TXT record, wait for replication, then add the domain again.",
            &[
                format!("Get-FederatedDomainProof -DomainName {domain} | fl Thumbprint,Proof"),
                format!("Remove-FederatedDomain -DomainName {domain} -Force"),
                format!("Add-FederatedDomain -DomainName {domain}"),
            ],
        ),
    );
    r
}

fn proof(
    inputs: &Inputs,
    domain: &str,
    report: Option<&DomainDnsReport>,
    problem: Option<String>,
) -> CheckResult {
    let mut r = check(
        format!("domain.proof:{domain}"),
        format!("The domain proof TXT record of {domain} is published"),
        StepKind::FederationTrust,
        Severity::Error,
        "The broker checks a TXT record at the domain itself whose value is exactly the Proof from Get-FederatedDomainProof. A missing or mistyped value makes Set-FederatedOrganizationIdentifier and Add-FederatedDomain fail with 'Proof of domain ownership has failed', and blocks the next certificate rollover.",
        doc::PROOF_FAILED,
    );
    r.subject = Some(domain.to_owned());
    let expected: Vec<String> = inputs
        .proofs
        .value()
        .into_iter()
        .flatten()
        .filter(|p| p.domain.eq_ignore_ascii_case(domain))
        .map(|p| p.proof.clone())
        .collect();
    let Some(report) = report else {
        if let Some(p) = problem {
            r.evidence.push(ev(format!("TXT {domain}"), p, "an answer"));
        }
        return r;
    };
    let proof = &report.proof;
    let expected_text = if expected.is_empty() {
        "the Proof of Get-FederatedDomainProof".to_owned()
    } else {
        expected.join(" or ")
    };
    for v in &proof.views {
        let actual = super::dns::view_answer(v, " | ");
        r.evidence.push(ev(
            format!("TXT {domain} @ {}", v.view.label),
            actual,
            expected_text.clone(),
        ));
    }
    if expected.is_empty() {
        // Without the expected proof the check cannot tell a proof from any other TXT value.
        return r;
    }
    let records: Vec<String> = expected
        .iter()
        .map(|p| format!("{domain}. IN TXT \"{p}\""))
        .collect();
    let status = match proof.status {
        RecordStatus::Match => CheckStatus::Pass,
        RecordStatus::Partial => CheckStatus::Warning,
        RecordStatus::Error => CheckStatus::NotChecked,
        RecordStatus::Missing | RecordStatus::Mismatch | RecordStatus::Present => {
            CheckStatus::Failure
        }
    };
    let summary = match proof.status {
        RecordStatus::Mismatch => "The published value differs from the proof: replace it with the exact value (copy, do not retype).",
        RecordStatus::Partial => "Some DNS servers do not have the record yet: wait for replication, or fix the servers that differ.",
        _ => "Create the TXT record at the domain itself (not at a subdomain).",
    };
    conclude(
        &mut r,
        status == CheckStatus::Pass,
        status,
        fix(summary, &records),
    );
    if status == CheckStatus::NotChecked {
        r.fix = None;
    }
    r
}
