//! Taking federated sharing down (operations-after-setup §4): a removal file says what must be
//! absent (or disabled), and [`plan`] turns it into steps in the order Exchange accepts:
//! relationships disabled or removed, mailboxes moved off the sharing policies that go, those
//! policies removed, federated domains removed with the account namespace last, then the
//! trust. What Exchange would refuse is refused here first, with Exchange's reason.
//!
//! ```toml
//! [disabled]
//! organization_relationships = ["Fabrikam"]   # Set-OrganizationRelationship -Enabled $false
//! sharing_policies = ["Partners"]             # its mailboxes get no sharing policy
//!
//! [absent]
//! organization_relationships = "all"          # or a list of names
//! sharing_policies = "all"                    # every policy but the default, which Exchange keeps
//! federated_domains = "all"                   # the account namespace last
//! federation_trust = true
//! ```

use std::path::Path;

use fedshare_exchange::{Invocation, ParamValue};
use fedshare_model::{Mailbox, OrgState, StepKind};
use serde::Deserialize;
use serde_json::json;

use crate::error::{FilePosition, PlanError};
use crate::planner::{no_confirm, step, ORGID_PREFIX};
use crate::step::{Action, Plan, Precondition, Step, Verification};

/// `"all"` or a list of names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Selection {
    #[default]
    #[serde(skip)]
    Nothing,
    All(AllWord),
    Names(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AllWord {
    All,
}

impl Selection {
    fn picks(&self, name: &str) -> bool {
        match self {
            Selection::Nothing => false,
            Selection::All(_) => true,
            Selection::Names(n) => n.iter().any(|x| x.eq_ignore_ascii_case(name)),
        }
    }

    fn names(&self) -> &[String] {
        match self {
            Selection::Names(n) => n,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    #[serde(default)]
    pub organization_relationships: Selection,
    #[serde(default)]
    pub sharing_policies: Selection,
    #[serde(default)]
    pub federated_domains: Selection,
    #[serde(default)]
    pub federation_trust: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disabled {
    #[serde(default)]
    pub organization_relationships: Vec<String>,
    #[serde(default)]
    pub sharing_policies: Vec<String>,
}

/// What a removal file asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removal {
    #[serde(default)]
    pub disabled: Disabled,
    #[serde(default)]
    pub absent: Absent,
}

impl Removal {
    pub fn from_file(path: &Path) -> Result<Removal, PlanError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, file: &str) -> Result<Removal, PlanError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(text, s.start))
                .unwrap_or((1, 1));
            PlanError::Invalid {
                at: FilePosition {
                    file: file.to_owned(),
                    line,
                    column,
                },
                expected: format!(
                    "{} (a removal file has [disabled] organization_relationships/sharing_policies lists and [absent] organization_relationships, sharing_policies, federated_domains as \"all\" or names, and federation_trust = true)",
                    e.message()
                ),
            }
        })
    }
}

impl Removal {
    /// Sharing with one partner turned off: its relationship disabled and the mailboxes of
    /// `sharing_policies` moved off them (the `[disabled]` document the example file describes).
    pub fn disable_partner(relationship: &str, sharing_policies: Vec<String>) -> Removal {
        Removal {
            disabled: Disabled {
                organization_relationships: vec![relationship.to_owned()],
                sharing_policies,
            },
            absent: Absent::default(),
        }
    }

    /// Federated sharing taken down completely (examples/contoso-remove.toml).
    pub fn everything() -> Removal {
        Removal {
            disabled: Disabled::default(),
            absent: Absent {
                organization_relationships: Selection::All(AllWord::All),
                sharing_policies: Selection::All(AllWord::All),
                federated_domains: Selection::All(AllWord::All),
                federation_trust: true,
            },
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Exchange's refusal, said before anything runs.
fn refused(exception: &str, reason: String) -> PlanError {
    PlanError::Refused {
        exception: exception.to_owned(),
        reason,
    }
}

/// The steps that take `org` to what `removal` asks, in the order Exchange accepts.
/// `mailboxes` are every mailbox with its sharing policy (`Get-Mailbox -ResultSize Unlimited`).
/// `force_domains` removes federated domains with `-Force` (gateway unreachable, or an expired
/// certificate: the gateway answers 1007 AccessDenied).
pub fn plan(
    removal: &Removal,
    org: &OrgState,
    mailboxes: &[Mailbox],
    force_domains: bool,
) -> Result<Plan, PlanError> {
    let mut steps = Vec::new();
    disable_relationships(removal, org, &mut steps)?;
    remove_relationships(removal, org, &mut steps)?;
    policies(removal, org, mailboxes, &mut steps)?;
    domains(removal, org, force_domains, &mut steps)?;
    trust(removal, org, &mut steps)?;
    Ok(Plan { steps })
}

fn unknown(kind: &str, name: &str) -> PlanError {
    PlanError::Conflict(format!(
        "the removal file names the {kind} \"{name}\", which the organization does not have"
    ))
}

fn disable_relationships(
    removal: &Removal,
    org: &OrgState,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    for name in &removal.disabled.organization_relationships {
        let rel = org
            .organization_relationships
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| unknown("organization relationship", name))?;
        if !rel.enabled || removal.absent.organization_relationships.picks(&rel.name) {
            continue;
        }
        let mut s = step(
            format!("relationship.disable:{}", rel.name),
            format!("Turn off sharing with \"{}\"", rel.name),
            StepKind::OrganizationRelationships,
        );
        let set = |enabled: bool| {
            Invocation::new("Set-OrganizationRelationship")
                .string("Identity", rel.name.clone())
                .bool("Enabled", enabled)
        };
        s.actions.push(Action::Invoke(set(false)));
        s.undo.push(Action::Invoke(set(true)));
        s.verification.push(Verification::Object {
            read: Invocation::new("Get-OrganizationRelationship")
                .string("Identity", rel.name.clone()),
            expect: vec![("Enabled".into(), json!(false))],
        });
        s.before = json!({"Name": rel.name, "Enabled": true});
        steps.push(s);
    }
    Ok(())
}

fn remove_relationships(
    removal: &Removal,
    org: &OrgState,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    // A named relationship already gone is what the file asks (and how a resumed run sees it).
    let sel = &removal.absent.organization_relationships;
    for rel in org
        .organization_relationships
        .iter()
        .filter(|r| sel.picks(&r.name))
    {
        let mut s = step(
            format!("relationship.remove:{}", rel.name),
            format!("Remove the organization relationship \"{}\"", rel.name),
            StepKind::OrganizationRelationships,
        );
        s.preconditions.push(Precondition::Note(format!(
            "Ask the partner ({}) to remove its relationship with you too, or its users get errors when they look up yours.",
            rel.domain_names.join(", ")
        )));
        s.actions.push(Action::Invoke(no_confirm(
            Invocation::new("Remove-OrganizationRelationship").string("Identity", rel.name.clone()),
        )));
        s.verification.push(Verification::Absent {
            read: Invocation::new("Get-OrganizationRelationship")
                .string("Identity", rel.name.clone()),
        });
        s.before = serde_json::to_value(rel).unwrap_or_default();
        steps.push(s);
    }
    Ok(())
}

fn unassign(policy: &str, mailboxes: &[Mailbox], id: String, title: String) -> Option<Step> {
    let users: Vec<&Mailbox> = mailboxes
        .iter()
        .filter(|m| {
            m.sharing_policy
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(policy))
        })
        .collect();
    if users.is_empty() {
        return None;
    }
    let mut s = step(id, title, StepKind::SharingPolicies);
    s.before = json!(users);
    for m in users {
        s.actions.push(Action::Invoke(
            Invocation::new("Set-Mailbox")
                .string("Identity", m.identity.clone())
                .param("SharingPolicy", ParamValue::Null),
        ));
        s.undo.push(Action::Invoke(
            Invocation::new("Set-Mailbox")
                .string("Identity", m.identity.clone())
                .string("SharingPolicy", policy),
        ));
    }
    Some(s)
}

fn policies(
    removal: &Removal,
    org: &OrgState,
    mailboxes: &[Mailbox],
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    for name in &removal.disabled.sharing_policies {
        let p = org
            .sharing_policies
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| unknown("sharing policy", name))?;
        if let Some(s) = unassign(
            &p.name,
            mailboxes,
            format!("policy.unassign:{}", p.name),
            format!("Take the sharing policy \"{}\" off its mailboxes", p.name),
        ) {
            steps.push(s);
        }
    }
    let sel = &removal.absent.sharing_policies;
    for name in sel.names() {
        if let Some(p) = org
            .sharing_policies
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name) && p.default)
        {
            return Err(refused("CannotRemoveDefaultSharingPolicy", format!("the sharing policy \"{}\" is the organization's default, and Exchange does not remove the default policy; make another policy the default first (Set-SharingPolicy -Default), or leave it out of the removal", p.name)));
        }
    }
    // "all" means every policy Exchange lets go: the default stays (it is Exchange's own).
    for p in org
        .sharing_policies
        .iter()
        .filter(|p| sel.picks(&p.name) && !p.default)
    {
        let unassign_id = format!("policy.unassign:{}", p.name);
        if !steps.iter().any(|s| s.id == unassign_id) {
            if let Some(s) = unassign(
                &p.name,
                mailboxes,
                unassign_id.clone(),
                format!(
                    "Take the sharing policy \"{}\" off its mailboxes (Exchange refuses to remove an assigned policy)",
                    p.name
                ),
            ) {
                steps.push(s);
            }
        }
        let mut s = step(
            format!("policy.remove:{}", p.name),
            format!("Remove the sharing policy \"{}\"", p.name),
            StepKind::SharingPolicies,
        );
        if steps.iter().any(|x| x.id == unassign_id) {
            s.preconditions.push(Precondition::Step(unassign_id));
        }
        s.actions.push(Action::Invoke(no_confirm(
            Invocation::new("Remove-SharingPolicy").string("Identity", p.name.clone()),
        )));
        s.verification.push(Verification::Absent {
            read: Invocation::new("Get-SharingPolicy").string("Identity", p.name.clone()),
        });
        s.before = serde_json::to_value(p).unwrap_or_default();
        steps.push(s);
    }
    Ok(())
}

fn account_namespace(org: &OrgState) -> Option<String> {
    org.organization_identifier
        .account_namespace
        .as_deref()
        .map(|n| {
            n.strip_prefix(ORGID_PREFIX)
                .unwrap_or(n)
                .to_ascii_lowercase()
        })
}

fn domains(
    removal: &Removal,
    org: &OrgState,
    force: bool,
    steps: &mut Vec<Step>,
) -> Result<(), PlanError> {
    let sel = &removal.absent.federated_domains;
    let federated: Vec<String> = org
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.to_ascii_lowercase())
        .collect();
    let primary = account_namespace(org);
    let chosen: Vec<&String> = federated.iter().filter(|d| sel.picks(d)).collect();
    if let Some(primary) = &primary {
        let others_stay = federated.iter().any(|d| d != primary && !sel.picks(d));
        if sel.picks(primary) && others_stay {
            return Err(refused("CannotRemoveAccountNamespaceException", format!("{primary} is the account namespace, and Exchange removes it only after every other federated domain; list the other domains too, or use \"all\"")));
        }
    }
    let remove = |d: &str, primary: bool| {
        let mut s = step(
            format!("domain.remove:{d}"),
            if primary {
                format!("Remove the account namespace {d} (last of the federated domains)")
            } else {
                format!("Remove the federated domain {d}")
            },
            StepKind::FederationTrust,
        );
        let mut inv = Invocation::new("Remove-FederatedDomain").string("DomainName", d);
        if force {
            inv = inv.switch("Force");
        }
        s.actions.push(Action::Invoke(no_confirm(inv)));
        s.preconditions.push(Precondition::Note(
            "The Microsoft Federation Gateway keeps the domain for a day: federating it again on the same day can fail (MaxUriReached).".into(),
        ));
        s
    };
    for d in chosen.iter().filter(|d| Some(**d) != primary.as_ref()) {
        steps.push(remove(d, false));
    }
    if let Some(p) = primary.as_ref().filter(|p| chosen.contains(p)) {
        let mut s = remove(p, true);
        s.verification.push(Verification::Object {
            read: Invocation::new("Get-FederatedOrganizationIdentifier"),
            expect: vec![("Enabled".into(), json!(false))],
        });
        steps.push(s);
    }
    Ok(())
}

fn trust(removal: &Removal, org: &OrgState, steps: &mut Vec<Step>) -> Result<(), PlanError> {
    let Some(trust) = org
        .federation_trust
        .as_ref()
        .filter(|_| removal.absent.federation_trust)
    else {
        return Ok(());
    };
    let namespace_stays =
        account_namespace(org).is_some_and(|p| !removal.absent.federated_domains.picks(&p));
    if namespace_stays {
        return Err(refused("OrgsStillUsingThisTrustException", format!("the federation trust \"{}\" is still used by the organization identifier; Exchange removes the trust only after the account namespace: add federated_domains = \"all\" to [absent]", trust.name)));
    }
    let mut s = step(
        "trust.remove".into(),
        format!("Remove the federation trust \"{}\"", trust.name),
        StepKind::FederationTrust,
    );
    s.actions.push(Action::Invoke(no_confirm(
        Invocation::new("Remove-FederationTrust").string("Identity", trust.name.clone()),
    )));
    s.verification.push(Verification::Absent {
        read: Invocation::new("Get-FederationTrust"),
    });
    s.preconditions.push(Precondition::Note(
        "Afterwards, delete the proof TXT records; creating the trust again later means a new certificate, a new application identifier and new proofs.".into(),
    ));
    s.before = json!({"Name": trust.name});
    steps.push(s);
    Ok(())
}

#[cfg(test)]
mod documents {
    use super::*;

    #[test]
    fn everything_is_the_shipped_example() {
        let file = include_str!("../../../examples/contoso-remove.toml");
        assert_eq!(
            Removal::parse(file, "contoso-remove.toml").unwrap(),
            Removal::everything()
        );
    }

    #[test]
    fn one_partner_is_the_disabled_document() {
        let text = "[disabled]\norganization_relationships = [\"Fabrikam\"]\nsharing_policies = [\"Fabrikam calendar\"]\n";
        assert_eq!(
            Removal::parse(text, "one.toml").unwrap(),
            Removal::disable_partner("Fabrikam", vec!["Fabrikam calendar".into()])
        );
    }
}
