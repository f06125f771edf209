//! What the CLI tests share: running the real `fedshare` binary on a data directory, reading
//! its JSON, and the lab example plan.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_fedshare");

/// The lab example plan, examples/contoso-lab.toml.
pub fn plan_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/contoso-lab.toml")
        .display()
        .to_string()
}

/// `fedshare --data-dir DATA ARGS...`, with no input.
pub fn fedshare(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run fedshare")
}

/// The same, which must succeed.
pub fn succeed(data: &Path, args: &[&str]) -> Output {
    let out = fedshare(data, args);
    assert!(
        out.status.success(),
        "fedshare {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Standard output as JSON (a failure shows both streams).
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The check `id` in a verification run's JSON (`results[]`).
pub fn check<'a>(run: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

/// The lab example plan with its `[dns]` section replaced by Windows DNS publication in
/// `zones` (a TOML array), written to `dir`; returns its path.
pub fn windows_plan(dir: &Path, zones: &str) -> String {
    let example = std::fs::read_to_string(plan_path()).expect("the example plan");
    let head = &example[..example.find("[dns]").expect("a [dns] section")];
    let path = dir.join("windows-dns.toml");
    std::fs::write(
        &path,
        format!(
            "{head}[dns]\nmode = \"windows\"\nserver = \"dc01.contoso.com\"\nzones = {zones}\n"
        ),
    )
    .expect("write the plan");
    path.display().to_string()
}
