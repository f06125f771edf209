//! What a report is made from: everything is gathered by the engine beforehand.

use std::collections::BTreeMap;

use fedshare_map::PartnerInfo;
use fedshare_model::{CheckResult, JournalEntry, OrgState};
use serde::{Deserialize, Serialize};

/// A finding an administrator accepted on purpose, with the reason and when that lapses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acknowledgement {
    pub check_id: String,
    pub reason: String,
    /// RFC 3339 date or time after which the finding counts again.
    pub expires: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportInput {
    pub state: OrgState,
    pub checks: Vec<CheckResult>,
    pub journal: Vec<JournalEntry>,
    /// The exact cmdlet lines that were run, as exported.
    pub applied_script: String,
    pub undo_script: String,
    pub partners: Vec<PartnerInfo>,
    pub acknowledgements: Vec<Acknowledgement>,
    /// RFC 3339.
    pub generated_at: String,
    pub generated_by: String,
    /// Mailboxes per sharing policy name (mailboxes without one counted under the default),
    /// as counted by the engine; `OrgState` does not list mailboxes. Missing = not counted.
    #[serde(default)]
    pub policy_assignments: BTreeMap<String, u64>,
}
