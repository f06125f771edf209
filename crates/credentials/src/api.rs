//! What the CLI (`fedshare credentials set|test|forget`) and the app shell call: parsed
//! arguments in, serialisable reports out. Reports never hold a secret.

use serde::{Deserialize, Serialize};

use crate::backend::{BackendKind, KeychainStatus};
use crate::error::CredentialError;
use crate::key::{CredentialKey, Purpose};
use crate::keychain::Keychain;
use crate::secret::Secret;
use crate::session::SessionCredentials;
use crate::stored::StoredCredential;

/// Where the caller wants the credential kept. `Session` is only ever chosen by the caller
/// (after `credentials.unavailable` or `credentials.locked` offered it), never by this crate.
#[derive(Debug, Clone, Copy)]
pub enum Store<'a> {
    Keychain,
    Session(&'a SessionCredentials),
}

/// Where a credential ended up, for the user to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StoreReport {
    #[serde(rename_all = "camelCase")]
    Keychain {
        backend: BackendKind,
        /// False for the kernel keyring: the entry is gone after a reboot.
        persistent: bool,
    },
    /// In this process's memory until it exits.
    Session,
}

impl StoreReport {
    fn keychain(keychain: &Keychain) -> Self {
        StoreReport::Keychain {
            backend: keychain.backend(),
            persistent: keychain.backend().persistent(),
        }
    }
}

/// The answer to `set` and `test`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialReport {
    pub profile: String,
    pub purpose: Purpose,
    pub store: StoreReport,
    pub user_name: String,
}

/// The answer to `test`: the stored credential is readable, and for the keychain a
/// throwaway entry made the full store/read/remove round trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestReport {
    #[serde(flatten)]
    pub credential: CredentialReport,
    pub keychain_round_trip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForgetReport {
    pub profile: String,
    pub purpose: Purpose,
    pub store: StoreReport,
    /// False when there was nothing to forget (forgetting is idempotent).
    pub removed: bool,
}

/// `fedshare credentials status`: which keychain would be used, writing nothing.
pub fn keychain_status() -> KeychainStatus {
    Keychain::detect()
}

/// `fedshare credentials set`: the secret comes from
/// [`crate::read_secret_from_terminal_or_stdin`], never from an argument.
pub fn set_credential(
    profile: &str,
    purpose: Purpose,
    user_name: &str,
    secret: Secret,
    store: Store<'_>,
) -> Result<CredentialReport, CredentialError> {
    let key = CredentialKey::new(profile, purpose)?;
    let credential = StoredCredential::new(user_name, secret)?;
    let report = report(&key, &credential, StoreReport::Session);
    match store {
        Store::Keychain => {
            let keychain = Keychain::open()?;
            keychain.set(&key, &credential)?;
            Ok(CredentialReport {
                store: StoreReport::keychain(&keychain),
                ..report
            })
        }
        Store::Session(session) => {
            session.set(key, credential);
            Ok(report)
        }
    }
}

/// `fedshare credentials test`: the credential is there and readable.
pub fn test_credential(
    profile: &str,
    purpose: Purpose,
    store: Store<'_>,
) -> Result<TestReport, CredentialError> {
    let key = CredentialKey::new(profile, purpose)?;
    match store {
        Store::Keychain => {
            let keychain = Keychain::open()?;
            keychain.test()?;
            let credential = keychain.get(&key)?;
            Ok(TestReport {
                credential: report(&key, &credential, StoreReport::keychain(&keychain)),
                keychain_round_trip: true,
            })
        }
        Store::Session(session) => {
            let credential = session.get(&key).ok_or_else(|| session_not_found(&key))?;
            Ok(TestReport {
                credential: report(&key, &credential, StoreReport::Session),
                keychain_round_trip: false,
            })
        }
    }
}

/// `fedshare credentials forget`.
pub fn forget_credential(
    profile: &str,
    purpose: Purpose,
    store: Store<'_>,
) -> Result<ForgetReport, CredentialError> {
    let key = CredentialKey::new(profile, purpose)?;
    let (removed, store) = match store {
        Store::Keychain => {
            let keychain = Keychain::open()?;
            (keychain.forget(&key)?, StoreReport::keychain(&keychain))
        }
        Store::Session(session) => (session.forget(&key), StoreReport::Session),
    };
    Ok(ForgetReport {
        profile: key.profile().to_owned(),
        purpose,
        store,
        removed,
    })
}

/// For the engine: the credential to hand to the PowerShell host (over stdin) or to the
/// TSIG signer (in memory).
pub fn load_credential(
    key: &CredentialKey,
    store: Store<'_>,
) -> Result<StoredCredential, CredentialError> {
    match store {
        Store::Keychain => Keychain::open()?.get(key),
        Store::Session(session) => session.get(key).ok_or_else(|| session_not_found(key)),
    }
}

fn report(
    key: &CredentialKey,
    credential: &StoredCredential,
    store: StoreReport,
) -> CredentialReport {
    CredentialReport {
        profile: key.profile().to_owned(),
        purpose: key.purpose(),
        store,
        user_name: credential.user_name.clone(),
    }
}

/// Session credentials have no backend of their own; the error names the keychain the
/// user would otherwise have used so the advice stays the same.
fn session_not_found(key: &CredentialKey) -> CredentialError {
    CredentialError::Invalid {
        what: "session credential",
        reason: format!(
            "no {key} was entered for this session; enter it again or store it in the keychain"
        ),
    }
}
