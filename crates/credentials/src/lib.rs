//! Fedshare credentials: one secret per connection profile and purpose (Exchange admin, DNS
//! TSIG key) in the native keychain of the OS.
//!
//! - Linux: the Secret Service (GNOME Keyring, KWallet) on the session bus; where none runs,
//!   the kernel keyring (keyutils, kept until reboot). A *locked* Secret Service is reported
//!   as `credentials.locked`, not bypassed.
//! - Windows: Credential Manager. macOS: the login Keychain.
//!
//! When no keychain is usable the error says so and the caller may offer
//! [`SessionCredentials`]; nothing here ever writes a secret to a file, a log, an argument
//! or an environment variable, and every `Debug`/`Display` of a secret prints `<redacted>`.
//!
//! Entries: service [`SERVICE`] (`io.fedshare.desktop`), user `<profile>/<purpose>`, the
//! password field holding the user name and the secret (format in [`StoredCredential`]'s
//! module docs).

mod api;
mod backend;
mod error;
mod key;
mod keychain;
mod prompt;
mod secret;
mod session;
mod stored;

pub use api::{
    forget_credential, keychain_status, load_credential, set_credential, test_credential,
    CredentialReport, ForgetReport, Store, StoreReport, TestReport,
};
pub use backend::{BackendKind, BackendProbe, KeychainStatus};
pub use error::CredentialError;
pub use key::{CredentialKey, Purpose, SERVICE};
pub use keychain::Keychain;
pub use prompt::{read_secret_from_terminal_or_stdin, read_secret_line};
pub use secret::Secret;
pub use session::SessionCredentials;
pub use stored::StoredCredential;
