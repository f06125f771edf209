//! What the shell keeps between commands: the paths and the one engine session.

use fedshare_engine::{AppPaths, Profile, Session};

pub struct AppState {
    pub paths: AppPaths,
    pub session: Session,
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        // The lab host is this very executable started with `lab-host`.
        let exe = std::env::current_exe().unwrap_or_else(|_| "fedshare-app".into());
        let session = Session::new(Profile::lab(), paths.clone(), exe);
        Self { paths, session }
    }
}
