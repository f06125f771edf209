//! A replay kit for the real path: what a real Exchange 2013 answers, served over the shell
//! protocol exactly as the Windows PowerShell host serves a remote session.
//!
//! - [`scenario`]: the fixtures (the invocations expected, phase by phase, and the CLIXML
//!   answers written by hand from Exchange's documented and captured shapes);
//! - [`host`]: the protocol loop of `fedshare-replay-host`, with a remote session's latency;
//! - [`transcript`]: what the engine sent, for tests to assert on;
//! - [`generate`]: large organizations for the benchmark (200 partners, 5,000 mailboxes).

pub mod generate;
pub mod host;
pub mod scenario;
pub mod transcript;

pub use scenario::Scenario;
pub use transcript::Transcript;

/// The kit's errors. Codes are dotted and stable, like every crate's.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("scenario {path} is not valid: {reason}")]
    Scenario { path: String, reason: String },
    #[error("transcript {path} is not valid: {reason}")]
    Transcript { path: String, reason: String },
    #[error("the engine broke the protocol: {0}")]
    Protocol(String),
}

impl fedshare_model::ErrorCode for ReplayError {
    fn code(&self) -> &'static str {
        match self {
            ReplayError::Io { .. } => "replay.io",
            ReplayError::Scenario { .. } => "replay.scenario_invalid",
            ReplayError::Transcript { .. } => "replay.transcript_invalid",
            ReplayError::Protocol(_) => "replay.protocol",
        }
    }
}
