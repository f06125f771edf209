//! The catalogue against the real lab organization, in process: the lab's cmdlets, its DNS
//! server and its HTTPS Autodiscover endpoints (labnet) are the real components. The healthy
//! lab is Contoso after applying examples/contoso-lab.toml (DNS published with TSIG-signed
//! updates to the lab DNS server); each break of `fedshare lab break` must be found by the
//! check meant for it, with the right evidence.

// Helpers below are test code too; clippy.toml's test allowance only sees #[test] bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use fedshare_checks::inputs::lab_network;
use fedshare_checks::{gather, run_checks, GatherOptions, Inputs};
use fedshare_dns::{TsigAlgo, TsigKey};
use fedshare_engine::dns_ops::DnsOps;
use fedshare_exchange::Invocation;
use fedshare_lab::crypto::FixedKeys;
use fedshare_lab::{Break, LabNetwork, LiveWorld, Ports, World, ZoneDataVerifier};
use fedshare_model::{CheckResult, CheckStatus};
use fedshare_plan::{
    Applier, ApplyOptions, Journal, OrgIdentity, SharingPlan, Shell, ShellFailure, Snapshot,
};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../../../examples/contoso-lab.toml");
const KEY: &str = include_str!("../../lab/testdata/federation-test-key.pem");
const USER: &str = "alexw@contoso.com";

/// A running lab: the live world and its network.
struct Lab {
    live: Arc<LiveWorld>,
    net: Option<LabNetwork>,
    _dir: tempfile::TempDir,
}

impl Lab {
    fn start(world: World) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        world.save(dir.path()).unwrap();
        let shell = fedshare_lab::Shell::new(
            world,
            Box::new(ZoneDataVerifier),
            Box::new(FixedKeys::new(vec![KEY.to_owned()])),
        );
        let live = Arc::new(LiveWorld::new(shell, dir.path()));
        // The network runs its own runtime: start (and stop) it outside the test's workers.
        let net =
            tokio::task::block_in_place(|| LabNetwork::start(&live, Ports::default())).unwrap();
        Lab {
            live,
            net: Some(net),
            _dir: dir,
        }
    }

    fn net(&self) -> &LabNetwork {
        self.net.as_ref().unwrap()
    }

    fn dns_addr(&self) -> SocketAddr {
        self.net().dns_addr()
    }

    /// DNS as the engine's applier does it: TSIG-signed RFC 2136 updates to the lab DNS
    /// server with the lab's key, lookups on the same server.
    fn dns(&self) -> DnsOps {
        let tsig = self.live.snapshot().tsig;
        let server = self.dns_addr();
        let key = TsigKey {
            name: tsig.name,
            algorithm: TsigAlgo::HmacSha256,
            secret: tsig.secret,
        };
        DnsOps {
            update: Some((server, key)),
            resolvers: vec![server],
            public: None,
        }
    }

    fn identity(&self) -> OrgIdentity {
        let w = self.live.snapshot();
        OrgIdentity {
            organization_name: w.organization,
            is_lab: true,
            exchange_version: w.exchange_version,
        }
    }

    fn options(&self) -> GatherOptions {
        let (dns, discovery) = lab_network(&self.net().endpoints()).unwrap();
        GatherOptions {
            identity: Some(self.identity()),
            test_user: Some(USER.into()),
            dns,
            discovery,
            autodiscover_not_needed: not_needed(),
            ..GatherOptions::default()
        }
    }

    async fn verify(&self) -> (Inputs, Vec<CheckResult>) {
        let inputs = gather(self, &self.options(), |_| {}).await.unwrap();
        let results = run_checks(&inputs);
        (inputs, results)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(net) = self.net.take() {
            tokio::task::block_in_place(|| net.stop());
        }
    }
}

impl Shell for Lab {
    async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
        // The same catalog check the engine's client applies before anything reaches a shell.
        fedshare_exchange::catalog::validate(invocation).map_err(|e| ShellFailure {
            exception: "CatalogValidation".into(),
            message: e.to_string(),
        })?;
        // The proof check inside may wait on the lab DNS server: keep it off the async workers.
        tokio::task::block_in_place(|| {
            // As the lab host answers: CLIXML read back by the production reader.
            self.live
                .invoke_delivered(&invocation.cmdlet, &invocation.params)
                .map_err(|e| ShellFailure {
                    exception: e.exception,
                    message: e.message,
                })
        })
    }
}

/// Contoso after applying the example plan, as the world the lab host would persist.
async fn healthy_world() -> World {
    let lab = Lab::start(World::contoso(0));
    let plan = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").unwrap();
    let dns = lab.dns();
    let snapshot = Snapshot::read(&lab, &dns, &plan, lab.identity())
        .await
        .unwrap();
    let steps = fedshare_plan::plan(&plan, &snapshot).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("journal.jsonl")).unwrap();
    let options = ApplyOptions {
        user: "CONTOSO\\Administrator".into(),
        dns_timeout: Duration::from_secs(10),
        dns_interval: Duration::from_millis(20),
        max_steps: None,
        verify: true,
        cancel: Default::default(),
    };
    Applier::new(&lab, &dns, &mut journal, options)
        .apply(&steps)
        .await
        .unwrap();
    lab.live.snapshot()
}

/// The example plan's federated domains without their own Autodiscover record, and why.
fn not_needed() -> Vec<(String, String)> {
    SharingPlan::parse(EXAMPLE, "contoso-lab.toml")
        .unwrap()
        .autodiscover_not_needed
        .into_iter()
        .map(|n| (n.domain, n.reason))
        .collect()
}

fn find<'a>(results: &'a [CheckResult], id: &str) -> &'a CheckResult {
    results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {:?}", ids(results)))
}

fn ids(results: &[CheckResult]) -> Vec<&str> {
    results.iter().map(|r| r.id.as_str()).collect()
}

fn problems(results: &[CheckResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| matches!(r.status, CheckStatus::Failure | CheckStatus::Warning))
        .map(|r| format!("{} {:?}: {:?}", r.id, r.status, r.evidence))
        .collect()
}

fn evidence_text(r: &CheckResult) -> String {
    r.evidence
        .iter()
        .map(|e| format!("{} = {} (expected {})", e.subject, e.actual, e.expected))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_status(results: &[CheckResult], id: &str, status: CheckStatus) {
    let r = find(results, id);
    assert_eq!(r.status, status, "{id}: {}", evidence_text(r));
    if status != CheckStatus::Pass {
        assert!(r.fix.is_some(), "{id} has no fix");
    }
}

fn broken(world: &World, b: Break) -> Lab {
    let mut w = world.clone();
    w.breaks.push(b);
    Lab::start(w)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_lab_passes_and_every_break_is_found_with_its_evidence() {
    let world = healthy_world().await;

    // Healthy: nothing fails or warns, and the core checks really ran (not NotChecked).
    let (inputs, results) = Lab::start(world.clone()).verify().await;
    assert!(
        problems(&results).is_empty(),
        "healthy lab: {:#?}",
        problems(&results)
    );
    for id in [
        "trust.present",
        "trust.token-issuer",
        "trust.endpoints",
        "trust.application-uri",
        "trust.certificate-expiry",
        "trust.certificate-store",
        "trust.next-certificate",
        "trust.metadata-fresh",
        "orgid.enabled",
        "domain.active:contoso.com",
        "domain.proof:contoso.com",
        "domain.proof:sales.contoso.com",
        "vdir.wssecurity.autodiscover",
        "vdir.wssecurity.ews",
        "clock.skew",
        "relationship.duplicate-domain",
        "relationship.dispatchable:Fabrikam",
        "relationship.target-mismatch:Fabrikam",
        "partner.discovery:fabrikam.com",
        "policy.contradiction",
        "policy.entries:Fabrikam",
        "policy.entries:Default Sharing Policy",
        "dns.autodiscover:contoso.com",
        "endpoint.tls:contoso.com",
        "endpoint.wssecurity:contoso.com",
        "test-federationtrust.run",
        "test-federationtrust.TokenValidation",
        "test-federationtrustcertificate.distribution",
        "test-organizationrelationship.run:Fabrikam",
    ] {
        assert_status(&results, id, CheckStatus::Pass);
    }
    // A federated domain without its own record is shown with the plan's reason, not skipped;
    // without that reason, its missing record fails.
    let waived = find(&results, "dns.autodiscover:sales.contoso.com");
    assert_eq!(waived.status, CheckStatus::NotChecked);
    assert!(
        evidence_text(waived).contains("not needed: partners discover contoso.com"),
        "{}",
        evidence_text(waived)
    );
    let lab = Lab::start(world.clone());
    let options = GatherOptions {
        autodiscover_not_needed: Vec::new(),
        ..lab.options()
    };
    let unwaived = run_checks(&gather(&lab, &options, |_| {}).await.unwrap());
    assert_status(
        &unwaived,
        "dns.autodiscover:sales.contoso.com",
        CheckStatus::Failure,
    );
    drop(lab);
    // Adatum is an Exchange Online tenant: flagged as a notice, which is not a finding.
    let exo = find(&results, "partner.exchange-online:adatum.com");
    assert_eq!(exo.severity, fedshare_model::Severity::Info);
    assert_eq!(inputs.test_user.as_deref(), Some(USER));

    // proof-mistyped: the published value differs by one character from the proof.
    let (inputs, results) = broken(&world, Break::ProofMistyped).verify().await;
    assert_status(&results, "domain.proof:contoso.com", CheckStatus::Failure);
    let proof = &inputs.proofs.value().unwrap()[0].proof;
    let r = find(&results, "domain.proof:contoso.com");
    assert!(r
        .evidence
        .iter()
        .all(|e| e.expected.contains(proof.as_str())));
    assert!(
        r.evidence
            .iter()
            .any(|e| e.actual.len() > 80 && !e.actual.contains(proof.as_str())),
        "{}",
        evidence_text(r)
    );
    assert!(r.fix.as_ref().unwrap().commands[0].contains(proof.as_str()));

    // proof-missing: no proof at the apex, only the SPF record.
    let (_, results) = broken(&world, Break::ProofMissing).verify().await;
    assert_status(&results, "domain.proof:contoso.com", CheckStatus::Failure);
    assert_status(
        &results,
        "domain.proof:sales.contoso.com",
        CheckStatus::Failure,
    );
    let r = find(&results, "domain.proof:contoso.com");
    assert!(
        evidence_text(r).contains("v=spf1 mx -all"),
        "{}",
        evidence_text(r)
    );

    // cert-expired: the organization certificate's NotAfter is in the past.
    let (_, results) = broken(&world, Break::CertExpired).verify().await;
    assert_status(&results, "trust.certificate-expiry", CheckStatus::Failure);
    assert!(evidence_text(find(&results, "trust.certificate-expiry")).contains("expired"));
    assert_status(
        &results,
        "test-federationtrust.OrganizationCertificate",
        CheckStatus::Failure,
    );

    // metadata-stale: the broker signs with a certificate the trust does not hold; the live
    // metadata (fetched over the lab's HTTPS) says which, and Test-FederationTrust agrees.
    let (_, results) = broken(&world, Break::MetadataStale).verify().await;
    assert_status(&results, "trust.metadata-fresh", CheckStatus::Failure);
    let fresh = find(&results, "trust.metadata-fresh");
    let rows = &fresh.evidence[0];
    assert!(
        rows.actual
            .contains(&fedshare_lab::gateway::ORIGINAL.thumbprint()),
        "{rows:?}"
    );
    assert!(
        rows.expected
            .contains(&fedshare_lab::gateway::ROTATED.thumbprint()),
        "{rows:?}"
    );
    assert!(rows.expected.contains("FederationMetadata.xml"), "{rows:?}");
    let commands = &fresh.fix.as_ref().unwrap().commands;
    assert!(commands[0].ends_with("-RefreshMetadata"), "{commands:?}");
    assert_status(
        &results,
        "test-federationtrust.FederationMetadata",
        CheckStatus::Failure,
    );
    assert_status(
        &results,
        "test-federationtrust.TokenValidation",
        CheckStatus::Failure,
    );

    // wssecurity-off: both virtual directories refuse WS-Security.
    let (_, results) = broken(&world, Break::WssecurityOff).verify().await;
    for id in ["vdir.wssecurity.autodiscover", "vdir.wssecurity.ews"] {
        assert_status(&results, id, CheckStatus::Failure);
        let r = find(&results, id);
        assert!(r
            .evidence
            .iter()
            .any(|e| e.subject.ends_with("WSSecurityAuthentication") && e.actual == "false"));
    }
    // What a partner meets at the endpoints: Windows authentication only.
    assert_status(
        &results,
        "endpoint.wssecurity:contoso.com",
        CheckStatus::Failure,
    );
    let r = find(&results, "endpoint.wssecurity:contoso.com");
    assert_eq!(
        r.evidence
            .iter()
            .filter(|e| e
                .actual
                .starts_with("401 asking only for Windows authentication"))
            .count(),
        2,
        "{:?}",
        r.evidence
    );

    // clock-skew: the token request fails because of the clock.
    let (_, results) = broken(&world, Break::ClockSkew).verify().await;
    assert_status(&results, "clock.skew", CheckStatus::Failure);
    let skew = find(&results, "clock.skew");
    assert!(evidence_text(skew).contains("5 minutes"));
    // Measured from outside too: the lab server's HTTP Date runs 432 s ahead.
    let measured = &skew.evidence[0];
    assert!(measured
        .subject
        .starts_with("HTTP Date of https://autodiscover.contoso.com"));
    let seconds: i64 = measured
        .actual
        .trim_end_matches(" s")
        .parse()
        .expect("seconds");
    assert!((430..=434).contains(&seconds), "{measured:?}");
    // The partners' servers (dated correctly) agree with this computer, which corroborates
    // it as the reference.
    let partners = &skew.evidence[1];
    assert!(
        partners
            .subject
            .starts_with("partners' servers (median of "),
        "{partners:?}"
    );
    let median: i64 = partners
        .actual
        .trim_end_matches(" s")
        .parse()
        .expect("seconds");
    assert!(median.abs() <= 2, "{partners:?}");
    assert_status(
        &results,
        "test-federationtrust.TokenRequest",
        CheckStatus::Failure,
    );

    // duplicate-domain: fabrikam.com is in two relationships.
    let (_, results) = broken(&world, Break::DuplicateDomain).verify().await;
    assert_status(
        &results,
        "relationship.duplicate-domain",
        CheckStatus::Failure,
    );
    let r = find(&results, "relationship.duplicate-domain");
    assert_eq!(r.subject.as_deref(), Some("fabrikam.com"));
    assert!(evidence_text(r).contains("Fabrikam, Legacy Partner Relationship"));

    // partner-target-mismatch: Fabrikam now publishes another ApplicationUri.
    let (_, results) = broken(&world, Break::PartnerTargetMismatch).verify().await;
    assert_status(
        &results,
        "relationship.target-mismatch:Fabrikam",
        CheckStatus::Failure,
    );
    let r = find(&results, "relationship.target-mismatch:Fabrikam");
    assert!(r
        .evidence
        .iter()
        .any(|e| e.subject == "TargetApplicationUri"
            && e.actual == "FYDIBOHF25SPDLT.fabrikam.com"
            && e.expected.starts_with("FYDIBOHF25SPDLT.fabrikam-corp.com")));
    assert_status(
        &results,
        "test-organizationrelationship.ApplicationUrisDiffer:Fabrikam",
        CheckStatus::Failure,
    );

    // contradictory-policy: two default policies grant '*' different rights.
    let (_, results) = broken(&world, Break::ContradictoryPolicy).verify().await;
    assert_status(&results, "policy.contradiction", CheckStatus::Warning);
    let r = find(&results, "policy.contradiction");
    assert!(evidence_text(r).contains("Default Sharing Policy, Contoso Partners Policy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfederated_lab_fails_the_trust_checks_and_reports_progress() {
    let lab = Lab::start(World::contoso(0));
    let seen = std::sync::Mutex::new(Vec::new());
    let inputs = gather(&lab, &lab.options(), |p| seen.lock().unwrap().push(p))
        .await
        .unwrap();
    let results = run_checks(&inputs);
    assert_status(&results, "trust.present", CheckStatus::Failure);
    assert!(!ids(&results).contains(&"orgid.enabled"));
    let seen = seen.into_inner().unwrap();
    let last = seen.last().unwrap();
    assert_eq!(last.done, last.total, "{seen:?}");
    assert_eq!(seen.len(), last.total);
}

/// The lab with its trust broker out of reach: Exchange cannot fetch the domains' states
/// (`-IncludeExtendedDomainInfo`), everything else answers.
struct NoBroker<'a>(&'a Lab);

impl Shell for NoBroker<'_> {
    async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
        if invocation.get("IncludeExtendedDomainInfo").is_some() {
            return Err(ShellFailure {
                exception: "WebException".into(),
                message: "Unable to connect to the remote server".into(),
            });
        }
        self.0.invoke(invocation).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domain_states_come_from_the_broker_and_are_unknown_with_the_reason_without_it() {
    let lab = Lab::start(healthy_world().await);
    let (_, results) = lab.verify().await;
    assert_status(&results, "domain.active:contoso.com", CheckStatus::Pass);

    let inputs = gather(&NoBroker(&lab), &lab.options(), |_| {})
        .await
        .unwrap();
    assert!(inputs
        .domain_states_unknown
        .as_deref()
        .is_some_and(|r| r.contains("Unable to connect")));
    let results = run_checks(&inputs);
    let active = find(&results, "domain.active:contoso.com");
    assert_eq!(active.status, CheckStatus::NotChecked, "{active:?}");
    assert!(
        evidence_text(active).contains("could not be asked"),
        "{active:?}"
    );
    // The rest of the verification still ran.
    assert_status(&results, "orgid.enabled", CheckStatus::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_unreachable_server_is_named_and_the_others_virtual_directories_still_count() {
    let mut world = healthy_world().await;
    world.other_servers.push(fedshare_lab::world::OtherServer {
        name: "EX02".into(),
        fqdn: "ex02.contoso.com".into(),
        reachable: false,
    });
    let (inputs, results) = Lab::start(world).verify().await;
    for id in ["vdir.wssecurity.ews", "vdir.wssecurity.autodiscover"] {
        let r = find(&results, id);
        assert_eq!(r.status, CheckStatus::Warning, "{r:?}");
        let text = evidence_text(r);
        assert!(text.contains("-Server EX02"), "{text}");
        assert!(text.contains("IISNotReachableException"), "{text}");
        assert!(text.contains("EX01\\"), "{text}");
    }
    let ews = inputs
        .virtual_directories
        .iter()
        .find(|o| o.kind == fedshare_checks::inputs::VdirKind::Ews)
        .unwrap();
    assert_eq!(ews.vdirs.value().map(Vec::len), Some(1));
}
