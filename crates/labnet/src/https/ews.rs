//! EWS `GetUserAvailability` on the lab's hosts: our organization's `/EWS/Exchange.asmx`
//! (Basic over https, as the virtual directory allows) and a partner's
//! `/EWS/Exchange.asmx/WSSecurity` (a delegation token in `wsse:Security`). The decisions are
//! the lab's [`AvailabilityService`]; the partner hop is real HTTPS through the lab's port.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use fedshare_ews::{
    parse_response, render_fault, render_response, AvailabilityError, AvailabilityQuery, EwsError,
    MailboxAnswer,
};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};

use super::body::LabBody;
use super::exchange::{not_found, text};
use crate::availability::{AvailabilityService, Caller, LocalStep, MailboxStep, RemoteStep};
use crate::error::LabNetError;

/// EWS reads requests far smaller than this; larger ones are refused unread.
const REQUEST_LIMIT: usize = 256 * 1024;
/// The partner's answer for one day of one mailbox is a few kilobytes.
const ANSWER_LIMIT: usize = 1024 * 1024;
/// The proxy hop's time limit (Exchange's availability proxy gives up in tens of seconds).
const PROXY_TIMEOUT: Duration = Duration::from_secs(20);
const PROXY_EXCEPTION: &str =
    "Microsoft.Exchange.InfoWorker.Common.Availability.ProxyWebRequestProcessingException";

/// Our EWS: authenticate, parse, let the service decide, proxy what goes to partners.
pub(crate) async fn local(
    service: &Arc<dyn AvailabilityService>,
    proxy: Option<&ProxyClient>,
    host: &str,
    request: Request<Incoming>,
) -> Response<LabBody> {
    if request.method() != Method::POST {
        return not_found();
    }
    let caller = basic_caller(&request);
    let query = match read_query(request).await {
        Ok(q) => q,
        Err(response) => return response,
    };
    let steps = match service.local(host, caller.as_ref(), &query) {
        LocalStep::NotServed => return not_found(),
        LocalStep::Unauthorized => return unauthorized(),
        LocalStep::Mailboxes(steps) => steps,
    };
    let mut answers = Vec::with_capacity(steps.len());
    for step in steps {
        answers.push(match step {
            MailboxStep::Answer(answer) => answer,
            MailboxStep::Proxy {
                url,
                query,
                server_name,
            } => match proxy {
                Some(client) => client.send(&url, &query, &server_name).await,
                None => proxy_failed(&server_name, &url, "Unable to connect to the remote server"),
            },
        });
    }
    xml_ok(render_response(&answers))
}

/// A partner's WS-Security EWS: the token and timestamp travel in the SOAP header.
pub(crate) async fn remote(
    service: &Arc<dyn AvailabilityService>,
    domain: &str,
    request: Request<Incoming>,
) -> Option<Response<LabBody>> {
    let query = match read_query(request).await {
        Ok(q) => q,
        Err(response) => return Some(response),
    };
    match service.remote(domain, &query) {
        RemoteStep::NotServed => None,
        RemoteStep::Answer(answers) => Some(xml_ok(render_response(&answers))),
        RemoteStep::SecurityFault(message) => Some(text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/xml; charset=utf-8",
            render_fault("a:InvalidSecurity", &message),
        )),
    }
}

async fn read_query(request: Request<Incoming>) -> Result<AvailabilityQuery, Response<LabBody>> {
    let bad = || text(StatusCode::BAD_REQUEST, "text/html", "Bad Request");
    let body = Limited::new(request.into_body(), REQUEST_LIMIT)
        .collect()
        .await
        .map_err(|_| bad())?
        .to_bytes();
    AvailabilityQuery::parse(&body).map_err(|e| {
        text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/xml; charset=utf-8",
            render_fault("a:ErrorSchemaValidation", &e.to_string()),
        )
    })
}

/// The user of a `Basic` header; the password is looked at only to be non-empty.
fn basic_caller<B>(request: &Request<B>) -> Option<Caller> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    (!user.is_empty() && !password.is_empty()).then(|| Caller {
        user: user.to_owned(),
    })
}

/// IIS on an EWS virtual directory with Windows and Basic authentication.
fn unauthorized() -> Response<LabBody> {
    let mut response = text(StatusCode::UNAUTHORIZED, "text/html", "401 - Unauthorized");
    let headers = response.headers_mut();
    for scheme in ["Negotiate", "NTLM", "Basic realm=\"mail.contoso.com\""] {
        headers.append(WWW_AUTHENTICATE, HeaderValue::from_static(scheme));
    }
    response
}

fn xml_ok(xml: String) -> Response<LabBody> {
    text(StatusCode::OK, "text/xml; charset=utf-8", xml)
}

/// Exchange's answer when the request to the partner fails (ErrorProxyRequestProcessingFailed,
/// 5016, with the inner exception's text).
fn proxy_failed(server: &str, url: &str, inner: &str) -> MailboxAnswer {
    MailboxAnswer::Error(AvailabilityError {
        response_code: "ErrorProxyRequestProcessingFailed".into(),
        message_text: format!("Proxy web request failed. , inner exception: {inner}"),
        exception_type: Some(PROXY_EXCEPTION.into()),
        exception_code: Some(5016),
        exception_server_name: Some(server.to_owned()),
        response_source: Some(url.to_owned()),
    })
}

/// The client our EWS sends partner requests with: every lab name resolves to the lab's HTTPS
/// port; only the lab CA is trusted; no redirects; a time limit.
#[derive(Debug, Clone)]
pub(crate) struct ProxyClient {
    client: reqwest::Client,
    port: u16,
}

impl ProxyClient {
    pub(crate) fn new(https_addr: SocketAddr, ca_pem: &str) -> Result<Self, LabNetError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
            let cert = cert.map_err(|e| LabNetError::ProxyClient(e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| LabNetError::ProxyClient(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(LabNetError::Tls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Loopback(https_addr)))
            .timeout(PROXY_TIMEOUT)
            .user_agent("ASProxy/CrossForest/EmailDomain")
            .build()
            .map_err(|e| LabNetError::ProxyClient(e.to_string()))?;
        Ok(Self {
            client,
            port: https_addr.port(),
        })
    }

    /// Posts `query` to the partner and reads its answer for the one mailbox asked.
    async fn send(&self, url: &str, query: &AvailabilityQuery, server: &str) -> MailboxAnswer {
        let Ok(mut target) = reqwest::Url::parse(url) else {
            return proxy_failed(
                server,
                url,
                "Invalid URI: The hostname could not be parsed.",
            );
        };
        let _ = target.set_port(Some(self.port));
        let sent = self
            .client
            .post(target)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", fedshare_ews::SOAP_ACTION)
            .body(query.to_envelope())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return proxy_failed(server, url, "The operation has timed out")
            }
            Err(_) => {
                return proxy_failed(
                    server,
                    url,
                    "System.Net.WebException: Unable to connect to the remote server",
                )
            }
        };
        let status = response.status().as_u16();
        let body = match read_bounded(response).await {
            Some(b) => b,
            None => return proxy_failed(server, url, "Response is not well-formed XML."),
        };
        if status == 401 {
            return proxy_failed(
                server,
                url,
                "The request failed with HTTP status 401: Unauthorized.",
            );
        }
        match parse_response(&body) {
            Ok(mut answers) if status == 200 && !answers.is_empty() => {
                let mut answer = answers.swap_remove(0);
                if let MailboxAnswer::Error(e) = &mut answer {
                    e.response_source.get_or_insert_with(|| url.to_owned());
                }
                answer
            }
            Err(EwsError::SoapFault { message, .. }) => proxy_failed(server, url, &message),
            _ => proxy_failed(
                server,
                url,
                &format!("The request failed with HTTP status {status}."),
            ),
        }
    }
}

async fn read_bounded(response: reqwest::Response) -> Option<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|l| l > ANSWER_LIMIT as u64)
    {
        return None;
    }
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > ANSWER_LIMIT {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

/// Every lab name is served on the lab's one HTTPS address.
#[derive(Debug)]
struct Loopback(SocketAddr);

impl reqwest::dns::Resolve for Loopback {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let addr = self.0;
        Box::pin(async move {
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_basic_with_a_user_and_a_password_signs_in() {
        let with = |value: &str| {
            let req = Request::builder()
                .header(AUTHORIZATION, value)
                .body(())
                .expect("request");
            basic_caller(&req)
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode("alexw@contoso.com:pw");
        assert_eq!(
            with(&format!("Basic {encoded}")).map(|c| c.user).as_deref(),
            Some("alexw@contoso.com")
        );
        let empty = base64::engine::general_purpose::STANDARD.encode("alexw@contoso.com:");
        assert_eq!(with(&format!("Basic {empty}")), None);
        assert_eq!(with("Negotiate YII="), None);
    }
}
