//! A user name with its secret, and how the pair is kept in one keychain password field.
//!
//! Encoding (version 1), UTF-8: `fedshare-credential/1\n<user name>\n<secret>`.
//! A line format rather than JSON so that encoding and decoding never make unescaped or
//! reallocated copies of the secret: the buffer is sized once, then wiped on drop. The user
//! name may not contain control characters; the secret is everything after the second line
//! break, so it may contain anything.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::CredentialError;
use crate::secret::Secret;

const HEADER: &str = "fedshare-credential/1";

/// What one keychain entry holds. For [`crate::Purpose::Exchange`] the user name is the
/// admin account (`CONTOSO\admin` or a UPN); for [`crate::Purpose::Dns`] it is the TSIG key
/// name and the secret is the base64 key.
#[derive(Clone)]
pub struct StoredCredential {
    pub user_name: String,
    pub secret: Secret,
}

impl StoredCredential {
    pub fn new(user_name: impl Into<String>, secret: Secret) -> Result<Self, CredentialError> {
        let user_name = user_name.into();
        if user_name.trim().is_empty() {
            return Err(CredentialError::Invalid {
                what: "user name",
                reason: "the user name is empty".into(),
            });
        }
        if user_name.chars().any(char::is_control) {
            return Err(CredentialError::Invalid {
                what: "user name",
                reason: "the user name contains control characters".into(),
            });
        }
        if secret.is_empty() {
            return Err(CredentialError::Invalid {
                what: "secret",
                reason: "the secret is empty".into(),
            });
        }
        Ok(Self { user_name, secret })
    }

    /// The bytes written to the keychain; wiped when dropped.
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let secret = self.secret.expose().as_bytes();
        let len = HEADER.len() + 1 + self.user_name.len() + 1 + secret.len();
        let mut out = Zeroizing::new(Vec::with_capacity(len));
        out.extend_from_slice(HEADER.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(self.user_name.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(secret);
        out
    }

    /// Parses what [`Self::encode`] wrote. The error never quotes the input.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "the entry is not UTF-8 text")?;
        let mut parts = text.splitn(3, '\n');
        if parts.next() != Some(HEADER) {
            return Err("the entry was not written by Fedshare (unknown format)".into());
        }
        let (Some(user_name), Some(secret)) = (parts.next(), parts.next()) else {
            return Err("the entry is truncated".into());
        };
        Self::new(user_name, Secret::new(secret.to_owned())).map_err(|e| e.to_string())
    }
}

impl fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredential")
            .field("user_name", &self.user_name)
            .field("secret", &self.secret)
            .finish()
    }
}

impl fmt::Display for StoredCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (secret {})", self.user_name, self.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(user: &str, secret: &str) -> StoredCredential {
        StoredCredential::new(user, Secret::new(secret.into())).unwrap()
    }

    #[test]
    fn encoding_is_pinned_and_round_trips() {
        let c = cred("CONTOSO\\admin", "p\nä:ss");
        let bytes = c.encode();
        assert_eq!(
            bytes.as_slice(),
            "fedshare-credential/1\nCONTOSO\\admin\np\nä:ss".as_bytes()
        );
        let back = StoredCredential::decode(&bytes).unwrap();
        assert_eq!(back.user_name, "CONTOSO\\admin");
        assert_eq!(back.secret.expose(), "p\nä:ss");
    }

    #[test]
    fn foreign_or_broken_entries_are_rejected_without_quoting_them() {
        for input in [
            &b"hunter2"[..],
            b"fedshare-credential/1\nadmin",
            b"fedshare-credential/1\nadmin\n",
            b"\xff\xfe",
        ] {
            let err = StoredCredential::decode(input).unwrap_err();
            assert!(!err.contains("hunter2") && !err.contains("admin"), "{err}");
        }
    }

    #[test]
    fn empty_parts_are_refused() {
        assert!(StoredCredential::new("", Secret::new("x".into())).is_err());
        assert!(StoredCredential::new("admin", Secret::new(String::new())).is_err());
        assert!(StoredCredential::new("ad\nmin", Secret::new("x".into())).is_err());
    }
}
