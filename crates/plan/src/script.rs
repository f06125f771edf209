//! Script export: a plan, or its undo, as a `.ps1` for the Exchange Management Shell, through
//! fedshare-exchange's renderer (catalog-validated names, every value quoted as data).
//!
//! A value only known at apply time (a step's [`Capture`]) becomes what Microsoft's own
//! examples write: the command that produces it is assigned to a variable
//! (`$certificate = New-ExchangeCertificate ...`) and later commands take a typed reference to
//! its property (`-Thumbprint $certificate.Thumbprint`). DNS records the script cannot create
//! itself (RFC 2136 or manual mode) are named in the step's comment, their value shown with
//! `Write-Host`, and the script pauses until they resolve.

use std::collections::BTreeMap;

use fedshare_exchange::script::{
    render_invocation, render_script, Arg, Command, Filter, Reference, Statement,
    Step as ScriptStep, Variable,
};
use fedshare_exchange::{catalog, ExchangeError, Invocation, ParamValue};
use fedshare_model::JournalEntry;

use crate::dns::{DnsRecord, RecordType};
use crate::journal::{outstanding, undo_actions};
use crate::step::{Action, Capture, Placeholder, Plan};

/// One line for logs, journals and progress.
pub fn render_action(action: &Action) -> String {
    match action {
        Action::Invoke(inv) => render_invocation(inv),
        Action::Publish(r) => format!("DNS: create {}", r.display()),
        Action::Unpublish(r) => format!("DNS: delete {}", r.display()),
        Action::WaitResolvable(r) => format!("DNS: wait until {} resolves", r.display()),
    }
}

/// The variables of one script: each captured placeholder and the reference standing for it.
#[derive(Default)]
struct Scope {
    references: BTreeMap<Placeholder, Reference>,
    counters: BTreeMap<&'static str, usize>,
}

impl Scope {
    /// A fresh variable named after what the first capture holds (`certificate`, `proof1`,
    /// `partner1`): Fedshare's own names, never user text.
    fn variable(&mut self, first: &Placeholder) -> Result<Variable, ExchangeError> {
        let base = match first {
            Placeholder::NewCertificateThumbprint => "certificate",
            Placeholder::DomainProof(_) => "proof",
            Placeholder::PartnerApplicationUri(_) | Placeholder::PartnerAutodiscoverEpr(_) => {
                "partner"
            }
        };
        let n = self.counters.entry(base).or_default();
        *n += 1;
        if base == "certificate" && *n == 1 {
            return Variable::new(base);
        }
        Variable::new(&format!("{base}{n}"))
    }

    /// The reference a whole parameter value stands for, when it is a captured placeholder.
    fn reference(&self, value: &str) -> Option<&Reference> {
        Placeholder::parse(value).and_then(|p| self.references.get(&p))
    }
}

/// The step's command with captured placeholders as references. Placeholders nothing in the
/// script captures (an undo of a plan not yet applied) are left out of the line; the step's
/// comment names them.
fn command(inv: &Invocation, scope: &Scope, notes: &mut Vec<String>) -> Command {
    let mut out = Command {
        cmdlet: inv.cmdlet.clone(),
        args: Vec::new(),
    };
    for (name, value) in &inv.params {
        let arg = match value {
            ParamValue::String(s) => match scope.reference(s) {
                Some(r) => Arg::Reference(r.clone()),
                None if Placeholder::parse(s).is_some() && catalog::validate(inv).is_err() => {
                    notes.push(format!(
                        "then set -{name} on {} to the value Exchange reports for it",
                        inv.cmdlet
                    ));
                    continue;
                }
                None => Arg::Value(value.clone()),
            },
            other => Arg::Value(other.clone()),
        };
        out.args.push((name.clone(), arg));
    }
    out
}

/// Words for a record: its value written out, or where the script shows it.
fn record_words(r: &DnsRecord, scope: &Scope) -> String {
    match scope.reference(&r.value) {
        Some(_) => match r.rtype {
            RecordType::Txt => format!("the TXT record at {} with the value shown", r.name),
            RecordType::Cname => format!("the CNAME record at {} with the target shown", r.name),
        },
        None => r.display(),
    }
}

fn script_step(
    title: &str,
    actions: &[Action],
    captures: &[Capture],
    scope: &mut Scope,
) -> Result<ScriptStep, ExchangeError> {
    let mut notes = Vec::new();
    let mut statements = Vec::new();
    for (n, action) in actions.iter().enumerate() {
        match action {
            Action::Invoke(inv) => {
                let command = command(inv, scope, &mut notes);
                let captured: Vec<&Capture> = captures.iter().filter(|c| c.action == n).collect();
                let assign = match captured.first() {
                    Some(c) => Some(scope.variable(&c.into)?),
                    None => None,
                };
                if let Some(v) = &assign {
                    for c in &captured {
                        let r = Reference::new(v.clone(), &c.property)?;
                        scope.references.insert(c.into.clone(), r);
                    }
                }
                let filter = captured
                    .iter()
                    .find_map(|c| c.prefer.clone())
                    .map(|(property, equals)| Filter { property, equals });
                statements.push(Statement::Run {
                    assign,
                    command,
                    filter,
                });
            }
            Action::Publish(r) => {
                notes.push(format!("DNS: create {}", record_words(r, scope)));
                if let Some(value) = scope.reference(&r.value) {
                    statements.push(Statement::Show(value.clone()));
                }
            }
            Action::Unpublish(r) => notes.push(format!("DNS: delete {}", record_words(r, scope))),
            Action::WaitResolvable(r) => {
                let words = record_words(r, scope);
                let shown = statements.iter().any(|s| matches!(s, Statement::Show(_)));
                if let (Some(value), false) = (scope.reference(&r.value), shown) {
                    statements.push(Statement::Show(value.clone()));
                }
                notes.push(format!("DNS: wait until {words} resolves"));
                statements.push(Statement::Pause(format!(
                    "Press Enter once {words} resolves in public DNS"
                )));
            }
        }
    }
    let title = if notes.is_empty() {
        title.to_owned()
    } else {
        format!("{title}. {}", notes.join("; "))
    };
    Ok(ScriptStep { title, statements })
}

pub fn plan_script(plan: &Plan) -> Result<String, ExchangeError> {
    let mut scope = Scope::default();
    let steps = plan
        .steps
        .iter()
        .map(|s| script_step(&s.title, &s.actions, &s.captures, &mut scope))
        .collect::<Result<Vec<_>, _>>()?;
    render_script("Fedshare sharing plan", &steps)
}

/// How the plan would be reversed once applied (newest step first).
pub fn plan_undo_script(plan: &Plan) -> Result<String, ExchangeError> {
    let mut scope = Scope::default();
    let steps = plan
        .steps
        .iter()
        .rev()
        .filter(|s| !s.undo.is_empty())
        .map(|s| script_step(&format!("Undo: {}", s.title), &s.undo, &[], &mut scope))
        .collect::<Result<Vec<_>, _>>()?;
    render_script("Undo of the Fedshare sharing plan", &steps)
}

/// The undo of what the journal says was applied (with the values learned while applying).
pub fn journal_undo_script(entries: &[JournalEntry]) -> Result<String, ExchangeError> {
    let mut scope = Scope::default();
    let steps = outstanding(entries)
        .into_iter()
        .rev()
        .map(|e| {
            script_step(
                &format!("Undo: {}", e.title),
                &undo_actions(e),
                &[],
                &mut scope,
            )
        })
        .filter(|s| {
            s.as_ref().map_or(true, |s| {
                !s.statements.is_empty() || s.title.contains("DNS:")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    render_script("Undo of the applied Fedshare changes", &steps)
}
