//! Connection profiles: which organization a session talks to and how.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The name of the profile that always exists: the embedded lab organization.
pub const LAB_PROFILE: &str = "Lab";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Backend {
    /// The simulated Exchange 2013 organization that ships inside Fedshare.
    Lab,
    /// A real organization through one remote PowerShell session.
    #[serde(rename_all = "camelCase")]
    RemotePowerShell {
        /// `https://mail.contoso.com/PowerShell/`
        connection_uri: String,
        /// Use the credential stored in the OS keychain instead of the current Windows identity.
        stored_credential: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Profile {
    pub name: String,
    pub backend: Backend,
    /// The plan file the wizard last opened for this profile (`None`: the profile's current plan).
    #[serde(default)]
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<String>,
    /// DNS servers (`ADDR`, `ADDR:PORT`, `HOST`) whose answers the checks compare, e.g. the
    /// internal and the external view; empty means the system resolver.
    #[serde(default)]
    pub dns_resolvers: Vec<String>,
    #[serde(default)]
    pub report_defaults: ReportDefaults,
}

/// How reports are exported unless the user picks otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReportDefaults {
    /// `html`, `pdf`, `markdown` or `json`.
    pub format: String,
    /// Shown as "prepared by" when set (otherwise the signed-in account).
    #[serde(default)]
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

impl Default for ReportDefaults {
    fn default() -> Self {
        Self {
            format: "html".into(),
            author: None,
        }
    }
}

impl Profile {
    pub fn lab() -> Self {
        Self {
            name: LAB_PROFILE.to_owned(),
            backend: Backend::Lab,
            plan_file: None,
            dns_resolvers: Vec::new(),
            report_defaults: ReportDefaults::default(),
        }
    }

    pub fn is_lab(&self) -> bool {
        matches!(self.backend, Backend::Lab)
    }
}
