//! Organization relationships, sharing policies and their assignment to mailboxes.

use std::collections::BTreeSet;

use fedshare_exchange::{Invocation, ParamValue};
use fedshare_model::{OrganizationRelationship, SharingPolicy, StepKind};
use serde_json::json;

use super::{no_confirm, step};
use crate::entries::{same_entries, SharingEntry};
use crate::error::PlanError;
use crate::file::{MailboxSelection, PolicySpec, RelationshipSpec, SharingPlan};
use crate::snapshot::Snapshot;
use crate::step::{Action, Capture, Placeholder, Precondition, Step, Verification};

fn same_set(a: &[String], b: &[String]) -> bool {
    let norm = |l: &[String]| {
        l.iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<BTreeSet<_>>()
    };
    norm(a) == norm(b)
}

fn eq_opt(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

/// The partner's targets: from the plan, else from the discovery preview, else resolved at
/// apply time from `Get-FederationInformation` (placeholders).
struct Targets {
    application_uri: String,
    autodiscover_epr: String,
    discover: Option<String>,
}

fn targets(r: &RelationshipSpec, snapshot: &Snapshot) -> Targets {
    let first = r.domains[0].clone();
    let preview = snapshot.partner(&first);
    let app = r
        .target_application_uri
        .clone()
        .or_else(|| preview.map(|p| p.target_application_uri.clone()));
    let epr = r
        .target_autodiscover_epr
        .clone()
        .or_else(|| preview.map(|p| p.target_autodiscover_epr.clone()));
    let discover = (app.is_none() || epr.is_none()).then(|| first.clone());
    Targets {
        application_uri: app
            .unwrap_or_else(|| Placeholder::PartnerApplicationUri(first.clone()).text()),
        autodiscover_epr: epr
            .unwrap_or_else(|| Placeholder::PartnerAutodiscoverEpr(first.clone()).text()),
        discover,
    }
}

/// `Get-FederationInformation` for `domain`. The plan's trusted host names go with it: a
/// partner answering through an unsecured redirect or a certificate naming another host makes
/// Exchange ask for confirmation otherwise, and the non-interactive session cannot answer.
fn discovery(s: &mut Step, domain: &str, trusted: &[String]) {
    let index = s.actions.len();
    let mut inv = Invocation::new("Get-FederationInformation").string("DomainName", domain);
    if !trusted.is_empty() {
        inv = inv.list("TrustedHostnames", trusted.to_vec());
    }
    s.actions.push(Action::Invoke(inv));
    s.captures.push(Capture {
        action: index,
        property: "TargetApplicationUri".into(),
        prefer: None,
        into: Placeholder::PartnerApplicationUri(domain.to_owned()),
    });
    s.captures.push(Capture {
        action: index,
        property: "TargetAutodiscoverEpr".into(),
        prefer: None,
        into: Placeholder::PartnerAutodiscoverEpr(domain.to_owned()),
    });
}

fn relationship_verification(r: &RelationshipSpec) -> Verification {
    let mut expect = vec![
        ("Name".into(), json!(r.name)),
        ("DomainNames".into(), json!(r.domains)),
        ("Enabled".into(), json!(r.enabled)),
        ("FreeBusyAccessEnabled".into(), json!(r.free_busy_enabled)),
    ];
    if r.free_busy_enabled {
        expect.push((
            "FreeBusyAccessLevel".into(),
            json!(r.access_level.to_string()),
        ));
    }
    Verification::Object {
        read: Invocation::new("Get-OrganizationRelationship").string("Identity", r.name.clone()),
        expect,
    }
}

fn new_relationship(r: &RelationshipSpec, snapshot: &Snapshot, trusted: &[String]) -> Step {
    let mut s = step(
        format!("relationship:{}", r.name),
        format!("Create the organization relationship \"{}\"", r.name),
        StepKind::OrganizationRelationships,
    );
    s.preconditions.push(Precondition::Step("orgid.set".into()));
    let t = targets(r, snapshot);
    if let Some(d) = &t.discover {
        discovery(&mut s, d, trusted);
    }
    let mut inv = Invocation::new("New-OrganizationRelationship")
        .string("Name", r.name.clone())
        .list("DomainNames", r.domains.clone())
        .bool("Enabled", r.enabled)
        .bool("FreeBusyAccessEnabled", r.free_busy_enabled);
    if r.free_busy_enabled {
        inv = inv.enumeration("FreeBusyAccessLevel", r.access_level.to_string());
    }
    if let Some(g) = &r.scope_group {
        inv = inv.string("FreeBusyAccessScope", g.clone());
    }
    inv = inv
        .string("TargetApplicationUri", t.application_uri)
        .string("TargetAutodiscoverEpr", t.autodiscover_epr);
    s.actions.push(Action::Invoke(inv));
    s.verification.push(relationship_verification(r));
    s.undo.push(Action::Invoke(no_confirm(
        Invocation::new("Remove-OrganizationRelationship").string("Identity", r.name.clone()),
    )));
    s
}

/// Adds `name value` to the change and its previous value to the undo, when they differ.
struct Change {
    set: Invocation,
    undo: Invocation,
    changed: bool,
}

impl Change {
    fn new(cmdlet: &str, identity: &str) -> Change {
        Change {
            set: Invocation::new(cmdlet).string("Identity", identity),
            undo: Invocation::new(cmdlet).string("Identity", identity),
            changed: false,
        }
    }

    fn add(&mut self, name: &str, new: ParamValue, old: ParamValue) {
        self.set = std::mem::replace(&mut self.set, Invocation::new("")).param(name, new);
        self.undo = std::mem::replace(&mut self.undo, Invocation::new("")).param(name, old);
        self.changed = true;
    }
}

/// The previous value for an undo: `$null` when there was none. Exchange refuses `''` for
/// these parameters (identities and URIs cannot be empty); `$null` is how they are cleared.
fn previous(v: Option<&String>) -> ParamValue {
    v.map_or(ParamValue::Null, |v| ParamValue::String(v.clone()))
}

fn changed_relationship(
    r: &RelationshipSpec,
    have: &OrganizationRelationship,
    snapshot: &Snapshot,
    trusted: &[String],
) -> Option<Step> {
    let mut c = Change::new("Set-OrganizationRelationship", &have.name);
    if !same_set(&have.domain_names, &r.domains) {
        c.add(
            "DomainNames",
            ParamValue::StringList(r.domains.clone()),
            ParamValue::StringList(have.domain_names.clone()),
        );
    }
    if have.enabled != r.enabled {
        c.add(
            "Enabled",
            ParamValue::Bool(r.enabled),
            ParamValue::Bool(have.enabled),
        );
    }
    if have.free_busy_access_enabled != r.free_busy_enabled {
        c.add(
            "FreeBusyAccessEnabled",
            ParamValue::Bool(r.free_busy_enabled),
            ParamValue::Bool(have.free_busy_access_enabled),
        );
    }
    if r.free_busy_enabled && have.free_busy_access_level != r.access_level {
        c.add(
            "FreeBusyAccessLevel",
            ParamValue::Enum(r.access_level.to_string()),
            ParamValue::Enum(have.free_busy_access_level.to_string()),
        );
    }
    if let Some(g) = &r.scope_group {
        if !eq_opt(have.free_busy_access_scope.as_deref(), g) {
            c.add(
                "FreeBusyAccessScope",
                ParamValue::String(g.clone()),
                previous(have.free_busy_access_scope.as_ref()),
            );
        }
    }
    let t = targets(r, snapshot);
    // Discovered values are compared only when known; otherwise a relationship that already
    // has targets keeps them, and one without gets them from discovery.
    let mut discover = None;
    let mut target = |name: &str, want: &str, have: Option<&String>, c: &mut Change| {
        let unknown = want.starts_with('<');
        if (unknown && have.is_none()) || (!unknown && !eq_opt(have.map(String::as_str), want)) {
            if unknown {
                discover = t.discover.clone();
            }
            c.add(name, ParamValue::String(want.to_owned()), previous(have));
        }
    };
    target(
        "TargetApplicationUri",
        &t.application_uri,
        have.target_application_uri.as_ref(),
        &mut c,
    );
    target(
        "TargetAutodiscoverEpr",
        &t.autodiscover_epr,
        have.target_autodiscover_epr.as_ref(),
        &mut c,
    );
    if !c.changed {
        return None;
    }
    let mut s = step(
        format!("relationship:{}", r.name),
        format!("Update the organization relationship \"{}\"", r.name),
        StepKind::OrganizationRelationships,
    );
    s.before = serde_json::to_value(have).unwrap_or_default();
    if let Some(d) = discover {
        discovery(&mut s, &d, trusted);
    }
    s.actions.push(Action::Invoke(c.set));
    s.undo.push(Action::Invoke(c.undo));
    s.verification.push(relationship_verification(r));
    Some(s)
}

pub(crate) fn relationship_steps(
    plan: &SharingPlan,
    snapshot: &Snapshot,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    let rels = &snapshot.org.organization_relationships;
    for r in &plan.relationships {
        // A domain may belong to one relationship only; taking it from another would touch an
        // object the plan does not name.
        for other in rels
            .iter()
            .filter(|o| !o.name.eq_ignore_ascii_case(&r.name))
        {
            if let Some(d) = other
                .domain_names
                .iter()
                .find(|d| r.domains.iter().any(|w| w.eq_ignore_ascii_case(d)))
            {
                return Err(PlanError::Conflict(format!(
                    "the domain {d} already belongs to the organization relationship \"{}\", which the plan does not name (DuplicateOrganizationRelationshipDomainException)",
                    other.name
                )));
            }
        }
        match rels.iter().find(|o| o.name.eq_ignore_ascii_case(&r.name)) {
            None => steps.push(new_relationship(r, snapshot, &plan.trusted_hostnames)),
            Some(have) => steps.extend(changed_relationship(
                r,
                have,
                snapshot,
                &plan.trusted_hostnames,
            )),
        }
    }
    Ok(())
}

fn rendered(entries: &[SharingEntry]) -> Vec<String> {
    entries.iter().map(SharingEntry::render).collect()
}

fn previous_default(snapshot: &Snapshot, except: &str) -> Option<String> {
    snapshot
        .org
        .sharing_policies
        .iter()
        .find(|p| p.default && !p.name.eq_ignore_ascii_case(except))
        .map(|p| p.name.clone())
}

fn restore_default(s: &mut Step, previous: Option<String>) {
    // Exchange moves the default flag; undo moves it back to the policy that had it.
    if let Some(prev) = previous {
        s.undo.push(Action::Invoke(
            Invocation::new("Set-SharingPolicy")
                .string("Identity", prev)
                .switch("Default"),
        ));
    }
}

fn policy_verification(p: &PolicySpec) -> Verification {
    let mut expect = vec![
        ("Name".into(), json!(p.name)),
        ("Domains".into(), json!(rendered(&p.entries))),
        ("Enabled".into(), json!(p.enabled)),
    ];
    if p.default {
        expect.push(("Default".into(), json!(true)));
    }
    Verification::Object {
        read: Invocation::new("Get-SharingPolicy").string("Identity", p.name.clone()),
        expect,
    }
}

fn new_policy(p: &PolicySpec, snapshot: &Snapshot) -> Step {
    let mut s = step(
        format!("policy:{}", p.name),
        format!("Create the sharing policy \"{}\"", p.name),
        StepKind::SharingPolicies,
    );
    let mut inv = Invocation::new("New-SharingPolicy")
        .string("Name", p.name.clone())
        .list("Domains", rendered(&p.entries))
        .bool("Enabled", p.enabled);
    if p.default {
        inv = inv.switch("Default");
        restore_default(&mut s, previous_default(snapshot, &p.name));
    }
    s.actions.push(Action::Invoke(inv));
    s.undo.push(Action::Invoke(no_confirm(
        Invocation::new("Remove-SharingPolicy").string("Identity", p.name.clone()),
    )));
    s.verification.push(policy_verification(p));
    s
}

fn changed_policy(p: &PolicySpec, have: &SharingPolicy, snapshot: &Snapshot) -> Option<Step> {
    let mut c = Change::new("Set-SharingPolicy", &have.name);
    if !same_entries(&have.domains, &p.entries) {
        c.add(
            "Domains",
            ParamValue::StringList(rendered(&p.entries)),
            ParamValue::StringList(have.domains.clone()),
        );
    }
    if have.enabled != p.enabled {
        c.add(
            "Enabled",
            ParamValue::Bool(p.enabled),
            ParamValue::Bool(have.enabled),
        );
    }
    let make_default = p.default && !have.default;
    if !c.changed && !make_default {
        return None;
    }
    let mut s = step(
        format!("policy:{}", p.name),
        format!("Update the sharing policy \"{}\"", p.name),
        StepKind::SharingPolicies,
    );
    s.before = serde_json::to_value(have).unwrap_or_default();
    let mut set = c.set;
    if make_default {
        set = set.switch("Default");
        restore_default(&mut s, previous_default(snapshot, &p.name));
    }
    s.actions.push(Action::Invoke(set));
    if c.changed {
        s.undo.insert(0, Action::Invoke(c.undo));
    }
    s.verification.push(policy_verification(p));
    Some(s)
}

/// Whether the plan's `id` names this mailbox the way `Get-Mailbox -Identity` resolves it: by
/// its identity, by its name (Exchange shows the identity as a canonical name such as
/// `contoso.com/Users/Alex Wilber`), by its primary address, or by its alias.
fn names_mailbox(id: &str, m: &fedshare_model::Mailbox) -> bool {
    let id = id.trim();
    let name = m.identity.rsplit('/').next().unwrap_or_default();
    let alias = m.primary_smtp_address.split('@').next().unwrap_or_default();
    [
        m.identity.as_str(),
        name,
        m.primary_smtp_address.as_str(),
        alias,
    ]
    .iter()
    .any(|form| !form.is_empty() && form.eq_ignore_ascii_case(id))
}

fn assignment(p: &PolicySpec, snapshot: &Snapshot) -> Result<Option<Step>, PlanError> {
    let wanted: Vec<&fedshare_model::Mailbox> = match &p.mailboxes {
        MailboxSelection::None => return Ok(None),
        MailboxSelection::All => snapshot.mailboxes.iter().collect(),
        MailboxSelection::List(ids) => ids
            .iter()
            .map(|id| {
                snapshot
                    .mailboxes
                    .iter()
                    .find(|m| names_mailbox(id, m))
                    .ok_or_else(|| {
                        PlanError::Conflict(format!(
                            "the mailbox {id} named by policy \"{}\" was not found",
                            p.name
                        ))
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    // A mailbox named twice (by address and by name, say) is assigned once.
    let mut todo: Vec<&fedshare_model::Mailbox> = Vec::new();
    for m in wanted {
        if !eq_opt(m.sharing_policy.as_deref(), &p.name) && !todo.contains(&m) {
            todo.push(m);
        }
    }
    if todo.is_empty() {
        return Ok(None);
    }
    let mut s = step(
        format!("policy.assign:{}", p.name),
        format!(
            "Assign the sharing policy \"{}\" to {} mailbox(es)",
            p.name,
            todo.len()
        ),
        StepKind::SharingPolicies,
    );
    s.preconditions
        .push(Precondition::Step(format!("policy:{}", p.name)));
    s.before = json!(todo);
    for m in todo {
        s.actions.push(Action::Invoke(
            Invocation::new("Set-Mailbox")
                .string("Identity", m.identity.clone())
                .string("SharingPolicy", p.name.clone()),
        ));
        s.undo.push(Action::Invoke(
            Invocation::new("Set-Mailbox")
                .string("Identity", m.identity.clone())
                .param("SharingPolicy", previous(m.sharing_policy.as_ref())),
        ));
        s.verification.push(Verification::Object {
            read: Invocation::new("Get-Mailbox").string("Identity", m.identity.clone()),
            expect: vec![("SharingPolicy".into(), json!(p.name))],
        });
    }
    Ok(Some(s))
}

pub(crate) fn policy_steps(
    plan: &SharingPlan,
    snapshot: &Snapshot,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    let mut assignments = Vec::new();
    for p in &plan.policies {
        match snapshot
            .org
            .sharing_policies
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(&p.name))
        {
            None => steps.push(new_policy(p, snapshot)),
            Some(have) => steps.extend(changed_policy(p, have, snapshot)),
        }
        assignments.extend(assignment(p, snapshot)?);
    }
    // Every policy exists before any mailbox is pointed at one.
    steps.extend(assignments);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::names_mailbox;
    use fedshare_model::Mailbox;

    #[test]
    fn a_mailbox_is_named_by_identity_name_address_or_alias() {
        let m = Mailbox {
            identity: "contoso.com/Users/Alex Wilber".into(),
            primary_smtp_address: "AlexW@contoso.com".into(),
            sharing_policy: None,
        };
        for id in [
            "contoso.com/Users/Alex Wilber",
            "alex wilber",
            "alexw@contoso.com",
            "alexw",
        ] {
            assert!(names_mailbox(id, &m), "{id}");
        }
        for id in ["Alex", "contoso.com", "meganb@contoso.com", ""] {
            assert!(!names_mailbox(id, &m), "{id}");
        }
    }
}
