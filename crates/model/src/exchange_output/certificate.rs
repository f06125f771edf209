//! Certificates as Exchange's output carries them: an object with properties, an object with
//! only `RawData` (Serialization Data Signing), or the `X509Certificate2.ToString()` text a
//! nested certificate becomes past the serialization depth.

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use x509_parser::objects::{oid2abbrev, oid_registry};
use x509_parser::x509::X509Name;

use super::{nested, own_properties, rfc3339};
use crate::clixml::{PsObject, PsValue};
use crate::state::ExchangeCertificate;

/// The fields every certificate map has when they can be known.
const IDENTITY: [&str; 5] = ["Thumbprint", "Subject", "Issuer", "NotBefore", "NotAfter"];

/// True for a certificate object: by its .NET type, or by the `RawData` it carries.
pub fn is_certificate(object: &PsObject) -> bool {
    object.is_type("X509Certificate2")
        || object.is_type("X509Certificate")
        || object.is_type("ExchangeCertificate")
        || matches!(object.property("RawData"), Some(PsValue::Bytes(_)))
}

/// A certificate as JSON. `full` keeps all its properties (a top-level `Get-ExchangeCertificate`
/// object); otherwise only the identifying ones. Fields its properties lack come from `RawData`;
/// with neither, a nested certificate stays its text form.
pub fn to_json(object: &PsObject, full: bool) -> Value {
    let mut map = Map::new();
    for (name, value) in own_properties(object) {
        if name.eq_ignore_ascii_case("RawData") {
            continue;
        }
        if full || IDENTITY.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            map.insert(name.clone(), nested(value));
        }
    }
    if let Some(PsValue::Bytes(der)) = object.property("RawData") {
        if let Some(from_der) = from_raw_data(der) {
            for (key, value) in from_der {
                let missing = map.get(&key).is_none_or(Value::is_null);
                if missing {
                    map.insert(key, value);
                }
            }
        }
    }
    if map.get("Thumbprint").is_none_or(Value::is_null) && !full {
        return object
            .to_string
            .as_ref()
            .map_or(Value::Null, |s| Value::String(s.clone()));
    }
    Value::Object(map)
}

/// Thumbprint (uppercase hex SHA-1 of the DER, as Windows shows it), subject, issuer and
/// validity read from a DER certificate; `None` when it is not one.
pub fn from_raw_data(der: &[u8]) -> Option<Map<String, Value>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let thumbprint: String = Sha1::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let validity = cert.validity();
    let mut map = Map::new();
    map.insert("Thumbprint".into(), Value::String(thumbprint));
    map.insert("Subject".into(), Value::String(dotnet_name(cert.subject())));
    map.insert("Issuer".into(), Value::String(dotnet_name(cert.issuer())));
    for (key, at) in [
        ("NotBefore", validity.not_before),
        ("NotAfter", validity.not_after),
    ] {
        let text = rfc3339(at.to_datetime()).map_or(Value::Null, Value::String);
        map.insert(key.into(), text);
    }
    Some(map)
}

/// A distinguished name as .NET's `X500DistinguishedName.Name` writes it: the most specific
/// part first (`CN=mail.contoso.com, O=Contoso, C=US`).
fn dotnet_name(name: &X509Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter().collect::<Vec<_>>().into_iter().rev() {
        for attr in rdn.iter() {
            let key = oid2abbrev(attr.attr_type(), oid_registry())
                .map_or_else(|_| attr.attr_type().to_id_string(), str::to_owned);
            let value = attr.as_str().unwrap_or("");
            parts.push(format!("{key}={value}"));
        }
    }
    parts.join(", ")
}

/// What the text form of a certificate (`X509Certificate2.ToString()`) tells.
///
/// ```text
/// [Subject]\r\n  CN=…\r\n\r\n[Issuer]\r\n  CN=…\r\n\r\n[Serial Number]\r\n  6C20…\r\n\r\n
/// [Not Before]\r\n  08/06/2021 15:59:05\r\n\r\n[Not After]\r\n  07/11/2026 15:59:05\r\n\r\n
/// [Thumbprint]\r\n  2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7\r\n
/// ```
///
/// The dates are not kept: they are in the server's culture (`07/11/2026` is 11 July in en-US,
/// 7 November in en-GB) and in its local time zone (Get-ExchangeCertificate.xml writes
/// `15:59:05` for a certificate whose DER says 13:59:05Z), so no reading of them is reliable.
/// The expiry comes from `Get-ExchangeCertificate -Thumbprint` instead.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateText {
    pub subject: String,
    pub issuer: String,
    pub thumbprint: String,
}

impl CertificateText {
    /// `None` when the text has no `[Thumbprint]` section of 40 hex digits.
    pub fn parse(text: &str) -> Option<CertificateText> {
        let mut out = CertificateText::default();
        let mut section = "";
        for line in text.lines() {
            let line = line.trim();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name;
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let slot = match section {
                "Subject" => &mut out.subject,
                "Issuer" => &mut out.issuer,
                "Thumbprint" => &mut out.thumbprint,
                _ => continue,
            };
            if slot.is_empty() {
                *slot = line.to_owned();
            }
        }
        let valid =
            out.thumbprint.len() == 40 && out.thumbprint.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| {
            out.thumbprint.make_ascii_uppercase();
            out
        })
    }
}

/// One `Get-ExchangeCertificate` output object (as [`super::to_json`] gives it) as the model's
/// certificate.
pub fn exchange_certificate(mut value: Value) -> Result<ExchangeCertificate, serde_json::Error> {
    if let Some(services) = value.get_mut("Services") {
        let text = services_text(services).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "Services is neither Exchange's flags text nor a list of names: {services}"
            ))
        })?;
        *services = Value::String(text);
    }
    serde_json::from_value(value)
}

/// `Services` of `Get-ExchangeCertificate`: a flags enum, so Exchange's text
/// (`"IMAP, POP, IIS, SMTP"`, `"None"`); the JSON hosts sent a list of names.
fn services_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}
