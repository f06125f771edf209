//! Shell-protocol throughput: 2,000 read invocations through one long-lived lab host, beside a
//! baseline that starts a new host process for every invocation (spawn + hello + invoke +
//! shutdown), which is what a client without a persistent host would pay.
//!
//! `cargo build --release -p fedshare-cli && cargo bench -p fedshare-exchange --bench protocol`
//!
//! Prints figures with their targets and PASS/MISS; a miss is a figure, not a failure, so the
//! process exits 0 whenever the measurement itself could run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use fedshare_exchange::protocol::{HelloRequest, PROTOCOL_VERSION};
use fedshare_exchange::{ClientOptions, HostCommand, Invocation, ShellClient};

/// Invocations through the one persistent host.
const PERSISTENT_COUNT: usize = 2_000;
/// Invocations in the per-process baseline; each costs a full host start, so fewer suffice.
const BASELINE_COUNT: usize = 50;
/// Read cmdlets sent round-robin; all are side-effect free so every run sees the same world.
const READS: &[&str] = &[
    "Get-FederationTrust",
    "Get-AcceptedDomain",
    "Get-SharingPolicy",
];
/// Target throughput of the persistent host, invocations per second.
const TARGET_RATE: f64 = 1_000.0;
/// Target speed-up of the persistent host over the per-process baseline.
const TARGET_RATIO: f64 = 50.0;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let host = match lab_host_binary() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    match run(&host).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("protocol benchmark could not run: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(host: &Path) -> Result<(), String> {
    let data = tempfile::tempdir().map_err(|e| format!("temp data dir: {e}"))?;
    let command = host_command(host, data.path());

    // Creating the lab world (keys, zones) happens on the first start only; do it before any
    // clock runs so both measurements see an existing world, as a user's second run would.
    let mut client = connect(&command).await?;
    for cmdlet in READS {
        invoke(&mut client, cmdlet).await?;
    }

    let persistent = time_persistent(&mut client).await?;
    client.shutdown().await;
    let baseline = time_per_process(&command).await?;

    report(persistent, baseline);
    Ok(())
}

/// `PERSISTENT_COUNT` invocations through one connected client.
async fn time_persistent(client: &mut ShellClient) -> Result<Duration, String> {
    let started = Instant::now();
    for i in 0..PERSISTENT_COUNT {
        invoke(client, READS[i % READS.len()]).await?;
    }
    Ok(started.elapsed())
}

/// `BASELINE_COUNT` invocations, each with its own host process from spawn to exit.
async fn time_per_process(command: &HostCommand) -> Result<Duration, String> {
    let started = Instant::now();
    for i in 0..BASELINE_COUNT {
        let mut client = connect(command).await?;
        invoke(&mut client, READS[i % READS.len()]).await?;
        client.shutdown().await;
    }
    Ok(started.elapsed())
}

fn report(persistent: Duration, baseline: Duration) {
    let rate = PERSISTENT_COUNT as f64 / persistent.as_secs_f64();
    let baseline_rate = BASELINE_COUNT as f64 / baseline.as_secs_f64();
    let ratio = rate / baseline_rate;
    println!(
        "protocol benchmark: lab host over JSON lines, reads {}",
        READS.join(", ")
    );
    line(
        &format!("one host, {PERSISTENT_COUNT} invocations"),
        &format!("{:.3} s", persistent.as_secs_f64()),
        &format!("{rate:.1}/s"),
        &format!(">= {TARGET_RATE:.0}/s  {}", verdict(rate >= TARGET_RATE)),
    );
    line(
        &format!("host per invocation, {BASELINE_COUNT}"),
        &format!("{:.3} s", baseline.as_secs_f64()),
        &format!("{baseline_rate:.1}/s"),
        "baseline",
    );
    line(
        "ratio",
        "",
        &format!("{ratio:.1}x"),
        &format!(
            ">= {TARGET_RATIO:.0}x    {}",
            verdict(ratio >= TARGET_RATIO)
        ),
    );
    // One machine-readable line for tests/bench.sh's summary table.
    println!("BENCH protocol rate={rate:.1} baseline_rate={baseline_rate:.2} ratio={ratio:.1}");
}

fn line(what: &str, elapsed: &str, figure: &str, target: &str) {
    println!("  {what:<32} {elapsed:>9} {figure:>14}   {target}");
}

fn verdict(met: bool) -> &'static str {
    if met {
        "PASS"
    } else {
        "MISS"
    }
}

async fn connect(command: &HostCommand) -> Result<ShellClient, String> {
    let hello = HelloRequest {
        protocol: PROTOCOL_VERSION,
        connection_uri: None,
        credential: None,
        ..Default::default()
    };
    ShellClient::spawn(command.clone(), hello, ClientOptions::default())
        .await
        .map_err(|e| format!("starting the lab host: {e}"))
}

async fn invoke(client: &mut ShellClient, cmdlet: &str) -> Result<(), String> {
    client
        .invoke(&Invocation::new(cmdlet))
        .await
        .map(drop)
        .map_err(|e| format!("{cmdlet}: {e}"))
}

fn host_command(host: &Path, data_dir: &Path) -> HostCommand {
    HostCommand {
        program: host.display().to_string(),
        args: vec![
            "lab-host".to_owned(),
            "--data-dir".to_owned(),
            data_dir.display().to_string(),
        ],
        env_clear_secrets: true,
        preamble: None,
    }
}

/// The `fedshare` CLI built into the same profile directory as this bench:
/// `target/<profile>/deps/protocol-<hash>` → `target/<profile>/fedshare`.
fn lab_host_binary() -> Result<PathBuf, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot locate the bench binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("unexpected bench location {}", exe.display()))?;
    let host = profile_dir.join(format!("fedshare{}", std::env::consts::EXE_SUFFIX));
    if host.is_file() {
        Ok(host)
    } else {
        Err(format!(
            "the lab host binary {} is missing: build it first with \
             `cargo build --release -p fedshare-cli` (same CARGO_TARGET_DIR as the bench)",
            host.display()
        ))
    }
}
