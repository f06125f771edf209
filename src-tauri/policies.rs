//! Step 3, sharing policies: the actions an entry may grant, from the plan crate's copy of
//! Exchange's `SharingPolicyAction` flags, so the form's checkboxes never drift from it.

use fedshare_plan::entries::SharingAction;

#[tauri::command]
pub fn sharing_actions() -> Vec<String> {
    SharingAction::ALL
        .iter()
        .map(|a| a.name().to_owned())
        .collect()
}
