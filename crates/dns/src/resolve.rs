//! Host-name resolution for HTTP: the system's (reqwest's default) or a list of DNS servers
//! through hickory, so a lab or a pinned check resolves partner hosts where the user says.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::TokioResolver;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde::{Deserialize, Serialize};

use crate::error::{DnsError, Result};

/// Which DNS servers resolve host names for HTTP requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "servers")]
pub enum HostResolver {
    /// The operating system's resolver.
    #[default]
    System,
    /// Only these servers (`ADDR:PORT`).
    Servers(Vec<SocketAddr>),
}

/// reqwest's resolver hook backed by hickory with a fixed server list.
#[derive(Debug, Clone)]
pub(crate) struct ListedResolver {
    inner: Arc<TokioResolver>,
}

impl ListedResolver {
    pub(crate) fn new(servers: &[SocketAddr], timeout: Duration) -> Result<Self> {
        let name_servers = servers
            .iter()
            .map(|addr| {
                let mut udp = ConnectionConfig::udp();
                udp.port = addr.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = addr.port();
                NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
            })
            .collect();
        let mut builder = TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(name_servers),
            TokioRuntimeProvider::default(),
        );
        builder.options_mut().timeout = timeout;
        builder.options_mut().attempts = 1;
        let inner = builder
            .build()
            .map_err(|e| DnsError::Resolver(Box::new(e)))?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The addresses of `host`, for the endpoint probe's own TLS connection.
    pub(crate) async fn lookup(
        &self,
        host: &str,
    ) -> std::result::Result<Vec<std::net::IpAddr>, String> {
        let fqdn = format!("{}.", host.trim_end_matches('.'));
        let found = self
            .inner
            .lookup_ip(fqdn.as_str())
            .await
            .map_err(|e| e.to_string())?;
        Ok(found.iter().collect())
    }
}

impl Resolve for ListedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            let ips = resolver
                .lookup(name.as_str())
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            let addrs: Addrs = Box::new(
                ips.into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// Resolves `host` the way HTTP requests will (for probes that open their own sockets).
pub(crate) async fn lookup_host(
    resolver: Option<&ListedResolver>,
    host: &str,
    port: u16,
) -> std::result::Result<Vec<SocketAddr>, String> {
    match resolver {
        Some(r) => Ok(r
            .lookup(host)
            .await?
            .into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect()),
        None => tokio::net::lookup_host((host, port))
            .await
            .map(Iterator::collect)
            .map_err(|e| e.to_string()),
    }
}
