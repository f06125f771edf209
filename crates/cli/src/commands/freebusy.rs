//! `fedshare freebusy --from USER@OURDOMAIN --to USER@PARTNERDOMAIN`: the free/busy proof, the
//! request users make (EWS GetUserAvailability to our own EWS, one day, FreeBusy view). Exit 0
//! when free/busy data came back, 1 when it did not (with the decoded cause), 2 for usage.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use fedshare_engine::freebusy::{FreeBusyProof, FreeBusyRequest, ProofResult};
use fedshare_engine::EngineError;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct FreeBusyArgs {
    /// Our mailbox that asks (its address must be in a federated domain). EWS is signed in to
    /// with the profile's stored Exchange credential; when that account is not this mailbox,
    /// it asks on its behalf (EWS impersonation).
    #[arg(long, value_name = "USER@OURDOMAIN", value_parser = mailbox)]
    pub from: String,
    /// The partner's mailbox asked about.
    #[arg(long, value_name = "USER@PARTNERDOMAIN", value_parser = mailbox)]
    pub to: String,
    /// Resolve host names only through these DNS servers (ADDR or ADDR:PORT; repeatable).
    #[arg(long = "resolver", value_name = "ADDR:PORT")]
    pub resolvers: Vec<String>,
    /// Trust this CA (PEM) in addition to the operating system's store, for this run.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
}

fn mailbox(text: &str) -> Result<String, String> {
    if fedshare_engine::freebusy::is_mailbox_address(text) {
        Ok(text.trim().to_owned())
    } else {
        Err("expected a mailbox address, e.g. alexw@contoso.com".into())
    }
}

pub async fn run(global: &Global, args: FreeBusyArgs) -> Outcome {
    Outcome::from(global.json, prove(global, args).await)
}

async fn prove(global: &Global, args: FreeBusyArgs) -> Result<Output, EngineError> {
    let choice = super::network_choice(&args.resolvers, args.ca_file.as_deref())?;
    let session = super::session(global)?;
    let request = FreeBusyRequest {
        from: args.from,
        to: args.to,
    };
    let proof = fedshare_engine::freebusy::prove(&session, &choice, &request).await?;
    let mut out = Output::new(&proof, render(&proof));
    out.findings = !proof.succeeded();
    Ok(out)
}

fn render(p: &FreeBusyProof) -> String {
    let mut out = format!(
        "Free/busy of {} for {} on {} (UTC), asked through {}\n",
        p.to, p.from, p.day, p.ews_url
    );
    if let Some(user) = &p.signed_in_as {
        let how = if p.impersonated {
            " (on behalf of the --from mailbox)"
        } else {
            ""
        };
        let _ = writeln!(out, "Signed in as {user}{how}");
    }
    match &p.result {
        ProofResult::FreeBusy { data } => {
            let _ = writeln!(
                out,
                "OK: free/busy came back ({} view, {} busy period(s){})",
                data.view_type,
                data.slots.len(),
                p.elapsed_ms
                    .map(|ms| format!(", {ms} ms"))
                    .unwrap_or_default()
            );
            for slot in &data.slots {
                let _ = writeln!(out, "  {} – {}  {}", slot.start, slot.end, slot.busy_type);
            }
        }
        ProofResult::Refused { error, diagnosis } => {
            let code = error
                .exception_code
                .map(|c| format!(" / {c}"))
                .unwrap_or_default();
            let _ = writeln!(out, "FAILED: {}{code}", error.response_code);
            let _ = writeln!(out, "  Exchange: {}", error.message_text);
            if let Some(source) = &error.response_source {
                let _ = writeln!(out, "  From:     {source}");
            }
            if let Some(server) = &error.exception_server_name {
                let _ = writeln!(out, "  Server:   {server}");
            }
            let _ = writeln!(out, "  Cause:    {}", diagnosis.cause);
            let _ = writeln!(out, "  Fix:      {}", diagnosis.fix);
            if let Some(event) = diagnosis.event_id {
                let _ = writeln!(
                    out,
                    "  Look for: MSExchange Availability event {event} on our server"
                );
            }
            let _ = writeln!(
                out,
                "  More:     fedshare explain \"{}{}\"",
                error.response_code,
                error
                    .exception_code
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default()
            );
        }
        ProofResult::NotAnswered { code, cause, fix } => {
            let _ = writeln!(out, "FAILED: {code}");
            let _ = writeln!(out, "  Cause: {cause}");
            let _ = writeln!(out, "  Fix:   {fix}");
        }
    }
    out.push_str(
        "The reverse direction needs the partner to run the same proof from their side (the partner kit says how).\n",
    );
    out
}
