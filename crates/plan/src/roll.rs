//! The federation certificate roll as a plan (operations-after-setup §1.2): create a new
//! certificate, stage it as the trust's next certificate (`Set-FederationTrust -Thumbprint`),
//! publish each federated domain's proof for it beside the current one, confirm every server
//! has it (`Test-FederationTrustCertificate`), then make it current
//! (`-PublishFederationCertificate`). It runs through the same [`crate::Applier`] as any plan
//! (progress, journal, verification after each step), and re-planning from the observed state
//! resumes it: a staged next certificate is not created again, a published proof not again.
//!
//! An expired current certificate cannot be rolled: the gateway authenticates the publish
//! with the current certificate and answers `1007 AccessDenied`. [`roll`] refuses it with the
//! rebuild that recovers ([`PlanError::CertificateExpired`]).

use fedshare_exchange::Invocation;
use fedshare_model::{CertificateRef, FederationTrust, StepKind};
use serde_json::json;

use crate::error::PlanError;
use crate::file::SharingPlan;
use crate::planner::org::proof_record;
use crate::planner::{certificate_step, publication, step, CERTIFICATE_STEP};
use crate::snapshot::Snapshot;
use crate::step::{Action, Placeholder, Plan, Precondition, Step, Verification};

const STAGE_STEP: &str = "roll.stage";
const DISTRIBUTED_STEP: &str = "roll.distributed";

/// The steps that roll the trust's certificate over to a new one, from where the
/// organization is now. `plan` gives the DNS mode (how proofs are published).
pub fn roll(plan: &SharingPlan, snapshot: &Snapshot, now: &str) -> Result<Plan, PlanError> {
    let trust = snapshot
        .org
        .federation_trust
        .as_ref()
        .ok_or(PlanError::NoTrust)?;
    if let Some(current) = &trust.org_certificate {
        if expired(current, now) {
            return Err(PlanError::CertificateExpired {
                thumbprint: current.thumbprint.clone(),
                not_after: current.not_after.clone(),
            });
        }
    }
    let mut steps = Vec::new();
    let next = match staged_next(trust) {
        Some(next) => next.thumbprint.clone(),
        None => {
            let mut create = certificate_step(plan);
            create.id = CERTIFICATE_STEP.into();
            create.title = "Create the new federation certificate".into();
            steps.push(create);
            steps.push(stage_step(trust));
            Placeholder::NewCertificateThumbprint.text()
        }
    };
    for domain in federated_domains(snapshot) {
        if let Some(s) = proof_step(plan, snapshot, &domain, &next) {
            steps.push(s);
        }
    }
    steps.push(distributed_step(&next));
    steps.push(publish_step(trust, &next));
    Ok(Plan { steps })
}

/// True when the certificate's expiry is known and past.
fn expired(cert: &CertificateRef, now: &str) -> bool {
    let parse = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    };
    matches!((parse(&cert.not_after), parse(now)), (Some(a), Some(n)) if a < n)
}

/// A next certificate an earlier, interrupted roll staged (and that is not the current one).
fn staged_next(trust: &FederationTrust) -> Option<&CertificateRef> {
    let next = trust.org_next_certificate.as_ref()?;
    let current = trust
        .org_certificate
        .as_ref()
        .map(|c| c.thumbprint.as_str());
    (current != Some(next.thumbprint.as_str())).then_some(next)
}

fn federated_domains(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .org
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.to_ascii_lowercase())
        .collect()
}

fn stage_step(trust: &FederationTrust) -> Step {
    let mut s = step(
        STAGE_STEP.into(),
        "Stage the new certificate as the trust's next certificate".into(),
        StepKind::FederationTrust,
    );
    s.preconditions
        .push(Precondition::Step(CERTIFICATE_STEP.into()));
    // Exchange copies the certificate to the other servers of this AD site now; the others
    // pull it within about an hour (the CertificateDeployment servicelet).
    s.actions.push(Action::Invoke(
        Invocation::new("Set-FederationTrust")
            .string("Identity", trust.name.clone())
            .string("Thumbprint", Placeholder::NewCertificateThumbprint.text()),
    ));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-FederationTrust").string("Identity", trust.name.clone()),
        expect: vec![(
            "OrgNextPrivCertificate".into(),
            json!(Placeholder::NewCertificateThumbprint.text()),
        )],
    });
    s.before = json!({"OrgNextPrivCertificate": trust
        .org_next_certificate
        .as_ref()
        .map(|c| c.thumbprint.clone())});
    s
}

/// The new certificate's proof for `domain`, published beside the current one (the gateway
/// checks the current proof until the publish, the new one after); none when it resolves.
fn proof_step(plan: &SharingPlan, snapshot: &Snapshot, domain: &str, next: &str) -> Option<Step> {
    let known = snapshot
        .proofs
        .iter()
        .find(|p| p.domain.eq_ignore_ascii_case(domain) && p.thumbprint.eq_ignore_ascii_case(next))
        .map(|p| p.proof.clone());
    let mut s = step(
        format!("roll.proof:{domain}"),
        format!("Publish the new certificate's proof TXT for {domain} beside the current one"),
        StepKind::FederationTrust,
    );
    let record = proof_record(
        &mut s,
        domain,
        known,
        Invocation::new("Get-FederatedDomainProof")
            .string("DomainName", domain)
            .string("Thumbprint", next),
        None,
    );
    if snapshot.resolves(&record) {
        return None;
    }
    if next.starts_with('<') {
        s.preconditions.push(Precondition::Step(STAGE_STEP.into()));
    }
    // The current proof stays: removing it before the publish would fail the domain's checks.
    publication(&plan.dns, &record, &[], &mut s);
    s.actions.push(Action::WaitResolvable(record.clone()));
    s.verification.push(Verification::Resolves(record));
    Some(s)
}

fn distributed_step(next: &str) -> Step {
    let mut s = step(
        DISTRIBUTED_STEP.into(),
        "Confirm the servers hold the new certificate".into(),
        StepKind::FederationTrust,
    );
    s.preconditions.push(Precondition::Note(
        "Every Exchange server must hold the new certificate before it becomes current: servers outside this AD site pull it within about an hour. If this step's check fails, wait and apply again.".into(),
    ));
    s.actions.push(Action::Invoke(Invocation::new(
        "Test-FederationTrustCertificate",
    )));
    s.verification.push(Verification::Object {
        read: Invocation::new("Test-FederationTrustCertificate"),
        expect: vec![
            ("Thumbprint".into(), json!(next)),
            ("State".into(), json!("Installed")),
        ],
    });
    s
}

fn publish_step(trust: &FederationTrust, next: &str) -> Step {
    let mut s = step(
        "roll.publish".into(),
        "Make the new certificate current (-PublishFederationCertificate)".into(),
        StepKind::FederationTrust,
    );
    s.preconditions
        .push(Precondition::Step(DISTRIBUTED_STEP.into()));
    s.preconditions.push(Precondition::Note(
        "Run on a server that holds the new certificate's private key.".into(),
    ));
    s.actions.push(Action::Invoke(
        Invocation::new("Set-FederationTrust")
            .string("Identity", trust.name.clone())
            .switch("PublishFederationCertificate"),
    ));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-FederationTrust").string("Identity", trust.name.clone()),
        expect: vec![("OrgPrivCertificate".into(), json!(next))],
    });
    s.before =
        json!({"OrgPrivCertificate": trust.org_certificate.as_ref().map(|c| c.thumbprint.clone())});
    s
}

/// What recovering from an expired certificate takes (operations-after-setup §1.4): the
/// documented rebuild, in order, with its consequences.
pub fn expired_recovery(snapshot: &Snapshot) -> Vec<String> {
    let Some(trust) = &snapshot.org.federation_trust else {
        return Vec::new();
    };
    let namespace = snapshot
        .org
        .organization_identifier
        .account_namespace
        .as_deref()
        .and_then(|n| n.strip_prefix(crate::planner::ORGID_PREFIX))
        .map(str::to_ascii_lowercase);
    let mut lines = Vec::new();
    for d in federated_domains(snapshot) {
        if Some(&d) != namespace.as_ref() {
            lines.push(format!("Remove-FederatedDomain -DomainName '{d}' -Force"));
        }
    }
    if let Some(primary) = &namespace {
        lines.push(format!(
            "Remove-FederatedDomain -DomainName '{primary}' -Force"
        ));
    }
    lines.push(format!(
        "Remove-FederationTrust -Identity '{}' -Confirm:$false",
        trust.name.replace('\'', "''")
    ));
    lines.push("fedshare apply <your plan>   # creates a new certificate and trust, new proofs, the OrgID again".into());
    lines
}

/// `Set-FederationTrust -RefreshMetadata`, twice, as Microsoft advises after the broker
/// changes its signing certificate (the first download can still be served the old metadata).
pub fn refresh_metadata(snapshot: &Snapshot) -> Result<Plan, PlanError> {
    let trust = snapshot
        .org
        .federation_trust
        .as_ref()
        .ok_or(PlanError::NoTrust)?;
    let mut s = step(
        "trust.refresh-metadata".into(),
        "Download the Federation Gateway's metadata again (twice)".into(),
        StepKind::FederationTrust,
    );
    let refresh = Invocation::new("Set-FederationTrust")
        .string("Identity", trust.name.clone())
        .switch("RefreshMetadata");
    s.actions.push(Action::Invoke(refresh.clone()));
    s.actions.push(Action::Invoke(refresh));
    Ok(Plan { steps: vec![s] })
}
