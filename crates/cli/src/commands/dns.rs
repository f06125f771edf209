//! `fedshare dns check | publish`.

use std::fmt::Write as _;
use std::net::SocketAddr;

use clap::{Args, Subcommand};
use fedshare_dns::{
    check_domain, publish_record, DomainDnsReport, ExpectedProof, PublishMode, PublishType,
    RecordStatus, TsigAlgo, TsigKey, UpdateTarget,
};
use fedshare_engine::network;
use fedshare_engine::EngineError;
use fedshare_exchange::script::render_invocation;
use fedshare_exchange::windows_dns::{self, RecordData, Target};

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Subcommand)]
pub enum DnsCommand {
    /// Check the domain-proof TXT, the autodiscover CNAME and the _autodiscover._tcp SRV of a
    /// domain in every view: its authoritative servers, the system resolver, listed resolvers.
    Check(CheckArgs),
    /// Publish a record with a TSIG-signed RFC 2136 update (the key comes from the keychain),
    /// or with `--windows` in Windows DNS Server through the profile's PowerShell host.
    Publish(PublishArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    pub domain: String,
    /// Ask only these resolvers (ADDR or ADDR:PORT; repeatable): no system resolver, no
    /// authoritative walk, so the check is pinned to them.
    #[arg(long = "resolver", value_name = "ADDR:PORT")]
    pub resolvers: Vec<String>,
    /// The proof from Get-FederatedDomainProof the TXT record must equal (repeatable: current,
    /// next). `dns check` does not connect to Exchange: without this option a real
    /// organization's TXT record is only read, the lab's is compared with the lab's proofs.
    #[arg(long = "expect-proof", value_name = "PROOF")]
    pub proofs: Vec<String>,
    /// The host autodiscover.<domain> must lead to (your Internet-facing Client Access server).
    #[arg(long, value_name = "HOST")]
    pub expect_autodiscover: Option<String>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Create the record in Windows DNS Server with Add-DnsServerResourceRecord (DnsServer
    /// module), run by the profile's PowerShell host, instead of an RFC 2136 update.
    #[arg(long, conflicts_with = "key_name")]
    pub windows: bool,
    /// The DNS server that takes the update (ADDR or ADDR:PORT); with `--windows`, the DNS
    /// server's computer name (the host's own computer when omitted).
    #[arg(long, value_name = "ADDR:PORT", required_unless_present = "windows")]
    pub server: Option<String>,
    /// The zone the record belongs to.
    #[arg(long)]
    pub zone: String,
    /// The TSIG key name; its secret is read from the keychain (`fedshare credentials set --purpose dns`).
    #[arg(long, required_unless_present = "windows")]
    pub key_name: Option<String>,
    /// The record's owner name, e.g. contoso.com or autodiscover.contoso.com.
    #[arg(long)]
    pub name: String,
    /// Publish this TXT value (the domain proof).
    #[arg(long, conflicts_with = "cname", required_unless_present = "cname")]
    pub txt: Option<String>,
    /// Point the name at this host with a CNAME.
    #[arg(long)]
    pub cname: Option<String>,
}

pub async fn run(global: &Global, cmd: DnsCommand) -> Outcome {
    match cmd {
        DnsCommand::Check(args) => Outcome::from(global.json, check(global, args).await),
        DnsCommand::Publish(args) => Outcome::from(global.json, publish(global, args).await),
    }
}

pub fn parse_resolvers(list: &[String]) -> Result<Vec<SocketAddr>, EngineError> {
    list.iter()
        .map(|r| fedshare_engine::net::socket_addr(r, 53))
        .collect()
}

async fn check(global: &Global, args: CheckArgs) -> Result<Output, EngineError> {
    // A DNS check needs no Exchange: no shell host is started, whatever the profile.
    let choice = super::network_choice(&args.resolvers, None)?;
    let network = super::standalone_network(global, choice).await?;
    let mut opts = network.check_options()?;
    opts.expected_proofs = if args.proofs.is_empty() {
        lab_proofs(global, &args.domain)?
    } else {
        args.proofs
            .iter()
            .enumerate()
            .map(|(i, proof)| ExpectedProof {
                slot: if i == 0 { "current" } else { "next" }.into(),
                proof: proof.clone(),
            })
            .collect()
    };
    let proof_expected = !opts.expected_proofs.is_empty();
    opts.expected_autodiscover_target = args.expect_autodiscover;
    let report = check_domain(&args.domain, &opts).await?;
    let mut out = Output::new(&report, render(&report));
    out.findings = has_problems(&report, proof_expected);
    Ok(out)
}

/// For the lab, the proofs it expects for each certificate slot (its Get-FederatedDomainProof,
/// read in this process), so the TXT record is compared exactly. None for a real organization
/// (that would need its shell: `--expect-proof` gives them) or without a trust.
fn lab_proofs(global: &Global, domain: &str) -> Result<Vec<ExpectedProof>, EngineError> {
    let paths = super::paths(global);
    if !fedshare_engine::profiles::find(&paths, &global.profile)?.is_lab() {
        return Ok(Vec::new());
    }
    let rows = network::lab_domain_proofs(&paths, domain);
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(ExpectedProof {
                slot: row.get("Name")?.as_str().unwrap_or_default().to_owned(),
                proof: row.get("Proof")?.as_str()?.to_owned(),
            })
        })
        .collect())
}

/// A missing or wrong record is a finding; an SRV record is optional.
fn has_problems(report: &DomainDnsReport, proof_expected: bool) -> bool {
    let bad = |s: RecordStatus| {
        matches!(
            s,
            RecordStatus::Mismatch | RecordStatus::Partial | RecordStatus::Error
        )
    };
    bad(report.proof.status)
        || (proof_expected && report.proof.status == RecordStatus::Missing)
        || bad(report.autodiscover.status)
        || report.autodiscover.status == RecordStatus::Missing
}

fn render(report: &DomainDnsReport) -> String {
    let mut out = format!("DNS for {} ({} ms)\n", report.domain, report.elapsed_ms);
    for record in report.records() {
        let _ = writeln!(
            out,
            "  {} {}  {}",
            record.record_type, record.name, record.status
        );
        if !record.expected.is_empty() {
            let _ = writeln!(out, "    expected: {}", record.expected.join(" | "));
        }
        for view in &record.views {
            let server = if view.view.label == view.view.server {
                view.view.server.clone()
            } else {
                format!("{} ({})", view.view.label, view.view.server)
            };
            let _ = writeln!(
                out,
                "    {} {server}: {}  [{}]",
                view.view.kind, view.answer, view.status
            );
            if let Some(hint) = &view.hint {
                let _ = writeln!(out, "      {hint}");
            }
        }
    }
    for finding in &report.findings {
        let _ = writeln!(out, "  ! {} ({})", finding.message, finding.code);
    }
    out
}

async fn publish(global: &Global, args: PublishArgs) -> Result<Output, EngineError> {
    if args.windows {
        return publish_windows(global, args).await;
    }
    let session = super::session(global)?;
    let (Some(server), Some(key_name)) = (&args.server, args.key_name) else {
        unreachable!("clap requires --server and --key-name without --windows")
    };
    let server = fedshare_engine::net::socket_addr(server, 53)?;
    let key = TsigKey {
        name: key_name,
        algorithm: TsigAlgo::HmacSha256,
        secret: session.dns_key_secret()?,
    };
    let (record_type, value, mode) = match (args.txt, args.cname) {
        (Some(txt), _) => (PublishType::Txt, txt, PublishMode::Add),
        (None, Some(cname)) => (PublishType::Cname, cname, PublishMode::ReplaceRrset),
        (None, None) => unreachable!("clap requires --txt or --cname"),
    };
    let record = fedshare_dns::DnsRecord {
        zone: args.zone,
        name: args.name,
        record_type,
        value,
        ttl: 3600,
    };
    let target = UpdateTarget {
        server,
        key,
        timeout: std::time::Duration::from_secs(5),
    };
    let report = publish_record(&target, &record, &mode).await?;
    let text = format!(
        "Published {} {:?} {} at {} ({})\n",
        report.record.name,
        report.record.record_type,
        report.record.value,
        report.server,
        report.rcode
    );
    Ok(Output::new(&report, text))
}

/// The record as one `Add-DnsServerResourceRecord` invocation through the profile's host.
async fn publish_windows(global: &Global, args: PublishArgs) -> Result<Output, EngineError> {
    let session = super::session(global)?;
    let data = match (&args.txt, &args.cname) {
        (Some(txt), _) => RecordData::Txt(txt),
        (None, Some(cname)) => RecordData::Cname(cname),
        (None, None) => unreachable!("clap requires --txt or --cname"),
    };
    let target = Target {
        zone: &args.zone,
        computer_name: args.server.as_deref(),
    };
    let invocation = windows_dns::add_record(target, &args.name, data, 3600);
    let output = session.invoke(&invocation).await?;
    let line = render_invocation(&invocation);
    let text = format!("Published {} in Windows DNS: {line}\n", args.name);
    Ok(Output::new(
        &serde_json::json!({ "invocation": line, "output": output }),
        text,
    ))
}
