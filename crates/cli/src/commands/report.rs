//! `fedshare map -o FILE.svg|FILE.png` and `fedshare report -o FILE.html|.pdf|.md|.json`
//! (or `--partner-kit DOMAIN`): the same map and documents the app exports.

use std::path::{Path, PathBuf};

use clap::Args;
use fedshare_engine::reporting::{self, MapFormat, ReportFormat, ReportInput};
use fedshare_engine::{AppPaths, EngineError, Session};
use fedshare_model::ErrorPayload;
use serde_json::json;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct MapArgs {
    /// The file to write; its extension picks the format (.svg or .png).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The file to write; its extension picks the format (.html, .pdf, .md, .json).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Instead of the full report, the one-page kit for this partner domain (.html or .md).
    #[arg(long, value_name = "DOMAIN")]
    pub partner_kit: Option<String>,
}

fn usage(message: String) -> ErrorPayload {
    ErrorPayload {
        code: "usage.format".into(),
        message,
        detail: None,
    }
}

/// The format the output file's extension names, or the usage error listing the `choices`.
fn format_of<F>(
    global: &Global,
    path: &Path,
    from_path: fn(&Path) -> Option<F>,
    what: &str,
    choices: &str,
) -> Result<F, Outcome> {
    from_path(path).ok_or_else(|| Outcome {
        json: global.json,
        result: Err(usage(format!(
            "{}: name the {what} file {choices}",
            path.display()
        ))),
    })
}

pub async fn map(global: &Global, args: MapArgs) -> Outcome {
    let format = match format_of(
        global,
        &args.output,
        MapFormat::from_path,
        "map",
        ".svg or .png",
    ) {
        Ok(format) => format,
        Err(outcome) => return outcome,
    };
    let result = async {
        let input = gather(global).await?;
        let bytes = reporting::render_map(format, &input)?;
        written(&args.output, &bytes)
    }
    .await;
    Outcome::from(global.json, result)
}

pub async fn report(global: &Global, args: ReportArgs) -> Outcome {
    let format = match format_of(
        global,
        &args.output,
        ReportFormat::from_path,
        "report",
        ".html, .pdf, .md or .json",
    ) {
        Ok(format) => format,
        Err(outcome) => return outcome,
    };
    let result = async {
        let input = gather(global).await?;
        let bytes = match &args.partner_kit {
            Some(domain) => reporting::partner_kit(&input, domain, format)?,
            None => reporting::render(format, &input)?,
        };
        written(&args.output, &bytes)
    }
    .await;
    Outcome::from(global.json, result)
}

/// The organization, the journal and the current check results, read once.
async fn gather(global: &Global) -> Result<ReportInput, EngineError> {
    let paths: AppPaths = super::paths(global);
    let session: Session = super::session(global)?;
    let checks = super::verify::checks_for_report(&session, &paths).await;
    reporting::report_input(&session, &paths, checks).await
}

fn written(path: &std::path::Path, bytes: &[u8]) -> Result<Output, EngineError> {
    reporting::write_file(path, bytes)?;
    let value = json!({ "written": path, "bytes": bytes.len() });
    Ok(Output::new(
        &value,
        format!("Wrote {} ({} bytes)\n", path.display(), bytes.len()),
    ))
}
