//! Page 2's "Preview partner": what the partner's Autodiscover publishes, through the same
//! GetFederationInformation client the checks use, before any relationship is created.

use fedshare_dns::PartnerDiscovery;
use fedshare_engine::network::NetworkChoice;
use fedshare_model::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn partner_preview(
    state: State<'_, AppState>,
    domain: String,
) -> Result<PartnerDiscovery, ErrorPayload> {
    let session = state.session();
    Ok(fedshare_engine::partners::discover(&session, &domain, &NetworkChoice::default()).await?)
}
