//! The Map page: the engine's SVG for display, and SVG/PNG exports.

use fedshare_engine::reporting::{self, MapFormat};
use fedshare_model::ErrorPayload;
use tauri::{AppHandle, Runtime, State};

use crate::export::Exported;
use crate::report::{file_name, gather, write_export, ExportedFile};
use crate::state::AppState;

/// The relationship map as SVG text; the page parses it with DOMParser (never innerHTML).
#[tauri::command]
pub async fn map_svg(state: State<'_, AppState>) -> Result<String, ErrorPayload> {
    let input = gather(&state).await?;
    Ok(reporting::map_svg(&input))
}

#[tauri::command]
pub async fn export_map<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    exported: State<'_, Exported>,
    format: MapFormat,
) -> Result<Option<ExportedFile>, ErrorPayload> {
    let input = gather(&state).await?;
    let bytes = reporting::render_map(format, &input)?;
    let name = file_name("fedshare-map", &input, format.extension());
    Ok(write_export(&app, &state.paths, &exported, &name, &bytes).await?)
}
