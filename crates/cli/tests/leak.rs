//! A secret stored in the real OS keychain travels to the shell host and nowhere else: not into
//! a file, a log line, the output, or a child process's command line or environment.
//!
//! Needs a keychain: `make test` runs the suite inside `dbus-run-session` with an unlocked
//! gnome-keyring and a kernel session keyring.

mod common;

use common::{plan_path, BIN};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const MARKER: &str = "FedshareLeakMarker-7d1f93c2-Pa55w0rd";
const PROFILE: &str = "Lab";

fn command(data: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data)
        .arg("-vvv")
        .env("FEDSHARE_LOG", "debug");
    cmd
}

/// Runs one command, watching its children while it runs: their command lines and
/// environments must not hold the secret.
fn run_watched(data: &Path, args: &[&str], transcript: &mut String) {
    let mut child = command(data)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fedshare");
    let pid = child.id();
    // Drained while the command runs: a full pipe would stop it (verify's JSON is large).
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let mut children_seen = 0;
    while child.try_wait().expect("wait").is_none() {
        for proc_dir in children_of(pid) {
            children_seen += 1;
            for file in ["cmdline", "environ"] {
                let bytes = std::fs::read(proc_dir.join(file)).unwrap_or_default();
                assert!(
                    !contains(&bytes, MARKER),
                    "the secret is in a child's {file}: {args:?}"
                );
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait().expect("wait");
    let stdout = stdout.join().expect("stdout");
    let stderr = stderr.join().expect("stderr");
    assert!(
        status.success(),
        "fedshare {args:?}: {}",
        String::from_utf8_lossy(&stderr)
    );
    transcript.push_str(&String::from_utf8_lossy(&stdout));
    transcript.push_str(&String::from_utf8_lossy(&stderr));
    // Commands that need Exchange start the host (whose command line and environment were
    // scanned above); DNS work and the journal's undo script need none. `credentials test`
    // may or may not, depending on the purpose.
    match args {
        ["credentials", ..] => {}
        ["dns", ..] | ["script", _, "--undo"] => {
            assert_eq!(
                children_seen, 0,
                "{args:?} started a process it does not need"
            )
        }
        _ => assert!(
            children_seen > 0,
            "no child process was observed for {args:?}"
        ),
    }
}

fn children_of(pid: u32) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            std::fs::read_to_string(p.join("stat"))
                .ok()
                .and_then(|stat| {
                    // Field 4 (after the parenthesised name) is the parent pid.
                    let rest = stat.rsplit_once(')')?.1;
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn scan_files(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            scan_files(&path, found);
        } else if contains(&std::fs::read(&path).unwrap_or_default(), MARKER) {
            found.push(path.display().to_string());
        }
    }
}

#[test]
fn a_stored_secret_reaches_the_host_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // Store the secret the way an administrator does: on stdin, never as an argument.
    let mut set = command(data)
        .args([
            "credentials",
            "set",
            "--profile",
            PROFILE,
            "--purpose",
            "exchange",
            "--user",
            "CONTOSO\\fedadmin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(set.stdin.take().unwrap(), "{MARKER}").unwrap();
    let out = set.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "storing the credential needs an unlocked keychain (run through `make test`): {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut transcript = String::new();
    let plan = plan_path();
    let report_html = data.join("report.html").display().to_string();
    let report_pdf = data.join("report.pdf").display().to_string();
    let report_json = data.join("report.json").display().to_string();
    for args in [
        vec!["status"],
        vec!["apply", plan.as_str(), "--yes"],
        vec!["plan", plan.as_str(), "--json"],
        vec!["script", plan.as_str(), "--undo"],
        vec!["dns", "check", "contoso.com", "--json"],
        vec!["verify", "--json"],
        vec!["report", "-o", report_html.as_str()],
        vec!["report", "-o", report_pdf.as_str()],
        vec!["report", "-o", report_json.as_str()],
        vec!["undo", "--yes"],
        vec![
            "credentials",
            "test",
            "--profile",
            PROFILE,
            "--purpose",
            "exchange",
        ],
    ] {
        run_watched(data, &args, &mut transcript);
    }

    // The secret was really in play: the host got a credential for this user.
    assert!(
        transcript.contains("lab host received a credential") && transcript.contains("fedadmin"),
        "the credential never reached the host; transcript:\n{transcript}"
    );
    assert!(
        !transcript.contains(MARKER),
        "the secret is in the output or the logs"
    );
    let mut files = Vec::new();
    scan_files(data, &mut files);
    assert!(files.is_empty(), "the secret is in files: {files:?}");

    let out = command(data)
        .args([
            "credentials",
            "forget",
            "--profile",
            PROFILE,
            "--purpose",
            "exchange",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
}
