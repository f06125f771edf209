//! Everything the checks look at, gathered once per run.
//!
//! The organization's state is required (nothing can be judged without it); every other read
//! is recorded as [`Observed`] so a failed read becomes evidence for the checks (a failing
//! `Test-OrganizationRelationship` is itself a finding) rather than aborting the run.

use std::sync::atomic::{AtomicUsize, Ordering};

use fedshare_dns::batch::{bounded, DEFAULT_CONCURRENCY};
use fedshare_dns::metadata::FederationMetadata;
use fedshare_dns::probe::{EndpointProbe, PathVerdict};
use fedshare_dns::{
    check_domain, CheckOptions, Discoverer, DiscoveryOptions, DomainDnsReport, ExpectedProof,
    PartnerDiscovery,
};
use fedshare_exchange::Invocation;
use fedshare_model::exchange_output::certificate::exchange_certificate;
use fedshare_model::exchange_output::vdir::virtual_directory;
use fedshare_model::{CertificateRef, ExchangeCertificate, OrgState, VirtualDirectory};
use fedshare_plan::snapshot::{read_org, DomainProof};
use fedshare_plan::{OrgIdentity, Shell};
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::ChecksError;

/// The outcome of one read: its value, Exchange's error, or why it was not attempted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Observed<T> {
    Ok { value: T },
    Failed { exception: String, message: String },
    Skipped { reason: String },
}

impl<T> Observed<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Observed::Ok { value } => Some(value),
            _ => None,
        }
    }

    fn skipped(reason: impl Into<String>) -> Self {
        Observed::Skipped {
            reason: reason.into(),
        }
    }

    /// The failure or skip reason in words, for evidence.
    pub fn problem(&self) -> Option<String> {
        match self {
            Observed::Ok { .. } => None,
            Observed::Failed { exception, message } => Some(format!("{exception}: {message}")),
            Observed::Skipped { reason } => Some(format!("not run: {reason}")),
        }
    }
}

/// One `Test-FederationTrust` result event (`Id`, `EventId`, `Type`, `Message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustEvent {
    pub id: String,
    pub event_id: Option<u64>,
    /// `Success`, `Warning`, `Error` or `Information`.
    pub kind: String,
    pub message: String,
}

/// One `Test-FederationTrustCertificate` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRow {
    pub site: String,
    /// `Installed`, `NotInstalled` or `ServerUnreachable`.
    pub state: String,
    pub thumbprint: String,
}

/// One result of `Test-OrganizationRelationship` (`Id` is Exchange's result id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipResult {
    pub id: String,
    pub status: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipTestOutput {
    /// The verbose step lines (`STEP 1: ...`, `RESULT: ...`).
    pub lines: Vec<String>,
    pub results: Vec<RelationshipResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationshipTest {
    pub relationship: String,
    pub outcome: Observed<RelationshipTestOutput>,
}

/// Which virtual directory a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VdirKind {
    Autodiscover,
    Ews,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VdirObservation {
    pub kind: VdirKind,
    /// The virtual directories of every Client Access server that answered.
    pub vdirs: Observed<Vec<VirtualDirectory>>,
    /// Servers whose read failed (IIS not reachable, ...), each with Exchange's error.
    #[serde(default)]
    pub unreachable: Vec<ServerProblem>,
}

/// One server's failed read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerProblem {
    pub server: String,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsObservation {
    pub domain: String,
    /// Whether `autodiscover.<domain>` is expected to exist: every federated domain the plan
    /// does not mark as not needed. Proofs are checked for every federated domain.
    pub autodiscover_expected: bool,
    /// Why the plan says this domain needs no Autodiscover record, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autodiscover_not_needed: Option<String>,
    pub report: Observed<DomainDnsReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerObservation {
    pub domain: String,
    /// The organization relationship that lists the domain, if any.
    pub relationship: Option<String>,
    pub discovery: PartnerDiscovery,
}

/// Everything the checks look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inputs {
    /// RFC 3339 time the inputs were read; checks judge expiry against it.
    pub taken_at: String,
    pub org: OrgState,
    /// The trust broker's signing certificate (`TokenIssuerCertificate`).
    pub sts_certificate: Option<CertificateRef>,
    /// The one before it (`TokenIssuerPrevCertificate`), kept across a broker rollover.
    #[serde(default)]
    pub sts_prev_certificate: Option<CertificateRef>,
    /// Why the federated domains' states are not known, when the broker could not be asked
    /// (`-IncludeExtendedDomainInfo` failed; the states then read `Unknown`).
    #[serde(default)]
    pub domain_states_unknown: Option<String>,
    /// The broker's live metadata (the trust's `TokenIssuerMetadataEpr`), fetched here.
    #[serde(default = "not_fetched")]
    pub metadata: Observed<FederationMetadata>,
    pub certificates: Observed<Vec<ExchangeCertificate>>,
    pub virtual_directories: Vec<VdirObservation>,
    /// `Get-FederatedDomainProof` per federated domain.
    pub proofs: Observed<Vec<DomainProof>>,
    pub test_user: Option<String>,
    pub trust_test: Observed<Vec<TrustEvent>>,
    pub trust_certificates: Observed<Vec<CertificateRow>>,
    pub relationship_tests: Vec<RelationshipTest>,
    pub dns: Vec<DnsObservation>,
    pub partners: Vec<PartnerObservation>,
    /// Our own `autodiscover.<domain>` as partners reach it (TLS and WS-Security paths).
    pub endpoints: Vec<EndpointProbe>,
    /// Server clock minus real time, when the caller could measure it.
    pub clock_skew_seconds: Option<i64>,
}

/// What to gather and how to reach DNS and partners.
#[derive(Debug, Clone, Default)]
pub struct GatherOptions {
    pub identity: Option<OrgIdentity>,
    /// The mailbox `Test-FederationTrust` and `Test-OrganizationRelationship` run as.
    pub test_user: Option<String>,
    /// Partner domains to discover besides those of the organization relationships.
    pub partners: Vec<String>,
    /// Domains whose `autodiscover.<domain>` the plan publishes (their hosts are probed).
    pub autodiscover_domains: Vec<String>,
    /// Federated domains whose Autodiscover record the plan marks as not needed, with the
    /// reason; every other federated domain's `autodiscover.<domain>` must resolve.
    pub autodiscover_not_needed: Vec<(String, String)>,
    /// Relationships to run `Test-OrganizationRelationship` for; empty means the first
    /// [`RELATIONSHIP_TESTS_PER_RUN`] by name.
    pub relationships_to_test: Vec<String>,
    /// DNS views (the lab DNS server, listed resolvers, or the system and authoritative ones).
    pub dns: CheckOptions,
    pub discovery: DiscoveryOptions,
    pub clock_skew_seconds: Option<i64>,
}

/// How many relationships one verification tests when none are named. Each
/// `Test-OrganizationRelationship` is a remote round trip plus the partner's federation
/// information and a gateway token, and Exchange's remote endpoint runs no script that could
/// batch them: testing 200 partners on every run would cost half a minute or more, while the
/// configuration of every relationship is still checked from one `Get-OrganizationRelationship`.
pub const RELATIONSHIP_TESTS_PER_RUN: usize = 20;

/// Which relationships this run tests, and the others: those named (as Exchange compares
/// names, case-insensitively), or the first [`RELATIONSHIP_TESTS_PER_RUN`] by name.
fn relationships_tested(all: &[String], named: &[String]) -> (Vec<String>, Vec<String>) {
    let mut sorted = all.to_vec();
    sorted.sort_by_key(|n| n.to_lowercase());
    if named.is_empty() {
        let rest = sorted.split_off(sorted.len().min(RELATIONSHIP_TESTS_PER_RUN));
        return (sorted, rest);
    }
    sorted
        .into_iter()
        .partition(|n| named.iter().any(|w| w.eq_ignore_ascii_case(n)))
}

/// Why a relationship was not tested in this run, with the command that tests it.
fn deferred_reason(name: &str, named: bool) -> String {
    let why = if named {
        "not among the relationships named for this run".to_owned()
    } else {
        format!(
            "not tested in this run: verify tests the first {RELATIONSHIP_TESTS_PER_RUN} relationships by name, each a round trip through Exchange and the gateway"
        )
    };
    format!(
        "{why}; run `fedshare verify --relationship {}` to test it",
        crate::result::ps(name)
    )
}

/// One read finished (`done` of `total`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GatherProgress {
    pub done: usize,
    pub total: usize,
    pub item: String,
    pub ok: bool,
}

struct Counter<'a, F: Fn(GatherProgress)> {
    done: AtomicUsize,
    total: usize,
    report: &'a F,
}

impl<F: Fn(GatherProgress)> Counter<'_, F> {
    fn tick(&self, item: String, ok: bool) {
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        (self.report)(GatherProgress {
            done,
            total: self.total,
            item,
            ok,
        });
    }
}

async fn invoke<S: Shell>(shell: &S, inv: &Invocation) -> Observed<Vec<Value>> {
    match shell.invoke(inv).await {
        Ok(value) => Observed::Ok { value },
        Err(f) => Observed::Failed {
            exception: f.exception,
            message: f.message,
        },
    }
}

fn map<T>(o: Observed<Vec<Value>>, f: impl FnOnce(Vec<Value>) -> T) -> Observed<T> {
    match o {
        Observed::Ok { value } => Observed::Ok { value: f(value) },
        Observed::Failed { exception, message } => Observed::Failed { exception, message },
        Observed::Skipped { reason } => Observed::Skipped { reason },
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Every certificate, or why one could not be read (never a silently shorter list, which the
/// checks would take for a missing certificate).
fn parse_certificates(o: Observed<Vec<Value>>) -> Observed<Vec<ExchangeCertificate>> {
    let Observed::Ok { value } = o else {
        return map(o, |_| Vec::new());
    };
    match value.into_iter().map(exchange_certificate).collect() {
        Ok(value) => Observed::Ok { value },
        Err(e) => Observed::Failed {
            exception: "UnexpectedOutput".into(),
            message: format!(
                "Get-ExchangeCertificate returned a certificate Fedshare cannot read: {e}"
            ),
        },
    }
}

fn parse_events(values: Vec<Value>) -> Vec<TrustEvent> {
    values
        .iter()
        .filter(|v| v.get("Id").is_some())
        .map(|v| TrustEvent {
            id: text(v, "Id"),
            event_id: v.get("EventId").and_then(Value::as_u64),
            kind: text(v, "Type"),
            message: text(v, "Message"),
        })
        .collect()
}

fn parse_rows(values: Vec<Value>) -> Vec<CertificateRow> {
    values
        .iter()
        .map(|v| CertificateRow {
            site: text(v, "Site"),
            state: text(v, "State"),
            thumbprint: text(v, "Thumbprint"),
        })
        .collect()
}

/// Exchange writes the verbose lines as strings and the results as objects.
fn parse_relationship_test(values: Vec<Value>) -> RelationshipTestOutput {
    let mut out = RelationshipTestOutput {
        lines: Vec::new(),
        results: Vec::new(),
    };
    for v in values {
        match &v {
            Value::String(s) => out.lines.push(s.clone()),
            Value::Object(_) if v.get("Id").is_some() => out.results.push(RelationshipResult {
                id: text(&v, "Id"),
                status: text(&v, "Status"),
                description: text(&v, "Description"),
            }),
            _ => {}
        }
    }
    out
}

/// The primary shared domain: the part of `AccountNamespace` after `FYDIBOHF25SPDLT.`.
pub fn primary_domain(org: &OrgState) -> Option<String> {
    let ns = org.organization_identifier.account_namespace.as_deref()?;
    let lower = ns.to_ascii_lowercase();
    Some(
        lower
            .strip_prefix("fydibohf25spdlt.")
            .unwrap_or(&lower)
            .to_owned(),
    )
}

fn federated_domains(org: &OrgState) -> Vec<String> {
    let mut out: Vec<String> = org
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.to_ascii_lowercase())
        .collect();
    if let Some(p) = primary_domain(org) {
        if !out.contains(&p) {
            out.insert(0, p);
        }
    }
    out
}

/// Partner domains: every relationship domain, then the extra ones, each once.
fn partner_domains(org: &OrgState, extra: &[String]) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for r in &org.organization_relationships {
        for d in &r.domain_names {
            let d = d.to_ascii_lowercase();
            if !out.iter().any(|(x, _)| *x == d) {
                out.push((d, Some(r.name.clone())));
            }
        }
    }
    for d in extra {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        if !d.is_empty() && !out.iter().any(|(x, _)| *x == d) {
            out.push((d, None));
        }
    }
    out
}

fn sts_certificate(trust: &Observed<Vec<Value>>, property: &str) -> Option<CertificateRef> {
    let cert = trust.value()?.first()?.get(property)?;
    serde_json::from_value(cert.clone()).ok()
}

/// The federated domains' states, which only the broker knows: verification asks for them
/// with `-IncludeExtendedDomainInfo` (plan and status read without). When the broker cannot
/// be reached the plain read stands, every state `Unknown`, and the reason is returned.
async fn domain_states<S: Shell>(shell: &S, org: &mut OrgState) -> Option<String> {
    if org.organization_identifier.domains.is_empty() {
        return None;
    }
    let inv =
        Invocation::new("Get-FederatedOrganizationIdentifier").switch("IncludeExtendedDomainInfo");
    let read = match shell.invoke(&inv).await {
        Ok(values) => values
            .into_iter()
            .next()
            .ok_or_else(|| "no output".to_owned()),
        Err(f) => Err(format!("{}: {}", f.exception, f.message)),
    };
    let extended = read.and_then(|v| {
        serde_json::from_value::<fedshare_model::FederatedOrganizationIdentifier>(v)
            .map_err(|e| format!("unreadable output: {e}"))
    });
    match extended {
        Ok(id) => {
            org.organization_identifier.domains = id.domains;
            None
        }
        Err(reason) => {
            tracing::warn!(%reason, "federated domain states unavailable");
            Some(reason)
        }
    }
}

/// The organization's Client Access servers (`Get-ExchangeServer`); `None` when they cannot
/// be listed (the read then covers every server at once).
async fn client_access_servers<S: Shell>(shell: &S) -> Option<Vec<String>> {
    let servers = invoke(shell, &Invocation::new("Get-ExchangeServer")).await;
    let list: Vec<String> = servers
        .value()?
        .iter()
        .filter(|s| {
            s.get("IsClientAccessServer").and_then(Value::as_bool) == Some(true)
                || text(s, "ServerRole").contains("ClientAccess")
        })
        .map(|s| text(s, "Name"))
        .filter(|n| !n.is_empty())
        .collect();
    (!list.is_empty()).then_some(list)
}

/// One read per server (`-Server`), so a server whose IIS cannot be reached is reported as
/// such instead of failing the whole read (without `-Server` Exchange reads every server's
/// metabase and one error stops the host's read).
async fn read_vdirs_per_server<S: Shell>(
    shell: &S,
    kind: VdirKind,
    cmdlet: &str,
    servers: &[String],
) -> VdirObservation {
    let mut found = Vec::new();
    let mut unreachable = Vec::new();
    let mut first_failure = None;
    for server in servers {
        let inv = Invocation::new(cmdlet).string("Server", server);
        match invoke(shell, &inv).await {
            Observed::Ok { value } => found.extend(value.iter().map(virtual_directory)),
            failed => {
                unreachable.push(ServerProblem {
                    server: server.clone(),
                    problem: failed.problem().unwrap_or_default(),
                });
                first_failure.get_or_insert(failed);
            }
        }
    }
    let vdirs = match first_failure {
        // No server answered: the read failed.
        Some(failed) if found.is_empty() => map(failed, |_| Vec::new()),
        _ => Observed::Ok { value: found },
    };
    VdirObservation {
        kind,
        vdirs,
        unreachable,
    }
}

fn not_fetched() -> Observed<FederationMetadata> {
    Observed::skipped("the federation metadata was not fetched")
}

/// The broker's metadata from the trust's `TokenIssuerMetadataEpr`, as Exchange downloads it.
async fn broker_metadata(
    discoverer: Option<&Discoverer>,
    org: &OrgState,
) -> Observed<FederationMetadata> {
    let Some(trust) = &org.federation_trust else {
        return Observed::skipped("there is no federation trust");
    };
    let Some(discoverer) = discoverer else {
        return Observed::skipped("no HTTPS client could be made on this computer");
    };
    match discoverer
        .federation_metadata(&trust.token_issuer_metadata_epr)
        .await
    {
        Ok(value) => Observed::Ok { value },
        Err(message) => Observed::Failed {
            exception: "FederationMetadataUnreadable".into(),
            message,
        },
    }
}

/// Reads everything the checks need. Shell reads and partner discoveries run concurrently;
/// DNS checks follow once the expected proofs are known.
pub async fn gather<S: Shell>(
    shell: &S,
    options: &GatherOptions,
    progress: impl Fn(GatherProgress) + Send + Sync,
) -> Result<Inputs, ChecksError> {
    let identity = options.identity.clone().unwrap_or(OrgIdentity {
        organization_name: String::new(),
        is_lab: false,
        exchange_version: String::new(),
    });
    let mut org = read_org(shell, identity)
        .await
        .map_err(|e| ChecksError::Observe(e.to_string()))?;
    let domain_states_unknown = domain_states(shell, &mut org).await;
    let domains = federated_domains(&org);
    let partners = partner_domains(&org, &options.partners);
    let all_relationships: Vec<String> = org
        .organization_relationships
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let (relationships, deferred) =
        relationships_tested(&all_relationships, &options.relationships_to_test);
    let endpoint_domains = endpoint_domains(&org, &options.autodiscover_domains);
    // 7 fixed shell reads, one test per relationship, one discovery per partner domain, one
    // probe per published Autodiscover host, one DNS check per federated domain.
    let counter = Counter {
        done: AtomicUsize::new(0),
        total: 7 + relationships.len() + partners.len() + endpoint_domains.len() + domains.len(),
        report: &progress,
    };
    let discoverer = Discoverer::new(options.discovery.clone());
    let shell_part = shell_reads(shell, options, &domains, &relationships, &counter);
    let shell_part = async {
        let mut inputs = shell_part.await;
        let named = !options.relationships_to_test.is_empty();
        inputs
            .relationship_tests
            .extend(deferred.iter().map(|name| RelationshipTest {
                relationship: name.clone(),
                outcome: Observed::skipped(deferred_reason(name, named)),
            }));
        inputs
    };
    let partner_part = discoveries(discoverer.as_ref().ok(), &partners, &counter);
    let endpoint_part = probes(discoverer.as_ref().ok(), &endpoint_domains, &counter);
    let metadata_part = broker_metadata(discoverer.as_ref().ok(), &org);
    let (mut inputs, partner_obs, endpoints, metadata) =
        tokio::join!(shell_part, partner_part, endpoint_part, metadata_part);
    inputs.partners = partner_obs;
    inputs.endpoints = endpoints;
    inputs.metadata = metadata;
    if let Err(e) = &discoverer {
        tracing::warn!(error = %e, "partner discovery unavailable");
    }
    inputs.dns = dns_reads(&inputs, options, &domains, &org, &counter).await;
    // Ages and expiries are judged at the end of the reads, so nothing read is in the future.
    inputs.taken_at = crate::result::now_rfc3339();
    inputs.org = org;
    inputs.domain_states_unknown = domain_states_unknown;
    inputs.clock_skew_seconds = options.clock_skew_seconds;
    Ok(inputs)
}

async fn shell_reads<S: Shell, F: Fn(GatherProgress)>(
    shell: &S,
    options: &GatherOptions,
    domains: &[String],
    relationships: &[String],
    counter: &Counter<'_, F>,
) -> Inputs {
    let step = |name: &str, o: Observed<Vec<Value>>| {
        counter.tick(name.to_owned(), o.value().is_some());
        o
    };
    let trust = step(
        "Get-FederationTrust",
        invoke(shell, &Invocation::new("Get-FederationTrust")).await,
    );
    let certificates = step(
        "Get-ExchangeCertificate",
        invoke(shell, &Invocation::new("Get-ExchangeCertificate")).await,
    );
    let servers = client_access_servers(shell).await;
    let mut vdirs = Vec::new();
    for (kind, cmdlet) in [
        (VdirKind::Autodiscover, "Get-AutodiscoverVirtualDirectory"),
        (VdirKind::Ews, "Get-WebServicesVirtualDirectory"),
    ] {
        let obs = match &servers {
            Some(list) => read_vdirs_per_server(shell, kind, cmdlet, list).await,
            // Without the server list: one read over every server, as before.
            None => VdirObservation {
                kind,
                vdirs: map(invoke(shell, &Invocation::new(cmdlet)).await, |v| {
                    v.iter().map(virtual_directory).collect()
                }),
                unreachable: Vec::new(),
            },
        };
        counter.tick(cmdlet.to_owned(), obs.vdirs.value().is_some());
        vdirs.push(obs);
    }
    let proofs = read_proofs(shell, domains, trust.value().is_some_and(|t| !t.is_empty())).await;
    counter.tick("Get-FederatedDomainProof".into(), proofs.value().is_some());
    let user = options.test_user.clone();
    let trust_test = match &user {
        Some(u) => map(
            invoke(
                shell,
                &Invocation::new("Test-FederationTrust").string("UserIdentity", u),
            )
            .await,
            parse_events,
        ),
        None => Observed::skipped("no test mailbox was given (fedshare verify --user ADDRESS)"),
    };
    counter.tick("Test-FederationTrust".into(), trust_test.value().is_some());
    let trust_certificates = map(
        invoke(shell, &Invocation::new("Test-FederationTrustCertificate")).await,
        parse_rows,
    );
    counter.tick(
        "Test-FederationTrustCertificate".into(),
        trust_certificates.value().is_some(),
    );
    let mut relationship_tests = Vec::new();
    for name in relationships {
        let outcome = match &user {
            Some(u) => map(
                invoke(
                    shell,
                    &Invocation::new("Test-OrganizationRelationship")
                        .string("Identity", name)
                        .string("UserIdentity", u),
                )
                .await,
                parse_relationship_test,
            ),
            None => Observed::skipped("no test mailbox was given (fedshare verify --user ADDRESS)"),
        };
        counter.tick(
            format!("Test-OrganizationRelationship {name}"),
            outcome.value().is_some(),
        );
        relationship_tests.push(RelationshipTest {
            relationship: name.clone(),
            outcome,
        });
    }
    Inputs {
        taken_at: String::new(),
        org: empty_org(),
        sts_certificate: sts_certificate(&trust, "TokenIssuerCertificate"),
        sts_prev_certificate: sts_certificate(&trust, "TokenIssuerPrevCertificate"),
        domain_states_unknown: None,
        metadata: not_fetched(),
        certificates: parse_certificates(certificates),
        virtual_directories: vdirs,
        proofs,
        test_user: user,
        trust_test,
        trust_certificates,
        relationship_tests,
        dns: Vec::new(),
        partners: Vec::new(),
        endpoints: Vec::new(),
        clock_skew_seconds: None,
    }
}

async fn read_proofs<S: Shell>(
    shell: &S,
    domains: &[String],
    has_trust: bool,
) -> Observed<Vec<DomainProof>> {
    if !has_trust {
        return Observed::skipped("there is no federation trust");
    }
    let mut out = Vec::new();
    for d in domains {
        let inv = Invocation::new("Get-FederatedDomainProof").string("DomainName", d);
        match invoke(shell, &inv).await {
            Observed::Ok { value } => out.extend(DomainProof::parse_all(d, &value)),
            Observed::Failed { exception, message } => {
                return Observed::Failed { exception, message }
            }
            Observed::Skipped { reason } => return Observed::Skipped { reason },
        }
    }
    Observed::Ok { value: out }
}

async fn discoveries<F: Fn(GatherProgress)>(
    discoverer: Option<&Discoverer>,
    partners: &[(String, Option<String>)],
    counter: &Counter<'_, F>,
) -> Vec<PartnerObservation> {
    let Some(discoverer) = discoverer else {
        return Vec::new();
    };
    // Owned items: a future borrowing from the item would not be Send for every lifetime,
    // which the app's command futures need.
    bounded(
        partners.iter().cloned(),
        DEFAULT_CONCURRENCY,
        |(domain, relationship)| async move {
            let discovery = discoverer.discover(&domain).await;
            counter.tick(format!("discover {domain}"), discovery.result.is_some());
            PartnerObservation {
                domain,
                relationship,
                discovery,
            }
        },
    )
    .await
}

/// The domains whose `autodiscover.<domain>` partners reach: the primary shared domain and
/// each domain whose Autodiscover record the plan manages, once each.
fn endpoint_domains(org: &OrgState, managed: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for domain in primary_domain(org)
        .into_iter()
        .chain(managed.iter().cloned())
    {
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        if !domain.is_empty() && !out.contains(&domain) {
            out.push(domain);
        }
    }
    out
}

async fn probes<F: Fn(GatherProgress)>(
    discoverer: Option<&Discoverer>,
    domains: &[String],
    counter: &Counter<'_, F>,
) -> Vec<EndpointProbe> {
    let Some(discoverer) = discoverer else {
        return Vec::new();
    };
    bounded(
        domains.iter().cloned(),
        DEFAULT_CONCURRENCY,
        |domain| async move {
            let probe = discoverer.probe_endpoints(&domain).await;
            let reachable = probe
                .paths
                .iter()
                .all(|p| p.verdict == PathVerdict::Reachable);
            counter.tick(
                format!("probe autodiscover.{domain}"),
                probe.tls.verified && reachable,
            );
            probe
        },
    )
    .await
}

/// The host partners should reach: the Autodiscover virtual directory's external URL host.
pub(crate) fn autodiscover_target(inputs: &Inputs) -> Option<String> {
    inputs
        .virtual_directories
        .iter()
        .filter(|o| o.kind == VdirKind::Autodiscover)
        .filter_map(|o| o.vdirs.value())
        .flatten()
        .find_map(|v| {
            let url = v.external_url.as_deref()?;
            let rest = url.split("://").nth(1)?;
            Some(rest.split(['/', ':']).next()?.to_ascii_lowercase())
        })
}

async fn dns_reads<F: Fn(GatherProgress)>(
    inputs: &Inputs,
    options: &GatherOptions,
    domains: &[String],
    org: &OrgState,
    counter: &Counter<'_, F>,
) -> Vec<DnsObservation> {
    let primary = primary_domain(org);
    let target = autodiscover_target(inputs);
    join_all(domains.iter().map(|domain| {
        let mut opts = options.dns.clone();
        opts.expected_proofs = inputs
            .proofs
            .value()
            .into_iter()
            .flatten()
            .filter(|p| p.domain.eq_ignore_ascii_case(domain))
            .map(|p| ExpectedProof {
                slot: p.thumbprint.clone(),
                proof: p.proof.clone(),
            })
            .collect();
        opts.expected_autodiscover_target = target.clone();
        let autodiscover_not_needed = options
            .autodiscover_not_needed
            .iter()
            .find(|(d, _)| d.eq_ignore_ascii_case(domain))
            .map(|(_, reason)| reason.clone());
        // The primary domain's record is needed whatever the plan says (partners start there).
        let autodiscover_expected =
            primary.as_deref() == Some(domain.as_str()) || autodiscover_not_needed.is_none();
        async move {
            let report = match check_domain(domain, &opts).await {
                Ok(value) => Observed::Ok { value },
                Err(e) => Observed::Failed {
                    exception: "DnsCheck".into(),
                    message: e.to_string(),
                },
            };
            counter.tick(format!("DNS {domain}"), report.value().is_some());
            DnsObservation {
                domain: domain.clone(),
                autodiscover_expected,
                autodiscover_not_needed: autodiscover_not_needed.filter(|_| !autodiscover_expected),
                report,
            }
        }
    }))
    .await
}

fn empty_org() -> OrgState {
    OrgState {
        organization_name: String::new(),
        is_lab: false,
        exchange_version: String::new(),
        accepted_domains: Vec::new(),
        federation_trust: None,
        organization_identifier: fedshare_model::FederatedOrganizationIdentifier {
            enabled: false,
            account_namespace: None,
            delegation_trust_link: None,
            domains: Vec::new(),
            default_domain: None,
        },
        organization_relationships: Vec::new(),
        sharing_policies: Vec::new(),
    }
}

/// The lab's network as the checks reach it: its DNS server alone, its HTTPS port, its CA.
pub fn lab_network(
    endpoints: &fedshare_exchange::protocol::LabEndpoints,
) -> Option<(CheckOptions, DiscoveryOptions)> {
    let dns: std::net::SocketAddr = endpoints.dns.parse().ok()?;
    let https: std::net::SocketAddr = endpoints.https.parse().ok()?;
    let check = CheckOptions {
        resolvers: vec![dns],
        pinned: true,
        ..CheckOptions::default()
    };
    let mut discovery = DiscoveryOptions {
        https_port: https.port(),
        resolver: fedshare_dns::resolve::HostResolver::Servers(vec![dns]),
        tls: fedshare_dns::TlsOptions {
            extra_ca_pem: Some(endpoints.ca_pem.clone()),
        },
        ..DiscoveryOptions::default()
    };
    if let Some(http) = endpoints
        .http
        .as_deref()
        .and_then(|h| h.parse::<std::net::SocketAddr>().ok())
    {
        discovery.http_port = http.port();
    }
    Some((check, discovery))
}

#[cfg(test)]
mod relationship_selection_tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("Partner {i:03}")).collect()
    }

    #[test]
    fn a_large_organization_tests_the_first_relationships_by_name_and_defers_the_rest() {
        let mut all = names(200);
        all.reverse();
        let (tested, deferred) = relationships_tested(&all, &[]);
        assert_eq!(tested.len(), RELATIONSHIP_TESTS_PER_RUN);
        assert_eq!(tested[0], "Partner 000");
        assert_eq!(deferred.len(), 200 - RELATIONSHIP_TESTS_PER_RUN);
        assert!(!deferred.contains(&"Partner 000".to_owned()));
    }

    #[test]
    fn named_relationships_are_tested_whatever_their_place() {
        let all = names(50);
        let (tested, deferred) = relationships_tested(&all, &["partner 042".into()]);
        assert_eq!(tested, vec!["Partner 042".to_owned()]);
        assert_eq!(deferred.len(), 49);
        assert!(deferred_reason("Partner 001", true).contains("--relationship 'Partner 001'"));
    }

    #[test]
    fn a_small_organization_tests_every_relationship() {
        let (tested, deferred) = relationships_tested(&names(2), &[]);
        assert_eq!(tested.len(), 2);
        assert!(deferred.is_empty());
    }
}
