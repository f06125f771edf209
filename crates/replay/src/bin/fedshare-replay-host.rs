//! `fedshare-replay-host --scenario FILE --transcript FILE [--latency-ms N]`: a shell host that
//! answers from a scenario as a real Exchange 2013 remote session would (see the crate docs).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use fedshare_model::ErrorCode;
use fedshare_replay::host::{self, HostOptions};
use fedshare_replay::{transcript, Scenario};

#[derive(Debug, Parser)]
#[command(
    name = "fedshare-replay-host",
    about = "Replays a real Exchange 2013 over the shell protocol"
)]
struct Args {
    /// The scenario file (scenario.toml).
    #[arg(long)]
    scenario: PathBuf,
    /// Where the invocations received are written, one JSON line each.
    #[arg(long)]
    transcript: PathBuf,
    /// Milliseconds added before each answer (a remote session's round trip).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

fn main() {
    let args = Args::parse();
    let outcome = Scenario::load(&args.scenario).and_then(|scenario| {
        let mut writer = transcript::Writer::create(&args.transcript)?;
        let options = HostOptions {
            latency: Duration::from_millis(args.latency_ms),
        };
        let stdin = std::io::stdin();
        host::serve(
            scenario,
            stdin.lock(),
            std::io::stdout().lock(),
            &mut writer,
            &options,
        )
    });
    if let Err(e) = outcome {
        eprintln!("fedshare-replay-host: {} ({})", e, e.code());
        std::process::exit(2);
    }
}
