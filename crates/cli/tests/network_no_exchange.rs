//! Network work needs no Exchange: with a real organization's profile (whose Exchange does not
//! exist) and no PowerShell anywhere on PATH, `partner info` and `dns check` run against the
//! resolver they are given, in the Internet's shape: HTTPS on port 443, the OS trust store plus
//! `--ca-file`, no lab port.
//!
//! The "Internet" is real servers on loopback: `fedshare lab serve` on a data folder of its
//! own, its DNS server on a free port (passed as `--resolver`), its HTTPS Autodiscover
//! endpoints on 127.0.0.1:443 (the port the Internet's shape connects to), certified by its CA
//! (passed as `--ca-file`). Port 443 needs root or a lowered
//! `net.ipv4.ip_unprivileged_port_start`; the test and CI run as root. Without the privilege
//! the test says so and stops, since no honest stand-in for 443 exists.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{json, succeed, BIN};

/// `fedshare lab serve` on its own data folder; killed on drop.
struct Internet {
    child: Child,
    dns: String,
    ca_file: PathBuf,
}

impl Internet {
    fn start(data: &Path) -> Internet {
        succeed(data, &["lab", "init"]);
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["lab", "serve", "--https-port", "443"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn lab serve");
        let stdout = child.stdout.take().expect("stdout");
        let (mut dns, mut ca_file) = (None, None);
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            if let Some(addr) = line.strip_prefix("Lab DNS (UDP+TCP):") {
                dns = Some(addr.trim().to_owned());
            }
            if let Some(path) = line.strip_prefix("Lab CA certificate:") {
                ca_file = Some(PathBuf::from(path.trim()));
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        Internet {
            child,
            dns: dns.expect("serve prints its DNS address"),
            ca_file: ca_file.expect("serve prints its CA file"),
        }
    }
}

impl Drop for Internet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether this process may listen on 127.0.0.1:443. Only a missing privilege skips the test
/// (a developer's unprivileged run); a port already taken is a failure, not a skip.
fn may_listen_on_443() -> bool {
    match std::net::TcpListener::bind("127.0.0.1:443") {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("SKIPPED: 127.0.0.1:443 needs privilege here ({e}); run as root, as CI does");
            false
        }
        Err(e) => panic!("127.0.0.1:443 is taken ({e}): stop what listens there"),
    }
}

/// A data folder with one real-organization profile whose Exchange does not exist.
fn real_profile(data: &Path) {
    let store = serde_json::json!({
        "profiles": [{
            "name": "Real",
            "backend": {
                "kind": "remotePowerShell",
                "connectionUri": "https://exchange.nowhere.invalid/PowerShell/",
                "storedCredential": false
            }
        }],
        "activeProfile": "Real"
    });
    std::fs::create_dir_all(data).expect("data dir");
    std::fs::write(
        data.join("profiles.json"),
        serde_json::to_vec_pretty(&store).expect("json"),
    )
    .expect("profiles.json");
}

/// `fedshare --data-dir DATA --profile PROFILE ARGS` with a PATH that holds no program at all
/// (so neither powershell.exe nor pwsh) and no proxy.
fn run(data: &Path, profile: &str, empty_path: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data)
        .args(["--profile", profile])
        .args(args)
        .env("PATH", empty_path)
        .stdin(Stdio::null());
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("run fedshare")
}

fn urls(discovery: &serde_json::Value) -> Vec<String> {
    discovery["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| a["url"].as_str().expect("url").to_owned())
        .collect()
}

#[test]
fn partner_info_and_dns_check_need_no_exchange_and_take_the_internets_shape() {
    if !may_listen_on_443() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let internet = Internet::start(&dir.path().join("internet"));
    let data = dir.path().join("workstation");
    real_profile(&data);
    let empty_path = dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty_path).expect("empty PATH dir");
    let ca = internet.ca_file.display().to_string();
    let resolver = internet.dns.as_str();

    // A partner that answers: exit 0, found at Exchange's first step on port 443 (no port in
    // the URL), its certificate trusted through --ca-file.
    let out = run(
        &data,
        "Real",
        &empty_path,
        &[
            "--json",
            "partner",
            "info",
            "fabrikam.com",
            "--resolver",
            resolver,
            "--ca-file",
            &ca,
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let found = json(&out);
    assert_eq!(
        found["result"]["targetApplicationUri"], "FYDIBOHF25SPDLT.fabrikam.com",
        "{found}"
    );
    assert_eq!(
        urls(&found)[0],
        "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc"
    );
    assert!(
        !stderr.to_ascii_lowercase().contains("powershell"),
        "{stderr}"
    );

    // Without --ca-file the lab CA is not trusted: the Internet's shape trusts the OS store.
    let out = run(
        &data,
        "Real",
        &empty_path,
        &[
            "--json",
            "partner",
            "info",
            "fabrikam.com",
            "--resolver",
            resolver,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let untrusted = json(&out);
    assert_eq!(
        untrusted["attempts"][0]["outcome"]["failure"]["kind"], "tls",
        "{untrusted}"
    );

    // A domain nobody publishes: exit 1, every step named, the DNS failure in words.
    let out = run(
        &data,
        "Real",
        &empty_path,
        &[
            "--json",
            "partner",
            "info",
            "nobody.example",
            "--resolver",
            resolver,
            "--ca-file",
            &ca,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let missing = json(&out);
    assert!(missing["result"].is_null());
    assert_eq!(
        urls(&missing),
        [
            "https://autodiscover.nobody.example/autodiscover/autodiscover.svc",
            "https://nobody.example/autodiscover/autodiscover.svc",
            "http://autodiscover.nobody.example/autodiscover/autodiscover.xml",
            "http://nobody.example/autodiscover/autodiscover.xml",
        ]
    );
    let summary = missing["attempts"][0]["summary"].as_str().expect("summary");
    assert!(
        summary.contains(&format!(
            "the DNS server {resolver} refused the query (REFUSED)"
        )),
        "{summary}"
    );

    // dns check: the partner's records through the listed resolver, exit 0 when present.
    let out = run(
        &data,
        "Real",
        &empty_path,
        &[
            "--json",
            "dns",
            "check",
            "fabrikam.com",
            "--resolver",
            resolver,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["autodiscover"]["status"], "present", "{report}");
    assert_eq!(
        report["autodiscover"]["views"][0]["view"]["server"], resolver,
        "{report}"
    );

    // ... and exit 1 for a domain without records, each unread view with what to do.
    let out = run(
        &data,
        "Real",
        &empty_path,
        &["dns", "check", "nobody.example", "--resolver", resolver],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("the server refused the query (REFUSED)")
            && text.contains("check the address, or that it allows queries"),
        "{text}"
    );

    // One test, one server on 443: the lab profile's case runs against the same one.
    lab_profile_with_a_listed_resolver(&internet, dir.path(), &empty_path);
}

/// With the lab profile, a listed resolver that is not the lab's DNS server is the Internet's
/// shape too: HTTPS goes to port 443, never to the lab's port.
fn lab_profile_with_a_listed_resolver(internet: &Internet, dir: &Path, empty_path: &Path) {
    let data = dir.join("lab-workstation");
    succeed(&data, &["lab", "init"]);
    let ca = internet.ca_file.display().to_string();
    let out = run(
        &data,
        "Lab",
        empty_path,
        &[
            "--json",
            "partner",
            "info",
            "fabrikam.com",
            "--resolver",
            &internet.dns,
            "--ca-file",
            &ca,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        urls(&json(&out))[0],
        "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc"
    );
}
