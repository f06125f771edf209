//! Where an export goes and what a person can do with it afterwards: a native Save as dialog
//! (opened from Rust, so the webview needs no dialog or file-system permission), then Open and
//! Show in folder for exactly the files this app wrote in this session (the webview cannot
//! name any other path to open).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fedshare_model::ErrorPayload;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

/// Set (to a folder) to write exports there without asking, as unattended runs and the
/// end-to-end tests need: a native dialog would wait for a person.
pub const EXPORT_DIR_ENV: &str = "FEDSHARE_EXPORT_DIR";

/// The files exported in this session: the only ones Open and Show in folder accept.
#[derive(Debug, Default)]
pub struct Exported(Mutex<Vec<PathBuf>>);

impl Exported {
    pub fn remember(&self, path: &Path) {
        if let Ok(mut list) = self.0.lock() {
            list.push(path.to_path_buf());
        }
    }

    fn knows(&self, path: &Path) -> bool {
        self.0
            .lock()
            .map(|list| list.iter().any(|p| p == path))
            .unwrap_or(false)
    }
}

/// The path the person chose for `name` (the dialog starts in `dir`), or `None` when they
/// cancelled. With [`EXPORT_DIR_ENV`] set, that folder without asking.
pub async fn choose_destination<R: Runtime>(
    app: &AppHandle<R>,
    dir: &Path,
    name: &str,
) -> Option<PathBuf> {
    if let Some(forced) = std::env::var_os(EXPORT_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(forced).join(name));
    }
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save the export as")
        .set_directory(dir)
        .set_file_name(name)
        .add_filter(extension.to_uppercase(), &[extension.as_str()])
        .save_file(move |chosen| {
            let _ = tx.send(chosen.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

fn known(exported: &Exported, path: &str) -> Result<PathBuf, ErrorPayload> {
    let path = PathBuf::from(path);
    if exported.knows(&path) {
        Ok(path)
    } else {
        Err(ErrorPayload {
            code: "app.export_unknown".into(),
            message: format!(
                "{} was not exported by Fedshare in this session; export it again to open it",
                path.display()
            ),
            detail: None,
        })
    }
}

fn opener_error(e: tauri_plugin_opener::Error, what: &str) -> ErrorPayload {
    ErrorPayload {
        code: "app.open_failed".into(),
        message: format!("the system could not {what}: {e}; open the folder by hand"),
        detail: None,
    }
}

/// Opens an exported file with the system's default application.
#[tauri::command]
pub fn open_export(exported: State<'_, Exported>, path: String) -> Result<(), ErrorPayload> {
    let path = known(&exported, &path)?;
    tauri_plugin_opener::open_path(&path, None::<&str>)
        .map_err(|e| opener_error(e, "open the file"))
}

/// Shows an exported file selected in the system's file manager.
#[tauri::command]
pub fn reveal_export(exported: State<'_, Exported>, path: String) -> Result<(), ErrorPayload> {
    let path = known(&exported, &path)?;
    tauri_plugin_opener::reveal_item_in_dir(&path)
        .map_err(|e| opener_error(e, "show the file in its folder"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_exported_in_this_session_can_be_opened() {
        let exported = Exported::default();
        exported.remember(Path::new("/tmp/fedshare-report-Contoso.pdf"));
        assert!(known(&exported, "/tmp/fedshare-report-Contoso.pdf").is_ok());
        for other in ["/etc/passwd", "/tmp/fedshare-report-Contoso.pdf/..", ""] {
            let err = known(&exported, other).expect_err(other);
            assert_eq!(err.code, "app.export_unknown");
        }
    }
}
