//! The lab world's network side: an authoritative DNS server (UDP+TCP, TSIG-signed RFC 2136
//! updates), a lab certificate authority, and one HTTPS port answering Autodiscover
//! `GetFederationInformation` for every lab organisation by SNI, plus the plain-HTTP
//! redirect probe. Everything binds on loopback; clients resolve lab names through the lab
//! DNS server (or pin them to [`LabNet::https_addr`]) and trust only [`LabNet::ca_pem`].

mod availability;
mod ca;
mod config;
mod dns;
mod error;
mod https;
mod partner;
mod shutdown;
mod zone;

use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine as _;
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::{Name, TSigner};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use availability::{AvailabilityService, Caller, LocalStep, MailboxStep, RemoteStep};
pub use ca::CaMaterial;
pub use config::{
    AnswerHook, LabNetConfig, TsigKeyConfig, ZoneChangeHook, DEFAULT_GENERATED_PARTNERS,
    LAB_DOMAIN, LAB_TSIG_KEY_NAME,
};
pub use dns::served::{ServedZones, UpdatesHeld};
pub use error::LabNetError;
pub use https::soap::gfi_request_envelope;
pub use partner::{
    BrokenKind, FederationInfo, FederationInfoTable, PartnerBehaviour, PartnerSite, ServerSettings,
    TokenIssuer, WsSecurity, EXCHANGE_ONLINE_APPLICATION_URI, MICROSOFT_ONLINE_ENDPOINT,
    MICROSOFT_ONLINE_URI,
};
pub use zone::{RecordData, RecordKind, ZoneData};

use dns::handler::DnsHandler;
use https::sites::Sites;
use shutdown::Shutdown;

/// TSIG time window (RFC 8945 recommends 300 s).
const TSIG_FUDGE: u16 = 300;

/// A running lab network. Dropping it stops every listener.
#[derive(Debug)]
pub struct LabNet {
    dns_addr: SocketAddr,
    https_addr: SocketAddr,
    http_addr: SocketAddr,
    ca: CaMaterial,
    dns: Arc<DnsHandler>,
    federation_info: FederationInfoTable,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl LabNet {
    /// Binds and starts every listener; returns once all accept connections.
    pub async fn start(config: LabNetConfig) -> Result<LabNet, LabNetError> {
        let signer = tsig_signer(&config.tsig)?;
        let store = dns::store::ZoneStore::new(config.zones)?;
        let ca = match &config.ca {
            Some(material) => ca::LabCa::from_material(material)?,
            None => ca::LabCa::generate()?,
        };
        validate_partners(&config.partners)?;
        let sites = Arc::new(Sites::new(
            config.partners,
            config.extra_hosts,
            config.federation_info.clone(),
            config.before_answer.clone(),
            config.availability.clone(),
        ));
        let tls = https::tls::server_config(&ca, &sites)?;

        let (udp, tcp) = dns::server::bind(SocketAddr::new(config.bind, config.dns_port)).await?;
        let https =
            https::server::bind(SocketAddr::new(config.bind, config.https_port), "https").await?;
        let http =
            https::server::bind(SocketAddr::new(config.bind, config.http_port), "http").await?;
        let local = |r: std::io::Result<SocketAddr>| r.map_err(LabNetError::Runtime);
        let dns_addr = local(udp.local_addr())?;
        let https_addr = local(https.local_addr())?;
        sites.set_proxy(https_addr, &ca.material().cert_pem)?;
        let http_addr = local(http.local_addr())?;

        let (stop, shutdown) = Shutdown::new();
        let handler = Arc::new(DnsHandler::new(
            store,
            signer,
            config.on_change,
            config.before_answer,
        ));
        let mut tasks = dns::server::spawn(handler.clone(), udp, tcp, &shutdown);
        tasks.push(https::server::spawn_https(
            https,
            tls,
            sites.clone(),
            &shutdown,
        ));
        tasks.push(https::server::spawn_http(http, sites, &shutdown));
        tracing::info!(%dns_addr, %https_addr, %http_addr, "lab network started");
        Ok(LabNet {
            dns_addr,
            https_addr,
            http_addr,
            ca: ca.material().clone(),
            dns: handler,
            federation_info: config.federation_info,
            stop,
            tasks,
        })
    }

    /// UDP and TCP address of the DNS server (same port).
    pub fn dns_addr(&self) -> SocketAddr {
        self.dns_addr
    }

    /// The HTTPS port serving every lab host name by SNI.
    pub fn https_addr(&self) -> SocketAddr {
        self.https_addr
    }

    /// The plain-HTTP port answering the Autodiscover redirect probe.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// The lab CA certificate (PEM): the only root lab clients should trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca.cert_pem
    }

    /// The CA with its key, for the lab to persist and pass back as `LabNetConfig::ca`.
    pub fn ca_material(&self) -> &CaMaterial {
        &self.ca
    }

    /// The zones as currently served (after any dynamic updates).
    pub fn zones(&self) -> Vec<ZoneData> {
        self.dns.snapshot()
    }

    /// The zones the DNS server serves, to replace them while it runs.
    pub fn served_zones(&self) -> ServedZones {
        ServedZones::new(self.dns.clone())
    }

    /// The shared table the lab updates when its own organisation becomes federated.
    pub fn federation_info(&self) -> &FederationInfoTable {
        &self.federation_info
    }

    /// Stops every listener and waits for the accept loops to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }

    /// Runs the lab network in the foreground (for `fedshare lab serve`) until Ctrl-C.
    /// `ready` is called once everything listens, e.g. to print the addresses.
    pub fn serve_blocking(
        config: LabNetConfig,
        ready: impl FnOnce(&LabNet),
    ) -> Result<(), LabNetError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(LabNetError::Runtime)?;
        runtime.block_on(async {
            let lab = LabNet::start(config).await?;
            ready(&lab);
            let stopped = tokio::signal::ctrl_c().await;
            lab.shutdown().await;
            stopped.map_err(LabNetError::Runtime)
        })
    }
}

impl Drop for LabNet {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn tsig_signer(key: &TsigKeyConfig) -> Result<TSigner, LabNetError> {
    let secret = base64::engine::general_purpose::STANDARD
        .decode(key.secret_b64.trim())
        .map_err(|_| LabNetError::InvalidTsigKey("the secret is not base64".into()))?;
    if secret.is_empty() {
        return Err(LabNetError::InvalidTsigKey("the secret is empty".into()));
    }
    let name = Name::from_ascii(&key.name)
        .map_err(|e| LabNetError::InvalidTsigKey(format!("key name {:?}: {e}", key.name)))?;
    TSigner::new(secret, TsigAlgorithm::HmacSha256, name, TSIG_FUDGE)
        .map_err(|e| LabNetError::InvalidTsigKey(e.to_string()))
}

fn validate_partners(partners: &[PartnerSite]) -> Result<(), LabNetError> {
    for p in partners {
        for host in [&p.domain, &p.autodiscover_host] {
            if host.is_empty() || host.contains(['/', ':', ' ']) {
                return Err(LabNetError::InvalidPartner(format!(
                    "bad host name {host:?}"
                )));
            }
        }
    }
    Ok(())
}
