//! What the shell keeps between commands: the paths and the engine session of the active
//! profile. "Use this profile" replaces the session, so it sits behind a lock; commands take a
//! clone of the `Arc` and never hold the lock across an await, so a long apply keeps its own
//! session even when the user switches meanwhile. The choice itself is remembered in the
//! profiles store by the settings commands (through the store plugin, its only writer).

use std::sync::{Arc, PoisonError, RwLock};

use fedshare_credentials::StoredCredential;
use fedshare_engine::run::Runs;
use fedshare_engine::{profiles, AppPaths, Profile, Session};

pub struct AppState {
    pub paths: AppPaths,
    /// The app's one apply or undo at a time, which every page and the header observe.
    pub runs: Runs,
    session: RwLock<Arc<Session>>,
}

impl AppState {
    /// Starts on the profile chosen last time. Its shell starts on first use, so nothing here
    /// waits on a connection. A session-only credential was for that session: the keychain's
    /// (or none) is used until the user gives one again.
    pub fn new(paths: AppPaths) -> Self {
        let profile = profiles::load_active(&paths).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the active profile could not be read; starting on the Lab profile");
            Profile::lab()
        });
        tracing::info!(profile = %profile.name, "starting on the active profile");
        let session = Self::session_for(profile, &paths, None);
        Self {
            paths,
            runs: Runs::new(),
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

    /// After `profile` was saved (`previous`: its name before a rename): a session using it
    /// takes the edit at once (a new shell on next use), so what the Connection page shows is
    /// what runs. An unchanged profile keeps its session and shell.
    pub fn profile_saved(
        &self,
        previous: Option<&str>,
        profile: &Profile,
        session_only: Option<StoredCredential>,
    ) {
        let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
        let was = previous.unwrap_or(&profile.name);
        if session.profile().name.eq_ignore_ascii_case(was) && session.profile() != profile {
            tracing::info!(profile = %profile.name, "the active profile was edited; its session follows");
            *session = Self::session_for(profile.clone(), &self.paths, session_only);
        }
    }

    /// After the profile called `name` was removed: a session using it goes back to the Lab
    /// profile (as saved, among `remaining`), the one profile that cannot go away.
    pub fn profile_removed(&self, name: &str, remaining: &[Profile]) {
        let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
        if session.profile().name.eq_ignore_ascii_case(name) {
            tracing::info!(profile = %name, "the active profile was removed; back to the Lab profile");
            let lab = remaining.iter().find(|p| p.is_lab()).cloned();
            *session = Self::session_for(lab.unwrap_or_else(Profile::lab), &self.paths, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_engine::Backend;

    fn remote(name: &str, stored_credential: bool) -> Profile {
        Profile {
            name: name.into(),
            // TEST-NET-1: nothing may be listening there.
            backend: Backend::remote("https://192.0.2.1/PowerShell/", stored_credential),
            plan_file: None,
            dns_resolvers: Vec::new(),
            report_defaults: Default::default(),
        }
    }

    fn temp_paths() -> (tempfile::TempDir, AppPaths) {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        (dir, paths)
    }

    fn active(state: &AppState) -> String {
        state.session().profile().name.clone()
    }

    #[test]
    fn a_first_start_is_on_the_lab_profile() {
        let (_dir, paths) = temp_paths();
        assert_eq!(active(&AppState::new(paths)), "Lab");
    }

    #[test]
    fn a_start_comes_back_to_the_remembered_profile_until_it_is_removed() {
        let (_dir, paths) = temp_paths();
        let contoso = remote("Contoso", true);
        profiles::save(&paths, &[contoso.clone(), remote("Fabrikam", false)]).expect("save");
        profiles::record_active(&paths, "Contoso").expect("record");
        let state = AppState::new(paths.clone());
        assert_eq!(*state.session().profile(), contoso);

        profiles::save(&paths, &[remote("Fabrikam", false)]).expect("removed elsewhere");
        assert_eq!(active(&AppState::new(paths)), "Lab");
    }

    #[test]
    fn an_unreadable_store_starts_on_the_lab_profile() {
        let (_dir, paths) = temp_paths();
        std::fs::create_dir_all(&paths.data_dir).expect("data dir");
        std::fs::write(profiles::store_path(&paths), "{ not json").expect("seed");
        assert_eq!(active(&AppState::new(paths)), "Lab");
    }

    #[test]
    fn editing_or_renaming_the_profile_in_use_takes_effect_at_once() {
        let (_dir, paths) = temp_paths();
        let state = AppState::new(paths);
        let before = state.use_profile(remote("Contoso", false), None);
        state.profile_saved(None, &remote("Contoso", false), None);
        assert!(
            Arc::ptr_eq(&before, &state.session()),
            "no change, same session"
        );

        let edited = Profile {
            dns_resolvers: vec!["10.0.0.53".into()],
            ..remote("Contoso", false)
        };
        state.profile_saved(None, &edited, None);
        assert_eq!(*state.session().profile(), edited);

        state.profile_saved(Some("Fabrikam"), &remote("Fabrikam2", false), None);
        assert_eq!(
            active(&state),
            "Contoso",
            "another profile's edit changes nothing"
        );
        state.profile_saved(Some("contoso"), &remote("Contoso EMEA", false), None);
        assert_eq!(active(&state), "Contoso EMEA");
    }

    #[test]
    fn removing_the_profile_in_use_goes_back_to_the_saved_lab_profile() {
        let (_dir, paths) = temp_paths();
        let state = AppState::new(paths);
        let lab = Profile {
            dns_resolvers: vec!["127.0.0.1:5353".into()],
            ..Profile::lab()
        };
        state.use_profile(remote("Contoso", false), None);
        state.profile_removed("Fabrikam", std::slice::from_ref(&lab));
        assert_eq!(active(&state), "Contoso");
        state.profile_removed("contoso", std::slice::from_ref(&lab));
        assert_eq!(*state.session().profile(), lab);
    }
}
