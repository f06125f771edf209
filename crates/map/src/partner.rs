//! Facts about a partner that `OrgState` does not hold (they come from DNS and Autodiscover).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerInfo {
    /// One of the partner's domains, as named in our organization relationship.
    pub domain: String,
    /// True when the partner's Autodiscover answered as Exchange Online (`outlook.com`).
    pub exchange_online: bool,
    /// The `ApplicationUri` its `GetFederationInformation` answer published, when one was read.
    #[serde(default)]
    pub application_uri: Option<String>,
}
