//! The keychain backends Fedshare knows, and what probing them found.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One OS credential store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BackendKind {
    /// freedesktop Secret Service on the D-Bus session bus (GNOME Keyring, KWallet).
    SecretService,
    /// The Linux kernel key retention service (keyutils): session and persistent keyrings.
    /// Kept in kernel memory only, so entries do not survive a reboot.
    KernelKeyring,
    WindowsCredentialManager,
    MacosKeychain,
}

impl BackendKind {
    /// Human name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::SecretService => "Secret Service keychain",
            BackendKind::KernelKeyring => "kernel keyring",
            BackendKind::WindowsCredentialManager => "Windows Credential Manager",
            BackendKind::MacosKeychain => "macOS Keychain",
        }
    }

    /// Whether entries survive a reboot; the kernel keyring forgets them.
    pub fn persistent(self) -> bool {
        !matches!(self, BackendKind::KernelKeyring)
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The result of probing one backend, without writing anything to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendProbe {
    pub backend: BackendKind,
    pub available: bool,
    pub locked: bool,
    /// Why it is unavailable or locked; `None` when usable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl BackendProbe {
    pub fn usable(backend: BackendKind) -> Self {
        Self {
            backend,
            available: true,
            locked: false,
            reason: None,
        }
    }

    pub fn unavailable(backend: BackendKind, reason: impl Into<String>) -> Self {
        Self {
            backend,
            available: false,
            locked: false,
            reason: Some(reason.into()),
        }
    }

    pub fn locked(backend: BackendKind, reason: impl Into<String>) -> Self {
        Self {
            backend,
            available: true,
            locked: true,
            reason: Some(reason.into()),
        }
    }

    pub fn is_usable(&self) -> bool {
        self.available && !self.locked
    }
}

/// What [`crate::Keychain::detect`] found: the backend Fedshare would use, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// The chosen backend: the first available one in preference order (even when locked,
    /// because a locked keychain must be unlocked, not bypassed).
    pub backend: Option<BackendKind>,
    pub available: bool,
    pub locked: bool,
    /// A sentence for people when unavailable or locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every backend probed, in preference order.
    pub probes: Vec<BackendProbe>,
}

impl KeychainStatus {
    /// Picks the first available backend; a locked one is chosen (and reported locked)
    /// rather than skipped, so a credential is never written to a store the user did not
    /// expect just because their usual one is locked.
    pub fn from_probes(probes: Vec<BackendProbe>) -> Self {
        match probes.iter().find(|p| p.available) {
            Some(chosen) => Self {
                backend: Some(chosen.backend),
                available: true,
                locked: chosen.locked,
                reason: chosen.reason.clone(),
                probes,
            },
            None => {
                let reason = probes
                    .iter()
                    .filter_map(|p| p.reason.as_deref())
                    .collect::<Vec<_>>()
                    .join("; ");
                Self {
                    backend: None,
                    available: false,
                    locked: false,
                    reason: Some(reason),
                    probes,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_preferred_backend_is_not_bypassed() {
        let status = KeychainStatus::from_probes(vec![
            BackendProbe::locked(
                BackendKind::SecretService,
                "the default collection is locked",
            ),
            BackendProbe::usable(BackendKind::KernelKeyring),
        ]);
        assert_eq!(status.backend, Some(BackendKind::SecretService));
        assert!(status.locked);
    }

    #[test]
    fn unavailable_preferred_backend_falls_through() {
        let status = KeychainStatus::from_probes(vec![
            BackendProbe::unavailable(BackendKind::SecretService, "no bus"),
            BackendProbe::usable(BackendKind::KernelKeyring),
        ]);
        assert_eq!(status.backend, Some(BackendKind::KernelKeyring));
        assert!(status.available && !status.locked);
    }

    #[test]
    fn nothing_available_joins_the_reasons() {
        let status = KeychainStatus::from_probes(vec![
            BackendProbe::unavailable(BackendKind::SecretService, "no bus"),
            BackendProbe::unavailable(BackendKind::KernelKeyring, "no keyctl"),
        ]);
        assert_eq!(status.backend, None);
        assert_eq!(status.reason.as_deref(), Some("no bus; no keyctl"));
    }
}
