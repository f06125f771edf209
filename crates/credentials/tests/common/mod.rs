//! Shared by the integration tests: the environment they need, and unique entry names.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use fedshare_credentials::{BackendKind, Keychain, Secret, StoredCredential};

pub const HOW_TO_RUN: &str = "These tests need an unlocked gnome-keyring on a D-Bus session bus \
and a kernel session keyring of their own. Run them like the project's test command does:\n  \
xvfb-run -a dbus-run-session -- keyctl session fedshare-tests bash -c 'printf %s pw | \
gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p fedshare-credentials'\n\
with XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR (mode 700) in a temp dir.";

/// The backend, or a failure that says how to run the tests (never a silent skip).
pub fn require(backend: BackendKind) -> Keychain {
    match Keychain::with_backend(backend) {
        Ok(keychain) => keychain,
        Err(err) => panic!("{backend} is not usable here: {err}\n\n{HOW_TO_RUN}"),
    }
}

/// A profile name unique to this test and run, so parallel tests never share an entry.
pub fn unique_profile(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("it-{test}-{}-{nanos}", std::process::id())
}

pub fn credential(user: &str, secret: &str) -> StoredCredential {
    StoredCredential::new(user, Secret::new(secret.to_owned())).unwrap()
}

/// What Fedshare writes into the keychain password field (format v1).
pub fn encoded(user: &str, secret: &str) -> String {
    format!("fedshare-credential/1\n{user}\n{secret}")
}
