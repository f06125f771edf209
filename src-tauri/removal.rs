//! Taking sharing down: one partner turned off, or everything removed, from the same removal
//! document `fedshare remove FILE` reads. Review first (nothing runs), then the run with the
//! journal: a second run resumes an interrupted one.

use fedshare_engine::removal::{self, RemovalSource};
use fedshare_engine::workflow::PlanView;
use fedshare_model::ErrorPayload;
use fedshare_plan::{ApplyOptions, ApplyReport, Progress};
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

/// The removal's steps and cmdlets in order, against the organization as it is (nothing runs);
/// what Exchange would refuse comes back as `plan.refused` with Exchange's reason.
#[tauri::command]
pub async fn removal_preview(
    state: State<'_, AppState>,
    source: RemovalSource,
    force_domains: bool,
) -> Result<PlanView, ErrorPayload> {
    let document = source.removal()?;
    let (_, view) = removal::preview(&state.session(), &document, force_domains).await?;
    Ok(view)
}

#[tauri::command]
pub async fn removal_apply(
    state: State<'_, AppState>,
    source: RemovalSource,
    force_domains: bool,
    on_progress: Channel<Progress>,
) -> Result<ApplyReport, ErrorPayload> {
    let document = source.removal()?;
    let progress = move |p: &Progress| {
        // A closed window only loses the progress display; the run and its journal go on.
        let _ = on_progress.send(p.clone());
    };
    let options = ApplyOptions::default();
    Ok(removal::apply(
        &state.session(),
        &state.paths,
        &document,
        force_domains,
        options,
        progress,
    )
    .await?)
}
