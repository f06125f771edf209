//! The Connection page's profiles: non-secret settings in `profiles.json` through
//! tauri-plugin-store, the same file the CLI reads with `fedshare_engine::profiles`.

use std::sync::Arc;

use fedshare_engine::{profiles, AppPaths, ConnectionInfo, EngineError, Profile};
use fedshare_model::ErrorPayload;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_store::{Store, StoreExt};

use crate::credentials::SessionSecrets;
use crate::state::AppState;

/// The store at the engine's path. An absolute path makes the plugin use it as is, so the app
/// and the CLI always share one file even where Tauri's app data folder would differ.
fn store<R: Runtime>(app: &AppHandle<R>, paths: &AppPaths) -> Result<Arc<Store<R>>, ErrorPayload> {
    app.store(profiles::store_path(paths))
        .map_err(|e| store_error(paths, e.to_string()))
}

fn store_error(paths: &AppPaths, reason: String) -> ErrorPayload {
    ErrorPayload::from(EngineError::ProfileStore {
        path: profiles::store_path(paths).display().to_string(),
        reason,
    })
}

fn read<R: Runtime>(store: &Store<R>, paths: &AppPaths) -> Result<Vec<Profile>, ErrorPayload> {
    profiles::from_store_value(store.get(profiles::STORE_KEY).as_ref())
        .map_err(|e| store_error(paths, e.to_string()))
}

/// Sets the list, and the active profile's name when it changes with it (`active`), and saves
/// both at once: the plugin writes its whole copy, so every key goes through it.
fn write<R: Runtime>(
    store: &Store<R>,
    paths: &AppPaths,
    list: &[Profile],
    active: Option<Value>,
) -> Result<(), ErrorPayload> {
    let value = profiles::to_store_value(list).map_err(|e| store_error(paths, e.to_string()))?;
    store.set(profiles::STORE_KEY, value);
    if let Some(active) = active {
        store.set(profiles::ACTIVE_KEY, active);
    }
    store.save().map_err(|e| store_error(paths, e.to_string()))
}

/// Records `name` as the profile the next start comes back to.
fn remember_active<R: Runtime>(
    store: &Store<R>,
    paths: &AppPaths,
    name: &str,
) -> Result<(), ErrorPayload> {
    store.set(profiles::ACTIVE_KEY, profiles::active_to_store_value(name));
    store.save().map_err(|e| store_error(paths, e.to_string()))
}

/// Every profile, the Lab profile first (it exists from the first start).
#[tauri::command]
pub fn list_profiles<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Vec<Profile>, ErrorPayload> {
    let store = store(&app, &state.paths)?;
    let list = read(&store, &state.paths)?;
    // Persist the Lab profile on first start so the CLI sees the same list.
    if store.get(profiles::STORE_KEY).is_none() {
        write(&store, &state.paths, &list, None)?;
    }
    Ok(list)
}

/// Adds or edits a profile (`previous`: its name before an edit, so a rename replaces it and
/// the next start still finds it when it is the active one).
#[tauri::command]
pub fn save_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    secrets: State<'_, SessionSecrets>,
    profile: Profile,
    previous: Option<String>,
) -> Result<Vec<Profile>, ErrorPayload> {
    let store = store(&app, &state.paths)?;
    let active = profiles::active_after_edit(
        store.get(profiles::ACTIVE_KEY).as_ref(),
        previous.as_deref(),
        &profile.name,
    );
    let list = profiles::upsert(
        read(&store, &state.paths)?,
        profile.clone(),
        previous.as_deref(),
    )?;
    write(&store, &state.paths, &list, active)?;
    state.profile_saved(
        previous.as_deref(),
        &profile,
        secrets.exchange(&profile.name),
    );
    Ok(list)
}

/// Removes a profile; when it was the active one, the Lab profile is active again.
#[tauri::command]
pub fn remove_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<Profile>, ErrorPayload> {
    let store = store(&app, &state.paths)?;
    let list = profiles::remove(read(&store, &state.paths)?, &name)?;
    let active = profiles::active_after_removal(store.get(profiles::ACTIVE_KEY).as_ref(), &name);
    write(&store, &state.paths, &list, active)?;
    state.profile_removed(&name, &list);
    Ok(list)
}

/// "Connect and read the organization name" with a throwaway session for this profile; the
/// app's own session is left alone.
#[tauri::command]
pub async fn test_profile(
    state: State<'_, AppState>,
    secrets: State<'_, SessionSecrets>,
    profile: Profile,
) -> Result<ConnectionInfo, ErrorPayload> {
    profiles::validate_name(&profile.name)?;
    let session_only = secrets.exchange(&profile.name);
    let session = AppState::session_for(profile, &state.paths, session_only);
    Ok(session.connection().await?)
}

/// "Use this profile": the app's session becomes this saved profile's (read from the same
/// store the list comes from, so a profile edited in the form is used as saved), and the next
/// start comes back to it. Its shell starts on first use; the returned info is that first
/// connection.
#[tauri::command]
pub async fn use_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    secrets: State<'_, SessionSecrets>,
    name: String,
) -> Result<ConnectionInfo, ErrorPayload> {
    let store = store(&app, &state.paths)?;
    let profile = read(&store, &state.paths)?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or(EngineError::UnknownProfile(name))?;
    tracing::info!(profile = %profile.name, "switching the active profile");
    let session_only = secrets.exchange(&profile.name);
    let session = state.use_profile(profile, session_only);
    // Remembered even when the first connection fails: the header shows the switch and why.
    remember_active(&store, &state.paths, &session.profile().name)?;
    Ok(session.connection().await?)
}

/// The name of the profile the app's session uses (no connection needed).
#[tauri::command]
pub fn active_profile(state: State<'_, AppState>) -> String {
    state.session().profile().name.clone()
}
