//! TLS for every lab host on one port: the leaf is chosen by SNI.

use std::collections::HashMap;
use std::sync::Arc;

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;

use super::sites::Sites;
use crate::ca::LabCa;
use crate::error::LabNetError;

#[derive(Debug)]
pub(crate) struct SniResolver {
    by_host: HashMap<String, Arc<CertifiedKey>>,
}

impl ResolvesServerCert for SniResolver {
    /// No SNI or an unknown name: no certificate, so the handshake fails — exactly what a
    /// client connecting to a name the lab does not host should see.
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello
            .server_name()?
            .trim_end_matches('.')
            .to_ascii_lowercase();
        self.by_host.get(&name).cloned()
    }
}

pub(crate) fn server_config(ca: &LabCa, sites: &Sites) -> Result<Arc<ServerConfig>, LabNetError> {
    let mut by_host = HashMap::new();
    for plan in sites.cert_plans() {
        let key = ca.issue(&plan.names, plan.validity)?;
        for host in plan.served_for {
            by_host.insert(host, key.clone());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(LabNetError::Tls)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(SniResolver { by_host }));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
