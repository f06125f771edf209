//! `fedshare verify` (the catalogue of checks, acknowledgements applied, optionally saved for
//! drift) and `fedshare drift OLD NEW` (what changed between two saved runs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use fedshare_checks::{SavedRun, VerifiedCheck};
use fedshare_engine::verification::{self, VerifyRequest};
use fedshare_engine::{AppPaths, Session};
use fedshare_model::{CheckStatus, ErrorCode, ErrorPayload, Severity, StepKind};
use serde_json::json;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Also discover this partner domain (repeatable); relationship domains always are.
    #[arg(long = "partner", value_name = "DOMAIN")]
    pub partners: Vec<String>,
    /// The mailbox Test-FederationTrust and Test-OrganizationRelationship run as (default: the
    /// first mailbox the profile's plan names).
    #[arg(long, value_name = "ADDRESS")]
    pub user: Option<String>,
    /// Run Test-OrganizationRelationship for this relationship (repeatable). Without it,
    /// verify tests the first 20 relationships by name and lists the others as not tested.
    #[arg(long = "relationship", value_name = "NAME")]
    pub relationships: Vec<String>,
    /// Write this run (results and a header) to FILE, for `fedshare drift`.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Ask only these DNS resolvers (ADDR or ADDR:PORT; repeatable).
    #[arg(long = "resolver", value_name = "ADDR:PORT")]
    pub resolvers: Vec<String>,
    /// Trust this CA (PEM) in addition to the operating system's store, for this run.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The earlier run (`fedshare verify --save`).
    pub old: PathBuf,
    /// The later run.
    pub new: PathBuf,
}

fn payload<E: ErrorCode>(e: E) -> ErrorPayload {
    e.to_payload()
}

pub async fn verify(global: &Global, args: VerifyArgs) -> Outcome {
    Outcome {
        json: global.json,
        result: run_verify(global, args).await,
    }
}

async fn run_verify(global: &Global, args: VerifyArgs) -> Result<Output, ErrorPayload> {
    let session = super::session(global).map_err(payload)?;
    let paths = super::paths(global);
    let request = VerifyRequest {
        partners: args.partners.clone(),
        test_user: args.user.clone(),
        relationships: args.relationships.clone(),
        network: super::network_choice(&args.resolvers, args.ca_file.as_deref())
            .map_err(payload)?,
    };
    let quiet = global.json;
    let run = verification::run(&session, &paths, &request, |p| {
        if !quiet {
            eprintln!(
                "[{}/{}] {}{}",
                p.done,
                p.total,
                p.item,
                if p.ok { "" } else { " (failed)" }
            );
        }
    })
    .await
    .map_err(payload)?;
    if let Some(path) = &args.save {
        run.save(path).map_err(payload)?;
    }
    let mut out = Output::new(
        &json!({ "header": run.header, "summary": summary(&run.results), "results": run.results }),
        render(&run, args.save.as_deref()),
    );
    out.findings = run.results.iter().any(VerifiedCheck::is_open_finding);
    Ok(out)
}

/// The check results a map or report colours its elements with.
pub async fn checks_for_report(
    session: &Session,
    paths: &AppPaths,
) -> Vec<fedshare_model::CheckResult> {
    verification::results_for_report(session, paths).await
}

fn summary(results: &[VerifiedCheck]) -> serde_json::Value {
    let count = |s: CheckStatus| results.iter().filter(|r| r.result.status == s).count();
    json!({
        "pass": count(CheckStatus::Pass),
        "warning": count(CheckStatus::Warning),
        "failure": count(CheckStatus::Failure),
        "notChecked": count(CheckStatus::NotChecked),
        "acknowledged": results.iter().filter(|r| r.acknowledged.is_some()).count(),
        "open": results.iter().filter(|r| r.is_open_finding()).count(),
    })
}

fn step_name(step: StepKind) -> &'static str {
    match step {
        StepKind::Prerequisites => "Before you begin",
        StepKind::FederationTrust => "Step 1: federation trust",
        StepKind::OrganizationRelationships => "Step 2: organization relationships",
        StepKind::SharingPolicies => "Step 3: sharing policies",
        StepKind::AutodiscoverDns => "Step 4: Autodiscover DNS",
    }
}

fn marker(c: &VerifiedCheck) -> &'static str {
    match (c.result.status, c.result.severity) {
        (CheckStatus::Pass, Severity::Info) => "INFO",
        (CheckStatus::Pass, _) => "PASS",
        (CheckStatus::Warning, _) => "WARN",
        (CheckStatus::Failure, _) => "FAIL",
        (CheckStatus::NotChecked, _) => "----",
    }
}

fn render(run: &SavedRun, saved: Option<&Path>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Verification of {} at {}",
        run.header.organization, run.header.time
    );
    let mut steps: Vec<StepKind> = run.results.iter().map(|r| r.result.step).collect();
    steps.sort();
    steps.dedup();
    for step in steps {
        let _ = writeln!(out, "\n{}", step_name(step));
        for c in run.results.iter().filter(|r| r.result.step == step) {
            render_check(&mut out, c);
        }
    }
    let s = summary(&run.results);
    let _ = writeln!(
        out,
        "\n{} passed, {} warnings, {} failures, {} not checked, {} acknowledged",
        s["pass"], s["warning"], s["failure"], s["notChecked"], s["acknowledged"]
    );
    if let Some(path) = saved {
        let _ = writeln!(out, "Saved to {}", path.display());
    }
    out
}

fn render_check(out: &mut String, c: &VerifiedCheck) {
    let r = &c.result;
    let _ = writeln!(out, "  [{}] {}  ({})", marker(c), r.title, r.id);
    if let Some(a) = &c.acknowledged {
        let _ = writeln!(
            out,
            "         acknowledged by {} until {}: {}",
            a.by, a.expires, a.reason
        );
    }
    let detail = !matches!(r.status, CheckStatus::Pass) || r.severity == Severity::Info;
    if !detail {
        return;
    }
    for e in &r.evidence {
        let _ = writeln!(
            out,
            "         {}: {} (expected {})",
            e.subject, e.actual, e.expected
        );
    }
    if r.status == CheckStatus::NotChecked {
        return;
    }
    let _ = writeln!(out, "         why: {}", r.explanation);
    if let Some(f) = &r.fix {
        let _ = writeln!(out, "         fix: {}", f.summary);
        for cmd in &f.commands {
            let _ = writeln!(out, "           {cmd}");
        }
    }
    let _ = writeln!(out, "         docs: {}", r.doc_link);
}

pub fn drift(global: &Global, args: DriftArgs) -> Outcome {
    let result = (|| {
        let old = SavedRun::load(&args.old)?;
        let new = SavedRun::load(&args.new)?;
        Ok::<_, fedshare_checks::ChecksError>(fedshare_checks::drift(&old, &new))
    })()
    .map(|d| {
        let mut out = Output::new(&d, render_drift(&d));
        out.findings = !d.is_empty();
        out
    });
    Outcome::from(global.json, result)
}

fn render_drift(d: &fedshare_checks::Drift) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Drift of {} from {} to {}",
        d.new.organization, d.old.time, d.new.time
    );
    for r in &d.added {
        let _ = writeln!(out, "  added    {} [{:?}] {}", r.id, r.status, r.title);
    }
    for r in &d.removed {
        let _ = writeln!(out, "  removed  {} [{:?}] {}", r.id, r.status, r.title);
    }
    for c in &d.changed {
        let _ = writeln!(
            out,
            "  changed  {} {:?} -> {:?}  {}",
            c.id, c.before, c.after, c.title
        );
        for l in &c.evidence_before {
            let _ = writeln!(out, "           - {l}");
        }
        for l in &c.evidence_after {
            let _ = writeln!(out, "           + {l}");
        }
    }
    if d.is_empty() {
        let _ = writeln!(out, "  no status changed ({} checks the same)", d.unchanged);
    }
    if !d.evidence_changed.is_empty() {
        let ids: Vec<&str> = d.evidence_changed.iter().map(|c| c.id.as_str()).collect();
        let _ = writeln!(out, "  same status, new evidence: {}", ids.join(", "));
    }
    out
}
