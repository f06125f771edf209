//! Host-name resolution for HTTP: the system's (reqwest's default) or a list of DNS servers
//! through hickory, so a lab or a pinned check resolves partner hosts where the user says.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::TokioResolver;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde::{Deserialize, Serialize};

use crate::error::{DnsError as SetupError, Result};
use crate::transport::rcode_name;

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
    /// The servers as the user wrote them, for messages.
    servers: Arc<str>,
    timeout: Duration,
    /// Names no server answered for in this run. Exchange's discovery order asks for the same
    /// host twice (SOAP, then the redirect probe); a silent server is not waited for twice.
    silent: Arc<Mutex<HashSet<String>>>,
}

impl ListedResolver {
    /// `timeout` bounds one lookup. Callers give it less than their connect timeout, so a
    /// silent DNS server reads as a DNS failure rather than a slow connection.
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
            .map_err(|e| SetupError::Resolver(Box::new(e)))?;
        let servers = servers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Self {
            inner: Arc::new(inner),
            servers: servers.into(),
            timeout,
            silent: Arc::default(),
        })
    }

    /// The addresses of `host`, from the listed servers only.
    pub(crate) async fn lookup(
        &self,
        host: &str,
    ) -> std::result::Result<Vec<std::net::IpAddr>, String> {
        let fqdn = format!("{}.", host.trim_end_matches('.').to_ascii_lowercase());
        if self.is_silent(&fqdn) {
            return Err(self.no_answer());
        }
        // hickory's own timeout is per attempt and per protocol (UDP, then TCP); the whole
        // lookup is held to one.
        let lookup = tokio::time::timeout(self.timeout, self.inner.lookup_ip(fqdn.as_str()));
        match lookup.await {
            Ok(Ok(found)) => Ok(found.iter().collect()),
            Err(_) | Ok(Err(NetError::Timeout | NetError::NoConnections)) => {
                if let Ok(mut silent) = self.silent.lock() {
                    silent.insert(fqdn);
                }
                Err(self.no_answer())
            }
            Ok(Err(e)) => Err(self.describe(host, &e)),
        }
    }

    /// A failed lookup in words, with what to do: the resolver library's own text is Debug
    /// output ("no records found for Query { .. }") or its jargon ("error response: Query
    /// Refused").
    fn describe(&self, host: &str, error: &NetError) -> String {
        let host = host.trim_end_matches('.');
        let servers = &self.servers;
        match error {
            NetError::Dns(DnsError::NoRecordsFound(none))
                if none.response_code == ResponseCode::NXDomain =>
            {
                format!(
                    "{host} does not exist (NXDOMAIN on {servers}): check the spelling, and that \
                     the domain publishes this name"
                )
            }
            NetError::Dns(DnsError::NoRecordsFound(_)) => format!(
                "{host} has no address record (A or AAAA) on {servers}: the name exists but \
                 leads nowhere; its DNS administrator must publish one"
            ),
            NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => format!(
                "the DNS server {servers} refused the query (REFUSED): it does not resolve this \
                 name for this computer; check the address, or allow this computer to query it"
            ),
            NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => format!(
                "the DNS server {servers} could not answer for {host} (SERVFAIL): the domain's \
                 own DNS servers failed or gave a broken answer; try again later, or tell the \
                 domain's DNS administrator"
            ),
            NetError::Dns(DnsError::ResponseCode(code)) => format!(
                "the DNS server {servers} answered {} for {host}: check that it is a resolver \
                 this computer may use",
                rcode_name(*code)
            ),
            NetError::Io(io) => format!(
                "the DNS server {servers} cannot be reached ({io}): check the address and that \
                 no firewall blocks DNS (port 53) from this computer"
            ),
            other => format!("the lookup of {host} on {servers} failed: {other}"),
        }
    }

    fn is_silent(&self, fqdn: &str) -> bool {
        self.silent
            .lock()
            .map(|silent| silent.contains(fqdn))
            .unwrap_or(false)
    }

    fn no_answer(&self) -> String {
        format!(
            "no answer from the DNS server {} within {} s: check that the address is right and \
             that the server answers queries from this computer",
            self.servers,
            self.timeout.as_secs_f32()
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Datagrams waiting on `socket`, read without blocking.
    fn received(socket: &std::net::UdpSocket) -> usize {
        let mut buf = [0u8; 512];
        let mut n = 0;
        while socket.recv(&mut buf).is_ok() {
            n += 1;
        }
        n
    }

    #[test]
    fn lookup_failures_read_as_words_with_what_to_do() {
        use hickory_resolver::net::NoRecords;
        use hickory_resolver::proto::op::Query;
        use hickory_resolver::proto::rr::{Name, RecordType};

        let server: SocketAddr = "192.0.2.53:53".parse().expect("addr");
        let resolver = ListedResolver::new(&[server], Duration::from_secs(1)).expect("resolver");
        let query = Query::query(
            Name::from_ascii("x.fabrikam.com.").expect("name"),
            RecordType::A,
        );
        let said = |e: NetError| resolver.describe("x.fabrikam.com.", &e);

        let nx = said(NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query.clone(),
            ResponseCode::NXDomain,
        ))));
        assert_eq!(
            nx,
            "x.fabrikam.com does not exist (NXDOMAIN on 192.0.2.53:53): check the spelling, \
             and that the domain publishes this name"
        );
        let nodata = said(NetError::Dns(DnsError::NoRecordsFound(NoRecords::new(
            query,
            ResponseCode::NoError,
        ))));
        assert!(
            nodata.starts_with("x.fabrikam.com has no address record"),
            "{nodata}"
        );
        let refused = said(NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)));
        assert!(
            refused.starts_with("the DNS server 192.0.2.53:53 refused the query (REFUSED): "),
            "{refused}"
        );
        let servfail = said(NetError::Dns(DnsError::ResponseCode(
            ResponseCode::ServFail,
        )));
        assert!(servfail.contains("(SERVFAIL)") && servfail.contains("try again later"));
        let unreachable = said(NetError::Io(Arc::new(std::io::Error::from(
            std::io::ErrorKind::NetworkUnreachable,
        ))));
        assert!(
            unreachable.starts_with("the DNS server 192.0.2.53:53 cannot be reached")
                && unreachable.contains("no firewall blocks DNS"),
            "{unreachable}"
        );
        for text in [nx, nodata, refused, servfail, unreachable] {
            assert!(
                !text.contains("Query {") && !text.contains("error response"),
                "{text}"
            );
        }
    }

    #[tokio::test]
    async fn a_silent_server_is_named_and_asked_once_per_name() {
        // A server that takes queries and never answers (a firewall that drops them).
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        silent.set_nonblocking(true).expect("nonblocking");
        let addr = silent.local_addr().expect("addr");
        let resolver = ListedResolver::new(&[addr], Duration::from_millis(300)).expect("resolver");

        let err = resolver
            .lookup("autodiscover.fabrikam.com")
            .await
            .unwrap_err();
        assert!(
            err.starts_with(&format!(
                "no answer from the DNS server {addr} within 0.3 s"
            )),
            "{err}"
        );
        let asked = received(&silent);
        assert!(asked >= 1, "the server was never asked");

        let again = resolver
            .lookup("AUTODISCOVER.fabrikam.com.")
            .await
            .unwrap_err();
        assert_eq!(again, err);
        assert_eq!(received(&silent), 0, "a silent server is not asked twice");

        // Another name is still asked.
        resolver.lookup("fabrikam.com").await.unwrap_err();
        assert!(received(&silent) >= 1);
    }
}
