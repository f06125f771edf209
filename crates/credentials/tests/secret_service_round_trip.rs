//! `Keychain::test` against the real Secret Service. A binary of its own: the listing it
//! checks would otherwise see the throwaway entries of tests running in parallel.

// Linux keychains only (Secret Service, kernel keyring, D-Bus): on Windows this file is empty, so
// `cargo check --all-targets --target x86_64-pc-windows-gnu` and the Windows CI skip it.
#![cfg(target_os = "linux")]
// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::require;
use fedshare_credentials::{BackendKind, SERVICE};

#[test]
fn round_trip_test_leaves_nothing_behind() {
    let keychain = require(BackendKind::SecretService);
    keychain.test().unwrap();
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(
        !listing.contains("fedshare-keychain-test"),
        "throwaway entry left behind:\n{listing}"
    );
}
