//! Step 4, Autodiscover DNS: the CNAME records the plan creates and whether DNS serves them.

use fedshare_model::ErrorPayload;
use fedshare_plan::dns::{DnsRecord, RecordType};
use tauri::State;

use crate::plan::{live_record, observe, LiveRecord};
use crate::state::AppState;

#[tauri::command]
pub async fn autodiscover_records(
    state: State<'_, AppState>,
) -> Result<Vec<LiveRecord>, ErrorPayload> {
    let (plan, snap) = observe(&state).await?;
    Ok(plan
        .autodiscover
        .iter()
        .map(|a| {
            let record = DnsRecord {
                name: a.record_name(),
                rtype: RecordType::Cname,
                value: a.target.clone(),
            };
            live_record(&a.domain, &record, None, &snap)
        })
        .collect())
}
