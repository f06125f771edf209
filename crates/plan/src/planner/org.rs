//! Domain proofs, metadata refresh, the organization identifier and further federated domains.

use fedshare_exchange::Invocation;
use fedshare_model::StepKind;
use serde_json::json;

use super::{no_confirm, publication, step, ORGID_PREFIX};
use crate::dns::{DnsRecord, RecordType};
use crate::error::PlanError;
use crate::file::{DnsMode, SharingPlan};
use crate::snapshot::Snapshot;
use crate::step::{Action, Capture, Placeholder, Precondition, Step, Verification};

fn is_federated(snapshot: &Snapshot, domain: &str) -> bool {
    snapshot
        .org
        .organization_identifier
        .domains
        .iter()
        .any(|d| d.domain.eq_ignore_ascii_case(domain))
}

/// The proof for the trust's current certificate, when the snapshot has one.
fn known_proof(snapshot: &Snapshot, domain: &str) -> Option<String> {
    let current = snapshot
        .org
        .federation_trust
        .as_ref()
        .and_then(|t| t.org_certificate.as_ref())
        .map(|c| c.thumbprint.clone());
    let proofs: Vec<_> = snapshot
        .proofs
        .iter()
        .filter(|p| p.domain.eq_ignore_ascii_case(domain))
        .collect();
    proofs
        .iter()
        .find(|p| {
            current
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(&p.thumbprint))
        })
        .or(proofs.first())
        .map(|p| p.proof.clone())
}

/// Whether any proof Exchange would accept for `domain` is already in its TXT answer.
fn proof_published(snapshot: &Snapshot, domain: &str) -> bool {
    let Some(answer) = snapshot.answer(domain, RecordType::Txt) else {
        return false;
    };
    snapshot
        .proofs
        .iter()
        .filter(|p| p.domain.eq_ignore_ascii_case(domain))
        .any(|p| answer.iter().any(|v| v.trim_matches('"') == p.proof))
}

fn proof_step(plan: &SharingPlan, snapshot: &Snapshot, domain: &str) -> Step {
    let mut s = step(
        format!("dns.proof:{domain}"),
        format!("Publish the domain proof TXT record for {domain}"),
        StepKind::FederationTrust,
    );
    let record = proof_record(
        &mut s,
        domain,
        known_proof(snapshot, domain),
        Invocation::new("Get-FederatedDomainProof").string("DomainName", domain),
        Some(("Name".into(), "OrgPrivCertificate".into())),
    );
    let before = snapshot
        .answer(domain, RecordType::Txt)
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    s.before = json!({"Name": domain, "Type": "TXT", "Values": before});
    s.preconditions
        .push(Precondition::Step("trust.create".into()));
    if let DnsMode::Windows { zones, .. } = &plan.dns {
        let zone = crate::file::zone_of(zones, domain).unwrap_or(domain);
        s.preconditions
            .push(Precondition::Note(public_zone_note(zone)));
    }
    // Other TXT values at the domain (SPF, other proofs) stay: the proof is added beside them.
    publication(&plan.dns, &record, &[], &mut s);
    s.actions.push(Action::WaitResolvable(record.clone()));
    s.verification.push(Verification::Resolves(record));
    s
}

/// The proof TXT record for `domain`: the `known` proof, or the one `fetch`
/// (`Get-FederatedDomainProof`) returns when `s` runs, captured as its first action (`prefer`
/// picks the object among several, one per certificate).
pub(crate) fn proof_record(
    s: &mut Step,
    domain: &str,
    known: Option<String>,
    fetch: Invocation,
    prefer: Option<(String, String)>,
) -> DnsRecord {
    let value = match known {
        Some(proof) => proof,
        None => {
            s.actions.push(Action::Invoke(fetch));
            s.captures.push(Capture {
                action: 0,
                property: "Proof".into(),
                prefer,
                into: Placeholder::DomainProof(domain.to_owned()),
            });
            Placeholder::DomainProof(domain.to_owned()).text()
        }
    };
    DnsRecord {
        name: domain.to_owned(),
        rtype: RecordType::Txt,
        value,
    }
}

/// What Windows DNS mode must say: the zone it writes is the AD-integrated one, in most
/// organizations the internal half of a split-brain zone, while the broker reads public DNS.
pub(crate) fn public_zone_note(zone: &str) -> String {
    format!(
        "The Federation Gateway reads the proof from public DNS. Fedshare writes it to the Windows DNS zone {zone}: if that is the internal zone (split-brain DNS), publish the same TXT record in the public zone {zone} as well. Fedshare waits until the domain's authoritative servers serve it."
    )
}

fn refresh_invocation(plan: &SharingPlan) -> Invocation {
    Invocation::new("Set-FederationTrust")
        .string("Identity", plan.trust.name.clone())
        .switch("RefreshMetadata")
}

fn refresh_step(plan: &SharingPlan) -> Step {
    let name = &plan.trust.name;
    let mut s = step(
        "trust.refresh-metadata".into(),
        "Refresh the federation metadata".into(),
        StepKind::FederationTrust,
    );
    s.actions.push(Action::Invoke(refresh_invocation(plan)));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-FederationTrust").string("Identity", name.clone()),
        expect: vec![("Name".into(), json!(name))],
    });
    // Nothing to reverse: the trust simply holds fresher broker metadata.
    s
}

fn proof_precondition(plan: &SharingPlan, domain: &str, steps: &[Step]) -> Precondition {
    let id = format!("dns.proof:{domain}");
    if steps.iter().any(|s| s.id == id) || plan.dns == DnsMode::None {
        Precondition::Step(id)
    } else {
        Precondition::Note(format!("The proof TXT record for {domain} resolves."))
    }
}

fn orgid_step(
    plan: &SharingPlan,
    snapshot: &Snapshot,
    steps: &[Step],
) -> Result<Option<Step>, PlanError> {
    let oid = &snapshot.org.organization_identifier;
    let expected = format!("{ORGID_PREFIX}{}", plan.primary_domain);
    let primary = &plan.primary_domain;
    let mut s = step(
        "orgid.set".into(),
        format!("Federate {primary} as the account namespace"),
        StepKind::FederationTrust,
    );
    s.before = serde_json::to_value(oid).unwrap_or_default();
    let read = Invocation::new("Get-FederatedOrganizationIdentifier");
    match oid.account_namespace.as_deref().filter(|n| !n.is_empty()) {
        Some(ns) if !ns.eq_ignore_ascii_case(&expected) => Err(PlanError::Conflict(format!(
            "the organization is already federated with account namespace {ns}; Exchange does not allow changing it (TrustAlreadyDefinedException)"
        ))),
        Some(_) if oid.enabled => Ok(None),
        Some(_) => {
            s.title = "Enable the federated organization identifier".into();
            s.actions.push(Action::Invoke(Invocation::new("Set-FederatedOrganizationIdentifier").bool("Enabled", true)));
            s.undo.push(Action::Invoke(Invocation::new("Set-FederatedOrganizationIdentifier").bool("Enabled", false)));
            s.verification.push(Verification::Object { read, expect: vec![("Enabled".into(), json!(true))] });
            Ok(Some(s))
        }
        None => {
            s.preconditions.push(Precondition::Step("trust.refresh-metadata".into()));
            s.preconditions.push(proof_precondition(plan, primary, steps));
            s.actions.push(Action::Invoke(
                Invocation::new("Set-FederatedOrganizationIdentifier")
                    .string("DelegationFederationTrust", plan.trust.name.clone())
                    .string("AccountNamespace", primary.clone())
                    .bool("Enabled", true),
            ));
            // Removing the account-namespace domain unconfigures the OrgID (and disables it).
            s.undo.push(Action::Invoke(no_confirm(
                Invocation::new("Remove-FederatedDomain").string("DomainName", primary.clone()),
            )));
            s.verification.push(Verification::Object {
                read,
                expect: vec![
                    ("AccountNamespace".into(), json!(expected)),
                    ("Enabled".into(), json!(true)),
                ],
            });
            Ok(Some(s))
        }
    }
}

fn domain_step(plan: &SharingPlan, domain: &str, steps: &[Step]) -> Step {
    let mut s = step(
        format!("domain.add:{domain}"),
        format!("Add {domain} to the federated domains"),
        StepKind::FederationTrust,
    );
    s.preconditions.push(Precondition::Step("orgid.set".into()));
    s.preconditions
        .push(proof_precondition(plan, domain, steps));
    s.actions.push(Action::Invoke(
        Invocation::new("Add-FederatedDomain").string("DomainName", domain),
    ));
    s.undo.push(Action::Invoke(no_confirm(
        Invocation::new("Remove-FederatedDomain").string("DomainName", domain),
    )));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-FederatedOrganizationIdentifier"),
        expect: vec![("Domains".into(), json!([domain]))],
    });
    s
}

pub(crate) fn orgid_steps(
    plan: &SharingPlan,
    snapshot: &Snapshot,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    let pending: Vec<String> = plan
        .federated_domains()
        .into_iter()
        .filter(|d| !is_federated(snapshot, d))
        .collect();
    if plan.dns != DnsMode::None {
        for d in &pending {
            if !proof_published(snapshot, d) {
                steps.push(proof_step(plan, snapshot, d));
            }
        }
    }
    let mut orgid = orgid_step(plan, snapshot, steps)?;
    let trust_created = steps.iter().any(|s| s.id == "trust.create");
    // The broker metadata is refreshed before the OrgID is first configured (the documented
    // order). The trust has no property saying when it was last downloaded, so with a trust
    // that already exists the refresh opens the OrgID step itself: a resumed apply repeats it
    // only together with the step it prepares, and refreshing twice is harmless.
    let first_configuration = orgid.as_ref().is_some_and(|o| {
        o.invocations()
            .first()
            .is_some_and(|i| i.get("AccountNamespace").is_some())
    });
    if trust_created {
        steps.push(refresh_step(plan));
    } else if let Some(o) = orgid.as_mut().filter(|_| first_configuration) {
        o.actions
            .insert(0, Action::Invoke(refresh_invocation(plan)));
    }
    steps.extend(orgid);
    for d in pending.iter().filter(|d| **d != plan.primary_domain) {
        let s = domain_step(plan, d, steps);
        steps.push(s);
    }
    Ok(())
}
