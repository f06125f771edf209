//! `fedshare freebusy` through the real binary and the lab's real chain: Contoso's EWS over
//! HTTPS, the lab broker's token, Fabrikam's `/EWS/Exchange.asmx/WSSecurity`; then a break that
//! removes Fabrikam's access, and Exchange's code in the answer.

mod common;

use common::{fedshare, json, plan_path, succeed};

const FROM: &str = "alexw@contoso.com";
/// The README walkthrough's address.
const TO: &str = "lidiah@fabrikam.com";

#[test]
fn free_busy_comes_back_and_a_partner_without_access_gives_5037() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    succeed(d, &["apply", &plan_path(), "--yes"]);

    let out = fedshare(d, &["--json", "freebusy", "--from", FROM, "--to", TO]);
    let proof = json(&out);
    assert_eq!(out.status.code(), Some(0), "{proof}");
    assert_eq!(proof["result"]["kind"], "freeBusy", "{proof}");
    let slots = proof["result"]["data"]["slots"].as_array().expect("slots");
    assert!(
        !slots.is_empty(),
        "Fabrikam's calendar has busy times: {proof}"
    );
    assert_eq!(proof["result"]["data"]["viewType"], "FreeBusy");
    assert_eq!(
        proof["ewsUrl"],
        "https://mail.contoso.com/EWS/Exchange.asmx"
    );

    // Verify shows the kept proof on the relationship's step (the map's edge, the reports).
    let run = json(&fedshare(d, &["--json", "verify"]));
    let proof_check = |run: &serde_json::Value| {
        run["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["id"] == "freebusy.proof:fabrikam.com")
            .cloned()
            .unwrap_or_else(|| panic!("no proof check: {run}"))
    };
    assert_eq!(proof_check(&run)["status"], "pass");
    assert_eq!(proof_check(&run)["step"], "organizationRelationships");

    succeed(d, &["lab", "break", "partner-no-access"]);
    let out = fedshare(d, &["--json", "freebusy", "--from", FROM, "--to", TO]);
    let proof = json(&out);
    assert_eq!(out.status.code(), Some(1), "{proof}");
    let result = &proof["result"];
    assert_eq!(result["kind"], "refused", "{proof}");
    assert_eq!(result["error"]["responseCode"], "ErrorNoFreeBusyAccess");
    assert_eq!(result["error"]["exceptionCode"], 5037);
    assert_eq!(
        result["error"]["responseSource"],
        "https://autodiscover.fabrikam.com/EWS/Exchange.asmx/WSSecurity"
    );
    assert_eq!(result["diagnosis"]["id"], "freebusy.no_access");
    assert_eq!(result["diagnosis"]["side"], "partner");
    let run = json(&fedshare(d, &["--json", "verify"]));
    let check = proof_check(&run);
    assert_eq!(check["status"], "failure", "{check}");
    assert!(
        check["evidence"][0]["actual"]
            .as_str()
            .unwrap_or_default()
            .contains("ErrorNoFreeBusyAccess / 5037"),
        "{check}"
    );

    // The text names the cause and Exchange's code.
    let out = fedshare(d, &["freebusy", "--from", FROM, "--to", TO]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("ErrorNoFreeBusyAccess / 5037"), "{text}");
    assert!(text.contains("Cause:"), "{text}");
}

#[test]
fn each_lab_break_fails_with_its_own_exchange_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    succeed(d, &["apply", &plan_path(), "--yes"]);
    for (what, code, cause) in [
        (
            "partner-wssecurity-off",
            5016,
            "freebusy.partner_ews_preauth",
        ),
        (
            "relationship-disabled",
            5039,
            "freebusy.no_enabled_relationship",
        ),
        ("cert-expired", 5039, "freebusy.token_refused"),
        ("clock-skew", 5016, "freebusy.partner_security_check_failed"),
    ] {
        succeed(d, &["lab", "break", what]);
        let out = fedshare(d, &["--json", "freebusy", "--from", FROM, "--to", TO]);
        let proof = json(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {proof}");
        assert_eq!(
            proof["result"]["error"]["exceptionCode"], code,
            "{what}: {proof}"
        );
        assert_eq!(proof["result"]["diagnosis"]["id"], cause, "{what}: {proof}");
        succeed(d, &["lab", "fix", what]);
    }
}

#[test]
fn a_bad_address_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = fedshare(dir.path(), &["freebusy", "--from", "alexw", "--to", TO]);
    assert_eq!(out.status.code(), Some(2));
}
