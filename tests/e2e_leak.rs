//! The desktop app with a credential in the real keychain: the secret goes to the lab host in
//! its hello and never crosses IPC (no command argument, response or channel message), never
//! reaches the app's log or any file it writes. Needs the keychain `make test` provides.

mod support;

use std::path::Path;

use fedshare_credentials::{set_credential, Purpose, Secret, Store};
use serde_json::Value;
use support::{click, isolate_home, open_app, start_driver, wait_for_text, wait_long};

const MARKER: &str = "FedshareIpcLeakMarker-51c0de-Pa55";

/// Records every IPC request body and response text in `window.__fedshareIpcLog`. Tauri's
/// `invoke` cannot be replaced (its property is read-only), so the recorder sits one level
/// lower, on the `fetch` that carries the IPC on this platform. Channel messages (apply
/// progress) arrive through callbacks the Rust side runs by id: each callback registered from
/// now on is wrapped as it enters Tauri's callback table, so what it is given is recorded too.
const RECORDER: &str = r#"
const log = (window.__fedshareIpcLog = []);
const callbacks = window.__TAURI_INTERNALS__.callbacks;
const register = callbacks.set.bind(callbacks);
callbacks.set = (id, run) => register(id, (data) => {
  let text = '';
  try { text = JSON.stringify(data); } catch (e) { text = String(data); }
  log.push('callback ' + id + ' ' + text);
  return run(data);
});
const original = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = String(input && input.url ? input.url : input);
  let body = '';
  try { body = init && init.body ? (typeof init.body === 'string' ? init.body : new TextDecoder().decode(init.body)) : ''; } catch (e) { body = '<binary>'; }
  log.push('call ' + url + ' ' + body);
  const response = await original(input, init);
  try { log.push('answer ' + url + ' ' + (await response.clone().text())); } catch (e) { log.push('answer ' + url + ' <unreadable>'); }
  return response;
};
return true;
"#;

fn scan(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, found);
        } else if std::fs::read(&path)
            .unwrap_or_default()
            .windows(MARKER.len())
            .any(|w| w == MARKER.as_bytes())
        {
            found.push(path.display().to_string());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keychain_secret_never_crosses_ipc_or_reaches_a_file() {
    let home = isolate_home().to_path_buf();
    // The host's stderr (which says it received a credential, never the password) reaches the
    // app's log at debug level.
    std::env::set_var("FEDSHARE_LOG", "debug");
    set_credential(
        "Lab",
        Purpose::Exchange,
        "CONTOSO\\fedadmin",
        Secret::new(MARKER.to_owned()),
        Store::Keychain,
    )
    .expect("storing the credential needs an unlocked keychain: run through `make test`");

    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;
    client
        .execute(RECORDER, vec![])
        .await
        .expect("install the IPC recorder");

    // Work that crosses IPC: plan, apply with progress over a channel, verify, map, report.
    click(&client, "rail-federation-trust").await;
    wait_long(&client, "planned-steps", "New-FederationTrust").await;
    click(&client, "apply").await;
    click(&client, "review-confirm").await;
    wait_long(&client, "run-result", "Applied").await;
    click(&client, "rail-verify").await;
    click(&client, "run-verify").await;
    wait_long(&client, "verify-summary", "passed").await;
    click(&client, "rail-map").await;
    wait_long(&client, "page-title", "Map").await;
    click(&client, "rail-report").await;
    click(&client, "export-report").await;
    wait_long(&client, "report-done", "saved to").await;
    click(&client, "rail-connection").await;
    wait_long(&client, "page-title", "Connection").await;

    let log = client
        .execute("return window.__fedshareIpcLog;", vec![])
        .await
        .expect("read the IPC log");
    let messages: Vec<String> = match log {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        other => panic!("no IPC log: {other:?}"),
    };
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("answer") && m.contains("apply_plan")),
        "the apply was not recorded, so the recorder saw nothing: {messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("answer") && m.contains("export_report")),
        "the report export was not recorded"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("callback") && m.contains("New-FederationTrust")),
        "the apply's progress messages were not recorded: {messages:?}"
    );
    let leaked: Vec<&String> = messages.iter().filter(|m| m.contains(MARKER)).collect();
    assert!(leaked.is_empty(), "the secret crossed IPC: {leaked:?}");
    client.close().await.expect("close the session");

    let mut files = Vec::new();
    scan(&home, &mut files);
    if let Some(downloads) = dirs_next_download() {
        scan(&downloads, &mut files);
    }
    assert!(files.is_empty(), "the secret is in files: {files:?}");

    let logs = home.join("data").join("io.fedshare.desktop").join("logs");
    let mut text = String::new();
    for entry in std::fs::read_dir(&logs)
        .expect("the app writes a log")
        .flatten()
    {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    assert!(
        text.contains("lab host received a credential") && text.contains("fedadmin"),
        "the credential never reached the lab host; app log:\n{text}"
    );

    fedshare_credentials::forget_credential("Lab", Purpose::Exchange, Store::Keychain)
        .expect("forget the test credential");
}

/// Exports go to the user's Downloads folder when there is one.
fn dirs_next_download() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join("Downloads"))
}
