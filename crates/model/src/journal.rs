//! The change journal: what was applied, when, by whom, and the state it replaced.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum JournalOutcome {
    /// Written before the step runs, so a crash leaves a trace.
    Started,
    Applied,
    Failed,
    Undone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JournalEntry {
    /// RFC 3339.
    pub at: String,
    /// The Windows or local account that ran the step.
    pub by: String,
    pub step_id: String,
    pub title: String,
    /// The cmdlet lines as rendered in the exported script.
    pub commands: Vec<String>,
    pub outcome: JournalOutcome,
    /// The object's properties before the change (JSON as the Get-* cmdlet returned it).
    #[ts(type = "unknown")]
    pub before: Option<serde_json::Value>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
