//! Diagnostic: which keychain would Fedshare use here, and does it work?
//!
//! `fedshare-keychain-probe` prints the [`KeychainStatus`] as JSON and writes nothing.
//! `fedshare-keychain-probe round-trip <secretService|kernelKeyring|...>` stores, reads and
//! removes a throwaway entry in that backend; prints `{"ok":true}` or `{"error":{...}}` and
//! exits 1 on error. The tests use it as a child process with a different environment
//! (no D-Bus session, a locked keyring).

use std::process::ExitCode;

use fedshare_credentials::{BackendKind, Keychain};
use fedshare_model::ErrorCode;
use serde_json::json;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => print(&json!({ "status": Keychain::detect() }), ExitCode::SUCCESS),
        [cmd, backend] if cmd == "round-trip" => round_trip(backend),
        _ => {
            eprintln!("usage: fedshare-keychain-probe [round-trip <backend>]");
            ExitCode::from(2)
        }
    }
}

fn round_trip(backend: &str) -> ExitCode {
    let Ok(kind) = serde_json::from_value::<BackendKind>(json!(backend)) else {
        eprintln!("unknown backend '{backend}' (secretService, kernelKeyring, ...)");
        return ExitCode::from(2);
    };
    match Keychain::with_backend(kind).and_then(|keychain| keychain.test()) {
        Ok(()) => print(&json!({ "ok": true }), ExitCode::SUCCESS),
        Err(err) => print(&json!({ "error": err.to_payload() }), ExitCode::FAILURE),
    }
}

fn print(value: &serde_json::Value, code: ExitCode) -> ExitCode {
    println!("{value}");
    code
}
