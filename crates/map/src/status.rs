//! Folding check results into one status per map element.

use fedshare_model::{CheckResult, CheckStatus};

/// How bad a status is: the worst one wins when several checks cover the same element.
pub fn severity_rank(status: CheckStatus) -> u8 {
    match status {
        CheckStatus::NotChecked => 0,
        CheckStatus::Pass => 1,
        CheckStatus::Warning => 2,
        CheckStatus::Failure => 3,
    }
}

/// The worst status among `checks`; `NotChecked` when none applies.
pub fn worst<'a>(checks: impl IntoIterator<Item = &'a CheckResult>) -> CheckStatus {
    checks
        .into_iter()
        .map(|c| c.status)
        .max_by_key(|s| severity_rank(*s))
        .unwrap_or(CheckStatus::NotChecked)
}

/// The order partner groups are drawn in: problems first, so they are never collapsed away
/// behind healthy partners.
pub fn group_order(status: CheckStatus) -> u8 {
    match status {
        CheckStatus::Failure => 0,
        CheckStatus::Warning => 1,
        CheckStatus::NotChecked => 2,
        CheckStatus::Pass => 3,
    }
}

/// The CSS class suffix and the legend word for a status.
pub fn slug(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "pass",
        CheckStatus::Warning => "warning",
        CheckStatus::Failure => "failure",
        CheckStatus::NotChecked => "not-checked",
    }
}

pub fn label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "Pass",
        CheckStatus::Warning => "Warning",
        CheckStatus::Failure => "Failure",
        CheckStatus::NotChecked => "Not checked",
    }
}

/// Fill and stroke colours per status (colour-blind safe pairs; the class names carry it too).
pub fn colours(status: CheckStatus) -> (&'static str, &'static str) {
    match status {
        CheckStatus::Pass => ("#e6f4ea", "#1e7b34"),
        CheckStatus::Warning => ("#fff4d6", "#b26a00"),
        CheckStatus::Failure => ("#fde7e9", "#c5221f"),
        CheckStatus::NotChecked => ("#f1f3f4", "#5f6368"),
    }
}

/// The worst of several statuses (for a collapsed group).
pub fn worst_status(statuses: impl IntoIterator<Item = CheckStatus>) -> CheckStatus {
    statuses
        .into_iter()
        .max_by_key(|s| severity_rank(*s))
        .unwrap_or(CheckStatus::NotChecked)
}
