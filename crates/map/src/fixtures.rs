//! Example organizations built in code, for tests and benchmarks here and in other crates:
//! a healthy Contoso with three partners, and Contoso with N generated partners.

use fedshare_model::{
    AcceptedDomain, AcceptedDomainType, CertificateRef, CheckResult, CheckStatus, Evidence,
    FederatedDomain, FederatedDomainState, FederatedOrganizationIdentifier, FederationTrust, Fix,
    FreeBusyAccessLevel, OrgState, OrganizationRelationship, Severity, SharingPolicy, StepKind,
};

use crate::partner::PartnerInfo;

#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    pub state: OrgState,
    pub checks: Vec<CheckResult>,
    pub partners: Vec<PartnerInfo>,
}

pub const THUMBPRINT: &str = "8F2C4A1B9D3E5F60718293A4B5C6D7E8F9012345";

fn accepted(domain: &str, default: bool) -> AcceptedDomain {
    AcceptedDomain {
        name: domain.to_owned(),
        domain_name: domain.to_owned(),
        domain_type: AcceptedDomainType::Authoritative,
        default,
    }
}

fn trust() -> FederationTrust {
    FederationTrust {
        name: "Azure AD Authentication".into(),
        application_identifier: Some("0000000040A1B2C3".into()),
        application_uri: Some("FYDIBOHF25SPDLT.contoso.com".into()),
        org_certificate: Some(CertificateRef {
            thumbprint: THUMBPRINT.into(),
            not_after: "2029-05-01T00:00:00Z".into(),
            subject: "CN=Federation".into(),
        }),
        org_next_certificate: None,
        org_prev_certificate: None,
        token_issuer_uri: "urn:federation:MicrosoftOnline".into(),
        token_issuer_epr: "https://login.microsoftonline.com/extSTS.srf".into(),
        token_issuer_metadata_epr:
            "https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml"
                .into(),
        token_issuer_type: "LiveId".into(),
        namespace_provisioner: "LiveDomainServices2".into(),
    }
}

/// An organization relationship from Contoso to a partner.
pub fn relationship(
    name: &str,
    domains: &[&str],
    online: bool,
    level: FreeBusyAccessLevel,
) -> OrganizationRelationship {
    let first = domains.first().copied().unwrap_or("example.invalid");
    let (uri, epr) = if online {
        (
            "outlook.com".to_owned(),
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity"
                .to_owned(),
        )
    } else {
        (
            format!("FYDIBOHF25SPDLT.{first}"),
            format!("https://autodiscover.{first}/autodiscover/autodiscover.svc/WSSecurity"),
        )
    };
    OrganizationRelationship {
        name: name.to_owned(),
        domain_names: domains.iter().map(|d| (*d).to_owned()).collect(),
        enabled: true,
        free_busy_access_enabled: level != FreeBusyAccessLevel::None,
        free_busy_access_level: level,
        free_busy_access_scope: None,
        target_application_uri: Some(uri),
        target_autodiscover_epr: Some(epr),
        target_sharing_epr: None,
    }
}

/// A check result with evidence and a fix, as the engine produces them.
pub fn check(id: &str, step: StepKind, status: CheckStatus, subject: Option<&str>) -> CheckResult {
    let failing = status != CheckStatus::Pass;
    CheckResult {
        id: id.to_owned(),
        title: format!("Check {id}"),
        step,
        severity: if status == CheckStatus::Failure {
            Severity::Error
        } else {
            Severity::Info
        },
        status,
        subject: subject.map(str::to_owned),
        evidence: vec![Evidence {
            subject: format!("{id} @ {}", subject.unwrap_or("organization")),
            actual: if failing {
                "missing".into()
            } else {
                "present".into()
            },
            expected: "present".into(),
        }],
        explanation: "Partners cannot read free/busy when this is wrong.".into(),
        fix: failing.then(|| Fix {
            summary: "Re-run the step that configures it.".into(),
            commands: vec![format!(
                "Get-OrganizationRelationship | Format-List  # {id}"
            )],
        }),
        doc_link: "federated-sharing".into(),
    }
}

fn base_state(relationships: Vec<OrganizationRelationship>) -> OrgState {
    OrgState {
        organization_name: "Contoso".into(),
        is_lab: true,
        exchange_version: "15.0 (Build 1497.2)".into(),
        accepted_domains: vec![
            accepted("contoso.com", true),
            accepted("sales.contoso.com", false),
        ],
        federation_trust: Some(trust()),
        organization_identifier: FederatedOrganizationIdentifier {
            enabled: true,
            account_namespace: Some("FYDIBOHF25SPDLT.contoso.com".into()),
            delegation_trust_link: Some("Azure AD Authentication".into()),
            domains: vec![
                FederatedDomain {
                    domain: "contoso.com".into(),
                    state: FederatedDomainState::Active,
                },
                FederatedDomain {
                    domain: "sales.contoso.com".into(),
                    state: FederatedDomainState::Active,
                },
            ],
            default_domain: Some("contoso.com".into()),
        },
        organization_relationships: relationships,
        sharing_policies: vec![
            SharingPolicy {
                name: "Default Sharing Policy".into(),
                domains: vec![
                    "*:CalendarSharingFreeBusySimple".into(),
                    "Anonymous:CalendarSharingFreeBusyReviewer".into(),
                ],
                enabled: true,
                default: true,
            },
            SharingPolicy {
                name: "Fabrikam partners".into(),
                domains: vec!["fabrikam.com:CalendarSharingFreeBusyDetail,ContactsSharing".into()],
                enabled: true,
                default: false,
            },
        ],
    }
}

fn org_checks() -> Vec<CheckResult> {
    use StepKind::*;
    vec![
        check(
            "prereq.accepted-domains",
            Prerequisites,
            CheckStatus::Pass,
            None,
        ),
        check("trust.present", FederationTrust, CheckStatus::Pass, None),
        check(
            "trust.certificate-expiry",
            FederationTrust,
            CheckStatus::Pass,
            None,
        ),
        check(
            "trust.metadata-fresh",
            FederationTrust,
            CheckStatus::Pass,
            None,
        ),
        check(
            "domain.proof",
            FederationTrust,
            CheckStatus::Pass,
            Some("contoso.com"),
        ),
        check(
            "domain.proof",
            FederationTrust,
            CheckStatus::Pass,
            Some("sales.contoso.com"),
        ),
        check(
            "autodiscover.record",
            AutodiscoverDns,
            CheckStatus::Pass,
            Some("autodiscover.contoso.com"),
        ),
        check(
            "policy.entries:Default Sharing Policy",
            SharingPolicies,
            CheckStatus::Pass,
            Some("Default Sharing Policy"),
        ),
        check(
            "policy.entries:Fabrikam partners",
            SharingPolicies,
            CheckStatus::Pass,
            Some("Fabrikam partners"),
        ),
    ]
}

/// Healthy Contoso: Fabrikam (on-premises), Adatum (Exchange Online), Tailspin Toys.
pub fn contoso() -> Fixture {
    use FreeBusyAccessLevel::*;
    let rels = vec![
        relationship("Fabrikam", &["fabrikam.com"], false, LimitedDetails),
        relationship(
            "Adatum",
            &["adatum.com", "adatum.mail.onmicrosoft.com"],
            true,
            AvailabilityOnly,
        ),
        relationship(
            "Tailspin Toys",
            &["tailspintoys.com"],
            false,
            AvailabilityOnly,
        ),
    ];
    let mut checks = org_checks();
    for r in &rels {
        checks.push(check(
            "relationship.federation-info",
            StepKind::OrganizationRelationships,
            CheckStatus::Pass,
            Some(&r.name),
        ));
    }
    let partners = vec![
        PartnerInfo {
            domain: "fabrikam.com".into(),
            exchange_online: false,
            application_uri: Some("FYDIBOHF25SPDLT.fabrikam.com".into()),
        },
        PartnerInfo {
            domain: "adatum.com".into(),
            exchange_online: true,
            application_uri: Some("outlook.com".into()),
        },
        PartnerInfo {
            domain: "tailspintoys.com".into(),
            exchange_online: false,
            application_uri: Some("FYDIBOHF25SPDLT.tailspintoys.com".into()),
        },
    ];
    Fixture {
        state: base_state(rels),
        checks,
        partners,
    }
}

/// The status generated partner `i` gets: a deterministic mix of every status.
pub fn partner_status(i: usize) -> CheckStatus {
    if i % 7 == 3 {
        CheckStatus::Failure
    } else if i % 5 == 1 {
        CheckStatus::Warning
    } else if i % 11 == 2 {
        CheckStatus::NotChecked
    } else {
        CheckStatus::Pass
    }
}

/// Contoso with `n` generated partners (`Partner 001` … at `partner001.example`), every fourth
/// one in Exchange Online, with a deterministic mix of check statuses.
pub fn with_partners(n: usize) -> Fixture {
    let mut rels = Vec::with_capacity(n);
    let mut checks = org_checks();
    let mut partners = Vec::with_capacity(n);
    for i in 1..=n {
        let name = format!("Partner {i:03}");
        let domain = format!("partner{i:03}.example");
        let online = i % 4 == 0;
        let level = if i % 2 == 0 {
            FreeBusyAccessLevel::LimitedDetails
        } else {
            FreeBusyAccessLevel::AvailabilityOnly
        };
        rels.push(relationship(&name, &[domain.as_str()], online, level));
        let status = partner_status(i);
        if status != CheckStatus::NotChecked {
            checks.push(check(
                "relationship.federation-info",
                StepKind::OrganizationRelationships,
                status,
                Some(&name),
            ));
        }
        partners.push(PartnerInfo {
            domain: domain.clone(),
            exchange_online: online,
            application_uri: Some(if online {
                "outlook.com".into()
            } else {
                format!("FYDIBOHF25SPDLT.{domain}")
            }),
        });
    }
    Fixture {
        state: base_state(rels),
        checks,
        partners,
    }
}
