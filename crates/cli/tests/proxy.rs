//! A workstation behind a corporate proxy: with `HTTPS_PROXY` set, every HTTPS request
//! `fedshare verify` makes (partner discovery, the probes of our own published endpoints)
//! goes through the proxy, with TLS still verified end to end through the tunnel. Names are
//! resolved by the proxy, as behind a proxy that is the only way out.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use common::{json, plan_path, succeed, BIN};

/// An HTTP CONNECT proxy on loopback that records each tunnel's target and opens it to the
/// same port on 127.0.0.1, where the lab serves every host name.
struct ConnectProxy {
    addr: SocketAddr,
    targets: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let seen = seen.clone();
                thread::spawn(move || tunnel(client, &seen));
            }
        });
        Self { addr, targets }
    }

    fn targets(&self) -> Vec<String> {
        self.targets.lock().expect("targets").clone()
    }
}

fn tunnel(client: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().expect("clone"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    // The rest of the request head, up to the empty line.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut writer = client;
    let target = match request.split_whitespace().collect::<Vec<_>>()[..] {
        ["CONNECT", target, _] => target.to_owned(),
        _ => {
            let _ = writer.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
            return;
        }
    };
    seen.lock().expect("seen").push(target.clone());
    let port: u16 = target
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(443);
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        let _ = writer.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    if writer
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let mut up_write = upstream.try_clone().expect("clone");
    let mut up_read = upstream;
    let down = thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut writer);
        let _ = writer.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut reader.by_ref(), &mut up_write);
    let _ = up_write.shutdown(Shutdown::Write);
    let _ = down.join();
}

fn status<'a>(run: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    &run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {run}"))["status"]
}

#[test]
fn verify_reaches_partners_and_our_endpoints_through_the_environment_proxy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    succeed(d, &["lab", "init"]);
    succeed(d, &["apply", &plan_path(), "--yes"]);

    let proxy = ConnectProxy::start();
    let mut verify = Command::new(BIN);
    verify
        .arg("--data-dir")
        .arg(d)
        // The lab world (no --resolver: a listed resolver would be the Internet's shape, port
        // 443 and no lab CA): the lab's port is in every URL, so each tunnel names it.
        .args(["--json", "verify"])
        .stdin(Stdio::null());
    for var in [
        "https_proxy",
        "http_proxy",
        "HTTP_PROXY",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        verify.env_remove(var);
    }
    let out = verify
        .env("HTTPS_PROXY", format!("http://{}", proxy.addr))
        .output()
        .expect("run fedshare verify");
    let run = json(&out);

    let targets = proxy.targets();
    for host in ["autodiscover.contoso.com:", "autodiscover.fabrikam.com:"] {
        assert!(
            targets.iter().any(|t| t.starts_with(host)),
            "no tunnel to {host}* among {targets:?}"
        );
    }
    // Through the tunnel the chain is still verified, and the answers are still judged.
    assert_eq!(*status(&run, "endpoint.tls:contoso.com"), "pass", "{run}");
    assert_eq!(
        *status(&run, "endpoint.wssecurity:contoso.com"),
        "pass",
        "{run}"
    );
    assert_eq!(
        *status(&run, "partner.discovery:fabrikam.com"),
        "pass",
        "{run}"
    );
}
