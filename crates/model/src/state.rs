//! The observed federation state of one organization, as read through `Get-*` cmdlets.
//!
//! Field names are the Exchange property names so JSON from the shell deserialises directly.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Accepted domain types as `Get-AcceptedDomain` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum AcceptedDomainType {
    Authoritative,
    InternalRelay,
    ExternalRelay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct AcceptedDomain {
    pub name: String,
    /// The domain itself; `*.example.com` for a wildcard entry.
    pub domain_name: String,
    pub domain_type: AcceptedDomainType,
    #[serde(default)]
    pub default: bool,
}

/// One certificate slot of the trust (`OrgCertificate`, `OrgNextCertificate`, ...).
///
/// Reads the object form (`{Thumbprint, NotAfter, Subject}`) and the text form a nested
/// certificate arrives as (`"[Subject]\r\n  CN=…\r\n\r\n…[Thumbprint]\r\n  2D10…"`, see
/// [`crate::exchange_output::certificate::CertificateText`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct CertificateRef {
    pub thumbprint: String,
    /// RFC 3339 expiry; empty when not known (the text form's date is kept only when its
    /// culture's day and month cannot be swapped), until the reader fills it from
    /// `Get-ExchangeCertificate`.
    pub not_after: String,
    pub subject: String,
}

impl CertificateRef {
    /// True when the expiry is not known yet.
    pub fn not_after_unknown(&self) -> bool {
        self.not_after.is_empty()
    }
}

impl<'de> Deserialize<'de> for CertificateRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use crate::exchange_output::certificate::CertificateText;
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Object {
            thumbprint: String,
            #[serde(default)]
            not_after: Option<String>,
            #[serde(default)]
            subject: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Object(Object),
        }
        match Wire::deserialize(d)? {
            Wire::Text(text) => {
                let parsed = CertificateText::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "a certificate's text form without a [Thumbprint] of 40 hex digits: {:?}",
                        text.chars().take(120).collect::<String>()
                    ))
                })?;
                Ok(CertificateRef {
                    thumbprint: parsed.thumbprint,
                    not_after: parsed.not_after.unwrap_or_default(),
                    subject: parsed.subject,
                })
            }
            Wire::Object(o) => Ok(CertificateRef {
                thumbprint: o.thumbprint,
                not_after: o.not_after.unwrap_or_default(),
                subject: o.subject.unwrap_or_default(),
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct FederationTrust {
    pub name: String,
    #[serde(default)]
    pub application_identifier: Option<String>,
    #[serde(default)]
    pub application_uri: Option<String>,
    pub org_certificate: Option<CertificateRef>,
    #[serde(default)]
    pub org_next_certificate: Option<CertificateRef>,
    #[serde(default)]
    pub org_prev_certificate: Option<CertificateRef>,
    pub token_issuer_uri: String,
    pub token_issuer_epr: String,
    pub token_issuer_metadata_epr: String,
    pub token_issuer_type: String,
    pub namespace_provisioner: String,
}

/// The activation state Exchange reports per federated domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum FederatedDomainState {
    PendingActivation,
    Active,
    PendingRelease,
    Unknown,
}

/// Exchange's own value names, as `Get-FederatedOrganizationIdentifier` prints them.
impl std::fmt::Display for FederatedDomainState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FederatedDomainState::PendingActivation => "PendingActivation",
            FederatedDomainState::Active => "Active",
            FederatedDomainState::PendingRelease => "PendingRelease",
            FederatedDomainState::Unknown => "Unknown",
        })
    }
}

/// One of `Domains`. Reads the object form (`{Domain, State}`) and the text form Exchange's
/// `FederatedDomain.ToString()` gives each item of the list (`"contoso.com=Active"`, or
/// `"contoso.com"` without `-IncludeExtendedDomainInfo`: state `Unknown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct FederatedDomain {
    pub domain: String,
    pub state: FederatedDomainState,
}

impl<'de> Deserialize<'de> for FederatedDomain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Object {
            domain: String,
            #[serde(default)]
            state: Option<FederatedDomainState>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Object(Object),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Text(text) => {
                let (domain, state) = crate::exchange_output::domain::federated_domain_text(&text);
                FederatedDomain { domain, state }
            }
            Wire::Object(o) => FederatedDomain {
                domain: o.domain,
                state: o.state.unwrap_or(FederatedDomainState::Unknown),
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct FederatedOrganizationIdentifier {
    pub enabled: bool,
    /// `FYDIBOHF25SPDLT.<primary shared domain>`, or empty when not configured.
    #[serde(default)]
    pub account_namespace: Option<String>,
    #[serde(default)]
    pub delegation_trust_link: Option<String>,
    #[serde(default)]
    pub domains: Vec<FederatedDomain>,
    #[serde(default)]
    pub default_domain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum FreeBusyAccessLevel {
    None,
    AvailabilityOnly,
    LimitedDetails,
}

/// Exchange's value names, exactly as `-FreeBusyAccessLevel` takes them.
impl std::fmt::Display for FreeBusyAccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FreeBusyAccessLevel::None => "None",
            FreeBusyAccessLevel::AvailabilityOnly => "AvailabilityOnly",
            FreeBusyAccessLevel::LimitedDetails => "LimitedDetails",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct OrganizationRelationship {
    pub name: String,
    pub domain_names: Vec<String>,
    pub enabled: bool,
    pub free_busy_access_enabled: bool,
    pub free_busy_access_level: FreeBusyAccessLevel,
    #[serde(default)]
    pub free_busy_access_scope: Option<String>,
    #[serde(default)]
    pub target_application_uri: Option<String>,
    #[serde(default)]
    pub target_autodiscover_epr: Option<String>,
    #[serde(default)]
    pub target_sharing_epr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct SharingPolicy {
    pub name: String,
    /// Entries in Exchange's own `Domain:Action[,Action]` form.
    pub domains: Vec<String>,
    pub enabled: bool,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct Mailbox {
    pub identity: String,
    pub primary_smtp_address: String,
    #[serde(default)]
    pub sharing_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct VirtualDirectory {
    pub identity: String,
    pub server: String,
    #[serde(default)]
    pub external_url: Option<String>,
    pub ws_security_authentication: bool,
    pub windows_authentication: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct ExchangeCertificate {
    pub thumbprint: String,
    pub subject: String,
    #[serde(default)]
    pub friendly_name: String,
    pub not_after: String,
    /// Exchange's flags text (`"IMAP, POP, IIS, SMTP"`, `"None"`); empty when not reported
    /// (a certificate that arrived as `RawData` only). Read output through
    /// [`crate::exchange_output::certificate::exchange_certificate`], which also takes the list
    /// form older hosts sent.
    #[serde(default)]
    pub services: String,
    #[serde(default)]
    pub private_key_exportable: bool,
    #[serde(default)]
    pub subject_key_identifier: Option<String>,
}

/// Everything Fedshare reads about one organization in a single pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct OrgState {
    pub organization_name: String,
    /// True when the shell is the embedded lab world, not a real organization.
    pub is_lab: bool,
    pub exchange_version: String,
    pub accepted_domains: Vec<AcceptedDomain>,
    pub federation_trust: Option<FederationTrust>,
    pub organization_identifier: FederatedOrganizationIdentifier,
    pub organization_relationships: Vec<OrganizationRelationship>,
    pub sharing_policies: Vec<SharingPolicy>,
}

#[cfg(test)]
mod display_tests {
    use super::*;

    /// The words shown and written into cmdlets are the ones Exchange reads back.
    #[test]
    fn exchange_values_display_as_their_serialised_names() {
        for level in [
            FreeBusyAccessLevel::None,
            FreeBusyAccessLevel::AvailabilityOnly,
            FreeBusyAccessLevel::LimitedDetails,
        ] {
            assert_eq!(
                serde_json::to_value(level).expect("json"),
                serde_json::Value::String(level.to_string())
            );
        }
        for state in [
            FederatedDomainState::PendingActivation,
            FederatedDomainState::Active,
            FederatedDomainState::PendingRelease,
            FederatedDomainState::Unknown,
        ] {
            assert_eq!(
                serde_json::to_value(state).expect("json"),
                serde_json::Value::String(state.to_string())
            );
        }
    }
}
