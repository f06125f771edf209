//! The EWS `GetUserAvailability` client for the free/busy proof: our own EWS, signed in as an
//! administrator has it, through the same verified-TLS, proxy-aware, bounded client as
//! discovery and the probes.
//!
//! Authentication: Basic (a stored credential) over https only, through reqwest. The current
//! Windows identity (Negotiate/Kerberos) needs an SSPI client; none is wired in yet, so asking
//! for it is a clear error instead of a hand-written protocol.

use std::time::Instant;

use fedshare_ews::{parse_response, AvailabilityQuery, EwsError, MailboxAnswer};
use serde::{Deserialize, Serialize};

use crate::discovery::http::{millis, Http, HttpFailure};
use crate::error::DnsError;

/// How we sign in to our EWS.
pub enum EwsAuth<'a> {
    /// A stored credential; the password goes only into the Authorization header.
    Basic { user: &'a str, password: &'a str },
    /// The current Windows identity.
    Negotiate,
}

impl std::fmt::Debug for EwsAuth<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EwsAuth::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            EwsAuth::Negotiate => f.write_str("Negotiate"),
        }
    }
}

/// What our EWS said, before any decoding of the per-mailbox errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum EwsOutcome {
    /// A readable response: one answer per mailbox.
    #[serde(rename_all = "camelCase")]
    Answered {
        answers: Vec<MailboxAnswer>,
        elapsed_ms: u64,
    },
    /// Our EWS refused the sign-in (401) or answered with another status and no response.
    #[serde(rename_all = "camelCase")]
    Status {
        status: u16,
        /// The schemes offered (`WWW-Authenticate`), on a 401.
        offered: Vec<String>,
        /// A SOAP fault's text, when the body was one.
        fault: Option<String>,
    },
    /// No HTTP answer (name, connection, TLS, time, size).
    Failed { failure: HttpFailure },
    /// An answer that is not a GetUserAvailability response.
    Unreadable { reason: String },
}

/// Sends `query` to `url` (our EWS, `https://…/EWS/Exchange.asmx`).
pub async fn get_user_availability(
    http: &Http,
    url: &str,
    auth: &EwsAuth<'_>,
    query: &AvailabilityQuery,
) -> Result<EwsOutcome, DnsError> {
    let mut target = url::Url::parse(url).map_err(|_| DnsError::InvalidEwsUrl(url.to_owned()))?;
    if target.scheme() != "https" {
        // Basic sends the password as is: never over http.
        return Err(DnsError::InvalidEwsUrl(url.to_owned()));
    }
    if target.port().is_none() && http.options().https_port != 443 {
        let _ = target.set_port(Some(http.options().https_port));
    }
    let request = http
        .client
        .post(target.as_str())
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", fedshare_ews::SOAP_ACTION)
        .body(query.to_envelope());
    let request = match auth {
        EwsAuth::Basic { user, password } => request.basic_auth(user, Some(password)),
        EwsAuth::Negotiate => return Err(DnsError::NegotiateUnsupported),
    };
    let started = Instant::now();
    let fetched = match http.fetch(request).await {
        Ok(f) => f,
        Err(failure) => return Ok(EwsOutcome::Failed { failure }),
    };
    let elapsed_ms = millis(started.elapsed());
    if fetched.status == 200 {
        return Ok(match parse_response(&fetched.body) {
            Ok(answers) => EwsOutcome::Answered {
                answers,
                elapsed_ms,
            },
            Err(e) => EwsOutcome::Unreadable {
                reason: e.to_string(),
            },
        });
    }
    let offered = fetched
        .headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(' ').next().unwrap_or(v).to_owned())
        .collect();
    let fault = match parse_response(&fetched.body) {
        Err(EwsError::SoapFault { message, .. }) => Some(message),
        _ => None,
    };
    Ok(EwsOutcome::Status {
        status: fetched.status,
        offered,
        fault,
    })
}
