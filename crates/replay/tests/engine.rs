//! Status, plan, apply, verify and undo through the engine's production path for a real
//! organization (a RemotePowerShell profile, the shell protocol, the CLIXML reader, Exchange's
//! rules) against what a real Exchange 2013 answers, replayed by `fedshare-replay-host`.
//! Every test also fails on any invocation the scenario does not expect, listing them.

mod support;

use fedshare_engine::verification;
use fedshare_engine::{status, workflow};
use fedshare_model::{AcceptedDomainType, CheckStatus, FreeBusyAccessLevel};
use fedshare_plan::ApplyOptions;
use support::{scenario_dir, verify_as, Replay};

fn step_ids(plan: &fedshare_plan::Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test]
async fn an_empty_organization_is_read_federated_verified_and_undone() {
    let dir = scenario_dir("empty");
    let r = Replay::start(&dir.join("scenario.toml"), 0);

    let org = status::read(&r.session)
        .await
        .expect("status reads real shapes");
    r.sent_since(0, "status");
    assert_eq!(org.organization_name, "Contoso");
    assert!(!org.is_lab);
    assert_eq!(org.exchange_version, "Version 15.0 (Build 1497.2)");
    assert!(org.federation_trust.is_none());
    assert!(!org.organization_identifier.enabled);
    assert!(org.organization_identifier.domains.is_empty());
    let types: Vec<(&str, AcceptedDomainType)> = org
        .accepted_domains
        .iter()
        .map(|d| (d.domain_name.as_str(), d.domain_type))
        .collect();
    assert_eq!(
        types,
        vec![
            ("contoso.com", AcceptedDomainType::Authoritative),
            ("sales.contoso.com", AcceptedDomainType::Authoritative),
            ("*.partners.contoso.com", AcceptedDomainType::InternalRelay),
        ]
    );
    assert!(org.accepted_domains[0].default);
    assert_eq!(org.sharing_policies.len(), 1);
    let default = &org.sharing_policies[0];
    assert!(default.default && default.enabled);
    assert_eq!(
        default.domains,
        vec![
            "Anonymous:CalendarSharingFreeBusyReviewer",
            "*:CalendarSharingFreeBusySimple"
        ]
    );

    let plan = workflow::load_plan(&dir.join("plan.toml")).expect("plan file");
    let mark = r.transcript().round_trips();
    let (planned, _) = workflow::preview(&r.session, &plan).await.expect("plan");
    r.sent_since(mark, "plan");
    assert_eq!(
        step_ids(&planned),
        vec![
            "trust.certificate",
            "trust.create",
            "trust.refresh-metadata",
            "orgid.set"
        ]
    );

    let mark = r.transcript().round_trips();
    workflow::apply(&r.session, &r.paths, &plan, ApplyOptions::default(), |_| {})
        .await
        .expect("apply");
    let sent = r.sent_since(mark, "apply");
    let writes = sent.writes();
    assert_eq!(writes.len(), 4, "{writes:#?}");
    assert!(writes[0].starts_with(
        "New-ExchangeCertificate -FriendlyName 'Exchange Delegation Federation' -DomainName @('contoso.com') -Services 'Federation' -KeySize 2048 -PrivateKeyExportable $true -SubjectKeyIdentifier '"
    ));
    assert_eq!(
        writes[1..],
        [
            // The thumbprint captured from New-ExchangeCertificate's CLIXML output.
            "New-FederationTrust -Name 'Microsoft Federation Gateway' -Thumbprint '8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0'",
            "Set-FederationTrust -Identity 'Microsoft Federation Gateway' -RefreshMetadata",
            "Set-FederatedOrganizationIdentifier -DelegationFederationTrust 'Microsoft Federation Gateway' -AccountNamespace 'contoso.com' -Enabled $true",
        ]
    );

    let mark = r.transcript().round_trips();
    let checks = workflow::verify(&r.session, &plan).await.expect("verify");
    r.sent_since(mark, "verify");
    for c in &checks {
        assert_eq!(c.status, CheckStatus::Pass, "{}: {:?}", c.id, c.evidence);
    }
    let org = status::read(&r.session).await.expect("status after apply");
    let trust = org.federation_trust.expect("the trust is read");
    assert_eq!(
        trust
            .org_certificate
            .expect("certificate from its text form")
            .thumbprint,
        "8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0"
    );
    assert_eq!(
        org.organization_identifier.account_namespace.as_deref(),
        Some("FYDIBOHF25SPDLT.contoso.com")
    );

    let mark = r.transcript().round_trips();
    workflow::undo(
        &r.session,
        &r.paths,
        &plan,
        workflow::UndoOptions::default(),
        |_| {},
    )
    .await
    .expect("undo");
    let sent = r.sent_since(mark, "undo");
    assert_eq!(
        sent.writes(),
        vec![
            "Remove-FederatedDomain -DomainName 'contoso.com' -Confirm:$false",
            "Remove-FederationTrust -Identity 'Microsoft Federation Gateway' -Confirm:$false",
        ]
    );
    let org = status::read(&r.session).await.expect("status after undo");
    assert!(org.federation_trust.is_none());
    r.sent_since(0, "the whole run");
}

#[tokio::test]
async fn a_federated_organization_reads_as_it_is_and_verifies() {
    let r = Replay::start(&scenario_dir("federated").join("scenario.toml"), 0);

    let org = status::read(&r.session).await.expect("status");
    r.sent_since(0, "status");
    let trust = org.federation_trust.as_ref().expect("trust");
    assert_eq!(trust.name, "Microsoft Federation Gateway");
    let cert = trust
        .org_certificate
        .as_ref()
        .expect("OrgCertificate from its text form");
    assert_eq!(cert.thumbprint, "8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0");
    assert!(cert.subject.contains("CN=Federation"), "{cert:?}");
    assert!(org.organization_identifier.enabled);
    assert_eq!(
        org.organization_identifier.account_namespace.as_deref(),
        Some("FYDIBOHF25SPDLT.contoso.com")
    );
    // Status reads without -IncludeExtendedDomainInfo (no trust broker call): the domains,
    // their states come with verification (domain.active below).
    let domains: Vec<&str> = org
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.as_str())
        .collect();
    assert_eq!(domains, vec!["contoso.com", "sales.contoso.com"]);

    // A real profile's first plan is the organization as it is: nothing to do.
    let mark = r.transcript().round_trips();
    let plan = workflow::current_plan(&r.paths, &r.session)
        .await
        .expect("adopted plan");
    let (planned, _) = workflow::preview(&r.session, &plan).await.expect("plan");
    r.sent_since(mark, "plan");
    assert!(planned.steps.is_empty(), "{:?}", step_ids(&planned));

    let mark = r.transcript().round_trips();
    let run = verification::run(
        &r.session,
        &r.paths,
        &verify_as("alexw@contoso.com"),
        |_| {},
    )
    .await
    .expect("verify");
    r.sent_since(mark, "verify");
    let status_of = |id: &str| {
        run.results
            .iter()
            .find(|c| c.result.id == id)
            .map(|c| c.result.status)
            .unwrap_or_else(|| panic!("no check {id}"))
    };
    assert_eq!(status_of("trust.present"), CheckStatus::Pass);
    assert_eq!(status_of("trust.certificate-store"), CheckStatus::Pass);
    assert_eq!(status_of("domain.active:contoso.com"), CheckStatus::Pass);
    assert_ne!(
        status_of("domain.active:sales.contoso.com"),
        CheckStatus::Pass
    );
    assert_eq!(
        status_of("test-federationtrust.TokenValidation"),
        CheckStatus::Pass
    );
}

#[tokio::test]
async fn a_partner_relationship_and_assigned_policies_change_and_undo_with_null() {
    let dir = scenario_dir("partners");
    let r = Replay::start(&dir.join("scenario.toml"), 0);

    let org = status::read(&r.session).await.expect("status");
    let sent = r.sent_since(0, "status");
    // 03/04/2031 in the certificate's text form reads either way round: the expiry comes from
    // the certificate store instead.
    assert!(sent.lines().contains(
        &"Get-ExchangeCertificate -Thumbprint '8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0'"
    ));
    let cert = org
        .federation_trust
        .as_ref()
        .and_then(|t| t.org_certificate.as_ref())
        .expect("the trust's certificate");
    assert_eq!(cert.not_after, "2031-03-04T16:15:00Z");
    let rel = &org.organization_relationships[0];
    assert_eq!(rel.name, "Fabrikam");
    assert_eq!(rel.domain_names, vec!["fabrikam.com"]);
    assert_eq!(
        rel.free_busy_access_level,
        FreeBusyAccessLevel::AvailabilityOnly
    );
    assert_eq!(
        rel.target_application_uri.as_deref(),
        Some("FYDIBOHF25SPDLT.fabrikam.com")
    );
    assert_eq!(rel.free_busy_access_scope, None);
    let policy = org
        .sharing_policies
        .iter()
        .find(|p| p.name == "Fabrikam")
        .expect("policy");
    assert_eq!(
        policy.domains,
        vec!["fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing"]
    );

    let plan = workflow::load_plan(&dir.join("plan.toml")).expect("plan file");
    let mark = r.transcript().round_trips();
    let (planned, _) = workflow::preview(&r.session, &plan).await.expect("plan");
    r.sent_since(mark, "plan");
    assert_eq!(
        step_ids(&planned),
        vec!["relationship:Fabrikam", "policy.assign:Fabrikam"]
    );

    let mark = r.transcript().round_trips();
    workflow::apply(&r.session, &r.paths, &plan, ApplyOptions::default(), |_| {})
        .await
        .expect("apply");
    assert_eq!(
        r.sent_since(mark, "apply").writes(),
        vec![
            "Set-OrganizationRelationship -Identity 'Fabrikam' -FreeBusyAccessLevel 'LimitedDetails'",
            "Set-Mailbox -Identity 'contoso.com/Users/Lidia Holloway' -SharingPolicy 'Fabrikam'",
        ]
    );

    let mark = r.transcript().round_trips();
    let checks = workflow::verify(&r.session, &plan).await.expect("verify");
    r.sent_since(mark, "verify");
    for c in &checks {
        assert_eq!(c.status, CheckStatus::Pass, "{}: {:?}", c.id, c.evidence);
    }

    // Verification runs Test-OrganizationRelationship: its progress lines are strings, its
    // finding an object with enum Id and Status.
    let mark = r.transcript().round_trips();
    let run = verification::run(
        &r.session,
        &r.paths,
        &verify_as("alexw@contoso.com"),
        |_| {},
    )
    .await
    .expect("verification");
    let sent = r.sent_since(mark, "verification");
    assert!(sent.writes().is_empty(), "{:?}", sent.writes());
    let status_of = |id: &str| {
        run.results
            .iter()
            .find(|c| c.result.id == id)
            .map(|c| c.result.status)
            .unwrap_or_else(|| panic!("no check {id}"))
    };
    assert_eq!(
        status_of("test-organizationrelationship.ApplicationUrisDiffer:Fabrikam"),
        CheckStatus::Failure
    );
    assert_eq!(
        status_of("test-organizationrelationship.run:Fabrikam"),
        CheckStatus::Failure
    );
    assert_eq!(status_of("trust.present"), CheckStatus::Pass);

    let mark = r.transcript().round_trips();
    workflow::undo(
        &r.session,
        &r.paths,
        &plan,
        workflow::UndoOptions::default(),
        |_| {},
    )
    .await
    .expect("undo");
    assert_eq!(
        r.sent_since(mark, "undo").writes(),
        vec![
            "Set-Mailbox -Identity 'contoso.com/Users/Lidia Holloway' -SharingPolicy $null",
            "Set-OrganizationRelationship -Identity 'Fabrikam' -FreeBusyAccessLevel 'AvailabilityOnly'",
        ]
    );
    r.sent_since(0, "the whole run");
}

#[tokio::test]
async fn a_refused_account_namespace_stops_apply_and_undo_removes_what_was_made() {
    let r = Replay::start(&scenario_dir("unproven").join("scenario.toml"), 0);
    let plan = workflow::load_plan(&scenario_dir("empty").join("plan.toml")).expect("plan file");
    let (planned, _) = workflow::preview(&r.session, &plan).await.expect("plan");
    assert_eq!(
        step_ids(&planned),
        vec![
            "trust.certificate",
            "trust.create",
            "trust.refresh-metadata",
            "orgid.set"
        ]
    );

    let mark = r.transcript().round_trips();
    let err = workflow::apply(&r.session, &r.paths, &plan, ApplyOptions::default(), |_| {})
        .await
        .expect_err("Exchange refuses the account namespace");
    let text = format!("{err} {err:?}");
    assert!(text.contains("DomainProofOwnershipException"), "{text}");
    assert!(
        text.contains("Proof of domain ownership has failed"),
        "{text}"
    );
    let sent = r.sent_since(mark, "apply");
    assert_eq!(
        sent.writes().last().copied(),
        Some("Set-FederatedOrganizationIdentifier -DelegationFederationTrust 'Microsoft Federation Gateway' -AccountNamespace 'contoso.com' -Enabled $true")
    );

    let mark = r.transcript().round_trips();
    workflow::undo(
        &r.session,
        &r.paths,
        &plan,
        workflow::UndoOptions::default(),
        |_| {},
    )
    .await
    .expect("undo");
    assert_eq!(
        r.sent_since(mark, "undo").writes(),
        vec!["Remove-FederationTrust -Identity 'Microsoft Federation Gateway' -Confirm:$false"]
    );
    let org = status::read(&r.session).await.expect("status after undo");
    assert!(org.federation_trust.is_none());
    r.sent_since(0, "the whole run");
}
