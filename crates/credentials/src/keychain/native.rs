//! Windows and macOS: the one native store, keyring's default there.

use crate::backend::{BackendKind, BackendProbe};
use crate::key::{CredentialKey, SERVICE};

#[cfg(target_os = "windows")]
const NATIVE: BackendKind = BackendKind::WindowsCredentialManager;
#[cfg(target_os = "macos")]
const NATIVE: BackendKind = BackendKind::MacosKeychain;

pub(super) const ORDER: [BackendKind; 1] = [NATIVE];

pub(super) const ADVICE: &str = "Check that your user account can open the system keychain";

/// Looks up an entry that is never written: "no entry" proves the store answers.
pub(super) fn probe(kind: BackendKind) -> BackendProbe {
    if kind != NATIVE {
        return BackendProbe::unavailable(kind, "not available on this system");
    }
    let lookup = keyring::Entry::new(SERVICE, "fedshare:probe:never-stored")
        .and_then(|entry| entry.get_secret().map(drop));
    match lookup {
        Ok(()) | Err(keyring::Error::NoEntry) => BackendProbe::usable(kind),
        Err(keyring::Error::NoStorageAccess(err)) => BackendProbe::locked(kind, err.to_string()),
        Err(err) => BackendProbe::unavailable(kind, err.to_string()),
    }
}

pub(super) fn entry(kind: BackendKind, key: &CredentialKey) -> keyring::Result<keyring::Entry> {
    if kind != NATIVE {
        return Err(keyring::Error::Invalid(
            "backend".into(),
            format!("{kind} is not available on this system"),
        ));
    }
    keyring::Entry::new(SERVICE, &key.user())
}
