//! The lab host as a standalone process: `fedshare-lab-host <data-dir>`.

use std::process::ExitCode;

use fedshare_model::ErrorCode as _;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: fedshare-lab-host <data-dir>");
        return ExitCode::from(2);
    };
    match fedshare_lab::host::run_stdio(std::path::Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.to_payload());
            ExitCode::FAILURE
        }
    }
}
