//! The CLIXML reader and Exchange's output rules against objects real Exchange servers sent
//! through a remote PowerShell session (tests/fixtures/clixml, from Microsoft's CSS-Exchange
//! test data, MIT: see the LICENSE and README there).

use fedshare_model::clixml::{self, PsValue};
use fedshare_model::exchange_output::{read_documents, to_json};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/clixml/{name}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn objects(name: &str) -> Vec<Value> {
    read_documents(&[fixture(name)]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_parses() {
    for (name, count) in [
        ("Get-AcceptedDomain", 3),
        ("Get-OrganizationConfig", 1),
        ("Get-WebServicesVirtualDirectory", 1),
        ("Get-ExchangeServer", 2),
        ("Get-ExchangeCertificate", 4),
    ] {
        let values = clixml::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(values.len(), count, "{name}");
        assert!(
            values.iter().all(|v| matches!(v, PsValue::Object(_))),
            "{name}"
        );
    }
}

#[test]
fn accepted_domains_read_their_type_by_name_and_default_flag() {
    let domains = objects("Get-AcceptedDomain");
    let seen: Vec<(&str, &str, &str, bool)> = domains
        .iter()
        .map(|d| {
            (
                d["Name"].as_str().expect("Name"),
                d["DomainName"].as_str().expect("DomainName"),
                d["DomainType"].as_str().expect("DomainType"),
                d["Default"].as_bool().expect("Default"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Solo.com", "Solo.com", "Authoritative", true),
            ("Contoso Wild", "*.contoso.local", "Authoritative", false),
            ("Wild .com", "*.com", "InternalRelay", false),
        ]
    );
    // The notes remoting adds are not Exchange's properties.
    for note in [
        "PSComputerName",
        "RunspaceId",
        "PSShowComputerName",
        "SerializationData",
    ] {
        assert!(domains[0].get(note).is_none(), "{note}");
    }
    // And the model reads them as they are.
    let typed: Vec<fedshare_model::AcceptedDomain> = domains
        .into_iter()
        .map(|d| serde_json::from_value(d).expect("AcceptedDomain"))
        .collect();
    assert_eq!(
        typed[2].domain_type,
        fedshare_model::AcceptedDomainType::InternalRelay
    );
    assert!(typed[0].default);
}

#[test]
fn organization_config_reads_name_and_version_text() {
    let org = &objects("Get-OrganizationConfig")[0];
    assert_eq!(org["Name"], "SoloORG");
    assert_eq!(org["AdminDisplayVersion"], "0.20 (15.1.0.0)");
}

#[test]
fn web_services_virtual_directory_reads_urls_and_ws_security() {
    let vdir = &objects("Get-WebServicesVirtualDirectory")[0];
    assert_eq!(vdir["WSSecurityAuthentication"], true);
    assert_eq!(vdir["Server"], "SOLO-E16A");
    assert_eq!(
        vdir["InternalUrl"],
        "https://solo-e16a.solo.local/EWS/Exchange.asmx"
    );
    assert_eq!(vdir["ExternalUrl"], Value::Null);
    assert_eq!(vdir["Identity"], "SOLO-E16A\\EWS (Default Web Site)");
    let typed = fedshare_model::exchange_output::vdir::virtual_directory(vdir);
    assert_eq!(
        typed,
        fedshare_model::VirtualDirectory {
            identity: "SOLO-E16A\\EWS (Default Web Site)".into(),
            server: "SOLO-E16A".into(),
            external_url: None,
            ws_security_authentication: true,
            windows_authentication: true,
        }
    );
}

#[test]
fn exchange_servers_carry_their_build_as_text_and_as_properties() {
    let servers = objects("Get-ExchangeServer");
    assert_eq!(servers.len(), 2);
    for server in &servers {
        assert_eq!(
            server["AdminDisplayVersion"],
            "Version 15.1 (Build 2507.18)"
        );
    }
    // The value tree keeps the version's parts for whoever needs them.
    let values = clixml::parse(&fixture("Get-ExchangeServer")).expect("parse");
    let PsValue::Object(server) = &values[0] else {
        panic!("an object")
    };
    let Some(PsValue::Object(version)) = server.property("AdminDisplayVersion") else {
        panic!("AdminDisplayVersion is an object")
    };
    let part = |n: &str| version.property(n).cloned();
    assert_eq!(
        [
            part("Major"),
            part("Minor"),
            part("Build"),
            part("Revision")
        ],
        [15, 1, 2507, 18].map(|n| Some(PsValue::Int(n)))
    );
}

#[test]
fn signed_certificates_with_only_raw_data_yield_their_identity() {
    let certs = objects("Get-ExchangeCertificate");
    let auth = &certs[0];
    assert_eq!(
        auth["Thumbprint"],
        "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7"
    );
    // The DER says 13:59:05Z; the ToString text's "07/11/2026 15:59:05" is the server's local time.
    assert_eq!(auth["NotAfter"], "2026-07-11T13:59:05Z");
    assert_eq!(auth["NotBefore"], "2021-08-06T13:59:05Z");
    assert_eq!(
        auth["Subject"],
        "CN=Microsoft Exchange Server Auth Certificate"
    );
    assert_eq!(
        auth["Issuer"],
        "CN=Microsoft Exchange Server Auth Certificate"
    );
    assert!(auth.get("RawData").is_none());
    let thumbprints: Vec<&str> = certs
        .iter()
        .map(|c| c["Thumbprint"].as_str().expect("Thumbprint"))
        .collect();
    assert_eq!(
        thumbprints,
        [
            "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7",
            "611C687DFC4343A5A03E0005A1EC6E9B6AFF586D",
            "E267D459A0FB53D0EF225C11FAC062D522648C09",
            "3341CEAF3DF4D3A9527EC98BDD53C54ECC3E0620",
        ]
    );
    let typed: fedshare_model::ExchangeCertificate =
        serde_json::from_value(auth.clone()).expect("ExchangeCertificate");
    assert_eq!(typed.not_after, "2026-07-11T13:59:05Z");
    assert_eq!(typed.services, "");
}

#[test]
fn to_json_of_a_bare_primitive_is_the_primitive() {
    assert_eq!(to_json(&PsValue::String("x".into())), "x");
    assert_eq!(to_json(&PsValue::Null), Value::Null);
}
