//! End-to-end: the Map page in the real window. The lab organization is first federated with
//! its partners by applying the lab plan through the engine (the same code the wizard and
//! `fedshare apply` run, against the app's own lab host), then the app draws the map, a click on
//! the Fabrikam partner opens its details, and the window is kept as a screenshot artifact.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use fedshare_engine::{workflow, AppPaths, Profile, Session};
use support::{click, open_app, screenshot, start_driver, text_of, wait_for_text};

/// The partner the lab plan creates a relationship with.
const PARTNER: &str = "partner:fabrikam";

/// Applies examples/contoso-lab.toml to the lab world under the app's data folder
/// ($XDG_DATA_HOME/io.fedshare.desktop, the folder the app itself opens).
async fn federate_the_lab() {
    support::isolate_home();
    let paths = AppPaths::from_os();
    let exe = std::path::PathBuf::from(env!("CARGO_BIN_EXE_fedshare-app"));
    let session = Session::new(Profile::lab(), paths.clone(), exe);
    let plan = workflow::current_plan(&paths, &session)
        .await
        .expect("the lab plan");
    let options = fedshare_plan::ApplyOptions {
        dns_interval: Duration::from_millis(200),
        dns_timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let report = tokio::time::timeout(
        Duration::from_secs(300),
        workflow::apply(&session, &paths, &plan, options, |_| {}),
    )
    .await
    .expect("applying the lab plan did not finish")
    .expect("the lab plan applies");
    eprintln!("lab plan applied: {report:?}");
    let org = fedshare_engine::status::read(&session)
        .await
        .expect("status");
    assert!(
        org.organization_relationships
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case("Fabrikam")),
        "the lab plan created no Fabrikam relationship: {:?}",
        org.organization_relationships
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_page_shows_a_partner_and_its_details() {
    federate_the_lab().await;

    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;

    click(&client, "rail-map").await;
    wait_for_text(&client, "page-title", "Map").await;

    // The engine's SVG, inlined: the partner's group carries its id, kind, status and step.
    let css = format!("[data-testid='map-stage'] g[data-id='{PARTNER}']");
    let partner = client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(&css))
        .await
        .expect("the map shows the Fabrikam partner");
    assert_eq!(
        partner.attr("data-kind").await.expect("attr").as_deref(),
        Some("partner")
    );
    // Find it by domain first, so it is centred and certainly inside the visible stage.
    let search = client
        .find(Locator::Css("[data-testid='map-search']"))
        .await
        .expect("search box");
    search.send_keys("fabrikam").await.expect("type");
    wait_for_text(&client, "search-count", "match").await;
    let rect = client
        .find(Locator::Css(&format!("{css} rect")))
        .await
        .expect("the partner's box");
    rect.click().await.expect("click the partner");

    let details = wait_for_text(&client, "map-details", "Fabrikam").await;
    assert!(
        details.contains("Domain"),
        "the details list the partner's domains: {details:?}"
    );
    assert!(
        text_of(&client, "map-details-fix")
            .await
            .contains("Organization relationships"),
        "the details offer the wizard step that fixes a relationship"
    );
    let shot = screenshot(&client, "map").await;
    eprintln!("screenshot: {}", shot.display());

    // The button leads to the step.
    click(&client, "map-details-fix").await;
    wait_for_text(&client, "page-title", "Organization relationships").await;

    // The Connection page lists the Lab profile from the store plugin's file, which is the
    // very file the CLI reads through fedshare_engine::profiles.
    click(&client, "rail-connection").await;
    wait_for_text(&client, "profiles", "Lab").await;
    let profiles = fedshare_engine::profiles::load(&AppPaths::from_os()).expect("profiles");
    assert_eq!(profiles, vec![Profile::lab()]);
    assert!(
        fedshare_engine::profiles::store_path(&AppPaths::from_os()).exists(),
        "the app wrote profiles.json where the CLI looks"
    );
    client.close().await.expect("close the session");
}
