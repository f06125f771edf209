//! The served zones: the persisted form plus an index by owner name for answering.

use std::collections::HashMap;

use hickory_proto::rr::{Name, RData, Record, RecordType};

use crate::error::LabNetError;
use crate::zone::{self, RecordData, RecordKind, ZoneData};

/// One zone, kept both as the lab stores it and indexed for lookups.
#[derive(Debug, Clone)]
pub(crate) struct CompiledZone {
    pub(crate) origin: Name,
    pub(crate) data: ZoneData,
    by_name: HashMap<Name, Vec<Record>>,
}

impl CompiledZone {
    /// Validates and indexes a zone. A zone without SOA gets a default one, because an
    /// authoritative server needs it for negative answers and update serials.
    pub(crate) fn compile(mut data: ZoneData) -> Result<Self, LabNetError> {
        let origin = zone::parse_origin(&data.origin)?;
        if !data.records.iter().any(|r| r.rtype == RecordKind::Soa) {
            data.records.insert(0, default_soa(&origin));
        }
        let mut by_name: HashMap<Name, Vec<Record>> = HashMap::new();
        for rec in &data.records {
            let record = zone::to_record(rec, &origin)?;
            if !origin.zone_of(&record.name) {
                return Err(LabNetError::InvalidZone(format!(
                    "{} is outside zone {}",
                    record.name, origin
                )));
            }
            by_name.entry(record.name.clone()).or_default().push(record);
        }
        let zone = CompiledZone {
            origin,
            data,
            by_name,
        };
        zone.validate()?;
        Ok(zone)
    }

    fn validate(&self) -> Result<(), LabNetError> {
        let soas = self.rrset(&self.origin, RecordType::SOA).len();
        if soas != 1 || self.soa_count() != 1 {
            return Err(LabNetError::InvalidZone(format!(
                "zone {} must have exactly one SOA, at its apex",
                self.origin
            )));
        }
        for (name, records) in &self.by_name {
            let has_cname = records.iter().any(|r| r.record_type() == RecordType::CNAME);
            if has_cname && records.len() > 1 {
                return Err(LabNetError::InvalidZone(format!(
                    "{name} has a CNAME and other data"
                )));
            }
        }
        Ok(())
    }

    fn soa_count(&self) -> usize {
        self.by_name
            .values()
            .flatten()
            .filter(|r| r.record_type() == RecordType::SOA)
            .count()
    }

    pub(crate) fn records_at(&self, name: &Name) -> &[Record] {
        self.by_name
            .get(&name.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub(crate) fn rrset(&self, name: &Name, rtype: RecordType) -> Vec<&Record> {
        self.records_at(name)
            .iter()
            .filter(|r| rtype == RecordType::ANY || r.record_type() == rtype)
            .collect()
    }

    /// A name exists when it owns records or is an empty non-terminal above one that does
    /// (RFC 8020): that is the NODATA-versus-NXDOMAIN distinction.
    pub(crate) fn name_exists(&self, name: &Name) -> bool {
        let name = name.to_lowercase();
        self.by_name.contains_key(&name) || self.by_name.keys().any(|owned| name.zone_of(owned))
    }

    pub(crate) fn soa(&self) -> Option<&Record> {
        self.rrset(&self.origin, RecordType::SOA).into_iter().next()
    }

    /// The SOA for the authority section of negative answers: its TTL is capped by MINIMUM
    /// (RFC 2308 §3).
    pub(crate) fn negative_soa(&self) -> Option<Record> {
        let soa = self.soa()?;
        let mut record = soa.clone();
        if let RData::SOA(data) = &soa.data {
            record.ttl = soa.ttl.min(data.minimum);
        }
        Some(record)
    }

    /// Replaces this zone's records with the given wire records (after an update), keeping
    /// the stored presentation form in sync.
    pub(crate) fn replace_records(&mut self, records: Vec<Record>) -> Result<(), LabNetError> {
        let mut stored = Vec::with_capacity(records.len());
        for record in &records {
            let kind = RecordKind::from_hickory(record.record_type()).ok_or_else(|| {
                LabNetError::InvalidZone(format!("unsupported type {}", record.record_type()))
            })?;
            let value = zone::format_rdata(&record.data).ok_or_else(|| {
                LabNetError::InvalidZone(format!("unsupported data for {}", record.name))
            })?;
            stored.push(RecordData {
                name: zone::relative_owner(&record.name, &self.origin),
                ttl: record.ttl,
                rtype: kind,
                value,
            });
        }
        let data = ZoneData {
            origin: self.data.origin.clone(),
            records: stored,
        };
        *self = CompiledZone::compile(data)?;
        Ok(())
    }

    /// Continues `old`'s serial: the same when the records are the same, the next one when
    /// they changed (as a zone edit would), never lower than this zone's own. A zone that
    /// brought no SOA of its own (`own_soa` false) takes over `old`'s.
    fn continue_from(&mut self, old: &CompiledZone, own_soa: bool) -> Result<(), LabNetError> {
        let (Some(old_soa), Some(new_soa)) = (old.soa(), self.soa()) else {
            return Ok(());
        };
        let mut soa = if own_soa { new_soa } else { old_soa }.clone();
        let not_soa = |r: &Record| r.record_type() != RecordType::SOA;
        let mut records: Vec<Record> = self.all_records()?.into_iter().filter(not_soa).collect();
        let before: Vec<Record> = old.all_records()?.into_iter().filter(not_soa).collect();
        let same = records.len() == before.len() && records.iter().all(|r| before.contains(r));
        if let (RData::SOA(old), RData::SOA(new)) = (&old_soa.data, &mut soa.data) {
            let wanted = if same {
                old.serial
            } else {
                old.serial.wrapping_add(1)
            };
            new.serial = new.serial.max(wanted);
        }
        records.insert(0, soa);
        self.replace_records(records)
    }

    /// All records, in stored order (apex SOA first when it was synthesised).
    pub(crate) fn all_records(&self) -> Result<Vec<Record>, LabNetError> {
        self.data
            .records
            .iter()
            .map(|r| zone::to_record(r, &self.origin))
            .collect()
    }
}

fn default_soa(origin: &Name) -> RecordData {
    let apex = origin.to_ascii();
    RecordData::new(
        "@",
        3600,
        RecordKind::Soa,
        &format!("ns1.{apex} hostmaster.{apex} 1 3600 600 86400 300"),
    )
}

/// Every zone the server is authoritative for.
#[derive(Debug, Clone, Default)]
pub(crate) struct ZoneStore {
    zones: Vec<CompiledZone>,
}

impl ZoneStore {
    pub(crate) fn new(data: Vec<ZoneData>) -> Result<Self, LabNetError> {
        let zones = data
            .into_iter()
            .map(CompiledZone::compile)
            .collect::<Result<Vec<_>, _>>()?;
        Self::of(zones)
    }

    fn of(compiled: Vec<CompiledZone>) -> Result<Self, LabNetError> {
        let mut zones = Vec::with_capacity(compiled.len());
        for compiled in compiled {
            if zones
                .iter()
                .any(|z: &CompiledZone| z.origin == compiled.origin)
            {
                return Err(LabNetError::InvalidZone(format!(
                    "zone {} is defined twice",
                    compiled.origin
                )));
            }
            zones.push(compiled);
        }
        Ok(ZoneStore { zones })
    }

    /// The closest enclosing zone (longest origin), as a server with several zones picks it.
    pub(crate) fn find_zone(&self, name: &Name) -> Option<&CompiledZone> {
        self.zones
            .iter()
            .filter(|z| z.origin.zone_of(name))
            .max_by_key(|z| z.origin.num_labels())
    }

    pub(crate) fn zone_mut(&mut self, origin: &Name) -> Option<&mut CompiledZone> {
        let origin = origin.to_lowercase();
        self.zones.iter_mut().find(|z| z.origin == origin)
    }

    pub(crate) fn snapshot(&self) -> Vec<ZoneData> {
        self.zones.iter().map(|z| z.data.clone()).collect()
    }

    /// Serves `data` instead, or nothing changes when any zone is invalid. A zone continues
    /// the serial of the zone it replaces (see [`CompiledZone::continue_from`]), so serials
    /// never go back while the server runs.
    pub(crate) fn replace(&mut self, data: Vec<ZoneData>) -> Result<(), LabNetError> {
        let mut zones = Vec::with_capacity(data.len());
        for zone in data {
            let brings_soa = zone.records.iter().any(|r| r.rtype == RecordKind::Soa);
            let mut compiled = CompiledZone::compile(zone)?;
            if let Some(old) = self.zones.iter().find(|z| z.origin == compiled.origin) {
                compiled.continue_from(old, brings_soa)?;
            }
            zones.push(compiled);
        }
        *self = Self::of(zones)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> ZoneData {
        ZoneData {
            origin: "contoso.com".into(),
            records: vec![
                RecordData::new("a.b", 60, RecordKind::A, "127.0.0.1"),
                RecordData::new("www", 60, RecordKind::Cname, "a.b.contoso.com"),
            ],
        }
    }

    #[test]
    fn missing_soa_is_synthesised_and_empty_non_terminals_exist() {
        let store = ZoneStore::new(vec![zone()]).unwrap();
        let name = |s: &str| Name::from_ascii(s).unwrap();
        let z = store.find_zone(&name("x.contoso.com.")).unwrap();
        assert!(z.soa().is_some());
        assert!(z.name_exists(&name("b.contoso.com.")), "empty non-terminal");
        assert!(!z.name_exists(&name("c.contoso.com.")));
        assert!(store.find_zone(&name("fabrikam.com.")).is_none());
    }

    #[test]
    fn cname_with_other_data_and_out_of_zone_names_are_rejected() {
        let mut bad = zone();
        bad.records
            .push(RecordData::new("www", 60, RecordKind::A, "127.0.0.1"));
        assert!(ZoneStore::new(vec![bad]).is_err());
        let mut outside = zone();
        outside.records.push(RecordData::new(
            "x.fabrikam.com.",
            60,
            RecordKind::A,
            "127.0.0.1",
        ));
        assert!(ZoneStore::new(vec![outside]).is_err());
        assert!(ZoneStore::new(vec![zone(), zone()]).is_err());
    }

    fn serial(store: &ZoneStore) -> u32 {
        let origin = Name::from_ascii("contoso.com.").unwrap();
        match &store.find_zone(&origin).unwrap().soa().unwrap().data {
            RData::SOA(soa) => soa.serial,
            other => panic!("not an SOA: {other:?}"),
        }
    }

    #[test]
    fn replaced_zones_continue_their_serial() {
        let mut store = ZoneStore::new(vec![zone()]).unwrap();
        assert_eq!(serial(&store), 1);
        store.replace(vec![zone()]).unwrap();
        assert_eq!(serial(&store), 1, "same records, same serial");
        let mut changed = zone();
        changed.records[0].value = "127.0.0.2".into();
        store.replace(vec![changed.clone()]).unwrap();
        assert_eq!(serial(&store), 2);
        let name = Name::from_ascii("a.b.contoso.com.").unwrap();
        let zone = store.find_zone(&name).unwrap();
        assert_eq!(zone.rrset(&name, RecordType::A).len(), 1);

        let mut bad = changed;
        bad.records
            .push(RecordData::new("www", 60, RecordKind::A, "127.0.0.1"));
        assert!(store.replace(vec![bad]).is_err());
        assert_eq!(serial(&store), 2, "an invalid replacement changes nothing");
    }
}
