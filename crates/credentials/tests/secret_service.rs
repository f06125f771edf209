//! Against the real gnome-keyring Secret Service of the test session; `secret-tool`
//! (libsecret, an independent client) confirms what is really stored.

// Linux keychains only (Secret Service, kernel keyring, D-Bus): on Windows this file is empty, so
// `cargo check --all-targets --target x86_64-pc-windows-gnu` and the Windows CI skip it.
#![cfg(target_os = "linux")]
// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{credential, encoded, require, unique_profile};
use fedshare_credentials::{
    forget_credential, set_credential, test_credential, BackendKind, CredentialError,
    CredentialKey, Purpose, Secret, Store, StoreReport, SERVICE,
};

fn secret_tool_lookup(key: &CredentialKey) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", &key.user()])
        .output()
        .expect("secret-tool (apt package libsecret-tools) runs");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

#[test]
fn stores_replaces_reads_and_forgets_in_the_secret_service() {
    let keychain = require(BackendKind::SecretService);
    let key = CredentialKey::new(unique_profile("ss-crud"), Purpose::Exchange).unwrap();

    keychain
        .set(&key, &credential("CONTOSO\\admin", "first"))
        .unwrap();
    keychain
        .set(&key, &credential("CONTOSO\\admin", "sëcond pw"))
        .unwrap();
    assert_eq!(
        secret_tool_lookup(&key).as_deref(),
        Some(encoded("CONTOSO\\admin", "sëcond pw").as_str())
    );
    let read = keychain.get(&key).unwrap();
    assert_eq!(read.user_name, "CONTOSO\\admin");
    assert_eq!(read.secret.expose(), "sëcond pw");

    assert!(keychain.forget(&key).unwrap());
    assert!(
        !keychain.forget(&key).unwrap(),
        "forgetting twice is not an error"
    );
    assert_eq!(secret_tool_lookup(&key), None);
    let err = keychain.get(&key).unwrap_err();
    assert!(matches!(err, CredentialError::NotFound { .. }), "{err}");
}

#[test]
fn purposes_of_one_profile_are_separate_entries() {
    let keychain = require(BackendKind::SecretService);
    let profile = unique_profile("ss-purposes");
    let exchange = CredentialKey::new(profile.as_str(), Purpose::Exchange).unwrap();
    let dns = CredentialKey::new(profile.as_str(), Purpose::Dns).unwrap();
    keychain.set(&exchange, &credential("admin", "pw")).unwrap();
    keychain
        .set(&dns, &credential("update-key.", "c2VjcmV0"))
        .unwrap();
    assert_eq!(keychain.get(&dns).unwrap().secret.expose(), "c2VjcmV0");
    assert!(keychain.forget(&dns).unwrap());
    assert_eq!(keychain.get(&exchange).unwrap().secret.expose(), "pw");
    keychain.forget(&exchange).unwrap();
}

#[test]
fn cli_functions_prefer_the_secret_service_and_report_it() {
    require(BackendKind::SecretService);
    let profile = unique_profile("ss-api");
    let report = set_credential(
        &profile,
        Purpose::Dns,
        "update-key.",
        Secret::new("a2V5".into()),
        Store::Keychain,
    )
    .unwrap();
    let expected_store = StoreReport::Keychain {
        backend: BackendKind::SecretService,
        persistent: true,
    };
    assert_eq!(report.store, expected_store);

    let tested = test_credential(&profile, Purpose::Dns, Store::Keychain).unwrap();
    assert_eq!(tested.credential.user_name, "update-key.");
    assert!(tested.keychain_round_trip);
    let json = serde_json::to_string(&tested).unwrap();
    assert!(!json.contains("a2V5"), "{json}");

    let forgotten = forget_credential(&profile, Purpose::Dns, Store::Keychain).unwrap();
    assert!(forgotten.removed);
    let err = test_credential(&profile, Purpose::Dns, Store::Keychain).unwrap_err();
    assert_eq!(
        fedshare_model::ErrorCode::code(&err),
        "credentials.not_found"
    );
}
