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
}

impl Profile {
    pub fn lab() -> Self {
        Self {
            name: LAB_PROFILE.to_owned(),
            backend: Backend::Lab,
        }
    }

    pub fn is_lab(&self) -> bool {
        matches!(self.backend, Backend::Lab)
    }
}
