//! The Certificate section: days left per federation certificate, the metadata refresh
//! verdict, and the roll's steps and script for review. The logic is the engine's, shared with
//! `fedshare certificate`.

use fedshare_engine::certificate::{self, CertificateStatus};
use fedshare_engine::workflow::PlanView;
use fedshare_model::ErrorPayload;
use fedshare_plan::{ApplyOptions, ApplyReport, Progress};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn certificate_status(
    state: State<'_, AppState>,
) -> Result<CertificateStatus, ErrorPayload> {
    Ok(certificate::status(&state.session()).await?)
}

/// The roll's steps against the organization as it is (nothing runs).
#[tauri::command]
pub async fn certificate_roll_preview(
    state: State<'_, AppState>,
) -> Result<PlanView, ErrorPayload> {
    let (_, view) = certificate::roll_preview(&state.session(), &state.paths).await?;
    Ok(view)
}

/// Runs the roll with the journal (a second run resumes it); an expired certificate is
/// refused by the engine with the rebuild's words.
#[tauri::command]
pub async fn certificate_roll(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<ApplyReport, ErrorPayload> {
    let progress = move |p: &Progress| {
        // A closed window only loses the progress display; the run and its journal go on.
        let _ = on_progress.send(p.clone());
    };
    let options = ApplyOptions::default();
    Ok(certificate::roll(&state.session(), &state.paths, options, progress).await?)
}
