//! The webview's capability is least privilege: exactly one `allow-<command>` per command the
//! app declares, no plugin or core permission (the store is written from Rust only, events and
//! windows are not needed).

use std::collections::BTreeSet;

const CONFIG: &str = include_str!("../tauri.conf.json");
const BUILD_SCRIPT: &str = include_str!("build.rs");

fn declared_commands() -> BTreeSet<String> {
    let list = BUILD_SCRIPT
        .split("let commands = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("build.rs declares the command list");
    list.split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

fn granted_permissions() -> Vec<String> {
    let config: serde_json::Value = serde_json::from_str(CONFIG).expect("tauri.conf.json");
    let capabilities = config["app"]["security"]["capabilities"]
        .as_array()
        .expect("inline capabilities");
    assert_eq!(capabilities.len(), 1, "one capability, for the main window");
    capabilities[0]["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_owned())
        .collect()
}

#[test]
fn the_main_window_may_call_exactly_the_declared_commands() {
    let granted = granted_permissions();
    let foreign: Vec<&String> = granted
        .iter()
        .filter(|p| !p.starts_with("allow-"))
        .collect();
    assert!(
        foreign.is_empty(),
        "permissions beyond our commands: {foreign:?}"
    );
    let granted: BTreeSet<String> = granted
        .iter()
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    assert_eq!(granted, declared_commands());
}
