//! The Certificate section: days left per federation certificate, the metadata refresh
//! verdict, and the roll's steps and script for review. The logic is the engine's, shared with
//! `fedshare certificate`.

use fedshare_engine::certificate::{self, CertificateStatus};
use fedshare_engine::workflow::PlanView;
use fedshare_model::ErrorPayload;
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
