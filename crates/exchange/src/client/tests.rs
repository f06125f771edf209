//! Tests against real child processes: a small Python host speaking the protocol, whose
//! misbehaviour is chosen per cmdlet so each failure mode is reached through the real pipes.

use std::path::{Path, PathBuf};

use fedshare_model::ErrorCode;

use super::*;
use crate::protocol::{Authentication, HostCredential};

const PASSWORD: &str = "S3cret-Pa$$-\u{e9}\u{2019}";

/// The test host. Arguments choose the hello behaviour; the cmdlet name chooses how to answer:
/// Get-FederationTrust echoes the request; Get-AcceptedDomain prints garbage;
/// Test-FederationTrust exits mid-call; Get-Mailbox never answers (a read with no
/// worst case of its own, so the session's limit applies: see `crate::timeouts`);
/// Get-SharingPolicy answers with a cmdlet error; Get-OrganizationRelationship answers a wrong id;
/// Get-ExchangeCertificate answers with output that is not CLIXML. Output objects are CLIXML
/// documents, as `PSSerializer` writes them.
const HOST_PY: &str = r#"
import json, sys, time, os
from xml.sax.saxutils import escape

args = sys.argv[1:]
protocol = 1 if "--old-protocol" in args else 2
out = sys.stdout

def clixml(cmdlet, identity, pid):
    return ('<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\n'
            '  <Obj RefId="0">\n'
            '    <TN RefId="0">\n      <T>Deserialized.Test.Echo</T>\n      <T>Deserialized.System.Object</T>\n    </TN>\n'
            '    <Props>\n      <S N="Cmdlet">%s</S>\n      <S N="Identity">%s</S>\n      <I32 N="Pid">%d</I32>\n    </Props>\n'
            '    <MS>\n      <S N="PSComputerName">ex1.contoso.com</S>\n    </MS>\n'
            '  </Obj>\n</Objs>') % (escape(cmdlet), escape(identity), pid)

def send(obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()

if "--preamble" in args:
    # Framed like the PowerShell host script: its length on one line, then exactly that text,
    # read by the same (and only) reader that then reads the hello.
    length = int(sys.stdin.readline())
    seen = sys.stdin.read(length)
    if seen != "PREAMBLE\n":
        sys.stderr.write("bad preamble %r\n" % seen)
        sys.exit(9)

# A banner and noise before the hello must be tolerated.
out.write("Windows PowerShell\nCopyright (C) Microsoft Corporation.\n{not json\n")
out.flush()
hello_line = sys.stdin.readline()
hello = json.loads(hello_line)
assert hello["kind"] == "hello", hello
cred = hello.get("credential") or {}
sys.stderr.write("host started\n")
send({"kind": "hello", "protocol": protocol, "host": "test",
      "hostVersion": "pwlen=%d ascii=%s auth=%s checks=%s" % (len(cred.get("password", "")), hello_line.isascii(),
                                                 hello.get("authentication"), sorted(k for k in hello if k.startswith("skip"))),
      "organization": "org-of-" + cred.get("userName", "nobody")})
for line in sys.stdin:
    msg = json.loads(line)
    if msg["kind"] == "bye":
        sys.exit(0)
    cmdlet = msg["cmdlet"]
    if cmdlet == "Get-AcceptedDomain":
        out.write("WARNING: something happened " + cred.get("password", "") + "\n")
        out.flush()
    elif cmdlet == "Test-FederationTrust":
        sys.stderr.write("fatal: crashed while running " + cmdlet + " with " + cred.get("password", "") + "\n")
        sys.stderr.flush()
        os._exit(3)
    elif cmdlet == "Get-Mailbox":
        time.sleep(3600)
    elif cmdlet == "Get-SharingPolicy":
        send({"kind": "result", "id": msg["id"], "ok": False, "output": [],
              "error": {"category": "ObjectNotFound", "exception": "ManagementObjectNotFoundException",
                        "message": "The operation couldn't be performed because object 'x' couldn't be found.",
                        "errorId": "X,Microsoft.Exchange.Management.SystemConfigurationTasks.GetSharingPolicy"}})
    elif cmdlet == "Get-OrganizationRelationship":
        send({"kind": "result", "id": msg["id"] + 100, "ok": True, "output": []})
    elif cmdlet == "Get-ExchangeCertificate":
        send({"kind": "result", "id": msg["id"], "ok": True, "output": ['{"Thumbprint": "AB"}']})
    else:
        identity = msg["params"][0][1]["value"] if msg["params"] else ""
        send({"kind": "result", "id": msg["id"], "ok": True,
              "output": [clixml(cmdlet, identity, os.getpid())],
              "warnings": ["echo"]})
"#;

struct Fixture {
    _dir: tempfile::TempDir,
    script: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("host.py");
    std::fs::write(&script, HOST_PY).expect("write host");
    Fixture { _dir: dir, script }
}

fn command(script: &Path, extra: &[&str]) -> HostCommand {
    let mut args = vec![script.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    HostCommand {
        program: "python3".into(),
        args,
        env_clear_secrets: true,
        preamble: None,
    }
}

fn hello() -> HelloRequest {
    HelloRequest {
        protocol: PROTOCOL_VERSION,
        connection_uri: Some("https://ex1.contoso.com/PowerShell/".into()),
        authentication: Some(Authentication::Negotiate),
        credential: Some(HostCredential {
            user_name: "CONTOSO\\admin".into(),
            password: PASSWORD.into(),
        }),
        ..Default::default()
    }
}

fn options() -> ClientOptions {
    ClientOptions {
        invoke_timeout: Duration::from_secs(30),
        hello_timeout: Duration::from_secs(30),
    }
}

async fn client(fx: &Fixture) -> ShellClient {
    ShellClient::spawn(command(&fx.script, &[]), hello(), options())
        .await
        .expect("spawn")
}

fn trust() -> Invocation {
    Invocation::new("Get-FederationTrust")
        .string("Identity", "Microsoft Federation Gateway \u{1F600}")
}

#[tokio::test]
async fn echo_host_round_trips_requests() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let reply = client.hello_reply();
    assert_eq!(reply.organization, "org-of-CONTOSO\\admin");
    // The password arrived whole, and the line on stdin was pure ASCII.
    assert_eq!(
        reply.host_version,
        // The authentication travels in the hello; certificate checks not relaxed are not sent.
        format!(
            "pwlen={} ascii=True auth=Negotiate checks=[]",
            PASSWORD.chars().count()
        )
    );
    for _ in 0..3 {
        let response = client.invoke(&trust()).await.expect("invoke");
        assert_eq!(response.warnings, vec!["echo".to_owned()]);
        // Read from the CLIXML document, without the notes remoting adds.
        let output = &response.output[0];
        assert_eq!(output["Cmdlet"], "Get-FederationTrust");
        assert_eq!(output["Identity"], "Microsoft Federation Gateway \u{1F600}");
        assert!(output.get("PSComputerName").is_none(), "{output}");
    }
    assert_eq!(client.restarts(), 0);
    client.shutdown().await;
}

#[tokio::test]
async fn preamble_is_written_before_the_hello() {
    let fx = fixture();
    let mut cmd = command(&fx.script, &["--preamble"]);
    cmd.preamble = Some(b"9\nPREAMBLE\n".to_vec());
    let mut client = ShellClient::spawn(cmd, hello(), options())
        .await
        .expect("spawn");
    client.invoke(&trust()).await.expect("invoke");
}

#[tokio::test]
async fn invalid_invocations_never_reach_the_host() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Invoke-Expression").string("Command", "calc"))
        .await
        .expect_err("not allowlisted");
    assert_eq!(err.code(), "exchange.unknown_cmdlet");
    client.invoke(&trust()).await.expect("host still fine");
    assert_eq!(client.restarts(), 0);
}

#[tokio::test]
async fn cmdlet_errors_are_reported_and_keep_the_host() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Get-SharingPolicy").string("Identity", "x"))
        .await
        .expect_err("cmdlet error");
    assert_eq!(err.code(), "exchange.cmdlet_failed");
    let ExchangeError::CmdletFailed { error, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(error.exception, "ManagementObjectNotFoundException");
    let pid = client.pid();
    client.invoke(&trust()).await.expect("same host");
    assert_eq!(client.pid(), pid);
    assert_eq!(client.restarts(), 0);
}

#[tokio::test]
async fn garbage_after_hello_is_an_error_and_replaces_the_host() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Get-AcceptedDomain"))
        .await
        .expect_err("garbage");
    assert_eq!(err.code(), "exchange.host_garbage");
    assert!(!err.to_string().contains(PASSWORD), "{err}");
    assert!(err.to_string().contains("<redacted>"), "{err}");
    client.invoke(&trust()).await.expect("restarted");
    assert_eq!(client.restarts(), 1);
}

/// Output that is not CLIXML is a typed error naming the cmdlet; the host answered in time and
/// in protocol, so it is kept.
#[tokio::test]
async fn output_that_is_not_clixml_is_unexpected_output() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Get-ExchangeCertificate"))
        .await
        .expect_err("not CLIXML");
    assert_eq!(err.code(), "exchange.unexpected_output");
    assert!(
        err.to_string()
            .starts_with("Get-ExchangeCertificate returned output"),
        "{err}"
    );
    let pid = client.pid();
    client.invoke(&trust()).await.expect("same host");
    assert_eq!(client.pid(), pid);
    assert_eq!(client.restarts(), 0);
}

#[tokio::test]
async fn a_reply_for_another_request_is_garbage() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Get-OrganizationRelationship"))
        .await
        .expect_err("wrong id");
    assert_eq!(err.code(), "exchange.host_garbage");
}

#[tokio::test]
async fn exit_mid_call_reports_status_and_stderr_without_secrets() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let err = client
        .invoke(&Invocation::new("Test-FederationTrust"))
        .await
        .expect_err("crash");
    assert_eq!(err.code(), "exchange.host_exited");
    let text = err.to_string();
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(
        text.contains("crashed while running Test-FederationTrust"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
    assert_eq!(client.pid(), None);
}

#[tokio::test]
async fn crash_then_next_call_restarts_with_the_same_credential() {
    let fx = fixture();
    let mut client = client(&fx).await;
    let first_pid = client.pid();
    for round in 1..=2 {
        client
            .invoke(&Invocation::new("Test-FederationTrust"))
            .await
            .expect_err("crash");
        let response = client.invoke(&trust()).await.expect("restarted");
        assert_eq!(client.restarts(), round);
        assert_eq!(client.hello_reply().organization, "org-of-CONTOSO\\admin");
        assert_ne!(
            response.output[0]["Pid"].as_u64().map(|p| p as u32),
            first_pid
        );
    }
}

#[tokio::test]
async fn a_hung_host_times_out_and_is_killed() {
    let fx = fixture();
    let opts = ClientOptions {
        invoke_timeout: Duration::from_millis(300),
        ..options()
    };
    let mut client = ShellClient::spawn(command(&fx.script, &[]), hello(), opts)
        .await
        .expect("spawn");
    let pid = client.pid().expect("running");
    let err = client
        .invoke(&Invocation::new("Get-Mailbox"))
        .await
        .expect_err("hang");
    assert_eq!(err.code(), "exchange.host_timeout");
    assert_eq!(client.pid(), None);
    // The hung process is gone (killed and reaped).
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
    client.invoke(&trust()).await.expect("restarted");
    assert_eq!(client.restarts(), 1);
}

#[tokio::test]
async fn wrong_protocol_version_is_refused() {
    let fx = fixture();
    let err = ShellClient::spawn(command(&fx.script, &["--old-protocol"]), hello(), options())
        .await
        .expect_err("mismatch");
    assert_eq!(err.code(), "exchange.protocol_mismatch");
    // A version-1 host sends JSON objects, not CLIXML: it is refused before any output.
    assert!(err.to_string().contains("protocol 1"), "{err}");
}

#[tokio::test]
async fn a_host_that_never_says_hello_times_out() {
    let opts = ClientOptions {
        hello_timeout: Duration::from_millis(300),
        ..options()
    };
    let cmd = HostCommand {
        program: "sleep".into(),
        args: vec!["3600".into()],
        env_clear_secrets: false,
        preamble: None,
    };
    let err = ShellClient::spawn(cmd, hello(), opts)
        .await
        .expect_err("no hello");
    assert_eq!(err.code(), "exchange.host_timeout");
}

#[tokio::test]
async fn a_missing_program_is_a_start_error() {
    let cmd = HostCommand {
        program: "/nonexistent/fedshare-host".into(),
        args: vec![],
        env_clear_secrets: true,
        preamble: None,
    };
    let err = ShellClient::spawn(cmd, hello(), options())
        .await
        .expect_err("missing");
    assert_eq!(err.code(), "exchange.host_start");
}

#[tokio::test]
async fn a_host_that_exits_before_hello_reports_its_stderr() {
    let cmd = HostCommand {
        program: "bash".into(),
        args: vec![
            "-c".into(),
            "echo 'New-PSSession: access denied' >&2; exit 1".into(),
        ],
        env_clear_secrets: true,
        preamble: None,
    };
    let err = ShellClient::spawn(cmd, hello(), options())
        .await
        .expect_err("exit");
    assert_eq!(err.code(), "exchange.host_exited");
    assert!(err.to_string().contains("access denied"), "{err}");
}

#[tokio::test]
async fn the_credential_is_not_in_cmdline_or_environment() {
    let fx = fixture();
    let client = client(&fx).await;
    let pid = client.pid().expect("running");
    for file in ["cmdline", "environ"] {
        let bytes = std::fs::read(format!("/proc/{pid}/{file}")).expect("proc file");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(PASSWORD), "{file}");
        assert!(!text.contains("S3cret"), "{file}");
    }
}

#[test]
fn secret_looking_variables_are_recognised() {
    assert!(looks_secret("FEDSHARE_PASSWORD"));
    assert!(looks_secret("github_token"));
    assert!(!looks_secret("PATH"));
}

#[test]
fn outgoing_json_is_ascii() {
    let json = serde_json::to_string("é😀’").expect("json");
    let ascii = ascii_json(&json);
    assert!(ascii.is_ascii());
    assert_eq!(
        serde_json::from_str::<String>(&ascii).expect("json"),
        "é😀’"
    );
}

#[test]
fn debug_never_prints_the_password() {
    let text = format!("{:?}", hello());
    assert!(!text.contains("S3cret"));
}
