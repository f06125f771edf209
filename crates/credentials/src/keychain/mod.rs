//! The OS keychain, with the backend chosen at run time.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as platform;

#[cfg(any(target_os = "windows", target_os = "macos"))]
mod native;
#[cfg(any(target_os = "windows", target_os = "macos"))]
use native as platform;

mod errors;

use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::backend::{BackendKind, BackendProbe, KeychainStatus};
use crate::error::CredentialError;
use crate::key::{CredentialKey, Purpose};
use crate::secret::Secret;
use crate::stored::StoredCredential;
use errors::from_keyring;

/// A handle on one backend. Cheap: every operation opens its own connection, so a handle
/// stays valid across keychain restarts and can be shared between threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keychain {
    backend: BackendKind,
}

impl Keychain {
    /// Probes every backend of this OS in preference order, writing nothing.
    pub fn detect() -> KeychainStatus {
        KeychainStatus::from_probes(platform::ORDER.into_iter().map(platform::probe).collect())
    }

    /// The backend [`Self::detect`] chooses, or why there is none usable.
    pub fn open() -> Result<Self, CredentialError> {
        let status = Self::detect();
        match status.backend {
            Some(backend) if !status.locked => Ok(Self { backend }),
            Some(backend) => Err(CredentialError::Locked {
                backend,
                reason: status.reason.unwrap_or_default(),
            }),
            None => Err(CredentialError::Unavailable {
                reason: status.reason.unwrap_or_default(),
                advice: platform::ADVICE,
            }),
        }
    }

    /// One named backend, if it is usable now (tests and an explicit choice in settings).
    pub fn with_backend(backend: BackendKind) -> Result<Self, CredentialError> {
        check(platform::probe(backend))?;
        Ok(Self { backend })
    }

    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// Stores (or replaces) the credential of `key`.
    pub fn set(
        &self,
        key: &CredentialKey,
        credential: &StoredCredential,
    ) -> Result<(), CredentialError> {
        let entry = self.entry(key, "store the credential")?;
        let bytes = credential.encode();
        entry
            .set_secret(&bytes)
            .map_err(|err| from_keyring(err, self.backend, "store the credential", key))
    }

    pub fn get(&self, key: &CredentialKey) -> Result<StoredCredential, CredentialError> {
        let entry = self.entry(key, "read the credential")?;
        let bytes = Zeroizing::new(
            entry
                .get_secret()
                .map_err(|err| from_keyring(err, self.backend, "read the credential", key))?,
        );
        StoredCredential::decode(&bytes).map_err(|detail| CredentialError::Backend {
            backend: self.backend,
            action: "read the credential",
            detail: format!("{detail}; store it again with `fedshare credentials set`"),
        })
    }

    /// Removes the credential of `key`; `Ok(false)` when there was none.
    pub fn forget(&self, key: &CredentialKey) -> Result<bool, CredentialError> {
        let entry = self.entry(key, "remove the credential")?;
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(from_keyring(
                err,
                self.backend,
                "remove the credential",
                key,
            )),
        }
    }

    /// A round trip with a throwaway entry: store, read back, compare, remove, confirm gone.
    pub fn test(&self) -> Result<(), CredentialError> {
        let key = throwaway_key()?;
        let written = StoredCredential::new(
            "fedshare-keychain-test",
            Secret::new(format!("round-trip {}", key.profile())),
        )?;
        self.set(&key, &written)?;
        let outcome = self.verify_round_trip(&key, &written);
        // Remove the entry even when the comparison failed, so tests leave nothing behind.
        let removed = self.forget(&key);
        outcome?;
        removed?;
        match self.get(&key) {
            Err(CredentialError::NotFound { .. }) => Ok(()),
            Ok(_) => Err(self.test_failure("the test entry was still there after removal")),
            Err(err) => Err(err),
        }
    }

    fn verify_round_trip(
        &self,
        key: &CredentialKey,
        written: &StoredCredential,
    ) -> Result<(), CredentialError> {
        let read = self.get(key)?;
        if read.user_name == written.user_name && read.secret.expose() == written.secret.expose() {
            Ok(())
        } else {
            Err(self.test_failure("the test entry read back differs from what was stored"))
        }
    }

    fn test_failure(&self, detail: &str) -> CredentialError {
        CredentialError::Backend {
            backend: self.backend,
            action: "pass the round-trip test",
            detail: detail.to_owned(),
        }
    }

    /// Re-probes before every operation: the keychain may have been locked or stopped since
    /// the handle was made, and a locked Secret Service must never reach keyring's prompt.
    fn entry(
        &self,
        key: &CredentialKey,
        action: &'static str,
    ) -> Result<keyring::Entry, CredentialError> {
        check(platform::probe(self.backend))?;
        platform::entry(self.backend, key)
            .map_err(|err| from_keyring(err, self.backend, action, key))
    }
}

/// Turns an unusable probe into the error that says what to do.
fn check(probe: BackendProbe) -> Result<(), CredentialError> {
    let reason = probe.reason.clone().unwrap_or_default();
    if !probe.available {
        Err(CredentialError::Unavailable {
            reason: format!("{}: {reason}", probe.backend),
            advice: platform::ADVICE,
        })
    } else if probe.locked {
        Err(CredentialError::Locked {
            backend: probe.backend,
            reason,
        })
    } else {
        Ok(())
    }
}

/// A profile name no person would choose, unique per process and moment, so concurrent
/// tests never touch each other's entry.
fn throwaway_key() -> Result<CredentialKey, CredentialError> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    CredentialKey::new(
        format!("fedshare-keychain-test-{}-{nanos}", std::process::id()),
        Purpose::Exchange,
    )
}
