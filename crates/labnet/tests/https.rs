//! The Autodiscover HTTPS endpoints through a real TLS client (reqwest + rustls) that trusts
//! only the lab CA, with lab host names pinned to the lab port as SNI and Host.

use std::sync::Arc;

use fedshare_labnet::{
    gfi_request_envelope, BrokenKind, FederationInfo, LabNet, LabNetConfig, PartnerBehaviour,
    PartnerSite,
};
use reqwest::{redirect::Policy, Client, StatusCode};

const SVC: &str = "/autodiscover/autodiscover.svc";

fn tls_trusting(ca_pem: Option<&str>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for cert in rustls_pemfile::certs(&mut pem.as_bytes()) {
            roots.add(cert.expect("test setup")).expect("test setup");
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("test setup")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// A client that sends `host` (as SNI and Host) to the lab's HTTPS and HTTP ports.
fn client_for(lab: &LabNet, hosts: &[&str], ca_pem: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .tls_backend_preconfigured(tls_trusting(ca_pem))
        .redirect(Policy::none())
        .no_proxy();
    for host in hosts {
        // Both ports share the loopback IP; the URL carries the port.
        builder = builder.resolve(host, lab.https_addr());
    }
    builder.build().expect("test setup")
}

fn https_url(lab: &LabNet, host: &str, path: &str) -> String {
    format!("https://{host}:{}{path}", lab.https_addr().port())
}

async fn gfi(client: &Client, lab: &LabNet, host: &str, domain: &str) -> reqwest::Response {
    let url = https_url(lab, host, SVC);
    client
        .post(&url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetFederationInformation\"",
        )
        .body(gfi_request_envelope(domain, &url))
        .send()
        .await
        .expect("test setup")
}

async fn start(config: LabNetConfig) -> LabNet {
    LabNet::start(config).await.expect("test setup")
}

#[tokio::test(flavor = "multi_thread")]
async fn fabrikam_answers_get_federation_information() {
    let lab = start(LabNetConfig::default_lab_with(1)).await;
    let host = "autodiscover.fabrikam.com";
    let client = client_for(&lab, &[host], Some(lab.ca_pem()));
    let response = gfi(&client, &lab, host, "fabrikam.com").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    let body = response.text().await.unwrap();
    for expected in [
        "GetFederationInformationResponse</a:Action>",
        "<ErrorCode>NoError</ErrorCode>",
        "<ApplicationUri>FYDIBOHF25SPDLT.fabrikam.com</ApplicationUri>",
        "<Domain>fabrikam.com</Domain><Domain>fabrikam.net</Domain>",
        "<Endpoint>https://login.microsoftonline.com/extSTS.srf</Endpoint><Uri>urn:federation:MicrosoftOnline</Uri>",
        "<h:Version>Exchange2013_SP1</h:Version>",
    ] {
        assert!(body.contains(expected), "missing {expected}: {body}");
    }
    let other = gfi(&client, &lab, host, "contoso.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        other.contains("<ErrorCode>InvalidDomain</ErrorCode>"),
        "{other}"
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_exchange_would_refuse_are_refused() {
    let lab = start(LabNetConfig::default_lab_with(1)).await;
    let host = "autodiscover.fabrikam.com";
    let client = client_for(&lab, &[host], Some(lab.ca_pem()));
    let url = https_url(&lab, host, SVC);
    let post = |body: String, content_type: &'static str| {
        client
            .post(&url)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let envelope = gfi_request_envelope("fabrikam.com", &url);

    let no_action = envelope.replace(
        "Autodiscover/GetFederationInformation<",
        "Autodiscover/GetUserSettings<",
    );
    let r = post(no_action, "text/xml").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("www-authenticate").is_none());
    assert_eq!(
        r.text().await.unwrap(),
        "Unauthenticated AutoDiscover request."
    );

    let padded = envelope.replace(
        "<soap:Body>",
        &format!("<soap:Body><!--{}-->", "x".repeat(82_000)),
    );
    let r = post(padded, "text/xml").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "bodies over 81,820 bytes are not parsed"
    );

    let dtd = format!(
        "<!DOCTYPE x [<!ENTITY a \"b\">]>{}",
        &envelope[envelope.find("<soap:Envelope").unwrap()..]
    );
    assert_eq!(
        post(dtd, "text/xml").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(envelope.clone(), "application/json")
            .await
            .unwrap()
            .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let empty_domain = envelope.replace("<Domain>fabrikam.com</Domain>", "<Domain></Domain>");
    let body = post(empty_domain, "text/xml")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("<ErrorCode>InvalidRequest</ErrorCode>"),
        "{body}"
    );

    // WS-Security endpoints: a WCF error, never a login page or an auth challenge.
    for path in [
        "/autodiscover/autodiscover.svc/WSSecurity",
        "/ews/exchange.asmx/WSSecurity",
    ] {
        let get = client
            .get(https_url(&lab, host, path))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert!(get.headers().get("www-authenticate").is_none());
        let unsigned = client
            .post(https_url(&lab, host, path))
            .header("Content-Type", "text/xml")
            .body(envelope.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(unsigned.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(unsigned
            .text()
            .await
            .unwrap()
            .contains("verifying security for the message"));
    }
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_is_really_verified() {
    let lab = start(LabNetConfig::default_lab_with(1)).await;
    let other_lab = start(LabNetConfig::default_lab_with(0)).await;
    let host = "autodiscover.fabrikam.com";
    let no_ca = client_for(&lab, &[host], None);
    let err = no_ca
        .get(https_url(&lab, host, SVC))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let wrong_ca = client_for(&lab, &[host], Some(other_lab.ca_pem()));
    assert!(wrong_ca
        .get(https_url(&lab, host, SVC))
        .send()
        .await
        .is_err());
    // A host the lab does not serve gets no certificate at all.
    let unknown = client_for(&lab, &["www.example.org"], Some(lab.ca_pem()));
    assert!(unknown
        .get(https_url(&lab, "www.example.org", "/"))
        .send()
        .await
        .is_err());
    lab.shutdown().await;
    other_lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tailspintoys_presents_a_certificate_for_the_wrong_name() {
    let lab = start(LabNetConfig::default_lab_with(0)).await;
    let hosts = [
        "autodiscover.tailspintoys.com",
        "mail.tailspintoys.com",
        "tailspintoys.com",
    ];
    let client = client_for(&lab, &hosts, Some(lab.ca_pem()));
    let err = client
        .get(https_url(&lab, hosts[0], SVC))
        .send()
        .await
        .unwrap_err();
    let chain = format!("{err:?}");
    assert!(
        chain.contains("NotValidForName"),
        "a name mismatch, not another failure: {chain}"
    );
    // The name the certificate is for works, and is a real CAS behind.
    let body = gfi(&client, &lab, hosts[1], "tailspintoys.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("<ErrorCode>NoError</ErrorCode>"), "{body}");
    let apex = client
        .post(https_url(&lab, hosts[2], SVC))
        .send()
        .await
        .unwrap();
    assert_eq!(apex.status(), StatusCode::NOT_FOUND);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn contoso_self_discovery_follows_the_federation_table() {
    let lab = start(LabNetConfig::default_lab_with(0)).await;
    let host = "autodiscover.contoso.com";
    let client = client_for(&lab, &[host], Some(lab.ca_pem()));
    let before = gfi(&client, &lab, host, "contoso.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        before.contains("<ErrorCode>NotFederated</ErrorCode>"),
        "{before}"
    );
    lab.federation_info().set(
        "contoso.com",
        FederationInfo::on_premises("contoso.com", &["contoso.com", "sales.contoso.com"]),
    );
    let after = gfi(&client, &lab, host, "contoso.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        after.contains("<ApplicationUri>FYDIBOHF25SPDLT.contoso.com</ApplicationUri>"),
        "{after}"
    );
    assert!(
        after.contains("<Domain>sales.contoso.com</Domain>"),
        "{after}"
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn adatum_redirects_to_exchange_online_which_returns_only_the_queried_domain() {
    let lab = start(LabNetConfig::default_lab_with(0)).await;
    let hosts = ["autodiscover.adatum.com", "autodiscover-s.outlook.com"];
    let client = client_for(&lab, &hosts, Some(lab.ca_pem()));
    let first = gfi(&client, &lab, hosts[0], "adatum.com").await;
    assert_eq!(first.status(), StatusCode::FOUND);
    assert_eq!(
        first.headers()["location"],
        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc"
    );
    let body = gfi(&client, &lab, hosts[1], "adatum.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("<ApplicationUri>outlook.com</ApplicationUri><Domains><Domain>adatum.com</Domain></Domains>"), "{body}");
    assert!(
        body.contains("<h:Version>Exchange2015</h:Version>"),
        "{body}"
    );
    let stranger = gfi(&client, &lab, hosts[1], "fabrikam.com")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        stranger.contains("<ErrorCode>InvalidDomain</ErrorCode>"),
        "{stranger}"
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_probe_redirects_to_https_autodiscover_xml() {
    let lab = start(LabNetConfig::default_lab_with(0)).await;
    let hosts = [
        "autodiscover.fabrikam.com",
        "autodiscover.adatum.com",
        "www.example.org",
    ];
    let client = client_for(&lab, &hosts, None);
    let url = |host: &str, path: &str| format!("http://{host}:{}{path}", lab.http_addr().port());
    let probe = "/autodiscover/autodiscover.xml";
    let r = client.get(url(hosts[0], probe)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(
        r.headers()["location"],
        "https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml"
    );
    let r = client
        .get(url(hosts[1], "/Autodiscover/Autodiscover.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["location"],
        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml"
    );
    assert_eq!(
        client
            .get(url(hosts[2], probe))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client
            .post(url(hosts[0], probe))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    lab.shutdown().await;
}

fn hostile(name: &str, kind: BrokenKind) -> PartnerSite {
    PartnerSite {
        domain: format!("{name}.example"),
        autodiscover_host: format!("autodiscover.{name}.example"),
        behaviour: PartnerBehaviour::Broken(kind),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_partners_misbehave_as_configured() {
    let mut config = LabNetConfig::empty();
    const HUGE: u64 = 100 * 1024 * 1024;
    config.partners = vec![
        hostile("huge", BrokenKind::HugeBody { bytes: HUGE }),
        hostile("laughs", BrokenKind::EntityExpansion),
        hostile("loop", BrokenKind::RedirectLoop),
        hostile("downgrade", BrokenKind::RedirectToHttp),
        hostile(
            "expired",
            BrokenKind::ExpiredCertificate { federation: None },
        ),
        hostile("trickle", BrokenKind::Trickle { interval_ms: 1 }),
        hostile("silent", BrokenKind::NeverAnswers),
    ];
    let lab = start(config).await;
    let host = |n: &str| format!("autodiscover.{n}.example");
    let names: Vec<String> = [
        "huge",
        "laughs",
        "loop",
        "downgrade",
        "expired",
        "trickle",
        "silent",
    ]
    .iter()
    .map(|n| host(n))
    .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let client = client_for(&lab, &refs, Some(lab.ca_pem()));

    let mut huge = gfi(&client, &lab, &host("huge"), "huge.example").await;
    assert!(
        huge.content_length().is_none(),
        "streamed chunked, no length announced"
    );
    let mut total = 0u64;
    while let Some(chunk) = huge.chunk().await.unwrap() {
        total += chunk.len() as u64;
    }
    assert_eq!(total, HUGE);

    let laughs = gfi(&client, &lab, &host("laughs"), "laughs.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(laughs.contains("<!ENTITY lol9") && laughs.contains("&lol9;"));

    let looped = gfi(&client, &lab, &host("loop"), "loop.example").await;
    assert_eq!(looped.status(), StatusCode::FOUND);
    assert_eq!(
        looped.headers()["location"],
        format!("https://{}{SVC}", host("loop"))
    );
    let down = gfi(&client, &lab, &host("downgrade"), "downgrade.example").await;
    assert_eq!(
        down.headers()["location"],
        format!("http://{}{SVC}", host("downgrade"))
    );

    let expired = client
        .get(https_url(&lab, &host("expired"), SVC))
        .send()
        .await
        .unwrap_err();
    assert!(format!("{expired:?}").contains("Expired"), "{expired:?}");

    let trickled = gfi(&client, &lab, &host("trickle"), "trickle.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        trickled.ends_with("</s:Envelope>") && trickled.contains("NotFederated"),
        "{trickled}"
    );

    let silent_client = client.clone();
    let silent_url = https_url(&lab, &host("silent"), SVC);
    let silent = tokio::spawn(async move {
        silent_client
            .post(&silent_url)
            .header("Content-Type", "text/xml")
            .body(gfi_request_envelope("silent.example", &silent_url))
            .send()
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!silent.is_finished(), "the silent partner must not answer");
    lab.shutdown().await;
    // Stopping the lab releases the held request one way or another.
    let _ = silent.await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persisted_ca_is_reused_across_restarts() {
    let first = start(LabNetConfig::default_lab_with(0)).await;
    let material = first.ca_material().clone();
    first.shutdown().await;
    let mut config = LabNetConfig::default_lab_with(0);
    config.ca = Some(material.clone());
    let second = start(config).await;
    assert_eq!(second.ca_pem(), material.cert_pem);
    let host = "autodiscover.fabrikam.com";
    let client = client_for(&second, &[host], Some(&material.cert_pem));
    let body = gfi(&client, &second, host, "fabrikam.net")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("NoError"), "{body}");
    second.shutdown().await;
}
