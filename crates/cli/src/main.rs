//! `fedshare`: the command-line interface over the Fedshare engine.
//!
//! Exit codes: 0 success, 1 findings or failure, 2 usage error (clap's own code).

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The lab host speaks the protocol on stdout: it must never log there.
    fedshare_engine::logging::init_stderr(cli.global.verbose);
    // The lab host runs its own runtime (for the lab network), so it starts outside ours.
    if let Command::LabHost { data_dir } = cli.command {
        return output::finish(commands::lab::host(&cli.global, data_dir));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fedshare: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(dispatch(cli));
    output::finish(outcome)
}

async fn dispatch(cli: Cli) -> output::Outcome {
    let global = cli.global;
    match cli.command {
        Command::Status => commands::status::run(&global).await,
        Command::LabHost { .. } => unreachable!("handled before the runtime starts"),
        Command::Lab(cmd) => commands::lab::run(&global, cmd).await,
    }
}
