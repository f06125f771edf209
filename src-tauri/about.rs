//! The About box: version, paths, and "Copy diagnostics".

use fedshare_engine::{diagnostics, AppInfo};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::new(&state.paths)
}

/// The frontend calls this once its first page is painted: the window was created hidden
/// (`visible: false`) so nobody sees a blank or black window while WebKit starts.
#[tauri::command]
pub fn window_ready(window: tauri::WebviewWindow) {
    show(&window);
}

/// Shows the window if the frontend never said it was ready (a script error must not leave
/// the app invisible).
pub fn show_anyway_after(app: &tauri::AppHandle, delay: std::time::Duration) {
    use tauri::Manager;
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        if let Some(window) = app.get_webview_window("main") {
            if !window.is_visible().unwrap_or(true) {
                tracing::warn!("the page did not report its first paint; showing the window");
                show(&window);
            }
        }
    });
}

fn show(window: &tauri::WebviewWindow) {
    if let Err(e) = window.show().and_then(|()| window.set_focus()) {
        tracing::warn!(error = %e, "the window could not be shown");
    }
}

#[tauri::command]
pub async fn copy_diagnostics(state: State<'_, AppState>) -> Result<String, ()> {
    let connection = state.session().connection().await.ok();
    Ok(diagnostics::gather(&state.paths, connection.as_ref()))
}
