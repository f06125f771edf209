//! What each lab host answers over HTTPS: an Exchange CAS, Exchange Online, a redirecting
//! Office 365 tenant, a plain web site (404), or a hostile endpoint.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use hyper::{Method, Request, Response, StatusCode};

use super::body::LabBody;
use super::sites::{Role, Sites};
use super::soap::{self, Flavor, GfiAnswer, ParseError};
use crate::partner::{
    BrokenKind, FederationInfo, PartnerBehaviour, TokenIssuer, WsSecurity,
    EXCHANGE_ONLINE_APPLICATION_URI,
};
use crate::shutdown::Shutdown;

/// Exchange's HTTP proxy parses an anonymous domain-based request only up to this size.
pub(crate) const BODY_LIMIT: usize = 81_820;
pub(crate) const SVC_PATH: &str = "/autodiscover/autodiscover.svc";
const SVC_WSSECURITY_PATH: &str = "/autodiscover/autodiscover.svc/wssecurity";
const EWS_WSSECURITY_PATH: &str = "/ews/exchange.asmx/wssecurity";
const EWS_PATH: &str = "/ews/exchange.asmx";
const UNAUTHENTICATED: &str = "Unauthenticated AutoDiscover request.";
/// Where the trust broker publishes its WS-Federation metadata (lower case, as normalised).
const METADATA_PATH: &str = "/federationmetadata/2006-12/federationmetadata.xml";

/// Where GetFederationInformation answers come from.
enum Source {
    /// An Exchange 2013 organisation; `None` = federation not enabled.
    OnPremises(Option<FederationInfo>),
    /// Exchange Online: answers only for its tenants' domains, and only with that domain.
    Online(Vec<String>),
}

pub(crate) async fn handle(
    sites: &Sites,
    request: Request<Incoming>,
    mut shutdown: Shutdown,
) -> Result<Response<LabBody>, Infallible> {
    let host = request_host(&request);
    let path = normalised_path(request.uri().path());
    if path == METADATA_PATH {
        if let Some(document) = sites.table().metadata(&host) {
            return Ok(text(StatusCode::OK, "text/xml; charset=utf-8", document));
        }
    }
    if path == EWS_PATH {
        if let Some(service) = sites.availability() {
            return Ok(super::ews::local(service, sites.proxy(), &host, request).await);
        }
    }
    let response = match sites.role(&host) {
        Role::Autodiscover(site) => match &site.behaviour {
            PartnerBehaviour::Federated(info) => {
                exchange(Source::OnPremises(Some(info.clone())), &path, request).await
            }
            PartnerBehaviour::FromTable => {
                let table = sites.table();
                let info = table.get(&site.domain);
                let server = table.server(&site.domain);
                if path == EWS_WSSECURITY_PATH
                    && server.ws_security.ews
                    && request.method() == Method::POST
                {
                    if let Some(service) = sites.availability() {
                        let answer = match super::ews::remote(service, &site.domain, request).await
                        {
                            Some(answer) => answer,
                            None => wssecurity(&Method::POST),
                        };
                        return Ok(dated(answer, server.clock_offset_seconds));
                    }
                }
                dated(
                    exchange_with(Source::OnPremises(info), server.ws_security, &path, request)
                        .await,
                    server.clock_offset_seconds,
                )
            }
            PartnerBehaviour::Office365 { exo_host } => office365_redirect(exo_host, &path),
            PartnerBehaviour::Broken(kind) => match kind {
                BrokenKind::WrongCertificate { federation, .. }
                | BrokenKind::ExpiredCertificate { federation } => {
                    exchange(Source::OnPremises(federation.clone()), &path, request).await
                }
                hostile => super::hostile::respond(hostile, &host, &mut shutdown).await,
            },
        },
        Role::ExchangeOnline(tenants) => exchange(Source::Online(tenants), &path, request).await,
        Role::Website | Role::Unknown => not_found(),
    };
    Ok(response)
}

/// Lowercase host without port, from the Host header (HTTP/1.1 always sends it).
pub(crate) fn request_host<B>(request: &Request<B>) -> String {
    let raw = request
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().host())
        .unwrap_or_default();
    let without_port = match raw.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => raw,
    };
    without_port.trim_end_matches('.').to_ascii_lowercase()
}

/// IIS paths are case-insensitive; a trailing slash is the same resource.
pub(crate) fn normalised_path(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    match lower.strip_suffix('/') {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => lower,
    }
}

async fn exchange(source: Source, path: &str, request: Request<Incoming>) -> Response<LabBody> {
    exchange_with(source, WsSecurity::default(), path, request).await
}

async fn exchange_with(
    source: Source,
    ws: WsSecurity,
    path: &str,
    request: Request<Incoming>,
) -> Response<LabBody> {
    match path {
        SVC_PATH => autodiscover_svc(&source, request).await,
        SVC_WSSECURITY_PATH if !ws.autodiscover => windows_authentication_only(),
        EWS_WSSECURITY_PATH if !ws.ews => windows_authentication_only(),
        SVC_WSSECURITY_PATH | EWS_WSSECURITY_PATH => wssecurity(request.method()),
        _ => not_found(),
    }
}

/// An answer dated by a server whose clock is `offset` seconds off (hyper dates the others
/// with the real time, and keeps a `Date` that is already there).
fn dated(mut response: Response<LabBody>, offset: i64) -> Response<LabBody> {
    if offset == 0 {
        return response;
    }
    let now = std::time::SystemTime::now();
    let delta = std::time::Duration::from_secs(offset.unsigned_abs());
    let then = if offset > 0 {
        now.checked_add(delta)
    } else {
        now.checked_sub(delta)
    };
    if let Some(value) = then.and_then(|t| HeaderValue::from_str(&httpdate::fmt_http_date(t)).ok())
    {
        response.headers_mut().insert(hyper::header::DATE, value);
    }
    response
}

/// IIS with WS-Security authentication off on the virtual directory: the path only offers
/// Windows authentication, which a partner (holding a token, not an account) cannot use.
fn windows_authentication_only() -> Response<LabBody> {
    let mut response = text(StatusCode::UNAUTHORIZED, "text/html", "401 - Unauthorized");
    let headers = response.headers_mut();
    headers.append(
        hyper::header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Negotiate"),
    );
    headers.append(
        hyper::header::WWW_AUTHENTICATE,
        HeaderValue::from_static("NTLM"),
    );
    response
}

async fn autodiscover_svc(source: &Source, request: Request<Incoming>) -> Response<LabBody> {
    if request.method() != Method::POST {
        return method_not_allowed();
    }
    let is_xml = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/xml"));
    if !is_xml {
        // What WCF's SOAP 1.1 binding answers for another content type.
        return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, "text/html", "Cannot process the message because the content type was not the expected type 'text/xml; charset=utf-8'.");
    }
    // Larger bodies are not parsed by the proxy, so it cannot see a GetFederationInformation
    // action and treats the request as unauthenticated.
    let Ok(collected) = Limited::new(request.into_body(), BODY_LIMIT)
        .collect()
        .await
    else {
        return unauthenticated();
    };
    let parsed = soap::parse_request(&collected.to_bytes());
    let request = match parsed {
        Ok(r) => r,
        Err(ParseError::Dtd | ParseError::Malformed) => {
            return text(StatusCode::BAD_REQUEST, "text/html", "Bad Request");
        }
    };
    let is_gfi = request
        .action
        .as_deref()
        .is_some_and(|a| a.ends_with(soap::GFI_ACTION_SUFFIX));
    if !is_gfi {
        return unauthenticated();
    }
    let (answer, flavor) = answer(source, request.domain.as_deref());
    let xml = soap::render_response(&answer, flavor);
    text(StatusCode::OK, "text/xml; charset=utf-8", xml)
}

fn answer(source: &Source, domain: Option<&str>) -> (GfiAnswer, Flavor) {
    let domain = domain.filter(|d| is_domain_name(d));
    match (source, domain) {
        (Source::OnPremises(_), None) => (GfiAnswer::InvalidRequest, Flavor::Exchange2013),
        (Source::Online(_), None) => (GfiAnswer::InvalidRequest, Flavor::ExchangeOnline),
        (Source::OnPremises(None), Some(_)) => (GfiAnswer::NotFederated, Flavor::Exchange2013),
        (Source::OnPremises(Some(info)), Some(d)) if info.covers(d) => {
            (GfiAnswer::NoError(info.clone()), Flavor::Exchange2013)
        }
        (Source::OnPremises(Some(_)), Some(_)) => (GfiAnswer::InvalidDomain, Flavor::Exchange2013),
        (Source::Online(tenants), Some(d)) if tenants.iter().any(|t| t.eq_ignore_ascii_case(d)) => {
            let info = FederationInfo {
                application_uri: EXCHANGE_ONLINE_APPLICATION_URI.to_owned(),
                domains: vec![d.to_ascii_lowercase()],
                token_issuers: vec![TokenIssuer::microsoft_online()],
            };
            (GfiAnswer::NoError(info), Flavor::ExchangeOnline)
        }
        (Source::Online(_), Some(_)) => (GfiAnswer::InvalidDomain, Flavor::ExchangeOnline),
    }
}

fn is_domain_name(text: &str) -> bool {
    let labels: Vec<&str> = text.trim_end_matches('.').split('.').collect();
    text.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// The WS-Security endpoints without pre-authentication, as WCF answers anonymous callers:
/// GET is not a SOAP call (405 from WCF, no login page, no WWW-Authenticate); a POST without
/// a security header fails in the WCF security layer with a SOAP fault (500).
fn wssecurity(method: &Method) -> Response<LabBody> {
    if method != Method::POST {
        return method_not_allowed();
    }
    let fault = concat!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>"#,
        r#"<faultcode xmlns:a="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">a:InvalidSecurity</faultcode>"#,
        r#"<faultstring xml:lang="en-US">An error occurred when verifying security for the message.</faultstring>"#,
        "</s:Fault></s:Body></s:Envelope>"
    );
    text(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/xml; charset=utf-8",
        fault,
    )
}

fn office365_redirect(exo_host: &str, path: &str) -> Response<LabBody> {
    let target = match path {
        SVC_PATH => format!("https://{exo_host}/autodiscover/autodiscover.svc"),
        SVC_WSSECURITY_PATH => {
            format!("https://{exo_host}/autodiscover/autodiscover.svc/WSSecurity")
        }
        _ => return not_found(),
    };
    redirect(&target)
}

pub(crate) fn redirect(location: &str) -> Response<LabBody> {
    let mut response = text(StatusCode::FOUND, "text/html; charset=utf-8", "");
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

fn unauthenticated() -> Response<LabBody> {
    text(StatusCode::UNAUTHORIZED, "text/plain", UNAUTHENTICATED)
}

fn method_not_allowed() -> Response<LabBody> {
    let mut response = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "text/html",
        "Method Not Allowed",
    );
    response
        .headers_mut()
        .insert(hyper::header::ALLOW, HeaderValue::from_static("POST"));
    response
}

pub(crate) fn not_found() -> Response<LabBody> {
    text(
        StatusCode::NOT_FOUND,
        "text/html",
        "404 - File or directory not found.",
    )
}

/// A response with the headers an IIS-hosted Exchange CAS sends.
pub(crate) fn text(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<LabBody> {
    with_body(status, content_type, LabBody::full(body))
}

pub(crate) fn with_body(
    status: StatusCode,
    content_type: &'static str,
    body: LabBody,
) -> Response<LabBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        hyper::header::SERVER,
        HeaderValue::from_static("Microsoft-IIS/8.5"),
    );
    headers.insert("X-FEServer", HeaderValue::from_static("LABCAS01"));
    headers.insert("X-Powered-By", HeaderValue::from_static("ASP.NET"));
    response
}

/// Used by hostile endpoints that trickle a plausible answer.
pub(crate) fn not_federated_envelope() -> String {
    soap::render_response(&GfiAnswer::NotFederated, Flavor::Exchange2013)
}

pub(crate) fn trickle_interval(ms: u64) -> Duration {
    Duration::from_millis(ms.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_validation_and_answers() {
        assert!(is_domain_name("fabrikam.com"));
        assert!(!is_domain_name("fabrikam"));
        assert!(!is_domain_name("a..b"));
        assert!(!is_domain_name("<x>.com"));
        let info = FederationInfo::on_premises("fabrikam.com", &["fabrikam.com", "fabrikam.net"]);
        let on_prem = Source::OnPremises(Some(info.clone()));
        assert_eq!(
            answer(&on_prem, Some("FABRIKAM.net")).0,
            GfiAnswer::NoError(info)
        );
        assert_eq!(
            answer(&on_prem, Some("contoso.com")).0,
            GfiAnswer::InvalidDomain
        );
        assert_eq!(answer(&on_prem, None).0, GfiAnswer::InvalidRequest);
        assert_eq!(
            answer(&Source::OnPremises(None), Some("contoso.com")).0,
            GfiAnswer::NotFederated
        );
        let online = Source::Online(vec!["adatum.com".into()]);
        let GfiAnswer::NoError(exo) = answer(&online, Some("adatum.com")).0 else {
            panic!("EXO should answer its tenant")
        };
        assert_eq!(exo.domains, ["adatum.com"]);
        assert_eq!(exo.application_uri, "outlook.com");
    }

    #[test]
    fn paths_and_hosts_are_normalised() {
        assert_eq!(normalised_path("/AutoDiscover/AutoDiscover.svc/"), SVC_PATH);
        assert_eq!(normalised_path("/"), "/");
        let req = Request::builder()
            .header("host", "Autodiscover.Fabrikam.com:8443")
            .body(())
            .unwrap();
        assert_eq!(request_host(&req), "autodiscover.fabrikam.com");
    }
}
