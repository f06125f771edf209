//! The engine facade shared by the CLI and the desktop shell. Both front ends call these
//! functions and nothing below them, so a command behaves the same in the app and the CLI.
//!
//! Data flows one way: plan → invocations → Exchange shell ([`Session`]) → observed state
//! ([`status`]) → checks → map and reports.

pub mod certificate;
pub mod connection;
pub mod diagnostics;
pub mod dns_ops;
mod error;
pub mod freebusy;
pub mod info;
pub mod logging;
pub mod net;
pub mod network;
pub mod partners;
pub mod paths;
pub mod profile;
pub mod profiles;
pub mod removal;
pub mod reporting;
pub mod run;
pub mod session;
mod shell_adapter;
pub mod status;
pub mod verification;
pub mod workflow;

pub use error::EngineError;
pub use info::{AppInfo, ConnectionInfo};
pub use paths::AppPaths;
pub use profile::{Backend, Profile, ReportDefaults};
pub use session::Session;
