//! The Verify page: the whole check catalogue with progress, acknowledgements kept in the
//! profile, and the error explainer. The logic is the engine's and fedshare-checks', shared
//! with `fedshare verify`, `fedshare ack` and `fedshare explain`.

use fedshare_checks::inputs::GatherProgress;
use fedshare_checks::{AckStore, Acknowledged, ChecksError, Explanation, SavedRun};
use fedshare_engine::verification::{self, VerifyRequest};
use fedshare_engine::EngineError;
use fedshare_model::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::state::AppState;

/// Runs every check concurrently; each finished read is reported as `done` of `total`.
#[tauri::command]
pub async fn run_verification(
    state: State<'_, AppState>,
    on_progress: Channel<GatherProgress>,
) -> Result<SavedRun, ErrorPayload> {
    let session = state.session();
    let progress = |p: GatherProgress| {
        // A closed window only loses the progress line; the run itself goes on.
        let _ = on_progress.send(p);
    };
    let request = VerifyRequest::default();
    Ok(verification::run_and_keep(&session, &state.paths, &request, progress).await?)
}

/// The active profile's last verification with its time, if it was ever run.
#[tauri::command]
pub fn last_verification(state: State<'_, AppState>) -> Option<SavedRun> {
    verification::last_run(&state.paths, &state.session().profile().name)
}

/// Accepts a finding until `expires` (YYYY-MM-DD) for `reason`; it keeps its status and is
/// shown with the acknowledgement in every result list and report.
#[tauri::command]
pub fn acknowledge(
    state: State<'_, AppState>,
    check_id: String,
    reason: String,
    expires: String,
) -> Result<Acknowledged, ErrorPayload> {
    let mut store = ack_store(&state)?;
    let ack = store
        .acknowledge(
            &check_id,
            &reason,
            &expires,
            &signed_in_user(),
            fedshare_checks::ack::today(),
        )
        .map_err(payload)?
        .clone();
    store.save().map_err(payload)?;
    Ok(Acknowledged {
        reason: ack.reason,
        expires: ack.expires,
        by: ack.by,
    })
}

/// Returns whether there was an acknowledgement to remove.
#[tauri::command]
pub fn remove_acknowledgement(
    state: State<'_, AppState>,
    check_id: String,
) -> Result<bool, ErrorPayload> {
    let mut store = ack_store(&state)?;
    let removed = store.remove(&check_id);
    store.save().map_err(payload)?;
    Ok(removed)
}

/// The likely causes of a pasted error text, the checks that confirm each, and the fixes.
#[tauri::command]
pub fn explain_error(text: String) -> Vec<Explanation> {
    fedshare_checks::explain(&text)
}

fn ack_store(state: &AppState) -> Result<AckStore, ErrorPayload> {
    let path = verification::ack_path(&state.paths, &state.session().profile().name);
    AckStore::load(&path).map_err(payload)
}

fn payload(e: ChecksError) -> ErrorPayload {
    EngineError::from(e).into()
}

/// Who acknowledges: the signed-in OS user, as `fedshare ack` records it.
fn signed_in_user() -> String {
    fedshare_model::signed_in_user().unwrap_or_else(|| "unknown".into())
}
