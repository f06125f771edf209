//! The four configuration steps of federated sharing as a desired-state plan.
//!
//! - [`file`]: the plan file (TOML) with file/line/column errors;
//! - [`adopt`]: a real organization's first plan, describing what it has now;
//! - [`snapshot`]: the observed state ([`Snapshot::read`] through a [`Shell`] and [`Dns`]);
//! - [`planner`]: observed state + plan → ordered [`Step`]s in Exchange's dependency order;
//! - [`apply`]: the [`Applier`] (progress, DNS waiting, journal, resume by re-planning, undo);
//! - [`script`]: `.ps1` export of a plan and of its undo;
//! - [`prereq`]: the "Before you begin" checks.

pub mod adopt;
pub mod apply;
pub mod cancel;
pub mod dns;
pub mod entries;
pub mod error;
pub mod file;
pub mod journal;
pub mod limits;
pub mod planner;
pub mod prereq;
pub mod preserve;
pub mod removal;
pub mod roll;
pub mod script;
pub mod shell;
pub mod snapshot;
pub mod step;
pub mod verify;

pub use apply::{Applier, ApplyOptions, ApplyReport, Progress, UndoReport};
pub use cancel::Cancel;
pub use dns::{Dns, DnsFailure, DnsRecord, RecordType};
pub use error::{FilePosition, PlanError};
pub use file::SharingPlan;
pub use journal::Journal;
pub use planner::plan;
pub use prereq::{prerequisites, ESTIMATED_TIME};
pub use shell::{Shell, ShellFailure};
pub use snapshot::{OrgIdentity, Snapshot};
pub use step::{Action, Placeholder, Plan, Step};
