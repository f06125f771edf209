//! Views: the servers a check asks. The domain's own authoritative servers (found through NS
//! and asked directly, no recursion), the system resolver, and resolvers the user lists.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RData, RecordType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::transport::{self, rcode_name};

/// Where a view's answers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ViewKind {
    /// A server named in the domain's NS records, asked without recursion.
    Authoritative,
    /// A resolver from the operating system's configuration.
    System,
    /// A resolver listed by the user (`--resolver`).
    Listed,
}

impl std::fmt::Display for ViewKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ViewKind::Authoritative => "authoritative",
            ViewKind::System => "system resolver",
            ViewKind::Listed => "listed resolver",
        })
    }
}

/// One server asked during a check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct View {
    pub kind: ViewKind,
    /// For authoritative views the NS host name, otherwise the address.
    pub label: String,
    /// `ADDR:PORT` asked.
    pub server: String,
}

impl View {
    pub(crate) fn new(kind: ViewKind, label: impl Into<String>, addr: SocketAddr) -> Self {
        Self {
            kind,
            label: label.into(),
            server: addr.to_string(),
        }
    }

    pub(crate) fn addr(&self) -> Option<SocketAddr> {
        self.server.parse().ok()
    }

    pub(crate) fn recursive(&self) -> bool {
        self.kind != ViewKind::Authoritative
    }
}

/// Which resolver counts as "the system resolver".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "servers")]
pub enum SystemResolver {
    /// `/etc/resolv.conf` (or the platform equivalent).
    #[default]
    Os,
    /// Explicit servers standing in for the system resolver (the lab, tests).
    Servers(Vec<SocketAddr>),
}

impl SystemResolver {
    /// The configured servers; an unreadable OS configuration yields none (reported as a finding).
    pub fn servers(&self) -> Result<Vec<SocketAddr>, String> {
        match self {
            SystemResolver::Servers(list) => Ok(list.clone()),
            SystemResolver::Os => {
                let (config, _) = hickory_resolver::system_conf::read_system_conf()
                    .map_err(|e| format!("system resolver configuration unreadable: {e}"))?;
                let mut out: Vec<SocketAddr> = Vec::new();
                for ns in config.name_servers() {
                    let port = ns.connections.first().map_or(53, |c| c.port);
                    let addr = SocketAddr::new(ns.ip, port);
                    if !out.contains(&addr) {
                        out.push(addr);
                    }
                }
                Ok(out)
            }
        }
    }
}

/// Finds the authoritative servers of `domain` by asking `via` for NS (and the apex through
/// the SOA in the authority section when `domain` is below the zone apex).
pub(crate) async fn authoritative_views(
    domain: &Name,
    via: &[SocketAddr],
    port: u16,
    timeout: Duration,
) -> Result<Vec<View>, String> {
    let mut last_problem = String::from("no resolver available to look up the NS records");
    for resolver in via {
        match ns_hosts(domain, *resolver, timeout).await {
            Ok(hosts) if !hosts.is_empty() => {
                return Ok(resolve_hosts(&hosts, *resolver, port, timeout).await);
            }
            Ok(_) => last_problem = format!("no NS records found for {domain}"),
            Err(problem) => last_problem = problem,
        }
    }
    Err(last_problem)
}

async fn ns_hosts(
    domain: &Name,
    resolver: SocketAddr,
    timeout: Duration,
) -> Result<Vec<Name>, String> {
    let mut zone = domain.clone();
    // Two rounds: the name itself, then the zone apex named by the SOA in the authority section.
    for _ in 0..2 {
        let answer = transport::query(resolver, &zone, RecordType::NS, true, timeout)
            .await
            .map_err(|f| format!("NS lookup via {resolver} failed: {f}"))?;
        let code = answer.message.metadata.response_code;
        if code != ResponseCode::NoError {
            return Err(format!(
                "NS lookup of {zone} via {resolver}: {}",
                rcode_name(code)
            ));
        }
        let hosts: Vec<Name> = answer
            .message
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(ns.0.clone()),
                _ => None,
            })
            .collect();
        if !hosts.is_empty() {
            return Ok(hosts);
        }
        match answer
            .message
            .authorities
            .iter()
            .find(|r| r.record_type() == RecordType::SOA)
        {
            Some(soa) if soa.name != zone => zone = soa.name.clone(),
            _ => break,
        }
    }
    Ok(Vec::new())
}

async fn resolve_hosts(
    hosts: &[Name],
    resolver: SocketAddr,
    port: u16,
    timeout: Duration,
) -> Vec<View> {
    let mut views = Vec::new();
    for host in hosts {
        for rtype in [RecordType::A, RecordType::AAAA] {
            let Ok(answer) = transport::query(resolver, host, rtype, true, timeout).await else {
                continue;
            };
            for record in &answer.message.answers {
                let ip: Option<IpAddr> = match &record.data {
                    RData::A(a) => Some(IpAddr::V4(a.0)),
                    RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                    _ => None,
                };
                if let Some(ip) = ip {
                    let view = View::new(
                        ViewKind::Authoritative,
                        host.to_string(),
                        SocketAddr::new(ip, port),
                    );
                    if !views.contains(&view) {
                        views.push(view);
                    }
                }
            }
        }
    }
    views
}
