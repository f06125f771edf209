//! Drives the real lab host process over stdin/stdout, as the engine does.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use fedshare_exchange::protocol::{
    HelloRequest, HostMessage, HostReply, Request, PROTOCOL_VERSION,
};
use fedshare_exchange::ParamValue;

fn send(stdin: &mut impl Write, msg: &HostMessage) {
    writeln!(stdin, "{}", serde_json::to_string(msg).expect("json")).expect("write");
    stdin.flush().expect("flush");
}

fn read(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> HostReply {
    serde_json::from_str(&lines.next().expect("a reply").expect("line")).expect("reply json")
}

#[test]
fn hello_invoke_persist_bye() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fedshare-lab-host"))
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn lab host");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();

    send(
        &mut stdin,
        &HostMessage::Hello(HelloRequest {
            protocol: PROTOCOL_VERSION,
            connection_uri: None,
            credential: None,
            ..Default::default()
        }),
    );
    let HostReply::Hello(hello) = read(&mut lines) else {
        panic!("expected hello")
    };
    assert_eq!(
        (hello.host.as_str(), hello.organization.as_str()),
        ("lab", "Contoso")
    );

    let policy = Request {
        id: 7,
        cmdlet: "New-SharingPolicy".into(),
        params: vec![
            ("Name".into(), ParamValue::String("Partners".into())),
            (
                "Domains".into(),
                ParamValue::StringList(vec!["fabrikam.com:CalendarSharingFreeBusyDetail".into()]),
            ),
        ],
    };
    send(&mut stdin, &HostMessage::Invoke(policy));
    let HostReply::Result(resp) = read(&mut lines) else {
        panic!("expected result")
    };
    assert!(resp.ok && resp.id == 7, "{resp:?}");

    send(
        &mut stdin,
        &HostMessage::Invoke(Request {
            id: 8,
            cmdlet: "Get-Nothing".into(),
            params: vec![],
        }),
    );
    let HostReply::Result(resp) = read(&mut lines) else {
        panic!("expected result")
    };
    assert_eq!(
        resp.error.expect("error").exception,
        "CommandNotFoundException"
    );

    send(&mut stdin, &HostMessage::Bye);
    assert!(child.wait().expect("exit").success());
    let world = fedshare_lab::admin::load(dir.path()).expect("persisted world");
    assert!(world.sharing_policies.iter().any(|p| p.name == "Partners"));
}
