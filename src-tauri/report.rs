//! The Report page: the setup report in one format and the partner kits, written as files.
//!
//! A native Save as dialog (opened from Rust) proposes a generated name in the user's Downloads
//! folder (else Documents, else the app's data folder); the path written is shown, with Open
//! and Show in folder (`export.rs`). The webview never names a path: that keeps the capability
//! at "write one new report file", without the fs or dialog plugins' permissions.

use std::path::PathBuf;

use fedshare_engine::reporting::{self, ReportFormat, ReportInput};
use fedshare_engine::{AppPaths, EngineError};
use fedshare_model::ErrorPayload;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

use crate::export::{choose_destination, Exported};
use crate::state::AppState;

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The report input for the connected organization, coloured by a fresh verification run.
pub async fn gather(state: &AppState) -> Result<ReportInput, EngineError> {
    let checks =
        fedshare_engine::verification::results_for_report(&state.session(), &state.paths).await;
    reporting::report_input(&state.session(), &state.paths, checks).await
}

#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    exported: State<'_, Exported>,
    format: ReportFormat,
) -> Result<Option<ExportedFile>, ErrorPayload> {
    let input = gather(&state).await?;
    let bytes = reporting::render(format, &input)?;
    let name = file_name("fedshare-report", &input, format.extension());
    Ok(write_export(&app, &state.paths, &exported, &name, &bytes).await?)
}

/// Partner domains a kit can be made for.
#[tauri::command]
pub async fn partner_domains(state: State<'_, AppState>) -> Result<Vec<String>, ErrorPayload> {
    let org = fedshare_engine::status::read(&state.session()).await?;
    Ok(reporting::partner_domains(&org))
}

#[tauri::command]
pub async fn partner_kit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    exported: State<'_, Exported>,
    domain: String,
    format: ReportFormat,
) -> Result<Option<ExportedFile>, ErrorPayload> {
    let input = gather(&state).await?;
    let bytes = reporting::partner_kit(&input, &domain, format)?;
    let ext = match format {
        ReportFormat::Markdown => "md",
        _ => "html",
    };
    let name = file_name(&format!("fedshare-partner-kit-{domain}"), &input, ext);
    Ok(write_export(&app, &state.paths, &exported, &name, &bytes).await?)
}

/// `fedshare-report-<organization>-<timestamp>.<ext>`, with only file-name-safe characters.
pub fn file_name(prefix: &str, input: &ReportInput, ext: &str) -> String {
    let stamp: String = input
        .generated_at
        .chars()
        .take(19)
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    let raw = format!("{prefix}-{}-{stamp}", input.state.organization_name);
    let safe: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{safe}.{ext}")
}

fn export_dir<R: Runtime>(app: &AppHandle<R>, paths: &AppPaths) -> PathBuf {
    let resolver = app.path();
    resolver
        .download_dir()
        .or_else(|_| resolver.document_dir())
        .ok()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| paths.data_dir.join("exports"))
}

/// Writes `bytes` where the person chooses (Save as, starting at `name` in the export folder);
/// `None` when they cancelled.
pub async fn write_export<R: Runtime>(
    app: &AppHandle<R>,
    paths: &AppPaths,
    exported: &Exported,
    name: &str,
    bytes: &[u8],
) -> Result<Option<ExportedFile>, EngineError> {
    let Some(path) = choose_destination(app, &export_dir(app, paths), name).await else {
        tracing::info!(name, "export cancelled at Save as");
        return Ok(None);
    };
    reporting::write_file(&path, bytes)?;
    tracing::info!(path = %path.display(), bytes = bytes.len(), "export written");
    exported.remember(&path);
    Ok(Some(ExportedFile {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    }))
}
