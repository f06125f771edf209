//! Credentials on the Connection page. The secret travels from the form straight into the
//! keychain (or, when the user chose it after the keychain was unavailable or locked, into
//! this process's memory); it is never stored in the profile, logged, echoed in a report or
//! put in an error message: every answer here is a report without the secret.

use fedshare_credentials::{
    self as credentials, CredentialReport, ForgetReport, KeychainStatus, Purpose, Secret,
    SessionCredentials, Store, TestReport,
};
use fedshare_model::{ErrorCode, ErrorPayload};
use tauri::State;

/// Credentials the user chose to keep for this session only; wiped when the app exits.
#[derive(Default)]
pub struct SessionSecrets(pub SessionCredentials);

impl SessionSecrets {
    /// The Exchange credential kept in memory for `profile`, if the user chose that.
    pub fn exchange(&self, profile: &str) -> Option<credentials::StoredCredential> {
        let key = credentials::CredentialKey::new(profile, Purpose::Exchange).ok()?;
        self.0.get(&key)
    }
}

fn store(secrets: &SessionSecrets, session_only: bool) -> Store<'_> {
    if session_only {
        Store::Session(&secrets.0)
    } else {
        Store::Keychain
    }
}

fn payload(e: credentials::CredentialError) -> ErrorPayload {
    e.to_payload()
}

/// Which keychain would be used and whether it is usable (writes nothing). Keychain calls may
/// wait on D-Bus, so these commands run off the main thread (`async`).
#[tauri::command(async)]
pub fn keychain_status() -> KeychainStatus {
    credentials::keychain_status()
}

#[tauri::command(async)]
pub fn set_credential(
    secrets: State<'_, SessionSecrets>,
    profile: String,
    purpose: Purpose,
    user: String,
    secret: String,
    session_only: bool,
) -> Result<CredentialReport, ErrorPayload> {
    credentials::set_credential(
        &profile,
        purpose,
        &user,
        Secret::new(secret),
        store(&secrets, session_only),
    )
    .map_err(payload)
}

#[tauri::command(async)]
pub fn test_credential(
    secrets: State<'_, SessionSecrets>,
    profile: String,
    purpose: Purpose,
    session_only: bool,
) -> Result<TestReport, ErrorPayload> {
    credentials::test_credential(&profile, purpose, store(&secrets, session_only)).map_err(payload)
}

#[tauri::command(async)]
pub fn forget_credential(
    secrets: State<'_, SessionSecrets>,
    profile: String,
    purpose: Purpose,
    session_only: bool,
) -> Result<ForgetReport, ErrorPayload> {
    credentials::forget_credential(&profile, purpose, store(&secrets, session_only))
        .map_err(payload)
}
