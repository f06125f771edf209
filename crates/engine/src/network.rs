//! Which DNS servers and which TLS roots a check uses. Against the lab organization both come
//! from the lab host's hello (its DNS server, its HTTPS port, its private CA); against a real
//! organization they are the system's, plus whatever the user lists for one run.

use std::net::SocketAddr;

use fedshare_dns::{CheckOptions, DiscoveryOptions, HostResolver, TlsOptions};

use crate::{EngineError, Session};

/// What the user asked for on one run (`--resolver`, `--ca-file`).
#[derive(Debug, Clone, Default)]
pub struct NetworkChoice {
    pub resolvers: Vec<SocketAddr>,
    pub extra_ca_pem: Option<String>,
}

/// DNS views for a record check. Listed resolvers pin the check to them alone; with none
/// listed, the lab's DNS server stands in for the Internet when the session is the lab.
pub async fn check_options(
    session: &Session,
    choice: &NetworkChoice,
) -> Result<CheckOptions, EngineError> {
    let mut opts = CheckOptions::default();
    if !choice.resolvers.is_empty() {
        opts.resolvers = choice.resolvers.clone();
        opts.pinned = true;
    } else if let Some(lab) = session.lab_endpoints().await? {
        opts.resolvers = vec![lab_addr(&lab.dns)?];
        opts.pinned = true;
    }
    Ok(opts)
}

/// Options for GetFederationInformation discovery and endpoint probes.
pub async fn discovery_options(
    session: &Session,
    choice: &NetworkChoice,
) -> Result<DiscoveryOptions, EngineError> {
    let mut opts = DiscoveryOptions {
        tls: TlsOptions {
            extra_ca_pem: choice.extra_ca_pem.clone(),
        },
        ..DiscoveryOptions::default()
    };
    if !choice.resolvers.is_empty() {
        opts.resolver = HostResolver::Servers(choice.resolvers.clone());
    }
    if let Some(lab) = session.lab_endpoints().await? {
        opts.https_port = lab_addr(&lab.https)?.port();
        if let Some(http) = &lab.http {
            opts.http_port = lab_addr(http)?.port();
        }
        if choice.resolvers.is_empty() {
            opts.resolver = HostResolver::Servers(vec![lab_addr(&lab.dns)?]);
        }
        // The lab CA is trusted for lab traffic only, beside the OS store.
        let mut pem = lab.ca_pem.clone();
        if let Some(extra) = &choice.extra_ca_pem {
            pem.push('\n');
            pem.push_str(extra);
        }
        opts.tls.extra_ca_pem = Some(pem);
    }
    Ok(opts)
}

/// An address the lab host announced in its hello (`127.0.0.1:PORT`).
pub(crate) fn lab_addr(text: &str) -> Result<SocketAddr, EngineError> {
    text.parse()
        .map_err(|_| EngineError::BadAddress(text.to_owned()))
}
