//! `fedshare remove FILE`: take federated sharing down as a removal file says, in the order
//! Exchange accepts, with the same review, `--yes`, journal and resume as `apply`.

use std::path::PathBuf;

use clap::Args;
use fedshare_engine::removal;
use fedshare_plan::removal::Removal;
use fedshare_plan::ApplyOptions;

use super::plan::{confirm, flatten, render_view, show_progress, write_script};
use crate::args::Global;
use crate::output::Outcome;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The removal file, e.g. examples/contoso-remove.toml: `[disabled]` relationships and
    /// policies to turn off, `[absent]` relationships, policies, federated domains and the
    /// trust to remove.
    pub file: PathBuf,
    /// Show the steps and change nothing.
    #[arg(long, conflicts_with_all = ["yes", "script"])]
    pub dry_run: bool,
    /// Write the steps as a PowerShell script instead of running them.
    #[arg(long, value_name = "FILE", conflicts_with = "yes")]
    pub script: Option<PathBuf>,
    /// Run without asking for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// Remove federated domains with -Force: when the Federation Gateway cannot be reached,
    /// or the federation certificate has expired (the gateway answers 1007 AccessDenied).
    #[arg(long)]
    pub force_domains: bool,
}

pub async fn run(global: &Global, args: RemoveArgs) -> Outcome {
    let result = async {
        let paths = super::paths(global);
        let session = super::session(global)?;
        let document = Removal::from_file(&args.file)?;
        let (planned, view) = removal::preview(&session, &document, args.force_domains).await?;
        if let Some(path) = &args.script {
            let text = fedshare_plan::script::plan_script(&planned)?;
            return write_script(Some(path), &text).map(Ok);
        }
        if args.dry_run || view.steps.is_empty() {
            return Ok(Ok(Output::new(&view, render_view(&view))));
        }
        if !global.json {
            eprint!("{}", render_view(&view));
        }
        let question = format!("Remove as planned ({} steps)", view.steps.len());
        if let Err(refusal) = confirm(args.yes, &question) {
            return Ok(Err(refusal));
        }
        let json = global.json;
        let report = removal::apply(
            &session,
            &paths,
            &document,
            args.force_domains,
            ApplyOptions::default(),
            |p| show_progress(json, p),
        )
        .await?;
        let text = format!("Removed: {} steps applied.\n", report.applied.len());
        Ok(Ok(Output::new(&report, text)))
    }
    .await;
    flatten(global.json, result)
}
