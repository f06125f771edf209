//! The lab host process: JSON lines on stdin/stdout, the same protocol the PowerShell host
//! speaks, answered by the lab [`Shell`].

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use fedshare_exchange::protocol::{
    HelloReply, HostMessage, HostReply, LabEndpoints, Request, Response, ShellError,
    PROTOCOL_VERSION,
};

use crate::cmdlets::Shell;
use crate::crypto::GeneratedKeys;
use crate::error::LabError;
use crate::proof::ZoneDataVerifier;

/// One lab host session: the shell, where it persists, and the endpoints it announces.
#[derive(Debug)]
pub struct LabHost {
    pub shell: Shell,
    data_dir: PathBuf,
    endpoints: Option<LabEndpoints>,
}

impl LabHost {
    pub fn new(shell: Shell, data_dir: &Path, endpoints: Option<LabEndpoints>) -> Self {
        Self {
            shell,
            data_dir: data_dir.to_owned(),
            endpoints,
        }
    }

    /// Answers messages until `bye` or end of input. Each reply is one flushed line.
    pub fn serve(&mut self, input: impl BufRead, mut output: impl Write) -> Result<(), LabError> {
        for line in input.lines() {
            let line = line.map_err(LabError::Reply)?;
            if line.trim().is_empty() {
                continue;
            }
            let reply = match serde_json::from_str::<HostMessage>(&line) {
                Ok(HostMessage::Bye) => return Ok(()),
                Ok(HostMessage::Hello(_)) => HostReply::Hello(self.hello()),
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
        HelloReply {
            protocol: PROTOCOL_VERSION,
            host: "lab".into(),
            host_version: env!("CARGO_PKG_VERSION").into(),
            organization: self.shell.world.organization.clone(),
            lab: self.endpoints.clone(),
        }
    }

    fn invoke(&mut self, req: Request) -> Response {
        match self.shell.invoke(&req.cmdlet, &req.params) {
            Ok(outcome) => {
                if outcome.mutated {
                    if let Err(e) = self.shell.world.save(&self.data_dir) {
                        return failure(req.id, host_error("IOException", &e.to_string()));
                    }
                }
                Response {
                    id: req.id,
                    ok: true,
                    output: outcome.output,
                    error: None,
                    warnings: outcome.warnings,
                }
            }
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

fn host_error(exception: &str, message: &str) -> ShellError {
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

/// `fedshare lab-host`: load (or create) the lab world in `data_dir` and serve stdin/stdout.
pub fn run_stdio(data_dir: &Path) -> Result<(), LabError> {
    let world = crate::admin::init(data_dir, false, 0)?;
    let shell = Shell::new(world, Box::new(ZoneDataVerifier), Box::new(GeneratedKeys));
    let mut host = LabHost::new(shell, data_dir, None);
    let stdin = std::io::stdin();
    host.serve(stdin.lock(), std::io::stdout().lock())
}
