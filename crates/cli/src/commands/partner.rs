//! `fedshare partner info`: what a partner's Autodiscover publishes, as Exchange would find it.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use fedshare_dns::PartnerDiscovery;
use fedshare_engine::EngineError;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Run GetFederationInformation discovery for a partner domain (the same order of URLs
    /// Exchange uses) and show every attempt and the values a relationship needs.
    Info(InfoArgs),
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    pub domain: String,
    /// Resolve host names only through these DNS servers (ADDR or ADDR:PORT; repeatable).
    #[arg(long = "resolver", value_name = "ADDR:PORT")]
    pub resolvers: Vec<String>,
    /// Trust this CA (PEM) in addition to the operating system's store, for this run.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
}

pub async fn run(global: &Global, cmd: PartnerCommand) -> Outcome {
    match cmd {
        PartnerCommand::Info(args) => Outcome::from(global.json, info(global, args).await),
    }
}

async fn info(global: &Global, args: InfoArgs) -> Result<Output, EngineError> {
    // Discovery needs no Exchange: no shell host is started, whatever the profile.
    let choice = super::network_choice(&args.resolvers, args.ca_file.as_deref())?;
    let network = super::standalone_network(global, choice).await?;
    let discovery = fedshare_engine::partners::discover_in(&network, &args.domain).await?;
    let mut out = Output::new(&discovery, render(&discovery));
    out.findings = discovery.result.is_none();
    Ok(out)
}

fn render(d: &PartnerDiscovery) -> String {
    let mut out = format!(
        "Federation information for {} ({} ms)\n",
        d.domain, d.elapsed_ms
    );
    for attempt in &d.attempts {
        let _ = writeln!(
            out,
            "  {} {}  → {}",
            attempt.method, attempt.url, attempt.summary
        );
    }
    match &d.result {
        Some(info) => {
            let _ = writeln!(
                out,
                "TargetApplicationUri : {}",
                info.target_application_uri
            );
            let _ = writeln!(
                out,
                "TargetAutodiscoverEpr: {}",
                info.target_autodiscover_epr
            );
            let _ = writeln!(
                out,
                "DomainNames          : {}",
                info.domain_names.join(", ")
            );
            let _ = writeln!(
                out,
                "TokenIssuerUris      : {}",
                info.token_issuer_uris.join(", ")
            );
            if let Some(offset) = d.clock_offset_seconds {
                let _ = writeln!(
                    out,
                    "Server clock         : {offset:+} s against this computer (HTTP Date)"
                );
            }
            if let Some(exo) = &info.exchange_online {
                let _ = writeln!(
                    out,
                    "Hosted in {exo}: organization relationships with it move to cross-tenant access policies."
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "No valid answer: Exchange would fail with \"Federation information could not be received from the external organization.\""
            );
        }
    }
    for warning in &d.warnings {
        let _ = writeln!(out, "  ! {warning}");
    }
    out
}
