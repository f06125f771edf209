//! `fedshare`: the command-line interface over the Fedshare engine.
//!
//! Exit codes: 0 success, 1 findings or failure, 2 usage error (clap's own code).

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, LabCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The lab host speaks the protocol on stdout: it must never log there.
    fedshare_engine::logging::init_stderr(cli.global.verbose);
    // The lab host and `lab serve` run their own runtime (for the lab network), so they start
    // outside ours.
    match &cli.command {
        Command::LabHost { data_dir } => {
            return output::finish(commands::lab::host(&cli.global, data_dir.clone()));
        }
        Command::Lab(LabCommand::Serve {
            dns_port,
            https_port,
            http_port,
        }) => {
            let ports = fedshare_lab::network::Ports {
                dns: *dns_port,
                https: *https_port,
                http: *http_port,
            };
            return output::finish(commands::lab::serve(&cli.global, ports));
        }
        _ => {}
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
        Command::Certificate(cmd) => commands::certificate::run(&global, cmd).await,
        Command::Remove(args) => commands::remove::run(&global, args).await,
        Command::Plan(args) => commands::plan::plan(&global, args).await,
        Command::Apply(args) => commands::plan::apply(&global, args).await,
        Command::Undo(args) => commands::plan::undo(&global, args).await,
        Command::Script(args) => commands::plan::script(&global, args).await,
        Command::Dns(cmd) => commands::dns::run(&global, cmd).await,
        Command::Partner(cmd) => commands::partner::run(&global, cmd).await,
        Command::Freebusy(args) => commands::freebusy::run(&global, args).await,
        Command::Map(args) => commands::report::map(&global, args).await,
        Command::Report(args) => commands::report::report(&global, args).await,
        Command::Credentials(cmd) => commands::credentials::run(&global, cmd),
        Command::Verify(args) => commands::verify::verify(&global, args).await,
        Command::Explain(args) => commands::explain::run(&global, args),
        Command::Ack(args) => commands::ack::run(&global, args),
        Command::Drift(args) => commands::verify::drift(&global, args),
        Command::LabHost { .. } => unreachable!("handled before the runtime starts"),
        Command::Lab(cmd) => commands::lab::run(&global, cmd).await,
    }
}
