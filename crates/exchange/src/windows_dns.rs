//! Records in Windows DNS Server, through the DnsServer module's cmdlets: the same host and
//! the same invocations-as-data as Exchange's own cmdlets, for zones the administrator allows.

use crate::invocation::Invocation;

/// What a record holds, in the DnsServer cmdlets' terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordData<'a> {
    /// `-Txt -DescriptiveText` (the domain proof).
    Txt(&'a str),
    /// `-CName -HostNameAlias` (the Autodiscover alias).
    Cname(&'a str),
}

/// Where a record goes: the zone holding it and, optionally, the DNS server to change (the
/// computer the host runs on when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub zone: &'a str,
    pub computer_name: Option<&'a str>,
}

/// The owner name as the DnsServer cmdlets take it: relative to the zone, `@` for the apex.
pub fn relative_name(name: &str, zone: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let zone = zone.trim_end_matches('.').to_ascii_lowercase();
    if name == zone {
        return "@".into();
    }
    name.strip_suffix(&format!(".{zone}"))
        .map_or(name.clone(), str::to_owned)
}

/// `Add-DnsServerResourceRecord` creating `data` at `name`.
pub fn add_record(target: Target<'_>, name: &str, data: RecordData<'_>, ttl: u32) -> Invocation {
    let inv = located("Add-DnsServerResourceRecord", target, name);
    let inv = match data {
        RecordData::Txt(text) => inv.switch("Txt").string("DescriptiveText", text),
        RecordData::Cname(alias) => inv
            .switch("CName")
            .string("HostNameAlias", alias.trim_end_matches('.')),
    };
    with_computer(inv.string("TimeToLive", ttl_timespan(ttl)), target)
}

/// `Remove-DnsServerResourceRecord` removing exactly `data` at `name`, without a prompt.
pub fn remove_record(target: Target<'_>, name: &str, data: RecordData<'_>) -> Invocation {
    let (rr_type, value) = match data {
        RecordData::Txt(text) => ("Txt", text),
        RecordData::Cname(alias) => ("CName", alias.trim_end_matches('.')),
    };
    let inv = located("Remove-DnsServerResourceRecord", target, name)
        .string("RRType", rr_type)
        .string("RecordData", value)
        .switch("Force");
    with_computer(inv, target)
}

fn located(cmdlet: &str, target: Target<'_>, name: &str) -> Invocation {
    Invocation::new(cmdlet)
        .string("ZoneName", target.zone.trim_end_matches('.'))
        .string("Name", relative_name(name, target.zone))
}

fn with_computer(inv: Invocation, target: Target<'_>) -> Invocation {
    match target.computer_name {
        Some(server) => inv.string("ComputerName", server),
        None => inv,
    }
}

/// PowerShell TimeSpan text (`01:00:00`, `1.00:00:00`).
fn ttl_timespan(ttl: u32) -> String {
    let (days, rest) = (ttl / 86_400, ttl % 86_400);
    let hms = format!(
        "{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    );
    if days > 0 {
        format!("{days}.{hms}")
    } else {
        hms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::validate;
    use crate::invocation::ParamValue;

    const CONTOSO: Target<'static> = Target {
        zone: "contoso.com",
        computer_name: Some("dc1"),
    };

    #[test]
    fn a_hostile_proof_stays_one_string_value() {
        let inv = add_record(
            CONTOSO,
            "contoso.com",
            RecordData::Txt("P; Remove-Item x"),
            3600,
        );
        validate(&inv).expect("valid");
        assert_eq!(inv.cmdlet, "Add-DnsServerResourceRecord");
        assert_eq!(inv.get("Name"), Some(&ParamValue::String("@".into())));
        assert_eq!(inv.get("Txt"), Some(&ParamValue::Switch(true)));
        assert_eq!(
            inv.get("DescriptiveText"),
            Some(&ParamValue::String("P; Remove-Item x".into()))
        );
        assert_eq!(
            inv.get("TimeToLive"),
            Some(&ParamValue::String("01:00:00".into()))
        );
        assert_eq!(
            inv.get("ComputerName"),
            Some(&ParamValue::String("dc1".into()))
        );
    }

    #[test]
    fn a_cname_below_the_apex_and_its_removal() {
        let local = Target {
            zone: "contoso.com.",
            computer_name: None,
        };
        let data = RecordData::Cname("mail.contoso.com.");
        let add = add_record(local, "autodiscover.contoso.com", data, 90_000);
        validate(&add).expect("valid");
        assert_eq!(
            add.get("Name"),
            Some(&ParamValue::String("autodiscover".into()))
        );
        assert_eq!(
            add.get("HostNameAlias"),
            Some(&ParamValue::String("mail.contoso.com".into()))
        );
        assert_eq!(
            add.get("TimeToLive"),
            Some(&ParamValue::String("1.01:00:00".into()))
        );
        assert_eq!(add.get("ComputerName"), None);
        let remove = remove_record(local, "autodiscover.contoso.com", data);
        validate(&remove).expect("valid");
        assert_eq!(
            remove.get("RRType"),
            Some(&ParamValue::String("CName".into()))
        );
        assert_eq!(
            remove.get("RecordData"),
            Some(&ParamValue::String("mail.contoso.com".into()))
        );
        assert_eq!(remove.get("Force"), Some(&ParamValue::Switch(true)));
    }

    #[test]
    fn names_are_relative_to_their_zone() {
        assert_eq!(relative_name("Contoso.com.", "contoso.com"), "@");
        assert_eq!(relative_name("sales.contoso.com", "contoso.com"), "sales");
        assert_eq!(
            relative_name("autodiscover.sales.contoso.com", "contoso.com"),
            "autodiscover.sales"
        );
    }
}
