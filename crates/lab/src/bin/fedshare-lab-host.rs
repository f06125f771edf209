//! The lab host as a standalone process:
//! - `fedshare-lab-host <data-dir>`: the shell protocol on stdin/stdout, with the lab network;
//! - `fedshare-lab-host --serve <data-dir>`: only the lab network, in the foreground.

use std::path::Path;
use std::process::ExitCode;

use fedshare_model::ErrorCode as _;

const USAGE: &str = "usage: fedshare-lab-host [--serve] <data-dir>";

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let result = match args.as_slice() {
        [flag, dir] if flag == "--serve" => {
            fedshare_lab::admin::serve(Path::new(dir), fedshare_lab::Ports::default())
        }
        [dir] if dir != "--serve" => fedshare_lab::host::run_stdio(Path::new(dir)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", e.to_payload());
            ExitCode::FAILURE
        }
    }
}
