//! The undo script of an applied plan, through the real `fedshare` binary against the lab:
//! `fedshare script PLAN --undo` exports the journal's undo once the plan is applied, it is the
//! script `fedshare undo` shows before it asks, values are cleared with `$null` (Exchange
//! refuses `''`), and the undo succeeds under the lab's Exchange removal rules.

mod common;

use common::{fedshare, plan_path, succeed};

#[test]
fn the_applied_plans_undo_script_is_the_one_undo_shows_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let before = succeed(data, &["status", "--json"]).stdout;

    // Before anything is applied, the plan's own undo (nothing from a journal yet).
    let planned = dir.path().join("planned-undo.ps1");
    succeed(
        data,
        &[
            "script",
            &plan_path(),
            "--undo",
            "-o",
            planned.to_str().unwrap(),
        ],
    );
    let planned = std::fs::read_to_string(&planned).unwrap();
    assert!(planned.contains("Remove-FederationTrust"), "{planned}");

    succeed(data, &["apply", &plan_path(), "--yes"]);

    let file = dir.path().join("undo.ps1");
    succeed(
        data,
        &[
            "script",
            &plan_path(),
            "--undo",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    let script = std::fs::read_to_string(&file).unwrap();
    assert!(
        script.starts_with("# Undo of the applied Fedshare changes"),
        "the journal's undo, not the (now empty) plan's:\n{script}"
    );
    // Alex Wilber had no policy of his own before: undo clears it with $null, never ''.
    assert!(
        script.contains("Set-Mailbox -Identity 'Alex Wilber' -SharingPolicy $null"),
        "{script}"
    );
    assert!(!script.contains("''"), "{script}");
    for line in [
        "Remove-SharingPolicy -Identity 'Fabrikam' -Confirm:$false",
        "Remove-FederatedDomain -DomainName 'sales.contoso.com' -Confirm:$false",
        "Remove-FederatedDomain -DomainName 'contoso.com' -Confirm:$false",
        "Remove-FederationTrust -Identity 'Microsoft Federation Gateway' -Confirm:$false",
    ] {
        assert!(script.contains(line), "{line}\n{script}");
    }
    // The account namespace goes after the other domain, the trust after both.
    let at = |needle: &str| script.find(needle).unwrap();
    assert!(at("'sales.contoso.com'") < at("-DomainName 'contoso.com'"));
    assert!(at("-DomainName 'contoso.com'") < at("Remove-FederationTrust"));

    // Undo without --yes shows the same script and the domains warning, then refuses.
    let refused = fedshare(data, &["undo"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a usage error: --yes is needed"
    );
    let review = String::from_utf8_lossy(&refused.stderr);
    assert!(review.contains(script.trim_end()), "{review}");
    assert!(review.contains("MaxUriReached"), "{review}");
    assert!(review.contains("--force-domains"), "{review}");

    // With the Federation Gateway out of reach, Exchange keeps the domains unless forced,
    // and the error names the forced undo.
    succeed(data, &["lab", "break", "gateway-unreachable"]);
    let blocked = fedshare(data, &["undo", "--yes", "--json"]);
    assert_eq!(blocked.status.code(), Some(1));
    let out: serde_json::Value = serde_json::from_slice(&blocked.stdout).unwrap();
    let error = &out["error"];
    assert_eq!(error["code"], "plan.domain_removal_failed", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("UnableToReleaseUriException") && message.contains("--force-domains"),
        "{message}"
    );

    let undo = succeed(data, &["undo", "--yes", "--force-domains"]);
    assert!(
        String::from_utf8_lossy(&undo.stderr)
            .contains("Remove-FederatedDomain -DomainName 'contoso.com' -Confirm:$false -Force"),
        "{}",
        String::from_utf8_lossy(&undo.stderr)
    );
    succeed(data, &["lab", "fix", "gateway-unreachable"]);

    assert_eq!(
        succeed(data, &["status", "--json"]).stdout,
        before,
        "undo returns to the start"
    );
}
