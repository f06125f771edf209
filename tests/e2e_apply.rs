//! End-to-end through the real window: step 1 shows the planned cmdlets, Apply runs the lab
//! plan with progress to completion, Verify passes every check, a second preview plans
//! nothing, and Undo returns the organization to its start (no trust again).

mod support;

use support::{click, open_app, screenshot, start_driver, text_of, wait_for_text, wait_long};

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

    // Apply opens its review first: every change, and nothing runs until confirmed.
    click(&client, "apply").await;
    let review = wait_long(&client, "apply-review", "Nothing has run yet").await;
    assert!(review.contains("New-FederationTrust"), "{review}");
    click(&client, "review-cancel").await;
    wait_for_text(&client, "no-trust", "No federation trust").await;

    // Apply: progress names the step n of m, then the result names this page's steps.
    click(&client, "apply").await;
    click(&client, "review-confirm").await;
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
    let review = wait_long(&client, "undo-review", "newest first").await;
    assert!(review.contains("MaxUriReached"), "{review}");
    click(&client, "review-confirm").await;
    let undone = wait_long(&client, "run-result", "Undid").await;
    assert!(undone.contains("on this page:"), "{undone}");
    wait_long(&client, "no-trust", "No federation trust").await;
    wait_long(&client, "planned-steps", "New-FederationTrust").await;
    client.close().await.expect("close the session");
}
