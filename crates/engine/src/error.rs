//! The engine's error type: every failure the front ends can show, with a stable code.

use fedshare_model::{ErrorCode, ErrorPayload};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Exchange(#[from] fedshare_exchange::ExchangeError),

    #[error("{cmdlet} returned output Fedshare could not read ({reason}); check that the server runs Exchange 2013")]
    UnexpectedOutput { cmdlet: String, reason: String },

    #[error("could not use {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Exchange(e) => e.code(),
            EngineError::UnexpectedOutput { .. } => "engine.unexpected_output",
            EngineError::Io { .. } => "engine.io",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            EngineError::Exchange(e) => e.detail(),
            EngineError::Io { source, .. } => Some(source.to_string()),
            EngineError::UnexpectedOutput { .. } => None,
        }
    }
}

impl From<EngineError> for ErrorPayload {
    fn from(e: EngineError) -> Self {
        e.to_payload()
    }
}
