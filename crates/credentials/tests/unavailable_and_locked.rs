//! The keychain missing or locked, produced for real in child processes: one with no D-Bus
//! session at all, one with its own gnome-keyring whose login keyring was locked over D-Bus.

// Linux keychains only (Secret Service, kernel keyring, D-Bus): on Windows this file is empty, so
// `cargo check --all-targets --target x86_64-pc-windows-gnu` and the Windows CI skip it.
#![cfg(target_os = "linux")]
// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

/// A session bus of the test's own that starts nothing on demand: without service
/// directories, no second keyring daemon or prompter can be activated behind the test's back
/// (a process the test did not start could outlive it and hold its output open).
const PRIVATE_BUS: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=BUS_DIR</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// Each step announces itself on stderr, so a failure names the step that went wrong. The
/// keyring daemon is asked to unlock (which creates the login keyring), the script waits until
/// it owns its bus name, locks the keyring through the Secret Service API, then runs the probe.
const LOCK_THEN_PROBE: &str = r#"set -eu
echo "step: start gnome-keyring-daemon" >&2
printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
echo "step: wait for org.freedesktop.secrets" >&2
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true && break
  sleep 0.1
done
echo "step: lock the login keyring" >&2
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
  org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login \
  >/dev/null
echo "step: probe" >&2
"$PROBE" round-trip secretService
"#;

#[test]
fn a_locked_keyring_is_reported_locked_and_never_prompts() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "config", "cache", "runtime", "bus"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::set_permissions(
        dir.path().join("runtime"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let bus_config = dir.path().join("bus.conf");
    let bus_dir = dir.path().join("bus");
    std::fs::write(
        &bus_config,
        PRIVATE_BUS.replace("BUS_DIR", &bus_dir.display().to_string()),
    )
    .unwrap();
    // Output goes to files and the test waits for `timeout` itself, not for the end of a
    // pipe: a daemon that outlived the session could otherwise hold it open forever.
    // `timeout` only guards against a hang (a regression that let keyring reach its unlock
    // prompt); it asserts nothing about speed. -k follows with SIGKILL if SIGTERM is ignored.
    let stdout = dir.path().join("stdout");
    let stderr = dir.path().join("stderr");
    let status = Command::new("timeout")
        .args(["-k", "5", "120", "dbus-run-session"])
        .arg(format!("--config-file={}", bus_config.display()))
        .args(["--", "bash", "-c", LOCK_THEN_PROBE])
        .env("PROBE", PROBE)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_RUNTIME_DIR", dir.path().join("runtime"))
        .env_remove("DISPLAY")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .status()
        .expect("timeout, dbus-run-session and bash run");
    let out = Output {
        status,
        stdout: std::fs::read(&stdout).unwrap(),
        stderr: std::fs::read(&stderr).unwrap(),
    };
    assert!(
        !matches!(status.code(), Some(124 | 137)),
        "the locked-keyring script hung; its last step:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let error = &json(&out)["error"];
    assert_eq!(error["code"], "credentials.locked", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("is locked"), "{message}");
    assert!(message.contains("for this session only"), "{message}");
}
