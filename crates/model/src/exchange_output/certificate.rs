//! Certificates as Exchange's output carries them: an object with properties, an object with
//! only `RawData` (Serialization Data Signing), or the `X509Certificate2.ToString()` text a
//! nested certificate becomes past the serialization depth.

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use x509_parser::extensions::ParsedExtension;
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

/// Thumbprint (uppercase hex SHA-1 of the DER, as Windows shows it), subject, issuer,
/// validity and subject key identifier read from a DER certificate; `None` when it is not one.
/// (`Services`, `FriendlyName` and `PrivateKeyExportable` are the server's, not the DER's: a
/// certificate read from `RawData` alone does not have them.)
pub fn from_raw_data(der: &[u8]) -> Option<Map<String, Value>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let thumbprint = upper_hex(&Sha1::digest(der));
    let validity = cert.validity();
    let mut map = Map::new();
    map.insert("Thumbprint".into(), Value::String(thumbprint));
    map.insert("Subject".into(), Value::String(dotnet_name(cert.subject())));
    map.insert("Issuer".into(), Value::String(dotnet_name(cert.issuer())));
    // The planner recognises a certificate an interrupted apply created by its key identifier.
    let ski = cert
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => Some(upper_hex(id.0)),
            _ => None,
        });
    if let Some(ski) = ski {
        map.insert("SubjectKeyIdentifier".into(), Value::String(ski));
    }
    for (key, at) in [
        ("NotBefore", validity.not_before),
        ("NotAfter", validity.not_after),
    ] {
        let text = rfc3339(at.to_datetime()).map_or(Value::Null, Value::String);
        map.insert(key.into(), text);
    }
    Some(map)
}

/// Bytes as Windows shows thumbprints and key identifiers: uppercase hex, no separators.
fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
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
/// The dates are written in a culture's short date and in the server's local time
/// (Get-ExchangeCertificate.xml writes `07/11/2026 15:59:05` for a certificate whose DER says
/// 2026-07-11T13:59:05Z). `07/11/2026` is 11 July in one culture and 7 November in another, so
/// the expiry is kept only when the text cannot be read two ways (a year first, or a day past
/// 12 in it or in `[Not Before]`, written in the same culture), and then only to within the
/// server's UTC offset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateText {
    pub subject: String,
    pub issuer: String,
    pub thumbprint: String,
    /// RFC 3339, read as UTC; `None` when the date could be read two ways.
    pub not_after: Option<String>,
}

impl CertificateText {
    /// `None` when the text has no `[Thumbprint]` section of 40 hex digits.
    pub fn parse(text: &str) -> Option<CertificateText> {
        let mut out = CertificateText::default();
        let mut not_after = String::new();
        let mut not_before = String::new();
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
                "Not After" => &mut not_after,
                "Not Before" => &mut not_before,
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
            let hint = not_before.split_whitespace().next().and_then(order_of);
            out.not_after = culture_date(&not_after, hint);
            out
        })
    }
}

/// How a culture orders a short date's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    YearMonthDay,
    DayMonthYear,
    MonthDayYear,
}

fn date_parts(date: &str) -> Option<[u32; 3]> {
    let parts: Vec<u32> = date
        .split(['/', '.', '-'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    parts.try_into().ok()
}

/// The order a short date's own numbers prove (a year first, or a day past 12).
fn order_of(date: &str) -> Option<Order> {
    let [a, b, _] = date_parts(date)?;
    if date.split(['/', '.', '-']).next()?.len() == 4 {
        Some(Order::YearMonthDay)
    } else if a > 12 && b <= 12 {
        Some(Order::DayMonthYear)
    } else if b > 12 && a <= 12 {
        Some(Order::MonthDayYear)
    } else {
        None
    }
}

/// A culture-formatted date and time (`2026-07-11 15:59:05`, `25.11.2026 15:59:05`,
/// `11/25/2026 3:59:05 PM`) as RFC 3339 read as UTC, when its day and month cannot be swapped:
/// its own numbers tell, or `hint` (the order another date in the same text proved: both dates
/// are written in one culture), or both are the same.
fn culture_date(text: &str, hint: Option<Order>) -> Option<String> {
    let mut words = text.split_whitespace();
    let date = words.next()?;
    let time = words.next().unwrap_or("0:00:00");
    let pm = match words.next().map(str::to_ascii_uppercase).as_deref() {
        None => None,
        Some("AM") => Some(false),
        Some("PM") => Some(true),
        Some(_) => return None,
    };
    let [a, b, c] = date_parts(date)?;
    let order = match order_of(date).or(hint) {
        Some(order) => order,
        None if a == b => Order::DayMonthYear,
        None => return None,
    };
    let (year, month, day) = match order {
        Order::YearMonthDay => (a, b, c),
        Order::DayMonthYear => (c, b, a),
        Order::MonthDayYear => (c, a, b),
    };
    let clock: Vec<u32> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (mut hour, minute, second) = match clock[..] {
        [h, m] => (h, m, 0),
        [h, m, s] => (h, m, s),
        _ => return None,
    };
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let date = time::Date::from_calendar_date(
        i32::try_from(year).ok().filter(|y| *y >= 1000)?,
        time::Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    rfc3339(time::PrimitiveDateTime::new(date, clock).assume_utc())
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

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &str = "[Subject]\r\n  CN=Microsoft Exchange Server Auth Certificate\r\n\r\n[Issuer]\r\n  CN=Microsoft Exchange Server Auth Certificate\r\n\r\n[Serial Number]\r\n  6C20C91ACF6A87BE4552A6CCD612A0E7\r\n\r\n[Not Before]\r\n  08/06/2021 15:59:05\r\n\r\n[Not After]\r\n  07/11/2026 15:59:05\r\n\r\n[Thumbprint]\r\n  2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7\r\n";

    #[test]
    fn the_text_form_gives_thumbprint_and_names_but_not_an_ambiguous_date() {
        let text = CertificateText::parse(AUTH).expect("parsed");
        assert_eq!(text.thumbprint, "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7");
        assert_eq!(
            text.subject,
            "CN=Microsoft Exchange Server Auth Certificate"
        );
        assert_eq!(text.issuer, "CN=Microsoft Exchange Server Auth Certificate");
        // 07/11/2026: July or November, depending on the culture.
        assert_eq!(text.not_after, None);
        assert_eq!(CertificateText::parse("[Subject]\r\n  CN=x\r\n"), None);
    }

    #[test]
    fn dates_are_kept_only_when_they_read_one_way() {
        assert_eq!(
            culture_date("25.11.2026 15:59:05", None).as_deref(),
            Some("2026-11-25T15:59:05Z")
        );
        assert_eq!(
            culture_date("11/25/2026 3:59:05 PM", None).as_deref(),
            Some("2026-11-25T15:59:05Z")
        );
        assert_eq!(
            culture_date("2026-07-11 15:59:05", None).as_deref(),
            Some("2026-07-11T15:59:05Z")
        );
        assert_eq!(
            culture_date("07/07/2026 00:00:00", None).as_deref(),
            Some("2026-07-07T00:00:00Z")
        );
        assert_eq!(culture_date("07/11/2026 15:59:05", None), None);
        assert_eq!(culture_date("31/02/2026 10:00:00", None), None);
        assert_eq!(culture_date("yesterday", None), None);
        // Another date of the same text proved the culture's order.
        assert_eq!(
            culture_date("07/11/2026 15:59:05", Some(Order::MonthDayYear)).as_deref(),
            Some("2026-07-11T15:59:05Z")
        );
        assert_eq!(
            culture_date("07/11/2026 15:59:05", Some(Order::DayMonthYear)).as_deref(),
            Some("2026-11-07T15:59:05Z")
        );
    }

    #[test]
    fn not_before_tells_the_order_of_not_after() {
        let text = AUTH.replace("08/06/2021", "08/26/2021");
        let parsed = CertificateText::parse(&text).expect("parsed");
        assert_eq!(parsed.not_after.as_deref(), Some("2026-07-11T15:59:05Z"));
    }

    /// `openssl req -x509 -subj "/C=US/O=Contoso/CN=federation.contoso.com"
    /// -addext subjectKeyIdentifier=hash`; openssl prints the values asserted below.
    const WITH_SKI: &str = "MIIB1jCCAXugAwIBAgIUHm4xfo0LRXlhzFBX47Wkz7osfJswCgYIKoZIzj0EAwIwQDELMAkGA1UEBhMCVVMxEDAOBgNVBAoMB0NvbnRvc28xHzAdBgNVBAMMFmZlZGVyYXRpb24uY29udG9zby5jb20wHhcNMjYxMjA0MTU1NzU0WhcNMzYxMjAxMTU1NzU0WjBAMQswCQYDVQQGEwJVUzEQMA4GA1UECgwHQ29udG9zbzEfMB0GA1UEAwwWZmVkZXJhdGlvbi5jb250b3NvLmNvbTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABD0QAjq/bI3I876bx1pDPHTTblM02hIh5CKoUVdhMFY06I7CG+R+3p5fGaeVW5i/KnJufTGqrBdzY9KoPgH74fajUzBRMB8GA1UdIwQYMBaAFNdMMoq3MKp/4sJTSE/JvdjqtSwdMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFNdMMoq3MKp/4sJTSE/JvdjqtSwdMAoGCCqGSM49BAMCA0kAMEYCIQDJ3+62e0WPNcZmHzGg1qYG81HK5vD7PGEAWv0RLlJdAwIhAN4cwQ9jZS9zeD1PXw6AkvZltJ7Is7Qk9Z1AsDvqBqx8";

    #[test]
    fn raw_data_gives_identity_names_most_specific_first_and_key_identifier() {
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(WITH_SKI)
            .expect("base64");
        let map = from_raw_data(&der).expect("a certificate");
        assert_eq!(
            map["Thumbprint"],
            "B31AB6021ABDAF6387A4DED386B5C2495976B184"
        );
        assert_eq!(
            map["SubjectKeyIdentifier"],
            "D74C328AB730AA7FE2C253484FC9BDD8EAB52C1D"
        );
        assert_eq!(map["Subject"], "CN=federation.contoso.com, O=Contoso, C=US");
        assert_eq!(map["NotAfter"], "2036-12-01T15:57:54Z");
        assert_eq!(from_raw_data(b"not a certificate"), None);
    }

    #[test]
    fn services_arrive_as_flags_text_or_a_list() {
        let from = |services: Value| {
            exchange_certificate(serde_json::json!({
                "Thumbprint": "AB", "Subject": "CN=x", "NotAfter": "2030-01-01T00:00:00Z",
                "Services": services
            }))
            .map(|c| c.services)
        };
        assert_eq!(
            from(Value::from("IIS, SMTP, Federation")).unwrap(),
            "IIS, SMTP, Federation"
        );
        assert_eq!(
            from(serde_json::json!(["IIS", "SMTP"])).unwrap(),
            "IIS, SMTP"
        );
        assert!(from(Value::from(12)).is_err());
    }
}
