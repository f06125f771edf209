//! Which world a run's network work talks to, chosen once per run, and every DNS and HTTP
//! option that follows from it.
//!
//! There are two worlds. **The Internet**: the system's resolver or the ones the user lists,
//! ports 443 and 80, the OS trust store plus `--ca-file`. **The lab**: its DNS server is the
//! resolver, its HTTPS and HTTP ports apply to every lab host name, and its private CA is
//! trusted beside the OS store. The lab world applies only when the lab's DNS server is the
//! resolver: the lab profile without `--resolver`, or `--resolver` naming exactly the lab's DNS
//! server. Any other listed resolver is the Internet's shape, whatever the profile, so a lab
//! port never leaks into a query meant for another server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use fedshare_dns::{CheckOptions, DiscoveryOptions, HostResolver, TlsOptions};
use fedshare_exchange::protocol::LabEndpoints;
use fedshare_exchange::ParamValue;
use fedshare_lab::{LabNetwork, LiveWorld, Ports};

use crate::profile::Profile;
use crate::{AppPaths, EngineError, Session};

/// What the user asked for on one run (`--resolver`, `--ca-file`).
#[derive(Debug, Clone, Default)]
pub struct NetworkChoice {
    pub resolvers: Vec<SocketAddr>,
    pub extra_ca_pem: Option<String>,
}

/// The world of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum World {
    /// The system's or the listed resolvers, ports 443/80, the OS store plus `--ca-file`.
    Internet,
    /// The lab's DNS server, ports and CA.
    Lab(LabEndpoints),
}

/// The network of one run: its world, the user's choice, and the lab network this process
/// started for the run when it needed one (stopped when this is dropped).
#[derive(Debug)]
pub struct Network {
    world: World,
    choice: NetworkChoice,
    _local: Option<LocalLab>,
}

impl Network {
    /// The Internet's shape with `choice`.
    pub fn internet(choice: NetworkChoice) -> Network {
        Network {
            world: World::Internet,
            choice,
            _local: None,
        }
    }

    /// For a run that has the profile's shell anyway (verify, apply): the lab's endpoints are
    /// the ones its lab host announced in its hello. A real profile starts nothing here.
    pub async fn of_session(
        session: &Session,
        choice: NetworkChoice,
    ) -> Result<Network, EngineError> {
        if !session.profile().is_lab() {
            return Ok(Network::internet(choice));
        }
        let mut candidates = Vec::new();
        if let Some(host) = session.lab_endpoints().await? {
            candidates.push(host);
        }
        if !choice.resolvers.is_empty() {
            candidates.extend(fedshare_lab::admin::endpoints(&session_lab_dir(session))?);
        }
        let world = pick_lab(&candidates, &choice.resolvers)?.map_or(World::Internet, World::Lab);
        Ok(Network {
            world,
            choice,
            _local: None,
        })
    }

    /// For network work that needs no Exchange (`partner info`, `dns check`): no shell host is
    /// started, whatever the profile.
    ///
    /// The lab's endpoints come, in this order, from a running `fedshare lab serve` on the
    /// profile's data (its `lab-endpoints.json`, checked alive), or from the lab network
    /// started in this process for this run only. That network is the one a lab host would
    /// start, from the same world file and CA, without the shell: the least surprising way,
    /// since the answers are exactly those the lab host would give, and nothing outlives the
    /// command. A listed resolver never starts it: it is the lab's only when it names a
    /// running `lab serve`'s DNS server.
    pub async fn standalone(
        profile: &Profile,
        paths: &AppPaths,
        choice: NetworkChoice,
    ) -> Result<Network, EngineError> {
        if !profile.is_lab() {
            return Ok(Network::internet(choice));
        }
        let served: Vec<LabEndpoints> = fedshare_lab::admin::endpoints(&paths.lab_dir)?
            .into_iter()
            .collect();
        if let Some(endpoints) = pick_lab(&served, &choice.resolvers)? {
            return Ok(Network {
                world: World::Lab(endpoints),
                choice,
                _local: None,
            });
        }
        if !choice.resolvers.is_empty() {
            return Ok(Network::internet(choice));
        }
        let local = LocalLab::start(paths.lab_dir.clone()).await?;
        Ok(Network {
            world: World::Lab(local.endpoints.clone()),
            choice,
            _local: Some(local),
        })
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// DNS views for a record check. Listed resolvers pin the check to them alone; in the lab
    /// world without them, the lab's DNS server stands in for the Internet.
    pub fn check_options(&self) -> Result<CheckOptions, EngineError> {
        let mut opts = CheckOptions::default();
        if !self.choice.resolvers.is_empty() {
            opts.resolvers = self.choice.resolvers.clone();
            opts.pinned = true;
        } else if let World::Lab(lab) = &self.world {
            opts.resolvers = vec![lab_addr(&lab.dns)?];
            opts.pinned = true;
        }
        Ok(opts)
    }

    /// Options for GetFederationInformation discovery and endpoint probes.
    pub fn discovery_options(&self) -> Result<DiscoveryOptions, EngineError> {
        let mut opts = DiscoveryOptions {
            tls: TlsOptions {
                extra_ca_pem: self.choice.extra_ca_pem.clone(),
            },
            ..DiscoveryOptions::default()
        };
        if !self.choice.resolvers.is_empty() {
            opts.resolver = HostResolver::Servers(self.choice.resolvers.clone());
        }
        if let World::Lab(lab) = &self.world {
            opts.https_port = lab_addr(&lab.https)?.port();
            if let Some(http) = &lab.http {
                opts.http_port = lab_addr(http)?.port();
            }
            opts.resolver = HostResolver::Servers(vec![lab_addr(&lab.dns)?]);
            // The lab CA is trusted for the lab world only, beside the OS store.
            let mut pem = lab.ca_pem.clone();
            if let Some(extra) = &self.choice.extra_ca_pem {
                pem.push('\n');
                pem.push_str(extra);
            }
            opts.tls.extra_ca_pem = Some(pem);
        }
        Ok(opts)
    }
}

/// The lab endpoints among `candidates` that this run's resolvers name: the first one with no
/// resolver listed, else the one whose DNS server is every listed resolver.
fn pick_lab(
    candidates: &[LabEndpoints],
    resolvers: &[SocketAddr],
) -> Result<Option<LabEndpoints>, EngineError> {
    if resolvers.is_empty() {
        return Ok(candidates.first().cloned());
    }
    for lab in candidates {
        let dns = lab_addr(&lab.dns)?;
        if resolvers.iter().all(|r| *r == dns) {
            return Ok(Some(lab.clone()));
        }
    }
    Ok(None)
}

fn session_lab_dir(session: &Session) -> PathBuf {
    session.paths().lab_dir.clone()
}

/// An address the lab announced (`127.0.0.1:PORT`).
pub(crate) fn lab_addr(text: &str) -> Result<SocketAddr, EngineError> {
    text.parse()
        .map_err(|_| EngineError::BadAddress(text.to_owned()))
}

/// The lab network started in this process for one run, over its own copy of the world (as
/// `fedshare lab serve` keeps one): DNS updates it takes are saved to the world file.
struct LocalLab {
    endpoints: LabEndpoints,
    network: Option<LabNetwork>,
    _world: Arc<LiveWorld>,
}

impl std::fmt::Debug for LocalLab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalLab")
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl LocalLab {
    async fn start(lab_dir: PathBuf) -> Result<LocalLab, EngineError> {
        // The lab network runs on its own runtime, which is built and entered by blocking
        // calls: they may not run on this runtime's worker threads.
        let started = tokio::task::spawn_blocking(move || {
            let world = fedshare_lab::host::open(&lab_dir)?;
            let network = LabNetwork::start(&world, Ports::default())?;
            Ok::<_, fedshare_lab::LabError>((world, network))
        })
        .await
        .map_err(|e| EngineError::LabNetwork(e.to_string()))?;
        let (world, network) = started?;
        Ok(LocalLab {
            endpoints: network.endpoints(),
            network: Some(network),
            _world: world,
        })
    }
}

impl Drop for LocalLab {
    fn drop(&mut self) {
        // Stopping blocks on the network's own runtime, which may not be dropped on an async
        // worker thread: a plain thread does it.
        if let Some(network) = self.network.take() {
            let _ = std::thread::spawn(move || network.stop()).join();
        }
    }
}

/// The rows of Get-FederatedDomainProof for `domain`, read from the lab world in this
/// process: the lab's answer without starting its shell host. Empty when the lab has no
/// federation trust (the cmdlet fails as Exchange's does) or its world cannot be read.
pub fn lab_domain_proofs(paths: &AppPaths, domain: &str) -> Vec<serde_json::Value> {
    let params = [(
        "DomainName".to_owned(),
        ParamValue::String(domain.to_owned()),
    )];
    let rows = fedshare_lab::host::open(&paths.lab_dir)
        .map_err(|e| e.to_string())
        .and_then(|world| {
            // Read as the lab host's CLIXML would be, through the production reader.
            world
                .invoke_delivered("Get-FederatedDomainProof", &params)
                .map_err(|e| format!("{e:?}"))
        });
    match rows {
        Ok(rows) => rows,
        Err(reason) => {
            tracing::debug!(%reason, "no domain proof from the lab");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(dns: &str) -> LabEndpoints {
        LabEndpoints {
            dns: dns.into(),
            https: "127.0.0.1:8443".into(),
            http: Some("127.0.0.1:8080".into()),
            ca_pem: "LAB CA".into(),
        }
    }

    fn network(world: World, resolvers: &[&str], ca: Option<&str>) -> Network {
        Network {
            world,
            choice: NetworkChoice {
                resolvers: resolvers.iter().map(|r| r.parse().expect("addr")).collect(),
                extra_ca_pem: ca.map(str::to_owned),
            },
            _local: None,
        }
    }

    #[test]
    fn the_lab_world_is_chosen_only_when_its_dns_server_is_the_resolver() {
        let candidates = [lab("127.0.0.1:5300")];
        let none: [SocketAddr; 0] = [];
        assert_eq!(
            pick_lab(&candidates, &none).unwrap(),
            Some(lab("127.0.0.1:5300"))
        );
        let same = ["127.0.0.1:5300".parse().unwrap()];
        assert_eq!(
            pick_lab(&candidates, &same).unwrap(),
            Some(lab("127.0.0.1:5300"))
        );
        let other = ["192.0.2.53:53".parse().unwrap()];
        assert_eq!(pick_lab(&candidates, &other).unwrap(), None);
        let mixed = [same[0], other[0]];
        assert_eq!(
            pick_lab(&candidates, &mixed).unwrap(),
            None,
            "a mix is not the lab"
        );
        assert_eq!(pick_lab(&[], &none).unwrap(), None);
    }

    #[test]
    fn a_listed_resolver_gets_the_internets_ports_and_trust() {
        let net = network(World::Internet, &["192.0.2.53:53"], Some("MY CA"));
        let d = net.discovery_options().unwrap();
        assert_eq!((d.https_port, d.http_port), (443, 80));
        assert_eq!(
            d.resolver,
            HostResolver::Servers(vec!["192.0.2.53:53".parse().unwrap()])
        );
        assert_eq!(d.tls.extra_ca_pem.as_deref(), Some("MY CA"));
        let c = net.check_options().unwrap();
        assert!(c.pinned);
        assert_eq!(c.resolvers, vec!["192.0.2.53:53".parse().unwrap()]);

        let system = network(World::Internet, &[], None)
            .discovery_options()
            .unwrap();
        assert_eq!(system.resolver, HostResolver::System);
        assert_eq!(system.tls.extra_ca_pem, None);
    }

    #[test]
    fn the_lab_world_brings_its_ports_resolver_and_ca() {
        let net = network(World::Lab(lab("127.0.0.1:5300")), &[], Some("MY CA"));
        let d = net.discovery_options().unwrap();
        assert_eq!((d.https_port, d.http_port), (8443, 8080));
        assert_eq!(
            d.resolver,
            HostResolver::Servers(vec!["127.0.0.1:5300".parse().unwrap()])
        );
        assert_eq!(d.tls.extra_ca_pem.as_deref(), Some("LAB CA\nMY CA"));
        let c = net.check_options().unwrap();
        assert_eq!(c.resolvers, vec!["127.0.0.1:5300".parse().unwrap()]);
    }
}
