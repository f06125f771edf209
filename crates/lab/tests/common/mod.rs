//! Helpers shared by the lab network tests: a TSIG-signed DNS update client (hickory), a TLS
//! client that trusts only the lab CA (reqwest + rustls), and the lab host process driver.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Lines, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use base64::Engine as _;
use fedshare_exchange::protocol::{
    HelloReply, HelloRequest, HostMessage, HostReply, Request, Response, PROTOCOL_VERSION,
};
use fedshare_exchange::Invocation;
use fedshare_lab::zones::TsigKey;
use hickory_net::client::{Client, ClientHandle};
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::udp::UdpClientStream;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, TSigner};

mod invocations;
pub use invocations::*;

/// Appends one TXT value at `owner` in `zone` with an RFC 2136 update signed by `key`;
/// returns the server's response code, or the client's error (a refusal of a wrongly signed
/// update comes back unsigned, which the client reports as an error).
pub async fn signed_txt_append(
    server: SocketAddr,
    key: &TsigKey,
    zone: &str,
    owner: &str,
    value: &str,
) -> Result<ResponseCode, String> {
    let secret = base64::engine::general_purpose::STANDARD
        .decode(&key.secret)
        .expect("base64 secret");
    let signer = TSigner::new(
        secret,
        TsigAlgorithm::HmacSha256,
        Name::from_ascii(&key.name).expect("key name"),
        300,
    )
    .expect("signer");
    let stream = UdpClientStream::builder(server, TokioRuntimeProvider::default())
        .with_signer(Some(signer))
        .build();
    let (mut client, bg) = Client::<TokioRuntimeProvider>::from_sender(stream);
    let bg = tokio::spawn(bg);
    let record = Record::from_rdata(
        Name::from_ascii(format!("{owner}.")).expect("owner"),
        300,
        RData::TXT(TXT::new(vec![value.to_owned()])),
    );
    let response = client
        .append(
            record,
            Name::from_ascii(format!("{zone}.")).expect("zone"),
            false,
        )
        .await;
    bg.abort();
    response
        .map(|r| r.metadata.response_code)
        .map_err(|e| e.to_string())
}

/// A rustls client configuration whose only root is the lab CA.
pub fn trusting_only(ca_pem: &str) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
        roots.add(cert.expect("PEM")).expect("CA certificate");
    }
    assert_eq!(roots.len(), 1, "exactly the lab CA");
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// GetFederationInformation for `domain`, sent to `host` (SNI and Host) at the lab HTTPS port.
pub async fn get_federation_information(
    https: SocketAddr,
    ca_pem: &str,
    host: &str,
    domain: &str,
) -> String {
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(trusting_only(ca_pem))
        .resolve(host, https)
        .no_proxy()
        .build()
        .expect("client");
    let url = format!(
        "https://{host}:{}/autodiscover/autodiscover.svc",
        https.port()
    );
    let response = client
        .post(&url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(fedshare_labnet::gfi_request_envelope(domain, &url))
        .send()
        .await
        .expect("TLS verified against the lab CA, answer received");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    response.text().await.expect("body")
}

/// The real lab host binary, driven over stdin/stdout as the engine does.
pub struct HostProcess {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    next_id: u64,
}

impl HostProcess {
    pub fn start(dir: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fedshare-lab-host"))
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn lab host");
        let stdin = child.stdin.take().expect("stdin");
        let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        HostProcess {
            child,
            stdin,
            lines,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: &HostMessage) -> HostReply {
        let json = serde_json::to_string(msg).expect("json");
        writeln!(self.stdin, "{json}").expect("write");
        self.stdin.flush().expect("flush");
        let line = self.lines.next().expect("a reply").expect("line");
        serde_json::from_str(&line).expect("reply json")
    }

    pub fn hello(&mut self) -> HelloReply {
        match self.send(&HostMessage::Hello(HelloRequest {
            protocol: PROTOCOL_VERSION,
            connection_uri: None,
            credential: None,
            ..Default::default()
        })) {
            HostReply::Hello(hello) => hello,
            other => panic!("expected hello, got {other:?}"),
        }
    }

    pub fn invoke(&mut self, inv: Invocation) -> Response {
        let id = self.next_id;
        self.next_id += 1;
        match self.send(&HostMessage::Invoke(Request {
            id,
            cmdlet: inv.cmdlet,
            params: inv.params,
        })) {
            HostReply::Result(resp) => {
                assert_eq!(resp.id, id);
                resp
            }
            other => panic!("expected a result, got {other:?}"),
        }
    }

    pub fn ok(&mut self, inv: Invocation) -> Vec<serde_json::Value> {
        let cmdlet = inv.cmdlet.clone();
        let resp = self.invoke(inv);
        assert!(resp.ok, "{cmdlet} failed: {:?}", resp.error);
        // The host sends CLIXML documents; read them as the engine does.
        fedshare_model::exchange_output::read_documents(&resp.output)
            .unwrap_or_else(|e| panic!("{cmdlet}: the host's CLIXML does not read: {e}"))
    }

    pub fn bye(mut self) {
        let json = serde_json::to_string(&HostMessage::Bye).expect("json");
        writeln!(self.stdin, "{json}").expect("write");
        self.stdin.flush().expect("flush");
        assert!(self.child.wait().expect("exit").success());
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        // After `bye` the process has exited and this is a no-op.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Contoso saved under `dir`, behind a live world whose federation certificates use the test
/// key (no key generation in tests) and whose proof check reads the zone data.
pub fn live_world(dir: &std::path::Path) -> Arc<fedshare_lab::LiveWorld> {
    let world = fedshare_lab::World::contoso(0);
    world.save(dir).expect("save");
    let key = include_str!("../../testdata/federation-test-key.pem").to_owned();
    let shell = fedshare_lab::Shell::new(
        world,
        Box::new(fedshare_lab::ZoneDataVerifier),
        Box::new(fedshare_lab::crypto::FixedKeys::new(vec![key])),
    );
    Arc::new(fedshare_lab::LiveWorld::new(shell, dir))
}

/// A sharing policy with one entry of its own, `Policy <i>` for `d<i>.example`.
pub fn policy(i: usize) -> Invocation {
    Invocation::new("New-SharingPolicy")
        .string("Name", format!("Policy {i}"))
        .list(
            "Domains",
            vec![format!("d{i}.example:CalendarSharingFreeBusySimple")],
        )
}
