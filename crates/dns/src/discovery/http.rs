//! The HTTP client for Autodiscover and probes: TLS from `tls`, no automatic redirects,
//! bounded body reads, and a total deadline per request (a trickling server cannot hold us).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use rustls::client::danger::ServerCertVerifier;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{DnsError, Result};
use crate::resolve::{HostResolver, ListedResolver};
use crate::tls::{
    client_config, describe_tls_error, find_rustls_error, verifier, TlsOptions, TlsProblem,
};

/// Everything that bounds and directs discovery and probes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiscoveryOptions {
    /// The port of every `https://` URL discovery builds, its own and each redirect's (443
    /// on the Internet; the lab world serves every host on one high loopback port).
    pub https_port: u16,
    /// The port of the `http://` redirect probe (80; the lab's own port in the lab world).
    pub http_port: u16,
    pub resolver: HostResolver,
    pub tls: TlsOptions,
    pub connect_timeout: Duration,
    /// Longest silence between two reads.
    pub read_timeout: Duration,
    /// Longest a single request may take in total, body included.
    pub request_deadline: Duration,
    pub max_body_bytes: usize,
    /// Host names trusted for an unsecured redirect (Exchange's `-TrustedHostnames`).
    pub trusted_hostnames: Vec<String>,
    /// The organization's "Autodiscover trusted hosters" from Active Directory, which
    /// Exchange trusts beside `-TrustedHostnames` (`GetAutodiscoverTrustedHosters()`);
    /// `*.outlook.com` unless the organization changed it.
    pub trusted_hosters: Vec<String>,
}

/// Exchange's default Autodiscover trusted hosters.
pub const DEFAULT_TRUSTED_HOSTERS: &[&str] = &["*.outlook.com"];

impl Default for DiscoveryOptions {
    fn default() -> Self {
        Self {
            https_port: 443,
            http_port: 80,
            resolver: HostResolver::System,
            tls: TlsOptions::default(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(15),
            // Exchange's own client uses 30 s.
            request_deadline: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            trusted_hostnames: Vec::new(),
            trusted_hosters: DEFAULT_TRUSTED_HOSTERS
                .iter()
                .map(|h| (*h).to_owned())
                .collect(),
        }
    }
}

/// Why a request gave no usable response. Serialised into attempt records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum HttpFailure {
    #[serde(rename_all = "camelCase")]
    Dns { message: String },
    #[serde(rename_all = "camelCase")]
    Connect { message: String },
    #[serde(rename_all = "camelCase")]
    Tls {
        problem: TlsProblem,
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Timeout { after_ms: u64 },
    #[serde(rename_all = "camelCase")]
    BodyTooLarge { limit: usize },
    #[serde(rename_all = "camelCase")]
    Other { message: String },
}

impl std::fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpFailure::Dns { message } => write!(f, "name not resolved: {message}"),
            HttpFailure::Connect { message } => write!(f, "no connection: {message}"),
            HttpFailure::Tls { problem, message } => write!(f, "TLS: {problem} ({message})"),
            HttpFailure::Timeout { after_ms: 0 } => f.write_str("no answer in time"),
            HttpFailure::Timeout { after_ms } => write!(f, "no answer within {after_ms} ms"),
            HttpFailure::BodyTooLarge { limit } => {
                write!(f, "answer larger than {limit} bytes, not read further")
            }
            HttpFailure::Other { message } => f.write_str(message),
        }
    }
}

/// A response with its body read (bounded).
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    /// The server's clock minus this computer's, from the `Date` header (whole seconds, as
    /// HTTP dates have); `None` without a readable date.
    pub fn clock_offset_seconds(&self) -> Option<i64> {
        clock_offset(&self.headers, std::time::SystemTime::now())
    }
}

/// The `Date` header minus `now`, in whole seconds (HTTP dates have one-second resolution).
fn clock_offset(headers: &reqwest::header::HeaderMap, now: std::time::SystemTime) -> Option<i64> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    let server = httpdate::parse_http_date(text).ok()?;
    let seconds = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
    };
    Some(seconds(server)? - seconds(now)?)
}

/// The shared client and the limits it runs under.
#[derive(Debug, Clone)]
pub struct Http {
    pub(crate) client: Client,
    pub(crate) opts: Arc<DiscoveryOptions>,
    pub(crate) resolver: Option<ListedResolver>,
}

impl Http {
    pub fn new(opts: DiscoveryOptions) -> Result<Self> {
        let resolver = match &opts.resolver {
            HostResolver::System => None,
            // Half the connect timeout: the TCP handshake after it gets the rest.
            HostResolver::Servers(list) => {
                Some(ListedResolver::new(list, opts.connect_timeout / 2)?)
            }
        };
        let client = build_client(&opts, verifier(&opts.tls)?, resolver.as_ref())?;
        Ok(Self {
            client,
            opts: Arc::new(opts),
            resolver,
        })
    }

    /// A client like the shared one (proxy, resolver, timeouts) whose handshakes go through
    /// `verifier`: the endpoint probe records the chain a server presents with it.
    pub(crate) fn client_with_verifier(
        &self,
        verifier: Arc<dyn ServerCertVerifier>,
    ) -> Result<Client> {
        build_client(&self.opts, verifier, self.resolver.as_ref())
    }

    pub fn options(&self) -> &DiscoveryOptions {
        &self.opts
    }

    /// Sends `request` and reads the body, all within the request deadline.
    pub(crate) async fn fetch(
        &self,
        request: reqwest::RequestBuilder,
    ) -> std::result::Result<Fetched, HttpFailure> {
        let started = Instant::now();
        let deadline = self.opts.request_deadline;
        match tokio::time::timeout(deadline, self.fetch_unbounded(request)).await {
            Ok(result) => result,
            Err(_) => Err(HttpFailure::Timeout {
                after_ms: millis(started.elapsed()),
            }),
        }
    }

    async fn fetch_unbounded(
        &self,
        request: reqwest::RequestBuilder,
    ) -> std::result::Result<Fetched, HttpFailure> {
        let mut response = request.send().await.map_err(|e| classify(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_limited(&mut response, self.opts.max_body_bytes).await?;
        Ok(Fetched {
            status,
            headers,
            body,
        })
    }
}

/// Every HTTP client Fedshare makes: certificates verified by `verifier`, no automatic
/// redirects (discovery judges each one), and the system's and environment's proxy settings
/// (reqwest's default), so a workstation behind a corporate proxy reaches partners as its
/// browser does.
fn build_client(
    opts: &DiscoveryOptions,
    verifier: Arc<dyn ServerCertVerifier>,
    resolver: Option<&ListedResolver>,
) -> Result<Client> {
    let mut builder = Client::builder()
        .tls_backend_preconfigured(client_config(verifier)?)
        .redirect(Policy::none())
        .user_agent("AutodiscoverClient")
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.read_timeout)
        .http1_only();
    if let Some(r) = resolver {
        builder = builder.dns_resolver(Arc::new(r.clone()));
    }
    builder.build().map_err(DnsError::HttpClient)
}

/// Reads at most `limit` bytes; stops (and drops the connection) as soon as it is exceeded.
async fn read_limited(
    response: &mut Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, HttpFailure> {
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(HttpFailure::BodyTooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
        if body.len() + chunk.len() > limit {
            return Err(HttpFailure::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn classify(err: &reqwest::Error) -> HttpFailure {
    if let Some(tls) = find_rustls_error(err) {
        let (problem, message) = describe_tls_error(tls);
        return HttpFailure::Tls { problem, message };
    }
    let chain = error_chain(err);
    // Some connector layers box the rustls error so it cannot be downcast; its text is stable.
    if let Some(at) = chain.find("invalid peer certificate") {
        return HttpFailure::Tls {
            problem: problem_from_text(&chain[at..]),
            message: chain[at..].to_owned(),
        };
    }
    if err.is_timeout() {
        return HttpFailure::Timeout { after_ms: 0 };
    }
    if err.is_connect() {
        if chain.contains("dns error")
            || chain.contains("failed to lookup")
            || chain.contains("no record")
            || chain.contains("resolve")
        {
            return HttpFailure::Dns {
                message: root_cause(err),
            };
        }
        return HttpFailure::Connect {
            message: root_cause(err),
        };
    }
    HttpFailure::Other { message: chain }
}

fn problem_from_text(text: &str) -> TlsProblem {
    let lower = text.to_ascii_lowercase();
    if lower.contains("not valid for name") || lower.contains("notvalidforname") {
        TlsProblem::NameMismatch
    } else if lower.contains("expired") {
        TlsProblem::Expired
    } else if lower.contains("not valid yet") || lower.contains("notvalidyet") {
        TlsProblem::NotYetValid
    } else if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        TlsProblem::UntrustedIssuer
    } else if lower.contains("revoked") {
        TlsProblem::Revoked
    } else {
        TlsProblem::Other
    }
}

/// The innermost error's text ("Connection refused (os error 111)", the resolver's answer):
/// the outer layers only repeat the URL, which the attempt already shows.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.join(": ")
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::AttemptOutcome;
    use crate::tls::TlsProblem;

    #[test]
    fn the_clock_offset_comes_from_the_date_header() {
        let now = std::time::SystemTime::now();
        let ahead = now + std::time::Duration::from_secs(432);
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(clock_offset(&headers, now), None);
        headers.insert(
            reqwest::header::DATE,
            httpdate::fmt_http_date(ahead).parse().expect("header"),
        );
        let offset = clock_offset(&headers, now).expect("an offset");
        assert!((431..=432).contains(&offset), "{offset}");
        headers.insert(reqwest::header::DATE, "yesterday".parse().expect("header"));
        assert_eq!(
            clock_offset(&headers, now),
            None,
            "an unreadable date is no measurement"
        );
    }

    #[test]
    fn failures_read_as_words_not_data() {
        let tls = AttemptOutcome::Failed {
            failure: HttpFailure::Tls {
                problem: TlsProblem::NameMismatch,
                message: "invalid peer certificate: NotValidForName".into(),
            },
        };
        assert_eq!(
            tls.to_string(),
            "TLS: the certificate is for another name (invalid peer certificate: NotValidForName)"
        );
        let slow = HttpFailure::Timeout { after_ms: 30_000 };
        assert_eq!(slow.to_string(), "no answer within 30000 ms");
        let big = HttpFailure::BodyTooLarge { limit: 1_048_576 };
        assert_eq!(
            big.to_string(),
            "answer larger than 1048576 bytes, not read further"
        );
    }
}
