//! `fedshare certificate status | roll | refresh-task`: the federation certificate after setup.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use fedshare_engine::certificate::{self, CertificateStatus, Lifetime};
use fedshare_engine::EngineError;
use fedshare_plan::ApplyOptions;

use super::plan::{confirm, flatten, render_view, show_progress, write_script};
use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Days left for the trust's current, next and previous certificates and the gateway's
    /// signing certificates; "renew soon" under 60 days, "urgent" under 30 (Exchange itself
    /// warns only 15 days ahead, per server). Also says whether Exchange refreshes the
    /// trust's metadata itself on this build. Exits 1 when a certificate needs action.
    Status,
    /// Roll the federation certificate over to a new one, as a plan: create it, stage it as
    /// the next certificate (Set-FederationTrust -Thumbprint), publish each domain's new
    /// proof beside the old one, confirm the servers hold it (Test-FederationTrustCertificate),
    /// make it current (-PublishFederationCertificate). Shows the steps and asks first (or
    /// --yes); runs with the journal, and running it again resumes an interrupted roll.
    /// An expired certificate cannot be rolled: the command refuses and names the rebuild.
    Roll(RollArgs),
    /// Download the Federation Gateway's metadata into the trust again
    /// (Set-FederationTrust -RefreshMetadata, twice, as Microsoft advises), with the journal.
    RefreshMetadata {
        /// Run without asking for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Write the scheduled-task script that refreshes the trust's metadata daily, for servers
    /// where Exchange's own refresh cannot run (before 2013 SP1, or Windows Server 2008 R2).
    RefreshTask {
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RollArgs {
    /// Show the steps and change nothing.
    #[arg(long, conflicts_with_all = ["yes", "script"])]
    pub dry_run: bool,
    /// Write the roll as a PowerShell script (to review or run by hand) instead of running it.
    #[arg(long, value_name = "FILE", conflicts_with = "yes")]
    pub script: Option<PathBuf>,
    /// Run without asking for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

pub async fn run(global: &Global, cmd: CertificateCommand) -> Outcome {
    match cmd {
        CertificateCommand::Status => status(global).await,
        CertificateCommand::Roll(args) => roll(global, args).await,
        CertificateCommand::RefreshMetadata { yes } => refresh(global, yes).await,
        CertificateCommand::RefreshTask { output } => Outcome::from(
            global.json,
            write_script(output.as_deref(), &certificate::refresh_task_script()),
        ),
    }
}

async fn status(global: &Global) -> Outcome {
    let result = async {
        let session = super::session(global)?;
        certificate::status(&session).await
    }
    .await;
    let result = result.map(|s| {
        let mut out = Output::new(&s, render(&s));
        out.findings = s.certificates.iter().any(|c| c.needs_action());
        out
    });
    Outcome::from::<EngineError>(global.json, result)
}

fn render(s: &CertificateStatus) -> String {
    let mut out = String::new();
    let Some(trust) = &s.trust else {
        return "No federation trust: there is no federation certificate to watch.\n".into();
    };
    let _ = writeln!(out, "Federation trust: {trust}");
    for c in &s.certificates {
        let days = match c.days_left {
            Some(d) if d < 0 => format!("expired {} days ago", -d),
            Some(d) => format!("{d} days left"),
            None => "expiry unknown".into(),
        };
        let verdict = match c.lifetime {
            Lifetime::Ok => "ok",
            Lifetime::RenewSoon => "RENEW SOON",
            Lifetime::Urgent => "URGENT",
            Lifetime::Expired => "EXPIRED",
            Lifetime::Unknown => "unknown",
        };
        let _ = writeln!(
            out,
            "  {:<27} {}  {}  ({verdict})",
            c.property, c.thumbprint, days
        );
    }
    for a in &s.advice {
        let _ = writeln!(out, "- {a}");
    }
    let _ = writeln!(out, "Metadata refresh: {}", s.metadata_refresh.explanation);
    out
}

async fn refresh(global: &Global, yes: bool) -> Outcome {
    let result = async {
        let paths = super::paths(global);
        let session = super::session(global)?;
        if let Err(refusal) = confirm(yes, "Refresh the trust's metadata (twice)") {
            return Ok(Err(refusal));
        }
        let json = global.json;
        let report =
            certificate::refresh_metadata(&session, &paths, ApplyOptions::default(), |p| {
                show_progress(json, p)
            })
            .await?;
        Ok(Ok(Output::new(
            &report,
            "Refreshed. `fedshare verify` compares the trust with the live metadata.\n".into(),
        )))
    }
    .await;
    flatten(global.json, result)
}

async fn roll(global: &Global, args: RollArgs) -> Outcome {
    let result = async {
        let paths = super::paths(global);
        let session = super::session(global)?;
        let (planned, view) = certificate::roll_preview(&session, &paths).await?;
        if let Some(path) = &args.script {
            let text = fedshare_plan::script::plan_script(&planned)?;
            return write_script(Some(path), &text).map(Ok);
        }
        if args.dry_run {
            return Ok(Ok(Output::new(&view, render_view(&view))));
        }
        if !global.json {
            eprint!("{}", render_view(&view));
        }
        if let Err(refusal) = confirm(args.yes, &format!("Roll the federation certificate ({} steps)", view.steps.len())) {
            return Ok(Err(refusal));
        }
        let json = global.json;
        let report = certificate::roll(&session, &paths, ApplyOptions::default(), |p| {
            show_progress(json, p)
        })
        .await?;
        let text = format!(
            "Rolled: {} steps applied. Run `fedshare verify` to confirm, and remove the old proof TXT records once the partners' free/busy works.\n",
            report.applied.len()
        );
        Ok(Ok(Output::new(&report, text)))
    }
    .await;
    flatten(global.json, result)
}
