//! The result of one check: what was seen, what was expected, why it matters, how to fix it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CheckStatus {
    Pass,
    Warning,
    Failure,
    NotChecked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Severity {
    Info,
    Warning,
    Error,
    Critical,
}

/// Which wizard step a finding belongs to (and which page fixes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepKind {
    Prerequisites,
    FederationTrust,
    OrganizationRelationships,
    SharingPolicies,
    AutodiscoverDns,
}

/// One observation: the actual value next to the expected one, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Evidence {
    /// What was looked at, e.g. `TXT contoso.com @ ns1.contoso.com` or `Get-FederationTrust.TokenIssuerUri`.
    pub subject: String,
    pub actual: String,
    pub expected: String,
}

/// What to do about a finding: exact cmdlets or records, ready to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Fix {
    pub summary: String,
    /// Shell lines or DNS records, one per entry.
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckResult {
    /// Stable id, e.g. `trust.certificate-expiry`. Never reused for another meaning.
    pub id: String,
    pub title: String,
    pub step: StepKind,
    pub severity: Severity,
    pub status: CheckStatus,
    /// The object the check is about (a domain, a relationship name), when it is about one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Why it matters, in plain words.
    pub explanation: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The documentation topic that covers it.
    pub doc_link: String,
}
