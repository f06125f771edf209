//! `fedshare lab serve` (the `--serve` mode of the lab host binary) checked with independent
//! tools: Knot's kdig against the lab DNS server, curl against the Autodiscover endpoint with
//! the CA file written next to the state.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};

/// The address after `label` in the summary `serve` prints.
fn address(lines: &[String], label: &str) -> SocketAddr {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} line in {lines:?}"))
        .trim()
        .parse()
        .expect("address")
}

fn run(program: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{program} is required (Debian packages knot-dnsutils, curl): {e}")
        });
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("ran");
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn serve_answers_kdig_and_curl_and_announces_its_endpoints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fedshare-lab-host"))
        .arg("--serve")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn lab serve");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line");
        let done = line.starts_with("Press Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    let dns = address(&lines, "Lab DNS (UDP+TCP):");
    let https = address(
        &lines,
        "Lab HTTPS (Autodiscover, every lab host name by SNI):",
    );

    let port = dns.port().to_string();
    let txt = run(
        "kdig",
        &[
            "@127.0.0.1",
            "-p",
            &port,
            "+short",
            "+time=2",
            "+retry=0",
            "contoso.com",
            "TXT",
        ],
        None,
    );
    assert_eq!(txt.trim(), "\"v=spf1 mx -all\"");
    let tcp = run(
        "kdig",
        &[
            "@127.0.0.1",
            "-p",
            &port,
            "+tcp",
            "+short",
            "+time=2",
            "+retry=0",
            "autodiscover.tailspintoys.com",
            "CNAME",
        ],
        None,
    );
    assert_eq!(tcp.trim(), "mail.tailspintoys.com.");

    let ca = dir.path().join("lab-ca.pem");
    let host = "autodiscover.fabrikam.com";
    let url = format!(
        "https://{host}:{}/autodiscover/autodiscover.svc",
        https.port()
    );
    let resolve = format!("{host}:{}:{}", https.port(), https.ip());
    let body = fedshare_labnet::gfi_request_envelope("fabrikam.com", &url);
    let answer = run(
        "curl",
        &[
            "-sS",
            "--fail",
            "--noproxy",
            "*",
            "--cacert",
            ca.to_str().expect("utf-8 path"),
            "--resolve",
            &resolve,
            "-H",
            "Content-Type: text/xml; charset=utf-8",
            "--data-binary",
            "@-",
            &url,
        ],
        Some(&body),
    );
    assert!(
        answer.contains("<ApplicationUri>FYDIBOHF25SPDLT.fabrikam.com</ApplicationUri>"),
        "{answer}"
    );

    let endpoints = fedshare_lab::admin::endpoints(dir.path())
        .expect("readable")
        .expect("serve is running");
    assert_eq!(endpoints.dns, dns.to_string());
    assert_eq!(endpoints.https, https.to_string());
    assert_eq!(
        endpoints.ca_pem,
        std::fs::read_to_string(&ca).expect("CA file")
    );

    child.kill().expect("stop serve");
    child.wait().expect("exited");
    assert!(
        fedshare_lab::admin::endpoints(dir.path())
            .expect("readable")
            .is_none(),
        "a stopped serve announces nothing"
    );
}
