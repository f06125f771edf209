//! The real lab host process with its lab network: the hello reply announces the endpoints,
//! the proof of domain ownership is checked against the running lab DNS server, a signed
//! RFC 2136 update publishes the proof and lands in the world file, and the HTTPS Autodiscover
//! endpoints answer GetFederationInformation through TLS verified against the lab CA only.

mod common;

use std::net::SocketAddr;

use common::*;
use fedshare_lab::{DnsVerifier, ProofVerifier, World};
use hickory_proto::op::ResponseCode;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

fn lab_txt(dns: SocketAddr, domain: &str) -> Vec<String> {
    // DnsVerifier is a plain hickory resolver query against `dns`, no lab data involved.
    DnsVerifier::udp(dns)
        .txt_values(&World::contoso(0), domain)
        .expect("the lab DNS server answers")
}

#[test]
fn proof_is_checked_against_the_lab_dns_server_and_updates_persist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut host = HostProcess::start(dir.path());

    let hello = host.hello();
    let lab = hello.lab.expect("the lab host announces its endpoints");
    let dns: SocketAddr = lab.dns.parse().expect("dns address");
    let https: SocketAddr = lab.https.parse().expect("https address");
    assert!(dns.ip().is_loopback() && https.ip().is_loopback());
    assert!(lab.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("lab-ca.pem")).expect("CA file"),
        lab.ca_pem
    );

    // A fresh lab publishes no proof for contoso.com, only its SPF record.
    assert_eq!(lab_txt(dns, "contoso.com"), ["v=spf1 mx -all"]);

    let thumbprint = host.ok(certificate())[0]["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_owned();
    host.ok(trust(&thumbprint));
    let proofs = proofs(&host.ok(proof("contoso.com")));
    assert!(!proofs.is_empty());

    let refused = host.invoke(set_orgid("contoso.com"));
    assert!(!refused.ok);
    assert_eq!(
        refused.error.expect("error").exception,
        "DomainProofOwnershipException"
    );

    // Before federation Contoso's Autodiscover says so; Fabrikam answers as itself.
    let contoso = rt.block_on(get_federation_information(
        https,
        &lab.ca_pem,
        "autodiscover.contoso.com",
        "contoso.com",
    ));
    assert!(
        contoso.contains("<ErrorCode>NotFederated</ErrorCode>"),
        "{contoso}"
    );
    let fabrikam = rt.block_on(get_federation_information(
        https,
        &lab.ca_pem,
        "autodiscover.fabrikam.com",
        "fabrikam.com",
    ));
    assert!(
        fabrikam.contains("<ErrorCode>NoError</ErrorCode>"),
        "{fabrikam}"
    );
    assert!(
        fabrikam.contains("<ApplicationUri>FYDIBOHF25SPDLT.fabrikam.com</ApplicationUri>"),
        "{fabrikam}"
    );

    // Publish the proof the way an administrator's DNS tool would: a signed dynamic update.
    let key = fedshare_lab::admin::load(dir.path()).expect("world").tsig;
    let code = rt.block_on(signed_txt_append(
        dns,
        &key,
        "contoso.com",
        "contoso.com",
        &proofs[0],
    ));
    assert_eq!(code, Ok(ResponseCode::NoError));
    let mut published = lab_txt(dns, "contoso.com");
    published.sort();
    let mut expected = vec![proofs[0].clone(), "v=spf1 mx -all".to_owned()];
    expected.sort();
    assert_eq!(published, expected);

    // The update was persisted before the server answered it.
    let world = fedshare_lab::admin::load(dir.path()).expect("world");
    let zone = fedshare_lab::zones::zone_for(&world.zones, "contoso.com").expect("zone");
    assert!(zone.values("contoso.com", "TXT").contains(&proofs[0]));

    host.ok(set_orgid("contoso.com"));
    let contoso = rt.block_on(get_federation_information(
        https,
        &lab.ca_pem,
        "autodiscover.contoso.com",
        "contoso.com",
    ));
    assert!(
        contoso.contains("<ErrorCode>NoError</ErrorCode>"),
        "{contoso}"
    );
    assert!(
        contoso.contains("<ApplicationUri>FYDIBOHF25SPDLT.contoso.com</ApplicationUri>"),
        "{contoso}"
    );
    assert!(
        contoso.contains("<Domain>contoso.com</Domain>"),
        "{contoso}"
    );
    host.bye();

    // A restarted host serves the persisted zone and keeps the CA clients already trust.
    let mut again = HostProcess::start(dir.path());
    let lab_again = again.hello().lab.expect("endpoints");
    assert_eq!(lab_again.ca_pem, lab.ca_pem);
    let dns_again: SocketAddr = lab_again.dns.parse().expect("dns address");
    assert!(lab_txt(dns_again, "contoso.com").contains(&proofs[0]));
    let contoso = rt.block_on(get_federation_information(
        lab_again.https.parse().expect("https address"),
        &lab.ca_pem,
        "autodiscover.contoso.com",
        "contoso.com",
    ));
    assert!(
        contoso.contains("<ErrorCode>NoError</ErrorCode>"),
        "{contoso}"
    );
    again.bye();
}

#[test]
fn an_update_signed_with_another_key_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut host = HostProcess::start(dir.path());
    let dns: SocketAddr = host
        .hello()
        .lab
        .expect("endpoints")
        .dns
        .parse()
        .expect("addr");
    let mut wrong = fedshare_lab::admin::load(dir.path()).expect("world").tsig;
    wrong.secret = "c29tZSBvdGhlciBzZWNyZXQgb2YgMzIgYnl0ZXMhISE=".into();
    let code = rt.block_on(signed_txt_append(
        dns,
        &wrong,
        "contoso.com",
        "contoso.com",
        "forged",
    ));
    assert_ne!(
        code,
        Ok(ResponseCode::NoError),
        "the forged update is refused"
    );
    assert_eq!(lab_txt(dns, "contoso.com"), ["v=spf1 mx -all"]);
    host.bye();
    let world = fedshare_lab::admin::load(dir.path()).expect("world");
    let zone = fedshare_lab::zones::zone_for(&world.zones, "contoso.com").expect("zone");
    assert_eq!(zone.values("contoso.com", "TXT"), ["v=spf1 mx -all"]);
}
