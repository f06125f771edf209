//! The lab admin API (what `fedshare lab ...` offers): create, load, break and repair the world.

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use fedshare_exchange::protocol::LabEndpoints;

use crate::breaks::Break;
use crate::error::LabError;
use crate::network::{LabNetwork, Ports, CA_FILE};
use crate::persist::StateLock;
use crate::world::World;

/// Where `serve` announces its endpoints while it runs (see [`endpoints`]).
pub const ENDPOINTS_FILE: &str = "lab-endpoints.json";

/// Creates the lab world in `data_dir`. An existing world is kept (and returned) unless
/// `reset` is true.
pub fn init(data_dir: &Path, reset: bool, partners: usize) -> Result<World, LabError> {
    let _lock = StateLock::create(data_dir)?;
    init_locked(data_dir, reset, partners)
}

/// [`init`] for a caller that holds the state lock.
pub(crate) fn init_locked(
    data_dir: &Path,
    reset: bool,
    partners: usize,
) -> Result<World, LabError> {
    if !reset {
        match World::load(data_dir) {
            Ok(world) => return Ok(world),
            Err(LabError::NotInitialized(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let world = World::contoso(partners);
    world.save(data_dir)?;
    Ok(world)
}

pub fn load(data_dir: &Path) -> Result<World, LabError> {
    World::load(data_dir)
}

/// The active breaks.
pub fn breaks(data_dir: &Path) -> Result<Vec<Break>, LabError> {
    Ok(World::load(data_dir)?.breaks)
}

/// Turns a break on (idempotent) and persists it.
pub fn apply_break(data_dir: &Path, b: Break) -> Result<World, LabError> {
    update(data_dir, |w| {
        if !w.breaks.contains(&b) {
            w.breaks.push(b);
        }
    })
}

/// Turns a break off (idempotent) and persists it.
pub fn clear_break(data_dir: &Path, b: Break) -> Result<World, LabError> {
    update(data_dir, |w| w.breaks.retain(|x| *x != b))
}

pub fn clear_all_breaks(data_dir: &Path) -> Result<World, LabError> {
    update(data_dir, |w| w.breaks.clear())
}

/// Moves the lab's clock forward (or back) by `days` and persists it: certificates made
/// before now report themselves that much older; a running host takes the clock in from the
/// file like the breaks. `reset` puts the clock back to real time first.
pub fn move_clock(data_dir: &Path, days: i64, reset: bool) -> Result<World, LabError> {
    update(data_dir, |w| {
        if reset {
            w.clock_days = 0;
        }
        w.clock_days = w.clock_days.saturating_add(days);
    })
}

/// Applies a DNS change to the lab zone data (what a signed RFC 2136 update does). A new
/// TXT record at a name repairs the proof breaks, as republishing the record would. With a
/// lab host running, send it a signed update instead: the host owns the zones and its next
/// save overwrites this change (it takes in only the breaks).
pub fn set_records(
    data_dir: &Path,
    name: &str,
    rtype: &str,
    values: &[String],
) -> Result<bool, LabError> {
    let mut found = false;
    update(data_dir, |w| {
        found = w.set_records(name, rtype, values);
        if found && rtype.eq_ignore_ascii_case("TXT") {
            w.breaks.retain(|b| !b.is_dns());
        }
    })?;
    Ok(found)
}

/// Load, change and save under the state lock: a running host saves under the same lock after
/// taking in the file's breaks, so neither this change nor the host's is lost (see
/// [`crate::persist`]). A running host adopts only the breaks; other changes made here (zone
/// records) last until the host's next save.
fn update(data_dir: &Path, change: impl FnOnce(&mut World)) -> Result<World, LabError> {
    let _lock = StateLock::acquire(data_dir)?;
    let mut world = World::load(data_dir)?;
    change(&mut world);
    world.save(data_dir)?;
    Ok(world)
}

/// `fedshare lab serve`: runs the lab DNS and HTTPS endpoints in the foreground until Ctrl-C,
/// persisting signed DNS updates into the world. Prints the addresses and how to use them;
/// writes the CA to `<dir>/lab-ca.pem` and the endpoints to `<dir>/lab-endpoints.json`.
///
/// A lab host and `serve` on the same directory each keep their own copy of the world: both
/// take in breaks changed by `fedshare lab break/fix`, but each one's other changes (cmdlets,
/// DNS updates) are the other's to overwrite.
pub fn serve(data_dir: &Path, ports: Ports) -> Result<(), LabError> {
    let live = crate::host::open(data_dir)?;
    let network = LabNetwork::start(&live, ports)?;
    let endpoints_path = data_dir.join(ENDPOINTS_FILE);
    let json = serde_json::to_vec_pretty(&network.endpoints()).map_err(LabError::Protocol)?;
    std::fs::write(&endpoints_path, json).map_err(|source| io(&endpoints_path, source))?;
    println!("{}", serve_summary(&network, data_dir));
    let waited = network.wait_for_ctrl_c();
    network.stop();
    // The endpoints are gone with the process; a stale file would only mislead.
    let _ = std::fs::remove_file(&endpoints_path);
    waited
}

fn serve_summary(network: &LabNetwork, data_dir: &Path) -> String {
    let dns = network.dns_addr();
    let https = network.https_addr();
    let ca = data_dir.join(CA_FILE);
    format!(
        "Lab DNS (UDP+TCP): {dns}\nLab HTTPS (Autodiscover, every lab host name by SNI): {https}\n\
         Lab HTTP (Autodiscover redirect probe): {http}\nLab CA certificate: {ca}\n\n\
         Try:\n  kdig @{dns_ip} -p {dns_port} contoso.com TXT\n  \
         curl --cacert {ca} --resolve autodiscover.fabrikam.com:{https_port}:{https_ip} \
         https://autodiscover.fabrikam.com:{https_port}/autodiscover/autodiscover.svc\n\
         Press Ctrl-C to stop.",
        http = network.http_addr(),
        ca = ca.display(),
        dns_ip = dns.ip(),
        dns_port = dns.port(),
        https_ip = https.ip(),
        https_port = https.port(),
    )
}

/// The endpoints of the `serve` running on `data_dir`, or `None` when none runs (no file,
/// or its DNS server no longer accepts connections).
pub fn endpoints(data_dir: &Path) -> Result<Option<LabEndpoints>, LabError> {
    let path = data_dir.join(ENDPOINTS_FILE);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io(&path, source)),
    };
    let endpoints: LabEndpoints =
        serde_json::from_slice(&text).map_err(|source| LabError::StateCorrupt {
            path: path.display().to_string(),
            source,
        })?;
    let alive = endpoints
        .dns
        .parse::<SocketAddr>()
        .is_ok_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok());
    Ok(alive.then_some(endpoints))
}

fn io(path: &Path, source: std::io::Error) -> LabError {
    LabError::Io {
        path: path.display().to_string(),
        source,
    }
}
