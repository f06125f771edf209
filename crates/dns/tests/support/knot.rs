//! A real Knot DNS server on a loopback port, with zones written for the test; killed on drop.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const TEST_KEY_NAME: &str = "test-key";
/// 32 bytes, base64: the shared secret of the test TSIG key.
pub const TEST_KEY_SECRET: &str = "Zm9vYmFyLXRzaWctc2VjcmV0LWZvci10ZXN0cy0wMDE=";

/// A zone for the test: its name and its records (after the generated SOA and NS).
pub struct Zone {
    pub name: String,
    pub records: String,
    /// Allow TSIG-signed updates with the test key.
    pub updatable: bool,
    /// Configure the zone but write no file: Knot answers SERVFAIL for it.
    pub broken: bool,
}

impl Zone {
    pub fn new(name: &str, records: &str) -> Self {
        Self {
            name: name.into(),
            records: records.into(),
            updatable: false,
            broken: false,
        }
    }
    pub fn updatable(mut self) -> Self {
        self.updatable = true;
        self
    }
    pub fn broken(name: &str) -> Self {
        Self {
            name: name.into(),
            records: String::new(),
            updatable: false,
            broken: true,
        }
    }
}

pub struct Knot {
    pub addr: SocketAddr,
    child: Child,
    _dir: tempfile::TempDir,
}

fn knotd_path() -> PathBuf {
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain(["/usr/sbin", "/sbin"])
    {
        let candidate = PathBuf::from(dir).join("knotd");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("knotd is not installed (Debian package `knot`): these tests need a real DNS server and must not be skipped");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Knot {
    pub fn start(zones: &[Zone]) -> Self {
        let knotd = knotd_path();
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        for sub in ["run", "db", "zones"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        for zone in zones.iter().filter(|z| !z.broken) {
            let text = format!(
                "$ORIGIN {n}.\n$TTL 300\n@ SOA ns1.{n}. hostmaster.{n}. 1 3600 600 86400 300\n@ NS ns1.{n}.\nns1 A 127.0.0.1\n{r}\n",
                n = zone.name,
                r = zone.records
            );
            std::fs::write(
                dir.path().join("zones").join(format!("{}.zone", zone.name)),
                text,
            )
            .expect("zone");
        }
        let conf = config(dir.path(), port, zones);
        let conf_path = dir.path().join("knot.conf");
        std::fs::write(&conf_path, conf).expect("conf");
        let child = Command::new(knotd)
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("knotd starts");
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let knot = Knot {
            addr,
            child,
            _dir: dir,
        };
        knot.wait_ready();
        knot
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        while TcpStream::connect_timeout(&self.addr, Duration::from_millis(100)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "knotd did not start listening on {}",
                self.addr
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Zones load right after the sockets open.
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn config(dir: &std::path::Path, port: u16, zones: &[Zone]) -> String {
    let d = dir.display();
    let zone_lines: Vec<String> = zones
        .iter()
        .map(|z| {
            if z.updatable {
                format!("  - domain: {}\n    acl: [tsig-update]", z.name)
            } else {
                format!("  - domain: {}", z.name)
            }
        })
        .collect();
    format!(
        "server:\n  listen: 127.0.0.1@{port}\n  rundir: {d}/run\n\
         database:\n  storage: {d}/db\n\
         key:\n  - id: {TEST_KEY_NAME}\n    algorithm: hmac-sha256\n    secret: {TEST_KEY_SECRET}\n\
         acl:\n  - id: tsig-update\n    key: {TEST_KEY_NAME}\n    action: update\n\
         template:\n  - id: default\n    storage: {d}/zones\n    file: \"%s.zone\"\n    zonefile-sync: -1\n\
         zone:\n{}\n",
        zone_lines.join("\n")
    )
}

impl Drop for Knot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
