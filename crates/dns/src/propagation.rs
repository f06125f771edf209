//! Polls a check until every view agrees and matches, or a deadline passes.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::{
    check_domain, CheckOptions, DomainDnsReport, RecordCheck, RecordKind, RecordStatus,
};
use crate::error::Result;

/// What must be true before propagation counts as done.
#[derive(Debug, Clone)]
pub struct PropagationCheck {
    pub domain: String,
    pub options: CheckOptions,
    /// Records that must match (and agree) in every view; usually just the proof TXT.
    pub records: Vec<RecordKind>,
}

/// One view's state at one poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ViewProgress {
    pub record: RecordKind,
    pub view: String,
    pub status: RecordStatus,
}

/// Reported after every poll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "PropagationProgress")]
pub struct Progress {
    pub attempt: u32,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    #[ts(type = "number")]
    pub remaining_ms: u64,
    pub views: Vec<ViewProgress>,
    pub done: bool,
}

/// The end of a wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PropagationOutcome {
    pub converged: bool,
    pub attempts: u32,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    pub last_report: DomainDnsReport,
}

/// Re-checks every `poll_interval` until the chosen records match in all views or `deadline`
/// has passed; `progress` is called after each poll.
pub async fn wait_for_propagation(
    check: &PropagationCheck,
    deadline: Duration,
    poll_interval: Duration,
    mut progress: impl FnMut(Progress),
) -> Result<PropagationOutcome> {
    let started = Instant::now();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let report = check_domain(&check.domain, &check.options).await?;
        let done = converged(&report, &check.records);
        let elapsed = started.elapsed();
        let remaining = deadline.saturating_sub(elapsed);
        progress(Progress {
            attempt,
            elapsed_ms: millis(elapsed),
            remaining_ms: millis(remaining),
            views: view_states(&report, &check.records),
            done,
        });
        if done || remaining.is_zero() {
            return Ok(PropagationOutcome {
                converged: done,
                attempts: attempt,
                elapsed_ms: millis(elapsed),
                last_report: report,
            });
        }
        tokio::time::sleep(poll_interval.min(remaining)).await;
    }
}

fn selected<'a>(
    report: &'a DomainDnsReport,
    kinds: &'a [RecordKind],
) -> impl Iterator<Item = &'a RecordCheck> + 'a {
    report
        .records()
        .into_iter()
        .filter(move |r| kinds.contains(&r.kind))
}

/// Done when every selected record has views, all of them answered, agree, and match.
fn converged(report: &DomainDnsReport, kinds: &[RecordKind]) -> bool {
    selected(report, kinds).all(|r| {
        !r.views.is_empty()
            && r.agreement.consistent
            && r.views
                .iter()
                .all(|v| matches!(v.status, RecordStatus::Match | RecordStatus::Present))
    })
}

fn view_states(report: &DomainDnsReport, kinds: &[RecordKind]) -> Vec<ViewProgress> {
    selected(report, kinds)
        .flat_map(|r| {
            r.views.iter().map(|v| ViewProgress {
                record: r.kind,
                view: v.view.label.clone(),
                status: v.status,
            })
        })
        .collect()
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
