//! The Exchange shell as the plan sees it: run one invocation, get its output objects or
//! Exchange's exception. The engine implements it over its session; tests over the lab world.

use std::future::Future;

use fedshare_exchange::Invocation;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A cmdlet error as Exchange reported it (exception type name and message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{exception}: {message}")]
pub struct ShellFailure {
    pub exception: String,
    pub message: String,
}

pub trait Shell: Sync {
    fn invoke(
        &self,
        invocation: &Invocation,
    ) -> impl Future<Output = Result<Vec<Value>, ShellFailure>> + Send;
}
