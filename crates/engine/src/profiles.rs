//! The saved connection profiles (non-secret settings), shared by the app and the CLI.
//!
//! They live in `<data_dir>/profiles.json` in the format tauri-plugin-store writes: one JSON
//! object of key → value, pretty-printed, with the list under [`STORE_KEY`]. The app reads and
//! writes that file through the store plugin; the CLI reads it through [`load`] and [`find`].
//! Secrets are never part of a profile: they live in the OS keychain (fedshare-credentials).

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::profile::{Profile, LAB_PROFILE};
use crate::{AppPaths, EngineError};

/// The store file, relative to the data directory (= Tauri's app data directory).
pub const STORE_FILE: &str = "profiles.json";
/// The store key holding the list of profiles.
pub const STORE_KEY: &str = "profiles";
const MAX_NAME: usize = 64;

pub fn store_path(paths: &AppPaths) -> PathBuf {
    paths.data_dir.join(STORE_FILE)
}

/// Every profile, the Lab profile first. A missing file means "only the Lab profile".
pub fn load(paths: &AppPaths) -> Result<Vec<Profile>, EngineError> {
    let path = store_path(paths);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(normalize(Vec::new())),
        Err(source) => {
            return Err(EngineError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    let store: Map<String, Value> =
        serde_json::from_str(&text).map_err(|e| store_error(&path, e))?;
    from_store_value(store.get(STORE_KEY)).map_err(|e| store_error(&path, e))
}

/// The profile called `name` (case-insensitive, as Windows users expect).
pub fn find(paths: &AppPaths, name: &str) -> Result<Profile, EngineError> {
    load(paths)?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| EngineError::UnknownProfile(name.to_owned()))
}

/// The profiles held under [`STORE_KEY`] (as the app's store hands them over), normalised.
pub fn from_store_value(value: Option<&Value>) -> Result<Vec<Profile>, serde_json::Error> {
    let list = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone())?,
    };
    Ok(normalize(list))
}

/// The value to put under [`STORE_KEY`].
pub fn to_store_value(profiles: &[Profile]) -> Result<Value, serde_json::Error> {
    serde_json::to_value(normalize(profiles.to_vec()))
}

/// Writes the profiles the way tauri-plugin-store does, keeping the file's other keys. Used by
/// the CLI and tests; the app writes through the plugin so its in-memory copy stays current.
pub fn save(paths: &AppPaths, profiles: &[Profile]) -> Result<(), EngineError> {
    let path = store_path(paths);
    let io = |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut store: Map<String, Value> = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| store_error(&path, e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(e) => return Err(io(e)),
    };
    let value = to_store_value(profiles).map_err(|e| store_error(&path, e))?;
    store.insert(STORE_KEY.into(), value);
    let bytes = serde_json::to_vec_pretty(&store).map_err(|e| store_error(&path, e))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, bytes).map_err(io)
}

/// Adds `profile`, or replaces the one with the same name (`previous` names the profile being
/// edited, so a rename replaces it instead of adding a copy).
pub fn upsert(
    mut profiles: Vec<Profile>,
    profile: Profile,
    previous: Option<&str>,
) -> Result<Vec<Profile>, EngineError> {
    validate_name(&profile.name)?;
    let is_lab_name = |n: &str| n.eq_ignore_ascii_case(LAB_PROFILE);
    if previous.is_some_and(is_lab_name) && !is_lab_name(&profile.name) {
        return Err(EngineError::LabProfile("renamed"));
    }
    if is_lab_name(&profile.name) && !profile.is_lab() {
        return Err(EngineError::LabProfile("pointed at a real organization"));
    }
    let replaced = previous.unwrap_or(&profile.name).to_owned();
    profiles.retain(|p| {
        !p.name.eq_ignore_ascii_case(&replaced) && !p.name.eq_ignore_ascii_case(&profile.name)
    });
    profiles.push(profile);
    Ok(normalize(profiles))
}

/// Removes the profile called `name`; the Lab profile cannot be removed.
pub fn remove(mut profiles: Vec<Profile>, name: &str) -> Result<Vec<Profile>, EngineError> {
    if name.eq_ignore_ascii_case(LAB_PROFILE) {
        return Err(EngineError::LabProfile("removed"));
    }
    let before = profiles.len();
    profiles.retain(|p| !p.name.eq_ignore_ascii_case(name));
    if profiles.len() == before {
        return Err(EngineError::UnknownProfile(name.to_owned()));
    }
    Ok(normalize(profiles))
}

/// Names end up in keychain entries, file names and menus: keep them plain.
pub fn validate_name(name: &str) -> Result<(), EngineError> {
    let ok = !name.trim().is_empty()
        && name.trim() == name
        && name.chars().count() <= MAX_NAME
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(EngineError::ProfileName(name.to_owned()))
    }
}

/// Lab first (always present, always the lab backend), then the others by name, no duplicates.
fn normalize(profiles: Vec<Profile>) -> Vec<Profile> {
    let lab = profiles
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(LAB_PROFILE) && p.is_lab())
        .cloned()
        .map(|p| Profile {
            name: LAB_PROFILE.into(),
            ..p
        })
        .unwrap_or_else(Profile::lab);
    let mut others: Vec<Profile> = profiles
        .into_iter()
        .filter(|p| !p.name.eq_ignore_ascii_case(LAB_PROFILE))
        .collect();
    others.sort_by_key(|p| p.name.to_lowercase());
    others.dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name));
    std::iter::once(lab).chain(others).collect()
}

fn store_error(path: &std::path::Path, e: serde_json::Error) -> EngineError {
    EngineError::ProfileStore {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Backend;
    use fedshare_model::ErrorCode;

    fn remote(name: &str) -> Profile {
        Profile {
            name: name.into(),
            backend: Backend::RemotePowerShell {
                connection_uri: "https://mail.contoso.com/PowerShell/".into(),
                stored_credential: true,
            },
            plan_file: Some("C:\\plans\\contoso.toml".into()),
            dns_resolvers: vec!["10.0.0.53".into(), "8.8.8.8".into()],
            report_defaults: Default::default(),
        }
    }

    fn temp_paths() -> (tempfile::TempDir, AppPaths) {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        (dir, paths)
    }

    #[test]
    fn no_file_means_only_the_lab_profile() {
        let (_dir, paths) = temp_paths();
        assert_eq!(load(&paths).expect("load"), vec![Profile::lab()]);
    }

    #[test]
    fn save_writes_the_store_plugin_format_and_keeps_other_keys() {
        let (_dir, paths) = temp_paths();
        std::fs::write(store_path(&paths), r#"{"theme":"dark"}"#).expect("seed");
        save(&paths, &[remote("Contoso")]).expect("save");
        let text = std::fs::read_to_string(store_path(&paths)).expect("read");
        let store: Map<String, Value> = serde_json::from_str(&text).expect("object");
        assert_eq!(store["theme"], "dark");
        // Pretty-printed like the plugin's default serializer.
        assert!(text.contains("\n  \"profiles\": ["), "{text}");
        let back = load(&paths).expect("load");
        assert_eq!(back, vec![Profile::lab(), remote("Contoso")]);
        assert_eq!(
            find(&paths, "contoso").expect("find").backend,
            remote("Contoso").backend
        );
        assert_eq!(
            find(&paths, "nope").unwrap_err().code(),
            "engine.unknown_profile"
        );
    }

    #[test]
    fn reads_what_the_store_plugin_wrote_for_the_app() {
        let (_dir, paths) = temp_paths();
        let written = r#"{
  "profiles": [
    {
      "name": "Fabrikam EMS",
      "backend": { "kind": "remotePowerShell", "connectionUri": "https://ex1.fabrikam.com/PowerShell/", "storedCredential": false }
    }
  ]
}"#;
        std::fs::write(store_path(&paths), written).expect("seed");
        let profiles = load(&paths).expect("load");
        assert_eq!(profiles.len(), 2);
        assert_eq!(profiles[0], Profile::lab());
        assert_eq!(profiles[1].name, "Fabrikam EMS");
        assert!(profiles[1].dns_resolvers.is_empty());
        assert_eq!(profiles[1].report_defaults.format, "html");
    }

    #[test]
    fn a_corrupt_store_is_reported_not_ignored() {
        let (_dir, paths) = temp_paths();
        std::fs::write(store_path(&paths), "{ not json").expect("seed");
        assert_eq!(load(&paths).unwrap_err().code(), "engine.profile_store");
    }

    #[test]
    fn the_lab_profile_cannot_be_removed_renamed_or_repointed() {
        let list = vec![Profile::lab()];
        assert_eq!(
            remove(list.clone(), "lab").unwrap_err().code(),
            "engine.lab_profile"
        );
        let renamed = Profile {
            name: "Other".into(),
            ..Profile::lab()
        };
        assert_eq!(
            upsert(list.clone(), renamed, Some("Lab"))
                .unwrap_err()
                .code(),
            "engine.lab_profile"
        );
        let repointed = Profile {
            name: "Lab".into(),
            ..remote("x")
        };
        assert_eq!(
            upsert(list, repointed, None).unwrap_err().code(),
            "engine.lab_profile"
        );
    }

    #[test]
    fn upsert_replaces_renames_and_sorts() {
        let list = upsert(vec![Profile::lab()], remote("Zeta"), None).expect("add");
        let list = upsert(list, remote("alpha"), None).expect("add");
        let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Lab", "alpha", "Zeta"]);
        let list = upsert(list, remote("Beta"), Some("Zeta")).expect("rename");
        let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Lab", "alpha", "Beta"]);
        let list = remove(list, "ALPHA").expect("remove");
        assert_eq!(list.len(), 2);
        assert_eq!(
            remove(list, "alpha").unwrap_err().code(),
            "engine.unknown_profile"
        );
    }

    #[test]
    fn names_are_plain() {
        for bad in ["", " x", "x ", "a/b", "new\nline", &"n".repeat(65)] {
            assert!(validate_name(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["Contoso", "Contoso EMS 2", "fab.rikam_1-x"] {
            validate_name(good).expect(good);
        }
    }
}
