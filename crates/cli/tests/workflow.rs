//! The four steps through the real `fedshare` binary against the lab organization: the lab
//! host is a child process speaking the shell protocol, DNS records are published to the lab
//! DNS server with TSIG-signed updates and awaited there.

mod common;

use common::{fedshare, plan_path, BIN};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn ok_json(data: &Path, args: &[&str]) -> Value {
    let out = fedshare(data, &[args, &["--json"]].concat());
    assert!(
        out.status.success(),
        "fedshare {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn planned_steps(data: &Path) -> usize {
    ok_json(data, &["plan", &plan_path()])["steps"]
        .as_array()
        .expect("steps")
        .len()
}

/// The state with the values that differ between two labs (random keys) taken out.
fn normalized_status(data: &Path) -> Value {
    let mut status = ok_json(data, &["status"]);
    if let Some(trust) = status
        .get_mut("FederationTrust")
        .and_then(Value::as_object_mut)
    {
        for volatile in [
            "OrgCertificate",
            "OrgNextCertificate",
            "OrgPrevCertificate",
            "ApplicationIdentifier",
        ] {
            trust.remove(volatile);
        }
    }
    status
}

/// Objects that must exist exactly once however often apply ran: federation certificates,
/// relationships, policies, and the TXT values at the apex (one proof beside the SPF record).
fn object_counts(data: &Path) -> (usize, usize, usize, usize) {
    let world =
        std::fs::read_to_string(data.join("lab").join("lab-world.json")).expect("lab state");
    let federation_certs = world.matches("\"Exchange Delegation Federation\"").count();
    let status = ok_json(data, &["status"]);
    let rels = status["OrganizationRelationships"]
        .as_array()
        .map_or(0, Vec::len);
    let policies = status["SharingPolicies"].as_array().map_or(0, Vec::len);
    let dns = ok_json(data, &["dns", "check", "contoso.com"]);
    let txt = dns["proof"]["views"][0]["answer"]["values"]
        .as_array()
        .map_or(0, Vec::len);
    (federation_certs, rels, policies, txt)
}

#[test]
fn apply_holds_then_undo_restores_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let before = ok_json(data, &["status"]);
    assert_eq!(
        planned_steps(data),
        12,
        "a fresh lab needs all twelve steps"
    );

    let out = fedshare(data, &["apply", &plan_path(), "--yes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains("[1/12]") && progress.contains("[12/12]"),
        "{progress}"
    );
    assert!(progress.contains("New-FederationTrust -Name 'Microsoft Federation Gateway'"));

    assert_eq!(planned_steps(data), 0, "a second plan has nothing to do");
    let status = ok_json(data, &["status"]);
    assert_eq!(
        status["OrganizationIdentifier"]["AccountNamespace"],
        "FYDIBOHF25SPDLT.contoso.com"
    );

    let out = fedshare(data, &["undo", "--yes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        ok_json(data, &["status"]),
        before,
        "undo returns to the start"
    );
}

#[test]
fn apply_without_yes_outside_a_terminal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = fedshare(dir.path(), &["apply", &plan_path()]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(planned_steps(dir.path()), 12, "nothing was applied");
}

#[test]
fn a_second_apply_is_refused_while_another_process_holds_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // This test process plays the first run: it holds the Lab profile's journal open.
    let held = fedshare_plan::journal::Journal::open(&data.join("journal").join("Lab.jsonl"))
        .expect("the first run opens the journal");
    let out = fedshare(data, &["apply", &plan_path(), "--yes", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let out: Value = serde_json::from_slice(&out.stdout).expect("JSON error on stdout");
    let err = &out["error"];
    assert_eq!(err["code"], "plan.journal_busy", "{out}");
    let message = err["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("process {}", std::process::id())),
        "names the run that holds it: {message}"
    );
    let undo = fedshare(data, &["undo", "--yes"]);
    assert_eq!(undo.status.code(), Some(1), "undo waits its turn too");
    drop(held);
    assert_eq!(planned_steps(data), 12, "nothing was applied");
}

#[test]
fn a_malformed_plan_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("bad.toml");
    std::fs::write(&plan, "[trust]\nname = \"x\"\ncertificate = 42\n").unwrap();
    let out = fedshare(dir.path(), &["plan", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains(":3:"), "{err}");
}

/// Kills `fedshare apply` (SIGKILL, like a crash) as soon as step `k` has finished and the
/// next one started, then applies again: the end state must equal a clean run's, with no
/// object created twice.
#[test]
fn apply_killed_after_each_step_resumes_to_the_same_state() {
    let reference = tempfile::tempdir().unwrap();
    let out = fedshare(reference.path(), &["apply", &plan_path(), "--yes"]);
    assert!(out.status.success());
    let expected = normalized_status(reference.path());
    let expected_counts = object_counts(reference.path());
    assert_eq!(
        expected_counts,
        (1, 2, 2, 2),
        "cert, relationships, policies, TXT values"
    );

    for k in 1..12 {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["apply", &plan_path(), "--yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let marker = format!("[{}/12]", k + 1);
        for line in stderr.lines() {
            if line.unwrap().starts_with(&marker) {
                child.kill().unwrap();
                break;
            }
        }
        let _ = child.wait();

        let out = fedshare(data, &["apply", &plan_path(), "--yes"]);
        assert!(
            out.status.success(),
            "resume after step {k}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(planned_steps(data), 0, "after step {k}: nothing left to do");
        assert_eq!(normalized_status(data), expected, "after step {k}");
        assert_eq!(
            object_counts(data),
            expected_counts,
            "duplicates after step {k}"
        );
    }
}

/// `dns check` compares the TXT record with Get-FederatedDomainProof's proof to the letter and
/// says where a mistyped record differs.
#[test]
fn dns_check_finds_a_mistyped_proof() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(fedshare(data, &["apply", &plan_path(), "--yes"])
        .status
        .success());
    let healthy = ok_json(data, &["dns", "check", "contoso.com"]);
    assert_eq!(healthy["proof"]["status"], "match");

    assert!(fedshare(data, &["lab", "break", "proof-mistyped"])
        .status
        .success());
    let out = fedshare(data, &["dns", "check", "contoso.com"]);
    assert_eq!(out.status.code(), Some(1), "a wrong proof is a finding");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TXT contoso.com.  differs from what is expected")
            && text.contains("differs at position"),
        "{text}"
    );
    // Every line reads as words, not as the program's data structures.
    assert!(!text.contains(" { ") && !text.contains("Listed "), "{text}");
}
