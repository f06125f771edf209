//! End-to-end through the real window: step 1 shows the planned cmdlets, Apply runs the lab
//! plan with progress to completion, Verify passes every check, a second preview plans
//! nothing, and Undo returns the organization to its start (no trust again).

mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use support::{click, open_app, screenshot, start_driver, text_of, wait_for_text};

/// Applying creates a certificate and waits for DNS re-checks: far longer than a page read.
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

/// Waits until the element shows `needle`, for as long as a whole run may take.
async fn wait_long(client: &Client, test_id: &str, needle: &str) -> String {
    let deadline = Instant::now() + RUN_TIMEOUT;
    let css = format!("[data-testid='{test_id}']");
    loop {
        if let Ok(el) = client.find(Locator::Css(&css)).await {
            if let Ok(text) = el.text().await {
                if text.contains(needle) {
                    return text;
                }
                assert!(!text.contains("Stopped at step"), "the run failed: {text}");
            }
        }
        if let Ok(err) = client.find(Locator::Css("[data-testid='error']")).await {
            let text = err.text().await.unwrap_or_default();
            panic!("an error was shown while waiting for {test_id}: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "{test_id} never showed {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_verify_replan_and_undo_through_the_wizard() {
    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;

    // Step 1 before anything: no trust, and the plan lists the trust's cmdlets.
    click(&client, "rail-federation-trust").await;
    wait_for_text(&client, "no-trust", "No federation trust").await;
    let steps = wait_long(&client, "planned-steps", "New-FederationTrust").await;
    assert!(
        steps.contains("Create the federation trust"),
        "planned steps: {steps}"
    );
    assert!(
        steps.contains("Set-FederatedOrganizationIdentifier"),
        "{steps}"
    );
    assert!(steps.contains("IN TXT"), "the domain proof record: {steps}");
    let summary = text_of(&client, "plan-summary").await;
    assert!(summary.contains("in the whole plan"), "{summary}");
    assert!(text_of(&client, "no-proofs")
        .await
        .contains("Get-FederatedDomainProof"));

    // Apply: progress names the step n of m, then the result names this page's steps.
    click(&client, "apply").await;
    let progress = wait_for_text(&client, "run-step", " of ").await;
    assert!(progress.starts_with("Step "), "{progress}");
    let result = wait_long(&client, "run-result", "Applied").await;
    assert!(result.contains("on this page:"), "{result}");
    assert!(result.contains("Create the federation trust"), "{result}");

    // The page reads the organization again: the trust exists and its proofs resolve.
    wait_long(&client, "trust-state", "Microsoft Federation Gateway").await;
    let proofs = wait_long(&client, "live-records", "Resolves").await;
    assert!(!proofs.contains("Not found"), "{proofs}");

    // Verify: every step's check passes.
    click(&client, "verify").await;
    let verified = wait_long(&client, "run-result", "Every check passes").await;
    assert!(verified.contains("matches the plan"), "{verified}");
    let checks = text_of(&client, "checks").await;
    assert_eq!(checks.matches("Pass").count(), 4, "{checks}");

    // A second preview plans nothing.
    wait_long(
        &client,
        "nothing-to-do",
        "Nothing to do: the organization matches the plan",
    )
    .await;
    let shot = screenshot(&client, "apply-done").await;
    eprintln!("screenshot: {}", shot.display());

    // Undo returns to the start: no trust again, and the plan is back.
    click(&client, "undo").await;
    let undone = wait_long(&client, "run-result", "Undid").await;
    assert!(undone.contains("on this page:"), "{undone}");
    wait_long(&client, "no-trust", "No federation trust").await;
    wait_long(&client, "planned-steps", "New-FederationTrust").await;
    client.close().await.expect("close the session");
}
