//! The lab crate's own failures (not Exchange errors: those are [`fedshare_exchange::protocol::ShellError`]).

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error("the lab world has not been initialised in {0}")]
    NotInitialized(String),
    #[error("could not read or write the lab state in {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the lab state file {path} is not valid")]
    StateCorrupt {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("another process has held the lab state lock {0} for too long")]
    StateLocked(String),
    #[error("a lab key or certificate operation failed: {0}")]
    Crypto(String),
    #[error("the lab host received a line it cannot read")]
    Protocol(#[source] serde_json::Error),
    #[error("the lab host could not write its reply")]
    Reply(#[source] std::io::Error),
    #[error("the lab DNS lookup failed: {0}")]
    Dns(String),
    #[error("the lab zone data cannot be served: {0}")]
    ZoneData(String),
    #[error("the lab network (DNS and HTTPS endpoints) failed")]
    Network(#[source] fedshare_labnet::LabNetError),
    #[error("the lab network runtime could not be started")]
    Runtime(#[source] std::io::Error),
}

impl ErrorCode for LabError {
    fn code(&self) -> &'static str {
        match self {
            LabError::NotInitialized(_) => "lab.not_initialized",
            LabError::Io { .. } => "lab.io",
            LabError::StateCorrupt { .. } => "lab.state_corrupt",
            LabError::StateLocked(_) => "lab.state_locked",
            LabError::Crypto(_) => "lab.crypto",
            LabError::Protocol(_) => "lab.protocol",
            LabError::Reply(_) => "lab.reply",
            LabError::Dns(_) => "lab.dns",
            LabError::ZoneData(_) => "lab.zone_data",
            LabError::Network(_) => "lab.network",
            LabError::Runtime(_) => "lab.runtime",
        }
    }
}
