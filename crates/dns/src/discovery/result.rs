//! The discovered federation information, shaped like Exchange's `FederationInformation`
//! output, ready for the organization relationship step.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::soap::{GfiResponse, TokenIssuer};

/// The business-instance STS every Exchange 2013 trust uses.
const BUSINESS_STS: &str = "urn:federation:MicrosoftOnline";

/// A partner hosted in Exchange Online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExchangeOnline {
    /// `outlook.com`, `autodiscover-s.outlook.com`.
    Worldwide,
    /// GCC High: `office365.us`.
    GccHigh,
}

impl std::fmt::Display for ExchangeOnline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExchangeOnline::Worldwide => "Exchange Online (worldwide)",
            ExchangeOnline::GccHigh => "Exchange Online (GCC High)",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FederationInfo {
    pub domain_name: String,
    /// Goes into the relationship's `TargetApplicationUri`.
    pub target_application_uri: String,
    /// Goes into `TargetAutodiscoverEpr`: the answering URL with `/WSSecurity`.
    pub target_autodiscover_epr: String,
    pub token_issuer_uris: Vec<String>,
    pub token_issuers: Vec<TokenIssuer>,
    pub domain_names: Vec<String>,
    /// The URL that answered.
    pub source_url: String,
    pub exchange_online: Option<ExchangeOnline>,
}

impl FederationInfo {
    pub(crate) fn from_response(domain: &str, url: &Url, resp: GfiResponse) -> Self {
        let application_uri = resp.application_uri.unwrap_or_default();
        let token_issuer_uris = resp
            .token_issuers
            .iter()
            .filter_map(|t| t.uri.clone())
            .filter(|u| !u.is_empty())
            .collect();
        Self {
            domain_name: domain.to_owned(),
            exchange_online: exchange_online(&application_uri, url),
            target_application_uri: application_uri,
            target_autodiscover_epr: fedshare_exchange::ws_security_url(url.as_str()),
            token_issuer_uris,
            token_issuers: resp.token_issuers,
            domain_names: resp.domains,
            source_url: url.to_string(),
        }
    }

    /// Exchange's §4.9 warning: an issuer that is not the local STS.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .token_issuer_uris
            .iter()
            .filter(|u| *u != BUSINESS_STS)
            .map(|u| format!("token issuer {u} is not {BUSINESS_STS}: both organizations must use the same instance"))
            .collect();
        if self.domain_names.len() == 1 && self.exchange_online.is_some() {
            out.push("Exchange Online returns only the queried domain; ask the partner for its full domain list".into());
        }
        out
    }
}

fn exchange_online(application_uri: &str, url: &Url) -> Option<ExchangeOnline> {
    let app = application_uri.trim_end_matches('/').to_ascii_lowercase();
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if app == "office365.us" || host.ends_with(".office365.us") {
        return Some(ExchangeOnline::GccHigh);
    }
    if app == "outlook.com" || host.starts_with("autodiscover-s.") || host.ends_with(".outlook.com")
    {
        return Some(ExchangeOnline::Worldwide);
    }
    None
}
