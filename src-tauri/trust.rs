//! Step 1, the federation trust: the domain-proof TXT records to publish and whether DNS
//! serves them yet.

use fedshare_model::ErrorPayload;
use fedshare_plan::dns::{DnsRecord, RecordType};
use tauri::State;

use crate::plan::{live_record, observe, LiveRecord};
use crate::state::AppState;

/// Each planned federated domain's proof (from `Get-FederatedDomainProof`, one per trust
/// certificate) with its live status. Empty before the trust exists: no certificate, no proof.
#[tauri::command]
pub async fn domain_proofs(state: State<'_, AppState>) -> Result<Vec<LiveRecord>, ErrorPayload> {
    let (_, snap) = observe(&state).await?;
    Ok(snap
        .proofs
        .iter()
        .map(|p| {
            let record = DnsRecord {
                name: p.domain.clone(),
                rtype: RecordType::Txt,
                value: p.proof.clone(),
            };
            live_record(&p.domain, &record, Some(p.thumbprint.clone()), &snap)
        })
        .collect())
}
