//! The plan against the real lab organization, in process: the lab's cmdlets enforce
//! Exchange's rules (proof of ownership, one trust, domain ownership of relationships, ...).
//!
//! DNS here is the lab's own zone data, in process (publish = an RFC 2136-style change of one
//! record set in the lab zones; lookup = what the lab DNS server would answer, breaks applied).
//! The lab's proof verifier reads the same zones, so a TXT proof must really be published
//! before Set-FederatedOrganizationIdentifier and Add-FederatedDomain succeed.

// The helpers below are test code too; clippy.toml's test allowance only sees #[test] bodies.
#![allow(clippy::unwrap_used)]

use std::sync::Mutex;
use std::time::Duration;

use fedshare_exchange::Invocation;
use fedshare_lab::crypto::FixedKeys;
use fedshare_lab::world::Relationship;
use fedshare_lab::{World, ZoneDataVerifier};
use fedshare_model::{FreeBusyAccessLevel, OrgState};
use fedshare_plan::{
    plan, Applier, ApplyOptions, Dns, DnsFailure, DnsRecord, Journal, OrgIdentity, Plan, Progress,
    RecordType, SharingPlan, Shell, ShellFailure, Snapshot,
};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../../../examples/contoso-lab.toml");
const KEY: &str = include_str!("../../lab/testdata/federation-test-key.pem");

struct Lab(Mutex<fedshare_lab::Shell>);

impl Lab {
    fn new(world: World) -> Lab {
        let keys = FixedKeys::new(vec![KEY.to_owned()]);
        Lab(Mutex::new(fedshare_lab::Shell::new(
            world,
            Box::new(ZoneDataVerifier),
            Box::new(keys),
        )))
    }

    fn world(&self) -> World {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .world
            .clone()
    }

    fn identity(&self) -> OrgIdentity {
        let w = self.world();
        OrgIdentity {
            organization_name: w.organization,
            is_lab: true,
            exchange_version: w.exchange_version,
        }
    }

    fn values(&self, name: &str, rtype: &str) -> Vec<String> {
        let w = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let zones = fedshare_lab::views::effective_zones(&w.world);
        fedshare_lab::zones::zone_for(&zones, name)
            .map(|z| z.values(name, rtype))
            .unwrap_or_default()
    }

    fn set(&self, record: &DnsRecord, values: &[String]) -> Result<(), DnsFailure> {
        let mut w = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if w.world
            .set_records(&record.name, record.rtype.as_str(), values)
        {
            Ok(())
        } else {
            Err(DnsFailure(format!(
                "NOTAUTH: no lab zone holds {}",
                record.name
            )))
        }
    }
}

impl Shell for Lab {
    async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
        // Everything the plan sends must also pass the product's own catalog check.
        fedshare_exchange::catalog::validate(invocation).map_err(|e| ShellFailure {
            exception: "CatalogValidation".into(),
            message: e.to_string(),
        })?;
        let mut shell = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        shell.run(invocation).map_err(|e| ShellFailure {
            exception: e.exception,
            message: e.message,
        })
    }
}

impl Dns for Lab {
    async fn publish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        let mut values = match record.rtype {
            RecordType::Txt => self.values(&record.name, "TXT"),
            RecordType::Cname => Vec::new(),
        };
        if !record.is_in(&values) {
            values.push(record.value.clone());
        }
        self.set(record, &values)
    }

    async fn unpublish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        let values: Vec<String> = self
            .values(&record.name, record.rtype.as_str())
            .into_iter()
            .filter(|v| !record.is_in(std::slice::from_ref(v)))
            .collect();
        self.set(record, &values)
    }

    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<String>, DnsFailure> {
        Ok(self.values(name, rtype.as_str()))
    }
}

fn example() -> SharingPlan {
    SharingPlan::parse(EXAMPLE, "contoso-lab.toml").unwrap()
}

/// The lab as setup leaves it, plus a hybrid relationship the plan does not name.
fn world_with_hybrid() -> World {
    let mut w = World::contoso(0);
    let mut hybrid = Relationship::new("Hybrid", vec!["contoso.mail.onmicrosoft.com".into()]);
    hybrid.free_busy_access_enabled = true;
    hybrid.free_busy_access_level = FreeBusyAccessLevel::LimitedDetails;
    hybrid.target_application_uri = Some("outlook.com".into());
    hybrid.target_autodiscover_epr =
        Some("https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity".into());
    w.organization_relationships.push(hybrid);
    w
}

async fn snapshot(lab: &Lab, p: &SharingPlan) -> Snapshot {
    Snapshot::read(lab, lab, p, lab.identity()).await.unwrap()
}

async fn plan_for(lab: &Lab, p: &SharingPlan) -> Plan {
    plan(p, &snapshot(lab, p).await).unwrap()
}

fn options(max_steps: Option<usize>) -> ApplyOptions {
    ApplyOptions {
        user: "CONTOSO\\Administrator".into(),
        dns_timeout: Duration::from_secs(5),
        dns_interval: Duration::from_millis(10),
        max_steps,
        verify: true,
        cancel: Default::default(),
    }
}

async fn apply(
    lab: &Lab,
    p: &SharingPlan,
    journal: &mut Journal,
    max_steps: Option<usize>,
) -> Vec<Progress> {
    let steps = plan_for(lab, p).await;
    let mut seen = Vec::new();
    let mut applier =
        Applier::new(lab, lab, journal, options(max_steps)).on_progress(|e| seen.push(e.clone()));
    applier.apply(&steps).await.unwrap();
    drop(applier);
    seen
}

async fn undo(lab: &Lab, journal: &mut Journal) -> Vec<String> {
    undo_report(lab, journal).await.undone
}

async fn undo_report(lab: &Lab, journal: &mut Journal) -> fedshare_plan::UndoReport {
    let mut applier = Applier::new(lab, lab, journal, options(None));
    applier.undo().await.unwrap()
}

/// DNS record sets have no order; an undone TXT change may reorder records in the zone file.
fn sorted_zones(w: &World) -> Vec<(String, Vec<String>)> {
    w.zones
        .iter()
        .map(|z| {
            let mut r: Vec<String> = z
                .records
                .iter()
                .map(|r| format!("{} {} {}", r.name, r.rtype, r.value))
                .collect();
            r.sort();
            (z.origin.clone(), r)
        })
        .collect()
}

async fn org(lab: &Lab, p: &SharingPlan) -> OrgState {
    snapshot(lab, p).await.org
}

/// The parts of the state that legitimately differ between two runs (fresh certificates)
/// are blanked; everything else must be equal.
fn comparable(mut o: OrgState) -> OrgState {
    if let Some(t) = o.federation_trust.as_mut() {
        t.org_certificate = None;
    }
    o
}

const FULL_ORDER: [&str; 12] = [
    "trust.certificate",
    "trust.create",
    "dns.proof:contoso.com",
    "dns.proof:sales.contoso.com",
    "trust.refresh-metadata",
    "orgid.set",
    "domain.add:sales.contoso.com",
    "relationship:Fabrikam",
    "relationship:Adatum",
    "policy:Fabrikam",
    "policy.assign:Fabrikam",
    "dns.autodiscover:contoso.com",
];

#[tokio::test]
async fn fresh_lab_gets_every_step_in_exchange_order() {
    let lab = Lab::new(world_with_hybrid());
    let p = example();
    let steps = plan_for(&lab, &p).await;
    let ids: Vec<&str> = steps.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, FULL_ORDER);
    // Values known only at apply time are placeholders in the plan.
    let trust = &steps.steps[1];
    let thumb = trust.invocations()[0].get("Thumbprint").unwrap();
    assert_eq!(
        thumb,
        &fedshare_exchange::ParamValue::String("<thumbprint of the new certificate>".into())
    );
    let proof = &steps.steps[2];
    assert!(proof.actions.iter().any(|a| matches!(a, fedshare_plan::Action::Publish(r) if r.value == "<domain proof for contoso.com>")));
    // Fabrikam's targets come from discovery; Adatum's from the plan.
    let fabrikam = steps.steps[7].invocations();
    assert_eq!(fabrikam[0].cmdlet, "Get-FederationInformation");
    assert_eq!(steps.steps[8].invocations().len(), 1);
    assert!(steps.steps.iter().all(|s| !s.title.contains("Hybrid")));
}

#[tokio::test]
async fn apply_reaches_the_plan_and_a_second_plan_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::new(world_with_hybrid());
    let p = example();
    let hybrid_before = lab.world().organization_relationships[0].clone();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    let progress = apply(&lab, &p, &mut journal, None).await;

    assert!(progress.iter().any(|e| matches!(
        e,
        Progress::Step {
            index: 12,
            total: 12,
            ..
        }
    )));
    assert!(progress.iter().any(|e| matches!(e, Progress::Invoking { cmdlet, .. } if cmdlet == "Set-FederatedOrganizationIdentifier")));
    let again = plan_for(&lab, &p).await;
    assert!(
        again.is_empty(),
        "second plan: {:?}",
        again.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
    );

    let w = lab.world();
    assert_eq!(
        w.organization_identifier.account_namespace.as_deref(),
        Some("FYDIBOHF25SPDLT.contoso.com")
    );
    assert_eq!(w.organization_identifier.domains.len(), 2);
    let fabrikam = w
        .organization_relationships
        .iter()
        .find(|r| r.name == "Fabrikam")
        .unwrap();
    assert_eq!(
        fabrikam.target_application_uri.as_deref(),
        Some("FYDIBOHF25SPDLT.fabrikam.com")
    );
    assert_eq!(
        w.organization_relationships[0], hybrid_before,
        "the Hybrid relationship is untouched"
    );
    assert_eq!(
        lab.values("autodiscover.contoso.com", "CNAME"),
        ["mail.contoso.com"]
    );
    assert!(lab
        .values("contoso.com", "TXT")
        .contains(&"v=spf1 mx -all".to_owned()));
    let alex = w
        .mailboxes
        .iter()
        .find(|m| m.primary_smtp_address == "alexw@contoso.com")
        .unwrap();
    assert_eq!(alex.sharing_policy.as_deref(), Some("Fabrikam"));

    let entries = journal.entries().unwrap();
    assert_eq!(entries.len(), 24, "Started and Applied per step");
    assert!(entries[0].before.is_some());
}

#[tokio::test]
async fn undo_restores_the_starting_state_and_leaves_hybrid_alone() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::new(world_with_hybrid());
    let p = example();
    let start = org(&lab, &p).await;
    let start_world = lab.world();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    apply(&lab, &p, &mut journal, None).await;
    assert_ne!(org(&lab, &p).await, start);

    let script = fedshare_plan::script::journal_undo_script(&journal.entries().unwrap()).unwrap();
    assert!(
        script.contains(
            "Remove-FederationTrust -Identity 'Microsoft Federation Gateway' -Confirm:$false"
        ),
        "{script}"
    );

    let report = undo_report(&lab, &mut journal).await;
    let undone = report.undone;
    assert_eq!(undone.len(), 12);
    assert_eq!(undone[0], "dns.autodiscover:contoso.com");
    // The certificate is the one thing undo leaves, and it says so with the way out.
    assert_eq!(report.kept.len(), 1, "{:?}", report.kept);
    assert!(
        report.kept[0].contains("Remove-ExchangeCertificate")
            && report.kept[0].contains("Exchange Delegation Federation"),
        "{}",
        report.kept[0]
    );
    assert_eq!(org(&lab, &p).await, start);
    let end_world = lab.world();
    assert_eq!(end_world.mailboxes, start_world.mailboxes);
    assert_eq!(sorted_zones(&end_world), sorted_zones(&start_world));
    // A second undo has nothing left to do.
    assert!(undo(&lab, &mut journal).await.is_empty());
}

#[tokio::test]
async fn an_apply_stopped_after_any_step_resumes_to_the_same_state() {
    let p = example();
    let reference = {
        let dir = tempfile::tempdir().unwrap();
        let lab = Lab::new(world_with_hybrid());
        let mut journal = Journal::open(&dir.path().join("j.jsonl")).unwrap();
        apply(&lab, &p, &mut journal, None).await;
        comparable(org(&lab, &p).await)
    };
    for k in 1..FULL_ORDER.len() {
        let dir = tempfile::tempdir().unwrap();
        let lab = Lab::new(world_with_hybrid());
        let start = org(&lab, &p).await;
        let path = dir.path().join("j.jsonl");
        let mut journal = Journal::open(&path).unwrap();
        apply(&lab, &p, &mut journal, Some(k)).await;
        drop(journal);
        // A new process: reopen the journal, re-plan from what is there, continue.
        let mut journal = Journal::open(&path).unwrap();
        let rest = plan_for(&lab, &p).await;
        let rest_ids: Vec<&str> = rest.steps.iter().map(|s| s.id.as_str()).collect();
        assert!(
            !rest_ids.contains(&FULL_ORDER[k - 1]),
            "after {k}: step {} planned again",
            FULL_ORDER[k - 1]
        );
        apply(&lab, &p, &mut journal, None).await;
        assert!(plan_for(&lab, &p).await.is_empty(), "after stop at {k}");
        assert_eq!(
            comparable(org(&lab, &p).await),
            reference,
            "after stop at {k}"
        );
        let w = lab.world();
        let federation_certs = w
            .certificates
            .iter()
            .filter(|c| c.services.iter().any(|s| s == "Federation"))
            .count();
        assert_eq!(
            federation_certs, 1,
            "after stop at {k}: one federation certificate"
        );
        assert_eq!(
            lab.values("contoso.com", "TXT").len(),
            2,
            "after stop at {k}: SPF and one proof"
        );
        // Undo over both runs' journal entries returns to the start.
        undo(&lab, &mut journal).await;
        assert_eq!(org(&lab, &p).await, start, "undo after stop at {k}");
    }
}

#[tokio::test]
async fn plan_script_reads_back_as_the_same_invocations() {
    let lab = Lab::new(World::contoso(0));
    let p = example();
    let steps = plan_for(&lab, &p).await;
    let script = fedshare_plan::script::plan_script(&steps).unwrap();
    let parsed = fedshare_exchange::script::parse_statements(&script).unwrap();
    let planned: Vec<Invocation> = steps
        .steps
        .iter()
        .flat_map(|s| s.invocations().into_iter().cloned())
        .collect();
    let runs = parsed
        .iter()
        .filter(|s| matches!(s, fedshare_exchange::script::Statement::Run { .. }))
        .count();
    assert_eq!(runs, planned.len());
    // The proof is only known once the trust exists: the script captures it and shows it.
    for line in [
        "DNS: create the TXT record at",
        "$proof1 = Get-FederatedDomainProof -DomainName 'contoso.com'",
        "Write-Host -Object $proof1.Proof",
        "-Thumbprint $certificate.Thumbprint",
    ] {
        assert!(script.contains(line), "{line}\n{script}");
    }
    assert!(!script.contains("<TargetApplicationUri"), "{script}");
    let undo_script = fedshare_plan::script::plan_undo_script(&steps).unwrap();
    assert!(undo_script
        .contains("Remove-OrganizationRelationship -Identity 'Fabrikam' -Confirm:$false"));
}

#[tokio::test]
async fn prerequisites_read_the_lab() {
    let lab = Lab::new(World::contoso(0));
    let mut p = example();
    p.additional_domains.push("contoso-relay.com".into());
    let snap = snapshot(&lab, &p).await;
    let checks = fedshare_plan::prerequisites(&p, &snap);
    let status = |id: &str| {
        checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .unwrap()
    };
    use fedshare_model::CheckStatus::*;
    assert!(
        !checks.iter().any(|c| c.id == "prereq.estimated-time"),
        "the estimated time is no check"
    );
    assert_eq!(status("prereq.exchange-version"), Pass);
    assert_eq!(status("prereq.accepted-domain:contoso.com"), Pass);
    assert_eq!(status("prereq.accepted-domain:contoso-relay.com"), Failure);
    assert_eq!(status("prereq.management-roles"), NotChecked);
    assert_eq!(fedshare_plan::ESTIMATED_TIME, Duration::from_secs(3600));
    assert!(!checks.iter().any(|c| c.id == "prereq.windows-dns"));

    // Publishing in Windows DNS adds the reminder that settles the DNS Server Tools.
    p.dns = fedshare_plan::file::DnsMode::Windows {
        server: Some("dc01.contoso.com".into()),
        zones: vec!["contoso.com".into()],
    };
    let checks = fedshare_plan::prerequisites(&p, &snap);
    let windows = checks
        .iter()
        .find(|c| c.id == "prereq.windows-dns")
        .expect("the Windows DNS prerequisite");
    assert_eq!(windows.status, NotChecked);
    assert_eq!(
        windows.evidence[0].actual,
        "contoso.com on dc01.contoso.com"
    );
    let fix = windows.fix.as_ref().expect("a fix");
    assert!(fix.commands[1]
        .contains("Get-DnsServerZone -ComputerName dc01.contoso.com -Name contoso.com"));
    // It says plainly that the broker reads public DNS, there and in the proof step.
    assert!(
        windows.evidence[1].expected.contains("split-brain"),
        "{windows:?}"
    );
    p.additional_domains.clear();
    let steps = plan(&p, &snap).unwrap();
    let proof = steps
        .steps
        .iter()
        .find(|s| s.id == "dns.proof:contoso.com")
        .unwrap();
    assert!(
        proof.preconditions.iter().any(|c| matches!(c,
            fedshare_plan::step::Precondition::Note(n) if n.contains("public zone contoso.com"))),
        "{:?}",
        proof.preconditions
    );
}

#[tokio::test]
async fn a_relationship_that_owns_a_planned_domain_is_a_conflict_not_a_change() {
    let mut w = World::contoso(0);
    w.organization_relationships.push(Relationship::new(
        "Old Fabrikam",
        vec!["fabrikam.com".into()],
    ));
    let lab = Lab::new(w);
    let p = example();
    let snap = snapshot(&lab, &p).await;
    let err = plan(&p, &snap).unwrap_err();
    assert!(err.to_string().contains("Old Fabrikam"), "{err}");
}

/// Reads the lab, adopts it, and plans the adopted plan against a fresh read of the lab.
async fn adopt_and_plan(lab: &Lab) -> (SharingPlan, Plan) {
    let observed = org(lab, &example()).await;
    let text = fedshare_plan::adopt::adopted_toml(&observed).unwrap();
    let adopted = SharingPlan::parse(&text, "adopted.toml").unwrap();
    assert_eq!(adopted, fedshare_plan::adopt::adopt(&observed).unwrap());
    let steps = plan_for(lab, &adopted).await;
    (adopted, steps)
}

#[tokio::test]
async fn the_federated_lab_adopts_to_a_plan_with_nothing_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::new(world_with_hybrid());
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    apply(&lab, &example(), &mut journal, None).await;

    let (adopted, steps) = adopt_and_plan(&lab).await;
    assert!(
        steps.is_empty(),
        "adopted plan: {:?}",
        steps.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    let observed = org(&lab, &example()).await;
    let thumbprint = observed
        .federation_trust
        .and_then(|t| t.org_certificate)
        .unwrap()
        .thumbprint;
    assert_eq!(
        adopted.trust.certificate,
        fedshare_plan::file::CertificateSpec::Thumbprint(thumbprint.to_ascii_uppercase())
    );
    assert_eq!(
        adopted.federated_domains(),
        ["contoso.com", "sales.contoso.com"]
    );
    let names: Vec<&str> = adopted
        .relationships
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["Hybrid", "Fabrikam", "Adatum"]);
    // Discovered targets are stated, so planning never discovers again.
    assert!(adopted
        .relationships
        .iter()
        .all(|r| r.target_application_uri.is_some() && r.target_autodiscover_epr.is_some()));
    // The example's own choices that are not observed are not adopted.
    assert!(adopted.autodiscover.is_empty());
    assert_eq!(adopted.dns, fedshare_plan::file::DnsMode::Manual);
    assert!(adopted
        .policies
        .iter()
        .all(|p| p.mailboxes == fedshare_plan::file::MailboxSelection::None));
    // Nothing moved: the adopted plan applied is no change at all.
    let before = org(&lab, &example()).await;
    let mut journal = Journal::open(&dir.path().join("adopted.jsonl")).unwrap();
    apply(&lab, &adopted, &mut journal, None).await;
    assert_eq!(org(&lab, &example()).await, before);
}

#[tokio::test]
async fn the_fresh_lab_adopts_a_new_trust_for_its_default_domain_only() {
    let lab = Lab::new(World::contoso(0));
    let (adopted, steps) = adopt_and_plan(&lab).await;
    assert_eq!(
        adopted.trust.certificate,
        fedshare_plan::file::CertificateSpec::New
    );
    assert_eq!(adopted.federated_domains(), ["contoso.com"]);
    assert!(adopted.relationships.is_empty());
    let names: Vec<&str> = adopted.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Default Sharing Policy"]);
    // Only the federation itself is missing; the default policy is adopted unchanged.
    let ids: Vec<&str> = steps.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "trust.certificate",
            "trust.create",
            "dns.proof:contoso.com",
            "trust.refresh-metadata",
            "orgid.set"
        ]
    );
}

/// Adatum (Office 365) without targets in the plan: discovery reaches it only through Exchange
/// Online's host, which the plan's default trusted host names let Exchange accept; without
/// them, Exchange's confirmation prompt fails in the non-interactive session.
#[tokio::test]
async fn partner_discovery_passes_the_plans_trusted_host_names() {
    let without_targets = EXAMPLE
        .replace("target_application_uri = \"outlook.com\"\n", "")
        .replace("target_autodiscover_epr = \"https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity\"\n", "");
    let p = SharingPlan::parse(&without_targets, "p.toml").unwrap();
    let lab = Lab::new(World::contoso(0));
    let steps = plan_for(&lab, &p).await;
    let adatum = steps
        .steps
        .iter()
        .find(|s| s.id == "relationship:Adatum")
        .unwrap();
    let discovery = &adatum.invocations()[0];
    assert_eq!(discovery.cmdlet, "Get-FederationInformation");
    assert_eq!(
        discovery.get("TrustedHostnames"),
        Some(&fedshare_exchange::ParamValue::StringList(vec![
            "*.outlook.com".into()
        ]))
    );
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    apply(&lab, &p, &mut journal, None).await;
    let world = lab.world();
    let rel = world
        .organization_relationships
        .iter()
        .find(|r| r.name == "Adatum")
        .unwrap();
    assert_eq!(rel.target_application_uri.as_deref(), Some("outlook.com"));

    let untrusting = SharingPlan::parse(
        &format!("{without_targets}\n[partners]\ntrusted_hostnames = []\n"),
        "p.toml",
    )
    .unwrap();
    let lab = Lab::new(World::contoso(0));
    let steps = plan_for(&lab, &untrusting).await;
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    let mut applier = Applier::new(&lab, &lab, &mut journal, options(None));
    let err = applier.apply(&steps).await.unwrap_err().to_string();
    assert!(err.contains("NonInteractive mode"), "{err}");
}

#[tokio::test]
async fn undo_clears_with_null_and_forces_domains_only_when_asked() {
    use fedshare_model::ErrorCode;
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::new(World::contoso(0));
    let p = example();
    let start = org(&lab, &p).await;
    let start_world = lab.world();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    apply(&lab, &p, &mut journal, None).await;

    // Most mailboxes had no policy of their own: undo clears it with $null, never ''.
    let script = fedshare_plan::script::journal_undo_script(&journal.entries().unwrap()).unwrap();
    assert!(
        script.contains("Set-Mailbox -Identity 'Alex Wilber' -SharingPolicy $null"),
        "{script}"
    );
    assert!(!script.contains("''"), "{script}");

    // Without the gateway, Exchange refuses to remove a domain unless forced; the error says how.
    lab.0
        .lock()
        .unwrap()
        .world
        .breaks
        .push(fedshare_lab::Break::GatewayUnreachable);
    let err = Applier::new(&lab, &lab, &mut journal, options(None))
        .undo()
        .await
        .expect_err("the gateway cannot release the domain");
    assert_eq!(err.code(), "plan.domain_removal_failed");
    assert!(err.to_string().contains("--force-domains"), "{err}");
    assert!(
        err.to_string().contains("UnableToReleaseUriException"),
        "{err}"
    );

    let report = Applier::new(&lab, &lab, &mut journal, options(None))
        .force_domain_removal(true)
        .undo()
        .await
        .unwrap();
    assert!(
        report.undone.contains(&"orgid.set".to_owned()),
        "{report:?}"
    );
    assert_eq!(org(&lab, &p).await, start);
    assert_eq!(lab.world().mailboxes, start_world.mailboxes);
}

/// The lab with 1,200 mailboxes: more than the 1000 Get-Mailbox returns by default.
fn world_with_many_mailboxes() -> World {
    let mut w = World::contoso(0);
    for i in 0..1200 {
        w.mailboxes.push(fedshare_model::Mailbox {
            identity: format!("User {i:04}"),
            primary_smtp_address: format!("user{i:04}@contoso.com"),
            sharing_policy: None,
        });
    }
    w
}

fn assigned(steps: &Plan, policy: &str) -> usize {
    steps
        .steps
        .iter()
        .find(|s| s.id == format!("policy.assign:{policy}"))
        .map_or(0, |s| s.actions.len())
}

#[tokio::test]
async fn mailboxes_past_the_first_1000_are_planned() {
    use fedshare_plan::file::MailboxSelection;
    let lab = Lab::new(world_with_many_mailboxes());
    let total = lab.world().mailboxes.len();
    let mut p = example();
    p.policies[0].mailboxes = MailboxSelection::All;
    assert_eq!(assigned(&plan_for(&lab, &p).await, "Fabrikam"), total);

    // Named mailboxes are looked up one by one, wherever they are in the list.
    p.policies[0].mailboxes = MailboxSelection::List(vec![
        "user1150@contoso.com".into(),
        "alexw@contoso.com".into(),
        "USER1150@contoso.com".into(),
    ]);
    assert_eq!(assigned(&plan_for(&lab, &p).await, "Fabrikam"), 2);

    p.policies[0].mailboxes = MailboxSelection::List(vec!["nobody@contoso.com".into()]);
    let snap = Snapshot::read(&lab, &lab, &p, lab.identity())
        .await
        .unwrap();
    let err = plan(&p, &snap).expect_err("an unknown mailbox is a conflict");
    assert!(err.to_string().contains("nobody@contoso.com"), "{err}");
}

/// The lab behind a host that is stopped while one command runs: the command may have run on
/// the server (`ran` true) or not, and either way the engine only sees the time-out.
struct TimesOut<'a> {
    lab: &'a Lab,
    cmdlet: &'static str,
    ran: bool,
    fired: std::sync::atomic::AtomicBool,
}

impl Shell for TimesOut<'_> {
    async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
        use std::sync::atomic::Ordering;
        if invocation.cmdlet == self.cmdlet && !self.fired.swap(true, Ordering::SeqCst) {
            if self.ran {
                self.lab.invoke(invocation).await?;
            }
            return Err(ShellFailure {
                exception: "exchange.host_timeout".into(),
                message: format!("{} did not answer within 300 s.", self.cmdlet),
            });
        }
        self.lab.invoke(invocation).await
    }
}

#[tokio::test]
async fn a_change_that_timed_out_is_read_back_before_its_outcome_is_recorded() {
    for ran in [true, false] {
        let lab = Lab::new(World::contoso(0));
        let p = example();
        let steps = plan_for(&lab, &p).await;
        let shell = TimesOut {
            lab: &lab,
            cmdlet: "Set-FederatedOrganizationIdentifier",
            ran,
            fired: std::sync::atomic::AtomicBool::new(false),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut journal = Journal::open(&path).unwrap();
        let mut applier = Applier::new(&shell, &lab, &mut journal, options(None));
        let outcome = applier.apply(&steps).await;
        drop(applier);
        let journal = std::fs::read_to_string(&path).unwrap();
        let orgid: Vec<&str> = journal
            .lines()
            .filter(|l| l.contains("\"orgid.set\""))
            .collect();
        if ran {
            // It finished on the server: read back, the step is recorded as applied.
            outcome.unwrap();
            assert!(orgid.iter().any(|l| l.contains("\"applied\"")), "{orgid:?}");
        } else {
            let err = outcome.unwrap_err().to_string();
            assert!(err.contains("the change is not in place"), "{err}");
            assert!(
                !orgid.iter().any(|l| l.contains("\"applied\"")),
                "{orgid:?}"
            );
        }
    }
}

/// The lab's DNS, except that publication does not reach the resolvers while `held`: a wait
/// for propagation then lasts until it is cancelled.
struct SlowPropagation<'a> {
    lab: &'a Lab,
    held: std::sync::atomic::AtomicBool,
}

impl Dns for SlowPropagation<'_> {
    async fn publish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        if self.held.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        self.lab.publish(record).await
    }

    async fn unpublish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        self.lab.unpublish(record).await
    }

    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<String>, DnsFailure> {
        self.lab.lookup(name, rtype).await
    }
}

#[tokio::test]
async fn a_cancelled_dns_wait_leaves_a_journal_that_resumes_to_the_same_state() {
    let p = example();
    let reference = {
        let dir = tempfile::tempdir().unwrap();
        let lab = Lab::new(world_with_hybrid());
        let mut journal = Journal::open(&dir.path().join("j.jsonl")).unwrap();
        apply(&lab, &p, &mut journal, None).await;
        comparable(org(&lab, &p).await)
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let lab = Lab::new(world_with_hybrid());
    let start = org(&lab, &p).await;
    let dns = SlowPropagation {
        lab: &lab,
        held: true.into(),
    };
    let steps = plan_for(&lab, &p).await;
    let mut journal = Journal::open(&path).unwrap();
    let cancel = fedshare_plan::Cancel::new();
    let options = ApplyOptions {
        // Far beyond the test's time: only the cancel can end this wait.
        dns_timeout: Duration::from_secs(3600),
        cancel: cancel.clone(),
        ..options(None)
    };
    let began = std::time::Instant::now();
    let err = Applier::new(&lab, &dns, &mut journal, options)
        .on_progress(|e| {
            if matches!(e, Progress::WaitingForDns { .. }) {
                cancel.cancel();
            }
        })
        .apply(&steps)
        .await
        .expect_err("cancelled");
    assert!(
        began.elapsed() < Duration::from_secs(30),
        "stopped promptly"
    );
    assert_eq!(fedshare_model::ErrorCode::code(&err), "plan.cancelled");
    assert!(err.to_string().contains("apply again to resume"), "{err}");
    drop(journal);
    let entries = fedshare_plan::journal::read(&path).unwrap();
    let applied: Vec<&str> = fedshare_plan::journal::outstanding(&entries)
        .iter()
        .map(|e| e.step_id.as_str())
        .collect();
    assert_eq!(applied, ["trust.certificate", "trust.create"]);
    let last = entries.last().unwrap();
    assert_eq!(last.outcome, fedshare_model::JournalOutcome::Failed);
    assert_eq!(last.step_id, "dns.proof:contoso.com");

    // Later, in a new run: DNS propagates, the plan resumes where the cancel stopped it.
    let mut journal = Journal::open(&path).unwrap();
    let rest = plan_for(&lab, &p).await;
    assert_eq!(
        rest.steps.first().map(|s| s.id.as_str()),
        Some("dns.proof:contoso.com")
    );
    apply(&lab, &p, &mut journal, None).await;
    assert!(plan_for(&lab, &p).await.is_empty());
    assert_eq!(comparable(org(&lab, &p).await), reference);
    undo(&lab, &mut journal).await;
    assert_eq!(org(&lab, &p).await, start);
}

#[tokio::test]
async fn undo_back_to_a_step_keeps_the_older_steps_applied() {
    let p = example();
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::new(world_with_hybrid());
    let mut journal = Journal::open(&dir.path().join("j.jsonl")).unwrap();
    apply(&lab, &p, &mut journal, None).await;
    let mut applier = Applier::new(&lab, &lab, &mut journal, options(None))
        .undo_back_to(Some("policy:Fabrikam".into()));
    let report = applier.undo().await.unwrap();
    drop(applier);
    assert_eq!(
        report.undone,
        [
            "dns.autodiscover:contoso.com",
            "policy.assign:Fabrikam",
            "policy:Fabrikam"
        ]
    );
    let w = lab.world();
    assert_eq!(
        w.organization_relationships.len(),
        3,
        "the relationships stay"
    );
    let mut missing = Applier::new(&lab, &lab, &mut journal, options(None))
        .undo_back_to(Some("policy:Fabrikam".into()));
    let err = missing.undo().await.expect_err("already undone");
    assert_eq!(
        fedshare_model::ErrorCode::code(&err),
        "plan.undo_target_missing"
    );
}
