//! Partner organisations as data: what each lab host answers to Autodiscover.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

/// The business-instance security token service every federated org uses.
pub const MICROSOFT_ONLINE_URI: &str = "urn:federation:MicrosoftOnline";
pub const MICROSOFT_ONLINE_ENDPOINT: &str = "https://login.microsoftonline.com/extSTS.srf";
/// The ApplicationUri Exchange Online answers with.
pub const EXCHANGE_ONLINE_APPLICATION_URI: &str = "outlook.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenIssuer {
    pub uri: String,
    pub endpoint: String,
}

impl TokenIssuer {
    pub fn microsoft_online() -> Self {
        TokenIssuer {
            uri: MICROSOFT_ONLINE_URI.to_owned(),
            endpoint: MICROSOFT_ONLINE_ENDPOINT.to_owned(),
        }
    }
}

/// What an Exchange 2013 organisation returns from GetFederationInformation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FederationInfo {
    pub application_uri: String,
    pub domains: Vec<String>,
    pub token_issuers: Vec<TokenIssuer>,
}

impl FederationInfo {
    /// A federated on-premises organisation: ApplicationUri `FYDIBOHF25SPDLT.<primary>`.
    pub fn on_premises(primary_domain: &str, domains: &[&str]) -> Self {
        FederationInfo {
            application_uri: format!("FYDIBOHF25SPDLT.{primary_domain}"),
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            token_issuers: vec![TokenIssuer::microsoft_online()],
        }
    }

    pub(crate) fn covers(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
    }
}

/// One organisation reachable in the lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerSite {
    /// The organisation's domain, e.g. `fabrikam.com`; its apex web site answers 404.
    pub domain: String,
    /// The host Autodiscover is published on, e.g. `autodiscover.fabrikam.com`.
    pub autodiscover_host: String,
    pub behaviour: PartnerBehaviour,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PartnerBehaviour {
    /// An Exchange 2013 organisation with a fixed federation state.
    Federated(FederationInfo),
    /// Hosted in Office 365: the Autodiscover host redirects (302) to `exo_host`, which
    /// answers as Exchange Online does since 2025 (ApplicationUri `outlook.com`, only the
    /// queried domain in Domains).
    #[serde(rename_all = "camelCase")]
    Office365 { exo_host: String },
    /// Answers from the shared [`FederationInfoTable`] entry for `domain` (the lab's own
    /// organisation): NotFederated until the lab sets an entry.
    FromTable,
    /// A misconfigured or hostile endpoint, for client tests.
    Broken(BrokenKind),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "camelCase")]
pub enum BrokenKind {
    /// The Autodiscover host presents a certificate for `presented_name` only; the plain
    /// HTTP redirect probe points at `presented_name`, where that certificate is right.
    #[serde(rename_all = "camelCase")]
    WrongCertificate {
        presented_name: String,
        federation: Option<FederationInfo>,
    },
    /// The Autodiscover host's certificate expired yesterday.
    #[serde(rename_all = "camelCase")]
    ExpiredCertificate { federation: Option<FederationInfo> },
    /// A 200 answer whose DOCTYPE defines exponentially expanding entities.
    EntityExpansion,
    /// A 200 text/xml answer of `bytes` bytes, generated while streaming, chunked.
    HugeBody { bytes: u64 },
    /// Accepts TLS and the request, then never answers (until the lab stops).
    NeverAnswers,
    /// A valid-looking answer sent one byte every `interval_ms`.
    #[serde(rename_all = "camelCase")]
    Trickle { interval_ms: u64 },
    /// 302 to itself, forever.
    RedirectLoop,
    /// 302 to the same URL over plain `http://`.
    RedirectToHttp,
}

/// Whether an organisation's WS-Security endpoints take partners' tokens: the
/// `WSSecurityAuthentication` setting of its Autodiscover and EWS virtual directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WsSecurity {
    pub autodiscover: bool,
    pub ews: bool,
}

impl Default for WsSecurity {
    fn default() -> Self {
        Self {
            autodiscover: true,
            ews: true,
        }
    }
}

/// How an organisation's servers answer besides their federation information.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerSettings {
    pub ws_security: WsSecurity,
    /// How far the servers' clock is off, in seconds (their HTTP `Date`).
    pub clock_offset_seconds: i64,
}

/// What the lab's Exchange organisations answer that changes at run time, keyed by lowercase
/// organisation domain: their federation answers (its own organisation becoming federated)
/// and their servers' settings. Clones share the same table.
#[derive(Debug, Clone, Default)]
pub struct FederationInfoTable {
    answers: Arc<RwLock<HashMap<String, FederationInfo>>>,
    servers: Arc<RwLock<HashMap<String, ServerSettings>>>,
    /// Federation metadata documents by lowercase host (the trust broker's).
    metadata: Arc<RwLock<HashMap<String, String>>>,
}

impl FederationInfoTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `domain`'s organisation federated with `info` (replacing any earlier answer).
    pub fn set(&self, domain: &str, info: FederationInfo) {
        if let Ok(mut table) = self.answers.write() {
            table.insert(domain.to_ascii_lowercase(), info);
        }
    }

    /// Marks `domain`'s organisation not federated.
    pub fn remove(&self, domain: &str) {
        if let Ok(mut table) = self.answers.write() {
            table.remove(&domain.to_ascii_lowercase());
        }
    }

    pub fn get(&self, domain: &str) -> Option<FederationInfo> {
        self.answers
            .read()
            .ok()
            .and_then(|t| t.get(&domain.to_ascii_lowercase()).cloned())
    }

    pub fn set_server(&self, domain: &str, settings: ServerSettings) {
        if let Ok(mut table) = self.servers.write() {
            table.insert(domain.to_ascii_lowercase(), settings);
        }
    }

    /// Serves `document` as the federation metadata of `host` (the trust broker's
    /// `/FederationMetadata/2006-12/FederationMetadata.xml`).
    pub fn set_metadata(&self, host: &str, document: String) {
        if let Ok(mut table) = self.metadata.write() {
            table.insert(host.to_ascii_lowercase(), document);
        }
    }

    pub fn metadata(&self, host: &str) -> Option<String> {
        self.metadata
            .read()
            .ok()
            .and_then(|t| t.get(&host.to_ascii_lowercase()).cloned())
    }

    /// The settings of `domain`'s servers; Exchange's defaults and the real time when none
    /// were set.
    pub fn server(&self, domain: &str) -> ServerSettings {
        self.servers
            .read()
            .ok()
            .and_then(|t| t.get(&domain.to_ascii_lowercase()).copied())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_shared_between_clones_and_case_insensitive() {
        let table = FederationInfoTable::new();
        let clone = table.clone();
        assert!(table.get("contoso.com").is_none());
        clone.set(
            "Contoso.com",
            FederationInfo::on_premises("contoso.com", &["contoso.com"]),
        );
        let info = table.get("CONTOSO.COM").unwrap();
        assert_eq!(info.application_uri, "FYDIBOHF25SPDLT.contoso.com");
        assert!(info.covers("CONTOSO.com"));
        table.remove("contoso.com");
        assert!(clone.get("contoso.com").is_none());
    }

    #[test]
    fn behaviour_serialises_with_a_kind_tag() {
        let b = PartnerBehaviour::Broken(BrokenKind::Trickle { interval_ms: 50 });
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"broken","fault":"trickle","intervalMs":50}"#
        );
        let back: PartnerBehaviour = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);
    }
}
