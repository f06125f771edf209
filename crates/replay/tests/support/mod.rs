//! A real organization's profile whose session runs `fedshare-replay-host` instead of
//! `powershell.exe`: everything from the hello on is the engine's production path.

#![allow(dead_code)] // each test binary uses a part

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};

use fedshare_engine::network::NetworkChoice;
use fedshare_engine::verification::VerifyRequest;
use fedshare_engine::{AppPaths, Backend, Profile, Session};
use fedshare_exchange::client::HostCommand;
use fedshare_replay::Transcript;

/// The folder of a scenario shipped with the crate.
pub fn scenario_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Contoso's profile as an administrator sets it up: the server's FQDN over http, Kerberos
/// as the current Windows identity (no stored credential, so no keychain in the test).
pub fn contoso_profile() -> Profile {
    Profile {
        name: "Contoso".into(),
        backend: Backend::remote("http://ex01.contoso.com/PowerShell/", false),
        ..Profile::lab()
    }
}

/// One engine session against one scenario, with its own data folder and transcript.
pub struct Replay {
    pub session: Session,
    pub paths: AppPaths,
    pub transcript: PathBuf,
    _dir: tempfile::TempDir,
}

impl Replay {
    pub fn start(scenario: &Path, latency_ms: u64) -> Replay {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        let transcript = dir.path().join("transcript.jsonl");
        let command = HostCommand {
            program: env!("CARGO_BIN_EXE_fedshare-replay-host").to_owned(),
            args: vec![
                "--scenario".into(),
                scenario.display().to_string(),
                "--transcript".into(),
                transcript.display().to_string(),
                "--latency-ms".into(),
                latency_ms.to_string(),
            ],
            env_clear_secrets: true,
            preamble: None,
        };
        // The lab-host program is never started: the replay host stands in for powershell.exe.
        let session = Session::new(
            contoso_profile(),
            paths.clone(),
            PathBuf::from("no-lab-host"),
        )
        .with_host_command(command);
        Replay {
            session,
            paths,
            transcript,
            _dir: dir,
        }
    }

    pub fn transcript(&self) -> Transcript {
        Transcript::read(&self.transcript).expect("transcript")
    }

    /// What the engine sent since `before` round trips, failing loudly on anything the
    /// scenario did not expect.
    pub fn sent_since(&self, before: usize, what: &str) -> Transcript {
        let t = self.transcript().since(before);
        assert!(
            t.unexpected().is_empty(),
            "{what} sent invocations the scenario does not expect:\n  {}",
            t.unexpected().join("\n  ")
        );
        t
    }
}

/// A DNS server on loopback that says "no such name" to every question, so verification's
/// DNS views and partner discovery end at once instead of reaching the Internet.
pub fn nxdomain_resolver() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("udp");
    let addr = socket.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if n < 12 {
                continue;
            }
            let mut reply = buf[..n].to_vec();
            reply[2] = 0x80 | (buf[2] & 0x01); // QR, keep RD
            reply[3] = 0x80 | 0x03; // RA, NXDOMAIN
            reply[6..12].fill(0); // no answer, authority or additional records
            let _ = socket.send_to(&reply, from);
        }
    });
    addr
}

/// Verification as `user`, with DNS and partner discovery answered by [`nxdomain_resolver`].
pub fn verify_as(user: &str) -> VerifyRequest {
    VerifyRequest {
        test_user: Some(user.into()),
        network: NetworkChoice {
            resolvers: vec![nxdomain_resolver()],
            extra_ca_pem: None,
        },
        ..VerifyRequest::default()
    }
}
