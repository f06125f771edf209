//! The session as the planner's [`Shell`]: one invocation in, output objects or Exchange's
//! exception out.

use fedshare_exchange::{ExchangeError, Invocation};
use fedshare_model::ErrorCode;
use fedshare_plan::{Shell, ShellFailure};
use serde_json::Value;

use crate::{EngineError, Session};

impl Shell for Session {
    async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
        Session::invoke(self, invocation).await.map_err(to_failure)
    }
}

/// Keeps Exchange's exception name when there is one; a dead or hung host becomes a failure
/// named by its stable code so the journal and the explainer can tell the two apart.
fn to_failure(err: EngineError) -> ShellFailure {
    match err {
        EngineError::Exchange(ExchangeError::CmdletFailed { error, .. }) => ShellFailure {
            exception: error.exception,
            message: error.message,
        },
        other => ShellFailure {
            exception: other.code().to_owned(),
            message: other.to_string(),
        },
    }
}
