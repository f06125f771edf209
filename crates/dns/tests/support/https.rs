//! HTTPS (and plain HTTP) partner endpoints on loopback with a test CA. Behaviour is chosen by
//! the first label of the partner domain in the Host header (`autodiscover.ex2013.p.test` →
//! `ex2013`), so one server plays many partners.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub const SCENARIOS: [&str; 14] = [
    "ex2013",
    "exo",
    "notfed",
    "entity",
    "deep",
    "huge",
    "hang",
    "trickle",
    "loop",
    "tohttp",
    "wrongdomain",
    "step2",
    "unsec",
    "noproxy",
];

/// A test CA and certificates it issues.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    pub pem: String,
}

impl TestCa {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Fedshare Test CA");
        let issuer =
            CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("ca");
        let pem = issuer.pem();
        Self { issuer, pem }
    }

    pub fn issue(
        &self,
        names: Vec<String>,
        expired: bool,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(names).expect("params");
        if expired {
            params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(60);
            params.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
        }
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        (
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }
}

/// Every host name the scenarios use, for the good certificate.
pub fn all_hosts() -> Vec<String> {
    let mut names: Vec<String> = SCENARIOS
        .iter()
        .flat_map(|s| [format!("autodiscover.{s}.p.test"), format!("{s}.p.test")])
        .collect();
    names.extend(["autodiscover-s.p.test", "loop2.p.test", "redirected.p.test"].map(String::from));
    for i in 0..300 {
        names.push(format!("autodiscover.bulk{i}.p.test"));
    }
    names
}

pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts an HTTPS server with `cert` (None: plain HTTP).
pub async fn start(cert: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = cert.map(|(chain, key)| {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("cert");
        TlsAcceptor::from(Arc::new(config))
    });
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            // As web servers do: small answers go out at once (no Nagle wait for an ACK).
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let tls = acceptor.is_some();
                let service = hyper::service::service_fn(move |req| handle(req, addr.port(), tls));
                let builder = hyper::server::conn::http1::Builder::new();
                match acceptor {
                    Some(a) => {
                        if let Ok(stream) = a.accept(tcp).await {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                    }
                    None => {
                        let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
                    }
                }
            });
        }
    });
    Server { addr, task }
}

type Body = BoxBody<Bytes, Infallible>;

fn full(status: u16, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/xml; charset=utf-8")
        .body(Full::new(Bytes::from(body)).boxed())
        .expect("response")
}

fn redirect(status: u16, location: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("location", location)
        .body(Full::new(Bytes::new()).boxed())
        .expect("response")
}

fn scenario(host: &str) -> String {
    let host = host.split(':').next().unwrap_or_default();
    let host = host.strip_prefix("autodiscover.").unwrap_or(host);
    host.split('.').next().unwrap_or_default().to_owned()
}

async fn handle(
    req: Request<Incoming>,
    port: u16,
    tls: bool,
) -> Result<Response<Body>, Infallible> {
    let host = req
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_autodiscover_host = host.starts_with("autodiscover.");
    let soap_action = req
        .headers()
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let path = req.uri().path().to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&body).to_string();
    if !tls {
        return Ok(http_probe(&scenario(&host), &path));
    }
    if path.to_ascii_lowercase().ends_with("/wssecurity") {
        return Ok(probe_path(&scenario(&host), &path));
    }
    // Like Exchange's CAFE: anonymous svc requests need the GetFederationInformation action.
    if !soap_action.ends_with("/GetFederationInformation\"")
        || !body.contains("/GetFederationInformation</wsa:Action>")
    {
        return Ok(full(401, "Unauthenticated AutoDiscover request.".into()));
    }
    let domain = body
        .split("<Domain>")
        .nth(1)
        .and_then(|s| s.split("</Domain>").next())
        .unwrap_or_default()
        .to_owned();
    Ok(soap(&scenario(&host), &host, is_autodiscover_host, &domain, port).await)
}

async fn soap(
    scenario: &str,
    host: &str,
    is_autodiscover_host: bool,
    domain: &str,
    port: u16,
) -> Response<Body> {
    let app_uri = format!("FYDIBOHF25SPDLT.{domain}");
    match scenario {
        "ex2013" | "noproxy" => full(200, gfi_2013(&app_uri, &[domain, "other.p.test"])),
        s if s.starts_with("bulk") => full(200, gfi_2013(&app_uri, &[domain])),
        "exo" => redirect(
            302,
            format!("https://autodiscover-s.p.test:{port}/autodiscover/autodiscover.svc"),
        ),
        "autodiscover-s" => full(200, gfi_exo(domain)),
        "notfed" => full(200, gfi_error("NotFederated")),
        "entity" => full(200, billion_laughs()),
        "deep" => full(
            200,
            format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000)),
        ),
        "huge" => huge(),
        "hang" => std::future::pending().await,
        "trickle" => trickle(),
        "loop" => redirect(
            302,
            format!("https://loop2.p.test:{port}/autodiscover/autodiscover.svc"),
        ),
        "loop2" => redirect(
            302,
            format!("https://autodiscover.loop.p.test:{port}/autodiscover/autodiscover.svc"),
        ),
        "tohttp" => redirect(
            302,
            format!("http://autodiscover.tohttp.p.test:{port}/autodiscover/autodiscover.svc"),
        ),
        "wrongdomain" => full(200, gfi_2013(&app_uri, &["someone-else.p.test"])),
        "step2" if !is_autodiscover_host => full(200, gfi_2013(&app_uri, &[domain])),
        "redirected" => full(200, gfi_2013("FYDIBOHF25SPDLT.unsec.p.test", &[domain])),
        _ => {
            let _ = host;
            full(404, String::new())
        }
    }
}

/// No port in the Location: the client maps the default https port to the lab's port.
fn http_probe(scenario: &str, path: &str) -> Response<Body> {
    match (scenario, path) {
        ("unsec", "/autodiscover/autodiscover.xml") => redirect(
            302,
            "https://redirected.p.test/autodiscover/autodiscover.xml".into(),
        ),
        _ => full(404, String::new()),
    }
}

fn probe_path(scenario: &str, path: &str) -> Response<Body> {
    match (scenario, path.starts_with("/ews")) {
        ("ex2013", _) => full(405, String::new()),
        ("noproxy", false) => redirect(302, "https://sso.p.test/my.policy".into()),
        ("noproxy", true) => Response::builder()
            .status(401)
            .header("www-authenticate", "Basic realm=\"Proxy\"")
            .body(Full::new(Bytes::new()).boxed())
            .expect("response"),
        _ => full(404, String::new()),
    }
}

fn huge() -> Response<Body> {
    // 100 MB, streamed without Content-Length: the client must stop on its own limit.
    let chunk = Bytes::from("<x>".repeat(21_846));
    let stream = futures_util::stream::iter(0..1600)
        .map(move |_| Ok::<_, Infallible>(Frame::data(chunk.clone())));
    Response::builder()
        .status(200)
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("response")
}

fn trickle() -> Response<Body> {
    let stream = futures_util::stream::unfold(0u64, |i| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((
            Ok::<_, Infallible>(Frame::data(Bytes::from_static(b" "))),
            i + 1,
        ))
    });
    Response::builder()
        .status(200)
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("response")
}

fn envelope(response: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformationResponse</a:Action></s:Header><s:Body><GetFederationInformationResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">{response}</Response></GetFederationInformationResponseMessage></s:Body></s:Envelope>"#
    )
}

const ISSUERS: &str = "<TokenIssuers><TokenIssuer><Endpoint>https://login.microsoftonline.com/extSTS.srf</Endpoint><Uri>urn:federation:MicrosoftOnline</Uri></TokenIssuer></TokenIssuers>";

pub fn gfi_2013(app_uri: &str, domains: &[&str]) -> String {
    let d: String = domains
        .iter()
        .map(|d| format!("<Domain>{d}</Domain>"))
        .collect();
    envelope(&format!("<ErrorCode>NoError</ErrorCode><ErrorMessage/><ApplicationUri>{app_uri}</ApplicationUri><Domains>{d}</Domains>{ISSUERS}"))
}

fn gfi_exo(domain: &str) -> String {
    envelope(&format!("<ErrorCode>NoError</ErrorCode><ErrorMessage/><ApplicationUri>outlook.com</ApplicationUri><Domains><Domain>{domain}</Domain></Domains>{ISSUERS}"))
}

fn gfi_error(code: &str) -> String {
    envelope(&format!(
        "<ErrorCode>{code}</ErrorCode><ErrorMessage>The domain is not federated.</ErrorMessage>"
    ))
}

fn billion_laughs() -> String {
    r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#.into()
}
