//! The lab organization's state: everything `Get-*` reads and `New/Set/Remove-*` change,
//! persisted as one JSON file, written atomically (temp file + rename).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use fedshare_labnet::CaMaterial;
use fedshare_model::{
    AcceptedDomain, AcceptedDomainType, FederatedDomain, FreeBusyAccessLevel, Mailbox,
    SharingPolicy, VirtualDirectory,
};
use serde::{Deserialize, Serialize};

use crate::breaks::Break;
use crate::crypto::random_tsig_secret;
use crate::error::LabError;
use crate::partners::{initial_partners, Partner, BUSINESS_TOKEN_EPR, BUSINESS_TOKEN_ISSUER};
use crate::zones::{initial_zones, TsigKey, Zone, ZoneRecord};

/// Bump when the file layout changes incompatibly.
pub const SCHEMA: u32 = 1;
pub const STATE_FILE: &str = "lab-world.json";
pub const DEFAULT_SHARING_POLICY: &str = "Default Sharing Policy";
pub const METADATA_EPR: &str =
    "https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml";

/// A certificate in the server's `LocalMachine\My` store.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoredCertificate {
    pub thumbprint: String,
    pub subject: String,
    pub issuer: String,
    pub friendly_name: String,
    pub certificate_domains: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    pub services: Vec<String>,
    pub private_key_exportable: bool,
    pub has_private_key: bool,
    pub subject_key_identifier: Option<String>,
    /// `RSA` (federation requires it).
    pub key_algorithm: String,
    /// `CAPI` or `CNG` (federation requires a CryptoAPI provider).
    pub key_provider: String,
    pub public_key_size: usize,
    pub serial_number: String,
    pub is_self_signed: bool,
    /// PKCS#8 PEM of the lab-generated key; absent for certificates the lab only describes.
    #[serde(default)]
    pub private_key_pem: Option<String>,
    #[serde(default)]
    pub certificate_pem: Option<String>,
}

impl std::fmt::Debug for StoredCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCertificate")
            .field("thumbprint", &self.thumbprint)
            .field("subject", &self.subject)
            .field("not_after", &self.not_after)
            .field("services", &self.services)
            .field(
                "private_key_pem",
                &self.private_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// The federation trust object (`msExchFedTrust`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Trust {
    pub name: String,
    pub application_identifier: Option<String>,
    pub application_uri: Option<String>,
    pub namespace_provisioner: String,
    pub org_priv_certificate: Option<String>,
    pub org_next_priv_certificate: Option<String>,
    pub org_prev_priv_certificate: Option<String>,
    pub token_issuer_uri: String,
    pub token_issuer_epr: String,
    pub token_issuer_metadata_epr: String,
    pub token_issuer_type: String,
    /// Thumbprints of the broker's signing certificates as the last metadata download found
    /// them (`TokenIssuerCertificate`, `TokenIssuerPrevCertificate`).
    #[serde(default)]
    pub token_issuer_certificate: Option<String>,
    #[serde(default)]
    pub token_issuer_prev_certificate: Option<String>,
}

/// The federated organization identifier (OrgID).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgId {
    pub enabled: bool,
    /// `FYDIBOHF25SPDLT.<primary domain>` once configured.
    pub account_namespace: Option<String>,
    pub delegation_trust_link: Option<String>,
    pub domains: Vec<FederatedDomain>,
    pub default_domain: Option<String>,
    pub organization_contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Relationship {
    pub name: String,
    pub domain_names: Vec<String>,
    pub enabled: bool,
    pub free_busy_access_enabled: bool,
    pub free_busy_access_level: FreeBusyAccessLevel,
    pub free_busy_access_scope: Option<String>,
    pub target_application_uri: Option<String>,
    pub target_autodiscover_epr: Option<String>,
    pub target_sharing_epr: Option<String>,
    #[serde(rename = "TargetOwaURL")]
    pub target_owa_url: Option<String>,
    pub organization_contact: Option<String>,
    pub mail_tips_access_enabled: bool,
    pub mail_tips_access_level: String,
    pub mail_tips_access_scope: Option<String>,
    pub delivery_report_enabled: bool,
    pub photos_enabled: bool,
    pub archive_access_enabled: bool,
    pub mailbox_move_enabled: bool,
}

impl Relationship {
    pub fn new(name: &str, domain_names: Vec<String>) -> Self {
        Self {
            name: name.to_owned(),
            domain_names,
            enabled: true,
            free_busy_access_enabled: false,
            free_busy_access_level: FreeBusyAccessLevel::None,
            free_busy_access_scope: None,
            target_application_uri: None,
            target_autodiscover_epr: None,
            target_sharing_epr: None,
            target_owa_url: None,
            organization_contact: None,
            mail_tips_access_enabled: false,
            mail_tips_access_level: "None".into(),
            mail_tips_access_scope: None,
            delivery_report_enabled: false,
            photos_enabled: false,
            archive_access_enabled: false,
            mailbox_move_enabled: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualDirectories {
    pub autodiscover: VirtualDirectory,
    pub web_services: VirtualDirectory,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct World {
    pub schema: u32,
    pub organization: String,
    pub exchange_version: String,
    pub server: String,
    pub server_fqdn: String,
    pub site: String,
    pub accepted_domains: Vec<AcceptedDomain>,
    pub mailboxes: Vec<Mailbox>,
    pub certificates: Vec<StoredCertificate>,
    pub virtual_directories: VirtualDirectories,
    /// Exchange allows one trust, except that externally provisioned trusts may coexist.
    pub federation_trusts: Vec<Trust>,
    pub organization_identifier: OrgId,
    pub organization_relationships: Vec<Relationship>,
    pub sharing_policies: Vec<SharingPolicy>,
    pub partners: Vec<Partner>,
    pub zones: Vec<Zone>,
    pub tsig: TsigKey,
    pub breaks: Vec<Break>,
    /// The lab certificate authority (certificate and key), created the first time the lab
    /// network starts and kept so that clients that trust it keep working across restarts.
    /// Its Debug output redacts the key.
    #[serde(default)]
    pub lab_ca: Option<CaMaterial>,
    /// How many days the lab's clock has been moved forward (`fedshare lab clock +400d`): every
    /// certificate made before then reports itself that much older, so expiry warnings and
    /// the certificate roll can be tested without waiting years.
    #[serde(default)]
    pub clock_days: i64,
    /// Further Client Access servers besides `server`; their virtual directories are set up
    /// as the first server's. None in a fresh lab.
    #[serde(default)]
    pub other_servers: Vec<OtherServer>,
}

/// One more Client Access server of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OtherServer {
    pub name: String,
    pub fqdn: String,
    /// False: switched off or cut off, so its IIS metabase cannot be read.
    pub reachable: bool,
}

fn accepted(name: &str, domain: &str, kind: AcceptedDomainType, default: bool) -> AcceptedDomain {
    AcceptedDomain {
        name: name.to_owned(),
        domain_name: domain.to_owned(),
        domain_type: kind,
        default,
    }
}

fn mailbox(identity: &str, smtp: &str) -> Mailbox {
    Mailbox {
        identity: identity.to_owned(),
        primary_smtp_address: smtp.to_owned(),
        sharing_policy: None,
    }
}

fn vdir(server: &str, name: &str, url: &str) -> VirtualDirectory {
    VirtualDirectory {
        identity: format!("{server}\\{name} (Default Web Site)"),
        server: server.to_owned(),
        external_url: Some(url.to_owned()),
        ws_security_authentication: true,
        windows_authentication: true,
    }
}

/// The IIS/SMTP certificate setup leaves behind. The lab only describes it (no key): it has no
/// Subject Key Identifier and its key is not exportable, so it cannot serve federation.
fn iis_certificate() -> StoredCertificate {
    StoredCertificate {
        thumbprint: "7A3F1C2B9D8E4F6A0B1C2D3E4F5A6B7C8D9E0F1A".into(),
        subject: "CN=mail.contoso.com".into(),
        issuer: "CN=Contoso Issuing CA, DC=contoso, DC=com".into(),
        friendly_name: "mail.contoso.com".into(),
        certificate_domains: vec!["mail.contoso.com".into(), "autodiscover.contoso.com".into()],
        not_before: "2024-01-15T00:00:00Z".into(),
        not_after: "2027-01-15T00:00:00Z".into(),
        services: vec!["IIS".into(), "SMTP".into()],
        private_key_exportable: false,
        has_private_key: true,
        subject_key_identifier: None,
        key_algorithm: "RSA".into(),
        key_provider: "CAPI".into(),
        public_key_size: 2048,
        serial_number: "1A00000004C3E0F5D2B8A1D6E700000000000004".into(),
        is_self_signed: false,
        private_key_pem: None,
        certificate_pem: None,
    }
}

impl World {
    /// The lab organization as a fresh Exchange 2013 setup leaves it: no trust, OrgID disabled,
    /// the Default Sharing Policy, and the partner organizations (plus `partners_extra` more).
    pub fn contoso(partners_extra: usize) -> World {
        let server = "EX01";
        let mailboxes = [
            ("Administrator", "administrator@contoso.com"),
            ("Alex Wilber", "alexw@contoso.com"),
            ("Megan Bowen", "meganb@contoso.com"),
            ("Lee Gu", "leeg@contoso.com"),
            ("Nestor Wilke", "nestorw@sales.contoso.com"),
            ("Diego Siciliani", "diegos@sales.contoso.com"),
        ];
        World {
            schema: SCHEMA,
            organization: "Contoso".into(),
            exchange_version: "Version 15.0 (Build 1497.2)".into(),
            server: server.into(),
            server_fqdn: "ex01.contoso.com".into(),
            site: "contoso.com/Configuration/Sites/Default-First-Site-Name".into(),
            accepted_domains: vec![
                accepted(
                    "contoso.com",
                    "contoso.com",
                    AcceptedDomainType::Authoritative,
                    true,
                ),
                accepted(
                    "sales.contoso.com",
                    "sales.contoso.com",
                    AcceptedDomainType::Authoritative,
                    false,
                ),
                accepted(
                    "contoso-mail.com",
                    "contoso-mail.com",
                    AcceptedDomainType::InternalRelay,
                    false,
                ),
                accepted(
                    "contoso-relay.com",
                    "contoso-relay.com",
                    AcceptedDomainType::ExternalRelay,
                    false,
                ),
                accepted(
                    "contoso.net subdomains",
                    "*.contoso.net",
                    AcceptedDomainType::Authoritative,
                    false,
                ),
            ],
            mailboxes: mailboxes.iter().map(|(n, s)| mailbox(n, s)).collect(),
            certificates: vec![iis_certificate()],
            virtual_directories: VirtualDirectories {
                autodiscover: vdir(
                    server,
                    "Autodiscover",
                    "https://mail.contoso.com/autodiscover/autodiscover.svc",
                ),
                web_services: vdir(server, "EWS", "https://mail.contoso.com/EWS/Exchange.asmx"),
            },
            federation_trusts: Vec::new(),
            organization_identifier: OrgId::default(),
            organization_relationships: Vec::new(),
            sharing_policies: vec![SharingPolicy {
                name: DEFAULT_SHARING_POLICY.into(),
                domains: vec![
                    "*:CalendarSharingFreeBusySimple".into(),
                    "Anonymous:CalendarSharingFreeBusyReviewer".into(),
                ],
                enabled: true,
                default: true,
            }],
            partners: initial_partners(partners_extra),
            zones: initial_zones(partners_extra),
            tsig: TsigKey {
                name: "fedshare-lab.".into(),
                algorithm: "hmac-sha256".into(),
                secret: random_tsig_secret(),
            },
            breaks: Vec::new(),
            lab_ca: None,
            clock_days: 0,
            other_servers: Vec::new(),
        }
    }

    pub fn state_path(data_dir: &Path) -> PathBuf {
        data_dir.join(STATE_FILE)
    }

    pub fn load(data_dir: &Path) -> Result<World, LabError> {
        let path = Self::state_path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LabError::NotInitialized(data_dir.display().to_string()))
            }
            Err(source) => return Err(io_error(&path, source)),
        };
        serde_json::from_str(&text).map_err(|source| LabError::StateCorrupt {
            path: path.display().to_string(),
            source,
        })
    }

    /// Writes the state next to its final place, syncs it, then renames it over the old file,
    /// so a crash never leaves a half-written world.
    pub fn save(&self, data_dir: &Path) -> Result<(), LabError> {
        std::fs::create_dir_all(data_dir).map_err(|e| io_error(data_dir, e))?;
        let path = Self::state_path(data_dir);
        let tmp = data_dir.join(format!("{STATE_FILE}.tmp"));
        let json = serde_json::to_vec_pretty(self).map_err(|source| LabError::StateCorrupt {
            path: path.display().to_string(),
            source,
        })?;
        let mut file = std::fs::File::create(&tmp).map_err(|e| io_error(&tmp, e))?;
        file.write_all(&json).map_err(|e| io_error(&tmp, e))?;
        file.sync_all().map_err(|e| io_error(&tmp, e))?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))
    }

    /// The organization's federation trust (the first, when externally provisioned ones coexist).
    pub fn trust(&self) -> Option<&Trust> {
        self.federation_trusts.first()
    }

    pub fn trust_mut(&mut self) -> Option<&mut Trust> {
        self.federation_trusts.first_mut()
    }

    pub fn has_break(&self, b: Break) -> bool {
        self.breaks.contains(&b)
    }

    pub fn accepted_domain(&self, domain: &str) -> Option<&AcceptedDomain> {
        self.accepted_domains
            .iter()
            .find(|d| d.domain_name.eq_ignore_ascii_case(domain))
    }

    /// An accepted domain matched by a wildcard entry (`*.contoso.net` covers `a.contoso.net`).
    pub fn wildcard_accepted_domain(&self, domain: &str) -> Option<&AcceptedDomain> {
        let domain = domain.to_ascii_lowercase();
        self.accepted_domains.iter().find(|d| {
            d.domain_name.strip_prefix("*.").is_some_and(|base| {
                let base = base.to_ascii_lowercase();
                domain == base || domain.ends_with(&format!(".{base}"))
            })
        })
    }

    pub fn certificate(&self, thumbprint: &str) -> Option<&StoredCertificate> {
        self.certificates
            .iter()
            .find(|c| c.thumbprint.eq_ignore_ascii_case(thumbprint))
    }

    pub fn mailbox_index(&self, identity: &str) -> Option<usize> {
        self.mailboxes.iter().position(|m| {
            m.identity.eq_ignore_ascii_case(identity)
                || m.primary_smtp_address.eq_ignore_ascii_case(identity)
                || m.primary_smtp_address
                    .split('@')
                    .next()
                    .is_some_and(|alias| alias.eq_ignore_ascii_case(identity))
        })
    }

    /// The primary shared domain: the part after `FYDIBOHF25SPDLT.` in the account namespace.
    pub fn primary_federated_domain(&self) -> Option<&str> {
        self.organization_identifier
            .account_namespace
            .as_deref()
            .and_then(|ns| ns.strip_prefix(crate::partners::ORGID_PREFIX))
    }

    /// Replaces the records of one type at one name (the lab side of an RFC 2136 update).
    /// Returns false when no lab zone holds the name.
    pub fn set_records(&mut self, name: &str, rtype: &str, values: &[String]) -> bool {
        let records: Vec<(u32, String)> = values.iter().map(|v| (300, v.clone())).collect();
        self.set_rrset(name, rtype, &records)
    }

    /// [`World::set_records`] with a TTL per record (`(ttl, value)`); an empty list deletes
    /// the record set. Returns false when no lab zone holds the name.
    pub fn set_rrset(&mut self, name: &str, rtype: &str, records: &[(u32, String)]) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let Some(zone) = self
            .zones
            .iter_mut()
            .filter(|z| z.contains_name(&name))
            .max_by_key(|z| z.origin.len())
        else {
            return false;
        };
        zone.records.retain(|r| {
            !(r.name.eq_ignore_ascii_case(&name) && r.rtype.eq_ignore_ascii_case(rtype))
        });
        zone.records
            .extend(records.iter().map(|(ttl, value)| ZoneRecord {
                name: name.clone(),
                rtype: rtype.to_ascii_uppercase(),
                ttl: *ttl,
                value: value.clone(),
            }));
        true
    }

    /// A new trust as `New-FederationTrust` writes it with the default provisioner.
    /// The broker's certificates are filled by the metadata download ([`crate::gateway::refresh`]).
    pub fn new_trust(name: &str, thumbprint: &str) -> Trust {
        Trust {
            name: name.to_owned(),
            application_identifier: None,
            application_uri: None,
            namespace_provisioner: "LiveDomainServices2".into(),
            org_priv_certificate: Some(thumbprint.to_owned()),
            org_next_priv_certificate: None,
            org_prev_priv_certificate: None,
            token_issuer_uri: BUSINESS_TOKEN_ISSUER.into(),
            token_issuer_epr: BUSINESS_TOKEN_EPR.into(),
            token_issuer_metadata_epr: METADATA_EPR.into(),
            token_issuer_type: "LiveId".into(),
            token_issuer_certificate: None,
            token_issuer_prev_certificate: None,
        }
    }
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> LabError {
    LabError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contoso_matches_a_fresh_setup() {
        let w = World::contoso(3);
        assert_eq!(w.exchange_version, "Version 15.0 (Build 1497.2)");
        assert!(w.federation_trusts.is_empty());
        assert!(!w.organization_identifier.enabled);
        let policy = &w.sharing_policies[0];
        assert_eq!(
            policy.domains,
            [
                "*:CalendarSharingFreeBusySimple",
                "Anonymous:CalendarSharingFreeBusyReviewer"
            ]
        );
        assert!(policy.default && policy.enabled);
        assert_eq!(w.partners.len(), 6);
        assert!(w.wildcard_accepted_domain("a.contoso.net").is_some());
        assert_eq!(w.mailbox_index("alexw"), Some(1));
        assert_eq!(w.tsig.secret.len(), 44);
    }

    #[test]
    fn save_and_load_round_trip_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            World::load(dir.path()),
            Err(LabError::NotInitialized(_))
        ));
        let w = World::contoso(1);
        w.save(dir.path()).expect("save");
        assert!(!dir.path().join(format!("{STATE_FILE}.tmp")).exists());
        assert_eq!(World::load(dir.path()).expect("load"), w);
        std::fs::write(World::state_path(dir.path()), "{").expect("write");
        assert!(matches!(
            World::load(dir.path()),
            Err(LabError::StateCorrupt { .. })
        ));
    }

    #[test]
    fn set_records_replaces_one_rrset() {
        let mut w = World::contoso(0);
        assert!(w.set_records("Contoso.com.", "TXT", &["proof".into()]));
        let zone = crate::zones::zone_for(&w.zones, "contoso.com").expect("zone");
        assert_eq!(zone.values("contoso.com", "TXT"), vec!["proof"]);
        assert!(!w.set_records("nowhere.invalid", "TXT", &[]));
    }
}
