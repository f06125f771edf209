//! The partner organizations the lab knows: what their Autodiscover answers to
//! `GetFederationInformation`, and how their organization relationship with Contoso looks.

use fedshare_exchange::ws_security_url;
use fedshare_model::FreeBusyAccessLevel;
use serde::{Deserialize, Serialize};

use crate::zones::partner_domain;

pub const BUSINESS_TOKEN_ISSUER: &str = "urn:federation:MicrosoftOnline";
pub const BUSINESS_TOKEN_EPR: &str = "https://login.microsoftonline.com/extSTS.srf";
pub const ORGID_PREFIX: &str = "FYDIBOHF25SPDLT.";

/// A partner's relationship pointing back at Contoso, as its `Get-OrganizationRelationship`
/// would show it (read by `Test-OrganizationRelationship`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartnerRelationship {
    pub domain_names: Vec<String>,
    pub free_busy_access_enabled: bool,
    pub free_busy_access_level: FreeBusyAccessLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Partner {
    pub name: String,
    /// The federated domains its Autodiscover returns in `Domains`.
    pub domains: Vec<String>,
    pub application_uri: String,
    /// The anonymous SOAP endpoint (`.../autodiscover/autodiscover.svc`); `/WSSecurity` is
    /// appended for `TargetAutodiscoverEpr`.
    pub autodiscover_url: String,
    pub token_issuer_uris: Vec<String>,
    pub relationship_to_us: Option<PartnerRelationship>,
    /// Mailboxes with calendars the lab's partner EWS answers free/busy for.
    #[serde(default)]
    pub mailboxes: Vec<PartnerMailbox>,
}

/// A partner's mailbox and the daily pattern of its calendar (the lab answers any day alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartnerMailbox {
    pub primary_smtp_address: String,
    /// The calendar's `Default` permission: `None` refuses free/busy to everyone outside.
    pub calendar_default: FreeBusyAccessLevel,
    /// The mailbox's time zone, minutes to add to local time for UTC (`Bias`).
    pub time_zone_bias: i32,
    /// Busy times each day, UTC: (start minute, end minute, BusyType).
    pub daily: Vec<(u32, u32, String)>,
}

/// Fabrikam's mailbox the free/busy proof asks about (README walkthrough).
pub const FABRIKAM_MAILBOX: &str = "lidiah@fabrikam.com";

fn fabrikam_mailboxes() -> Vec<PartnerMailbox> {
    vec![PartnerMailbox {
        primary_smtp_address: FABRIKAM_MAILBOX.into(),
        calendar_default: FreeBusyAccessLevel::AvailabilityOnly,
        time_zone_bias: 0,
        daily: vec![
            (9 * 60, 10 * 60, "Busy".into()),
            (13 * 60 + 30, 14 * 60, "Tentative".into()),
            (15 * 60, 16 * 60 + 30, "Busy".into()),
        ],
    }]
}

impl Partner {
    fn on_premises(name: &str, domain: &str, rel: Option<PartnerRelationship>) -> Self {
        Self {
            name: name.to_owned(),
            domains: vec![domain.to_owned()],
            application_uri: format!("{ORGID_PREFIX}{domain}"),
            autodiscover_url: format!(
                "https://autodiscover.{domain}/autodiscover/autodiscover.svc"
            ),
            token_issuer_uris: vec![BUSINESS_TOKEN_ISSUER.to_owned()],
            relationship_to_us: rel,
            mailboxes: Vec::new(),
        }
    }

    /// `TargetAutodiscoverEpr` as `Get-FederationInformation` reports it (EwsWsSecurityUrl.Fix).
    pub fn target_autodiscover_epr(&self) -> String {
        ws_security_url(&self.autodiscover_url)
    }

    pub fn has_domain(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
    }
}

fn to_contoso(level: FreeBusyAccessLevel) -> Option<PartnerRelationship> {
    Some(PartnerRelationship {
        domain_names: vec!["contoso.com".into(), "sales.contoso.com".into()],
        free_busy_access_enabled: true,
        free_busy_access_level: level,
    })
}

/// Fabrikam and Tailspin Toys (on-premises Exchange), Adatum (an Office 365 tenant), and the
/// generated `partnerNNN.example` organizations.
pub fn initial_partners(partners_extra: usize) -> Vec<Partner> {
    let mut partners = vec![
        Partner::on_premises(
            "Fabrikam",
            "fabrikam.com",
            to_contoso(FreeBusyAccessLevel::LimitedDetails),
        ),
        // Tailspin Toys is federated but has no relationship with Contoso yet.
        Partner::on_premises("Tailspin Toys", "tailspintoys.com", None),
        Partner {
            name: "Adatum".into(),
            domains: vec![
                "adatum.com".into(),
                "adatum.mail.onmicrosoft.com".into(),
                "adatum.onmicrosoft.com".into(),
            ],
            application_uri: "outlook.com".into(),
            autodiscover_url: "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc"
                .into(),
            token_issuer_uris: vec![BUSINESS_TOKEN_ISSUER.to_owned()],
            relationship_to_us: to_contoso(FreeBusyAccessLevel::AvailabilityOnly),
            mailboxes: Vec::new(),
        },
    ];
    partners[0].mailboxes = fabrikam_mailboxes();
    for n in 1..=partners_extra {
        partners.push(Partner::on_premises(
            &format!("Partner {n:03}"),
            &partner_domain(n),
            to_contoso(FreeBusyAccessLevel::AvailabilityOnly),
        ));
    }
    partners
}
