//! The CLIXML grammar PowerShell's serializer writes, what the model makes of Exchange's text
//! forms, and hostile or broken input (each a clear error, never a panic or a blow-up).

use fedshare_model::clixml::{parse, ClixmlError, PsObject, PsValue};
use fedshare_model::exchange_output::read_documents;
use fedshare_model::{
    ErrorCode, FederatedDomain, FederatedDomainState, FederatedOrganizationIdentifier,
    FederationTrust,
};
use serde_json::json;

const NS: &str = r#"Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04""#;

fn doc(body: &str) -> String {
    format!("<Objs {NS}>{body}</Objs>")
}

fn one(body: &str) -> PsValue {
    let mut values = parse(&doc(body)).unwrap_or_else(|e| panic!("{body}: {e}"));
    assert_eq!(values.len(), 1);
    values.remove(0)
}

fn object(value: PsValue) -> PsObject {
    match value {
        PsValue::Object(o) => o,
        other => panic!("not an object: {other:?}"),
    }
}

#[test]
fn every_primitive_reads_as_its_value() {
    let cases: Vec<(&str, PsValue)> = vec![
        ("<S>a_x000D__x000A_b</S>", PsValue::String("a\r\nb".into())),
        ("<S></S>", PsValue::String(String::new())),
        ("<S>  padded  </S>", PsValue::String("  padded  ".into())),
        (
            "<S>a<!-- not content -->b&amp;<![CDATA[<c>]]></S>",
            PsValue::String("ab&<c>".into()),
        ),
        ("<C>97</C>", PsValue::String("a".into())),
        ("<B>true</B>", PsValue::Bool(true)),
        ("<B>false</B>", PsValue::Bool(false)),
        ("<I32>-5</I32>", PsValue::Int(-5)),
        ("<I64>9000000000</I64>", PsValue::Int(9_000_000_000)),
        ("<I16>-300</I16>", PsValue::Int(-300)),
        ("<SB>-7</SB>", PsValue::Int(-7)),
        ("<U32>4000000000</U32>", PsValue::UInt(4_000_000_000)),
        ("<U64>18446744073709551615</U64>", PsValue::UInt(u64::MAX)),
        ("<U16>65535</U16>", PsValue::UInt(65535)),
        ("<By>255</By>", PsValue::UInt(255)),
        ("<Db>1.5</Db>", PsValue::Double(1.5)),
        ("<Sg>-INF</Sg>", PsValue::Double(f64::NEG_INFINITY)),
        ("<D>12.50</D>", PsValue::Decimal("12.50".into())),
        (
            "<DT>2021-09-28T11:39:25-05:00</DT>",
            PsValue::DateTime("2021-09-28T11:39:25-05:00".into()),
        ),
        (
            "<G>3e7c2964-a6ef-4f43-b318-b3a23880dcbc</G>",
            PsValue::Guid("3e7c2964-a6ef-4f43-b318-b3a23880dcbc".into()),
        ),
        (
            "<URI>https://mail.contoso.com/EWS/Exchange.asmx</URI>",
            PsValue::Uri("https://mail.contoso.com/EWS/Exchange.asmx".into()),
        ),
        (
            "<Version>15.0.1497.2</Version>",
            PsValue::Version("15.0.1497.2".into()),
        ),
        ("<TS>PT5M</TS>", PsValue::TimeSpan("PT5M".into())),
        ("<BA>AQID</BA>", PsValue::Bytes(vec![1, 2, 3])),
        ("<Nil />", PsValue::Null),
        ("<XD>&lt;a/&gt;</XD>", PsValue::String("<a/>".into())),
        ("<SBK>Get-Date</SBK>", PsValue::String("Get-Date".into())),
        // A secure string's contents are never kept.
        (
            "<SS>01000000d08c9ddf0115d1118c7a00c04fc297eb</SS>",
            PsValue::Null,
        ),
    ];
    for (xml, expected) in cases {
        assert_eq!(one(xml), expected, "{xml}");
    }
}

#[test]
fn the_byte_order_mark_is_accepted() {
    let values = parse(&format!("\u{feff}{}", doc("<S>x</S>"))).expect("parse");
    assert_eq!(values, [PsValue::String("x".into())]);
}

#[test]
fn collections_and_dictionaries_keep_their_items() {
    for tag in ["LST", "IE", "STK", "QUE"] {
        let o = object(one(&format!(
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.ArrayList</T></TN>\
             <{tag}><S>a</S><I32>1</I32></{tag}></Obj>"
        )));
        assert_eq!(
            o.items,
            Some(vec![PsValue::String("a".into()), PsValue::Int(1)]),
            "{tag}"
        );
    }
    let o = object(one(
        "<Obj RefId=\"0\"><DCT><En><S N=\"Key\">k</S><I32 N=\"Value\">2</I32></En></DCT></Obj>",
    ));
    assert_eq!(
        o.entries,
        Some(vec![(PsValue::String("k".into()), PsValue::Int(2))])
    );
}

#[test]
fn type_name_and_object_references_resolve_to_the_earlier_ones() {
    let values = parse(&doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.A.Type</T><T>System.Object</T></TN>
             <ToString>first</ToString>
             <Props><Obj N="Inner" RefId="1"><TN RefId="1"><T>B.Inner</T></TN><ToString>in_x005F_x0041_</ToString></Obj></Props>
           </Obj>
           <Obj RefId="2"><TNRef RefId="0" /><ToString>second</ToString>
             <Props><Ref N="Inner" RefId="1" /></Props>
           </Obj>"#,
    ))
    .expect("parse");
    let second = object(values[1].clone());
    assert_eq!(second.type_names, ["Deserialized.A.Type", "System.Object"]);
    assert!(second.is_type("Type"));
    let inner = object(second.property("Inner").expect("Inner").clone());
    assert_eq!(inner.type_names, ["B.Inner"]);
    // `_x005F_` is a literal underscore: the text really is "in_x0041_".
    assert_eq!(inner.to_string.as_deref(), Some("in_x0041_"));
}

#[test]
fn escapes_decode_in_property_names_and_to_string() {
    let o = object(one(
        r#"<Obj RefId="0"><ToString>a_x000D__x000A_b_xD83D__xDE00_</ToString><MS><S N="odd_x0020_name">v</S></MS></Obj>"#,
    ));
    assert_eq!(o.to_string.as_deref(), Some("a\r\nb\u{1F600}"));
    assert_eq!(o.property("odd name"), Some(&PsValue::String("v".into())));
}

/// A trust and a federated organization identifier as a remote session at depth 1 delivers
/// them: the certificate and each domain as their ToString() text.
#[test]
fn the_model_reads_exchanges_text_forms() {
    let trust = doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust</T></TN>
        <ToString>Microsoft Federation Gateway</ToString>
        <Props>
          <S N="Name">Microsoft Federation Gateway</S>
          <S N="OrgCertificate">[Subject]_x000D__x000A_  CN=Federation_x000D__x000A__x000D__x000A_[Issuer]_x000D__x000A_  CN=Federation_x000D__x000A__x000D__x000A_[Serial Number]_x000D__x000A_  6C20_x000D__x000A__x000D__x000A_[Not Before]_x000D__x000A_  08/06/2021 15:59:05_x000D__x000A__x000D__x000A_[Not After]_x000D__x000A_  07/11/2026 15:59:05_x000D__x000A__x000D__x000A_[Thumbprint]_x000D__x000A_  2d10a746d6bb8d795f1679aebd89d5d2ae583cb7_x000D__x000A_</S>
          <Nil N="OrgNextCertificate" />
          <S N="TokenIssuerCertificate">[Subject]_x000D__x000A_  CN=sts_x000D__x000A__x000D__x000A_[Not After]_x000D__x000A_  25.11.2026 10:00:00_x000D__x000A__x000D__x000A_[Thumbprint]_x000D__x000A_  611C687DFC4343A5A03E0005A1EC6E9B6AFF586D_x000D__x000A_</S>
          <URI N="TokenIssuerUri">urn:federation:MicrosoftOnline</URI>
          <URI N="TokenIssuerEpr">https://login.microsoftonline.com/extSTS.srf</URI>
          <URI N="TokenIssuerMetadataEpr">https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml</URI>
          <Obj N="TokenIssuerType" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+TokenIssuerType</T><T>System.Enum</T></TN><ToString>MicrosoftOnline</ToString><I32>1</I32></Obj>
          <Obj N="NamespaceProvisioner" RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+NamespaceProvisionerType</T><T>System.Enum</T></TN><ToString>ExternalProcess</ToString><I32>2</I32></Obj>
        </Props>
        <MS><S N="PSComputerName">ex1.contoso.com</S></MS></Obj>"#,
    );
    let value = read_documents(&[trust]).expect("read").remove(0);
    assert_eq!(value["TokenIssuerType"], "MicrosoftOnline");
    let trust: FederationTrust = serde_json::from_value(value).expect("FederationTrust");
    let org = trust.org_certificate.expect("OrgCertificate");
    assert_eq!(org.thumbprint, "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7");
    assert_eq!(org.subject, "CN=Federation");
    assert!(org.not_after_unknown(), "07/11/2026 reads two ways");
    assert_eq!(trust.org_next_certificate, None);
    assert_eq!(trust.namespace_provisioner, "ExternalProcess");

    let orgid = doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederatedOrganizationIdWithDomainStatus</T></TN>
        <Props>
          <B N="Enabled">true</B>
          <S N="AccountNamespace">FYDIBOHF25SPDLT.contoso.com</S>
          <Obj N="Domains" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.Directory.SystemConfiguration.FederatedDomain]]</T></TN>
            <LST><S>contoso.com=Active</S><S>fabrikam.com</S><S>pending.com=PendingActivation</S></LST></Obj>
          <S N="DefaultDomain">contoso.com</S>
        </Props></Obj>"#,
    );
    let value = read_documents(&[orgid]).expect("read").remove(0);
    let orgid: FederatedOrganizationIdentifier =
        serde_json::from_value(value).expect("FederatedOrganizationIdentifier");
    assert_eq!(
        orgid.domains,
        [
            ("contoso.com", FederatedDomainState::Active),
            ("fabrikam.com", FederatedDomainState::Unknown),
            ("pending.com", FederatedDomainState::PendingActivation),
        ]
        .map(|(d, state)| FederatedDomain {
            domain: d.into(),
            state
        })
    );
}

#[test]
fn certificate_ref_text_keeps_an_unambiguous_expiry_and_objects_still_read() {
    let sts: fedshare_model::CertificateRef = serde_json::from_value(json!(
        "[Subject]\r\n  CN=sts\r\n\r\n[Not After]\r\n  25.11.2026 10:00:00\r\n\r\n[Thumbprint]\r\n  611C687DFC4343A5A03E0005A1EC6E9B6AFF586D\r\n"
    ))
    .expect("text form");
    assert_eq!(sts.not_after, "2026-11-25T10:00:00Z");
    let object: fedshare_model::CertificateRef = serde_json::from_value(
        json!({"Thumbprint": "AB", "NotAfter": "2030-01-01T00:00:00Z", "Subject": "CN=x"}),
    )
    .expect("object form");
    assert_eq!(object.not_after, "2030-01-01T00:00:00Z");
    let err = serde_json::from_value::<fedshare_model::CertificateRef>(json!("CN=x"))
        .expect_err("no thumbprint");
    assert!(err.to_string().contains("Thumbprint"), "{err}");
    let domain: FederatedDomain =
        serde_json::from_value(json!({"Domain": "a.com", "State": "Active"})).expect("object");
    assert_eq!(domain.state, FederatedDomainState::Active);
}

fn refused(document: &str) -> ClixmlError {
    parse(document).expect_err("refused")
}

#[test]
fn a_dtd_is_refused_before_any_entity_expands() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Objs><S>&lol3;</S></Objs>"#;
    let err = refused(bomb);
    assert_eq!(err, ClixmlError::Dtd);
    assert_eq!(err.code(), "clixml.dtd_refused");
}

#[test]
fn broken_or_foreign_documents_are_clear_errors() {
    let cases: Vec<(String, &str)> = vec![
        (
            format!("<Objs {NS}><Obj RefId=\"0\"><Props>"),
            "not well-formed",
        ),
        ("<Objs><S>x</Objs>".into(), "not well-formed"),
        ("".into(), "not well-formed"),
        ("<html><body/></html>".into(), "not <Objs>"),
        (doc("<Blob>1</Blob>"), "<Blob> is not an element"),
        (
            doc("<Obj RefId=\"0\"><Props><Weird N=\"x\"/></Props></Obj>"),
            "<Weird>",
        ),
        (doc("<BA>not base64!</BA>"), "not base64"),
        (doc("<S>_xD800_ alone</S>"), "surrogate"),
        (doc("<I32>12x</I32>"), "not an integer"),
        (doc("<I32>4000000000</I32>"), "of that size"),
        (doc("<B>yes</B>"), "not a boolean"),
        (doc("<S>a<S>b</S></S>"), "holds only text"),
        (
            doc("<Obj RefId=\"0\"><Props><S>no name</S></Props></Obj>"),
            "without a name",
        ),
        (doc("<Ref RefId=\"9\" />"), "points at no earlier object"),
        (
            doc("<Obj RefId=\"0\"><TNRef RefId=\"4\" /></Obj>"),
            "points at no earlier <TN>",
        ),
        (
            doc("<Obj RefId=\"0\"><DCT><S>x</S></DCT></Obj>"),
            "only <En>",
        ),
        (
            doc("<Obj RefId=\"0\"><DCT><En><S N=\"Key\">k</S></En></DCT></Obj>"),
            "without its Key or Value",
        ),
    ];
    for (document, expected) in cases {
        let err = refused(&document);
        assert!(
            err.to_string().contains(expected),
            "{document}: {err} (wanted {expected:?})"
        );
    }
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    let nested = |depth: usize| {
        let open = "<Obj N=\"p\" RefId=\"0\"><Props>".repeat(depth);
        let close = "</Props></Obj>".repeat(depth);
        // An N attribute on a top-level value is harmless.
        doc(&format!("{open}<S N=\"leaf\">x</S>{close}"))
    };
    assert!(parse(&nested(30)).is_ok());
    assert_eq!(refused(&nested(100)), ClixmlError::TooDeep);
    // Far deeper than any stack could recurse: refused all the same.
    assert_eq!(refused(&nested(100_000)), ClixmlError::TooDeep);
}

#[test]
fn references_that_multiply_are_refused_past_the_budget() {
    // Each object holds two references to the one before: 2^40 values if expanded.
    let mut body = String::from("<Obj RefId=\"0\"><ToString>x</ToString></Obj>");
    for i in 1..=40 {
        body.push_str(&format!(
            "<Obj RefId=\"{i}\"><LST><Ref RefId=\"{p}\" /><Ref RefId=\"{p}\" /></LST></Obj>",
            p = i - 1
        ));
    }
    assert!(matches!(refused(&doc(&body)), ClixmlError::TooLarge(_)));
}

#[test]
fn exchange_output_turns_enums_collections_and_dates_into_json() {
    let value = read_documents(&[doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.X</T></TN><Props>
        <Obj N="Flags" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.AllowedServices</T><T>System.Enum</T></TN><ToString>Federation, SMTP</ToString><I32>40</I32></Obj>
        <Obj N="Names" RefId="2"><TN RefId="2"><T>Deserialized.System.Collections.ArrayList</T></TN><LST><S>a</S><Obj RefId="3"><TN RefId="3"><T>Deserialized.Y</T></TN><ToString>y text</ToString><Props><S N="Deep">z</S></Props></Obj></LST></Obj>
        <DT N="When">2021-09-28T11:39:25-05:00</DT>
        <DT N="Never">0001-01-01T00:00:00</DT>
        <DT N="Precise">2023-01-05T12:08:36.1218724Z</DT>
        <BA N="Blob">AQID</BA>
        <TS N="Interval">PT1H</TS>
        </Props><MS><G N="RunspaceId">3e7c2964-a6ef-4f43-b318-b3a23880dcbc</G><B N="PSShowComputerName">false</B></MS></Obj>"#,
    )])
    .expect("read")
    .remove(0);
    assert_eq!(
        value,
        json!({
            "Flags": "Federation, SMTP",
            "Names": ["a", "y text"],
            "When": "2021-09-28T16:39:25Z",
            "Never": "0001-01-01T00:00:00Z",
            "Precise": "2023-01-05T12:08:36.1218724Z",
            "Blob": "AQID",
            "Interval": "PT1H",
        })
    );
    // One document per object; each may hold several.
    let many = read_documents(&[doc("<S>a</S><S>b</S>"), doc("<I32>3</I32>")]).expect("read");
    assert_eq!(many, [json!("a"), json!("b"), json!(3)]);
    assert!(read_documents(&[doc("<S>a</S>"), "<Objs>".into()]).is_err());
}

/// Within the serialization depth a certificate keeps its properties: the model gets the
/// object form, with the date in UTC; what the properties lack comes from RawData.
#[test]
fn a_nested_certificate_with_properties_is_an_object() {
    let value = read_documents(&[doc(
        r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust</T></TN><Props>
        <Obj N="OrgCertificate" RefId="1"><TN RefId="1"><T>Deserialized.System.Security.Cryptography.X509Certificates.X509Certificate2</T></TN>
          <ToString>[Subject]_x000D__x000A_  CN=x</ToString>
          <Props><S N="Thumbprint">AB12</S><DT N="NotAfter">2027-01-15T01:00:00+01:00</DT><S N="Subject">CN=Federation</S><S N="FriendlyName">dropped</S></Props>
        </Obj></Props></Obj>"#,
    )])
    .expect("read")
    .remove(0);
    assert_eq!(
        value["OrgCertificate"],
        json!({"Thumbprint": "AB12", "NotAfter": "2027-01-15T00:00:00Z", "Subject": "CN=Federation"})
    );
    let cert: fedshare_model::CertificateRef =
        serde_json::from_value(value["OrgCertificate"].clone()).expect("CertificateRef");
    assert_eq!(cert.not_after, "2027-01-15T00:00:00Z");
}

/// Whatever a broken transport cuts or garbles of a real document, the reader answers with a
/// value or an error, never a panic.
#[test]
fn truncated_and_garbled_real_documents_never_panic() {
    let real = include_str!("fixtures/clixml/Get-ExchangeCertificate.xml");
    let mut errors = 0;
    for cut in (0..real.len()).step_by(53) {
        if real.is_char_boundary(cut) && parse(&real[..cut]).is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0, "cut documents are refused");
    for (from, to) in [
        ("MIIDKTCC", "MIID*TCC"),
        ("<TNRef RefId=\"0\" />", "<TNRef RefId=\"9\" />"),
        ("</TN>", "</T>"),
        ("_x000D_", "_xD800_"),
        (">false</B>", ">maybe</B>"),
        ("<ToString>", "<ToStrin>"),
    ] {
        assert!(real.contains(from), "{from}");
        let garbled = real.replacen(from, to, 1);
        assert!(parse(&garbled).is_err(), "{from} -> {to}");
    }
}
