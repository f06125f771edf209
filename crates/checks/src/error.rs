//! The errors of the diagnostics crate, each with a stable code.

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ChecksError {
    /// A read every check depends on (the organization's state) failed.
    #[error("could not read the organization: {0}")]
    Observe(String),
    #[error("could not read or write {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a valid {what} file")]
    Format {
        path: String,
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("'{0}' is not a date in YYYY-MM-DD form")]
    InvalidDate(String),
    #[error("the expiry date {0} is already past")]
    ExpiryInPast(String),
    #[error("an acknowledgement needs a reason")]
    EmptyReason,
    #[error("'{0}' is not a check id")]
    InvalidCheckId(String),
}

impl ErrorCode for ChecksError {
    fn code(&self) -> &'static str {
        match self {
            ChecksError::Observe(_) => "checks.observe",
            ChecksError::Io { .. } => "checks.io",
            ChecksError::Format { .. } => "checks.format",
            ChecksError::InvalidDate(_) => "checks.invalid_date",
            ChecksError::ExpiryInPast(_) => "checks.expiry_in_past",
            ChecksError::EmptyReason => "checks.empty_reason",
            ChecksError::InvalidCheckId(_) => "checks.invalid_check_id",
        }
    }
}

pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> ChecksError {
    ChecksError::Io {
        path: path.display().to_string(),
        source,
    }
}
