//! `fedshare lab break` / `lab fix` against a `fedshare lab serve` that is already running:
//! the running lab DNS server answers with the break at once (checked through it with
//! `fedshare dns check --resolver` and `fedshare verify --resolver`), and without it after the
//! fix, with no restart.

mod common;

use common::{fedshare, json, succeed, BIN};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `fedshare lab serve` in the background; killed on drop.
struct Serve(Child);

impl Serve {
    /// Starts it and returns it with the DNS address it printed.
    fn start(data: &Path) -> (Serve, String) {
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["lab", "serve"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn lab serve");
        let stdout = child.stdout.take().expect("stdout");
        let serve = Serve(child);
        let mut dns = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            if let Some(addr) = line.strip_prefix("Lab DNS (UDP+TCP):") {
                dns = Some(addr.trim().to_owned());
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        (serve, dns.expect("serve prints its DNS address"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `fedshare dns check contoso.com` asking only the running serve's DNS server: the exit
/// code and the status of the proof TXT record.
fn proof_status(data: &Path, dns: &str) -> (Option<i32>, String) {
    let out = fedshare(
        data,
        &["--json", "dns", "check", "contoso.com", "--resolver", dns],
    );
    let status = json(&out)["proof"]["status"]
        .as_str()
        .expect("proof status")
        .to_owned();
    (out.status.code(), status)
}

#[test]
fn breaks_and_fixes_reach_a_running_lab_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    succeed(data, &["lab", "init"]);
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/contoso-lab.toml"
    );
    succeed(data, &["apply", plan, "--yes"]);

    let (_serve, dns) = Serve::start(data);
    assert_eq!(proof_status(data, &dns), (Some(0), "match".to_owned()));

    succeed(data, &["lab", "break", "proof-mistyped"]);
    assert_eq!(
        proof_status(data, &dns),
        (Some(1), "mismatch".to_owned()),
        "the running server serves the mistyped proof"
    );
    let out = fedshare(data, &["--json", "verify", "--resolver", &dns]);
    assert_eq!(out.status.code(), Some(1), "a failure exits 1");
    let run = json(&out);
    let proof = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["id"] == "domain.proof:contoso.com")
        .expect("the proof check");
    assert_eq!(proof["status"], "failure", "{proof}");

    succeed(data, &["lab", "fix", "proof-mistyped"]);
    assert_eq!(proof_status(data, &dns), (Some(0), "match".to_owned()));
}
