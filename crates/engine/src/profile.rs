//! Connection profiles: which organization a session talks to and how.

pub use fedshare_exchange::protocol::Authentication;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::connection::RemoteSettings;

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
        /// `http://<server FQDN>/PowerShell/` (Kerberos, Microsoft's documented form) or
        /// `https://<name>/PowerShell/`; checked by [`crate::connection::review`].
        connection_uri: String,
        /// Use the credential stored in the OS keychain instead of the current Windows identity.
        stored_credential: bool,
        /// `New-PSSession -Authentication`; Basic only over https.
        #[serde(default)]
        authentication: Authentication,
        /// Do not check the certificate's authority (`-SkipCACheck`): an explicit, visible choice.
        #[serde(default)]
        skip_ca_check: bool,
        /// Do not check that the certificate names the server (`-SkipCNCheck`): explicit, visible.
        #[serde(default)]
        skip_cn_check: bool,
    },
}

impl Backend {
    /// A remote PowerShell backend with Kerberos and every certificate check on.
    pub fn remote(connection_uri: impl Into<String>, stored_credential: bool) -> Self {
        Backend::RemotePowerShell {
            connection_uri: connection_uri.into(),
            stored_credential,
            authentication: Authentication::Kerberos,
            skip_ca_check: false,
            skip_cn_check: false,
        }
    }

    /// The connection settings of a real organization's profile; `None` for the lab.
    pub fn remote_settings(&self) -> Option<RemoteSettings<'_>> {
        match self {
            Backend::Lab => None,
            Backend::RemotePowerShell {
                connection_uri,
                stored_credential,
                authentication,
                skip_ca_check,
                skip_cn_check,
            } => Some(RemoteSettings {
                connection_uri,
                stored_credential: *stored_credential,
                authentication: *authentication,
                skip_ca_check: *skip_ca_check,
                skip_cn_check: *skip_cn_check,
            }),
        }
    }
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
