//! RFC 2136 dynamic updates, applied to a copy of the zone and committed only when every
//! prerequisite holds and every update RR is valid (updates are atomic, §3.7).

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};

use super::store::ZoneStore;
use crate::zone::RecordKind;

/// Applies the update; returns whether the zone changed. Authentication is checked first,
/// by the caller.
pub(crate) fn apply(store: &mut ZoneStore, request: &Message) -> Result<bool, ResponseCode> {
    // In an UPDATE the sections are Zone / Prerequisite / Update / Additional, which hickory
    // decodes into queries / answers / authorities / additionals.
    let [zone_q] = request.queries.as_slice() else {
        return Err(ResponseCode::FormErr);
    };
    if zone_q.query_type() != RecordType::SOA {
        return Err(ResponseCode::FormErr);
    }
    let origin = zone_q.name().to_lowercase();
    let zone = store.zone_mut(&origin).ok_or(ResponseCode::NotAuth)?;
    let mut records = zone.all_records().map_err(|_| ResponseCode::ServFail)?;

    for prereq in &request.answers {
        check_prerequisite(&records, &origin, prereq)?;
    }
    for rr in &request.authorities {
        prescan(&origin, rr)?;
    }
    let before = records.clone();
    for rr in &request.authorities {
        apply_one(&mut records, &origin, rr);
    }
    if records == before {
        return Ok(false);
    }
    bump_serial(&mut records);
    zone.replace_records(records)
        .map_err(|_| ResponseCode::ServFail)?;
    Ok(true)
}

fn in_zone(origin: &Name, name: &Name) -> bool {
    origin.zone_of(&name.to_lowercase())
}

fn same_name(a: &Name, b: &Name) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn is_empty_rdata(rr: &Record) -> bool {
    matches!(rr.data, RData::Update0(_))
}

/// RFC 2136 §3.2.
fn check_prerequisite(records: &[Record], origin: &Name, rr: &Record) -> Result<(), ResponseCode> {
    if !in_zone(origin, &rr.name) {
        return Err(ResponseCode::NotZone);
    }
    let rtype = rr.record_type();
    let at_name = || records.iter().filter(|r| same_name(&r.name, &rr.name));
    let rrset = || at_name().filter(|r| r.record_type() == rtype);
    match rr.dns_class {
        DNSClass::ANY => {
            if rr.ttl != 0 || !is_empty_rdata(rr) {
                return Err(ResponseCode::FormErr);
            }
            match rtype {
                RecordType::ANY if at_name().next().is_none() => Err(ResponseCode::NXDomain),
                RecordType::ANY => Ok(()),
                _ if rrset().next().is_none() => Err(ResponseCode::NXRRSet),
                _ => Ok(()),
            }
        }
        DNSClass::NONE => {
            if rr.ttl != 0 || !is_empty_rdata(rr) {
                return Err(ResponseCode::FormErr);
            }
            match rtype {
                RecordType::ANY if at_name().next().is_some() => Err(ResponseCode::YXDomain),
                RecordType::ANY => Ok(()),
                _ if rrset().next().is_some() => Err(ResponseCode::YXRRSet),
                _ => Ok(()),
            }
        }
        // Value-dependent "RRset exists": simplified to "this RR exists", which is what
        // single-record prerequisites (the common knsupdate use) mean.
        DNSClass::IN => {
            if rr.ttl != 0 {
                return Err(ResponseCode::FormErr);
            }
            if rrset().any(|r| r.data == rr.data) {
                Ok(())
            } else {
                Err(ResponseCode::NXRRSet)
            }
        }
        _ => Err(ResponseCode::FormErr),
    }
}

/// RFC 2136 §3.4.1: reject the whole update before changing anything.
fn prescan(origin: &Name, rr: &Record) -> Result<(), ResponseCode> {
    if !in_zone(origin, &rr.name) {
        return Err(ResponseCode::NotZone);
    }
    let rtype = rr.record_type();
    match rr.dns_class {
        DNSClass::IN => {
            if RecordKind::from_hickory(rtype).is_none() {
                // The lab persists only the types it serves.
                return Err(ResponseCode::Refused);
            }
            Ok(())
        }
        DNSClass::ANY if rr.ttl == 0 && is_empty_rdata(rr) => Ok(()),
        DNSClass::NONE if rr.ttl == 0 && rtype != RecordType::ANY => Ok(()),
        _ => Err(ResponseCode::FormErr),
    }
}

/// RFC 2136 §3.4.2.
fn apply_one(records: &mut Vec<Record>, origin: &Name, rr: &Record) {
    let rtype = rr.record_type();
    let at_apex = same_name(&rr.name, origin);
    // SOA and apex NS are never deleted: the zone must keep answering.
    let protected = |r: &Record| {
        r.record_type() == RecordType::SOA || (at_apex && r.record_type() == RecordType::NS)
    };
    match rr.dns_class {
        DNSClass::IN => add(records, rr),
        DNSClass::ANY => records.retain(|r| {
            !same_name(&r.name, &rr.name)
                || protected(r)
                || (rtype != RecordType::ANY && r.record_type() != rtype)
        }),
        DNSClass::NONE => {
            let apex_ns = records
                .iter()
                .filter(|r| at_apex && same_name(&r.name, origin))
                .filter(|r| r.record_type() == RecordType::NS)
                .count();
            let keep_last_ns = rtype == RecordType::NS && at_apex && apex_ns <= 1;
            if rtype == RecordType::SOA || keep_last_ns {
                return;
            }
            records.retain(|r| {
                !(same_name(&r.name, &rr.name) && r.record_type() == rtype && r.data == rr.data)
            });
        }
        _ => {}
    }
}

fn add(records: &mut Vec<Record>, rr: &Record) {
    let rtype = rr.record_type();
    let mut at_name = records.iter().filter(|r| same_name(&r.name, &rr.name));
    let has_cname = at_name
        .clone()
        .any(|r| r.record_type() == RecordType::CNAME);
    let has_other = at_name.any(|r| r.record_type() != RecordType::CNAME);
    match rtype {
        // An SOA is replaced only by a higher serial (we bump serials ourselves anyway).
        RecordType::SOA => {
            let (Some(pos), RData::SOA(new)) = (
                records
                    .iter()
                    .position(|r| r.record_type() == RecordType::SOA),
                &rr.data,
            ) else {
                return;
            };
            if let RData::SOA(old) = &records[pos].data {
                if new.serial > old.serial {
                    records[pos] = rr.clone();
                }
            }
        }
        RecordType::CNAME if has_other => {}
        RecordType::CNAME if has_cname => {
            records.retain(|r| !(same_name(&r.name, &rr.name)));
            records.push(normalised(rr));
        }
        _ if has_cname => {}
        _ => {
            let duplicate = records.iter().any(|r| {
                same_name(&r.name, &rr.name) && r.record_type() == rtype && r.data == rr.data
            });
            if duplicate {
                return;
            }
            // All RRs of an RRset share one TTL (RFC 2181 §5.2): the new TTL wins.
            for r in records.iter_mut() {
                if same_name(&r.name, &rr.name) && r.record_type() == rtype {
                    r.ttl = rr.ttl;
                }
            }
            records.push(normalised(rr));
        }
    }
}

fn normalised(rr: &Record) -> Record {
    let mut record = rr.clone();
    record.name = rr.name.to_lowercase();
    record.dns_class = DNSClass::IN;
    record
}

pub(crate) fn bump_serial(records: &mut [Record]) {
    for r in records.iter_mut() {
        if let RData::SOA(soa) = &mut r.data {
            soa.increment_serial();
        }
    }
}
