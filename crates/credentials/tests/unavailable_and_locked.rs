//! The keychain missing or locked, produced for real in child processes: one with no D-Bus
//! session at all, one with its own gnome-keyring whose login keyring was locked over D-Bus.

// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::HOW_TO_RUN;
use serde_json::Value;

const PROBE: &str = env!("CARGO_BIN_EXE_fedshare-keychain-probe");

fn json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "probe printed no JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Points the child at a bus address where nothing listens, and removes DISPLAY so libdbus
/// cannot autolaunch a bus instead.
fn without_bus<'a>(cmd: &'a mut Command, dir: &Path) -> &'a mut Command {
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", dir.join("no-bus").display()),
    )
    .env_remove("DISPLAY")
}

#[test]
fn no_session_bus_means_secret_service_unavailable_with_clear_advice() {
    let dir = tempfile::tempdir().unwrap();
    let out = without_bus(&mut Command::new(PROBE), dir.path())
        .output()
        .unwrap();
    let status = json(&out);
    let ss = &status["status"]["probes"][0];
    assert_eq!(ss["backend"], "secretService", "{status}");
    assert_eq!(ss["available"], false, "{status}");
    let reason = ss["reason"].as_str().unwrap();
    assert!(
        reason.contains("no Secret Service on the D-Bus session bus"),
        "{reason}"
    );

    let out = without_bus(
        Command::new(PROBE).args(["round-trip", "secretService"]),
        dir.path(),
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "credentials.unavailable", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("No keychain is available ("),
        "{message}"
    );
    assert!(message.contains("Start gnome-keyring"), "{message}");
    assert!(
        message.ends_with("or use the credential for this session only."),
        "{message}"
    );
}

#[test]
fn without_a_bus_the_kernel_keyring_is_chosen_when_the_session_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = without_bus(&mut Command::new(PROBE), dir.path())
        .output()
        .unwrap();
    let status = json(&out);
    assert_eq!(
        status["status"]["backend"], "kernelKeyring",
        "{status}\n\n{HOW_TO_RUN}"
    );
}

#[test]
fn a_locked_keyring_is_reported_locked_and_never_prompts() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "config", "cache", "runtime"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::set_permissions(
        dir.path().join("runtime"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    // A private bus and daemon: start unlocked (creates the login keyring), lock it through
    // the Secret Service API, then ask the probe. `timeout` only guards against a hang if a
    // regression let keyring reach its unlock prompt; it asserts nothing about speed.
    let script = format!(
        "printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
         dbus-send --session --print-reply --dest=org.freedesktop.secrets \
           /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock \
           array:objpath:/org/freedesktop/secrets/collection/login >/dev/null && \
         {PROBE} round-trip secretService"
    );
    let out = Command::new("timeout")
        .args(["120", "dbus-run-session", "--", "bash", "-c", &script])
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_RUNTIME_DIR", dir.path().join("runtime"))
        .env_remove("DISPLAY")
        .output()
        .expect("timeout, dbus-run-session and bash run");
    assert_ne!(
        out.status.code(),
        Some(124),
        "the probe hung on a locked keyring"
    );
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "credentials.locked", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("is locked"), "{message}");
    assert!(message.contains("for this session only"), "{message}");
}
