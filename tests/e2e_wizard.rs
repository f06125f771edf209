//! End-to-end: the real desktop binary in a real window, driven through WebKitWebDriver.

mod support;

use support::{click, open_app, screenshot, start_driver, text_of, wait_for_text};

const RAIL: &[(&str, &str)] = &[
    ("rail-before-you-begin", "Before you begin"),
    ("rail-federation-trust", "Federation trust"),
    (
        "rail-organization-relationships",
        "Organization relationships",
    ),
    ("rail-sharing-policies", "Sharing policies"),
    ("rail-autodiscover-dns", "Autodiscover DNS"),
    ("rail-verify", "Verify"),
    ("rail-map", "Map"),
    ("rail-report", "Report"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wizard_rail_and_lab_header() {
    let driver = start_driver();
    let client = open_app(&driver).await;

    // The header's organization name comes from a Rust command that talks to the lab host
    // through the shell protocol: the whole path, not a fixture.
    let org = wait_for_text(&client, "org-name", "Contoso").await;
    assert_eq!(org.trim(), "Contoso");
    assert_eq!(text_of(&client, "lab-badge").await.trim(), "LAB");

    for (id, title) in RAIL {
        click(&client, id).await;
        let shown = text_of(&client, "page-title").await;
        assert!(
            shown.contains(title),
            "{id} opened {shown:?}, expected {title:?}"
        );
    }

    // Step 1 shows state read from Get-FederationTrust / Get-FederatedOrganizationIdentifier.
    click(&client, "rail-federation-trust").await;
    wait_for_text(&client, "no-trust", "No federation trust").await;
    wait_for_text(&client, "trust-state", "OrgID Enabled").await;

    click(&client, "rail-before-you-begin").await;
    wait_for_text(&client, "page-title", "Before you begin").await;
    let shot = screenshot(&client, "wizard").await;
    eprintln!("screenshot: {}", shot.display());
    client.close().await.expect("close the session");
}
