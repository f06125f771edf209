//! The plan file's own shape (the keys of the TOML) as data: what the file deserialises into,
//! what the wizard's forms edit, and what is written back. It is not validated:
//! [`super::validate`] turns it into a [`SharingPlan`] or into every problem at once, keyed by
//! the field's path, so a form and a hand-edited file get the same rules.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    AutodiscoverRecord, CertificateSpec, DnsMode, MailboxSelection, SharingPlan,
    DEFAULT_TRUSTED_HOSTNAMES,
};
use crate::entries::SharingEntry;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanDocument {
    pub trust: PlanTrust,
    pub domains: PlanDomains,
    #[serde(default)]
    pub relationship: Vec<PlanRelationship>,
    #[serde(default)]
    pub policy: Vec<PlanPolicy>,
    #[serde(default)]
    pub autodiscover: Vec<PlanAutodiscover>,
    /// Absent in the file: `manual`.
    #[serde(default)]
    pub dns: PlanDns,
    /// Absent when the plan keeps Exchange's default trusted hosters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub partners: Option<PlanPartners>,
}

/// `[partners]`: how partner discovery treats hosts that are not the partner's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanPartners {
    /// Absent in the file: Exchange's default trusted hosters.
    #[serde(default = "default_trusted_hostnames")]
    pub trusted_hostnames: Vec<String>,
}

fn default_trusted_hostnames() -> Vec<String> {
    DEFAULT_TRUSTED_HOSTNAMES
        .iter()
        .map(|h| (*h).to_owned())
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanTrust {
    pub name: String,
    pub certificate: PlanCertificate,
}

/// `"new"` or `{ thumbprint = "..." }`, as in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum PlanCertificate {
    Keyword(String),
    Thumbprint { thumbprint: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanDomains {
    pub primary: String,
    #[serde(default)]
    pub additional: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanRelationship {
    pub name: String,
    pub domains: Vec<String>,
    #[serde(default = "yes")]
    pub free_busy_enabled: bool,
    pub access_level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub scope_group: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target_application_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target_autodiscover_epr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanPolicy {
    pub name: String,
    pub entries: Vec<String>,
    #[serde(default)]
    pub default: bool,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mailboxes: Option<PlanMailboxes>,
}

/// `"all"` or a list of mailbox identities, as in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum PlanMailboxes {
    Keyword(String),
    List(Vec<String>),
}

/// `[[autodiscover]]`: a federated domain's `autodiscover.<domain>` CNAME (`target`), or the
/// reason it needs none (`not_needed`); exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanAutodiscover {
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub not_needed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PlanDns {
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub zones: Option<Vec<String>>,
}

impl Default for PlanDns {
    fn default() -> Self {
        PlanDns {
            mode: "manual".into(),
            server: None,
            key_name: None,
            zones: None,
        }
    }
}

fn yes() -> bool {
    true
}

impl PlanDocument {
    /// The TOML text of the document (not validated: parse it with [`SharingPlan::parse`]).
    pub fn to_toml(&self) -> String {
        // A struct of strings, bools and lists always serialises.
        crate::preserve::without_empty_lists(&toml::to_string_pretty(self).unwrap_or_default())
    }
}

impl From<&SharingPlan> for PlanDocument {
    fn from(p: &SharingPlan) -> Self {
        let certificate = match &p.trust.certificate {
            CertificateSpec::New => PlanCertificate::Keyword("new".into()),
            CertificateSpec::Thumbprint(t) => PlanCertificate::Thumbprint {
                thumbprint: t.clone(),
            },
        };
        PlanDocument {
            trust: PlanTrust {
                name: p.trust.name.clone(),
                certificate,
            },
            domains: PlanDomains {
                primary: p.primary_domain.clone(),
                additional: p.additional_domains.clone(),
            },
            relationship: p
                .relationships
                .iter()
                .map(|r| PlanRelationship {
                    name: r.name.clone(),
                    domains: r.domains.clone(),
                    free_busy_enabled: r.free_busy_enabled,
                    access_level: r.access_level.to_string(),
                    scope_group: r.scope_group.clone(),
                    enabled: r.enabled,
                    target_application_uri: r.target_application_uri.clone(),
                    target_autodiscover_epr: r.target_autodiscover_epr.clone(),
                })
                .collect(),
            policy: p
                .policies
                .iter()
                .map(|pol| PlanPolicy {
                    name: pol.name.clone(),
                    entries: pol.entries.iter().map(SharingEntry::render).collect(),
                    default: pol.default,
                    enabled: pol.enabled,
                    mailboxes: match &pol.mailboxes {
                        MailboxSelection::None => None,
                        MailboxSelection::All => Some(PlanMailboxes::Keyword("all".into())),
                        MailboxSelection::List(l) => Some(PlanMailboxes::List(l.clone())),
                    },
                })
                .collect(),
            autodiscover: p.autodiscover_records().map(autodiscover_doc).collect(),
            dns: dns_doc(&p.dns),
            // Written only when it differs from the default, so an untouched file stays as it is.
            partners: (p.trusted_hostnames != DEFAULT_TRUSTED_HOSTNAMES).then(|| PlanPartners {
                trusted_hostnames: p.trusted_hostnames.clone(),
            }),
        }
    }
}

fn autodiscover_doc(record: AutodiscoverRecord<'_>) -> PlanAutodiscover {
    match record {
        AutodiscoverRecord::Cname(a) => PlanAutodiscover {
            domain: a.domain.clone(),
            target: Some(a.target.clone()),
            not_needed: None,
        },
        AutodiscoverRecord::NotNeeded(n) => PlanAutodiscover {
            domain: n.domain.clone(),
            target: None,
            not_needed: Some(n.reason.clone()),
        },
    }
}

fn dns_doc(dns: &DnsMode) -> PlanDns {
    let (mode, server, key_name, zones) = match dns {
        DnsMode::Manual => ("manual", None, None, None),
        DnsMode::None => ("none", None, None, None),
        DnsMode::Rfc2136 { server, key_name } => (
            "rfc2136",
            Some(server.clone()),
            Some(key_name.clone()),
            None,
        ),
        DnsMode::Windows { server, zones } => {
            ("windows", server.clone(), None, Some(zones.clone()))
        }
    };
    PlanDns {
        mode: mode.into(),
        server,
        key_name,
        zones,
    }
}
