//! How the lab's "federation gateway" checks proof of domain ownership: it reads the TXT
//! records published at the domain and looks for one of the expected proof values.

use std::net::SocketAddr;
use std::time::Duration;

use crate::error::LabError;
use crate::views;
use crate::world::World;

/// Reads the TXT values published at a domain apex.
pub trait ProofVerifier: Send + Sync {
    /// TXT values at `domain`. `world` is the lab state for verifiers that read its zone data;
    /// verifiers that ask a DNS server ignore it.
    fn txt_values(&self, world: &World, domain: &str) -> Result<Vec<String>, LabError>;
}

/// Reads the lab's own zone data (with breaks applied) — the same data the lab DNS server
/// serves. Used when no lab DNS server runs.
#[derive(Debug, Default, Clone, Copy)]
pub struct ZoneDataVerifier;

impl ProofVerifier for ZoneDataVerifier {
    fn txt_values(&self, world: &World, domain: &str) -> Result<Vec<String>, LabError> {
        let zones = views::effective_zones(world);
        Ok(crate::zones::zone_for(&zones, domain)
            .map(|z| z.values(domain.trim_end_matches('.'), "TXT"))
            .unwrap_or_default())
    }
}

/// Queries a DNS server over the network (the lab DNS server from labnet, or any server in
/// tests) with hickory-resolver.
#[derive(Debug, Clone)]
pub struct DnsVerifier {
    server: SocketAddr,
    tcp: bool,
}

impl DnsVerifier {
    pub fn udp(server: SocketAddr) -> Self {
        Self { server, tcp: false }
    }

    pub fn tcp(server: SocketAddr) -> Self {
        Self { server, tcp: true }
    }

    async fn lookup(&self, domain: &str) -> Result<Vec<String>, LabError> {
        use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
        use hickory_resolver::net::runtime::TokioRuntimeProvider;
        use hickory_resolver::proto::rr::RData;

        let mut conn = if self.tcp {
            ConnectionConfig::tcp()
        } else {
            ConnectionConfig::udp()
        };
        conn.port = self.server.port();
        let ns = NameServerConfig::new(self.server.ip(), true, vec![conn]);
        let mut builder = hickory_resolver::Resolver::builder_with_config(
            ResolverConfig::from_name_servers(vec![ns]),
            TokioRuntimeProvider::default(),
        );
        // The gateway must see what is published now, not a cached answer.
        builder.options_mut().cache_size = 0;
        builder.options_mut().timeout = Duration::from_secs(3);
        builder.options_mut().attempts = 1;
        let resolver = builder.build().map_err(|e| LabError::Dns(e.to_string()))?;
        let fqdn = format!("{}.", domain.trim_end_matches('.'));
        let lookup = match resolver.txt_lookup(fqdn).await {
            Ok(l) => l,
            // No record (NXDOMAIN/NODATA) is an empty answer, not a failure.
            Err(e) if e.is_no_records_found() => return Ok(Vec::new()),
            Err(e) => return Err(LabError::Dns(e.to_string())),
        };
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }
}

impl ProofVerifier for DnsVerifier {
    fn txt_values(&self, _world: &World, domain: &str) -> Result<Vec<String>, LabError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| LabError::Dns(e.to_string()))?;
        runtime.block_on(self.lookup(domain))
    }
}
