//! Where Fedshare keeps its files. The desktop app and the CLI share one location so a lab
//! world or a journal written by one is seen by the other.

use std::path::{Path, PathBuf};

use crate::EngineError;

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

/// An I/O failure on `path`, as `EngineError::Io`.
pub(crate) fn io_error(path: &Path) -> impl Fn(std::io::Error) -> EngineError + '_ {
    move |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Replaces `path` whole or not at all: creates its folder, lets `write` fill a temporary
/// file beside it (`path` with `tmp_extension`), then renames that over `path`, so a crash
/// never leaves half a file behind.
pub(crate) fn replace_file(
    path: &Path,
    tmp_extension: &str,
    write: impl FnOnce(&Path) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let io = io_error(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(&io)?;
    }
    let tmp = path.with_extension(tmp_extension);
    write(&tmp)?;
    std::fs::rename(&tmp, path).map_err(io)
}
