//! Diagnostics for federated sharing.
//!
//! - [`inputs`]: everything the checks look at, gathered once ([`gather`]) through the
//!   planner's [`fedshare_plan::Shell`] (the engine session or the in-process lab), DNS checks
//!   and partner discovery, concurrently, with progress;
//! - [`catalog`]: pure check functions over [`Inputs`] → [`fedshare_model::CheckResult`]s
//!   with stable ids, evidence (actual vs expected), explanation, fix and documentation link;
//! - [`explain`]: an error text → likely causes, the checks that confirm each, the fixes;
//! - [`ack`]: acknowledged findings (reason, expiry, who), kept in the profile, shown not hidden;
//! - [`drift`]: saved verification runs and what changed between two of them.

pub mod ack;
pub mod catalog;
pub mod drift;
pub mod error;
pub mod explain;
pub mod inputs;
mod result;

pub use ack::{Ack, AckStore, Acknowledged, VerifiedCheck};
pub use catalog::run_checks;
pub use drift::{drift, Change, Drift, RunHeader, SavedRun};
pub use error::ChecksError;
pub use explain::{explain, Explanation};
pub use inputs::{gather, GatherOptions, GatherProgress, Inputs, RELATIONSHIP_TESTS_PER_RUN};

/// Gathers the inputs and runs every check: what `fedshare verify` and the Verify page show.
pub async fn verify<S: fedshare_plan::Shell>(
    shell: &S,
    options: &GatherOptions,
    progress: impl Fn(GatherProgress) + Send + Sync,
) -> Result<(Inputs, Vec<fedshare_model::CheckResult>), ChecksError> {
    let inputs = gather(shell, options, progress).await?;
    let results = run_checks(&inputs);
    Ok((inputs, results))
}
