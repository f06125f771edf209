//! `fedshare verify / ack / drift / explain` through the real binary: the lab host process,
//! its DNS and HTTPS servers, the plan applied with `fedshare apply`, a break applied with
//! `fedshare lab break`.

mod common;

use common::{check, fedshare, json};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn verify_finds_a_break_ack_marks_it_and_drift_shows_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    assert!(fedshare(d, &["lab", "init"]).status.success());
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/contoso-lab.toml"
    );
    let applied = fedshare(d, &["apply", plan, "--yes"]);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );

    let healthy = d.join("healthy.json");
    let out = fedshare(
        d,
        &[
            "--json",
            "verify",
            "--save",
            healthy.to_str().expect("path"),
        ],
    );
    let run = json(&out);
    assert_eq!(out.status.code(), Some(0), "{}", run["summary"]);
    assert_eq!(run["summary"]["failure"], 0);
    assert_eq!(check(&run, "domain.proof:contoso.com")["status"], "pass");

    assert!(fedshare(d, &["lab", "break", "proof-mistyped"])
        .status
        .success());
    let broken = d.join("broken.json");
    let out = fedshare(
        d,
        &["--json", "verify", "--save", broken.to_str().expect("path")],
    );
    assert_eq!(out.status.code(), Some(1), "a failure exits 1");
    let run = json(&out);
    let proof = check(&run, "domain.proof:contoso.com");
    assert_eq!(proof["status"], "failure");
    assert!(proof["fix"]["commands"][0]
        .as_str()
        .expect("record")
        .contains("IN TXT"));

    // Acknowledge every open finding: the run passes, the findings are still there, marked.
    let open: Vec<String> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["status"] == "failure" || r["status"] == "warning")
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(!open.is_empty());
    for id in &open {
        let ack = fedshare(
            d,
            &[
                "ack",
                id,
                "--reason",
                "DNS change CHG-42 pending",
                "--expires",
                "2099-12-31",
                "--by",
                "tester",
            ],
        );
        assert!(
            ack.status.success(),
            "{}",
            String::from_utf8_lossy(&ack.stderr)
        );
    }
    let bad = fedshare(
        d,
        &[
            "ack",
            "no-such.check",
            "--reason",
            "r",
            "--expires",
            "2099-12-31",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let out = fedshare(d, &["verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "acknowledged findings do not fail the run"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[FAIL]")
            && text.contains("acknowledged by tester until 2099-12-31: DNS change CHG-42 pending"),
        "{text}"
    );

    let out = fedshare(
        d,
        &[
            "--json",
            "drift",
            healthy.to_str().expect("p"),
            broken.to_str().expect("p"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "drift found");
    let drift = json(&out);
    assert!(drift["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .any(|c| c["id"] == "domain.proof:contoso.com"
            && c["before"] == "pass"
            && c["after"] == "failure"));
}

#[test]
fn explain_reads_an_argument_or_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fedshare(dir.path(), &["--json", "explain", "Federation information could not be received from the external organization. (Ex15B18C)"]);
    assert!(out.status.success());
    assert_eq!(json(&out)[0]["id"], "federation-information-failed");

    let mut child = Command::new(env!("CARGO_BIN_EXE_fedshare"))
        .args([
            "--data-dir",
            dir.path().to_str().expect("p"),
            "explain",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Set-FederatedOrganizationIdentifier : Proof of domain\nownership has failed.")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("domain.proof:<domain>"), "{text}");

    let none = fedshare(dir.path(), &["explain", "all good"]);
    assert_eq!(none.status.code(), Some(1));
}
