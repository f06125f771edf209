//! The desktop app remembers the profile in use across starts: "Use this profile" writes it
//! through the store plugin into the profiles file the CLI shares, the next start comes back to
//! it, and removing it puts the Lab profile back in use.

mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use fedshare_engine::profiles::{self, ACTIVE_KEY, STORE_KEY};
use fedshare_engine::{AppPaths, Backend, Profile};
use serde_json::{Map, Value};
use support::{click, open_app, start_driver, wait_for_text};

fn woodgrove() -> Profile {
    Profile {
        name: "Woodgrove".into(),
        // The Linux test run has no Windows PowerShell, so its first connection fails at once.
        backend: Backend::remote("https://192.0.2.1/PowerShell/", false),
        plan_file: None,
        dns_resolvers: Vec::new(),
        report_defaults: Default::default(),
    }
}

fn store(paths: &AppPaths) -> Map<String, Value> {
    let text = std::fs::read_to_string(profiles::store_path(paths)).expect("profiles.json");
    serde_json::from_str(&text).expect("a JSON object")
}

/// Waits until the Connection page marks `name` "(in use)", as read back from the app's session.
async fn wait_in_use(client: &Client, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let cells = client
            .find_all(Locator::Css("[data-testid='profile-row'] td:first-child"))
            .await
            .unwrap_or_default();
        for cell in cells {
            let text = cell.text().await.unwrap_or_default();
            if text.strip_prefix(name).map(str::trim) == Some("(in use)") {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{name} never showed in use");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_comes_back_to_the_profile_in_use() {
    let driver = start_driver();
    let paths = AppPaths::from_os();
    profiles::save(&paths, &[Profile::lab(), woodgrove()]).expect("seed the profiles");

    let client = open_app(&driver).await;
    wait_for_text(&client, "active-profile", "Profile: Lab").await;
    click(&client, "rail-connection").await;
    click(&client, "use-Woodgrove").await;
    // A production profile: the switch is a deliberate act, confirmed.
    let confirm = wait_for_text(&client, "confirm-production", "production").await;
    assert!(confirm.contains("Woodgrove"), "{confirm}");
    click(&client, "confirm-switch").await;
    // Its first connection fails here; the switch stands all the same.
    wait_in_use(&client, "Woodgrove").await;
    let written = store(&paths);
    assert_eq!(written[ACTIVE_KEY], "Woodgrove");
    assert_eq!(
        profiles::from_store_value(written.get(STORE_KEY)).expect("profiles"),
        [Profile::lab(), woodgrove()],
        "the plugin kept the list beside the active profile"
    );
    client.close().await.expect("close the first run");

    let client = open_app(&driver).await;
    click(&client, "rail-connection").await;
    wait_in_use(&client, "Woodgrove").await;
    click(&client, "remove-Woodgrove").await;
    wait_in_use(&client, "Lab").await;
    wait_for_text(&client, "active-profile", "Profile: Lab").await;
    assert_eq!(store(&paths)[ACTIVE_KEY], "Lab");
    client.close().await.expect("close the second run");
}
