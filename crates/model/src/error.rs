//! The one error shape that crosses process and IPC boundaries.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the UI and `--json` consumers see it: a stable machine code, a sentence for
/// people, and optional detail (the underlying cause, never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

/// Implemented by every crate's error enum so its variants map to stable codes.
pub trait ErrorCode: std::error::Error {
    /// A stable, dotted code such as `exchange.unknown_parameter`. Never changes once shipped.
    fn code(&self) -> &'static str;

    /// Extra context for the detail line; defaults to the error's source chain.
    fn detail(&self) -> Option<String> {
        let mut parts = Vec::new();
        let mut source = self.source();
        while let Some(err) = source {
            parts.push(err.to_string());
            source = err.source();
        }
        (!parts.is_empty()).then(|| parts.join(": "))
    }

    fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_owned(),
            message: self.to_string(),
            detail: self.detail(),
        }
    }
}

impl std::fmt::Display for ErrorPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Demo {
        #[error("the host did not answer within {0} s")]
        Timeout(u64),
    }

    impl ErrorCode for Demo {
        fn code(&self) -> &'static str {
            match self {
                Demo::Timeout(_) => "demo.timeout",
            }
        }
    }

    #[test]
    fn wire_format_is_pinned() {
        let json = serde_json::to_string(&Demo::Timeout(30).to_payload()).expect("serialise");
        assert_eq!(
            json,
            r#"{"code":"demo.timeout","message":"the host did not answer within 30 s"}"#
        );
        let with_detail = ErrorPayload {
            code: "x.y".into(),
            message: "m".into(),
            detail: Some("d".into()),
        };
        assert_eq!(
            serde_json::to_string(&with_detail).expect("serialise"),
            r#"{"code":"x.y","message":"m","detail":"d"}"#
        );
    }
}
