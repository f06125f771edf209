//! Acknowledged findings: an administrator accepts a finding for a reason until a date. The
//! finding keeps its status and stays in every report, marked as acknowledged; an expired
//! acknowledgement is ignored, so the finding counts again.

use std::path::{Path, PathBuf};

use fedshare_model::{CheckResult, CheckStatus};
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::Date;
use ts_rs::TS;

use crate::error::{io, ChecksError};

/// The file under the profile's data directory that holds the acknowledgements.
pub const ACK_FILE: &str = "acknowledgements.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ack {
    pub check_id: String,
    pub reason: String,
    /// `YYYY-MM-DD`; the acknowledgement holds through this day.
    pub expires: String,
    pub by: String,
    /// RFC 3339 time it was recorded.
    pub created: String,
}

/// The acknowledgement as shown next to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Acknowledged {
    pub reason: String,
    pub expires: String,
    pub by: String,
}

/// A check result with its acknowledgement, if one is in force. Serialises as the result's
/// own fields plus `acknowledged`, so a plain result list reads as a list of these too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VerifiedCheck {
    #[serde(flatten)]
    pub result: CheckResult,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Acknowledged>,
}

impl VerifiedCheck {
    /// A failure or warning that no acknowledgement covers: what makes `verify` exit 1.
    pub fn is_open_finding(&self) -> bool {
        matches!(
            self.result.status,
            CheckStatus::Failure | CheckStatus::Warning
        ) && self.acknowledged.is_none()
    }
}

pub fn parse_date(text: &str) -> Result<Date, ChecksError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| ChecksError::InvalidDate(text.to_owned()))
}

/// Today's date (UTC), the day acknowledgements are judged against.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckStore {
    path: PathBuf,
    pub acks: Vec<Ack>,
}

impl AckStore {
    /// The store in `data_dir` (the profile's data directory).
    pub fn in_dir(data_dir: &Path) -> Result<AckStore, ChecksError> {
        AckStore::load(&data_dir.join(ACK_FILE))
    }

    /// Reads the file; a missing file is an empty store.
    pub fn load(path: &Path) -> Result<AckStore, ChecksError> {
        let acks = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|source| ChecksError::Format {
                path: path.display().to_string(),
                what: "acknowledgements",
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(path, e)),
        };
        Ok(AckStore {
            path: path.to_owned(),
            acks,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records (or replaces) the acknowledgement of one check the catalogue can produce. The
    /// expiry must be a valid date not before `today`, and a reason is required: an
    /// unexplained acknowledgement hides why.
    pub fn acknowledge(
        &mut self,
        check_id: &str,
        reason: &str,
        expires: &str,
        by: &str,
        today: Date,
    ) -> Result<&Ack, ChecksError> {
        let id = check_id.trim();
        if id.is_empty() || id.contains(char::is_whitespace) || !crate::catalog::is_catalogue_id(id)
        {
            return Err(ChecksError::InvalidCheckId(check_id.to_owned()));
        }
        if reason.trim().is_empty() {
            return Err(ChecksError::EmptyReason);
        }
        let date = parse_date(expires)?;
        if date < today {
            return Err(ChecksError::ExpiryInPast(expires.to_owned()));
        }
        self.acks.retain(|a| a.check_id != id);
        self.acks.push(Ack {
            check_id: id.to_owned(),
            reason: reason.trim().to_owned(),
            expires: date.to_string(),
            by: by.to_owned(),
            created: crate::result::now_rfc3339(),
        });
        Ok(self.acks.last().expect("just pushed"))
    }

    /// Removes the acknowledgement of a check; returns whether there was one.
    pub fn remove(&mut self, check_id: &str) -> bool {
        let before = self.acks.len();
        self.acks.retain(|a| a.check_id != check_id);
        before != self.acks.len()
    }

    /// Writes the file atomically (temporary file, then rename).
    pub fn save(&self) -> Result<(), ChecksError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let json = serde_json::to_vec_pretty(&self.acks).map_err(|source| ChecksError::Format {
            path: self.path.display().to_string(),
            what: "acknowledgements",
            source,
        })?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io(&self.path, e))
    }

    /// The acknowledgement in force for `check_id` on `today`.
    pub fn active(&self, check_id: &str, today: Date) -> Option<&Ack> {
        self.acks
            .iter()
            .find(|a| a.check_id == check_id && parse_date(&a.expires).is_ok_and(|d| d >= today))
    }

    /// Marks the results that an acknowledgement in force covers; statuses never change.
    pub fn apply(&self, results: Vec<CheckResult>, today: Date) -> Vec<VerifiedCheck> {
        results
            .into_iter()
            .map(|result| {
                let acknowledged = self.active(&result.id, today).map(|a| Acknowledged {
                    reason: a.reason.clone(),
                    expires: a.expires.clone(),
                    by: a.by.clone(),
                });
                VerifiedCheck {
                    result,
                    acknowledged,
                }
            })
            .collect()
    }
}
