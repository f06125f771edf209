//! The lab network (labnet) started from the world: the lab DNS server serving the world's
//! zones and accepting updates signed with the world's TSIG key, and the HTTPS Autodiscover
//! endpoints of Contoso and its partners, certified by the world's lab CA.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use fedshare_exchange::protocol::LabEndpoints;
use fedshare_labnet::{FederationInfoTable, LabNet, LabNetConfig, TsigKeyConfig};

use crate::error::LabError;
use crate::live::{Live, LiveWorld};
use crate::proof::DnsVerifier;
use crate::served::{to_labnet, Served};
use crate::sites::{extra_hosts, partner_sites};
use crate::views;
use crate::world::World;

/// Where the lab CA certificate is written next to the state, for `curl --cacert`.
pub const CA_FILE: &str = "lab-ca.pem";

/// Listening ports; 0 picks a free one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ports {
    pub dns: u16,
    pub https: u16,
    /// The plain-HTTP Autodiscover redirect probe.
    pub http: u16,
}

/// A running lab network attached to a [`LiveWorld`]: DNS updates are folded into the world,
/// federation answers follow it, and proof checks ask the lab DNS server.
#[derive(Debug)]
pub struct LabNetwork {
    // Declared first so it is dropped (its listeners told to stop) before the runtime.
    net: LabNet,
    runtime: tokio::runtime::Runtime,
}

impl LabNetwork {
    /// Starts the network on its own small runtime (the caller's thread stays free for the
    /// blocking stdio loop) and attaches it to `live`. A world without a lab CA gets one,
    /// persisted before this returns.
    pub fn start(live: &Arc<LiveWorld>, ports: Ports) -> Result<LabNetwork, LabError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lab-network")
            .enable_all()
            .build()
            .map_err(LabError::Runtime)?;
        let net = live.with(|state| -> Result<LabNet, LabError> {
            let table = FederationInfoTable::new();
            let mut config = config_for(&state.shell.world, ports, table.clone())?;
            state.served = Served::of(&config.zones);
            hook(&mut config, live);
            let sites = config.partners.clone();
            let net = runtime
                .block_on(LabNet::start(config))
                .map_err(LabError::Network)?;
            state.published = Some((table, sites));
            state.dns = Some(net.served_zones());
            state.republish();
            attach(state, &net, live.data_dir())?;
            Ok(net)
        })?;
        Ok(LabNetwork { net, runtime })
    }

    pub fn dns_addr(&self) -> SocketAddr {
        self.net.dns_addr()
    }

    pub fn https_addr(&self) -> SocketAddr {
        self.net.https_addr()
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.net.http_addr()
    }

    pub fn ca_pem(&self) -> &str {
        self.net.ca_pem()
    }

    /// What the lab host announces in its hello reply.
    pub fn endpoints(&self) -> LabEndpoints {
        LabEndpoints {
            dns: self.dns_addr().to_string(),
            https: self.https_addr().to_string(),
            http: Some(self.http_addr().to_string()),
            ca_pem: self.ca_pem().to_owned(),
        }
    }

    /// Blocks until Ctrl-C (for `fedshare lab serve`).
    pub fn wait_for_ctrl_c(&self) -> Result<(), LabError> {
        self.runtime
            .block_on(tokio::signal::ctrl_c())
            .map_err(LabError::Runtime)
    }

    /// Stops every listener and waits for them to end.
    pub fn stop(self) {
        let LabNetwork { net, runtime } = self;
        runtime.block_on(net.shutdown());
    }
}

/// Connects the network's hooks to `live`: DNS updates fold into the world, and every answer
/// first takes in breaks changed in the state file. The hooks hold the world weakly: the
/// world keeps the DNS server (to replace its zones), so a strong reference would be a cycle.
fn hook(config: &mut LabNetConfig, live: &Arc<LiveWorld>) {
    let target = Arc::downgrade(live);
    config.on_change = Some(Arc::new(move |zones| {
        if let Some(live) = target.upgrade() {
            live.zones_changed(zones);
        }
    }));
    config.availability = Some(Arc::new(crate::availability::LabAvailability::new(live)));
    let target = Arc::downgrade(live);
    config.before_answer = Some(Arc::new(move || {
        if let Some(live) = target.upgrade() {
            live.before_answer();
        }
    }));
}

/// The labnet configuration for a world: the zones as currently served (breaks applied), its
/// TSIG key and CA, and its organizations' Autodiscover sites.
pub fn config_for(
    world: &World,
    ports: Ports,
    table: FederationInfoTable,
) -> Result<LabNetConfig, LabError> {
    if !world.tsig.algorithm.eq_ignore_ascii_case("hmac-sha256") {
        return Err(LabError::ZoneData(format!(
            "the lab DNS server signs with hmac-sha256, not {}",
            world.tsig.algorithm
        )));
    }
    let mut config = LabNetConfig::empty();
    config.dns_port = ports.dns;
    config.https_port = ports.https;
    config.http_port = ports.http;
    config.zones = to_labnet(&views::effective_zones(world))?;
    config.tsig = TsigKeyConfig {
        name: world.tsig.name.clone(),
        secret_b64: world.tsig.secret.clone(),
    };
    config.ca = world.lab_ca.clone();
    config.partners = partner_sites(world);
    config.extra_hosts = extra_hosts(world, &config.partners);
    config.federation_info = table;
    Ok(config)
}

/// Points the proof check at the running DNS server, keeps the CA in the world, and writes
/// its certificate next to the state.
fn attach(state: &mut Live, net: &LabNet, data_dir: &Path) -> Result<(), LabError> {
    state
        .shell
        .set_verifier(Box::new(DnsVerifier::udp(net.dns_addr())));
    if state.shell.world.lab_ca.as_ref() != Some(net.ca_material()) {
        state.shell.world.lab_ca = Some(net.ca_material().clone());
        state.save(data_dir)?;
    }
    let path = data_dir.join(CA_FILE);
    std::fs::write(&path, net.ca_pem()).map_err(|source| LabError::Io {
        path: path.display().to_string(),
        source,
    })
}
