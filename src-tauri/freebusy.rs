//! The free/busy proof section: ask our own EWS for a partner mailbox's free/busy, as users
//! do, and the proofs kept per direction. The logic is the engine's, shared with
//! `fedshare freebusy`.

use fedshare_engine::freebusy::{self, FreeBusyProof, FreeBusyRequest, KeptProof};
use fedshare_engine::network::NetworkChoice;
use fedshare_model::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn prove_free_busy(
    state: State<'_, AppState>,
    request: FreeBusyRequest,
) -> Result<FreeBusyProof, ErrorPayload> {
    let session = state.session();
    Ok(freebusy::prove(&session, &NetworkChoice::default(), &request).await?)
}

/// The active profile's last proof per direction.
#[tauri::command]
pub fn free_busy_proofs(state: State<'_, AppState>) -> Vec<KeptProof> {
    freebusy::kept_proofs(&state.paths, &state.session().profile().name)
}
