//! Against the real kernel keyring of the test's `keyctl session`; the `keyctl` tool
//! confirms what is really stored.

// Linux keychains only (Secret Service, kernel keyring, D-Bus): on Windows this file is empty, so
// `cargo check --all-targets --target x86_64-pc-windows-gnu` and the Windows CI skip it.
#![cfg(target_os = "linux")]
// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{credential, encoded, require, unique_profile};
use fedshare_credentials::{BackendKind, CredentialError, CredentialKey, Purpose, SERVICE};

/// keyring's keyutils store names keys `keyring-rs:<user>@<service>`.
fn keyctl_read(key: &CredentialKey) -> Option<String> {
    let description = format!("keyring-rs:{}@{SERVICE}", key.user());
    let search = Command::new("keyctl")
        .args(["search", "@s", "user", &description])
        .output()
        .expect("keyctl (apt package keyutils) runs");
    if !search.status.success() {
        return None;
    }
    let id = String::from_utf8(search.stdout).unwrap();
    let pipe = Command::new("keyctl")
        .args(["pipe", id.trim()])
        .output()
        .unwrap();
    assert!(pipe.status.success(), "{pipe:?}");
    Some(String::from_utf8(pipe.stdout).unwrap())
}

#[test]
fn stores_reads_and_forgets_in_the_kernel_keyring() {
    let keychain = require(BackendKind::KernelKeyring);
    let key = CredentialKey::new(unique_profile("kk-crud"), Purpose::Dns).unwrap();

    keychain
        .set(&key, &credential("update-key.", "b2xk"))
        .unwrap();
    keychain
        .set(&key, &credential("update-key.", "bmV3"))
        .unwrap();
    assert_eq!(
        keyctl_read(&key).as_deref(),
        Some(encoded("update-key.", "bmV3").as_str())
    );
    assert_eq!(keychain.get(&key).unwrap().secret.expose(), "bmV3");

    assert!(keychain.forget(&key).unwrap());
    assert!(!keychain.forget(&key).unwrap());
    assert_eq!(keyctl_read(&key), None);
    let err = keychain.get(&key).unwrap_err();
    assert!(matches!(err, CredentialError::NotFound { .. }), "{err}");
}

#[test]
fn round_trip_test_passes_and_is_not_persistent() {
    let keychain = require(BackendKind::KernelKeyring);
    keychain.test().unwrap();
    assert!(!keychain.backend().persistent());
}
