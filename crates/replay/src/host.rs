//! The protocol loop of `fedshare-replay-host`: the same lines the Windows PowerShell host
//! writes (a hello naming `powershell`, the organization and its Exchange build, then one
//! result per invocation with each output object as a CLIXML document), answered from a
//! scenario instead of a remote session.

use std::io::{BufRead, Write};
use std::time::Duration;

use fedshare_exchange::protocol::{HelloReply, HostMessage, HostReply, PROTOCOL_VERSION};
use fedshare_exchange::Invocation;
use serde_json::{json, Value};

use crate::scenario::{self, Reply, Scenario, ShellErrorSpec};
use crate::transcript::{Entry, Outcome, Writer};
use crate::ReplayError;

/// What `$PSVersionTable.PSVersion` says on a Windows Server 2016 admin workstation.
pub const POWERSHELL_VERSION: &str = "5.1.14393.7428";
/// The exception an invocation the scenario does not expect fails with.
pub const UNEXPECTED: &str = "ReplayUnexpectedInvocation";

#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    /// Added before each answer: a remote session's round trip (about 150 ms a cmdlet).
    pub latency: Duration,
}

/// The scenario's state as invocations arrive.
#[derive(Debug)]
pub struct Replayer {
    scenario: Scenario,
    phase: usize,
}

impl Replayer {
    pub fn new(scenario: Scenario) -> Replayer {
        Replayer { scenario, phase: 0 }
    }

    pub fn phase(&self) -> &str {
        &self.scenario.phases[self.phase].name
    }

    /// Answers one invocation line and moves to the next phase after a write.
    pub fn answer(&mut self, line: &str) -> (Reply, Outcome) {
        let Some(rule) = self.scenario.find(self.phase, line) else {
            let error = ShellErrorSpec {
                exception: UNEXPECTED.to_owned(),
                message: format!(
                    "The scenario does not expect `{line}` in phase '{}'.",
                    self.phase()
                ),
                category: "NotSpecified".to_owned(),
                error_id: Some(UNEXPECTED.to_owned()),
            };
            return (Reply::Error(error), Outcome::Unexpected);
        };
        let reply = rule.reply.clone();
        // A write that Exchange refused changed nothing: the scenario stays where it was.
        let succeeded = matches!(reply, Reply::Output(_));
        if rule.advance && succeeded && self.phase + 1 < self.scenario.phases.len() {
            self.phase += 1;
        }
        let outcome = match reply {
            Reply::Output(_) => Outcome::Answered,
            Reply::Error(_) => Outcome::Failed,
        };
        (reply, outcome)
    }
}

/// Serves the protocol on `input`/`output` until `bye` or the end of input.
pub fn serve(
    scenario: Scenario,
    input: impl BufRead,
    mut output: impl Write,
    transcript: &mut Writer,
    options: &HostOptions,
) -> Result<(), ReplayError> {
    let hello = hello_reply(&scenario);
    let mut replayer = Replayer::new(scenario);
    let mut lines = input.lines();
    let io = |source| ReplayError::Io {
        path: "stdio".to_owned(),
        source,
    };
    let Some(first) = lines.next() else {
        return Ok(());
    };
    match serde_json::from_str::<HostMessage>(&first.map_err(io)?) {
        Ok(HostMessage::Hello(request)) if request.connection_uri.is_some() => {}
        Ok(HostMessage::Hello(_)) => {
            return Err(ReplayError::Protocol(
                "the hello names no connection URI (a real organization's session needs one)"
                    .into(),
            ))
        }
        _ => return Err(ReplayError::Protocol("the first line must be hello".into())),
    }
    write_line(
        &mut output,
        &serde_json::to_value(HostReply::Hello(hello)).map_err(|e| io(e.into()))?,
    )
    .map_err(io)?;
    for line in lines {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let request = match serde_json::from_str::<HostMessage>(&line) {
            Ok(HostMessage::Invoke(request)) => request,
            Ok(HostMessage::Bye) => return Ok(()),
            Ok(HostMessage::Hello(_)) => {
                return Err(ReplayError::Protocol("a second hello".into()))
            }
            Err(e) => return Err(ReplayError::Protocol(format!("not a protocol line: {e}"))),
        };
        let invocation = Invocation {
            cmdlet: request.cmdlet,
            params: request.params,
        };
        let rendered = scenario::render(&invocation);
        let phase = replayer.phase().to_owned();
        let (reply, outcome) = replayer.answer(&rendered);
        std::thread::sleep(options.latency);
        let objects = match &reply {
            Reply::Output(docs) => docs.len(),
            Reply::Error(_) => 0,
        };
        transcript
            .record(&Entry {
                phase,
                invoke: rendered,
                outcome,
                objects,
            })
            .map_err(io)?;
        write_line(&mut output, &result(request.id, &invocation.cmdlet, reply)).map_err(io)?;
    }
    Ok(())
}

fn hello_reply(scenario: &Scenario) -> HelloReply {
    HelloReply {
        protocol: PROTOCOL_VERSION,
        host: "powershell".to_owned(),
        host_version: POWERSHELL_VERSION.to_owned(),
        organization: scenario.organization.clone(),
        exchange_version: Some(scenario.exchange_version.clone()),
        lab: None,
    }
}

/// A result line. Written as JSON directly, in the Windows host's shape (`output` holds one
/// CLIXML document per object), so this host does not depend on the Rust type's details.
fn result(id: u64, cmdlet: &str, reply: Reply) -> Value {
    match reply {
        Reply::Output(docs) => json!({ "kind": "result", "id": id, "ok": true, "output": docs }),
        Reply::Error(e) => {
            let error_id = e.error_id.unwrap_or_else(|| {
                format!(
                    "[Server=EX01,RequestId=00000000-0000-0000-0000-000000000000] {},Microsoft.Exchange.Management.{}",
                    e.exception,
                    cmdlet.replace('-', "")
                )
            });
            json!({
                "kind": "result", "id": id, "ok": false, "output": [],
                "error": {
                    "category": e.category,
                    "exception": e.exception,
                    "message": e.message,
                    "errorId": error_id,
                }
            })
        }
    }
}

/// One reply line, escaped to ASCII like the Windows host (its console code page is not UTF-8).
fn write_line(output: &mut impl Write, value: &Value) -> std::io::Result<()> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    let mut line = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if c.is_ascii() {
            line.push(c);
        } else {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                line.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    line.push('\n');
    output.write_all(line.as_bytes())?;
    output.flush()
}
