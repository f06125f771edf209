//! The one run of a program at a time (apply or undo), as every view of it sees it: the app's
//! header and pages, and the CLI's progress lines. A run records each progress event, so a
//! view that comes late (a page opened mid-run, a window reloaded) reads the whole log; it
//! holds the run's [`Cancel`], so Cancel reaches the applier wherever it waits.
//!
//! The journal lock stays the guard across processes; this guard is for the same program, so
//! its refusal can say "this window" instead of naming our own process id.

use std::sync::{Arc, Mutex, PoisonError};

use fedshare_model::{ErrorCode, ErrorPayload};
use fedshare_plan::{Cancel, Progress};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::EngineError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RunKind {
    Apply,
    Undo,
}

impl RunKind {
    fn noun(self) -> &'static str {
        match self {
            RunKind::Apply => "apply",
            RunKind::Undo => "undo",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RunOutcome {
    Running,
    Done,
    Failed,
    /// Stopped by Cancel at a safe point; the journal resumes it.
    Cancelled,
}

/// The current (or last) run, as every view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunStatus {
    /// Increases with every run, so a view can tell a new run from the one it showed.
    #[ts(type = "number")]
    pub id: u64,
    pub kind: RunKind,
    pub profile: String,
    /// RFC 3339, when the run began.
    pub started_at: String,
    pub outcome: RunOutcome,
    /// Every progress event so far, oldest first.
    pub log: Vec<Progress>,
    pub cancel_requested: bool,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorPayload>,
}

#[derive(Debug, Default)]
struct Inner {
    status: Option<RunStatus>,
    cancel: Option<Cancel>,
    next_id: u64,
}

/// The program's run slot. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct Runs(Arc<Mutex<Inner>>);

impl Runs {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic cannot leave the status half-written (each update is one assignment).
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a run, or refuses while one is running in this program.
    pub fn begin(&self, kind: RunKind, profile: &str) -> Result<Run, EngineError> {
        let mut inner = self.lock();
        if let Some(running) = inner
            .status
            .as_ref()
            .filter(|s| s.outcome == RunOutcome::Running)
        {
            return Err(EngineError::RunInProgress {
                kind: running.kind.noun(),
            });
        }
        inner.next_id += 1;
        let cancel = Cancel::new();
        inner.cancel = Some(cancel.clone());
        inner.status = Some(RunStatus {
            id: inner.next_id,
            kind,
            profile: profile.to_owned(),
            started_at: now_rfc3339(),
            outcome: RunOutcome::Running,
            log: Vec::new(),
            cancel_requested: false,
            error: None,
        });
        Ok(Run {
            runs: self.clone(),
            cancel,
            finished: false,
        })
    }

    /// The running run, or the last one with its outcome; `None` before the first.
    pub fn status(&self) -> Option<RunStatus> {
        self.lock().status.clone()
    }

    /// Asks the running run to stop at its next safe point. Whether one was running.
    pub fn cancel(&self) -> bool {
        let mut inner = self.lock();
        let running = inner
            .status
            .as_ref()
            .is_some_and(|s| s.outcome == RunOutcome::Running);
        if running {
            if let Some(cancel) = &inner.cancel {
                cancel.cancel();
            }
            if let Some(status) = inner.status.as_mut() {
                status.cancel_requested = true;
            }
        }
        running
    }

    fn update(&self, f: impl FnOnce(&mut RunStatus)) {
        if let Some(status) = self.lock().status.as_mut() {
            f(status);
        }
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One running run; dropping it without [`Run::finish`] records it as failed.
#[derive(Debug)]
pub struct Run {
    runs: Runs,
    cancel: Cancel,
    finished: bool,
}

impl Run {
    /// The token the applier watches (`ApplyOptions::cancel`).
    pub fn cancel_token(&self) -> Cancel {
        self.cancel.clone()
    }

    /// A progress sink that records into the run and hands each event on to `forward`.
    pub fn recorder<'a>(
        &self,
        mut forward: impl FnMut(&Progress) + Send + 'a,
    ) -> impl FnMut(&Progress) + Send + 'a {
        let runs = self.runs.clone();
        move |p: &Progress| {
            runs.update(|s| s.log.push(p.clone()));
            forward(p);
        }
    }

    /// Records how the run ended and hands the result back.
    pub fn finish<T>(mut self, result: Result<T, EngineError>) -> Result<T, EngineError> {
        self.finished = true;
        let (outcome, error) = match &result {
            Ok(_) => (RunOutcome::Done, None),
            Err(e) if e.code() == "plan.cancelled" => (RunOutcome::Cancelled, Some(e.to_payload())),
            Err(e) => (RunOutcome::Failed, Some(e.to_payload())),
        };
        self.runs.update(|s| {
            s.outcome = outcome;
            s.error = error;
        });
        result
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if !self.finished {
            self.runs.update(|s| s.outcome = RunOutcome::Failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(index: usize) -> Progress {
        Progress::Step {
            index,
            total: 2,
            id: format!("s{index}"),
            title: format!("Step {index}"),
        }
    }

    #[test]
    fn a_second_run_is_refused_in_words_until_the_first_ends() {
        let runs = Runs::new();
        let first = runs.begin(RunKind::Apply, "Lab").expect("first");
        let err = runs.begin(RunKind::Undo, "Lab").expect_err("one at a time");
        assert_eq!(err.code(), "engine.run_in_progress");
        assert_eq!(
            err.to_string(),
            "An apply is already running in this window: see the progress in the header \
             (Cancel there stops it at its next safe point)."
        );
        let mut record = first.recorder(|_| {});
        record(&step(1));
        record(&step(2));
        first.finish(Ok(())).expect("ok");
        let status = runs.status().expect("kept after the end");
        assert_eq!(status.outcome, RunOutcome::Done);
        assert_eq!(status.log, [step(1), step(2)]);
        let second = runs.begin(RunKind::Undo, "Lab").expect("after the end");
        let status = runs.status().expect("the new run");
        assert_eq!(
            (status.id, status.kind, status.log.len()),
            (2, RunKind::Undo, 0)
        );
        drop(second);
        assert_eq!(runs.status().map(|s| s.outcome), Some(RunOutcome::Failed));
    }

    #[test]
    fn cancel_reaches_the_runs_token_and_a_cancelled_end_is_not_a_failure() {
        let runs = Runs::new();
        assert!(!runs.cancel(), "nothing to cancel");
        let run = runs.begin(RunKind::Apply, "Lab").expect("run");
        let token = run.cancel_token();
        assert!(runs.cancel());
        assert!(token.is_cancelled());
        assert!(runs.status().is_some_and(|s| s.cancel_requested));
        let cancelled = EngineError::Plan(fedshare_plan::PlanError::Cancelled {
            step: "dns.proof:contoso.com".into(),
        });
        let _ = run.finish::<()>(Err(cancelled));
        let status = runs.status().expect("status");
        assert_eq!(status.outcome, RunOutcome::Cancelled);
        assert_eq!(
            status.error.map(|e| e.code).as_deref(),
            Some("plan.cancelled")
        );
        assert!(!runs.cancel(), "a finished run is not cancelled again");
    }
}
