//! Zone data as the lab persists it, and its conversion to wire records.
//!
//! Naming rules (kept deliberately simple so hand-written lab data cannot surprise):
//! - an owner `name` is `@` (or empty) for the zone apex, absolute when it ends with `.` or
//!   equals / ends with the origin, and otherwise relative to the origin (zone-file style);
//! - domain names inside `value` (CNAME, NS, MX, SRV targets, SOA names) are always absolute,
//!   the trailing dot is optional, because a CNAME to another organisation is the common case.

use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::rdata::{CNAME, MX, NS, SOA, SRV, TXT};
use hickory_proto::rr::{Name, RData, Record};
use serde::{Deserialize, Serialize};

use crate::error::LabNetError;

/// One authoritative zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneData {
    /// The zone apex, e.g. `contoso.com` (trailing dot optional).
    pub origin: String,
    pub records: Vec<RecordData>,
}

/// One resource record in presentation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordData {
    pub name: String,
    pub ttl: u32,
    pub rtype: RecordKind,
    /// Presentation form: `127.0.0.1`; `target.example.`; TXT text (unquoted, split into
    /// 255-byte strings on the wire); `10 mail.example.`; `0 0 443 host.example.`;
    /// `mname rname serial refresh retry expire minimum`.
    pub value: String,
}

/// The record types the lab serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordKind {
    A,
    Aaaa,
    Cname,
    Txt,
    Srv,
    Ns,
    Soa,
    Mx,
}

impl RecordKind {
    pub fn to_hickory(self) -> hickory_proto::rr::RecordType {
        use hickory_proto::rr::RecordType as T;
        match self {
            RecordKind::A => T::A,
            RecordKind::Aaaa => T::AAAA,
            RecordKind::Cname => T::CNAME,
            RecordKind::Txt => T::TXT,
            RecordKind::Srv => T::SRV,
            RecordKind::Ns => T::NS,
            RecordKind::Soa => T::SOA,
            RecordKind::Mx => T::MX,
        }
    }

    pub fn from_hickory(rtype: hickory_proto::rr::RecordType) -> Option<Self> {
        use hickory_proto::rr::RecordType as T;
        Some(match rtype {
            T::A => RecordKind::A,
            T::AAAA => RecordKind::Aaaa,
            T::CNAME => RecordKind::Cname,
            T::TXT => RecordKind::Txt,
            T::SRV => RecordKind::Srv,
            T::NS => RecordKind::Ns,
            T::SOA => RecordKind::Soa,
            T::MX => RecordKind::Mx,
            _ => return None,
        })
    }
}

impl RecordData {
    pub fn new(name: &str, ttl: u32, rtype: RecordKind, value: &str) -> Self {
        RecordData {
            name: name.to_owned(),
            ttl,
            rtype,
            value: value.to_owned(),
        }
    }
}

/// Parses a zone origin into a lowercase FQDN.
pub fn parse_origin(origin: &str) -> Result<Name, LabNetError> {
    absolute_name(origin)
}

/// Resolves an owner name against the origin per the module rules.
pub fn owner_name(name: &str, origin: &Name) -> Result<Name, LabNetError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed == "@" {
        return Ok(origin.clone());
    }
    if trimmed.ends_with('.') {
        return absolute_name(trimmed);
    }
    let candidate = absolute_name(trimmed)?;
    if origin.zone_of(&candidate) {
        return Ok(candidate);
    }
    let relative = Name::from_ascii(trimmed).map_err(|e| invalid(name, e))?;
    relative
        .append_domain(origin)
        .map(|n| n.to_lowercase())
        .map_err(|e| invalid(name, e))
}

/// The owner name in the form the lab stores it: `@` or relative to the origin.
pub fn relative_owner(name: &Name, origin: &Name) -> String {
    let name = name.to_lowercase();
    if &name == origin {
        return "@".to_owned();
    }
    let keep = usize::from(name.num_labels() - origin.num_labels());
    name.iter()
        .take(keep)
        .map(|label| String::from_utf8_lossy(label).into_owned())
        .collect::<Vec<_>>()
        .join(".")
}

fn absolute_name(text: &str) -> Result<Name, LabNetError> {
    let mut name = Name::from_ascii(text.trim()).map_err(|e| invalid(text, e))?;
    name.set_fqdn(true);
    Ok(name.to_lowercase())
}

fn invalid(what: &str, err: impl std::fmt::Display) -> LabNetError {
    LabNetError::InvalidZone(format!("{what:?}: {err}"))
}

/// Converts one stored record to its wire form.
pub fn to_record(data: &RecordData, origin: &Name) -> Result<Record, LabNetError> {
    let name = owner_name(&data.name, origin)?;
    let rdata = parse_rdata(data.rtype, &data.value)?;
    Ok(Record::from_rdata(name, data.ttl, rdata))
}

/// Parses the presentation value of a record.
pub fn parse_rdata(kind: RecordKind, value: &str) -> Result<RData, LabNetError> {
    let bad = |e: &dyn std::fmt::Display| invalid(value, e);
    let fields: Vec<&str> = value.split_whitespace().collect();
    let number = |i: usize| -> Result<u64, LabNetError> {
        fields
            .get(i)
            .ok_or_else(|| invalid(value, "missing field"))?
            .parse::<u64>()
            .map_err(|e| bad(&e))
    };
    let name_at = |i: usize| -> Result<Name, LabNetError> {
        absolute_name(
            fields
                .get(i)
                .ok_or_else(|| invalid(value, "missing name"))?,
        )
    };
    let small = |v: u64| u16::try_from(v).map_err(|e| bad(&e));
    let word = |v: u64| u32::try_from(v).map_err(|e| bad(&e));
    Ok(match kind {
        RecordKind::A => RData::A(
            value
                .trim()
                .parse::<Ipv4Addr>()
                .map_err(|e| bad(&e))?
                .into(),
        ),
        RecordKind::Aaaa => RData::AAAA(
            value
                .trim()
                .parse::<Ipv6Addr>()
                .map_err(|e| bad(&e))?
                .into(),
        ),
        RecordKind::Cname => RData::CNAME(CNAME(name_at(0)?)),
        RecordKind::Ns => RData::NS(NS(name_at(0)?)),
        RecordKind::Txt => RData::TXT(txt_from_text(value)),
        RecordKind::Mx => RData::MX(MX::new(small(number(0)?)?, name_at(1)?)),
        RecordKind::Srv => RData::SRV(SRV::new(
            small(number(0)?)?,
            small(number(1)?)?,
            small(number(2)?)?,
            name_at(3)?,
        )),
        RecordKind::Soa => RData::SOA(SOA::new(
            name_at(0)?,
            name_at(1)?,
            word(number(2)?)?,
            i32::try_from(number(3)?).map_err(|e| bad(&e))?,
            i32::try_from(number(4)?).map_err(|e| bad(&e))?,
            i32::try_from(number(5)?).map_err(|e| bad(&e))?,
            word(number(6)?)?,
        )),
    })
}

/// TXT character-strings hold at most 255 bytes; longer text is split, as zone files do.
fn txt_from_text(text: &str) -> TXT {
    let chunks: Vec<&[u8]> = if text.is_empty() {
        vec![&[][..]]
    } else {
        text.as_bytes().chunks(255).collect()
    };
    TXT::from_bytes(chunks)
}

/// The presentation value of wire rdata, the inverse of [`parse_rdata`] for lab types.
pub fn format_rdata(rdata: &RData) -> Option<String> {
    Some(match rdata {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(a) => a.0.to_string(),
        RData::CNAME(n) => n.0.to_ascii(),
        RData::NS(n) => n.0.to_ascii(),
        RData::TXT(t) => t
            .txt_data
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect(),
        RData::MX(mx) => format!("{} {}", mx.preference, mx.exchange.to_ascii()),
        RData::SRV(s) => format!(
            "{} {} {} {}",
            s.priority,
            s.weight,
            s.port,
            s.target.to_ascii()
        ),
        RData::SOA(s) => format!(
            "{} {} {} {} {} {} {}",
            s.mname.to_ascii(),
            s.rname.to_ascii(),
            s.serial,
            s.refresh,
            s.retry,
            s.expire,
            s.minimum
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Name {
        parse_origin("Contoso.com").unwrap()
    }

    #[test]
    fn owner_names_follow_the_documented_rules() {
        let o = origin();
        assert_eq!(owner_name("@", &o).unwrap().to_ascii(), "contoso.com.");
        assert_eq!(
            owner_name("autodiscover", &o).unwrap().to_ascii(),
            "autodiscover.contoso.com."
        );
        assert_eq!(
            owner_name("autodiscover.contoso.com", &o)
                .unwrap()
                .to_ascii(),
            "autodiscover.contoso.com."
        );
        assert_eq!(
            owner_name("a.b.", &o).unwrap().to_ascii(),
            "a.b.",
            "a trailing dot is absolute"
        );
        let name = owner_name("x.y", &o).unwrap();
        assert_eq!(name.to_ascii(), "x.y.contoso.com.");
        assert_eq!(relative_owner(&name, &o), "x.y");
        assert_eq!(relative_owner(&o, &o), "@");
    }

    #[test]
    fn values_round_trip_through_wire_form() {
        let cases = [
            (RecordKind::A, "127.0.0.1"),
            (RecordKind::Aaaa, "::1"),
            (RecordKind::Cname, "autodiscover.outlook.com."),
            (RecordKind::Mx, "10 mail.contoso.com."),
            (RecordKind::Srv, "0 0 443 autodiscover.contoso.com."),
            (
                RecordKind::Soa,
                "ns1.contoso.com. hostmaster.contoso.com. 7 3600 600 86400 300",
            ),
            (RecordKind::Txt, "proof-value=="),
        ];
        for (kind, value) in cases {
            let rdata = parse_rdata(kind, value).unwrap();
            assert_eq!(format_rdata(&rdata).as_deref(), Some(value), "{kind:?}");
        }
        let cname = parse_rdata(RecordKind::Cname, "autodiscover.outlook.com").unwrap();
        assert_eq!(
            format_rdata(&cname).unwrap(),
            "autodiscover.outlook.com.",
            "targets are absolute even without the dot"
        );
    }

    #[test]
    fn long_txt_is_split_into_character_strings() {
        let text = "x".repeat(600);
        let RData::TXT(txt) = parse_rdata(RecordKind::Txt, &text).unwrap() else {
            panic!("not TXT")
        };
        let lens: Vec<usize> = txt.txt_data.iter().map(|s| s.len()).collect();
        assert_eq!(lens, vec![255, 255, 90]);
    }

    #[test]
    fn bad_values_are_rejected_with_a_zone_error() {
        let err = parse_rdata(RecordKind::A, "not-an-ip").unwrap_err();
        assert!(matches!(err, LabNetError::InvalidZone(_)));
        assert!(parse_rdata(RecordKind::Mx, "10").is_err());
        let json =
            serde_json::to_string(&RecordData::new("@", 60, RecordKind::Aaaa, "::1")).unwrap();
        assert_eq!(
            json,
            r#"{"name":"@","ttl":60,"rtype":"AAAA","value":"::1"}"#
        );
    }
}
