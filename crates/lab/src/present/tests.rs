//! The lab answers in the shapes a remote Exchange session delivers (`shared/reference/clixml/`).

use fedshare_exchange::{Invocation, ParamValue};
use fedshare_model::clixml::{PsObject, PsValue};

use super::*;
use crate::cmdlets::testkit::{self, ok};

fn session() -> Session {
    Session::on("ex01.contoso.com")
}

fn run(shell: &mut crate::Shell, cmdlet: &str, params: Vec<(String, ParamValue)>) -> Vec<PsValue> {
    let inv = Invocation {
        cmdlet: cmdlet.into(),
        params,
    };
    let out = ok(shell, inv.clone());
    present(&inv.cmdlet, &inv.params, &out.output, &session())
}

fn object(v: &PsValue) -> &PsObject {
    match v {
        PsValue::Object(o) => o,
        other => panic!("not an object: {other:?}"),
    }
}

fn prop<'a>(o: &'a PsObject, name: &str) -> &'a PsValue {
    o.property(name)
        .unwrap_or_else(|| panic!("{name} missing: {o:?}"))
}

fn enum_parts(v: &PsValue) -> (String, String, i64) {
    let o = object(v);
    assert!(o.is_enum(), "{o:?}");
    assert_eq!(
        o.type_names[1..],
        [
            "Deserialized.System.Enum",
            "Deserialized.System.ValueType",
            "Deserialized.System.Object"
        ]
    );
    let Some(PsValue::Int(n)) = o.base.as_deref() else {
        panic!("{o:?}")
    };
    (
        o.type_names[0].clone(),
        o.to_string.clone().unwrap_or_default(),
        *n,
    )
}

#[test]
fn accepted_domains_carry_exchange_type_names_enums_and_remoting_notes() {
    let mut shell = testkit::shell();
    let out = run(&mut shell, "Get-AcceptedDomain", Vec::new());
    assert!(!out.is_empty());
    for v in &out {
        let o = object(v);
        assert_eq!(
            o.type_names[0],
            "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain"
        );
        assert_eq!(
            o.type_names.last().map(String::as_str),
            Some("Deserialized.System.Object")
        );
        assert_eq!(o.to_string.as_ref(), Some(&text(prop(o, "Name"))));
        let (ty, name, number) = enum_parts(prop(o, "DomainType"));
        assert_eq!(
            ty,
            "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomainType"
        );
        let expected = match name.as_str() {
            "Authoritative" => 0,
            "ExternalRelay" => 1,
            "InternalRelay" => 2,
            other => panic!("{other}"),
        };
        assert_eq!(number, expected);
        assert_eq!(
            prop(o, "PSComputerName"),
            &PsValue::String("ex01.contoso.com".into())
        );
        assert!(matches!(prop(o, "RunspaceId"), PsValue::Guid(g) if g.len() == 36));
        assert_eq!(prop(o, "PSShowComputerName"), &PsValue::Bool(false));
    }
}

fn text(v: &PsValue) -> String {
    match v {
        PsValue::String(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// Nested certificates are only their `X509Certificate2.ToString()` text; URLs are URIs.
#[test]
fn the_trust_delivers_certificates_as_text_and_urls_as_uris() {
    let mut shell = testkit::shell();
    let tp = testkit::with_trust(&mut shell);
    let out = run(&mut shell, "Get-FederationTrust", Vec::new());
    let o = object(&out[0]);
    assert_eq!(
        o.type_names[0],
        "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust"
    );
    let cert = text(prop(o, "OrgCertificate"));
    assert!(cert.starts_with("[Subject]\r\n  CN="), "{cert}");
    for part in [
        "\r\n\r\n[Issuer]\r\n  CN=",
        "\r\n\r\n[Serial Number]\r\n  ",
        "\r\n\r\n[Not Before]\r\n  ",
        "\r\n\r\n[Not After]\r\n  ",
    ] {
        assert!(cert.contains(part), "{part:?} in {cert:?}");
    }
    assert!(
        cert.ends_with(&format!("\r\n\r\n[Thumbprint]\r\n  {tp}\r\n")),
        "{cert:?}"
    );
    let sts = text(prop(o, "TokenIssuerCertificate"));
    let not_after = sts
        .split("[Not After]\r\n  ")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .unwrap_or_default();
    // M/d/yyyy h:mm:ss AM|PM, as an en-US server prints it.
    let (date, time) = not_after.split_once(' ').expect("date and time");
    assert_eq!(date.split('/').count(), 3, "{sts:?}");
    assert!(time.ends_with(" AM") || time.ends_with(" PM"), "{sts:?}");
    assert_eq!(prop(o, "OrgNextCertificate"), &PsValue::Null);
    assert!(
        matches!(prop(o, "TokenIssuerUri"), PsValue::Uri(u) if u == "urn:federation:MicrosoftOnline")
    );
    assert!(matches!(prop(o, "TokenIssuerMetadataEpr"), PsValue::Uri(_)));
    let (ty, name, number) = enum_parts(prop(o, "NamespaceProvisioner"));
    assert!(
        ty.ends_with("FederationTrust+NamespaceProvisionerType"),
        "{ty}"
    );
    assert_eq!((name.as_str(), number), ("LiveDomainServices2", 1));
    let (_, name, number) = enum_parts(prop(o, "TokenIssuerType"));
    assert_eq!((name.as_str(), number), ("LiveId", 0));
    // What the host writes: the text escaped as PowerShell does.
    let doc = clixml::write(&out);
    assert!(
        doc.contains("<S N=\"OrgCertificate\">[Subject]_x000D__x000A_  CN="),
        "{doc}"
    );
}

#[test]
fn federated_domains_are_text_with_state_only_when_asked_for() {
    let mut shell = testkit::shell();
    testkit::federated(&mut shell);
    let items = |out: &[PsValue]| -> Vec<PsValue> {
        let o = object(&out[0]);
        let list = object(prop(o, "Domains"));
        assert!(list.type_names[0]
            .starts_with("Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1"));
        list.items.clone().expect("LST")
    };
    let bare = run(
        &mut shell,
        "Get-FederatedOrganizationIdentifier",
        Vec::new(),
    );
    assert_eq!(items(&bare), [PsValue::String("contoso.com".into())]);
    let extended = run(
        &mut shell,
        "Get-FederatedOrganizationIdentifier",
        vec![("IncludeExtendedDomainInfo".into(), ParamValue::Switch(true))],
    );
    assert_eq!(
        items(&extended),
        [PsValue::String("contoso.com=Active".into())]
    );
}

#[test]
fn exchange_certificates_keep_their_properties_and_services_as_a_flags_enum() {
    let mut shell = testkit::shell();
    let tp = testkit::federation_certificate(&mut shell);
    let out = run(
        &mut shell,
        "Get-ExchangeCertificate",
        vec![("Thumbprint".into(), ParamValue::String(tp.clone()))],
    );
    let o = object(&out[0]);
    assert_eq!(
        o.type_names[..2],
        [
            "Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate",
            "Deserialized.System.Security.Cryptography.X509Certificates.X509Certificate2"
        ]
    );
    let to_string = o.to_string.clone().expect("ToString");
    assert!(
        to_string.ends_with(&format!("[Thumbprint]\r\n  {tp}\r\n")),
        "{to_string:?}"
    );
    assert_eq!(prop(o, "Thumbprint"), &PsValue::String(tp));
    assert!(matches!(prop(o, "NotAfter"), PsValue::DateTime(_)));
    assert!(matches!(prop(o, "RawData"), PsValue::Bytes(b) if b.first() == Some(&0x30)));
    let (ty, name, number) = enum_parts(prop(o, "Services"));
    assert!(
        ty.ends_with("SystemConfigurationTasks.AllowedServices"),
        "{ty}"
    );
    assert_eq!((name.as_str(), number), ("Federation", 32));
}

#[test]
fn flags_name_members_in_ascending_order() {
    assert_eq!(
        flags(&ALLOWED_SERVICES, "Federation, SMTP, POP, IMAP"),
        ("IMAP, POP, SMTP, Federation".to_owned(), 51)
    );
    assert_eq!(flags(&ALLOWED_SERVICES, "None"), ("None".to_owned(), 0));
}

#[test]
fn certificate_dates_print_as_an_en_us_server_does() {
    assert_eq!(
        x509_date("2026-07-11T15:59:05Z").as_deref(),
        Some("7/11/2026 3:59:05 PM")
    );
    assert_eq!(
        x509_date("2021-08-06T00:05:00Z").as_deref(),
        Some("8/6/2021 12:05:00 AM")
    );
}

/// The workstation's DnsServer cmdlets are local objects: real type names, no remoting notes.
#[test]
fn local_dns_records_are_not_deserialized_objects() {
    let value = serde_json::json!({"HostName": "_proof", "RecordType": "TXT"});
    let out = present("Add-DnsServerResourceRecord", &[], &[value], &session());
    let o = object(&out[0]);
    assert!(o.type_names[0].starts_with("Microsoft.Management.Infrastructure.CimInstance#"));
    assert!(o.property("PSComputerName").is_none());
}

fn read<T: serde::de::DeserializeOwned>(
    shell: &mut crate::Shell,
    cmdlet: &str,
    params: Vec<(String, ParamValue)>,
) -> Vec<T> {
    let out = ok(
        shell,
        Invocation {
            cmdlet: cmdlet.into(),
            params: params.clone(),
        },
    );
    let values = delivered(cmdlet, &params, &out).expect("the production reader");
    values
        .into_iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{cmdlet}: {e}: {v}")))
        .collect()
}

/// Through the production reader, the lab's CLIXML yields the model the lab's state says.
#[test]
fn the_production_reader_yields_the_labs_state() {
    use fedshare_model::{
        AcceptedDomain, ExchangeCertificate, FederatedDomain, FederatedDomainState,
        FederatedOrganizationIdentifier, FederationTrust, OrganizationRelationship, SharingPolicy,
    };
    let mut shell = testkit::shell();
    let tp = testkit::federated(&mut shell);
    with_relationship(&mut shell);
    let domains: Vec<AcceptedDomain> = read(&mut shell, "Get-AcceptedDomain", Vec::new());
    assert_eq!(domains.len(), shell.world.accepted_domains.len());
    for (d, w) in domains.iter().zip(&shell.world.accepted_domains) {
        assert_eq!(
            (&d.domain_name, d.domain_type, d.default),
            (&w.domain_name, w.domain_type, w.default)
        );
    }
    let trust: Vec<FederationTrust> = read(&mut shell, "Get-FederationTrust", Vec::new());
    let cert = trust[0].org_certificate.as_ref().expect("OrgCertificate");
    assert_eq!(cert.thumbprint, tp);
    assert_eq!(trust[0].namespace_provisioner, "LiveDomainServices2");
    assert_eq!(trust[0].token_issuer_uri, "urn:federation:MicrosoftOnline");
    let orgid: Vec<FederatedOrganizationIdentifier> = read(
        &mut shell,
        "Get-FederatedOrganizationIdentifier",
        vec![("IncludeExtendedDomainInfo".into(), ParamValue::Switch(true))],
    );
    assert_eq!(
        orgid[0].domains,
        [FederatedDomain {
            domain: "contoso.com".into(),
            state: FederatedDomainState::Active
        }]
    );
    let relationships: Vec<OrganizationRelationship> =
        read(&mut shell, "Get-OrganizationRelationship", Vec::new());
    assert!(!relationships.is_empty());
    assert_eq!(
        relationships.len(),
        crate::views::effective_relationships(&shell.world).len()
    );
    for (r, w) in relationships
        .iter()
        .zip(crate::views::effective_relationships(&shell.world))
    {
        assert_eq!(
            (&r.name, &r.domain_names, r.free_busy_access_level),
            (&w.name, &w.domain_names, w.free_busy_access_level)
        );
    }
    let policies: Vec<SharingPolicy> = read(&mut shell, "Get-SharingPolicy", Vec::new());
    assert_eq!(policies, crate::views::effective_policies(&shell.world));
    let certs: Vec<ExchangeCertificate> = read(
        &mut shell,
        "Get-ExchangeCertificate",
        vec![("Thumbprint".into(), ParamValue::String(tp.clone()))],
    );
    let stored = shell.world.certificate(&tp).expect("stored");
    assert_eq!(certs[0].thumbprint, tp);
    // The same instant, to the 100 ns a .NET DateTime holds.
    let read = crate::timefmt::parse(&certs[0].not_after).expect("RFC 3339");
    let held = crate::timefmt::parse(&stored.not_after).expect("RFC 3339");
    assert!(
        (read - held).abs() < time::Duration::nanoseconds(100),
        "{read} {held}"
    );
    assert!(
        certs[0].services.contains("Federation"),
        "{:?}",
        certs[0].services
    );
}

/// A relationship with Fabrikam at LimitedDetails, as the example plan makes.
fn with_relationship(shell: &mut crate::Shell) {
    ok(
        shell,
        Invocation::new("New-OrganizationRelationship")
            .string("Name", "Fabrikam")
            .list("DomainNames", vec!["fabrikam.com".into()])
            .bool("FreeBusyAccessEnabled", true)
            .enumeration("FreeBusyAccessLevel", "LimitedDetails")
            .string(
                "TargetAutodiscoverEpr",
                "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity",
            ),
    );
}

/// Every Get-* cmdlet the lab serves answers with Exchange's deserialized objects: the
/// `Deserialized.` type names of a known class, the remoting notes, Exchange's enums with
/// their numbers, URLs as URIs, and documents the production reader reads.
#[test]
fn every_get_cmdlet_answers_as_a_remote_session_does() {
    let mut shell = testkit::shell();
    let tp = testkit::federated(&mut shell);
    with_relationship(&mut shell);
    let string = |n: &str, v: &str| vec![(n.to_owned(), ParamValue::String(v.to_owned()))];
    let calls: Vec<(&str, Vec<(String, ParamValue)>)> = vec![
        ("Get-AcceptedDomain", Vec::new()),
        ("Get-FederationTrust", Vec::new()),
        ("Get-FederatedOrganizationIdentifier", Vec::new()),
        ("Get-OrganizationRelationship", Vec::new()),
        ("Get-SharingPolicy", Vec::new()),
        ("Get-Mailbox", Vec::new()),
        ("Get-WebServicesVirtualDirectory", Vec::new()),
        ("Get-AutodiscoverVirtualDirectory", Vec::new()),
        ("Get-ExchangeCertificate", string("Thumbprint", &tp)),
        (
            "Get-FederatedDomainProof",
            string("DomainName", "contoso.com"),
        ),
        (
            "Get-FederationInformation",
            string("DomainName", "fabrikam.com"),
        ),
    ];
    for (cmdlet, params) in calls {
        let inv = Invocation {
            cmdlet: cmdlet.into(),
            params,
        };
        let outcome = ok(&mut shell, inv.clone());
        let docs = documents(cmdlet, &inv.params, &outcome);
        assert!(!docs.is_empty(), "{cmdlet} returned nothing");
        for doc in &docs {
            let values = clixml::parse(doc).unwrap_or_else(|e| panic!("{cmdlet}: {e}\n{doc}"));
            let [PsValue::Object(o)] = values.as_slice() else {
                panic!("{cmdlet}: one object per document: {doc}")
            };
            assert!(
                o.type_names[0].starts_with("Deserialized.Microsoft.Exchange."),
                "{cmdlet}: {:?}",
                o.type_names
            );
            assert!(
                o.type_names.iter().all(|t| t.starts_with("Deserialized.")),
                "{cmdlet}"
            );
            assert_eq!(
                prop(o, "PSComputerName"),
                &PsValue::String("ex01.contoso.com".into()),
                "{cmdlet}"
            );
            for (name, value) in &o.properties {
                if let PsValue::Object(inner) = value {
                    assert!(
                        inner.properties.is_empty(),
                        "{cmdlet}.{name}: nested objects are text, enums or lists"
                    );
                    if inner.is_type("System.Enum") {
                        enum_parts(value);
                    }
                }
                if name.ends_with("Url")
                    || name.ends_with("Epr")
                    || name.ends_with("Uri") && name != "PolicyReferenceUri"
                {
                    assert!(
                        matches!(value, PsValue::Uri(_) | PsValue::Null),
                        "{cmdlet}.{name}: {value:?}"
                    );
                }
            }
        }
        delivered(cmdlet, &inv.params, &outcome).unwrap_or_else(|e| panic!("{cmdlet}: {e:?}"));
    }
}

#[test]
fn organization_relationships_carry_free_busy_access_level_by_name_and_number() {
    let mut shell = testkit::shell();
    with_relationship(&mut shell);
    let out = run(&mut shell, "Get-OrganizationRelationship", Vec::new());
    assert!(!out.is_empty());
    for v in &out {
        let o = object(v);
        let (ty, name, number) = enum_parts(prop(o, "FreeBusyAccessLevel"));
        assert_eq!(ty, "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FreeBusyAccessLevel");
        let expected = ["None", "AvailabilityOnly", "LimitedDetails"]
            .iter()
            .position(|n| *n == name);
        assert_eq!(Some(number as usize), expected, "{name}");
        let domains = object(prop(o, "DomainNames"));
        assert!(domains
            .items
            .as_ref()
            .is_some_and(|i| i.iter().all(|d| matches!(d, PsValue::String(_)))));
    }
}

#[test]
fn dates_are_written_as_powershell_writes_them() {
    assert_eq!(
        clixml_date("2026-12-04T15:36:28.123456789Z").as_deref(),
        Some("2026-12-04T15:36:28.1234567Z")
    );
    assert_eq!(
        clixml_date("2030-06-30T00:00:00Z").as_deref(),
        Some("2030-06-30T00:00:00Z")
    );
    assert_eq!(
        clixml_date("2030-06-30T02:00:00.5+02:00").as_deref(),
        Some("2030-06-30T00:00:00.5Z")
    );
    assert_eq!(clixml_date(""), None);
}
