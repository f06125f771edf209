//! A plan that publishes its records in Windows DNS Server: the records are created by
//! `Add-DnsServerResourceRecord` through the same host as Exchange's cmdlets (the lab's DNS
//! server plays the Windows DNS Server), checked over DNS, and removed again by undo.

mod common;

use std::path::Path;

use common::{fedshare, json, succeed, windows_plan};
use serde_json::Value;

fn dns_check(data: &Path, domain: &str) -> Value {
    json(&fedshare(data, &["--json", "dns", "check", domain]))
}

#[test]
fn windows_dns_publication_applies_resolves_and_undoes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    let plan = windows_plan(d, r#"["contoso.com"]"#);

    // The script shows the DnsServer cmdlets as data, the proof captured at run time.
    let script = succeed(d, &["script", &plan]);
    let script = String::from_utf8_lossy(&script.stdout);
    assert!(
        script.contains(
            "Add-DnsServerResourceRecord -ZoneName 'contoso.com' -Name 'sales' -Txt -DescriptiveText"
        ),
        "{script}"
    );
    assert!(
        script.contains("-CName -HostNameAlias 'mail.contoso.com'")
            && script.contains("-ComputerName 'dc01.contoso.com'"),
        "{script}"
    );

    let applied = succeed(d, &["apply", &plan, "--yes"]);
    let progress = String::from_utf8_lossy(&applied.stderr);
    assert!(
        progress.contains("Add-DnsServerResourceRecord -ZoneName 'contoso.com' -Name '@' -Txt"),
        "{progress}"
    );
    assert_eq!(dns_check(d, "contoso.com")["proof"]["status"], "match");
    assert_eq!(
        dns_check(d, "sales.contoso.com")["proof"]["status"],
        "match"
    );
    let autodiscover =
        dns_check(d, "contoso.com")["autodiscover"]["views"][0]["answer"]["values"].to_string();
    assert!(autodiscover.contains("mail.contoso.com"), "{autodiscover}");
    let run = json(&fedshare(d, &["--json", "verify"]));
    assert_eq!(run["summary"]["failure"], 0, "{}", run["summary"]);

    succeed(d, &["undo", "--yes"]);
    let after = dns_check(d, "contoso.com");
    // The proof is gone, and the record beside it was never touched.
    assert_eq!(
        after["proof"]["views"][0]["answer"]["values"],
        serde_json::json!(["v=spf1 mx -all"]),
        "{after}"
    );
    assert_eq!(after["autodiscover"]["status"], "missing", "{after}");
}

#[test]
fn a_record_outside_the_listed_zones_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    let plan = windows_plan(d, r#"["sales.contoso.com"]"#);
    let out = fedshare(d, &["plan", &plan]);
    assert_ne!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(
            "a zone that holds contoso.com: Fedshare writes only to the zones listed here"
        ),
        "{text}"
    );
    assert!(
        text.contains("windows-dns.toml:"),
        "names the file and line: {text}"
    );
}

#[test]
fn dns_publish_windows_creates_one_record_through_the_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    let args = [
        "dns",
        "publish",
        "--windows",
        "--zone",
        "contoso.com",
        "--name",
        "autodiscover.contoso.com",
        "--cname",
        "mail.contoso.com",
    ];
    let out = succeed(d, &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Add-DnsServerResourceRecord -ZoneName 'contoso.com' -Name 'autodiscover' -CName -HostNameAlias 'mail.contoso.com'"),
        "{text}"
    );
    let check = dns_check(d, "contoso.com");
    assert!(
        check["autodiscover"]["views"][0]["answer"]["values"]
            .to_string()
            .contains("CNAME mail.contoso.com"),
        "{check}"
    );
    // Windows DNS keeps one CNAME per name: a second is refused with its Win32 code.
    let again = fedshare(d, &args);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("Failed to create resource record autodiscover"),
        "{err}"
    );

    // RFC 2136 publication still needs its server and key.
    let usage = fedshare(
        d,
        &[
            "dns",
            "publish",
            "--zone",
            "contoso.com",
            "--name",
            "contoso.com",
            "--txt",
            "x",
        ],
    );
    assert_eq!(usage.status.code(), Some(2));
}
