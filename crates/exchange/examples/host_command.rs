//! Prints, as one JSON object, how the engine starts the Windows PowerShell host and what it
//! sends first: the program, the quoted arguments (`-EncodedCommand` bootstrap included), the
//! preamble (the framed host script), and the protocol lines of a hello, one read
//! (Get-AcceptedDomain) and one write (New-SharingPolicy), built from the engine's own types.
//!
//! Used by tests/windows/host-roundtrip.ps1 (the Windows CI workflow, or by hand on Windows):
//!
//!   cargo run -q -p fedshare-exchange --example host_command -- http://localhost:5985/wsman Negotiate
//!
//! The script then starts the host exactly as the engine does, against a fake Exchange session.

use fedshare_exchange::catalog;
use fedshare_exchange::host_ps::{self, PowerShell};
use fedshare_exchange::protocol::{
    Authentication, HelloRequest, HostMessage, Request, PROTOCOL_VERSION,
};
use fedshare_exchange::Invocation;

fn line(message: &HostMessage) -> Result<String, Box<dyn std::error::Error>> {
    let json = serde_json::to_string(message)?;
    // The engine escapes non-ASCII characters; these lines have none to escape.
    if !json.is_ascii() {
        return Err("a protocol line is not ASCII".into());
    }
    Ok(json)
}

fn invoke(id: u64, invocation: Invocation) -> Result<String, Box<dyn std::error::Error>> {
    // Only what the engine itself would send: validated against the cmdlet catalog.
    catalog::validate(&invocation)?;
    line(&HostMessage::Invoke(Request {
        id,
        cmdlet: invocation.cmdlet,
        params: invocation.params,
    }))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let uri = args
        .next()
        .unwrap_or_else(|| "http://localhost:5985/wsman".to_owned());
    let authentication = match args.next().as_deref() {
        None | Some("Negotiate") => Authentication::Negotiate,
        Some("Kerberos") => Authentication::Kerberos,
        Some("Basic") => Authentication::Basic,
        Some(other) => return Err(format!("unknown authentication '{other}'").into()),
    };
    let command = host_ps::host_command(PowerShell::Windows);
    let full = host_ps::windows_command_line(&command.program, &command.args);
    let program_part = format!("\"{}\" ", command.program);
    let arguments = full
        .strip_prefix(&program_part)
        .ok_or("the command line does not start with the program")?;
    let preamble = String::from_utf8(command.preamble.unwrap_or_default())?;
    let hello = line(&HostMessage::Hello(HelloRequest {
        protocol: PROTOCOL_VERSION,
        connection_uri: Some(uri),
        authentication: Some(authentication),
        ..HelloRequest::default()
    }))?;
    let read = invoke(1, Invocation::new("Get-AcceptedDomain"))?;
    let write = invoke(
        2,
        Invocation::new("New-SharingPolicy")
            .string("Name", "Fedshare host test")
            .list(
                "Domains",
                vec!["fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing".to_owned()],
            )
            .bool("Enabled", true),
    )?;
    let out = serde_json::json!({
        "program": command.program,
        "arguments": arguments,
        "preamble": preamble,
        "hello": hello,
        "read": read,
        "write": write,
        "bye": line(&HostMessage::Bye)?,
    });
    println!("{out}");
    Ok(())
}
