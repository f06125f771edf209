//! Credentials kept in process memory only: the fallback the user picks explicitly when no
//! keychain is available or it is locked. Nothing here is ever written anywhere.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use crate::key::CredentialKey;
use crate::stored::StoredCredential;

/// One per process (the app keeps it in its state). Dropping it wipes every secret, because
/// each [`crate::Secret`] zeroizes itself.
#[derive(Default)]
pub struct SessionCredentials {
    entries: Mutex<HashMap<CredentialKey, StoredCredential>>,
}

impl SessionCredentials {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps (or replaces) the credential of `key` until the process ends or it is forgotten.
    pub fn set(&self, key: CredentialKey, credential: StoredCredential) {
        self.lock().insert(key, credential);
    }

    pub fn get(&self, key: &CredentialKey) -> Option<StoredCredential> {
        self.lock().get(key).cloned()
    }

    /// `true` when there was one to forget.
    pub fn forget(&self, key: &CredentialKey) -> bool {
        self.lock().remove(key).is_some()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The keys held, for a settings page; never the secrets.
    pub fn keys(&self) -> Vec<CredentialKey> {
        self.lock().keys().cloned().collect()
    }

    /// A panic while holding the lock cannot leave a half-written map (every operation is a
    /// single HashMap call), so a poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, HashMap<CredentialKey, StoredCredential>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("keys", &self.keys())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Purpose;
    use crate::secret::Secret;

    #[test]
    fn keeps_replaces_and_forgets_per_key() {
        let session = SessionCredentials::new();
        let exchange = CredentialKey::new("Contoso", Purpose::Exchange).unwrap();
        let dns = CredentialKey::new("Contoso", Purpose::Dns).unwrap();
        let cred = |u: &str, s: &str| StoredCredential::new(u, Secret::new(s.into())).unwrap();

        session.set(exchange.clone(), cred("admin", "one"));
        session.set(exchange.clone(), cred("admin", "two"));
        session.set(dns.clone(), cred("update-key.", "c2VjcmV0"));
        assert_eq!(session.get(&exchange).unwrap().secret.expose(), "two");
        assert!(session.forget(&exchange));
        assert!(!session.forget(&exchange));
        assert!(session.get(&exchange).is_none());
        assert_eq!(session.keys(), vec![dns]);
        let debug = format!("{session:?}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
    }
}
