//! `fedshare certificate status | roll | refresh-task` through the real binary and the lab:
//! the lab clock ages the federation certificate, status and verify warn, the roll runs with
//! the journal and verify passes after it, and an expired certificate is refused with the
//! rebuild.

mod common;

use common::{check, fedshare, json, plan_path, succeed};

fn slot<'a>(status: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    status["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .find(|c| c["slot"] == name)
        .unwrap_or_else(|| panic!("no {name} certificate in {status}"))
}

#[test]
fn the_certificate_ages_warns_rolls_and_an_expired_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    succeed(d, &["apply", &plan_path(), "--yes"]);

    let fresh = succeed(d, &["--json", "certificate", "status"]);
    let fresh = json(&fresh);
    let current = slot(&fresh, "current");
    let days = current["daysLeft"].as_i64().expect("days left");
    assert!((1800..=1830).contains(&days), "{days}");
    assert_eq!(current["lifetime"], "ok");
    assert_eq!(slot(&fresh, "gateway")["lifetime"], "ok");
    assert_eq!(fresh["metadataRefresh"]["builtin"], "onWindows2012OrLater");

    // 26 days left: status and verify say so (exit 1).
    succeed(d, &["lab", "clock", "+1800d"]);
    let aged = fedshare(d, &["--json", "certificate", "status"]);
    assert_eq!(aged.status.code(), Some(1));
    let aged = json(&aged);
    assert_eq!(slot(&aged, "current")["lifetime"], "urgent");
    assert!(aged["advice"][0].as_str().expect("advice").contains("roll"));
    let run = fedshare(d, &["--json", "verify"]);
    assert_eq!(run.status.code(), Some(1));
    let run = json(&run);
    assert_eq!(check(&run, "trust.certificate-expiry")["status"], "warning");

    // The roll: its steps, its script, then the run.
    let steps = json(&succeed(d, &["--json", "certificate", "roll", "--dry-run"]));
    let ids: Vec<&str> = steps["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.first(), Some(&"trust.certificate"));
    assert!(ids.contains(&"roll.stage"));
    assert!(ids.contains(&"roll.proof:contoso.com"));
    assert_eq!(ids.last(), Some(&"roll.publish"));
    let script = d.join("roll.ps1");
    succeed(
        d,
        &[
            "certificate",
            "roll",
            "--script",
            script.to_str().expect("path"),
        ],
    );
    let text = std::fs::read_to_string(&script).expect("script");
    assert!(text.contains("-PublishFederationCertificate"), "{text}");
    assert!(text.contains("Test-FederationTrustCertificate"), "{text}");

    let before = slot(&aged, "current")["thumbprint"].clone();
    succeed(d, &["certificate", "roll", "--yes"]);
    let rolled = json(&succeed(d, &["--json", "certificate", "status"]));
    assert_ne!(slot(&rolled, "current")["thumbprint"], before);
    assert_eq!(slot(&rolled, "previous")["thumbprint"], before);
    assert_eq!(slot(&rolled, "current")["lifetime"], "ok");
    let run = fedshare(d, &["--json", "verify"]);
    let run = json(&run);
    assert_eq!(check(&run, "trust.certificate-expiry")["status"], "pass");
    assert_eq!(check(&run, "domain.proof:contoso.com")["status"], "pass");
    assert_eq!(run["summary"]["failure"], 0, "{}", run["summary"]);

    // Years later the new certificate has expired too: no roll, the rebuild instead.
    succeed(d, &["lab", "clock", "+1900d"]);
    let refused = fedshare(d, &["--json", "certificate", "roll", "--dry-run"]);
    assert_eq!(refused.status.code(), Some(1));
    let refused = json(&refused);
    assert_eq!(refused["error"]["code"], "plan.certificate_expired");
    let message = refused["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("proof TXT") && message.contains("same day"),
        "{message}"
    );
}

#[test]
fn the_refresh_task_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let file = d.join("refresh.ps1");
    succeed(
        d,
        &[
            "certificate",
            "refresh-task",
            "-o",
            file.to_str().expect("path"),
        ],
    );
    let text = std::fs::read_to_string(&file).expect("script");
    assert!(text.contains("Register-ScheduledTask"));
    assert_eq!(
        text.matches("Set-FederationTrust -RefreshMetadata").count(),
        3
    );
}

#[test]
fn a_stale_trust_is_refreshed_twice_and_verify_agrees() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    succeed(d, &["apply", &plan_path(), "--yes"]);
    // The gateway rolls its signing certificate: the trust's copy is stale.
    succeed(d, &["lab", "break", "metadata-stale"]);
    let run = json(&fedshare(d, &["--json", "verify"]));
    assert_eq!(check(&run, "trust.metadata-fresh")["status"], "failure");
    let refreshed = json(&succeed(
        d,
        &["--json", "certificate", "refresh-metadata", "--yes"],
    ));
    assert_eq!(
        refreshed["applied"],
        serde_json::json!(["trust.refresh-metadata"])
    );
    let run = json(&fedshare(d, &["--json", "verify"]));
    assert_eq!(check(&run, "trust.metadata-fresh")["status"], "pass");
}
