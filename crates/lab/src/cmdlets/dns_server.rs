//! The DnsServer module's record cmdlets against the lab's zones: the lab DNS server plays
//! the organization's Windows DNS Server, so a plan that publishes through Windows DNS runs
//! the same invocations here as on a real network.

use fedshare_exchange::protocol::ShellError;
use serde_json::{json, Value};

use super::errors;
use super::params::Args;
use super::Ctx;
use crate::zones::{Zone, ZoneRecord};

const ADD: &str = "Add-DnsServerResourceRecord";
const REMOVE: &str = "Remove-DnsServerResourceRecord";

/// Windows DNS Server's errors reach PowerShell as CIM exceptions carrying the Win32 code.
fn cim_error(cmdlet: &str, category: &str, win32: u32, message: String) -> ShellError {
    ShellError {
        category: category.to_owned(),
        exception: "CimException".to_owned(),
        message,
        error_id: format!("WIN32 {win32},{cmdlet}"),
    }
}

fn server(args: &Args) -> String {
    args.string("ComputerName")
        .unwrap_or_else(|| "EX01".to_owned())
}

fn zone<'a>(cmdlet: &str, zones: &'a mut [Zone], args: &Args) -> Result<&'a mut Zone, ShellError> {
    let name = args.required("ZoneName")?;
    let wanted = name.trim_end_matches('.');
    zones
        .iter_mut()
        .find(|z| z.origin.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            cim_error(
                cmdlet,
                "ObjectNotFound",
                9601,
                format!(
                    "Failed to get the zone information for {wanted} on server {}.",
                    server(args)
                ),
            )
        })
}

/// The owner name in the zone's terms: `@` is the apex, other names are relative.
fn owner(zone: &Zone, name: &str) -> String {
    let name = name.trim_end_matches('.');
    if name == "@" || name.eq_ignore_ascii_case(&zone.origin) {
        zone.origin.clone()
    } else {
        format!("{}.{}", name.to_ascii_lowercase(), zone.origin)
    }
}

/// `d.hh:mm:ss` or `hh:mm:ss`, as PowerShell converts a string to a TimeSpan.
fn seconds(timespan: &str) -> Option<u32> {
    let (days, hms) = match timespan.split_once('.') {
        Some((d, rest)) => (d.parse::<u32>().ok()?, rest),
        None => (0, timespan),
    };
    let parts: Vec<u32> = hms
        .split(':')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match parts[..] {
        [h, m, s] if m < 60 && s < 60 => Some(days * 86_400 + h * 3600 + m * 60 + s),
        _ => None,
    }
}

pub(crate) fn add_record(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let (rtype, value) = if args.switch("Txt") {
        ("TXT", args.required("DescriptiveText")?)
    } else if args.switch("CName") {
        let alias = args.required("HostNameAlias")?;
        ("CNAME", alias.trim_end_matches('.').to_owned())
    } else {
        return Err(errors::parameter_set(ADD));
    };
    let ttl = match args.string("TimeToLive") {
        Some(text) => seconds(&text).ok_or_else(|| {
            errors::bad_argument(ADD, "TimeToLive", &format!("'{text}' is not a TimeSpan"))
        })?,
        None => 3600,
    };
    let name = args.required("Name")?;
    let host = server(args);
    let zone = zone(ADD, &mut ctx.world.zones, args)?;
    let owner = owner(zone, &name);
    let clash = zone.records.iter().any(|r| {
        r.name.eq_ignore_ascii_case(&owner)
            && (rtype == "CNAME" || r.rtype == "CNAME" || (r.rtype == rtype && r.value == value))
    });
    if clash {
        return Err(cim_error(
            ADD,
            "ResourceExists",
            9711,
            format!(
                "Failed to create resource record {name} in zone {} on server {host}.",
                zone.origin
            ),
        ));
    }
    zone.records.push(ZoneRecord {
        name: owner,
        rtype: rtype.to_owned(),
        ttl,
        value: value.clone(),
    });
    Ok(vec![json!({
        "HostName": name,
        "RecordType": rtype,
        "TimeToLive": args.string("TimeToLive").unwrap_or_else(|| "01:00:00".into()),
        "RecordData": value,
    })])
}

pub(crate) fn remove_record(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let rtype = match args.required("RRType")?.to_ascii_lowercase().as_str() {
        "txt" => "TXT",
        "cname" => "CNAME",
        other => {
            return Err(errors::bad_argument(
                REMOVE,
                "RRType",
                &format!("'{other}' is not a record type Fedshare removes (Txt, CName)"),
            ))
        }
    };
    let data = args
        .string("RecordData")
        .map(|d| d.trim_end_matches('.').to_owned());
    let name = args.required("Name")?;
    let host = server(args);
    let zone = zone(REMOVE, &mut ctx.world.zones, args)?;
    let owner = owner(zone, &name);
    let before = zone.records.len();
    // Text is compared exactly (a proof is case-sensitive base64); host names are not.
    let same = |value: &str, wanted: &str| match rtype {
        "TXT" => value == wanted,
        _ => value.eq_ignore_ascii_case(wanted),
    };
    zone.records.retain(|r| {
        !(r.name.eq_ignore_ascii_case(&owner)
            && r.rtype == rtype
            && data.as_deref().is_none_or(|d| same(&r.value, d)))
    });
    if zone.records.len() == before {
        return Err(cim_error(
            REMOVE,
            "ObjectNotFound",
            9714,
            format!(
                "Failed to remove the resource record {name} in zone {} on server {host}: it does not exist.",
                zone.origin
            ),
        ));
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn timespans_read_as_powershell_converts_them() {
        assert_eq!(seconds("01:00:00"), Some(3600));
        assert_eq!(seconds("1.01:00:00"), Some(90_000));
        assert_eq!(seconds("00:61:00"), None);
        assert_eq!(seconds("soon"), None);
    }
}
