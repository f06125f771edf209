//! Probes of our own published side, as a partner sees it: the TLS certificate of
//! `autodiscover.<domain>` and the two WS-Security endpoints partners call.
//!
//! Pre-authentication heuristics (a reverse proxy in front of Exchange breaks federation,
//! because partners present no user credentials):
//! - a 301/302/303/307 whose Location looks like a sign-in page (`logon`, `login`, `auth`,
//!   `adfs`, `/my.policy` (F5 APM), `/vdesk`, `CookieAuth.dll` (TMG), `owa/auth`) → pre-auth;
//! - any other redirect → not reachable as-is (partners do not follow it);
//! - 401 with a `Basic` or `Forms` challenge, or with no Negotiate/NTLM challenge → a proxy
//!   asks for credentials (IIS on these paths offers Negotiate/NTLM beside WS-Security);
//! - 401 offering only Negotiate/NTLM → Exchange itself answered, but WS-Security
//!   authentication is probably off on the virtual directory;
//! - 404 → the path is not published (or the svc handler mapping is missing);
//! - 200/400/405/415/500 → the request reached a SOAP endpoint: reachable.

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{LOCATION, WWW_AUTHENTICATE};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use crate::discovery::http::{millis, Fetched, HttpFailure};
use crate::discovery::Discoverer;
use crate::tls::{verifier, RecordingVerifier, TlsProblem};

/// The paths partners use (§2, network).
pub const PROBED_PATHS: [&str; 2] = [
    "/autodiscover/autodiscover.svc/WSSecurity",
    "/ews/exchange.asmx/WSSecurity",
];

/// Certificates closer than this to expiry are flagged.
const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
    #[ts(type = "number")]
    pub days_remaining: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TlsReport {
    pub host: String,
    pub port: u16,
    /// The chain verified against the OS store (plus the extra CA) for this host name.
    pub verified: bool,
    pub problem: Option<TlsProblem>,
    pub message: Option<String>,
    /// Leaf first, as the server sent it.
    pub chain: Vec<CertificateInfo>,
    pub expires_soon: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PathVerdict {
    Reachable,
    /// A reverse proxy redirects to a sign-in page.
    PreAuthRedirect,
    /// A reverse proxy asks for credentials (Basic/Forms).
    PreAuthChallenge,
    /// Exchange wants Windows authentication: WS-Security may be disabled on the vdir.
    WsSecurityOff,
    /// Redirected elsewhere: partners do not follow.
    Redirected,
    NotFound,
    Unexpected,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PathProbe {
    pub url: String,
    pub status: Option<u16>,
    pub verdict: PathVerdict,
    pub detail: Option<String>,
    pub failure: Option<HttpFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EndpointProbe {
    pub domain: String,
    pub tls: TlsReport,
    pub paths: Vec<PathProbe>,
    /// The server's clock minus this computer's, from the HTTP `Date` of its answers (whole
    /// seconds; `None` when no answer carried a readable date).
    #[ts(type = "number | null")]
    pub clock_offset_seconds: Option<i64>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl Discoverer {
    /// Probes `autodiscover.<domain>` the way a partner reaches it.
    pub async fn probe_endpoints(&self, domain: &str) -> EndpointProbe {
        let started = Instant::now();
        let host = format!("autodiscover.{}", domain.trim().trim_end_matches('.'));
        let port = self.http().options().https_port;
        let tls = self.probe_tls(&host, port).await;
        let mut paths = Vec::new();
        let mut clock_offset_seconds = None;
        for path in PROBED_PATHS {
            let (probe, offset) = self.probe_path(&host, port, path).await;
            paths.push(probe);
            clock_offset_seconds = clock_offset_seconds.or(offset);
        }
        EndpointProbe {
            domain: domain.to_owned(),
            tls,
            paths,
            clock_offset_seconds,
            elapsed_ms: millis(started.elapsed()),
        }
    }

    /// The handshake a partner makes with `host`, through the same proxy and resolver as
    /// every other request, recording the chain the server presents.
    async fn probe_tls(&self, host: &str, port: u16) -> TlsReport {
        let report = TlsReport {
            host: host.into(),
            port,
            verified: false,
            problem: None,
            message: None,
            chain: Vec::new(),
            expires_soon: false,
        };
        let recording = match verifier(&self.http().options().tls) {
            Ok(v) => Arc::new(RecordingVerifier::new(v)),
            Err(e) => return report.failed(TlsProblem::Other, e.to_string()),
        };
        let client = match self.http().client_with_verifier(recording.clone()) {
            Ok(c) => c,
            Err(e) => return report.failed(TlsProblem::Other, e.to_string()),
        };
        let url = format!("https://{host}:{port}/");
        let outcome = self.http().fetch(client.get(url)).await;
        Self::judged_handshake(report, &recording, outcome)
    }

    fn judged_handshake(
        mut report: TlsReport,
        recording: &RecordingVerifier,
        outcome: Result<Fetched, HttpFailure>,
    ) -> TlsReport {
        let seen = recording.seen.lock().map(|s| s.clone()).unwrap_or_default();
        report.chain = seen.iter().filter_map(|c| certificate_info(c)).collect();
        report.expires_soon = report
            .chain
            .first()
            .is_some_and(|c| c.days_remaining < EXPIRY_WARNING_DAYS);
        match outcome {
            Ok(_) => report.verified = true,
            Err(HttpFailure::Tls { problem, message }) => return report.failed(problem, message),
            // The chain was accepted and what failed came after the handshake: the paths'
            // own probes judge the endpoint.
            Err(_) if recording.accepted() => report.verified = true,
            Err(other) => return report.failed(TlsProblem::Other, other.to_string()),
        }
        report
    }

    /// One path, and the server's clock offset when its answer carried a date.
    async fn probe_path(&self, host: &str, port: u16, path: &str) -> (PathProbe, Option<i64>) {
        let url = match Url::parse(&format!("https://{host}:{port}{path}")) {
            Ok(u) => u,
            Err(e) => {
                let probe = PathProbe {
                    url: path.into(),
                    status: None,
                    verdict: PathVerdict::Failed,
                    detail: Some(e.to_string()),
                    failure: None,
                };
                return (probe, None);
            }
        };
        let fetched = self.http().fetch(self.http().client.get(url.clone())).await;
        let offset = fetched
            .as_ref()
            .ok()
            .and_then(Fetched::clock_offset_seconds);
        (Self::judged(url, fetched), offset)
    }

    fn judged(url: Url, fetched: Result<Fetched, HttpFailure>) -> PathProbe {
        match fetched {
            Ok(f) => {
                let location = f
                    .headers
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                let challenges: Vec<String> = f
                    .headers
                    .get_all(WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(str::to_owned)
                    .collect();
                let (verdict, detail) = judge_path(f.status, location, &challenges);
                PathProbe {
                    url: url.to_string(),
                    status: Some(f.status),
                    verdict,
                    detail,
                    failure: None,
                }
            }
            Err(failure) => PathProbe {
                url: url.to_string(),
                status: None,
                verdict: PathVerdict::Failed,
                detail: None,
                failure: Some(failure),
            },
        }
    }
}

impl TlsReport {
    fn failed(mut self, problem: TlsProblem, message: String) -> Self {
        self.problem = Some(problem);
        self.message = Some(message);
        self
    }
}

/// Applies the heuristics in the module documentation.
pub fn judge_path(
    status: u16,
    location: &str,
    challenges: &[String],
) -> (PathVerdict, Option<String>) {
    const LOGIN_MARKERS: [&str; 9] = [
        "logon",
        "login",
        "signin",
        "/auth",
        "adfs",
        "my.policy",
        "/vdesk",
        "cookieauth.dll",
        "owa/auth",
    ];
    match status {
        301 | 302 | 303 | 307 | 308 => {
            let lower = location.to_ascii_lowercase();
            if LOGIN_MARKERS.iter().any(|m| lower.contains(m)) {
                (PathVerdict::PreAuthRedirect, Some(format!("redirected to a sign-in page ({location}): turn off pre-authentication for this path")))
            } else {
                (
                    PathVerdict::Redirected,
                    Some(format!(
                        "redirected to {location}; partners do not follow redirects here"
                    )),
                )
            }
        }
        401 => {
            let schemes: Vec<String> = challenges
                .iter()
                .map(|c| {
                    c.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase()
                })
                .collect();
            let windows = schemes.iter().any(|s| s == "negotiate" || s == "ntlm");
            let proxy = schemes.iter().any(|s| s == "basic" || s == "forms") || !windows;
            if proxy {
                (
                    PathVerdict::PreAuthChallenge,
                    Some(format!(
                        "401 with {}: a reverse proxy pre-authenticates this path",
                        challenges.join(", ")
                    )),
                )
            } else {
                (PathVerdict::WsSecurityOff, Some("401 asking only for Windows authentication: check WSSecurityAuthentication on the virtual directory".into()))
            }
        }
        404 => (
            PathVerdict::NotFound,
            Some(
                "not found: the path is not published, or the svc handler mapping is missing"
                    .into(),
            ),
        ),
        200 | 400 | 405 | 415 | 500 => (PathVerdict::Reachable, None),
        other => (
            PathVerdict::Unexpected,
            Some(format!("unexpected status {other}")),
        ),
    }
}

fn certificate_info(der: &[u8]) -> Option<CertificateInfo> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let dns_names = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some((*d).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let validity = cert.validity();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Some(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        dns_names,
        not_before: rfc3339(validity.not_before.timestamp()),
        not_after: rfc3339(validity.not_after.timestamp()),
        days_remaining: (validity.not_after.timestamp() - now).div_euclid(86_400),
    })
}

fn rfc3339(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_heuristics() {
        assert_eq!(
            judge_path(302, "https://sts.contoso.com/adfs/ls/?wa=x", &[]).0,
            PathVerdict::PreAuthRedirect
        );
        assert_eq!(
            judge_path(302, "https://other/autodiscover", &[]).0,
            PathVerdict::Redirected
        );
        assert_eq!(
            judge_path(401, "", &["Basic realm=\"proxy\"".into()]).0,
            PathVerdict::PreAuthChallenge
        );
        assert_eq!(
            judge_path(401, "", &["Negotiate".into(), "NTLM".into()]).0,
            PathVerdict::WsSecurityOff
        );
        assert_eq!(judge_path(405, "", &[]).0, PathVerdict::Reachable);
        assert_eq!(judge_path(404, "", &[]).0, PathVerdict::NotFound);
    }
}
