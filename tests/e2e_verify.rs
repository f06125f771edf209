//! End-to-end through the real window: apply the lab plan (step 1 → Apply), preview a partner
//! on page 2, run Verify and see passing results grouped by step, then paste "Proof of domain
//! ownership has failed" into the explainer, see its cause and follow it to the confirming
//! check. Screenshot artifact: target/tmp/e2e/verify-done.png.

mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use support::{click, open_app, screenshot, start_driver, text_of, wait_for_text, wait_long};

async fn texts(client: &Client, test_id: &str) -> Vec<String> {
    let css = format!("[data-testid='{test_id}']");
    let mut out = Vec::new();
    for el in client.find_all(Locator::Css(&css)).await.expect("find") {
        out.push(el.text().await.expect("text"));
    }
    out
}

async fn apply_lab_plan(client: &Client) {
    click(client, "rail-federation-trust").await;
    wait_long(client, "planned-steps", "New-FederationTrust").await;
    click(client, "apply").await;
    click(client, "review-confirm").await;
    wait_long(client, "run-result", "Applied").await;
}

async fn preview_partner(client: &Client) {
    click(client, "rail-organization-relationships").await;
    // Prefilled from the plan's relationships.
    let input = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid='partner-domain']"))
        .await
        .expect("partner domain box");
    let deadline = Instant::now() + Duration::from_secs(30);
    while input
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
        != "fabrikam.com"
    {
        assert!(
            Instant::now() < deadline,
            "the partner box was not prefilled"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(client, "partner-preview-run").await;
    let uri = wait_long(client, "target-application-uri", "fabrikam").await;
    assert!(uri.contains("FYDIBOHF25SPDLT"), "{uri}");
    let epr = text_of(client, "target-autodiscover-epr").await;
    assert!(
        epr.ends_with("/WSSecurity") || epr.contains("/WSSecurity "),
        "{epr}"
    );
    let attempts = texts(client, "discovery-attempt").await;
    assert!(
        attempts.iter().any(|a| a.contains("answered")),
        "{attempts:?}"
    );
    assert!(text_of(client, "exchange-online").await.starts_with("No"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_groups_results_and_the_explainer_finds_the_cause() {
    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;
    assert!(text_of(&client, "active-profile").await.contains("Lab"));

    apply_lab_plan(&client).await;
    preview_partner(&client).await;

    // Verify: progress while the reads run, then every result grouped by step.
    click(&client, "rail-verify").await;
    click(&client, "run-verify").await;
    let summary = wait_long(&client, "verify-summary", "passed").await;
    assert!(summary.contains(" 0 failed"), "{summary}");
    let mut headings = Vec::new();
    for h in client
        .find_all(Locator::Css("[data-testid='result-group'] h2"))
        .await
        .expect("group headings")
    {
        headings.push(h.text().await.expect("heading text"));
    }
    assert_eq!(
        headings,
        [
            "Before you begin",
            "1 Federation trust",
            "2 Organization relationships",
            "3 Sharing policies",
            "4 Autodiscover DNS"
        ]
    );
    // With every result shown, passes are folded away; the Passed filter lists them.
    let filter = client
        .find(Locator::Css("[data-testid='status-filter']"))
        .await
        .expect("status filter");
    filter
        .select_by_value("pass")
        .await
        .expect("show the passes");
    let statuses = texts(&client, "result-status").await;
    assert!(
        statuses.iter().filter(|s| *s == "Passed").count() >= 30,
        "{statuses:?}"
    );
    assert!(!statuses.iter().any(|s| s == "Failed"), "{statuses:?}");

    // The explainer: paste the broker's error, see the cause and follow it to its check.
    let text = client
        .find(Locator::Css("[data-testid='explainer-text']"))
        .await
        .expect("explainer box");
    text.send_keys("Proof of domain ownership has failed. Please check the TXT record.")
        .await
        .expect("type into the explainer");
    click(&client, "explain").await;
    let cause = wait_long(&client, "cause", "domain proof TXT record").await;
    assert!(cause.contains("Get-FederatedDomainProof"), "{cause}");
    let confirm = texts(&client, "confirm-check").await;
    assert!(
        confirm.iter().any(|c| c == "domain.proof:<domain>"),
        "{confirm:?}"
    );
    click(&client, "confirm-check").await;
    let highlighted = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".result.highlighted"))
        .await
        .expect("the confirming check is highlighted");
    let id = highlighted
        .attr("data-check-id")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(id.starts_with("domain.proof:"), "{id}");

    let shot = screenshot(&client, "verify-done").await;
    eprintln!("screenshot: {}", shot.display());
    client.close().await.expect("close the session");
}
