//! The command line, declared once with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "fedshare",
    version,
    about = "Configure and verify Exchange Server 2013 federated sharing",
    long_about = "Configure and verify Exchange Server 2013 federated sharing: the federation trust, \
organization relationships, sharing policies and the Autodiscover DNS record.\n\n\
Without a profile, commands run against the embedded lab organization (Contoso).\n\
Exit codes: 0 success, 1 findings or failure, 2 usage error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Print machine-readable JSON on stdout (stable shape) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// The connection profile to use (see the app's Connection page); the lab organization by default.
    #[arg(long, global = true, value_name = "NAME", env = "FEDSHARE_PROFILE", default_value = fedshare_engine::profile::LAB_PROFILE)]
    pub profile: String,
    /// Keep all Fedshare files (lab state, journals, profiles) under this folder.
    #[arg(long, global = true, value_name = "DIR", env = "FEDSHARE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the organization's federation state: trust, organization identifier, federated
    /// domains, organization relationships and sharing policies.
    Status,
    /// The federation certificate after setup: days left (`status`), the guided roll to a
    /// new certificate (`roll`), the metadata refresh task (`refresh-task`).
    #[command(subcommand)]
    Certificate(crate::commands::certificate::CertificateCommand),
    /// Take sharing down as a removal file says (examples/contoso-remove.toml): turn a
    /// partner off, or remove relationships, sharing policies, federated domains (the account
    /// namespace last) and the trust, in the order Exchange accepts; what Exchange would
    /// refuse is refused first with its reason. Review, --dry-run, --script, --yes, journal and
    /// resume as for apply.
    Remove(crate::commands::remove::RemoveArgs),
    /// Show the steps a sharing plan needs against the organization, without changing anything.
    Plan(crate::commands::plan::PlanArgs),
    /// Apply a sharing plan: runs the steps with progress and a journal; resumes after an
    /// interruption and never creates a thing twice.
    Apply(crate::commands::plan::ApplyArgs),
    /// Reverse what the journal says was applied, newest first.
    Undo(crate::commands::plan::UndoArgs),
    /// Write a plan (or its undo) as a PowerShell script to review or run by hand.
    Script(crate::commands::plan::ScriptArgs),
    /// DNS records: check the domain-proof TXT and Autodiscover records across resolvers, or publish them.
    #[command(subcommand)]
    Dns(crate::commands::dns::DnsCommand),
    /// Partner organizations: what their Autodiscover publishes (GetFederationInformation).
    #[command(subcommand)]
    Partner(crate::commands::partner::PartnerCommand),
    /// Prove free/busy works with a partner: ask our own EWS (GetUserAvailability, one day,
    /// FreeBusy view) for a partner mailbox, as users do; exits 0 when free/busy came back,
    /// 1 with Exchange's error decoded into a cause and a fix.
    Freebusy(crate::commands::freebusy::FreeBusyArgs),
    /// Draw the relationship map: `-o map.svg` or `-o map.png`.
    Map(crate::commands::report::MapArgs),
    /// Export the setup report (`-o report.html|.pdf|.md|.json`) or a partner kit.
    Report(crate::commands::report::ReportArgs),
    /// Credentials in the OS keychain (Exchange admin, DNS update keys).
    #[command(subcommand)]
    Credentials(crate::commands::credentials::CredentialsCommand),
    /// Run every check (trust, domains, relationships, policies, DNS, Test-* cmdlets) and show
    /// evidence and fixes; exits 1 when a failure or warning is not acknowledged.
    Verify(crate::commands::verify::VerifyArgs),
    /// Explain an error text: likely causes, the checks that confirm each, the fixes.
    Explain(crate::commands::explain::ExplainArgs),
    /// Acknowledge a finding with a reason until a date (shown, not hidden, in reports).
    Ack(crate::commands::ack::AckArgs),
    /// Compare two saved verification runs (`fedshare verify --save FILE`).
    Drift(crate::commands::verify::DriftArgs),
    /// Manage the embedded lab world.
    #[command(subcommand)]
    Lab(LabCommand),
    /// Run the lab organization as a shell host on stdin/stdout (used by the engine).
    #[command(hide = true)]
    LabHost {
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Create the lab organization (keeps an existing one unless --reset).
    Init {
        /// Throw away the existing lab state and start again.
        #[arg(long)]
        reset: bool,
        /// Extra generated partner organizations, for scale tests.
        #[arg(long, default_value_t = 0)]
        partners: usize,
    },
    /// Make the lab break itself in one way, so diagnostics have something real to find.
    Break {
        #[arg(value_parser = break_names())]
        what: fedshare_lab::Break,
    },
    /// Undo one break, or every break with --all.
    Fix {
        #[arg(value_parser = break_names(), required_unless_present = "all")]
        what: Option<fedshare_lab::Break>,
        #[arg(long)]
        all: bool,
    },
    /// List the breaks currently applied.
    Breaks,
    /// Move the lab's clock: `fedshare lab clock +400d` ages every existing certificate by 400
    /// days (certificates made afterwards are fresh), so expiry warnings and the certificate
    /// roll can be tried; `--reset` returns to real time. Without an offset, shows the clock.
    Clock {
        /// Days to move forward, e.g. `+400d`, `400`, `-30d`.
        #[arg(allow_hyphen_values = true, value_parser = parse_days)]
        offset: Option<i64>,
        /// Back to real time (before applying the offset, if one is given).
        #[arg(long)]
        reset: bool,
    },
    /// Run the lab's DNS and HTTPS servers in the foreground and print their addresses.
    Serve {
        #[arg(long, default_value_t = 0)]
        dns_port: u16,
        #[arg(long, default_value_t = 0)]
        https_port: u16,
        #[arg(long, default_value_t = 0)]
        http_port: u16,
    },
}

/// `+400d`, `400`, `-30d` or `400days` as a number of days.
fn parse_days(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("days")
        .or_else(|| t.strip_suffix('d'))
        .unwrap_or(t);
    t.trim_start_matches('+')
        .parse::<i64>()
        .ok()
        .filter(|d| d.abs() <= 36_500)
        .ok_or_else(|| {
            format!("\"{text}\" is not a number of days such as +400d (at most 100 years)")
        })
}

/// The lab's break names, parsed straight into [`fedshare_lab::Break`].
fn break_names() -> impl clap::builder::TypedValueParser<Value = fedshare_lab::Break> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(fedshare_lab::Break::ALL.map(|b| b.name()))
        .map(|name| fedshare_lab::Break::from_name(&name).expect("clap allowed only known names"))
}
