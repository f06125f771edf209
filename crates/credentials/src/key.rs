//! Which credential: one per connection profile and purpose.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CredentialError;

/// The keychain service name every Fedshare entry lives under (the app identifier).
pub const SERVICE: &str = "io.fedshare.desktop";

/// What a credential is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// The Exchange administrator account of the remote PowerShell session.
    Exchange,
    /// The TSIG key that signs RFC 2136 updates of the Autodiscover records.
    Dns,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::Exchange, Purpose::Dns];

    /// The stable name used in keychain entries and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Exchange => "exchange",
            Purpose::Dns => "dns",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Purpose {
    type Err = CredentialError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| CredentialError::Invalid {
                what: "purpose",
                reason: format!("'{s}' is not one of: exchange, dns"),
            })
    }
}

/// Identifies one keychain entry: service [`SERVICE`], user `<profile>/<purpose>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialKey {
    profile: String,
    purpose: Purpose,
}

impl CredentialKey {
    /// Profile names are free text chosen by people, so only what would break the entry
    /// naming or hide characters in keychain UIs is refused.
    pub fn new(profile: impl Into<String>, purpose: Purpose) -> Result<Self, CredentialError> {
        let profile = profile.into();
        if profile.trim().is_empty() {
            return Err(CredentialError::Invalid {
                what: "profile",
                reason: "the profile name is empty".into(),
            });
        }
        if profile.chars().any(char::is_control) {
            return Err(CredentialError::Invalid {
                what: "profile",
                reason: "the profile name contains control characters".into(),
            });
        }
        Ok(Self { profile, purpose })
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    pub fn service(&self) -> &'static str {
        SERVICE
    }

    /// `<profile>/<purpose>`; the purpose never contains `/`, so the last `/` splits it back.
    pub fn user(&self) -> String {
        format!("{}/{}", self.profile, self.purpose)
    }
}

impl fmt::Display for CredentialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} credential of profile '{}'",
            self.purpose, self.profile
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_naming_is_pinned() {
        let key = CredentialKey::new("Contoso prod", Purpose::Dns).unwrap();
        assert_eq!(key.service(), "io.fedshare.desktop");
        assert_eq!(key.user(), "Contoso prod/dns");
    }

    #[test]
    fn purpose_parses_only_known_names() {
        assert_eq!("exchange".parse::<Purpose>().unwrap(), Purpose::Exchange);
        assert_eq!("dns".parse::<Purpose>().unwrap(), Purpose::Dns);
        let err = "Exchange".parse::<Purpose>().unwrap_err();
        assert!(err.to_string().contains("exchange, dns"), "{err}");
    }

    #[test]
    fn empty_or_control_profiles_are_refused() {
        assert!(CredentialKey::new("  ", Purpose::Exchange).is_err());
        assert!(CredentialKey::new("a\nb", Purpose::Exchange).is_err());
    }
}
