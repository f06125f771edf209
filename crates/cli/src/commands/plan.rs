//! `fedshare plan | apply | undo | script`: the four configuration steps from a plan file.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use fedshare_engine::run::{RunKind, Runs};
use fedshare_engine::workflow::{self, PlanView};
use fedshare_engine::EngineError;
use fedshare_model::ErrorPayload;
use fedshare_plan::{ApplyOptions, Progress};

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The sharing plan (TOML), e.g. examples/contoso-lab.toml.
    pub plan: PathBuf,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    pub plan: PathBuf,
    /// Apply without asking for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The plan that was applied (for its DNS settings); the profile's current plan by default.
    pub plan: Option<PathBuf>,
    #[arg(long, short)]
    pub yes: bool,
    /// Remove the federated domains with -Force, for when Exchange cannot reach the Microsoft
    /// Federation Gateway to release them (they then stay registered at the gateway).
    #[arg(long)]
    pub force_domains: bool,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    pub plan: PathBuf,
    /// Write the script here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The script that reverses the plan instead of the one that applies it.
    #[arg(long)]
    pub undo: bool,
}

pub async fn plan(global: &Global, args: PlanArgs) -> Outcome {
    let result = async {
        let plan = workflow::load_plan(&args.plan)?;
        let session = super::session(global)?;
        let (_, view) = workflow::preview(&session, &plan).await?;
        Ok::<_, EngineError>(Output::new(&view, render_view(&view)))
    }
    .await;
    Outcome::from(global.json, result)
}

pub async fn apply(global: &Global, args: ApplyArgs) -> Outcome {
    let result = async {
        let plan = workflow::load_plan(&args.plan)?;
        let session = super::session(global)?;
        let (_, view) = workflow::preview(&session, &plan).await?;
        if view.steps.is_empty() {
            return Ok(Ok(Output::new(&view, render_view(&view))));
        }
        if !global.json {
            eprint!("{}", render_view(&view));
        }
        if let Err(refusal) = confirm(args.yes, &format!("Apply {} steps", view.steps.len())) {
            return Ok(Err(refusal));
        }
        let paths = super::paths(global);
        let json = global.json;
        let runs = Runs::new();
        let run = runs.begin(RunKind::Apply, &session.profile().name)?;
        let options = ApplyOptions {
            cancel: run.cancel_token(),
            ..ApplyOptions::default()
        };
        let _ctrl_c = CancelOnCtrlC::install(&runs);
        let progress = run.recorder(move |p| show_progress(json, p));
        let result = workflow::apply(&session, &paths, &plan, options, progress).await;
        let report = run.finish(result)?;
        let text = format!(
            "Applied {} steps. Journal: {}\n",
            report.applied.len(),
            workflow::journal_path(&paths, &session.profile().name).display()
        );
        Ok(Ok(Output::new(&report, text)))
    }
    .await;
    flatten(global.json, result)
}

pub async fn undo(global: &Global, args: UndoArgs) -> Outcome {
    let result = async {
        let paths = super::paths(global);
        let session = super::session(global)?;
        let plan = match &args.plan {
            Some(path) => workflow::load_plan(path)?,
            None => workflow::current_plan(&paths, &session).await?,
        };
        let script = workflow::journal_undo_script(&paths, &session)?;
        let domains = workflow::journal_undo_domains(&paths, &session)?;
        if !global.json {
            eprintln!("{script}");
            if let Some(warning) = workflow::undo_domains_warning(&domains) {
                eprintln!("{warning}");
            }
        }
        if let Err(refusal) = confirm(args.yes, "Undo every applied step") {
            return Ok(Err(refusal));
        }
        let json = global.json;
        let runs = Runs::new();
        let run = runs.begin(RunKind::Undo, &session.profile().name)?;
        let options = workflow::UndoOptions {
            force_domains: args.force_domains,
            cancel: run.cancel_token(),
            ..Default::default()
        };
        let _ctrl_c = CancelOnCtrlC::install(&runs);
        let progress = run.recorder(move |p| show_progress(json, p));
        let result = workflow::undo(&session, &paths, &plan, options, progress).await;
        let report = run.finish(result)?;
        let mut text = format!("Undid {} steps.\n", report.undone.len());
        for note in &report.kept {
            let _ = writeln!(text, "Kept: {note}");
        }
        Ok(Ok(Output::new(&report, text)))
    }
    .await;
    flatten(global.json, result)
}

pub async fn script(global: &Global, args: ScriptArgs) -> Outcome {
    let result = async {
        let plan = workflow::load_plan(&args.plan)?;
        let session = super::session(global)?;
        let text = if args.undo {
            // Once applied, the journal's undo: the very script `fedshare undo` runs.
            workflow::undo_script(&session, &super::paths(global), &plan).await?
        } else {
            let (planned, _) = workflow::preview(&session, &plan).await?;
            fedshare_plan::script::plan_script(&planned)?
        };
        write_script(args.output.as_deref(), &text)
    }
    .await;
    Outcome::from(global.json, result)
}

pub(crate) fn write_script(path: Option<&Path>, text: &str) -> Result<Output, EngineError> {
    match path {
        None => Ok(Output::new(
            &serde_json::json!({ "script": text }),
            text.to_owned(),
        )),
        Some(path) => {
            std::fs::write(path, text).map_err(|source| EngineError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let value = serde_json::json!({ "written": path });
            Ok(Output::new(&value, format!("Wrote {}\n", path.display())))
        }
    }
}

pub(crate) fn flatten(
    json: bool,
    result: Result<Result<Output, ErrorPayload>, EngineError>,
) -> Outcome {
    match result {
        Ok(inner) => Outcome {
            json,
            result: inner,
        },
        Err(e) => Outcome::from(json, Err::<Output, _>(e)),
    }
}

/// Asks on a terminal; elsewhere a change needs `--yes`, so a script never applies by accident.
pub(crate) fn confirm(yes: bool, question: &str) -> Result<(), ErrorPayload> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(ErrorPayload {
            code: "usage.confirmation_required".into(),
            message: format!("{question}? Pass --yes to confirm when not running in a terminal"),
            detail: None,
        });
    }
    eprint!("{question}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(ErrorPayload {
            code: "cli.cancelled".into(),
            message: "Nothing was changed.".into(),
            detail: None,
        })
    }
}

/// Progress goes to stderr so stdout stays the result (JSON lines under `--json`).
/// While an apply or undo runs, the first Ctrl-C asks it to stop at its next safe point (the
/// journal then resumes it); a second one ends the program at once.
struct CancelOnCtrlC(tokio::task::JoinHandle<()>);

impl CancelOnCtrlC {
    fn install(runs: &Runs) -> Self {
        let runs = runs.clone();
        Self(tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            eprintln!(
                "Cancelling: the run stops at its next safe point (between commands, or at once \
                 in a DNS wait). Press Ctrl-C again to quit without waiting."
            );
            runs.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }))
    }
}

impl Drop for CancelOnCtrlC {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(crate) fn show_progress(json: bool, progress: &Progress) {
    if json {
        if let Ok(line) = serde_json::to_string(progress) {
            eprintln!("{line}");
        }
        return;
    }
    match progress {
        Progress::Step {
            index,
            total,
            title,
            ..
        } => eprintln!("[{index}/{total}] {title}"),
        Progress::Invoking { line, .. } => eprintln!("    {line}"),
        Progress::Publishing { record, .. } => eprintln!("    publishing {record}"),
        Progress::WaitingForDns {
            record,
            attempt,
            remaining_seconds,
            ..
        } => eprintln!(
            "    waiting for {record} to resolve (check {attempt}, {remaining_seconds} s left)"
        ),
        Progress::StepDone { .. } => {}
        Progress::StepFailed { id, error, .. } => eprintln!("    FAILED {id}: {error}"),
    }
}

pub(crate) fn render_view(view: &PlanView) -> String {
    if view.steps.is_empty() {
        return format!("Nothing to do: {} matches the plan.\n", view.organization);
    }
    let mut out = format!(
        "Plan for {}: {} steps\n",
        view.organization,
        view.steps.len()
    );
    for (i, step) in view.steps.iter().enumerate() {
        let _ = writeln!(out, "{:>3}. {}  ({})", i + 1, step.title, step.id);
        for line in &step.commands {
            let _ = writeln!(out, "       {line}");
        }
    }
    out
}
