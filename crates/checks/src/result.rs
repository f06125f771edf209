//! Small builders so each check reads as what it looks at and what it concludes.

use fedshare_model::{CheckResult, CheckStatus, Evidence, Fix, Severity, StepKind};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Exchange 2013 documentation topics (the links shown with each finding).
pub(crate) mod doc {
    pub const CONFIGURE_TRUST: &str = "https://learn.microsoft.com/en-us/exchange/configure-a-federation-trust-exchange-2013-help";
    pub const RENEW_CERTIFICATE: &str = "https://learn.microsoft.com/en-us/exchange/renew-the-federation-certificate-exchange-2013-help";
    pub const MANAGE_TRUST: &str =
        "https://learn.microsoft.com/en-us/exchange/manage-a-federation-trust-exchange-2013-help";
    pub const FEDERATION: &str =
        "https://learn.microsoft.com/en-us/exchange/federation-exchange-2013-help";
    pub const CREATE_RELATIONSHIP: &str = "https://learn.microsoft.com/en-us/exchange/create-an-organization-relationship-exchange-2013-help";
    pub const MODIFY_RELATIONSHIP: &str = "https://learn.microsoft.com/en-us/exchange/modify-an-organization-relationship-exchange-2013-help";
    pub const SHARING_POLICY: &str = "https://learn.microsoft.com/en-us/exchange/modify-disable-or-remove-a-sharing-policy-exchange-2013-help";
    pub const CONFIGURE_SHARING: &str =
        "https://learn.microsoft.com/en-us/exchange/configure-federated-sharing-exchange-2013-help";
    pub const DISABLE_SHARING: &str = "https://learn.microsoft.com/en-us/exchange/disable-or-re-enable-federated-sharing-for-your-exchange-organization-exchange-2013-help";
    pub const TEST_TRUST: &str =
        "https://learn.microsoft.com/en-us/powershell/module/exchange/test-federationtrust";
    pub const TEST_TRUST_CERTIFICATE: &str = "https://learn.microsoft.com/en-us/powershell/module/exchange/test-federationtrustcertificate";
    pub const TEST_RELATIONSHIP: &str = "https://learn.microsoft.com/en-us/powershell/module/exchange/test-organizationrelationship";
    pub const FREE_BUSY_TROUBLESHOOT: &str = "https://learn.microsoft.com/en-us/exchange/troubleshoot/calendars/troubleshoot-freebusy-issues-in-exchange-hybrid";
    pub const RESOLVE_FREE_BUSY: &str =
        "https://learn.microsoft.com/en-us/outlook/troubleshoot/calendaring/resolve-free-busy-errors";
    pub const PROOF_FAILED: &str = "https://learn.microsoft.com/en-us/exchange/troubleshoot/hybrid-configuration-wizard-errors/proof-of-domain-ownership-has-failed-error";
    pub const CROSS_TENANT: &str =
        "https://learn.microsoft.com/en-us/entra/external-id/cross-tenant-access-overview";
    pub const GET_FEDERATION_INFORMATION: &str =
        "https://learn.microsoft.com/en-us/powershell/module/exchange/get-federationinformation";
}

pub(crate) fn check(
    id: impl Into<String>,
    title: impl Into<String>,
    step: StepKind,
    severity: Severity,
    explanation: impl Into<String>,
    doc_link: &str,
) -> CheckResult {
    CheckResult {
        id: id.into(),
        title: title.into(),
        step,
        severity,
        status: CheckStatus::NotChecked,
        subject: None,
        evidence: Vec::new(),
        explanation: explanation.into(),
        fix: None,
        doc_link: doc_link.to_owned(),
    }
}

pub(crate) fn ev(
    subject: impl Into<String>,
    actual: impl Into<String>,
    expected: impl Into<String>,
) -> Evidence {
    Evidence {
        subject: subject.into(),
        actual: actual.into(),
        expected: expected.into(),
    }
}

pub(crate) fn fix(summary: impl Into<String>, commands: &[String]) -> Fix {
    Fix {
        summary: summary.into(),
        commands: commands.to_vec(),
    }
}

/// Passes when `ok`, otherwise fails (or warns) with the fix attached.
pub(crate) fn conclude(r: &mut CheckResult, ok: bool, bad: CheckStatus, f: Fix) {
    if ok {
        r.status = CheckStatus::Pass;
    } else {
        r.status = bad;
        r.fix = Some(f);
    }
}

/// Single-quoted PowerShell literal (names come from the organization, never code).
pub(crate) fn ps(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub(crate) fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// RFC 3339, or Exchange's local form without an offset (read as UTC).
pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let t = text.trim();
    OffsetDateTime::parse(t, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{t}Z"), &Rfc3339))
        .ok()
}

/// Whole days from `now` to `then` (negative when past).
pub(crate) fn days_until(now: &str, then: &str) -> Option<i64> {
    Some((parse_time(then)? - parse_time(now)?).whole_days())
}
