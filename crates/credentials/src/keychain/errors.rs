//! keyring's errors reduced to text and mapped to ours. `BadEncoding` carries the stored
//! bytes (a secret), so they are wiped here and never formatted.

use zeroize::Zeroizing;

use crate::backend::BackendKind;
use crate::error::CredentialError;
use crate::key::CredentialKey;

pub(super) fn from_keyring(
    err: keyring::Error,
    backend: BackendKind,
    action: &'static str,
    key: &CredentialKey,
) -> CredentialError {
    let detail = match err {
        keyring::Error::NoEntry => {
            return CredentialError::NotFound {
                key: key.clone(),
                backend,
            }
        }
        keyring::Error::NoStorageAccess(cause) => {
            return CredentialError::Locked {
                backend,
                reason: cause.to_string(),
            }
        }
        keyring::Error::BadEncoding(bytes) => {
            drop(Zeroizing::new(bytes));
            "the stored value is not text".to_owned()
        }
        keyring::Error::Ambiguous(matches) => format!(
            "{} entries match {}; remove the duplicates with your keychain manager",
            matches.len(),
            key.user()
        ),
        other => other.to_string(),
    };
    CredentialError::Backend {
        backend,
        action,
        detail,
    }
}
