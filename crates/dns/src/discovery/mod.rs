//! Partner discovery: our own GetFederationInformation client, in the order Exchange 2013's
//! `Get-FederationInformation` uses (§4), with every attempt recorded for the UI.

pub mod http;
mod result;
pub mod soap;

use std::collections::HashSet;
use std::time::Instant;

use reqwest::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

pub use http::{DiscoveryOptions, Http, HttpFailure};
pub use result::{ExchangeOnline, FederationInfo};
pub use soap::TokenIssuer;

use crate::error::Result;
use http::millis;

/// Exchange follows at most this many SOAP redirects (§4.4).
pub const MAX_SOAP_REDIRECTS: usize = 5;

/// Which discovery step an attempt belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DiscoveryStep {
    /// `https://autodiscover.<domain>/autodiscover/autodiscover.svc`
    AutodiscoverHost,
    /// `https://<domain>/autodiscover/autodiscover.svc`
    DomainHost,
    /// `GET http://autodiscover.<domain>/autodiscover/autodiscover.xml`, then SOAP to the target.
    RedirectProbeAutodiscover,
    /// `GET http://<domain>/autodiscover/autodiscover.xml`, then SOAP to the target.
    RedirectProbeDomain,
}

/// What one request led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum AttemptOutcome {
    Success,
    /// A 302 that was followed.
    #[serde(rename_all = "camelCase")]
    Redirect {
        location: String,
    },
    /// A redirect that was not followed, and why (not 302, not https, loop, too many).
    #[serde(rename_all = "camelCase")]
    RedirectRefused {
        location: String,
        reason: String,
    },
    #[serde(rename_all = "camelCase")]
    HttpStatus {
        status: u16,
    },
    /// The response was refused: hostile or malformed XML, or a §4.6 validation failure.
    #[serde(rename_all = "camelCase")]
    Invalid {
        reason: String,
    },
    #[serde(rename_all = "camelCase")]
    Failed {
        failure: HttpFailure,
    },
}

impl std::fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttemptOutcome::Success => f.write_str("answered"),
            AttemptOutcome::Redirect { location } => write!(f, "302 to {location}"),
            AttemptOutcome::RedirectRefused { location, reason } => {
                write!(f, "redirect to {location} not followed: {reason}")
            }
            AttemptOutcome::HttpStatus { status } => write!(f, "HTTP {status}"),
            AttemptOutcome::Invalid { reason } => write!(f, "answer refused: {reason}"),
            AttemptOutcome::Failed { failure } => write!(f, "{failure}"),
        }
    }
}

/// One request made during discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Attempt {
    pub step: DiscoveryStep,
    pub method: String,
    pub url: String,
    pub outcome: AttemptOutcome,
    /// The outcome in an administrator's words (the same text in the app, CLI and checks).
    pub summary: String,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// An answer reached through the unauthenticated HTTP redirect: Exchange asks before using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnsecuredRedirect {
    pub from: String,
    pub host: String,
    /// The host is in `trusted_hostnames` (pass it to `-TrustedHostnames`).
    pub trusted: bool,
}

/// Everything `fedshare partner info DOMAIN` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PartnerDiscovery {
    pub domain: String,
    pub attempts: Vec<Attempt>,
    pub result: Option<FederationInfo>,
    pub unsecured_redirect: Option<UnsecuredRedirect>,
    pub warnings: Vec<String>,
    /// The partner server's clock minus this computer's, from the HTTP `Date` of the answer
    /// that gave the result: several partners together are a reference for real time that
    /// does not depend on this computer's clock.
    #[ts(type = "number | null")]
    pub clock_offset_seconds: Option<i64>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// Runs discoveries and probes with one shared HTTP client.
#[derive(Debug, Clone)]
pub struct Discoverer {
    http: Http,
}

/// One-off discovery; for many partners build a [`Discoverer`] once.
pub async fn discover_partner(domain: &str, opts: DiscoveryOptions) -> Result<PartnerDiscovery> {
    Ok(Discoverer::new(opts)?.discover(domain).await)
}

impl Discoverer {
    pub fn new(opts: DiscoveryOptions) -> Result<Self> {
        Ok(Self {
            http: Http::new(opts)?,
        })
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    /// The four steps of §4.3 in order, stopping at the first valid answer.
    pub async fn discover(&self, domain: &str) -> PartnerDiscovery {
        let started = Instant::now();
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let mut run = Run {
            domain: domain.clone(),
            attempts: Vec::new(),
            clock_offset_seconds: None,
        };
        let mut result = None;
        let mut unsecured = None;
        for (step, host) in [
            (
                DiscoveryStep::AutodiscoverHost,
                format!("autodiscover.{domain}"),
            ),
            (DiscoveryStep::DomainHost, domain.clone()),
        ] {
            if let Some(url) = self.svc_url(&host) {
                result = self.soap_chain(&mut run, step, url).await;
                if result.is_some() {
                    break;
                }
            }
        }
        if result.is_none() {
            for (step, host) in [
                (
                    DiscoveryStep::RedirectProbeAutodiscover,
                    format!("autodiscover.{domain}"),
                ),
                (DiscoveryStep::RedirectProbeDomain, domain.clone()),
            ] {
                let Some(target) = self.redirect_probe(&mut run, step, &host).await else {
                    continue;
                };
                result = self.soap_chain(&mut run, step, target.clone()).await;
                if result.is_some() {
                    let host = target.host_str().unwrap_or_default().to_owned();
                    unsecured = Some(UnsecuredRedirect {
                        from: format!(
                            "http://{host_from}/autodiscover/autodiscover.xml",
                            host_from = host_of(&run, step)
                        ),
                        trusted: self.trusted(&host),
                        host,
                    });
                    break;
                }
            }
        }
        let warnings = result
            .as_ref()
            .map(FederationInfo::warnings)
            .unwrap_or_default();
        PartnerDiscovery {
            domain,
            attempts: run.attempts,
            result,
            unsecured_redirect: unsecured,
            warnings,
            clock_offset_seconds: run.clock_offset_seconds,
            elapsed_ms: millis(started.elapsed()),
        }
    }

    /// Trusted as Exchange trusts it: listed in `-TrustedHostnames` or one of the
    /// organization's Autodiscover trusted hosters (`*.outlook.com` by default).
    fn trusted(&self, host: &str) -> bool {
        let opts = &self.http.opts;
        opts.trusted_hostnames
            .iter()
            .chain(&opts.trusted_hosters)
            .any(|t| host_matches(t, host))
    }

    /// `https://<host>[:port]/autodiscover/autodiscover.svc`, with the world's HTTPS port.
    ///
    /// The port is the world's, never a server's: on the Internet it is 443 and the URL has
    /// none, as Exchange builds it. The lab world serves every host name on one loopback port
    /// and sets it here, in the URL rather than in the resolver, so the port also reaches a
    /// CONNECT proxy (which resolves and connects by itself) and the attempts show where each
    /// request really went.
    fn svc_url(&self, host: &str) -> Option<Url> {
        let mut url = Url::parse(&format!("https://{host}/autodiscover/autodiscover.svc")).ok()?;
        if self.http.opts.https_port != 443 {
            url.set_port(Some(self.http.opts.https_port)).ok()?;
        }
        Some(url)
    }

    /// POSTs to `url`, following at most five 302s to https only, keeping only the host and
    /// rebuilding the path (§4.4).
    async fn soap_chain(
        &self,
        run: &mut Run,
        step: DiscoveryStep,
        mut url: Url,
    ) -> Option<FederationInfo> {
        let mut seen: HashSet<String> = HashSet::from([url.to_string()]);
        for redirects in 0..=MAX_SOAP_REDIRECTS {
            let started = Instant::now();
            let outcome = self.soap_once(&run.domain, &url).await;
            let (outcome, next) = match outcome {
                SoapResult::Done { info, clock_offset } => {
                    run.record(step, "POST", &url, AttemptOutcome::Success, started);
                    run.clock_offset_seconds = clock_offset;
                    return Some(*info);
                }
                SoapResult::Stop(outcome) => (outcome, None),
                SoapResult::Redirect(location) => {
                    self.follow(&url, &location, redirects, &mut seen)
                }
            };
            run.record(step, "POST", &url, outcome, started);
            url = next?;
        }
        None
    }

    fn follow(
        &self,
        from: &Url,
        location: &str,
        redirects: usize,
        seen: &mut HashSet<String>,
    ) -> (AttemptOutcome, Option<Url>) {
        let refuse = |reason: &str| {
            (
                AttemptOutcome::RedirectRefused {
                    location: location.to_owned(),
                    reason: reason.to_owned(),
                },
                None,
            )
        };
        // Exchange follows only an absolute URI (`Uri.IsWellFormedUriString(.., Absolute)`).
        let Ok(target) = Url::parse(location) else {
            return refuse(
                "the Location is not an absolute URL (Exchange follows only absolute ones)",
            );
        };
        if target.scheme() != "https" {
            return refuse("redirects to anything but https are refused");
        }
        if redirects >= MAX_SOAP_REDIRECTS {
            return refuse("more than 5 redirects");
        }
        let Some(next) = self.rebuild(from, &target) else {
            return refuse("the Location has no host");
        };
        if !seen.insert(next.to_string()) {
            return refuse("redirect loop");
        }
        (
            AttemptOutcome::Redirect {
                location: location.to_owned(),
            },
            Some(next),
        )
    }

    /// Only the redirect's host is kept, as Exchange's `UriBuilder { Scheme = https, Host }`
    /// keeps it: the path is Exchange's own and the Location's port is dropped for the world's.
    fn rebuild(&self, from: &Url, target: &Url) -> Option<Url> {
        let host = target.host_str()?;
        let suffix = if from
            .path()
            .to_ascii_lowercase()
            .trim_end_matches('/')
            .ends_with("/wssecurity")
        {
            "/WSSecurity"
        } else {
            ""
        };
        let mut url = Url::parse(&format!(
            "https://{host}/autodiscover/autodiscover.svc{suffix}"
        ))
        .ok()?;
        let port = self.http.opts.https_port;
        if port != 443 {
            url.set_port(Some(port)).ok()?;
        }
        Some(url)
    }

    async fn soap_once(&self, domain: &str, url: &Url) -> SoapResult {
        let request = self
            .http
            .client
            .post(url.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"))
            .header("SOAPAction", HeaderValue::from_static(concat!("\"", "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformation", "\"")))
            .body(soap::request_body(domain, url.as_str()));
        let fetched = match self.http.fetch(request).await {
            Ok(f) => f,
            Err(failure) => return SoapResult::Stop(AttemptOutcome::Failed { failure }),
        };
        if (300..400).contains(&fetched.status) {
            let location = header(&fetched.headers, LOCATION);
            if fetched.status == 302 {
                return SoapResult::Redirect(location);
            }
            return SoapResult::Stop(AttemptOutcome::RedirectRefused {
                location,
                reason: format!("status {} (only 302 is followed)", fetched.status),
            });
        }
        if fetched.status != 200 {
            return SoapResult::Stop(AttemptOutcome::HttpStatus {
                status: fetched.status,
            });
        }
        let parsed = match soap::parse_response(&fetched.body) {
            Ok(p) => p,
            Err(reason) => return SoapResult::Stop(AttemptOutcome::Invalid { reason }),
        };
        if let Err(reason) = soap::validate(&parsed, domain) {
            return SoapResult::Stop(AttemptOutcome::Invalid { reason });
        }
        SoapResult::Done {
            info: Box::new(FederationInfo::from_response(domain, url, parsed)),
            clock_offset: fetched.clock_offset_seconds(),
        }
    }

    /// The unauthenticated GET: must be a 302 to an absolute https URL whose path and query
    /// are `/autodiscover/autodiscover.xml` (§4.3.3). Returns the SOAP URL on that host.
    async fn redirect_probe(&self, run: &mut Run, step: DiscoveryStep, host: &str) -> Option<Url> {
        let started = Instant::now();
        let mut url = Url::parse(&format!("http://{host}/autodiscover/autodiscover.xml")).ok()?;
        if self.http.opts.http_port != 80 {
            url.set_port(Some(self.http.opts.http_port)).ok()?;
        }
        let fetched = match self.http.fetch(self.http.client.get(url.clone())).await {
            Ok(f) => f,
            Err(failure) => {
                run.record(
                    step,
                    "GET",
                    &url,
                    AttemptOutcome::Failed { failure },
                    started,
                );
                return None;
            }
        };
        let location = header(&fetched.headers, LOCATION);
        let (outcome, target) = self.judge_probe(fetched.status, &location);
        run.record(step, "GET", &url, outcome, started);
        target
    }

    fn judge_probe(&self, status: u16, location: &str) -> (AttemptOutcome, Option<Url>) {
        let refuse = |reason: &str| {
            (
                AttemptOutcome::RedirectRefused {
                    location: location.to_owned(),
                    reason: reason.into(),
                },
                None,
            )
        };
        if status != 302 {
            return (AttemptOutcome::HttpStatus { status }, None);
        }
        let Ok(target) = Url::parse(location) else {
            return refuse("the Location is not an absolute URL");
        };
        if target.scheme() != "https" {
            return refuse("the redirect does not lead to https");
        }
        let path_query = match target.query() {
            Some(q) => format!("{}?{q}", target.path()),
            None => target.path().to_owned(),
        };
        if !path_query.eq_ignore_ascii_case("/autodiscover/autodiscover.xml") {
            return refuse("the redirect path is not /autodiscover/autodiscover.xml");
        }
        let base = Url::parse("https://placeholder/autodiscover/autodiscover.svc").ok();
        match base.and_then(|b| self.rebuild(&b, &target)) {
            Some(svc) => (
                AttemptOutcome::Redirect {
                    location: location.to_owned(),
                },
                Some(svc),
            ),
            None => refuse("the Location has no host"),
        }
    }
}

enum SoapResult {
    Done {
        info: Box<FederationInfo>,
        clock_offset: Option<i64>,
    },
    Stop(AttemptOutcome),
    Redirect(String),
}

struct Run {
    domain: String,
    attempts: Vec<Attempt>,
    clock_offset_seconds: Option<i64>,
}

impl Run {
    fn record(
        &mut self,
        step: DiscoveryStep,
        method: &str,
        url: &Url,
        outcome: AttemptOutcome,
        started: Instant,
    ) {
        self.attempts.push(Attempt {
            step,
            method: method.into(),
            url: url.to_string(),
            summary: outcome.to_string(),
            outcome,
            elapsed_ms: millis(started.elapsed()),
        });
    }
}

fn host_of(run: &Run, step: DiscoveryStep) -> String {
    match step {
        DiscoveryStep::RedirectProbeAutodiscover | DiscoveryStep::AutodiscoverHost => {
            format!("autodiscover.{}", run.domain)
        }
        _ => run.domain.clone(),
    }
}

fn header(headers: &reqwest::header::HeaderMap, name: reqwest::header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Exchange's trusted-host rule: exact, or `*.x` matching `x` and any host under `.x`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(base) => host == base || host.ends_with(&format!(".{base}")),
        None => host == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discoverer(https_port: u16) -> Discoverer {
        Discoverer::new(DiscoveryOptions {
            https_port,
            ..DiscoveryOptions::default()
        })
        .expect("discoverer")
    }

    fn svc(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    #[test]
    fn office365_hosts_are_trusted_as_exchange_trusts_its_hosters() {
        let d = discoverer(443);
        assert!(d.trusted("autodiscover-s.outlook.com"));
        assert!(d.trusted("outlook.com"));
        assert!(!d.trusted("outlook.com.evil.test"));
        assert!(!d.trusted("mail.fabrikam.com"));

        let mut opts = DiscoveryOptions {
            trusted_hostnames: vec!["mail.fabrikam.com".into()],
            ..DiscoveryOptions::default()
        };
        assert!(Discoverer::new(opts.clone())
            .expect("d")
            .trusted("mail.fabrikam.com"));
        // An organization that emptied its trusted hosters trusts only what it lists.
        opts.trusted_hosters.clear();
        let narrow = Discoverer::new(opts).expect("d");
        assert!(!narrow.trusted("autodiscover-s.outlook.com"));
        assert!(narrow.trusted("mail.fabrikam.com"));
    }

    #[test]
    fn a_relative_location_is_refused() {
        let d = discoverer(443);
        let from = svc("https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc");
        let mut seen = HashSet::new();
        for relative in [
            "/autodiscover/autodiscover.svc",
            "other/autodiscover.svc",
            "//x.test/a",
        ] {
            let (outcome, next) = d.follow(&from, relative, 0, &mut seen);
            assert!(next.is_none(), "{relative} followed");
            assert!(
                matches!(&outcome, AttemptOutcome::RedirectRefused { reason, .. }
                    if reason.contains("not an absolute URL")),
                "{relative}: {outcome:?}"
            );
        }
        let (_, next) = d.follow(
            &from,
            "https://mail.fabrikam.com/autodiscover/autodiscover.svc",
            0,
            &mut seen,
        );
        assert!(next.is_some(), "an absolute https Location is followed");
    }

    #[test]
    fn the_port_of_a_redirect_is_dropped() {
        let d = discoverer(443);
        let from =
            svc("https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity");
        let mut seen = HashSet::new();
        let (_, next) = d.follow(
            &from,
            "https://mail.fabrikam.com:8443/some/where?x=1",
            0,
            &mut seen,
        );
        assert_eq!(
            next.expect("followed").as_str(),
            "https://mail.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity"
        );
        // The unauthenticated probe's target too.
        let (_, target) = d.judge_probe(
            302,
            "https://mail.fabrikam.com:8443/autodiscover/autodiscover.xml",
        );
        assert_eq!(
            target.expect("followed").as_str(),
            "https://mail.fabrikam.com/autodiscover/autodiscover.svc"
        );
    }

    #[test]
    fn the_lab_world_puts_its_own_port_on_every_url() {
        let lab = discoverer(8443);
        assert_eq!(
            lab.svc_url("autodiscover.fabrikam.com")
                .expect("url")
                .as_str(),
            "https://autodiscover.fabrikam.com:8443/autodiscover/autodiscover.svc"
        );
        let from = svc("https://autodiscover.fabrikam.com:8443/autodiscover/autodiscover.svc");
        let (_, next) = lab.follow(
            &from,
            "https://mail.fabrikam.com:9999/",
            0,
            &mut HashSet::new(),
        );
        assert_eq!(
            next.expect("followed").as_str(),
            "https://mail.fabrikam.com:8443/autodiscover/autodiscover.svc"
        );
    }
}
