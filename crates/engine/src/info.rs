//! What the app tells about itself and about the organization it is connected to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub os: String,
    pub data_dir: String,
    pub log_dir: String,
}

impl AppInfo {
    pub fn new(paths: &crate::AppPaths) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            data_dir: paths.data_dir.display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
        }
    }
}

/// Which organization the session talks to, shown in the app's header at all times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    pub profile: String,
    pub organization: String,
    pub is_lab: bool,
    /// `lab` or `powershell`.
    pub host: String,
    pub host_version: String,
    /// The Exchange build as Exchange prints it, e.g. `Version 15.0 (Build 1497.2)`.
    pub exchange_version: String,
    /// What to keep in mind about this connection (relaxed certificate checks, a name that is
    /// not a server's FQDN); absent for the lab and for a connection with nothing to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub connection_notes: Option<Vec<String>>,
}
