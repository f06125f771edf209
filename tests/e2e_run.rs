//! End-to-end through the real window: the app's run. Apply opens its review and changes
//! nothing until confirmed; the run's progress stays in the header on every page; a DNS wait
//! (the plan publishes by hand, so the proof never appears) is cancelled from the header and
//! leaves a journal that the next Apply resumes; Verify's results survive navigation.
//! Screenshot artifact: target/tmp/e2e/run-cancelled.png.

mod support;

use std::path::PathBuf;

use support::{
    click, isolate_home, open_app, screenshot, start_driver, text_of, wait_for_text, wait_long,
};

const LAB_PLAN: &str = include_str!("../examples/contoso-lab.toml");
const LAB_DNS: &str = "mode = \"rfc2136\"\nserver = \"lab\"\nkey_name = \"fedshare-lab.\"";

/// The app's data folder (XDG_DATA_HOME as `isolate_home` set it).
fn data_dir() -> PathBuf {
    isolate_home();
    let base = std::env::var_os("XDG_DATA_HOME").expect("isolated data home");
    PathBuf::from(base).join("io.fedshare.desktop")
}

/// Writes the Lab profile's current plan, with DNS published by hand or by the lab server.
fn write_plan(manual_dns: bool) {
    assert!(
        LAB_PLAN.contains(LAB_DNS),
        "the example plan's [dns] changed"
    );
    let text = if manual_dns {
        LAB_PLAN.replace(LAB_DNS, "mode = \"manual\"")
    } else {
        LAB_PLAN.to_owned()
    };
    let path = data_dir().join("plans").join("Lab.toml");
    std::fs::create_dir_all(path.parent().expect("plans folder")).expect("plans folder");
    std::fs::write(path, text).expect("write the plan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_cancel_a_dns_wait_resume_and_keep_verify() {
    // Published by hand, the proof never resolves: the apply waits at it until cancelled.
    write_plan(true);
    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;
    click(&client, "rail-federation-trust").await;
    wait_long(&client, "planned-steps", "New-FederationTrust").await;

    // The review lists the changes; cancelling it runs nothing.
    click(&client, "apply").await;
    let review = wait_long(&client, "apply-review", "Nothing has run yet").await;
    assert!(
        review.contains("Not there yet: this step creates it"),
        "{review}"
    );
    click(&client, "review-cancel").await;
    assert!(
        !data_dir().join("journal").join("Lab.jsonl").exists(),
        "a cancelled review wrote no journal"
    );

    click(&client, "apply").await;
    click(&client, "review-confirm").await;
    wait_long(&client, "run-indicator-text", "waiting for DNS").await;

    // Another page: the header still shows the run, and its log on demand.
    click(&client, "rail-verify").await;
    let header = wait_for_text(&client, "run-indicator-text", "Apply: step 3 of").await;
    assert!(header.contains("waiting for DNS"), "{header}");
    click(&client, "run-log-toggle").await;
    let log = wait_for_text(&client, "run-log", "Waiting for DNS").await;
    assert!(log.contains("New-FederationTrust"), "{log}");
    click(&client, "run-log-toggle").await;

    // Back on the page: the same run, live.
    click(&client, "rail-federation-trust").await;
    wait_for_text(&client, "run-step", "Step 3 of").await;
    text_of(&client, "run-wait").await;

    // Cancel from the header stops the wait at once; the journal says where it stopped.
    click(&client, "run-cancel").await;
    let cancelled = wait_long(&client, "run-cancelled", "Apply again resumes").await;
    assert!(cancelled.contains("Cancelled at step 3"), "{cancelled}");
    let shot = screenshot(&client, "run-cancelled").await;
    eprintln!("screenshot: {}", shot.display());
    let journal = std::fs::read_to_string(data_dir().join("journal").join("Lab.jsonl"))
        .expect("the journal of the cancelled run");
    assert!(
        journal.contains("cancelled during step dns.proof:contoso.com"),
        "{journal}"
    );

    // The lab server publishes now: Apply again resumes after the steps already done.
    write_plan(false);
    click(&client, "apply").await;
    let review = wait_long(&client, "apply-review", "Nothing has run yet").await;
    assert!(!review.contains("New-FederationTrust"), "{review}");
    click(&client, "review-confirm").await;
    wait_long(&client, "run-result", "Applied").await;
    wait_long(
        &client,
        "nothing-to-do",
        "Nothing to do: the organization matches the plan",
    )
    .await;

    // Verify's results stay when the page is left and opened again.
    click(&client, "rail-verify").await;
    click(&client, "run-verify").await;
    let summary = wait_long(&client, "verify-summary", "passed").await;
    click(&client, "rail-map").await;
    wait_for_text(&client, "page-title", "Map").await;
    click(&client, "rail-verify").await;
    assert_eq!(
        wait_for_text(&client, "verify-summary", "passed").await,
        summary
    );
    client.close().await.expect("close the session");
}
