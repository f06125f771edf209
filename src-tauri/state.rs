//! What the shell keeps between commands: the paths and the engine session of the active
//! profile. "Use this profile" replaces the session, so it sits behind a lock; commands take a
//! clone of the `Arc` and never hold the lock across an await, so a long apply keeps its own
//! session even when the user switches meanwhile.

use std::sync::{Arc, PoisonError, RwLock};

use fedshare_credentials::StoredCredential;
use fedshare_engine::{AppPaths, Profile, Session};

pub struct AppState {
    pub paths: AppPaths,
    session: RwLock<Arc<Session>>,
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        let session = Self::session_for(Profile::lab(), &paths, None);
        Self {
            paths,
            session: RwLock::new(session),
        }
    }

    /// A session for `profile`, with the credential the user kept for this session only when
    /// there is one (otherwise the keychain's is used).
    pub fn session_for(
        profile: Profile,
        paths: &AppPaths,
        session_only: Option<StoredCredential>,
    ) -> Arc<Session> {
        // The lab host is this very executable started with `lab-host`.
        let exe = std::env::current_exe().unwrap_or_else(|_| "fedshare-app".into());
        Arc::new(Session::new(profile, paths.clone(), exe).with_session_credential(session_only))
    }

    /// The active profile's session.
    pub fn session(&self) -> Arc<Session> {
        // A panic elsewhere cannot leave an Arc half-written, so a poisoned lock is still valid.
        self.session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes `profile` the active one; its shell starts on first use. The previous session's
    /// shell stops once the last command using it finishes.
    pub fn use_profile(
        &self,
        profile: Profile,
        session_only: Option<StoredCredential>,
    ) -> Arc<Session> {
        let session = Self::session_for(profile, &self.paths, session_only);
        *self.session.write().unwrap_or_else(PoisonError::into_inner) = session.clone();
        session
    }
}
