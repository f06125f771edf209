//! Ctrl-C during `fedshare apply`, through the real binary against the lab: a plan that
//! publishes DNS by hand waits for its first proof; SIGINT stops that wait at once, the
//! command says how to resume, and the next plan starts at the step that was cancelled.

#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{succeed, BIN};

#[test]
fn ctrl_c_in_a_dns_wait_stops_cleanly_and_the_journal_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let example = std::fs::read_to_string(common::plan_path()).unwrap();
    let lab_dns = "mode = \"rfc2136\"\nserver = \"lab\"\nkey_name = \"fedshare-lab.\"";
    assert!(
        example.contains(lab_dns),
        "the example plan's [dns] changed"
    );
    let manual = dir.path().join("manual.toml");
    std::fs::write(&manual, example.replace(lab_dns, "mode = \"manual\"")).unwrap();

    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["apply", manual.to_str().unwrap(), "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let waiting = line.contains("waiting for contoso.com IN TXT");
        seen.push(line);
        if waiting {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.contains("waiting for")),
        "{seen:?}"
    );
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    // The wait re-checks every 15 s; the cancel must not wait for that.
    assert!(sent.elapsed() < Duration::from_secs(10), "stopped promptly");
    assert_eq!(status.code(), Some(1), "{rest:?}");
    let rest = rest.join("\n");
    assert!(rest.contains("Cancelling"), "{rest}");
    assert!(rest.contains("[plan.cancelled]"), "{rest}");
    assert!(rest.contains("apply again to resume"), "{rest}");

    // The journal resumes: the certificate and the trust stay, the proof is next.
    let plan = succeed(&data, &["plan", manual.to_str().unwrap()]);
    let plan = String::from_utf8_lossy(&plan.stdout);
    let first = plan.lines().nth(1).unwrap_or_default();
    assert!(first.contains("(dns.proof:contoso.com)"), "{plan}");
    assert!(!plan.contains("New-FederationTrust"), "{plan}");
}
