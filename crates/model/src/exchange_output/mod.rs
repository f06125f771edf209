//! The one place where Exchange's output is interpreted.
//!
//! A remote Exchange session delivers each output object as CLIXML ([`crate::clixml`]); this
//! module turns that value tree into the JSON the model's types deserialize, with Exchange's
//! and PowerShell's own rules (evidence: the captured objects in `tests/fixtures/clixml/`,
//! from real Exchange servers, and PowerShell's serializer, `serialization.cs`):
//!
//! - **A top-level object** is a map of its properties, adapted (`<Props>`) and notes (`<MS>`)
//!   alike, without the notes remoting adds to every object (`PSComputerName`,
//!   `PSShowComputerName`, `RunspaceId`) and the signed `SerializationData` blob.
//! - **An enum** is its name: PowerShell writes `<ToString>Authoritative</ToString><I32>0</I32>`
//!   (Get-AcceptedDomain.xml `DomainType`); a flags enum's text (`"Federation, SMTP"`) stays as
//!   Exchange prints it.
//! - **A nested complex object** is its `ToString()` text. Past the serialization depth the
//!   serializer writes nothing else (`HandlePSObjectAsString`), and within it the text is still
//!   what Exchange shows (`ServerVersion`: `Version 15.1 (Build 2507.18)`,
//!   Get-ExchangeServer.xml), so the model reads one form whatever depth the server used.
//! - **A certificate** (`X509Certificate2`, `ExchangeCertificate`, or any object carrying
//!   `RawData`) is `{Thumbprint, Subject, Issuer, NotBefore, NotAfter, ...}`: from its
//!   properties when it has them, else from the DER in `RawData`. With Serialization Data
//!   Signing and an unusable Auth certificate, `Get-ExchangeCertificate` returns only `RawData`
//!   (Get-ExchangeCertificate.xml; CSS-Exchange `Import-ExchangeCertificateFromRawData.ps1`).
//!   A nested certificate with only its text form stays text: [`certificate::CertificateText`]
//!   reads it.
//! - **A collection** is an array of its items, each read as a nested value; a dictionary is a
//!   map.
//! - **A date** is RFC 3339 in UTC (`<DT>` carries its offset; one without, such as
//!   `0001-01-01T00:00:00`, is read as UTC). URIs, GUIDs, versions and time spans are their
//!   text; byte arrays are base64; `<Nil/>` (`ExternalUrl` in
//!   Get-WebServicesVirtualDirectory.xml) is null.
//!
//! The model's types then read Exchange's text forms themselves, because which form arrives
//! depends on the depth the server serializes at (audit #2): a trust certificate as
//! `"[Subject]…[Thumbprint]…"` ([`certificate::CertificateText`]; its culture-dependent date
//! only when unambiguous, otherwise the reader asks `Get-ExchangeCertificate -Thumbprint`), a
//! federated domain as `"contoso.com=Active"` or `"contoso.com"` ([`domain`]). Certificates'
//! `Services` ([`certificate::exchange_certificate`]) and virtual directories ([`vdir`]) have
//! their own readers here so `plan` and `checks` share them.
//!
//! The reader refuses hostile input ([`crate::clixml::parse`]): no DTD, a depth and a size limit,
//! and back-references counted against a budget.

pub mod certificate;
pub mod domain;
pub mod vdir;

use base64::Engine as _;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::clixml::{self, ClixmlError, PsObject, PsValue};

/// Notes remoting adds to every object; they say nothing about Exchange's object.
const REMOTING_NOTES: [&str; 4] = [
    "PSComputerName",
    "PSShowComputerName",
    "RunspaceId",
    "SerializationData",
];

/// The output objects of one cmdlet run, one CLIXML document per object as the hosts send them,
/// as JSON values the model deserializes.
pub fn read_documents(documents: &[String]) -> Result<Vec<Value>, ClixmlError> {
    let mut out = Vec::new();
    for document in documents {
        out.extend(clixml::parse(document)?.iter().map(to_json));
    }
    Ok(out)
}

/// One output object (a top-level value) as JSON.
pub fn to_json(value: &PsValue) -> Value {
    match value {
        PsValue::Object(object) => top_level(object),
        other => scalar(other),
    }
}

fn top_level(object: &PsObject) -> Value {
    if certificate::is_certificate(object) {
        return certificate::to_json(object, true);
    }
    if let Some(shaped) = enum_or_collection(object) {
        return shaped;
    }
    if let Some(base) = &object.base {
        return to_json(base);
    }
    let properties: Map<String, Value> = own_properties(object)
        .map(|(name, value)| (name.clone(), nested(value)))
        .collect();
    if properties.is_empty() {
        return text_or_null(object);
    }
    Value::Object(properties)
}

/// A value inside an object: past the top level, complex values are their text.
pub fn nested(value: &PsValue) -> Value {
    let PsValue::Object(object) = value else {
        return scalar(value);
    };
    if certificate::is_certificate(object) {
        return certificate::to_json(object, false);
    }
    if let Some(shaped) = enum_or_collection(object) {
        return shaped;
    }
    match (&object.to_string, &object.base) {
        (Some(text), _) => Value::String(text.clone()),
        (None, Some(base)) => nested(base),
        (None, None) => Value::Null,
    }
}

/// Enums by name; lists as arrays; dictionaries as maps.
fn enum_or_collection(object: &PsObject) -> Option<Value> {
    if object.is_enum() {
        return Some(text_or_null(object));
    }
    if let Some(items) = &object.items {
        return Some(Value::Array(items.iter().map(nested).collect()));
    }
    if let Some(entries) = &object.entries {
        let map = entries
            .iter()
            .map(|(k, v)| (key_text(k), nested(v)))
            .collect();
        return Some(Value::Object(map));
    }
    None
}

fn key_text(key: &PsValue) -> String {
    match nested(key) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The object's properties without the notes remoting adds.
pub(crate) fn own_properties(object: &PsObject) -> impl Iterator<Item = &(String, PsValue)> {
    object
        .properties
        .iter()
        .filter(|(n, _)| !REMOTING_NOTES.iter().any(|r| r.eq_ignore_ascii_case(n)))
}

fn text_or_null(object: &PsObject) -> Value {
    object
        .to_string
        .as_ref()
        .map_or(Value::Null, |s| Value::String(s.clone()))
}

fn scalar(value: &PsValue) -> Value {
    match value {
        PsValue::Null => Value::Null,
        PsValue::String(s)
        | PsValue::Guid(s)
        | PsValue::Uri(s)
        | PsValue::Version(s)
        | PsValue::TimeSpan(s) => Value::String(s.clone()),
        PsValue::Bool(b) => Value::Bool(*b),
        PsValue::Int(i) => Value::from(*i),
        PsValue::UInt(u) => Value::from(*u),
        PsValue::Double(d) => serde_json::Number::from_f64(*d).map_or(Value::Null, Value::Number),
        PsValue::Decimal(d) => serde_json::from_str::<serde_json::Number>(d)
            .map_or_else(|_| Value::String(d.clone()), Value::Number),
        PsValue::DateTime(dt) => Value::String(utc_rfc3339(dt).unwrap_or_else(|| dt.clone())),
        PsValue::Bytes(b) => Value::String(base64::engine::general_purpose::STANDARD.encode(b)),
        PsValue::Object(_) => nested(value),
    }
}

/// A `<DT>` value (`2021-09-28T11:39:25-05:00`, `2023-01-05T12:08:36.1218724Z`, or without an
/// offset, which .NET writes for a DateTime of unspecified kind) as RFC 3339 in UTC.
pub fn utc_rfc3339(text: &str) -> Option<String> {
    let at = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| PrimitiveDateTime::parse(text, &LOCAL_FORMAT).map(|p| p.assume_utc()))
        .ok()?;
    rfc3339(at)
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> Option<String> {
    at.to_offset(UtcOffset::UTC).format(&Rfc3339).ok()
}

const LOCAL_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
);
