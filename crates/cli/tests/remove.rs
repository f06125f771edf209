//! `fedshare remove` through the real binary and the lab: turning one partner off, the full
//! removal example leaving no trust, identifier, federated domain, relationship or
//! non-default policy (resumed after the gateway refused a domain), and Exchange's refusals
//! said before anything runs.

mod common;

use common::{fedshare, json, plan_path, succeed};

fn example() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/contoso-remove.toml"
    )
    .to_owned()
}

fn applied_lab() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    succeed(dir.path(), &["lab", "init"]);
    succeed(dir.path(), &["apply", &plan_path(), "--yes"]);
    dir
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn the_removal_example_leaves_nothing_and_resumes_after_a_refusal() {
    let dir = applied_lab();
    let d = dir.path();
    // The gateway cannot release the domains: Exchange stops at the first one.
    succeed(d, &["lab", "break", "gateway-unreachable"]);
    let stopped = fedshare(d, &["--json", "remove", &example(), "--yes"]);
    assert_eq!(stopped.status.code(), Some(1));
    let stopped = json(&stopped);
    assert!(
        stopped["error"]["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("plan.")),
        "{stopped}"
    );
    let state = json(&succeed(d, &["--json", "status"]));
    assert_eq!(state["OrganizationRelationships"], serde_json::json!([]));
    assert!(!state["FederationTrust"].is_null());

    // Resumed: what is gone is not planned again.
    succeed(d, &["lab", "fix", "gateway-unreachable"]);
    let rest = json(&succeed(d, &["--json", "remove", &example(), "--dry-run"]));
    let ids: Vec<&str> = rest["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "domain.remove:sales.contoso.com",
            "domain.remove:contoso.com",
            "trust.remove"
        ]
    );
    succeed(d, &["remove", &example(), "--yes"]);

    let state = json(&succeed(d, &["--json", "status"]));
    assert!(state["FederationTrust"].is_null(), "{state}");
    let orgid = &state["OrganizationIdentifier"];
    assert!(orgid["AccountNamespace"].is_null(), "{orgid}");
    assert_eq!(orgid["Domains"], serde_json::json!([]));
    assert_eq!(orgid["Enabled"], false);
    assert_eq!(state["OrganizationRelationships"], serde_json::json!([]));
    let policies = state["SharingPolicies"].as_array().expect("policies");
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0]["Default"], true);
    // Nothing left to do.
    let again = json(&succeed(d, &["--json", "remove", &example(), "--dry-run"]));
    assert_eq!(again["steps"], serde_json::json!([]));
}

#[test]
fn one_partner_is_turned_off_and_exchange_refusals_come_first() {
    let dir = applied_lab();
    let d = dir.path();
    let off = write(
        d,
        "off.toml",
        "[disabled]\norganization_relationships = [\"Fabrikam\"]\nsharing_policies = [\"Fabrikam\"]\n",
    );
    succeed(d, &["remove", &off, "--yes"]);
    let state = json(&succeed(d, &["--json", "status"]));
    let fabrikam = state["OrganizationRelationships"]
        .as_array()
        .expect("relationships")
        .iter()
        .find(|r| r["Name"] == "Fabrikam")
        .expect("kept")
        .clone();
    assert_eq!(fabrikam["Enabled"], false, "{fabrikam}");

    let refusals = [
        (
            "[absent]\nfederation_trust = true\n",
            "OrgsStillUsingThisTrustException",
        ),
        (
            "[absent]\nsharing_policies = [\"Default Sharing Policy\"]\n",
            "CannotRemoveDefaultSharingPolicy",
        ),
        (
            "[absent]\nfederated_domains = [\"contoso.com\"]\n",
            "CannotRemoveAccountNamespaceException",
        ),
    ];
    for (i, (text, exception)) in refusals.iter().enumerate() {
        let file = write(d, &format!("refused{i}.toml"), text);
        let out = fedshare(d, &["--json", "remove", &file, "--dry-run"]);
        assert_eq!(out.status.code(), Some(1));
        let out = json(&out);
        assert_eq!(out["error"]["code"], "plan.refused");
        assert!(
            out["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(exception)),
            "{out}"
        );
    }
    let typo = write(d, "typo.toml", "[absent]\nfederation_trusts = true\n");
    let out = json(&fedshare(d, &["--json", "remove", &typo, "--dry-run"]));
    assert_eq!(out["error"]["code"], "plan.invalid");
}
