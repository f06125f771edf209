//! One module per command family; each turns arguments into engine calls and an [`Output`].
//!
//! [`Output`]: crate::output::Output

pub mod ack;
pub mod credentials;
pub mod dns;
pub mod explain;
pub mod lab;
pub mod partner;
pub mod plan;
pub mod status;
pub mod verify;

use fedshare_engine::{AppPaths, Profile, Session};

use crate::args::Global;

/// The folders this run uses: `--data-dir` when given, else the OS's data directory.
pub fn paths(global: &Global) -> AppPaths {
    match &global.data_dir {
        Some(dir) => AppPaths::under(dir.clone()),
        None => AppPaths::from_os(),
    }
}

/// A session with the profile's shell; the lab host is this executable itself.
pub fn session(global: &Global) -> Session {
    let exe = std::env::current_exe().unwrap_or_else(|_| "fedshare".into());
    Session::new(Profile::lab(), paths(global), exe)
}
