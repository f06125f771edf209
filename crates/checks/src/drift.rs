//! Saved verification runs and what changed between two of them.

use std::path::Path;

use fedshare_model::{CheckResult, CheckStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ack::VerifiedCheck;
use crate::error::{io, ChecksError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunHeader {
    /// RFC 3339 time of the run.
    pub time: String,
    pub organization: String,
    /// Format version of the saved file.
    #[serde(default = "schema")]
    pub schema: u32,
}

fn schema() -> u32 {
    1
}

/// One verification run as `fedshare verify --save FILE` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SavedRun {
    pub header: RunHeader,
    pub results: Vec<VerifiedCheck>,
}

impl SavedRun {
    pub fn new(time: String, organization: String, results: Vec<VerifiedCheck>) -> Self {
        SavedRun {
            header: RunHeader {
                time,
                organization,
                schema: schema(),
            },
            results,
        }
    }

    pub fn load(path: &Path) -> Result<SavedRun, ChecksError> {
        let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
        serde_json::from_str(&text).map_err(|source| ChecksError::Format {
            path: path.display().to_string(),
            what: "saved verification run",
            source,
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), ChecksError> {
        let json = serde_json::to_vec_pretty(self).map_err(|source| ChecksError::Format {
            path: path.display().to_string(),
            what: "saved verification run",
            source,
        })?;
        std::fs::write(path, json).map_err(|e| io(path, e))
    }
}

/// A check present in both runs whose outcome differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub id: String,
    pub title: String,
    pub before: CheckStatus,
    pub after: CheckStatus,
    /// Evidence lines (`subject: actual`) only in the old run.
    pub evidence_before: Vec<String>,
    /// Evidence lines only in the new run.
    pub evidence_after: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    pub old: RunHeader,
    pub new: RunHeader,
    /// Checks only in the new run (a new relationship, a new finding with its own id).
    pub added: Vec<CheckResult>,
    /// Checks only in the old run.
    pub removed: Vec<CheckResult>,
    /// Same check, different status.
    pub changed: Vec<Change>,
    /// Same check and status, different evidence (a value moved without changing the verdict).
    pub evidence_changed: Vec<Change>,
    pub unchanged: usize,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn lines(r: &CheckResult) -> Vec<String> {
    r.evidence
        .iter()
        .map(|e| format!("{}: {}", e.subject, e.actual))
        .collect()
}

fn change(old: &CheckResult, new: &CheckResult) -> Change {
    let (a, b) = (lines(old), lines(new));
    Change {
        id: new.id.clone(),
        title: new.title.clone(),
        before: old.status,
        after: new.status,
        evidence_before: a.iter().filter(|l| !b.contains(l)).cloned().collect(),
        evidence_after: b.iter().filter(|l| !a.contains(l)).cloned().collect(),
    }
}

/// What changed from `old` to `new`, matched by check id.
pub fn drift(old: &SavedRun, new: &SavedRun) -> Drift {
    let find = |run: &SavedRun, id: &str| {
        run.results
            .iter()
            .find(|c| c.result.id == id)
            .map(|c| c.result.clone())
    };
    let mut d = Drift {
        old: old.header.clone(),
        new: new.header.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        evidence_changed: Vec::new(),
        unchanged: 0,
    };
    for n in &new.results {
        match find(old, &n.result.id) {
            None => d.added.push(n.result.clone()),
            Some(o) if o.status != n.result.status => d.changed.push(change(&o, &n.result)),
            Some(o) if lines(&o) != lines(&n.result) => {
                d.evidence_changed.push(change(&o, &n.result));
            }
            Some(_) => d.unchanged += 1,
        }
    }
    d.removed = old
        .results
        .iter()
        .filter(|o| find(new, &o.result.id).is_none())
        .map(|o| o.result.clone())
        .collect();
    d
}
