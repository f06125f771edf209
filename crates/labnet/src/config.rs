//! What a lab network serves, and the default lab world both lab crates agree on.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::ca::CaMaterial;
use crate::partner::{
    BrokenKind, FederationInfo, FederationInfoTable, PartnerBehaviour, PartnerSite, TokenIssuer,
};
use crate::zone::{RecordData, RecordKind, ZoneData};

/// Called with every zone after an applied dynamic update, so the lab can persist them.
pub type ZoneChangeHook = Arc<dyn Fn(Vec<ZoneData>) + Send + Sync>;

/// Called before the DNS server answers a query or applies an update, and before an
/// Autodiscover endpoint answers from the federation table, so the lab can bring what it
/// serves up to date first (its breaks may have changed in another process). It must not
/// wait for anything that may itself be waiting on a lab answer.
pub type AnswerHook = Arc<dyn Fn() + Send + Sync>;

/// The one key allowed to sign dynamic updates (hmac-sha256).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TsigKeyConfig {
    /// Key name, e.g. `fedshare-lab` (what `knsupdate -y hmac-sha256:<name>:<secret>` uses).
    pub name: String,
    /// The shared secret, base64.
    pub secret_b64: String,
}

impl TsigKeyConfig {
    /// A fresh random 32-byte key.
    pub fn generate(name: &str) -> Self {
        let mut secret = [0u8; 32];
        // ring is already in the tree for TLS; its SystemRandom is the OS CSPRNG.
        let filled = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret);
        debug_assert!(filled.is_ok());
        TsigKeyConfig {
            name: name.to_owned(),
            secret_b64: base64::engine::general_purpose::STANDARD.encode(secret),
        }
    }
}

impl std::fmt::Debug for TsigKeyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TsigKeyConfig")
            .field("name", &self.name)
            .field("secret_b64", &"<redacted>")
            .finish()
    }
}

#[derive(Clone)]
pub struct LabNetConfig {
    /// Address every listener binds on; loopback by default.
    pub bind: IpAddr,
    /// 0 = ephemeral (the default).
    pub dns_port: u16,
    pub https_port: u16,
    pub http_port: u16,
    pub zones: Vec<ZoneData>,
    pub tsig: TsigKeyConfig,
    /// An existing CA to reuse; `None` generates one (read it back with `LabNet::ca_material`).
    pub ca: Option<CaMaterial>,
    pub partners: Vec<PartnerSite>,
    /// More host names that get a certificate (they answer 404), e.g. `mail.contoso.com`.
    pub extra_hosts: Vec<String>,
    pub federation_info: FederationInfoTable,
    pub on_change: Option<ZoneChangeHook>,
    pub before_answer: Option<AnswerHook>,
    /// Answers `GetUserAvailability` on the organizations' EWS endpoints; without it they
    /// answer as before (404, or the WS-Security fault to anonymous callers).
    pub availability: Option<Arc<dyn crate::availability::AvailabilityService>>,
}

impl std::fmt::Debug for LabNetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabNetConfig")
            .field("bind", &self.bind)
            .field("dns_port", &self.dns_port)
            .field("https_port", &self.https_port)
            .field("http_port", &self.http_port)
            .field("zones", &self.zones.len())
            .field("tsig", &self.tsig)
            .field("partners", &self.partners)
            .finish_non_exhaustive()
    }
}

/// The lab's own organisation.
pub const LAB_DOMAIN: &str = "contoso.com";
/// Default TSIG key name of the lab DNS server.
pub const LAB_TSIG_KEY_NAME: &str = "fedshare-lab";
/// How many generated `partnerNNN.example` organisations `default_lab` adds.
pub const DEFAULT_GENERATED_PARTNERS: usize = 20;

impl LabNetConfig {
    /// An empty lab (no zones, no partners) with a fresh TSIG key, on loopback ephemeral ports.
    pub fn empty() -> Self {
        LabNetConfig {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            dns_port: 0,
            https_port: 0,
            http_port: 0,
            zones: Vec::new(),
            tsig: TsigKeyConfig::generate(LAB_TSIG_KEY_NAME),
            ca: None,
            partners: Vec::new(),
            extra_hosts: Vec::new(),
            federation_info: FederationInfoTable::new(),
            on_change: None,
            before_answer: None,
            availability: None,
        }
    }

    /// The default lab world with [`DEFAULT_GENERATED_PARTNERS`] generated partners.
    pub fn default_lab() -> Self {
        Self::default_lab_with(DEFAULT_GENERATED_PARTNERS)
    }

    /// The default lab world: contoso.com (ours, answering from the federation table),
    /// fabrikam.com + fabrikam.net (federated on-premises), tailspintoys.com (wrong certificate),
    /// adatum.com (Office 365), and `generated` federated `partnerNNN.example` orgs.
    pub fn default_lab_with(generated: usize) -> Self {
        let mut config = Self::empty();
        config.partners = default_partners(generated);
        config.zones = default_zones(&config.partners);
        config.extra_hosts = vec![format!("mail.{LAB_DOMAIN}")];
        config
    }
}

pub(crate) fn generated_partner_domain(n: usize) -> String {
    format!("partner{n:03}.example")
}

fn default_partners(generated: usize) -> Vec<PartnerSite> {
    let site = |domain: &str, behaviour| PartnerSite {
        domain: domain.to_owned(),
        autodiscover_host: format!("autodiscover.{domain}"),
        behaviour,
    };
    let mut partners = vec![
        site(LAB_DOMAIN, PartnerBehaviour::FromTable),
        site(
            "fabrikam.com",
            PartnerBehaviour::Federated(FederationInfo {
                application_uri: "FYDIBOHF25SPDLT.fabrikam.com".into(),
                domains: vec!["fabrikam.com".into(), "fabrikam.net".into()],
                token_issuers: vec![TokenIssuer::microsoft_online()],
            }),
        ),
        // fabrikam.net is fabrikam's second federated domain, published the same way.
        site(
            "fabrikam.net",
            PartnerBehaviour::Federated(FederationInfo {
                application_uri: "FYDIBOHF25SPDLT.fabrikam.com".into(),
                domains: vec!["fabrikam.com".into(), "fabrikam.net".into()],
                token_issuers: vec![TokenIssuer::microsoft_online()],
            }),
        ),
        site(
            "tailspintoys.com",
            PartnerBehaviour::Broken(BrokenKind::WrongCertificate {
                presented_name: "mail.tailspintoys.com".into(),
                federation: Some(FederationInfo::on_premises(
                    "tailspintoys.com",
                    &["tailspintoys.com"],
                )),
            }),
        ),
        site(
            "adatum.com",
            PartnerBehaviour::Office365 {
                exo_host: "autodiscover-s.outlook.com".into(),
            },
        ),
    ];
    for n in 1..=generated {
        let domain = generated_partner_domain(n);
        let info = FederationInfo::on_premises(&domain, &[domain.as_str()]);
        partners.push(site(&domain, PartnerBehaviour::Federated(info)));
    }
    partners
}

/// One zone per organisation (plus outlook.com for Exchange Online), every host at 127.0.0.1.
fn default_zones(partners: &[PartnerSite]) -> Vec<ZoneData> {
    let mut zones: Vec<ZoneData> = partners.iter().map(partner_zone).collect();
    zones.push(zone_with(
        "outlook.com",
        vec![
            a("autodiscover-s"),
            RecordData::new(
                "autodiscover",
                3600,
                RecordKind::Cname,
                "autodiscover-s.outlook.com.",
            ),
        ],
    ));
    zones
}

fn a(name: &str) -> RecordData {
    RecordData::new(name, 300, RecordKind::A, "127.0.0.1")
}

fn zone_with(origin: &str, mut records: Vec<RecordData>) -> ZoneData {
    let apex = format!("{origin}.");
    let mut base = vec![
        RecordData::new(
            "@",
            3600,
            RecordKind::Soa,
            &format!("ns1.{apex} hostmaster.{apex} 1 3600 600 86400 300"),
        ),
        RecordData::new("@", 3600, RecordKind::Ns, &format!("ns1.{apex}")),
        a("ns1"),
    ];
    base.append(&mut records);
    ZoneData {
        origin: origin.to_owned(),
        records: base,
    }
}

fn partner_zone(site: &PartnerSite) -> ZoneData {
    let domain = &site.domain;
    let mut records = vec![a("@")];
    match &site.behaviour {
        // Office 365 tenants point Autodiscover at Microsoft (the documented CNAME).
        PartnerBehaviour::Office365 { .. } => records.push(RecordData::new(
            "autodiscover",
            3600,
            RecordKind::Cname,
            "autodiscover.outlook.com.",
        )),
        // On-premises orgs alias Autodiscover to their CAS, as the Exchange docs describe.
        _ => {
            records.push(a("mail"));
            records.push(RecordData::new(
                "autodiscover",
                3600,
                RecordKind::Cname,
                &format!("mail.{domain}."),
            ));
            records.push(RecordData::new(
                "@",
                3600,
                RecordKind::Mx,
                &format!("10 mail.{domain}."),
            ));
        }
    }
    zone_with(domain, records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::store::ZoneStore;

    #[test]
    fn default_lab_is_consistent() {
        let lab = LabNetConfig::default_lab_with(3);
        let domains: Vec<&str> = lab.partners.iter().map(|p| p.domain.as_str()).collect();
        assert_eq!(
            domains,
            [
                "contoso.com",
                "fabrikam.com",
                "fabrikam.net",
                "tailspintoys.com",
                "adatum.com",
                "partner001.example",
                "partner002.example",
                "partner003.example"
            ]
        );
        // Every zone compiles (SOA, CNAME rules, in-zone names).
        ZoneStore::new(lab.zones.clone()).unwrap();
        assert_eq!(lab.zones.len(), 9);
        let json = serde_json::to_string(&lab.zones).unwrap();
        let back: Vec<ZoneData> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, lab.zones);
    }

    #[test]
    fn tsig_secret_is_random_and_never_in_debug() {
        let a = TsigKeyConfig::generate("k");
        let b = TsigKeyConfig::generate("k");
        assert_ne!(a.secret_b64, b.secret_b64);
        assert!(!format!("{a:?}").contains(&a.secret_b64));
        let config = LabNetConfig::empty();
        assert!(!format!("{config:?}").contains(&config.tsig.secret_b64));
    }
}
