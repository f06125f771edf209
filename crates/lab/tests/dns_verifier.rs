//! The network proof verifier against a real DNS server (Knot). knotd is required (Debian
//! package `knot`): a missing knotd fails the test instead of skipping it.

use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command};

use fedshare_lab::{DnsVerifier, ProofVerifier, World};

struct Knot(Child);

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn start_knot(dir: &std::path::Path, port: u16) -> Knot {
    let knotd = ["/usr/sbin/knotd", "/usr/bin/knotd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("knotd is required for this test: install the Debian package `knot`");
    std::fs::create_dir_all(dir.join("zones")).expect("dirs");
    std::fs::write(
        dir.join("zones/contoso.test.zone"),
        "$ORIGIN contoso.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n@ TXT \"v=spf1 mx -all\"\n@ TXT \"proof-value==\"\n",
    )
    .expect("zone");
    let d = dir.display();
    std::fs::write(
        dir.join("knot.conf"),
        format!("server:\n  listen: 127.0.0.1@{port}\n  rundir: {d}\ndatabase:\n  storage: {d}\ntemplate:\n  - id: default\n    storage: {d}/zones\n    file: \"%s.zone\"\nzone:\n  - domain: contoso.test\n"),
    )
    .expect("conf");
    let child = Command::new(knotd)
        .arg("-c")
        .arg(dir.join("knot.conf"))
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {knotd}: {e}"));
    Knot(child)
}

#[test]
fn reads_txt_values_from_a_real_dns_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let _knot = start_knot(dir.path(), port);
    let verifier = DnsVerifier::tcp(SocketAddr::from(([127, 0, 0, 1], port)));
    let world = World::contoso(0);
    // knotd needs a moment to load the zone; poll rather than sleep a fixed time.
    let mut values = Vec::new();
    for _ in 0..50 {
        if let Ok(v) = verifier.txt_values(&world, "contoso.test") {
            if !v.is_empty() {
                values = v;
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    values.sort();
    assert_eq!(values, ["proof-value==", "v=spf1 mx -all"]);
    assert!(verifier
        .txt_values(&world, "missing.contoso.test")
        .expect("nxdomain is empty")
        .is_empty());
}
