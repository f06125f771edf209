//! The crate's one error enum. Messages say what to do next; none ever contains a secret
//! (backend errors are reduced to their text before they get here).

use fedshare_model::ErrorCode;

use crate::backend::BackendKind;
use crate::key::CredentialKey;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "No keychain is available ({reason}). {advice} or use the credential for this session only."
    )]
    Unavailable {
        reason: String,
        advice: &'static str,
    },

    #[error(
        "The {backend} is locked ({reason}). Unlock it (log in to the desktop session, or run \
         `gnome-keyring-daemon --unlock`) or use the credential for this session only."
    )]
    Locked {
        backend: BackendKind,
        reason: String,
    },

    #[error(
        "No {key} is stored in the {backend}. Store it with `fedshare credentials set --profile \
         '{profile}' --purpose {purpose}`.",
        profile = key.profile(),
        purpose = key.purpose()
    )]
    NotFound {
        key: CredentialKey,
        backend: BackendKind,
    },

    #[error("The {backend} failed to {action}: {detail}")]
    Backend {
        backend: BackendKind,
        action: &'static str,
        detail: String,
    },

    #[error("Invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },

    #[error("Could not read the secret from the terminal or standard input")]
    Input(#[source] std::io::Error),
}

impl CredentialError {
    /// True when the UI and CLI should offer "use for this session only" instead.
    pub fn offers_session_only(&self) -> bool {
        matches!(
            self,
            CredentialError::Unavailable { .. } | CredentialError::Locked { .. }
        )
    }
}

impl ErrorCode for CredentialError {
    fn code(&self) -> &'static str {
        match self {
            CredentialError::Unavailable { .. } => "credentials.unavailable",
            CredentialError::Locked { .. } => "credentials.locked",
            CredentialError::NotFound { .. } => "credentials.not_found",
            CredentialError::Backend { .. } => "credentials.backend",
            CredentialError::Invalid { .. } => "credentials.invalid",
            CredentialError::Input(_) => "credentials.input",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Purpose;

    #[test]
    fn codes_are_pinned() {
        let key = CredentialKey::new("Contoso", Purpose::Exchange).unwrap();
        let cases = [
            (
                CredentialError::Unavailable {
                    reason: "x".into(),
                    advice: "Start gnome-keyring",
                },
                "credentials.unavailable",
            ),
            (
                CredentialError::Locked {
                    backend: BackendKind::SecretService,
                    reason: "x".into(),
                },
                "credentials.locked",
            ),
            (
                CredentialError::NotFound {
                    key,
                    backend: BackendKind::KernelKeyring,
                },
                "credentials.not_found",
            ),
            (
                CredentialError::Backend {
                    backend: BackendKind::SecretService,
                    action: "read",
                    detail: "x".into(),
                },
                "credentials.backend",
            ),
        ];
        for (err, code) in cases {
            assert_eq!(err.to_payload().code, code);
        }
    }

    #[test]
    fn not_found_tells_how_to_store_it() {
        let err = CredentialError::NotFound {
            key: CredentialKey::new("Contoso", Purpose::Dns).unwrap(),
            backend: BackendKind::KernelKeyring,
        };
        assert_eq!(
            err.to_string(),
            "No dns credential of profile 'Contoso' is stored in the kernel keyring. Store it \
             with `fedshare credentials set --profile 'Contoso' --purpose dns`."
        );
    }
}
