//! The About box: version, paths, and "Copy diagnostics".

use fedshare_engine::{diagnostics, AppInfo};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::new(&state.paths)
}

#[tauri::command]
pub async fn copy_diagnostics(state: State<'_, AppState>) -> Result<String, ()> {
    let connection = state.session().connection().await.ok();
    Ok(diagnostics::gather(&state.paths, connection.as_ref()))
}
