//! The lab host process: JSON lines on stdin/stdout, the same protocol the PowerShell host
//! speaks, answered by the lab [`Shell`] with its output as CLIXML ([`crate::present`]).

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use fedshare_exchange::protocol::{
    HelloReply, HostMessage, HostReply, LabEndpoints, Request, Response, ShellError,
    PROTOCOL_VERSION,
};

use crate::cmdlets::Shell;
use crate::crypto::GeneratedKeys;
use crate::error::LabError;
use crate::live::LiveWorld;
use crate::network::{LabNetwork, Ports};
use crate::proof::ZoneDataVerifier;

/// One lab host session: the live world and the endpoints it announces.
#[derive(Debug)]
pub struct LabHost {
    live: Arc<LiveWorld>,
    endpoints: Option<LabEndpoints>,
}

impl LabHost {
    /// A host without a lab network (proofs are read from the zone data).
    pub fn new(shell: Shell, data_dir: &Path, endpoints: Option<LabEndpoints>) -> Self {
        Self::with_live(Arc::new(LiveWorld::new(shell, data_dir)), endpoints)
    }

    /// A host over a world that is shared (e.g. with a running [`LabNetwork`]).
    pub fn with_live(live: Arc<LiveWorld>, endpoints: Option<LabEndpoints>) -> Self {
        Self { live, endpoints }
    }

    pub fn live(&self) -> &Arc<LiveWorld> {
        &self.live
    }

    /// Answers messages until `bye` or end of input. Each reply is one flushed line, written
    /// only after the world it reflects has been persisted.
    pub fn serve(&mut self, input: impl BufRead, mut output: impl Write) -> Result<(), LabError> {
        for line in input.lines() {
            let line = line.map_err(LabError::Reply)?;
            if line.trim().is_empty() {
                continue;
            }
            let reply = match serde_json::from_str::<HostMessage>(&line) {
                Ok(HostMessage::Bye) => return Ok(()),
                Ok(HostMessage::Hello(request)) => {
                    // The lab needs no password, but it receives one exactly as the Windows
                    // host would: the user name may be logged, the password never.
                    if let Some(credential) = &request.credential {
                        tracing::info!(user = %credential.user_name, "lab host received a credential");
                    }
                    HostReply::Hello(self.hello())
                }
                Ok(HostMessage::Invoke(req)) => HostReply::Result(self.invoke(req)),
                Err(e) => match undecodable(&line, &e) {
                    Some(resp) => HostReply::Result(resp),
                    None => return Err(LabError::Protocol(e)),
                },
            };
            write_line(&mut output, &reply)?;
        }
        Ok(())
    }

    fn hello(&self) -> HelloReply {
        let world = self.live.snapshot();
        HelloReply {
            protocol: PROTOCOL_VERSION,
            host: "lab".into(),
            host_version: env!("CARGO_PKG_VERSION").into(),
            organization: world.organization,
            exchange_version: Some(world.exchange_version),
            lab: self.endpoints.clone(),
        }
    }

    /// Runs the cmdlet and answers with each output object as the CLIXML document a remote
    /// Exchange session delivers ([`crate::present`]).
    fn invoke(&mut self, req: Request) -> Response {
        match self.live.invoke(&req.cmdlet, &req.params) {
            Ok(outcome) => Response {
                id: req.id,
                ok: true,
                output: crate::present::documents(&req.cmdlet, &req.params, &outcome),
                error: None,
                warnings: outcome.warnings,
            },
            Err(err) => failure(req.id, err),
        }
    }
}

fn failure(id: u64, error: ShellError) -> Response {
    Response {
        id,
        ok: false,
        output: Vec::new(),
        error: Some(error),
        warnings: Vec::new(),
    }
}

pub(crate) fn host_error(exception: &str, message: &str) -> ShellError {
    ShellError {
        category: "InvalidData".into(),
        exception: exception.into(),
        message: message.into(),
        error_id: format!("{exception},fedshare-lab-host"),
    }
}

/// A line that is JSON with an `id` but not a valid message still gets an answer, so the
/// engine is never left waiting; anything else ends the session.
fn undecodable(line: &str, err: &serde_json::Error) -> Option<Response> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let id = value.get("id")?.as_u64()?;
    Some(failure(
        id,
        host_error(
            "ProtocolException",
            &format!("The lab host could not read the request: {err}"),
        ),
    ))
}

fn write_line(output: &mut impl Write, reply: &HostReply) -> Result<(), LabError> {
    let json = serde_json::to_string(reply).map_err(LabError::Protocol)?;
    writeln!(output, "{json}").map_err(LabError::Reply)?;
    output.flush().map_err(LabError::Reply)
}

/// `fedshare lab-host`: load (or create) the lab world in `data_dir`, start the lab network
/// from it, and serve stdin/stdout on this thread until `bye` or end of input.
pub fn run_stdio(data_dir: &Path) -> Result<(), LabError> {
    let live = open(data_dir)?;
    let network = LabNetwork::start(&live, Ports::default())?;
    let mut host = LabHost::with_live(live, Some(network.endpoints()));
    let stdin = std::io::stdin();
    let served = host.serve(stdin.lock(), std::io::stdout().lock());
    network.stop();
    served
}

/// The world in `data_dir` (created when missing) behind a shell that generates real keys.
/// Proofs are read from the zone data until a [`LabNetwork`] is attached.
pub fn open(data_dir: &Path) -> Result<Arc<LiveWorld>, LabError> {
    // Loaded and taken as the file's current state under one lock, so a break written in
    // between cannot be mistaken for one the host already has.
    let _lock = crate::persist::StateLock::create(data_dir)?;
    let world = crate::admin::init_locked(data_dir, false, 0)?;
    let shell = Shell::new(world, Box::new(ZoneDataVerifier), Box::new(GeneratedKeys));
    Ok(Arc::new(LiveWorld::new(shell, data_dir)))
}
