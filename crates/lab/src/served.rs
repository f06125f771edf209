//! The lab zone data as the lab DNS server (labnet) serves it: conversion to labnet's form,
//! and folding the server's own changes (TSIG-signed RFC 2136 updates) back into the world.
//!
//! The server is handed the *effective* zones (breaks applied), so its data is not a copy of
//! the stored zones. Changes are therefore folded back per record set: only the sets an update
//! touched are written to the world, and a break's effect is never persisted by accident.

use std::collections::{BTreeMap, BTreeSet};

use fedshare_labnet::{RecordData, RecordKind, ZoneData};

use crate::error::LabError;
use crate::world::World;
use crate::zones::Zone;

/// `(owner name, TYPE)`: the owner fully qualified, lower case, without the trailing dot.
pub type RrsetKey = (String, String);

/// The served zones as comparable record sets: `(ttl, value)` in the lab's presentation form,
/// sorted, so that the same data in labnet's stored form (relative owners, trailing dots)
/// and in the lab's form compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Served(BTreeMap<RrsetKey, Vec<(u32, String)>>);

/// The lab zones in labnet's form. Owners are written absolute so no origin rule applies.
///
/// A DNS server refuses records outside their zone. Worlds written by earlier versions hold
/// one (`outlook.office365.com` in `outlook.com`); such a record is served from the lab zone
/// that does contain it, or else from a zone of its own named after its parent domain.
pub fn to_labnet(zones: &[Zone]) -> Result<Vec<ZoneData>, LabError> {
    let mut out: Vec<ZoneData> = zones
        .iter()
        .map(|z| ZoneData {
            origin: z.origin.clone(),
            records: Vec::new(),
        })
        .collect();
    for record in zones.iter().flat_map(|z| &z.records) {
        let kind = kind_of(&record.rtype).ok_or_else(|| {
            LabError::ZoneData(format!(
                "{} {}: the lab DNS server does not serve this type",
                record.name, record.rtype
            ))
        })?;
        let name = record.name.trim_end_matches('.').to_ascii_lowercase();
        let data = RecordData::new(&format!("{name}."), record.ttl, kind, &record.value);
        let index = match home_zone(zones, &name) {
            Some(i) => i,
            None => orphan_zone(&mut out, &name)?,
        };
        out[index].records.push(data);
    }
    Ok(out)
}

/// The index of the zone holding `name` (longest origin), as a server would pick it.
fn home_zone(zones: &[Zone], name: &str) -> Option<usize> {
    zones
        .iter()
        .enumerate()
        .filter(|(_, z)| z.contains_name(name))
        .max_by_key(|(_, z)| z.origin.len())
        .map(|(i, _)| i)
}

fn orphan_zone(out: &mut Vec<ZoneData>, name: &str) -> Result<usize, LabError> {
    let parent = name
        .split_once('.')
        .map(|(_, parent)| parent)
        .filter(|p| p.contains('.'))
        .ok_or_else(|| LabError::ZoneData(format!("{name} belongs to no lab zone")))?;
    if let Some(i) = out.iter().position(|z| z.origin == parent) {
        return Ok(i);
    }
    out.push(ZoneData {
        origin: parent.to_owned(),
        records: Vec::new(),
    });
    Ok(out.len() - 1)
}

fn kind_of(rtype: &str) -> Option<RecordKind> {
    Some(match rtype.to_ascii_uppercase().as_str() {
        "A" => RecordKind::A,
        "AAAA" => RecordKind::Aaaa,
        "CNAME" => RecordKind::Cname,
        "TXT" => RecordKind::Txt,
        "SRV" => RecordKind::Srv,
        "NS" => RecordKind::Ns,
        "SOA" => RecordKind::Soa,
        "MX" => RecordKind::Mx,
        _ => return None,
    })
}

fn type_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::A => "A",
        RecordKind::Aaaa => "AAAA",
        RecordKind::Cname => "CNAME",
        RecordKind::Txt => "TXT",
        RecordKind::Srv => "SRV",
        RecordKind::Ns => "NS",
        RecordKind::Soa => "SOA",
        RecordKind::Mx => "MX",
    }
}

/// labnet's owner rules: `@` is the apex, a trailing dot is absolute, a name equal to or
/// below the origin is absolute, anything else is relative to the origin.
fn absolute_owner(name: &str, origin: &str) -> String {
    let origin = origin.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() || name == "@" {
        return origin;
    }
    if let Some(absolute) = name.strip_suffix('.') {
        return absolute.to_owned();
    }
    if name == origin || name.ends_with(&format!(".{origin}")) {
        name
    } else {
        format!("{name}.{origin}")
    }
}

/// The lab writes domain names in values without the trailing dot; labnet writes them with
/// it and in lower case. Text and addresses are kept as they are.
fn lab_value(kind: RecordKind, value: &str) -> String {
    match kind {
        RecordKind::Txt => value.to_owned(),
        RecordKind::A | RecordKind::Aaaa => value.trim().to_owned(),
        _ => value
            .split_whitespace()
            .map(|field| field.trim_end_matches('.').to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

impl Served {
    pub fn of(zones: &[ZoneData]) -> Served {
        let mut sets: BTreeMap<RrsetKey, Vec<(u32, String)>> = BTreeMap::new();
        for zone in zones {
            // The server bumps the SOA serial on every update; the lab stores no SOA.
            for r in zone.records.iter().filter(|r| r.rtype != RecordKind::Soa) {
                let key = (
                    absolute_owner(&r.name, &zone.origin),
                    type_name(r.rtype).to_owned(),
                );
                sets.entry(key)
                    .or_default()
                    .push((r.ttl, lab_value(r.rtype, &r.value)));
            }
        }
        for set in sets.values_mut() {
            set.sort();
        }
        Served(sets)
    }

    pub fn get(&self, owner: &str, rtype: &str) -> &[(u32, String)] {
        self.0
            .get(&(owner.to_owned(), rtype.to_owned()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Record sets that differ between `self` (before) and `after`.
    fn changed(&self, after: &Served) -> Vec<RrsetKey> {
        let keys: BTreeSet<&RrsetKey> = self.0.keys().chain(after.0.keys()).collect();
        keys.into_iter()
            .filter(|k| self.0.get(*k) != after.0.get(*k))
            .cloned()
            .collect()
    }
}

/// Writes the record sets that changed between two served states into the world. Returns
/// whether the world changed.
///
/// A TXT change while a DNS break is active is a republished record, which repairs the break
/// (as [`crate::admin::set_records`] does); the world then keeps exactly the TXT data that is
/// being served, so it agrees with the server once the break is gone.
pub fn fold_into(world: &mut World, before: &Served, after: &Served) -> bool {
    let changed = before.changed(after);
    if changed.is_empty() {
        return false;
    }
    for (owner, rtype) in &changed {
        world.set_rrset(owner, rtype, after.get(owner, rtype));
    }
    let republished_txt = changed.iter().any(|(_, rtype)| rtype == "TXT");
    if republished_txt && world.breaks.iter().any(|b| b.is_dns()) {
        materialise_txt(world, after);
        world.breaks.retain(|b| !b.is_dns());
    }
    true
}

fn materialise_txt(world: &mut World, served: &Served) {
    let stored: BTreeSet<String> = world
        .zones
        .iter()
        .flat_map(|z| &z.records)
        .filter(|r| r.rtype.eq_ignore_ascii_case("TXT"))
        .map(|r| r.name.to_ascii_lowercase())
        .collect();
    let served_names = served
        .0
        .keys()
        .filter(|(_, rtype)| rtype == "TXT")
        .map(|(owner, _)| owner.clone());
    let names: BTreeSet<String> = stored.into_iter().chain(served_names).collect();
    for name in names {
        world.set_rrset(&name, "TXT", served.get(&name, "TXT"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaks::Break;
    use crate::views::effective_zones;

    const SPF: &str = "v=spf1 mx -all";
    const PROOF: &str =
        "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg==";

    fn contoso_zone(served: &[ZoneData]) -> ZoneData {
        served
            .iter()
            .find(|z| z.origin == "contoso.com")
            .expect("contoso zone")
            .clone()
    }

    /// contoso.com as labnet stores it after an update: relative owners, absolute targets,
    /// a SOA with a bumped serial.
    fn contoso_after_update(extra: &[RecordData]) -> ZoneData {
        let mut records = vec![
            RecordData::new(
                "@",
                3600,
                RecordKind::Soa,
                "ns1.contoso.com. hostmaster.contoso.com. 2 3600 600 86400 300",
            ),
            RecordData::new("@", 300, RecordKind::Mx, "10 mail.contoso.com."),
            RecordData::new("@", 300, RecordKind::Txt, "v=spf1 mx -all"),
            RecordData::new("mail", 300, RecordKind::A, "127.0.0.1"),
        ];
        records.extend_from_slice(extra);
        ZoneData {
            origin: "contoso.com".into(),
            records,
        }
    }

    fn replace_contoso(mut zones: Vec<ZoneData>, contoso: ZoneData) -> Vec<ZoneData> {
        for z in &mut zones {
            if z.origin == "contoso.com" {
                *z = contoso.clone();
            }
        }
        zones
    }

    #[test]
    fn both_forms_of_the_same_data_compare_equal() {
        let world = World::contoso(1);
        let served = to_labnet(&world.zones).expect("convertible");
        assert_eq!(contoso_zone(&served).records[0].name, "contoso.com.");
        let relative = replace_contoso(served.clone(), contoso_after_update(&[]));
        assert_eq!(Served::of(&served), Served::of(&relative));
        assert_eq!(
            Served::of(&served).get("contoso.com", "MX"),
            [(300, "10 mail.contoso.com".to_owned())]
        );
    }

    #[test]
    fn out_of_zone_records_of_old_worlds_are_served_from_a_zone_that_holds_them() {
        let mut world = World::contoso(0);
        let outlook = world
            .zones
            .iter_mut()
            .find(|z| z.origin == "outlook.com")
            .expect("outlook.com");
        outlook.records.push(crate::zones::ZoneRecord {
            name: "owa.office365.net".into(),
            rtype: "A".into(),
            ttl: 300,
            value: "127.0.0.1".into(),
        });
        outlook.records.push(crate::zones::ZoneRecord {
            name: "mail.fabrikam.com".into(),
            rtype: "A".into(),
            ttl: 300,
            value: "127.0.0.2".into(),
        });
        let served = to_labnet(&world.zones).expect("convertible");
        let own = served
            .iter()
            .find(|z| z.origin == "office365.net")
            .expect("a zone of its own");
        assert_eq!(own.records.len(), 1);
        let fabrikam = served
            .iter()
            .find(|z| z.origin == "fabrikam.com")
            .expect("fabrikam");
        assert!(fabrikam.records.iter().any(|r| r.value == "127.0.0.2"));
    }

    #[test]
    fn unknown_types_are_refused() {
        let mut world = World::contoso(0);
        world.zones[0].records.push(crate::zones::ZoneRecord {
            name: "contoso.com".into(),
            rtype: "CAA".into(),
            ttl: 300,
            value: "0 issue \"ca\"".into(),
        });
        let err = to_labnet(&world.zones).expect_err("CAA is not served");
        assert_eq!(fedshare_model::ErrorCode::code(&err), "lab.zone_data");
    }

    #[test]
    fn only_the_updated_rrset_reaches_the_world() {
        let mut world = World::contoso(0);
        let served = to_labnet(&world.zones).expect("convertible");
        let before = Served::of(&served);
        let added = RecordData::new("@", 60, RecordKind::Txt, PROOF);
        let after = Served::of(&replace_contoso(
            served,
            contoso_after_update(std::slice::from_ref(&added)),
        ));
        let untouched = World::contoso(0).zones;
        assert!(fold_into(&mut world, &before, &after));
        let contoso = crate::zones::zone_for(&world.zones, "contoso.com").expect("zone");
        let mut txt = contoso.values("contoso.com", "TXT");
        txt.sort();
        assert_eq!(txt, [PROOF, "v=spf1 mx -all"]);
        // Nothing else moved: the MX keeps the lab's spelling, other zones are as they were.
        assert_eq!(contoso.values("contoso.com", "MX"), ["10 mail.contoso.com"]);
        assert_eq!(world.zones[1..], untouched[1..]);
        assert!(
            !fold_into(&mut world, &after, &after),
            "no change, no write"
        );
    }

    #[test]
    fn a_break_is_not_persisted_by_an_unrelated_update() {
        let mut world = World::contoso(0);
        world.set_records("contoso.com", "TXT", &[SPF.into(), PROOF.into()]);
        world.breaks.push(Break::ProofMissing);
        let served = to_labnet(&effective_zones(&world)).expect("convertible");
        let before = Served::of(&served);
        assert_eq!(
            before.get("contoso.com", "TXT"),
            [(300, SPF.to_owned())],
            "the proof is withheld"
        );
        let www = RecordData::new("www", 300, RecordKind::A, "127.0.0.1");
        let contoso = contoso_after_update(&[www]);
        let after = Served::of(&replace_contoso(served, contoso));
        assert!(fold_into(&mut world, &before, &after));
        let zone = crate::zones::zone_for(&world.zones, "contoso.com").expect("zone");
        assert_eq!(
            zone.values("contoso.com", "TXT"),
            [SPF, PROOF],
            "still stored"
        );
        assert_eq!(zone.values("www.contoso.com", "A"), ["127.0.0.1"]);
        assert!(world.has_break(Break::ProofMissing));
    }

    #[test]
    fn republishing_txt_repairs_the_break_and_keeps_what_is_served() {
        let mut world = World::contoso(0);
        world.set_records("contoso.com", "TXT", &[SPF.into(), PROOF.into()]);
        world.set_records("sales.contoso.com", "TXT", &[PROOF.into()]);
        world.breaks.push(Break::ProofMistyped);
        let served = to_labnet(&effective_zones(&world)).expect("convertible");
        let before = Served::of(&served);
        let mistyped = before.get("sales.contoso.com", "TXT")[0].1.clone();
        assert_ne!(mistyped, PROOF);
        // The administrator replaces the apex proof; sales.contoso.com stays as served.
        let mut contoso = contoso_zone(&served);
        contoso.records.retain(|r| {
            !(r.rtype == RecordKind::Txt && r.name == "contoso.com." && r.value != SPF)
        });
        contoso
            .records
            .push(RecordData::new("contoso.com.", 300, RecordKind::Txt, PROOF));
        let after = Served::of(&replace_contoso(served, contoso));
        assert!(fold_into(&mut world, &before, &after));
        assert!(world.breaks.is_empty());
        // The stored zone now equals the served one, so clearing the break changed nothing
        // that DNS clients see.
        assert_eq!(Served::of(&to_labnet(&world.zones).expect("ok")), after);
        let zone = crate::zones::zone_for(&world.zones, "sales.contoso.com").expect("zone");
        assert_eq!(zone.values("sales.contoso.com", "TXT"), [mistyped]);
    }
}
