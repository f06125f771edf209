//! Running a plan: each step in order, with progress, a journal entry before and after, DNS
//! publication and waiting (countdown with re-checks), and verification. Undo runs the
//! journal's recorded reversals newest first.

use std::time::{Duration, Instant};

use fedshare_model::{JournalEntry, JournalOutcome};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::cancel::Cancel;
use crate::dns::{Dns, DnsRecord};
use crate::error::PlanError;
use crate::journal::{outstanding, undo_actions, BeforeState, Journal};
use crate::script::render_action;
use crate::shell::Shell;
use crate::step::{resolve_action, resolve_verification, Action, Capture, Plan, Resolved, Step};
use crate::verify::check;

/// What the GUI and the CLI show while a plan runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Progress {
    /// Step `index` (1-based) of `total` starts.
    Step {
        index: usize,
        total: usize,
        id: String,
        title: String,
    },
    /// The cmdlet line about to run.
    Invoking {
        index: usize,
        total: usize,
        cmdlet: String,
        line: String,
    },
    Publishing {
        index: usize,
        total: usize,
        record: String,
    },
    /// The record does not resolve yet; re-checked every interval until the deadline.
    WaitingForDns {
        index: usize,
        total: usize,
        record: String,
        attempt: u32,
        // Serialised as a JSON number; at most the DNS timeout, far below 2^53.
        #[ts(type = "number")]
        remaining_seconds: u64,
    },
    StepDone {
        index: usize,
        total: usize,
        id: String,
    },
    StepFailed {
        index: usize,
        total: usize,
        id: String,
        error: String,
    },
}

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The account recorded in the journal.
    pub user: String,
    /// How long to wait for a record to resolve (manual publication needs longer).
    pub dns_timeout: Duration,
    pub dns_interval: Duration,
    /// Stop after this many steps (step-by-step use in the wizard; tests simulate a crash).
    pub max_steps: Option<usize>,
    /// Re-read each object after its step and compare it with the plan.
    pub verify: bool,
    /// Stops the run between actions and during DNS waits (see [`Cancel`]).
    pub cancel: Cancel,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            user: fedshare_model::signed_in_user().unwrap_or_default(),
            dns_timeout: Duration::from_secs(30 * 60),
            dns_interval: Duration::from_secs(15),
            max_steps: None,
            verify: true,
            cancel: Cancel::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplyReport {
    pub applied: Vec<String>,
    /// Steps left when `max_steps` stopped the run.
    pub remaining: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UndoReport {
    pub undone: Vec<String>,
    /// Applied steps whose result stays, each with what is left and what to do about it.
    pub kept: Vec<String>,
}

pub struct Applier<'a, S, D> {
    shell: &'a S,
    dns: &'a D,
    journal: &'a mut Journal,
    options: ApplyOptions,
    /// Undo removes federated domains with `-Force` (the gateway cannot be reached).
    force_domains: bool,
    /// Undo stops after reversing this step (newest first); `None` undoes everything.
    undo_back_to: Option<String>,
    progress: Box<dyn FnMut(&Progress) + Send + 'a>,
}

impl<S, D> std::fmt::Debug for Applier<'_, S, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applier")
            .field("journal", &self.journal.path())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Where a step is in the run, for progress reports.
#[derive(Clone, Copy)]
struct Pos {
    index: usize,
    total: usize,
}

impl<'a, S: Shell, D: Dns> Applier<'a, S, D> {
    pub fn new(shell: &'a S, dns: &'a D, journal: &'a mut Journal, options: ApplyOptions) -> Self {
        Self {
            shell,
            dns,
            journal,
            options,
            force_domains: false,
            undo_back_to: None,
            progress: Box::new(|_| {}),
        }
    }

    /// Undo removes federated domains with `-Force`: Exchange then removes each domain from
    /// the organization even when the Federation Gateway cannot be reached to release it.
    pub fn force_domain_removal(mut self, force: bool) -> Self {
        self.force_domains = force;
        self
    }

    /// Undo reverses the journal's steps newest first down to and including `step_id`,
    /// leaving older steps applied.
    pub fn undo_back_to(mut self, step_id: Option<String>) -> Self {
        self.undo_back_to = step_id;
        self
    }

    /// The cancellation point between steps and actions: nothing is half-done here.
    fn check_cancel(&self, step: &Step) -> Result<(), PlanError> {
        if self.options.cancel.is_cancelled() {
            return Err(PlanError::Cancelled {
                step: step.id.clone(),
            });
        }
        Ok(())
    }

    pub fn on_progress(mut self, f: impl FnMut(&Progress) + Send + 'a) -> Self {
        self.progress = Box::new(f);
        self
    }

    fn entry(
        &self,
        step: &Step,
        outcome: JournalOutcome,
        commands: Vec<String>,
        before: Option<Value>,
        error: Option<String>,
    ) -> JournalEntry {
        JournalEntry {
            at: now(),
            by: self.options.user.clone(),
            step_id: step.id.clone(),
            title: step.title.clone(),
            commands,
            outcome,
            before,
            error,
        }
    }

    fn started(&mut self, step: &Step, pos: Pos) {
        (self.progress)(&Progress::Step {
            index: pos.index,
            total: pos.total,
            id: step.id.clone(),
            title: step.title.clone(),
        });
    }

    fn done(&mut self, step: &Step, pos: Pos) {
        (self.progress)(&Progress::StepDone {
            index: pos.index,
            total: pos.total,
            id: step.id.clone(),
        });
    }

    /// A step that failed, in apply or undo alike: reported, journalled with the commands it
    /// ran, and its error handed back (or the journal's, when even that cannot be written).
    fn failed(
        &mut self,
        step: &Step,
        pos: Pos,
        commands: Vec<String>,
        error: PlanError,
    ) -> PlanError {
        (self.progress)(&Progress::StepFailed {
            index: pos.index,
            total: pos.total,
            id: step.id.clone(),
            error: error.to_string(),
        });
        let entry = self.entry(
            step,
            JournalOutcome::Failed,
            commands,
            None,
            Some(error.to_string()),
        );
        match self.journal.append(&entry) {
            Ok(()) => error,
            Err(journal) => journal,
        }
    }

    /// Runs the plan's steps in order. Re-plan from a fresh snapshot before calling it again
    /// after an interruption: what already holds is then not in the plan.
    pub async fn apply(&mut self, plan: &Plan) -> Result<ApplyReport, PlanError> {
        let total = plan.steps.len();
        let limit = self.options.max_steps.unwrap_or(total).min(total);
        let mut resolved = Resolved::new();
        let mut applied = Vec::new();
        for (i, step) in plan.steps.iter().take(limit).enumerate() {
            let pos = Pos {
                index: i + 1,
                total,
            };
            self.started(step, pos);
            if let Err(e) = self.check_cancel(step) {
                return Err(self.failed(step, pos, Vec::new(), e));
            }
            match self.run_step(step, pos, &mut resolved).await {
                Ok(()) => {
                    self.done(step, pos);
                    applied.push(step.id.clone());
                }
                Err(e) => return Err(self.failed(step, pos, Vec::new(), e)),
            }
        }
        Ok(ApplyReport {
            applied,
            remaining: total - limit,
        })
    }

    async fn run_step(
        &mut self,
        step: &Step,
        pos: Pos,
        resolved: &mut Resolved,
    ) -> Result<(), PlanError> {
        let planned: Vec<String> = step.actions.iter().map(render_action).collect();
        let before = BeforeState {
            state: step.before.clone(),
            undo: step.undo.clone(),
        };
        let started = self.entry(
            step,
            JournalOutcome::Started,
            planned,
            serde_json::to_value(&before).ok(),
            None,
        );
        self.journal.append(&started)?;
        let mut commands = Vec::new();
        for (n, action) in step.actions.iter().enumerate() {
            self.check_cancel(step)?;
            let action = resolve_action(action, resolved).map_err(|p| PlanError::Unresolved {
                step: step.id.clone(),
                placeholder: p.text(),
            })?;
            commands.push(render_action(&action));
            let output = match self.run_action(step, &action, pos).await {
                Err(e) if timed_out_write(&e) => self.read_back(step, resolved, e).await?,
                other => other?,
            };
            for c in step.captures.iter().filter(|c| c.action == n) {
                let value = capture(c, &output).ok_or_else(|| PlanError::Unresolved {
                    step: step.id.clone(),
                    placeholder: c.into.text(),
                })?;
                resolved.insert(c.into.clone(), value);
            }
        }
        if self.options.verify {
            for v in &step.verification {
                let v = resolve_verification(v, resolved).map_err(|p| PlanError::Unresolved {
                    step: step.id.clone(),
                    placeholder: p.text(),
                })?;
                check(self.shell, self.dns, &v).await.map_err(|detail| {
                    PlanError::Verification {
                        step: step.id.clone(),
                        detail,
                    }
                })?;
            }
        }
        // Record the reversal with the values this run learned (thumbprints, proofs).
        let undo = step
            .undo
            .iter()
            .map(|a| resolve_action(a, resolved).unwrap_or_else(|_| a.clone()))
            .collect();
        let before = BeforeState {
            state: step.before.clone(),
            undo,
        };
        let done = self.entry(
            step,
            JournalOutcome::Applied,
            commands,
            serde_json::to_value(&before).ok(),
            None,
        );
        self.journal.append(&done)
    }

    /// A change whose command timed out may still have finished on the server (the host was
    /// stopped, not the server's task): the step's own verification reads it back before the
    /// journal records the outcome. It took effect: the step goes on. It did not, or cannot
    /// be read back: the failure says so.
    async fn read_back(
        &mut self,
        step: &Step,
        resolved: &Resolved,
        timed_out: PlanError,
    ) -> Result<Vec<Value>, PlanError> {
        let PlanError::StepFailed {
            step: id,
            cmdlet,
            exception,
            message,
        } = timed_out
        else {
            return Err(timed_out);
        };
        let mut verdict = if step.verification.is_empty() {
            Err("the step has nothing to read it back with".to_owned())
        } else {
            Ok(())
        };
        for v in &step.verification {
            let outcome = match resolve_verification(v, resolved) {
                Ok(v) => check(self.shell, self.dns, &v).await,
                Err(p) => Err(format!("{} is not known yet", p.text())),
            };
            if let Err(detail) = outcome {
                verdict = Err(detail);
                break;
            }
        }
        match verdict {
            Ok(()) => {
                tracing::warn!(step = %id, cmdlet = %cmdlet, "the command timed out but its change is in place");
                Ok(Vec::new())
            }
            Err(detail) => Err(PlanError::StepFailed {
                step: id,
                cmdlet,
                exception,
                message: format!(
                    "{message} Read back after the timeout, the change is not in place: {detail}"
                ),
            }),
        }
    }

    async fn run_action(
        &mut self,
        step: &Step,
        action: &Action,
        pos: Pos,
    ) -> Result<Vec<Value>, PlanError> {
        let dns_error = |e: crate::dns::DnsFailure| PlanError::Dns {
            step: step.id.clone(),
            message: e.to_string(),
        };
        match action {
            Action::Invoke(inv) => {
                (self.progress)(&Progress::Invoking {
                    index: pos.index,
                    total: pos.total,
                    cmdlet: inv.cmdlet.clone(),
                    line: render_action(action),
                });
                self.shell
                    .invoke(inv)
                    .await
                    .map_err(|f| PlanError::StepFailed {
                        step: step.id.clone(),
                        cmdlet: inv.cmdlet.clone(),
                        exception: f.exception,
                        message: f.message,
                    })
            }
            Action::Publish(r) => {
                (self.progress)(&Progress::Publishing {
                    index: pos.index,
                    total: pos.total,
                    record: r.display(),
                });
                self.dns.publish(r).await.map_err(dns_error)?;
                Ok(Vec::new())
            }
            Action::Unpublish(r) => {
                self.dns.unpublish(r).await.map_err(dns_error)?;
                Ok(Vec::new())
            }
            Action::WaitResolvable(r) => {
                self.wait(step, r, pos).await?;
                Ok(Vec::new())
            }
        }
    }

    async fn wait(&mut self, step: &Step, record: &DnsRecord, pos: Pos) -> Result<(), PlanError> {
        let start = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self
                .dns
                .lookup(&record.name, record.rtype)
                .await
                .map_err(|e| PlanError::Dns {
                    step: step.id.clone(),
                    message: e.to_string(),
                })?;
            if record.is_in(&answer) {
                return Ok(());
            }
            let elapsed = start.elapsed();
            if elapsed >= self.options.dns_timeout {
                return Err(PlanError::DnsTimeout {
                    step: step.id.clone(),
                    record: record.display(),
                    seconds: self.options.dns_timeout.as_secs(),
                });
            }
            (self.progress)(&Progress::WaitingForDns {
                index: pos.index,
                total: pos.total,
                record: record.display(),
                attempt,
                remaining_seconds: (self.options.dns_timeout - elapsed).as_secs(),
            });
            let pause = self
                .options
                .dns_interval
                .min(self.options.dns_timeout - elapsed);
            let cancel = self.options.cancel.clone();
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = cancel.cancelled() => {
                    return Err(PlanError::Cancelled { step: step.id.clone() });
                }
            }
        }
    }

    /// Reverses every applied step of the journal that is not undone yet, newest first, and
    /// records each as `Undone`. Only the recorded reversals run, so objects the plan did not
    /// name are never touched.
    pub async fn undo(&mut self) -> Result<UndoReport, PlanError> {
        let entries = self.journal.entries()?;
        let pending = self.undo_selection(&entries)?;
        let total = pending.len();
        let mut undone = Vec::new();
        let mut kept = Vec::new();
        for (i, entry) in pending.iter().enumerate() {
            let pos = Pos {
                index: i + 1,
                total,
            };
            // The kind is not used for undo; the journal entry keeps id and title.
            let step = crate::planner::step(
                entry.step_id.clone(),
                format!("Undo: {}", entry.title),
                fedshare_model::StepKind::Prerequisites,
            );
            self.started(&step, pos);
            if let Err(e) = self.check_cancel(&step) {
                return Err(self.failed(&step, pos, Vec::new(), e));
            }
            let actions: Vec<Action> = undo_actions(entry)
                .into_iter()
                .map(|a| forced(a, self.force_domains))
                .collect();
            kept.extend(kept_note(entry));
            let mut commands = Vec::new();
            for action in &actions {
                commands.push(render_action(action));
                if let Err(e) = self.run_action(&step, action, pos).await {
                    let e = domain_guidance(action, e);
                    return Err(self.failed(&step, pos, commands, e));
                }
            }
            let done = self.entry(&step, JournalOutcome::Undone, commands, None, None);
            self.journal.append(&done)?;
            self.done(&step, pos);
            undone.push(entry.step_id.clone());
        }
        Ok(UndoReport { undone, kept })
    }

    /// The outstanding entries this undo reverses, newest first: all of them, or down to
    /// and including the chosen step.
    fn undo_selection(&self, entries: &[JournalEntry]) -> Result<Vec<JournalEntry>, PlanError> {
        let newest_first = outstanding(entries).into_iter().rev().cloned();
        let Some(target) = &self.undo_back_to else {
            return Ok(newest_first.collect());
        };
        let mut chosen = Vec::new();
        for entry in newest_first {
            let last = entry.step_id == *target;
            chosen.push(entry);
            if last {
                return Ok(chosen);
            }
        }
        Err(PlanError::UndoTargetMissing {
            step: target.clone(),
        })
    }
}

const REMOVE_DOMAIN: &str = "Remove-FederatedDomain";

/// The stable code of a host stopped because a command ran past its time limit.
const HOST_TIMEOUT: &str = "exchange.host_timeout";

/// A command that changes something (not a Get- or Test- read) ran past its time limit.
fn timed_out_write(e: &PlanError) -> bool {
    matches!(e, PlanError::StepFailed { exception, cmdlet, .. }
        if exception == HOST_TIMEOUT && !cmdlet.starts_with("Get-") && !cmdlet.starts_with("Test-"))
}

fn is_domain_removal(action: &Action) -> Option<&fedshare_exchange::Invocation> {
    match action {
        Action::Invoke(inv) if inv.cmdlet.eq_ignore_ascii_case(REMOVE_DOMAIN) => Some(inv),
        _ => None,
    }
}

/// `Remove-FederatedDomain ... -Force` when the undo was asked to force domain removal.
fn forced(action: Action, force: bool) -> Action {
    match is_domain_removal(&action) {
        Some(inv) if force && inv.get("Force").is_none() => {
            Action::Invoke(inv.clone().switch("Force"))
        }
        _ => action,
    }
}

/// A domain removal that Exchange refused without `-Force` names the way out: the forced undo.
fn domain_guidance(action: &Action, error: PlanError) -> PlanError {
    let Some(inv) = is_domain_removal(action).filter(|inv| inv.get("Force").is_none()) else {
        return error;
    };
    match error {
        PlanError::StepFailed {
            step,
            exception,
            message,
            ..
        } => PlanError::DomainRemovalFailed {
            step,
            domain: match inv.get("DomainName") {
                Some(fedshare_exchange::ParamValue::String(d)) => d.clone(),
                _ => String::new(),
            },
            exception,
            // The guidance follows as its own sentence.
            message: message.trim_end().trim_end_matches('.').to_owned(),
        },
        other => other,
    }
}

/// What an undone step leaves behind, when it leaves something: only the federation
/// certificate, since deleting certificates is outside the cmdlets Fedshare runs. (Other steps
/// without a reversing action, such as a metadata refresh, leave nothing to clean up.)
fn kept_note(entry: &JournalEntry) -> Option<String> {
    (entry.step_id == crate::planner::CERTIFICATE_STEP).then(|| {
        format!(
            "{}: the certificate stays in the server's certificate store (a later apply reuses \
             it). If nothing else uses it, remove it by hand with Remove-ExchangeCertificate \
             -Thumbprint <thumbprint> (Get-ExchangeCertificate lists it as \"{}\").",
            entry.title,
            crate::planner::CERTIFICATE_FRIENDLY_NAME
        )
    })
}

fn capture(c: &Capture, output: &[Value]) -> Option<String> {
    let chosen = c
        .prefer
        .as_ref()
        .and_then(|(k, v)| {
            output.iter().find(|o| {
                o.get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case(v))
            })
        })
        .or_else(|| output.first())?;
    chosen
        .get(&c.property)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
