//! Script export: a plan, or its undo, as a `.ps1` for the Exchange Management Shell, through
//! fedshare-exchange's renderer (catalog-validated names, every value quoted as data). DNS
//! changes are not cmdlets; they appear as comments in the step titles.

use fedshare_exchange::script::{render_invocation, render_script, Step as ScriptStep};
use fedshare_exchange::{catalog, ExchangeError, Invocation, ParamValue};
use fedshare_model::JournalEntry;

use crate::journal::{outstanding, undo_actions};
use crate::step::{Action, Plan};

/// One line for logs, journals and progress.
pub fn render_action(action: &Action) -> String {
    match action {
        Action::Invoke(inv) => render_invocation(inv),
        Action::Publish(r) => format!("DNS: create {}", r.display()),
        Action::Unpublish(r) => format!("DNS: delete {}", r.display()),
        Action::WaitResolvable(r) => format!("DNS: wait until {} resolves", r.display()),
    }
}

/// Parameters whose value is still a `<placeholder>` and that the catalog rejects as such
/// (URIs) are left out of the line and named in the step's comment instead.
fn exportable(inv: &Invocation, notes: &mut Vec<String>) -> Invocation {
    if catalog::validate(inv).is_ok() {
        return inv.clone();
    }
    let mut out = Invocation::new(inv.cmdlet.clone());
    for (name, value) in &inv.params {
        match value {
            ParamValue::String(s) if s.starts_with('<') => {
                notes.push(format!("then set -{name} on {} to {s}", inv.cmdlet));
            }
            other => out = out.param(name.clone(), other.clone()),
        }
    }
    out
}

fn script_step(title: &str, actions: &[Action]) -> ScriptStep {
    let mut notes = Vec::new();
    let invocations: Vec<Invocation> = actions
        .iter()
        .filter_map(|a| match a {
            Action::Invoke(i) => Some(exportable(i, &mut notes)),
            _ => None,
        })
        .collect();
    let dns: Vec<String> = actions
        .iter()
        .filter(|a| !matches!(a, Action::Invoke(_)))
        .map(render_action)
        .chain(notes)
        .collect();
    let title = if dns.is_empty() {
        title.to_owned()
    } else {
        format!("{title}. {}", dns.join("; "))
    };
    ScriptStep { title, invocations }
}

const PLACEHOLDER_NOTE: &str =
    "values in <angle brackets> are known only when the previous command has run; replace them";

pub fn plan_script(plan: &Plan) -> Result<String, ExchangeError> {
    let steps: Vec<ScriptStep> = plan
        .steps
        .iter()
        .map(|s| script_step(&s.title, &s.actions))
        .collect();
    render_script(
        &format!("Fedshare sharing plan ({PLACEHOLDER_NOTE})"),
        &steps,
    )
}

/// How the plan would be reversed once applied (newest step first).
pub fn plan_undo_script(plan: &Plan) -> Result<String, ExchangeError> {
    let steps: Vec<ScriptStep> = plan
        .steps
        .iter()
        .rev()
        .filter(|s| !s.undo.is_empty())
        .map(|s| script_step(&format!("Undo: {}", s.title), &s.undo))
        .collect();
    render_script(
        &format!("Undo of the Fedshare sharing plan ({PLACEHOLDER_NOTE})"),
        &steps,
    )
}

/// The undo of what the journal says was applied (with the values learned while applying).
pub fn journal_undo_script(entries: &[JournalEntry]) -> Result<String, ExchangeError> {
    let steps: Vec<ScriptStep> = outstanding(entries)
        .into_iter()
        .rev()
        .map(|e| script_step(&format!("Undo: {}", e.title), &undo_actions(e)))
        .filter(|s| !s.invocations.is_empty() || s.title.contains("DNS:"))
        .collect();
    render_script("Undo of the applied Fedshare changes", &steps)
}
