//! Where Fedshare keeps its files. The desktop app and the CLI share one location so a lab
//! world or a journal written by one is seen by the other.

use std::path::PathBuf;

/// The application identifier; Tauri derives its own directories from the same string.
pub const IDENTIFIER: &str = "io.fedshare.desktop";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Profiles, journals, acknowledgements.
    pub data_dir: PathBuf,
    /// The rolling log files of the desktop app.
    pub log_dir: PathBuf,
    /// The lab world's persisted state.
    pub lab_dir: PathBuf,
}

impl AppPaths {
    /// The OS's per-user data directory (XDG on Linux, %APPDATA% on Windows).
    pub fn from_os() -> Self {
        let base = dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join(IDENTIFIER);
        Self::under(base)
    }

    /// Every path below one root; used by tests and by `--data-dir`.
    pub fn under(base: PathBuf) -> Self {
        Self {
            log_dir: base.join("logs"),
            lab_dir: base.join("lab"),
            data_dir: base,
        }
    }
}
