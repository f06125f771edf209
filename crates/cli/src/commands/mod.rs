//! One module per command family; each turns arguments into engine calls and an [`Output`].
//!
//! [`Output`]: crate::output::Output

pub mod ack;
pub mod certificate;
pub mod credentials;
pub mod dns;
pub mod explain;
pub mod freebusy;
pub mod lab;
pub mod partner;
pub mod plan;
pub mod remove;
pub mod report;
pub mod status;
pub mod verify;

use std::path::Path;

use fedshare_engine::network::{Network, NetworkChoice};
use fedshare_engine::{AppPaths, EngineError, Session};

use crate::args::Global;

/// The folders this run uses: `--data-dir` when given, else the OS's data directory.
pub fn paths(global: &Global) -> AppPaths {
    match &global.data_dir {
        Some(dir) => AppPaths::under(dir.clone()),
        None => AppPaths::from_os(),
    }
}

/// A session with the profile's shell; the lab host is this executable itself. An unknown
/// profile name falls back to nothing: the error says which profiles exist.
pub fn session(global: &Global) -> Result<Session, EngineError> {
    let paths = paths(global);
    let profile = fedshare_engine::profiles::find(&paths, &global.profile)?;
    let exe = std::env::current_exe().unwrap_or_else(|_| "fedshare".into());
    Ok(Session::new(profile, paths, exe))
}

/// The network of a command that needs no Exchange (`partner info`, `dns check`): the
/// profile's world, chosen once, with no shell host started.
pub async fn standalone_network(
    global: &Global,
    choice: NetworkChoice,
) -> Result<Network, EngineError> {
    let paths = paths(global);
    let profile = fedshare_engine::profiles::find(&paths, &global.profile)?;
    Network::standalone(&profile, &paths, choice).await
}

/// The network a command uses: `--resolver` addresses and the extra CA certificates of
/// `--ca-file` (PEM), read here so every command reports an unreadable file the same way.
pub fn network_choice(
    resolvers: &[String],
    ca_file: Option<&Path>,
) -> Result<NetworkChoice, EngineError> {
    let extra_ca_pem = match ca_file {
        Some(path) => Some(
            std::fs::read_to_string(path).map_err(|source| EngineError::Io {
                path: path.display().to_string(),
                source,
            })?,
        ),
        None => None,
    };
    Ok(NetworkChoice {
        resolvers: dns::parse_resolvers(resolvers)?,
        extra_ca_pem,
    })
}
