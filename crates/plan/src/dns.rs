//! DNS as the plan sees it: records it publishes, and the trait the applier drives (RFC 2136
//! publication and resolution checks live in fedshare-dns; the lab tests use the lab's zones).

use std::future::Future;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    #[serde(rename = "TXT")]
    Txt,
    #[serde(rename = "CNAME")]
    Cname,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Txt => "TXT",
            RecordType::Cname => "CNAME",
        }
    }
}

/// One record value at one name. Names and CNAME targets have no trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    pub name: String,
    pub rtype: RecordType,
    pub value: String,
}

impl DnsRecord {
    /// Presentation form, as an administrator types it at a DNS host.
    pub fn display(&self) -> String {
        match self.rtype {
            RecordType::Txt => format!("{} IN TXT \"{}\"", self.name, self.value),
            RecordType::Cname => format!("{} IN CNAME {}.", self.name, self.value),
        }
    }

    /// Whether an answer (a list of values at this name and type) holds this record.
    pub fn is_in(&self, answer: &[String]) -> bool {
        answer
            .iter()
            .any(|v| same_value(self.rtype, v, &self.value))
    }
}

impl std::fmt::Display for DnsRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// TXT values compare exactly (proofs are case-sensitive Base64); host names ignore case and
/// a trailing dot.
pub fn same_value(rtype: RecordType, a: &str, b: &str) -> bool {
    match rtype {
        RecordType::Txt => a.trim_matches('"') == b.trim_matches('"'),
        RecordType::Cname => a
            .trim_end_matches('.')
            .eq_ignore_ascii_case(b.trim_end_matches('.')),
    }
}

/// A DNS failure in words (the network error, the server's RCODE).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DnsFailure(pub String);

/// What the applier needs from DNS. Publication adds one value without touching the other
/// values of the set (a TXT proof sits next to SPF); for CNAME it replaces the single value.
pub trait Dns: Sync {
    fn publish(&self, record: &DnsRecord) -> impl Future<Output = Result<(), DnsFailure>> + Send;
    /// Removes exactly this value (the reverse of `publish`).
    fn unpublish(&self, record: &DnsRecord) -> impl Future<Output = Result<(), DnsFailure>> + Send;
    /// The values a resolver sees at `name` for `rtype` now (empty when none).
    fn lookup(
        &self,
        name: &str,
        rtype: RecordType,
    ) -> impl Future<Output = Result<Vec<String>, DnsFailure>> + Send;
}
