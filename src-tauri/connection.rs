//! The header's connection badge and the organization's current federation state.

use fedshare_engine::{status, ConnectionInfo};
use fedshare_model::{ErrorPayload, OrgState};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn connection_status(state: State<'_, AppState>) -> Result<ConnectionInfo, ErrorPayload> {
    Ok(state.session().connection().await?)
}

#[tauri::command]
pub async fn org_status(state: State<'_, AppState>) -> Result<OrgState, ErrorPayload> {
    Ok(status::read(&state.session()).await?)
}
