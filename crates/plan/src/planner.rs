//! Planning: compare the observed state with the plan and produce the steps, in Exchange's
//! dependency order (§3): certificate, trust, domain proofs published and resolvable, metadata
//! refresh, organization identifier, further federated domains, relationships, sharing
//! policies, policy assignment, Autodiscover CNAME. Objects the plan does not name are never
//! touched.

use fedshare_exchange::{windows_dns, Invocation, ParamValue};
use fedshare_model::{ExchangeCertificate, StepKind};
use serde_json::{json, Value};

use crate::dns::{DnsRecord, RecordType};
use crate::error::PlanError;
use crate::file::{CertificateSpec, DnsMode, SharingPlan};
use crate::snapshot::Snapshot;
use crate::step::{Action, Capture, Placeholder, Plan, Precondition, Step, Verification};

pub(crate) mod org;
pub(crate) mod sharing;

/// The friendly name Fedshare gives the certificate it creates (the EAC wizard's name), so a
/// resumed apply recognises its own certificate instead of creating a second one.
pub const CERTIFICATE_FRIENDLY_NAME: &str = "Exchange Delegation Federation";
pub const ORGID_PREFIX: &str = "FYDIBOHF25SPDLT.";

/// The steps that take `snapshot` to `plan`; none when the plan already holds.
pub fn plan(plan: &SharingPlan, snapshot: &Snapshot) -> Result<Plan, PlanError> {
    crate::limits::refuse_oversized(plan)?;
    let mut steps = Vec::new();
    trust_steps(plan, snapshot, &mut steps)?;
    org::orgid_steps(plan, snapshot, &mut steps)?;
    sharing::relationship_steps(plan, snapshot, &mut steps)?;
    sharing::policy_steps(plan, snapshot, &mut steps)?;
    autodiscover_steps(plan, snapshot, &mut steps);
    Ok(Plan { steps })
}

pub(crate) fn step(id: String, title: String, kind: StepKind) -> Step {
    Step {
        id,
        title,
        kind,
        actions: Vec::new(),
        captures: Vec::new(),
        preconditions: Vec::new(),
        verification: Vec::new(),
        undo: Vec::new(),
        before: Value::Null,
    }
}

/// The actions that create `record` as the plan's DNS mode does it, and their undo. A CNAME
/// replaces the `previous` targets at its name; undo puts them back.
pub(crate) fn publication(dns: &DnsMode, record: &DnsRecord, previous: &[String], s: &mut Step) {
    let previous: Vec<DnsRecord> = previous
        .iter()
        .map(|v| DnsRecord {
            value: v.trim_end_matches('.').to_owned(),
            ..record.clone()
        })
        .collect();
    match dns {
        DnsMode::Rfc2136 { .. } => {
            // The update replaces the CNAME's record set in one message.
            s.actions.push(Action::Publish(record.clone()));
            s.undo.push(Action::Unpublish(record.clone()));
            s.undo.extend(previous.into_iter().map(Action::Publish));
        }
        DnsMode::Windows { server, zones } => {
            let Some(zone) = crate::file::zone_of(zones, &record.name) else {
                // Parsing refuses a plan whose records lie outside its zones.
                return;
            };
            let target = windows_dns::Target {
                zone,
                computer_name: server.as_deref(),
            };
            let add = |r: &DnsRecord| {
                Action::Invoke(windows_dns::add_record(target, &r.name, data(r), 3600))
            };
            let remove = |r: &DnsRecord| {
                Action::Invoke(windows_dns::remove_record(target, &r.name, data(r)))
            };
            // Windows DNS refuses a second CNAME at a name: the old one goes first.
            s.actions.extend(previous.iter().map(remove));
            s.actions.push(add(record));
            s.undo.push(remove(record));
            s.undo.extend(previous.iter().map(add));
        }
        DnsMode::Manual | DnsMode::None => {}
    }
}

fn data(record: &DnsRecord) -> windows_dns::RecordData<'_> {
    match record.rtype {
        RecordType::Txt => windows_dns::RecordData::Txt(&record.value),
        RecordType::Cname => windows_dns::RecordData::Cname(&record.value),
    }
}

pub(crate) fn no_confirm(inv: Invocation) -> Invocation {
    // Remove-* cmdlets prompt by default; only -Confirm:$false suppresses it.
    inv.param("Confirm", ParamValue::Switch(false))
}

fn is_expired(not_after: &str) -> bool {
    time::OffsetDateTime::parse(not_after, &time::format_description::well_known::Rfc3339)
        .map_or(true, |t| t < time::OffsetDateTime::now_utc())
}

/// A certificate an earlier, interrupted apply created and that still qualifies.
fn reusable_certificate(snapshot: &Snapshot) -> Option<&ExchangeCertificate> {
    snapshot.certificates.iter().find(|c| {
        c.friendly_name == CERTIFICATE_FRIENDLY_NAME
            && c.services
                .split(',')
                .any(|s| s.trim().eq_ignore_ascii_case("Federation"))
            && c.private_key_exportable
            && c.subject_key_identifier.is_some()
            && !is_expired(&c.not_after)
    })
}

/// The id of the step that creates the federation certificate.
pub(crate) const CERTIFICATE_STEP: &str = "trust.certificate";

pub(crate) fn certificate_step(plan: &SharingPlan) -> Step {
    let mut s = step(
        CERTIFICATE_STEP.into(),
        "Create a self-signed federation certificate".into(),
        StepKind::FederationTrust,
    );
    let ski = uuid::Uuid::new_v4().simple().to_string();
    s.actions.push(Action::Invoke(
        Invocation::new("New-ExchangeCertificate")
            .string("FriendlyName", CERTIFICATE_FRIENDLY_NAME)
            .list("DomainName", vec![plan.primary_domain.clone()])
            .enumeration("Services", "Federation")
            .param("KeySize", ParamValue::Int(2048))
            .bool("PrivateKeyExportable", true)
            .string("SubjectKeyIdentifier", ski),
    ));
    s.captures.push(Capture {
        action: 0,
        property: "Thumbprint".into(),
        prefer: None,
        into: Placeholder::NewCertificateThumbprint,
    });
    s.preconditions.push(Precondition::Note(
        "The account is in Organization Management or Server Management.".into(),
    ));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-ExchangeCertificate")
            .string("Thumbprint", Placeholder::NewCertificateThumbprint.text()),
        expect: vec![("FriendlyName".into(), json!(CERTIFICATE_FRIENDLY_NAME))],
    });
    // No undo: Remove-ExchangeCertificate is not in the cmdlet catalog, and a spare
    // federation certificate in the store is harmless (a later apply reuses it).
    s
}

fn trust_steps(
    plan: &SharingPlan,
    snapshot: &Snapshot,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    let name = &plan.trust.name;
    if let Some(existing) = &snapshot.org.federation_trust {
        if !existing.name.eq_ignore_ascii_case(name) {
            return Err(PlanError::Conflict(format!(
                "a federation trust named \"{}\" already exists and Exchange allows only one; name it in the plan",
                existing.name
            )));
        }
        return Ok(());
    }
    let thumbprint = match &plan.trust.certificate {
        CertificateSpec::Thumbprint(t) => {
            if !snapshot
                .certificates
                .iter()
                .any(|c| c.thumbprint.eq_ignore_ascii_case(t))
            {
                return Err(PlanError::Conflict(format!(
                    "no certificate with thumbprint {t} is in the server's certificate store (ErrorCertificateNotFound)"
                )));
            }
            t.clone()
        }
        CertificateSpec::New => match reusable_certificate(snapshot) {
            Some(c) => c.thumbprint.clone(),
            None => {
                steps.push(certificate_step(plan));
                Placeholder::NewCertificateThumbprint.text()
            }
        },
    };
    let mut s = step(
        "trust.create".into(),
        format!("Create the federation trust \"{name}\""),
        StepKind::FederationTrust,
    );
    if steps.iter().any(|p| p.id == "trust.certificate") {
        s.preconditions
            .push(Precondition::Step("trust.certificate".into()));
    }
    s.preconditions.push(Precondition::Note(
        "Outbound HTTPS to the Azure AD authentication system (nexus.microsoftonline-p.com, login.microsoftonline.com, domains.live.com).".into(),
    ));
    s.actions.push(Action::Invoke(
        Invocation::new("New-FederationTrust")
            .string("Name", name.clone())
            .string("Thumbprint", thumbprint),
    ));
    s.verification.push(Verification::Object {
        read: Invocation::new("Get-FederationTrust").string("Identity", name.clone()),
        expect: vec![("Name".into(), json!(name))],
    });
    s.undo.push(Action::Invoke(no_confirm(
        Invocation::new("Remove-FederationTrust").string("Identity", name.clone()),
    )));
    steps.push(s);
    Ok(())
}

fn autodiscover_steps(plan: &SharingPlan, snapshot: &Snapshot, steps: &mut Vec<Step>) {
    if plan.dns == DnsMode::None {
        return;
    }
    for a in &plan.autodiscover {
        let record = DnsRecord {
            name: a.record_name(),
            rtype: RecordType::Cname,
            value: a.target.clone(),
        };
        if snapshot.resolves(&record) {
            continue;
        }
        let previous = snapshot
            .answer(&record.name, RecordType::Cname)
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        let mut s = step(
            format!("dns.autodiscover:{}", a.domain),
            format!("Point {} at {}", record.name, a.target),
            StepKind::AutodiscoverDns,
        );
        s.before = json!({"Name": record.name, "Type": "CNAME", "Values": previous});
        publication(&plan.dns, &record, &previous, &mut s);
        s.actions.push(Action::WaitResolvable(record.clone()));
        s.verification.push(Verification::Resolves(record));
        steps.push(s);
    }
}
