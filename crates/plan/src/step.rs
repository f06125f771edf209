//! A plan is an ordered list of steps; each step carries what it runs, what must hold first,
//! how to check it worked, and how to reverse it.

use std::collections::BTreeMap;

use fedshare_exchange::{Invocation, ParamValue};
use fedshare_model::StepKind;
use serde::{Deserialize, Serialize};

use crate::dns::DnsRecord;

/// A value only known at apply time, shown in the plan as `<...>` text in its place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "camelCase")]
pub enum Placeholder {
    NewCertificateThumbprint,
    DomainProof(String),
    PartnerApplicationUri(String),
    PartnerAutodiscoverEpr(String),
}

impl Placeholder {
    /// The text that stands for the value in invocations, records and scripts.
    pub fn text(&self) -> String {
        match self {
            Placeholder::NewCertificateThumbprint => "<thumbprint of the new certificate>".into(),
            Placeholder::DomainProof(d) => format!("<domain proof for {d}>"),
            Placeholder::PartnerApplicationUri(d) => {
                format!("<TargetApplicationUri discovered for {d}>")
            }
            Placeholder::PartnerAutodiscoverEpr(d) => {
                format!("<TargetAutodiscoverEpr discovered for {d}>")
            }
        }
    }
}

impl Placeholder {
    /// The placeholder a whole value stands for (`<domain proof for contoso.com>`), if it is one.
    pub fn parse(value: &str) -> Option<Placeholder> {
        unresolved_in(value).filter(|p| p.text() == value)
    }
}

/// Takes a property of one output object of an earlier action as a placeholder's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capture {
    /// Index into the step's actions.
    pub action: usize,
    pub property: String,
    /// Prefer the object whose property equals this value (e.g. `Name` = `OrgPrivCertificate`);
    /// the first object otherwise.
    pub prefer: Option<(String, String)>,
    pub into: Placeholder,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Action {
    Invoke(Invocation),
    /// Add the record (the DNS mode decides whether Fedshare or the administrator does it).
    Publish(DnsRecord),
    Unpublish(DnsRecord),
    /// Wait, re-checking, until the record resolves.
    WaitResolvable(DnsRecord),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Precondition {
    /// An earlier step of this plan (or the observed state) provides it.
    Step(String),
    /// The record must resolve before the step runs (Exchange checks it through the broker).
    Resolvable(DnsRecord),
    /// A fact the administrator must make true, in words.
    Note(String),
}

/// How to re-read the object and compare it with what the step wanted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Verification {
    /// Run `read`; some output object must have every property as expected (strings compare
    /// case-insensitively, lists as sets, `Domains` of sharing policies semantically).
    Object {
        read: Invocation,
        expect: Vec<(String, serde_json::Value)>,
    },
    /// `read` must return nothing (the object is gone).
    Absent {
        read: Invocation,
    },
    Resolves(DnsRecord),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Stable id, e.g. `trust.create`, `domain.add:sales.contoso.com`.
    pub id: String,
    pub title: String,
    pub kind: StepKind,
    pub actions: Vec<Action>,
    pub captures: Vec<Capture>,
    pub preconditions: Vec<Precondition>,
    pub verification: Vec<Verification>,
    /// Reverses the step: removes what it created, restores previous values of what it changed.
    pub undo: Vec<Action>,
    /// The objects the step changes, as they were observed (null for objects it creates).
    pub before: serde_json::Value,
}

impl Step {
    /// The cmdlets the step runs, in order.
    pub fn invocations(&self) -> Vec<&Invocation> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Invoke(i) => Some(i),
                _ => None,
            })
            .collect()
    }
}

/// The ordered steps that take the observed organization to the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Values resolved so far during one apply.
pub type Resolved = BTreeMap<Placeholder, String>;

fn substitute(text: &str, resolved: &Resolved) -> Result<String, Placeholder> {
    let mut out = text.to_owned();
    for (p, value) in resolved {
        out = out.replace(&p.text(), value);
    }
    match unresolved_in(&out) {
        Some(p) => Err(p),
        None => Ok(out),
    }
}

/// A placeholder text still present in `text`, if any.
fn unresolved_in(text: &str) -> Option<Placeholder> {
    let start = text.find('<')?;
    let end = text[start..].find('>')? + start;
    let inner = &text[start..=end];
    [Placeholder::NewCertificateThumbprint.text()]
        .iter()
        .any(|t| t == inner)
        .then_some(Placeholder::NewCertificateThumbprint)
        .or_else(|| {
            let parse = |prefix: &str| {
                inner
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_suffix('>'))
                    .map(str::to_owned)
            };
            parse("<domain proof for ")
                .map(Placeholder::DomainProof)
                .or_else(|| {
                    parse("<TargetApplicationUri discovered for ")
                        .map(Placeholder::PartnerApplicationUri)
                })
                .or_else(|| {
                    parse("<TargetAutodiscoverEpr discovered for ")
                        .map(Placeholder::PartnerAutodiscoverEpr)
                })
        })
}

fn resolve_param(value: &ParamValue, resolved: &Resolved) -> Result<ParamValue, Placeholder> {
    Ok(match value {
        ParamValue::String(s) => ParamValue::String(substitute(s, resolved)?),
        ParamValue::StringList(l) => ParamValue::StringList(
            l.iter()
                .map(|s| substitute(s, resolved))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

pub(crate) fn resolve_invocation(
    inv: &Invocation,
    resolved: &Resolved,
) -> Result<Invocation, Placeholder> {
    let mut out = Invocation::new(inv.cmdlet.clone());
    for (name, value) in &inv.params {
        out = out.param(name.clone(), resolve_param(value, resolved)?);
    }
    Ok(out)
}

fn resolve_record(r: &DnsRecord, resolved: &Resolved) -> Result<DnsRecord, Placeholder> {
    Ok(DnsRecord {
        name: r.name.clone(),
        rtype: r.rtype,
        value: substitute(&r.value, resolved)?,
    })
}

pub(crate) fn resolve_action(action: &Action, resolved: &Resolved) -> Result<Action, Placeholder> {
    let record = |r: &DnsRecord| resolve_record(r, resolved);
    Ok(match action {
        Action::Invoke(i) => Action::Invoke(resolve_invocation(i, resolved)?),
        Action::Publish(r) => Action::Publish(record(r)?),
        Action::Unpublish(r) => Action::Unpublish(record(r)?),
        Action::WaitResolvable(r) => Action::WaitResolvable(record(r)?),
    })
}

pub(crate) fn resolve_verification(
    v: &Verification,
    resolved: &Resolved,
) -> Result<Verification, Placeholder> {
    Ok(match v {
        Verification::Object { read, expect } => Verification::Object {
            read: resolve_invocation(read, resolved)?,
            expect: expect
                .iter()
                .map(|(k, val)| {
                    let val = match val {
                        serde_json::Value::String(s) => {
                            serde_json::Value::String(substitute(s, resolved)?)
                        }
                        other => other.clone(),
                    };
                    Ok((k.clone(), val))
                })
                .collect::<Result<_, Placeholder>>()?,
        },
        Verification::Absent { read } => Verification::Absent {
            read: resolve_invocation(read, resolved)?,
        },
        Verification::Resolves(r) => Verification::Resolves(resolve_record(r, resolved)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_resolve_or_are_reported() {
        let inv = Invocation::new("New-FederationTrust")
            .string("Name", "Trust")
            .string("Thumbprint", Placeholder::NewCertificateThumbprint.text());
        let mut resolved = Resolved::new();
        assert_eq!(
            resolve_invocation(&inv, &resolved),
            Err(Placeholder::NewCertificateThumbprint)
        );
        resolved.insert(Placeholder::NewCertificateThumbprint, "ABC".into());
        let out = resolve_invocation(&inv, &resolved).unwrap();
        assert_eq!(
            out.get("Thumbprint"),
            Some(&ParamValue::String("ABC".into()))
        );
        let rec = DnsRecord {
            name: "contoso.com".into(),
            rtype: crate::dns::RecordType::Txt,
            value: Placeholder::DomainProof("contoso.com".into()).text(),
        };
        assert_eq!(
            resolve_action(&Action::Publish(rec), &resolved),
            Err(Placeholder::DomainProof("contoso.com".into()))
        );
    }
}
