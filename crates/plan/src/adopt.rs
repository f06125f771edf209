//! "Adopt what is there": a real organization's first plan describes its current federated
//! sharing, so planning it changes nothing until the administrator edits it.
//!
//! Every field takes the value the planner reads as "no change". An object the plan file
//! cannot state (a name or domain the file rejects, unreadable policy entries) is left out of
//! the plan rather than restated differently: the planner never touches an object the plan
//! does not name, whereas a restated one would be rewritten.

use fedshare_model::{FederationTrust, OrgState, OrganizationRelationship, SharingPolicy};

use crate::entries::parse_entries;
use crate::error::PlanError;
use crate::file::{
    self, CertificateSpec, DnsMode, MailboxSelection, PolicySpec, RelationshipSpec, SharingPlan,
    TrustSpec,
};
use crate::planner::ORGID_PREFIX;

/// The trust name proposed when the organization has none (the name the EAC's wizard gives).
pub const DEFAULT_TRUST_NAME: &str = "Microsoft Federation Gateway";

/// The plan that describes `org` as it is.
pub fn adopt(org: &OrgState) -> Result<SharingPlan, PlanError> {
    let primary_domain = primary_domain(org)?;
    Ok(SharingPlan {
        trust: trust(org.federation_trust.as_ref()),
        additional_domains: additional_domains(org, &primary_domain),
        primary_domain,
        relationships: relationships(&org.organization_relationships),
        policies: policies(&org.sharing_policies),
        // Where partners should find this organization's Autodiscover is not observed, and a
        // CNAME the plan does not list is never checked or changed.
        autodiscover: Vec::new(),
        autodiscover_not_needed: Vec::new(),
        // Manual never publishes anything: Fedshare only shows records and waits for them.
        dns: DnsMode::Manual,
        trusted_hostnames: crate::file::DEFAULT_TRUSTED_HOSTNAMES
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
    })
}

/// The adopted plan as plan-file text, under a comment saying where it came from. The text is
/// read back before it is returned, so a file that would not load is never handed out.
pub fn adopted_toml(org: &OrgState) -> Result<String, PlanError> {
    let plan = adopt(org)?;
    let text = format!("{}{}", header(org, &plan), plan.to_toml());
    SharingPlan::parse(&text, "adopted plan")?;
    Ok(text)
}

fn header(org: &OrgState, plan: &SharingPlan) -> String {
    // The name comes from the server; a line break in it must not end the comment.
    let name: String = org
        .organization_name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut text = format!(
        "# Sharing plan adopted from the organization \"{name}\" on first use: the federation\n\
         # trust, federated domains, organization relationships and sharing policies as Exchange\n\
         # reported them, so planning it changes nothing that is already configured.\n\
         # Edit it here or in the wizard, and review the steps (fedshare plan <this file>) before\n\
         # applying them. Not adopted, because they are not read: which mailboxes use a policy\n\
         # (add mailboxes = [\"user@domain\"] or \"all\" to a [[policy]]) and the Autodiscover CNAME\n\
         # (add [[autodiscover]] with domain and target). DNS mode \"manual\" publishes nothing.\n"
    );
    if org.federation_trust.is_none() {
        text.push_str(&format!(
            "# There is no federation trust yet: applying this plan creates one with a new\n\
             # self-signed certificate and federates {}.\n",
            plan.primary_domain
        ));
    }
    text.push('\n');
    text
}

fn trust(trust: Option<&FederationTrust>) -> TrustSpec {
    let Some(t) = trust else {
        return TrustSpec {
            name: DEFAULT_TRUST_NAME.into(),
            certificate: CertificateSpec::New,
        };
    };
    // The planner leaves an existing trust as it is whatever certificate the plan names; the
    // thumbprint records which one it uses, and "new" is as inert when none can be read.
    let certificate = t
        .org_certificate
        .as_ref()
        .and_then(|c| file::unified_thumbprint(&c.thumbprint))
        .map_or(CertificateSpec::New, CertificateSpec::Thumbprint);
    TrustSpec {
        name: t.name.trim().to_owned(),
        certificate,
    }
}

fn primary_domain(org: &OrgState) -> Result<String, PlanError> {
    namespace_domain(org)
        .or_else(|| accepted_domain(org))
        .ok_or_else(|| PlanError::NoAcceptedDomain {
            organization: org.organization_name.clone(),
        })
}

/// The account namespace's domain: Exchange never lets it change, so the plan names it.
fn namespace_domain(org: &OrgState) -> Option<String> {
    let ns = org
        .organization_identifier
        .account_namespace
        .as_deref()?
        .trim();
    let (prefix, domain) = ns.split_at_checked(ORGID_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(ORGID_PREFIX) {
        return None;
    }
    file::exact_domain(domain)
}

/// The default accepted domain, else the first exact one (a wildcard cannot be federated).
fn accepted_domain(org: &OrgState) -> Option<String> {
    let domains = &org.accepted_domains;
    domains
        .iter()
        .filter(|d| d.default)
        .chain(domains.iter())
        .find_map(|d| file::exact_domain(&d.domain_name))
}

/// The federated domains besides the primary, in Exchange's order.
fn additional_domains(org: &OrgState, primary: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in &org.organization_identifier.domains {
        if let Some(d) = file::exact_domain(&d.domain) {
            if d != primary && !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// `v` when the file keeps it exactly as Exchange has it; the planner compares these values
/// as text, so a value the file would trim or reject cannot round-trip.
fn exact(v: &str, fits: fn(&str) -> bool) -> Option<String> {
    (fits(v) && v.trim() == v).then(|| v.to_owned())
}

fn relationships(observed: &[OrganizationRelationship]) -> Vec<RelationshipSpec> {
    let mut out: Vec<RelationshipSpec> = Vec::new();
    for spec in observed.iter().filter_map(relationship) {
        // Exchange keeps names and domains unique; the file rejects a repeat, so one is dropped.
        let repeated = out.iter().any(|o| {
            o.name.eq_ignore_ascii_case(&spec.name)
                || o.domains.iter().any(|d| spec.domains.contains(d))
        });
        if !repeated {
            out.push(spec);
        }
    }
    out
}

fn relationship(r: &OrganizationRelationship) -> Option<RelationshipSpec> {
    let text =
        |v: &Option<String>, fits: fn(&str) -> bool| v.as_deref().and_then(|v| exact(v, fits));
    Some(RelationshipSpec {
        name: exact(&r.name, file::is_name)?,
        domains: exact_domains(&r.domain_names)?,
        free_busy_enabled: r.free_busy_access_enabled,
        // Compared only while free/busy is enabled; kept as observed either way.
        access_level: r.free_busy_access_level,
        // Absent is never compared, so a scope the file cannot hold stays as it is.
        scope_group: text(&r.free_busy_access_scope, file::is_free_text),
        enabled: r.enabled,
        // Absent targets mean "discover them"; the planner then keeps the targets a
        // relationship already has, so one the file cannot hold (an http:// EPR) stays as it
        // is. A relationship with no target at all cannot round-trip: its first plan proposes
        // discovery, which such a relationship needs to work.
        target_application_uri: text(&r.target_application_uri, file::is_free_text),
        target_autodiscover_epr: text(&r.target_autodiscover_epr, file::is_https_url),
    })
}

/// The domains as the file stores them, or `None` when one is not an exact domain or the
/// count is outside what Exchange allows (1 to 238).
fn exact_domains(domains: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for d in domains {
        let d = file::exact_domain(d)?;
        if !out.contains(&d) {
            out.push(d);
        }
    }
    (1..=238).contains(&out.len()).then_some(out)
}

fn policies(observed: &[SharingPolicy]) -> Vec<PolicySpec> {
    let mut out: Vec<PolicySpec> = Vec::new();
    for mut spec in observed.iter().filter_map(policy) {
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(&spec.name)) {
            continue;
        }
        // The file allows one default; `default = false` leaves the default where it is.
        spec.default = spec.default && !out.iter().any(|o| o.default);
        out.push(spec);
    }
    out
}

fn policy(p: &SharingPolicy) -> Option<PolicySpec> {
    // Unreadable entries never compare equal, so the planner would rewrite them.
    let entries = parse_entries(&p.domains).ok().filter(|e| !e.is_empty())?;
    Some(PolicySpec {
        name: exact(&p.name, file::is_name)?,
        entries,
        default: p.default,
        enabled: p.enabled,
        // Which mailboxes use a policy is not part of the observed organization; `None`
        // assigns nothing, so no mailbox is moved.
        mailboxes: MailboxSelection::None,
    })
}

#[cfg(test)]
mod tests {
    use fedshare_model::{
        AcceptedDomain, AcceptedDomainType, CertificateRef, ErrorCode, FederatedDomain,
        FederatedDomainState, FederatedOrganizationIdentifier, FreeBusyAccessLevel,
    };

    use super::*;
    use crate::snapshot::Snapshot;

    const THUMBPRINT: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

    fn accepted(domain: &str, default: bool) -> AcceptedDomain {
        AcceptedDomain {
            name: domain.into(),
            domain_name: domain.into(),
            domain_type: AcceptedDomainType::Authoritative,
            default,
        }
    }

    fn relationship(name: &str, domains: &[&str]) -> OrganizationRelationship {
        OrganizationRelationship {
            name: name.into(),
            domain_names: domains.iter().map(|d| (*d).to_owned()).collect(),
            enabled: true,
            free_busy_access_enabled: true,
            free_busy_access_level: FreeBusyAccessLevel::LimitedDetails,
            free_busy_access_scope: None,
            target_application_uri: Some("FYDIBOHF25SPDLT.tailspin.com".into()),
            target_autodiscover_epr: Some(
                "https://autodiscover.tailspin.com/autodiscover/autodiscover.svc/WSSecurity".into(),
            ),
            target_sharing_epr: None,
        }
    }

    fn policy(name: &str, entries: &[&str], default: bool) -> SharingPolicy {
        SharingPolicy {
            name: name.into(),
            domains: entries.iter().map(|e| (*e).to_owned()).collect(),
            enabled: true,
            default,
        }
    }

    fn trust(name: &str) -> FederationTrust {
        FederationTrust {
            name: name.into(),
            application_identifier: None,
            application_uri: Some("FYDIBOHF25SPDLT.woodgrove.com".into()),
            org_certificate: Some(CertificateRef {
                thumbprint: THUMBPRINT.to_ascii_lowercase(),
                not_after: "2030-01-01T00:00:00Z".into(),
                subject: "CN=Federation".into(),
            }),
            org_next_certificate: None,
            org_prev_certificate: None,
            token_issuer_uri: "urn:federation:MicrosoftOnline".into(),
            token_issuer_epr: "https://login.microsoftonline.com/extSTS.srf".into(),
            token_issuer_metadata_epr: "https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml".into(),
            token_issuer_type: "MSO".into(),
            namespace_provisioner: "ExternalProcess".into(),
        }
    }

    /// A real-looking organization that is not the lab: federated, with one partner.
    fn woodgrove() -> OrgState {
        OrgState {
            organization_name: "Woodgrove Bank".into(),
            is_lab: false,
            exchange_version: "15.0 (Build 1497.2)".into(),
            accepted_domains: vec![accepted("woodgrove.com", true), accepted("wgb.com", false)],
            federation_trust: Some(trust("Federation Trust")),
            organization_identifier: FederatedOrganizationIdentifier {
                enabled: true,
                account_namespace: Some("FYDIBOHF25SPDLT.Woodgrove.com".into()),
                delegation_trust_link: Some("Federation Trust".into()),
                domains: ["woodgrove.com", "wgb.com"]
                    .iter()
                    .map(|d| FederatedDomain {
                        domain: (*d).into(),
                        state: FederatedDomainState::Active,
                    })
                    .collect(),
                default_domain: Some("woodgrove.com".into()),
            },
            organization_relationships: vec![relationship("Tailspin", &["tailspin.com"])],
            sharing_policies: vec![
                policy(
                    "Default Sharing Policy",
                    &["*:CalendarSharingFreeBusySimple"],
                    true,
                ),
                policy(
                    "Tailspin",
                    &["tailspin.com:CalendarSharingFreeBusyDetail,ContactsSharing"],
                    false,
                ),
            ],
        }
    }

    fn unfederated() -> OrgState {
        let mut org = woodgrove();
        org.federation_trust = None;
        org.organization_identifier = FederatedOrganizationIdentifier {
            enabled: false,
            account_namespace: None,
            delegation_trust_link: None,
            domains: Vec::new(),
            default_domain: None,
        };
        org.organization_relationships.clear();
        org
    }

    fn planned_ids(plan: &SharingPlan, org: &OrgState) -> Vec<String> {
        crate::plan(plan, &Snapshot::new(org.clone()))
            .expect("the adopted plan plans")
            .steps
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    fn round_trip(org: &OrgState) -> SharingPlan {
        let text = adopted_toml(org).expect("adopts");
        assert!(text.starts_with("# Sharing plan adopted"), "{text}");
        let plan = SharingPlan::parse(&text, "adopted.toml").expect("reads back");
        assert_eq!(plan, adopt(org).expect("adopts"));
        plan
    }

    #[test]
    fn a_federated_organization_adopts_to_a_plan_with_nothing_to_do() {
        let org = woodgrove();
        let plan = round_trip(&org);
        assert_eq!(plan.trust.name, "Federation Trust");
        assert_eq!(
            plan.trust.certificate,
            CertificateSpec::Thumbprint(THUMBPRINT.into())
        );
        assert_eq!(plan.federated_domains(), ["woodgrove.com", "wgb.com"]);
        assert_eq!(plan.relationships[0].domains, ["tailspin.com"]);
        assert_eq!(plan.policies.len(), 2);
        assert!(plan.policies[0].default && !plan.policies[1].default);
        assert!(plan
            .policies
            .iter()
            .all(|p| p.mailboxes == MailboxSelection::None));
        assert!(plan.autodiscover.is_empty());
        assert_eq!(plan.dns, DnsMode::Manual);
        assert_eq!(planned_ids(&plan, &org), Vec::<String>::new());
    }

    #[test]
    fn an_organization_without_a_trust_adopts_a_new_certificate_and_only_its_domain() {
        let org = unfederated();
        let plan = round_trip(&org);
        assert_eq!(plan.trust.name, DEFAULT_TRUST_NAME);
        assert_eq!(plan.trust.certificate, CertificateSpec::New);
        assert_eq!(plan.federated_domains(), ["woodgrove.com"]);
        // What is missing is the trust; its policies are adopted unchanged.
        let ids = planned_ids(&plan, &org);
        assert!(ids.iter().all(|id| !id.starts_with("policy")), "{ids:?}");
        assert!(ids.contains(&"trust.create".to_owned()), "{ids:?}");
        let text = adopted_toml(&org).expect("adopts");
        assert!(text.contains("There is no federation trust yet"), "{text}");
    }

    #[test]
    fn without_an_accepted_domain_there_is_nothing_to_adopt() {
        let mut org = unfederated();
        org.accepted_domains.clear();
        let err = adopt(&org).expect_err("no domain");
        assert!(matches!(err, PlanError::NoAcceptedDomain { .. }), "{err}");
        assert_eq!(err.code(), "plan.no_accepted_domain");
        assert!(err.to_string().contains("Woodgrove Bank"), "{err}");
        // A wildcard accepted domain cannot be federated either.
        org.accepted_domains.push(accepted("*.woodgrove.net", true));
        assert!(matches!(
            adopted_toml(&org),
            Err(PlanError::NoAcceptedDomain { .. })
        ));
    }

    #[test]
    fn the_default_accepted_domain_is_preferred_when_there_is_no_namespace() {
        let mut org = unfederated();
        org.accepted_domains = vec![
            accepted("*.woodgrove.net", false),
            accepted("wgb.com", false),
            accepted("Woodgrove.COM.", true),
        ];
        assert_eq!(adopt(&org).expect("adopts").primary_domain, "woodgrove.com");
        org.accepted_domains[2].default = false;
        assert_eq!(adopt(&org).expect("adopts").primary_domain, "wgb.com");
    }

    #[test]
    fn what_the_file_cannot_state_is_left_as_it_is() {
        let mut org = woodgrove();
        let mut http = relationship("Litware", &["litware.com"]);
        http.target_autodiscover_epr = Some("http://autodiscover.litware.com/x".into());
        http.free_busy_access_scope = Some(" ".into());
        org.organization_relationships.push(http);
        org.organization_relationships
            .push(relationship("Wild", &["*.fourthcoffee.com"]));
        org.sharing_policies
            .push(policy("Broken", &["nothing to read"], false));
        org.sharing_policies
            .push(policy("Second default", &["*:ContactsSharing"], true));
        let plan = round_trip(&org);
        let names: Vec<&str> = plan.relationships.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Tailspin", "Litware"]);
        assert_eq!(plan.relationships[1].target_autodiscover_epr, None);
        assert_eq!(plan.relationships[1].scope_group, None);
        let names: Vec<&str> = plan.policies.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Default Sharing Policy", "Tailspin", "Second default"]
        );
        assert_eq!(plan.policies.iter().filter(|p| p.default).count(), 1);
        assert_eq!(planned_ids(&plan, &org), Vec::<String>::new());
    }

    #[test]
    fn a_line_break_in_the_organization_name_stays_in_the_comment() {
        let mut org = woodgrove();
        org.organization_name = "Woodgrove\n[trust]\nname = \"x\"".into();
        let plan = round_trip(&org);
        assert_eq!(plan.trust.name, "Federation Trust");
    }
}
