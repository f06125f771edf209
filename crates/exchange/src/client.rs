//! The async client of the shell protocol over a child process (the PowerShell host or the lab).
//!
//! Line discipline: lines before the hello reply that are not protocol JSON are tolerated,
//! because PowerShell may print a banner or echo while it reads its program. After the hello
//! every stdout line must be a protocol reply; anything else means the host is in an unknown
//! state, so it is an `exchange.host_garbage` error and the process is replaced.
//!
//! Failure handling: any transport failure (garbage, exit, timeout) kills the child and marks
//! the client dead; the next [`ShellClient::invoke`] starts a new process and repeats the
//! hello, with the credential kept in memory. Credentials travel only in the hello line on
//! stdin: never in arguments or the environment, and error texts are scrubbed of the password.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use crate::catalog;
use crate::error::ExchangeError;
use crate::invocation::Invocation;
use crate::protocol::{
    HelloReply, HelloRequest, HostMessage, HostReply, Request, Response, ShellError,
    PROTOCOL_VERSION,
};

/// CreateProcess flag: the child gets no console window (winbase.h `CREATE_NO_WINDOW`).
#[cfg(windows)]
const CREATE_NO_WINDOW: u32 = 0x0800_0000;

/// Lines of stderr kept for error reports; older lines are dropped.
const STDERR_LINES: usize = 40;
/// Longest stderr line kept, in characters.
const STDERR_LINE_CHARS: usize = 500;
/// Longest excerpt of a garbage line quoted in an error.
const EXCERPT_CHARS: usize = 200;
/// How long to wait for an exited child's status and final stderr before giving up.
const EXIT_GRACE: Duration = Duration::from_secs(5);
/// Environment variable name parts that suggest a secret (matched case-insensitively).
const SECRET_ENV_MARKERS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "APIKEY",
    "API_KEY",
    "PRIVATE_KEY",
];

/// How to start a host process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCommand {
    pub program: String,
    pub args: Vec<String>,
    /// Remove environment variables whose names look secret before starting the child, so
    /// the host cannot inherit (or leak) a secret the engine's own environment happens to hold.
    pub env_clear_secrets: bool,
    /// Bytes written to stdin before the hello line: the PowerShell host's script, framed by its
    /// length (see `host_ps::preamble`), read by the same single stdin reader as the protocol.
    pub preamble: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// Longest time one invocation may take, from request to reply.
    pub invoke_timeout: Duration,
    /// Longest time from process start to the hello reply (includes connecting to Exchange).
    pub hello_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            invoke_timeout: Duration::from_secs(300),
            hello_timeout: Duration::from_secs(120),
        }
    }
}

/// A connected host. Not `Clone`: one request is in flight at a time (`&mut self`).
#[derive(Debug)]
pub struct ShellClient {
    command: HostCommand,
    hello: HelloRequest,
    options: ClientOptions,
    process: Option<HostProcess>,
    hello_reply: HelloReply,
    next_id: u64,
    restarts: u32,
}

impl ShellClient {
    /// Starts the host, writes the preamble and the hello, and waits for the hello reply.
    pub async fn spawn(
        command: HostCommand,
        hello: HelloRequest,
        options: ClientOptions,
    ) -> Result<ShellClient, ExchangeError> {
        let (process, hello_reply) = HostProcess::start(&command, &hello, &options).await?;
        Ok(ShellClient {
            command,
            hello,
            options,
            process: Some(process),
            hello_reply,
            next_id: 1,
            restarts: 0,
        })
    }

    /// What the current (or last) host said in its hello reply.
    pub fn hello_reply(&self) -> &HelloReply {
        &self.hello_reply
    }

    /// How many times the host process was replaced after a failure.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The process id of the running host, if one is running.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().and_then(|p| p.child.id())
    }

    /// Runs one invocation. It is validated against the catalog before anything is sent.
    /// Returns what a successful cmdlet wrote, its output objects read from their CLIXML with
    /// Exchange's rules; a cmdlet error is `exchange.cmdlet_failed`, output that is not
    /// readable CLIXML `exchange.unexpected_output` (the host stays: it answered in time).
    pub async fn invoke(&mut self, invocation: &Invocation) -> Result<CmdletOutput, ExchangeError> {
        catalog::validate(invocation)?;
        let id = self.next_id;
        self.next_id += 1;
        // Owned, because the process borrow below holds `self` mutably.
        let secret = secret_of(&self.hello).map(str::to_owned);
        // Cmdlets that wait on other servers get Exchange's own worst case, at least.
        let limit = crate::timeouts::limit(invocation, self.options.invoke_timeout);
        let process = self.ensure_running().await?;
        let request = HostMessage::Invoke(Request {
            id,
            cmdlet: invocation.cmdlet.clone(),
            params: invocation.params.clone(),
        });
        let outcome = process
            .call(&request, id, &invocation.cmdlet, limit, secret.as_deref())
            .await;
        match outcome {
            Ok(response) => into_result(&invocation.cmdlet, response),
            Err(err) => {
                // The host's state is unknown after a transport failure: replace it next time.
                if let Some(process) = self.process.take() {
                    process.kill().await;
                }
                Err(err)
            }
        }
    }

    /// Asks the host to close its session and exit; kills it if it does not within the grace time.
    pub async fn shutdown(mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.write_message(&HostMessage::Bye).await;
            if tokio::time::timeout(EXIT_GRACE, process.child.wait())
                .await
                .is_err()
            {
                process.kill().await;
            }
        }
    }

    async fn ensure_running(&mut self) -> Result<&mut HostProcess, ExchangeError> {
        if self.process.is_none() {
            let (process, reply) =
                HostProcess::start(&self.command, &self.hello, &self.options).await?;
            self.restarts += 1;
            self.hello_reply = reply;
            self.process = Some(process);
        }
        self.process
            .as_mut()
            .ok_or_else(|| ExchangeError::HostExited {
                status: "not running".to_owned(),
                stderr_tail: String::new(),
            })
    }
}

fn secret_of(hello: &HelloRequest) -> Option<&str> {
    hello
        .credential
        .as_ref()
        .map(|c| c.password.as_str())
        .filter(|p| !p.is_empty())
}

/// What a successful cmdlet wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct CmdletOutput {
    /// The output objects as JSON the model's types deserialize
    /// (`fedshare_model::exchange_output`).
    pub output: Vec<serde_json::Value>,
    /// Warnings the cmdlet wrote (e.g. `AnonymousSharingEnabledWarning`).
    pub warnings: Vec<String>,
}

fn into_result(cmdlet: &str, response: Response) -> Result<CmdletOutput, ExchangeError> {
    if response.ok {
        let output =
            fedshare_model::exchange_output::read_documents(&response.output).map_err(|e| {
                ExchangeError::UnexpectedOutput {
                    cmdlet: cmdlet.to_owned(),
                    reason: e.to_string(),
                }
            })?;
        return Ok(CmdletOutput {
            output,
            warnings: response.warnings,
        });
    }
    Err(ExchangeError::CmdletFailed {
        cmdlet: cmdlet.to_owned(),
        error: response.error.unwrap_or_else(|| ShellError {
            category: "NotSpecified".to_owned(),
            exception: "Unknown".to_owned(),
            message: "the host reported a failure without details".to_owned(),
            error_id: String::new(),
        }),
    })
}

/// One running host process with its pipes and the stderr drain.
#[derive(Debug)]
struct HostProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_task: JoinHandle<()>,
}

impl HostProcess {
    async fn start(
        command: &HostCommand,
        hello: &HelloRequest,
        options: &ClientOptions,
    ) -> Result<(HostProcess, HelloReply), ExchangeError> {
        let secret = hello.credential.as_ref().map(|c| c.password.clone());
        let mut process = Self::launch(command, secret)?;
        let secret = secret_of(hello);
        let handshake = async {
            if let Some(preamble) = &command.preamble {
                process.write_bytes(preamble).await?;
            }
            process
                .write_message(&HostMessage::Hello(hello.clone()))
                .await?;
            Ok::<_, std::io::Error>(())
        };
        if handshake.await.is_err() {
            return Err(process.exited(secret).await);
        }
        let wait = process.read_hello(secret);
        match tokio::time::timeout(options.hello_timeout, wait).await {
            Ok(Ok(reply)) => Ok((process, reply)),
            Ok(Err(err)) => {
                process.kill().await;
                Err(err)
            }
            Err(_) => {
                process.kill().await;
                Err(ExchangeError::HostTimeout {
                    what: "the hello".to_owned(),
                    after: options.hello_timeout,
                })
            }
        }
    }

    fn launch(command: &HostCommand, secret: Option<String>) -> Result<HostProcess, ExchangeError> {
        let mut cmd = Command::new(&command.program);
        cmd.args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // The desktop app has no console, so Windows would open a console window for
        // powershell.exe (and flash it on every start) unless told not to.
        #[cfg(windows)]
        cmd.creation_flags(CREATE_NO_WINDOW);
        if command.env_clear_secrets {
            for (name, _) in std::env::vars_os() {
                if looks_secret(&name.to_string_lossy()) {
                    cmd.env_remove(name);
                }
            }
        }
        let mut child = cmd.spawn().map_err(|source| ExchangeError::HostStart {
            program: command.program.clone(),
            source,
        })?;
        let missing_pipe = || ExchangeError::HostStart {
            program: command.program.clone(),
            source: std::io::Error::other("a standard pipe was not available"),
        };
        let stdin = child.stdin.take().ok_or_else(missing_pipe)?;
        let stdout = child.stdout.take().ok_or_else(missing_pipe)?;
        let stderr_pipe = child.stderr.take().ok_or_else(missing_pipe)?;
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_task = tokio::spawn(drain_stderr(stderr_pipe, Arc::clone(&stderr), secret));
        Ok(HostProcess {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            stderr,
            stderr_task,
        })
    }

    /// Reads until the hello reply, tolerating non-JSON noise (banners) before it.
    async fn read_hello(&mut self, secret: Option<&str>) -> Result<HelloReply, ExchangeError> {
        loop {
            let Some(line) = self.read_line().await else {
                return Err(self.exited(secret).await);
            };
            let Ok(line) = String::from_utf8(line) else {
                continue; // banner noise in a legacy code page
            };
            if serde_json::from_str::<serde_json::Value>(&line).is_err() {
                tracing::debug!(
                    chars = line.len(),
                    "ignoring non-JSON host output before hello"
                );
                continue;
            }
            return match serde_json::from_str::<HostReply>(&line) {
                Ok(HostReply::Hello(reply)) if reply.protocol == PROTOCOL_VERSION => Ok(reply),
                Ok(HostReply::Hello(reply)) => Err(ExchangeError::ProtocolMismatch {
                    expected: PROTOCOL_VERSION,
                    got: reply.protocol,
                }),
                _ => Err(garbage("expected the hello reply", &line, secret)),
            };
        }
    }

    /// Sends one request and reads its reply, all within `limit`.
    async fn call(
        &mut self,
        request: &HostMessage,
        id: u64,
        cmdlet: &str,
        limit: Duration,
        secret: Option<&str>,
    ) -> Result<Response, ExchangeError> {
        let exchange = async {
            if self.write_message(request).await.is_err() {
                return Err(self.exited(secret).await);
            }
            self.read_response(id, secret).await
        };
        match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => Err(ExchangeError::HostTimeout {
                what: cmdlet.to_owned(),
                after: limit,
            }),
        }
    }

    async fn read_response(
        &mut self,
        id: u64,
        secret: Option<&str>,
    ) -> Result<Response, ExchangeError> {
        let Some(bytes) = self.read_line().await else {
            return Err(self.exited(secret).await);
        };
        let line = String::from_utf8_lossy(&bytes);
        match serde_json::from_str::<HostReply>(&line) {
            Ok(HostReply::Result(response)) if response.id == id => Ok(response),
            Ok(HostReply::Result(response)) => Err(garbage(
                &format!("a reply for request {} while waiting for {id}", response.id),
                &line,
                secret,
            )),
            Ok(HostReply::Hello(_)) => Err(garbage("a second hello", &line, secret)),
            Err(_) => Err(garbage("a line that is not protocol JSON", &line, secret)),
        }
    }

    /// One line without its terminator; `None` at end of stream or on a read error.
    async fn read_line(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        match self.stdout.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                while matches!(line.last(), Some(b'\n' | b'\r')) {
                    line.pop();
                }
                Some(line)
            }
        }
    }

    async fn write_message(&mut self, message: &HostMessage) -> std::io::Result<()> {
        let json = serde_json::to_string(message).map_err(std::io::Error::other)?;
        let mut line = ascii_json(&json);
        line.push('\n');
        self.write_bytes(line.as_bytes()).await
    }

    async fn write_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stdin.write_all(bytes).await?;
        self.stdin.flush().await
    }

    /// The error for a host that went away: its exit status and its last stderr lines.
    async fn exited(&mut self, secret: Option<&str>) -> ExchangeError {
        let status = match tokio::time::timeout(EXIT_GRACE, self.child.wait()).await {
            Ok(Ok(status)) => status.to_string(),
            Ok(Err(err)) => format!("status unknown: {err}"),
            Err(_) => {
                let _ = self.child.start_kill();
                "closed its output but did not exit; it was killed".to_owned()
            }
        };
        // Let the drain collect what the host wrote just before it died.
        let _ = tokio::time::timeout(EXIT_GRACE, &mut self.stderr_task).await;
        ExchangeError::HostExited {
            status,
            stderr_tail: redact(&self.stderr_tail(), secret),
        }
    }

    fn stderr_tail(&self) -> String {
        let lines = self
            .stderr
            .lock()
            .map(|l| l.iter().cloned().collect::<Vec<_>>());
        lines.unwrap_or_default().join("\n")
    }

    async fn kill(mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(EXIT_GRACE, self.child.wait()).await;
        self.stderr_task.abort();
    }
}

/// Keeps the last lines of stderr; reading continuously means the child never blocks on it.
/// Each line is also logged at debug level (redacted) so `-vv` shows what the host said.
async fn drain_stderr(
    pipe: impl AsyncRead + Unpin,
    ring: Arc<Mutex<VecDeque<String>>>,
    secret: Option<String>,
) {
    let mut reader = BufReader::new(pipe);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text: String = String::from_utf8_lossy(&line)
                    .trim_end()
                    .chars()
                    .take(STDERR_LINE_CHARS)
                    .collect();
                let text = redact(&text, secret.as_deref());
                tracing::debug!(target: "fedshare::host", "{text}");
                if let Ok(mut ring) = ring.lock() {
                    if ring.len() == STDERR_LINES {
                        ring.pop_front();
                    }
                    ring.push_back(text);
                }
            }
        }
    }
}

fn garbage(reason: &str, line: &str, secret: Option<&str>) -> ExchangeError {
    let excerpt: String = line.chars().take(EXCERPT_CHARS).collect();
    ExchangeError::HostGarbage {
        reason: reason.to_owned(),
        excerpt: redact(&excerpt, secret),
    }
}

/// Removes the password from text that may end up in errors or logs.
fn redact(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(secret) => text.replace(secret, "<redacted>"),
        None => text.to_owned(),
    }
}

fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_ENV_MARKERS.iter().any(|m| upper.contains(m))
}

/// JSON with every non-ASCII character escaped, so console code pages cannot corrupt it.
fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
