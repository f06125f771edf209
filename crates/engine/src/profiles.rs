//! The saved connection profiles (non-secret settings), shared by the app and the CLI.
//!
//! They live in `<data_dir>/profiles.json` in the format tauri-plugin-store writes: one JSON
//! object of key → value, pretty-printed, with the list under [`STORE_KEY`] and the name of the
//! profile the app last used under [`ACTIVE_KEY`]. The app reads and writes that file through
//! the store plugin; the CLI reads it through [`load`] and [`find`].
//!
//! The plugin keeps the whole file in memory and writes all of it back on every save, so while
//! the app runs it must be the only writer: the app sets both keys through the plugin (with the
//! `*_store_value` helpers here) and never calls this module's file writers. Those writers
//! ([`save`], [`record_active`]) change one key and keep every other, so a file the app wrote
//! keeps the app's keys and the other way round.
//! Secrets are never part of a profile: they live in the OS keychain (fedshare-credentials).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::profile::{Profile, LAB_PROFILE};
use crate::{AppPaths, EngineError};

/// The store file, relative to the data directory (= Tauri's app data directory).
pub const STORE_FILE: &str = "profiles.json";
/// The store key holding the list of profiles.
pub const STORE_KEY: &str = "profiles";
/// The store key holding the name of the active profile, the one the app starts on.
pub const ACTIVE_KEY: &str = "activeProfile";
const MAX_NAME: usize = 64;

pub fn store_path(paths: &AppPaths) -> PathBuf {
    paths.data_dir.join(STORE_FILE)
}

/// Every profile, the Lab profile first. A missing file means "only the Lab profile".
pub fn load(paths: &AppPaths) -> Result<Vec<Profile>, EngineError> {
    let path = store_path(paths);
    let store = read_store(&path)?;
    from_store_value(store.get(STORE_KEY)).map_err(|e| store_error(&path, e))
}

/// The profile called `name` (case-insensitive, as Windows users expect).
pub fn find(paths: &AppPaths, name: &str) -> Result<Profile, EngineError> {
    find_in(&load(paths)?, name).ok_or_else(|| EngineError::UnknownProfile(name.to_owned()))
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
    let value = to_store_value(profiles).map_err(|e| store_error(&path, e))?;
    write_key(&path, STORE_KEY, value)
}

/// The profile the app starts on: the one recorded under [`ACTIVE_KEY`], or the Lab profile
/// when none is recorded or it was removed since.
pub fn load_active(paths: &AppPaths) -> Result<Profile, EngineError> {
    let path = store_path(paths);
    let store = read_store(&path)?;
    let profiles = from_store_value(store.get(STORE_KEY)).map_err(|e| store_error(&path, e))?;
    Ok(active_from_store(&profiles, store.get(ACTIVE_KEY)))
}

/// Records the profile called `name` as the active one, keeping the file's other keys. Used by
/// tests and tools; the app records through the plugin ([`active_to_store_value`]).
pub fn record_active(paths: &AppPaths, name: &str) -> Result<(), EngineError> {
    let profile = find(paths, name)?;
    write_key(
        &store_path(paths),
        ACTIVE_KEY,
        active_to_store_value(&profile.name),
    )
}

/// The active profile among `profiles` given what the store holds under [`ACTIVE_KEY`]. Falling
/// back to Lab is logged: an administrator who expected their organization should find why.
pub fn active_from_store(profiles: &[Profile], value: Option<&Value>) -> Profile {
    let lab = || find_in(profiles, LAB_PROFILE).unwrap_or_else(Profile::lab);
    let Some(name) = value.and_then(Value::as_str) else {
        tracing::info!(recorded = ?value, "no active profile recorded; starting on the Lab profile");
        return lab();
    };
    find_in(profiles, name).unwrap_or_else(|| {
        tracing::info!(profile = %name, "the remembered profile no longer exists; starting on the Lab profile");
        lab()
    })
}

/// The value to put under [`ACTIVE_KEY`].
pub fn active_to_store_value(name: &str) -> Value {
    Value::String(name.to_owned())
}

/// The new [`ACTIVE_KEY`] value when an edit renamed the recorded active profile, so the next
/// start still finds it.
pub fn active_after_edit(
    value: Option<&Value>,
    previous: Option<&str>,
    name: &str,
) -> Option<Value> {
    let recorded = value.and_then(Value::as_str)?;
    previous
        .filter(|p| p.eq_ignore_ascii_case(recorded))
        .map(|_| active_to_store_value(name))
}

/// The new [`ACTIVE_KEY`] value (the Lab profile) when removing `removed` takes away the
/// recorded active profile.
pub fn active_after_removal(value: Option<&Value>, removed: &str) -> Option<Value> {
    let recorded = value.and_then(Value::as_str)?;
    recorded
        .eq_ignore_ascii_case(removed)
        .then(|| active_to_store_value(LAB_PROFILE))
}

/// Adds `profile`, or replaces the one with the same name (`previous` names the profile being
/// edited, so a rename replaces it instead of adding a copy).
pub fn upsert(
    mut profiles: Vec<Profile>,
    profile: Profile,
    previous: Option<&str>,
) -> Result<Vec<Profile>, EngineError> {
    validate_name(&profile.name)?;
    // Settings a host would refuse (Basic over http, a URL that is not one) are not saved.
    if let Some(remote) = profile.backend.remote_settings() {
        crate::connection::review(&remote)?;
    }
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

fn find_in(profiles: &[Profile], name: &str) -> Option<Profile> {
    profiles
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .cloned()
}

/// The store file's object; a missing file is an empty store.
fn read_store(path: &Path) -> Result<Map<String, Value>, EngineError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| store_error(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Map::new()),
        Err(source) => Err(io_error(path, source)),
    }
}

/// Sets `key` and writes the file pretty-printed like the plugin, every other key kept.
fn write_key(path: &Path, key: &str, value: Value) -> Result<(), EngineError> {
    let mut store = read_store(path)?;
    store.insert(key.into(), value);
    let bytes = serde_json::to_vec_pretty(&store).map_err(|e| store_error(path, e))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(path, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, source: std::io::Error) -> EngineError {
    EngineError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn store_error(path: &Path, e: serde_json::Error) -> EngineError {
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
            backend: Backend::remote("https://mail.contoso.com/PowerShell/", true),
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
    fn upsert_refuses_connection_settings_a_host_would_refuse() {
        let basic_over_http = Profile {
            backend: Backend::RemotePowerShell {
                connection_uri: "http://ex01.contoso.com/PowerShell/".into(),
                stored_credential: true,
                authentication: crate::profile::Authentication::Basic,
                skip_ca_check: false,
                skip_cn_check: false,
            },
            ..remote("Contoso")
        };
        let err = upsert(vec![Profile::lab()], basic_over_http, None).unwrap_err();
        assert_eq!(err.code(), "engine.basic_over_http");
        let documented = Profile {
            backend: Backend::remote("http://ex01.contoso.com/PowerShell/", false),
            ..remote("Contoso")
        };
        assert_eq!(
            upsert(vec![Profile::lab()], documented, None)
                .expect("saved")
                .len(),
            2
        );
    }

    #[test]
    fn profiles_written_before_the_connection_settings_read_as_kerberos_with_checks_on() {
        let old: Profile = serde_json::from_str(
            r#"{"name":"Old","backend":{"kind":"remotePowerShell","connectionUri":"https://ex1.fabrikam.com/PowerShell/","storedCredential":false}}"#,
        )
        .expect("old profile");
        assert_eq!(
            old.backend,
            Backend::remote("https://ex1.fabrikam.com/PowerShell/", false)
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

    /// Runs `f` with the info-level log going to a buffer, and returns that log.
    fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
        #[derive(Clone, Default)]
        struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().expect("log buffer").extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let out = tracing::subscriber::with_default(subscriber, f);
        let log = String::from_utf8_lossy(&buf.0.lock().expect("log buffer")).into_owned();
        (out, log)
    }

    fn active(paths: &AppPaths) -> (Profile, String) {
        logged(|| load_active(paths).expect("load_active"))
    }

    #[test]
    fn the_active_profile_is_lab_without_a_file_or_a_record_and_says_so() {
        let (_dir, paths) = temp_paths();
        let (profile, log) = active(&paths);
        assert_eq!(profile, Profile::lab());
        assert!(
            log.contains("INFO") && log.contains("no active profile recorded"),
            "{log}"
        );

        save(&paths, &[remote("Contoso")]).expect("save");
        let (profile, log) = active(&paths);
        assert_eq!(profile, Profile::lab());
        assert!(log.contains("no active profile recorded"), "{log}");
    }

    #[test]
    fn the_recorded_profile_is_active_until_it_is_removed() {
        let (_dir, paths) = temp_paths();
        save(&paths, &[remote("Contoso"), remote("Fabrikam")]).expect("save");
        record_active(&paths, "contoso").expect("record");
        let (profile, log) = active(&paths);
        assert_eq!(profile, remote("Contoso"));
        assert_eq!(log, "", "no fallback, nothing to say");

        // Deleted behind the app's back (another copy of the app, a hand edit).
        save(&paths, &[remote("Fabrikam")]).expect("save");
        let (profile, log) = active(&paths);
        assert_eq!(profile, Profile::lab());
        assert!(
            log.contains("INFO") && log.contains("no longer exists") && log.contains("Contoso"),
            "{log}"
        );
    }

    #[test]
    fn a_stored_lab_profile_keeps_its_settings_when_it_is_the_fallback() {
        let (_dir, paths) = temp_paths();
        let lab = Profile {
            dns_resolvers: vec!["127.0.0.1:5353".into()],
            ..Profile::lab()
        };
        // What a hand edit might leave: a Lab profile with settings, an active "name" that is not one.
        std::fs::write(
            store_path(&paths),
            serde_json::to_vec(&serde_json::json!({
                STORE_KEY: to_store_value(std::slice::from_ref(&lab)).expect("value"),
                ACTIVE_KEY: 42,
            }))
            .expect("json"),
        )
        .expect("seed");
        let (profile, log) = active(&paths);
        assert_eq!(profile, lab);
        assert!(log.contains("no active profile recorded"), "{log}");
    }

    #[test]
    fn recording_and_saving_keep_each_others_keys() {
        let (_dir, paths) = temp_paths();
        std::fs::write(store_path(&paths), r#"{"theme":"dark"}"#).expect("seed");
        save(&paths, &[remote("Contoso")]).expect("save");
        record_active(&paths, "Contoso").expect("record");
        save(&paths, &[remote("Contoso"), remote("Fabrikam")]).expect("save again");
        let text = std::fs::read_to_string(store_path(&paths)).expect("read");
        let store: Map<String, Value> = serde_json::from_str(&text).expect("object");
        assert_eq!(store["theme"], "dark");
        assert_eq!(store[ACTIVE_KEY], "Contoso");
        assert_eq!(load(&paths).expect("load").len(), 3);
        assert!(
            text.contains("\n  \"activeProfile\": \"Contoso\""),
            "{text}"
        );
    }

    #[test]
    fn only_an_existing_profile_is_recorded() {
        let (_dir, paths) = temp_paths();
        assert_eq!(
            record_active(&paths, "Nope").unwrap_err().code(),
            "engine.unknown_profile"
        );
        assert!(!store_path(&paths).exists());
        record_active(&paths, "lab").expect("the Lab profile always exists");
        let (profile, log) = active(&paths);
        assert_eq!(profile, Profile::lab());
        assert_eq!(log, "");
    }

    #[test]
    fn a_corrupt_store_has_no_active_profile_either() {
        let (_dir, paths) = temp_paths();
        std::fs::write(store_path(&paths), "[1, 2").expect("seed");
        assert_eq!(
            load_active(&paths).unwrap_err().code(),
            "engine.profile_store"
        );
    }

    #[test]
    fn renaming_carries_the_record_and_removing_falls_back_to_lab() {
        let recorded = active_to_store_value("Contoso");
        let v = Some(&recorded);
        assert_eq!(
            active_after_edit(v, Some("contoso"), "Contoso EMS"),
            Some(Value::from("Contoso EMS"))
        );
        assert_eq!(active_after_edit(v, Some("Fabrikam"), "Fabrikam 2"), None);
        assert_eq!(active_after_edit(v, None, "Contoso"), None);
        assert_eq!(active_after_edit(None, Some("Contoso"), "X"), None);
        assert_eq!(
            active_after_removal(v, "CONTOSO"),
            Some(Value::from(LAB_PROFILE))
        );
        assert_eq!(active_after_removal(v, "Fabrikam"), None);
        assert_eq!(active_after_removal(None, "Contoso"), None);
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
