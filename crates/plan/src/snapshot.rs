//! The observed state the planner compares with the plan: the organization (`OrgState`) plus
//! the extra facts the steps depend on (certificates, mailboxes' policies, proofs, DNS answers,
//! what partners publish).

use fedshare_exchange::Invocation;
use fedshare_model::{
    ExchangeCertificate, FederatedOrganizationIdentifier, Mailbox, OrgState, VirtualDirectory,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dns::{Dns, DnsRecord, RecordType};
use crate::error::PlanError;
use crate::file::{DnsMode, MailboxSelection, SharingPlan};
use crate::shell::Shell;

/// The values `Get-FederatedDomainProof` returned for one domain and one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainProof {
    pub domain: String,
    pub thumbprint: String,
    pub proof: String,
}

impl DomainProof {
    /// The proofs in `Get-FederatedDomainProof` output for `domain`; objects without a
    /// thumbprint or proof are skipped.
    pub fn parse_all(domain: &str, values: &[Value]) -> Vec<DomainProof> {
        values
            .iter()
            .filter_map(|o| {
                Some(DomainProof {
                    domain: domain.to_owned(),
                    thumbprint: o.get("Thumbprint")?.as_str()?.to_owned(),
                    proof: o.get("Proof")?.as_str()?.to_owned(),
                })
            })
            .collect()
    }
}

/// What one DNS name answered for one type when the snapshot was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsAnswer {
    pub name: String,
    pub rtype: RecordType,
    pub values: Vec<String>,
}

/// What a partner publishes through GetFederationInformation (previewed before anything is
/// created; filled by the caller from fedshare-dns's client or `Get-FederationInformation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartnerInfo {
    pub domain_name: String,
    pub target_application_uri: String,
    pub target_autodiscover_epr: String,
    #[serde(default)]
    pub domain_names: Vec<String>,
}

/// Who the snapshot is of (from the shell's hello, not from a cmdlet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgIdentity {
    pub organization_name: String,
    pub is_lab: bool,
    pub exchange_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub org: OrgState,
    pub certificates: Vec<ExchangeCertificate>,
    /// Only the mailboxes the plan's policies name (or all, for `mailboxes = "all"`).
    pub mailboxes: Vec<Mailbox>,
    pub virtual_directories: Vec<VirtualDirectory>,
    /// Proofs for the planned federated domains, when a trust exists.
    pub proofs: Vec<DomainProof>,
    pub dns: Vec<DnsAnswer>,
    pub partners: Vec<PartnerInfo>,
    /// Roles of the signed-in account, when the shell can read them.
    pub management_roles: Option<Vec<String>>,
    /// Server clock minus local clock, when known.
    pub clock_skew_seconds: Option<i64>,
}

impl Snapshot {
    /// A snapshot of an organization with nothing but what `org` says.
    pub fn new(org: OrgState) -> Snapshot {
        Snapshot {
            org,
            certificates: Vec::new(),
            mailboxes: Vec::new(),
            virtual_directories: Vec::new(),
            proofs: Vec::new(),
            dns: Vec::new(),
            partners: Vec::new(),
            management_roles: None,
            clock_skew_seconds: None,
        }
    }

    pub fn answer(&self, name: &str, rtype: RecordType) -> Option<&[String]> {
        self.dns
            .iter()
            .find(|a| a.rtype == rtype && a.name.eq_ignore_ascii_case(name))
            .map(|a| a.values.as_slice())
    }

    pub fn resolves(&self, record: &DnsRecord) -> bool {
        self.answer(&record.name, record.rtype)
            .is_some_and(|values| record.is_in(values))
    }

    pub fn partner(&self, domain: &str) -> Option<&PartnerInfo> {
        self.partners
            .iter()
            .find(|p| p.domain_name.eq_ignore_ascii_case(domain))
    }

    /// Reads everything the plan needs through the shell and DNS. Partner previews are left
    /// empty: the caller adds them from its GetFederationInformation client if it has one.
    pub async fn read<S: Shell, D: Dns>(
        shell: &S,
        dns: &D,
        plan: &SharingPlan,
        identity: OrgIdentity,
    ) -> Result<Snapshot, PlanError> {
        let org = read_org(shell, identity).await?;
        let mut snapshot = Snapshot::new(org);
        snapshot.certificates = read_certificates(shell).await?;
        snapshot.mailboxes = read_mailboxes(shell, plan).await?;
        if snapshot.org.federation_trust.is_some() {
            for domain in plan.federated_domains() {
                snapshot.proofs.extend(read_proofs(shell, &domain).await?);
            }
        }
        if plan.dns != DnsMode::None {
            snapshot.dns = read_dns(dns, plan).await?;
        }
        Ok(snapshot)
    }
}

async fn run<S: Shell>(shell: &S, inv: Invocation) -> Result<Vec<Value>, PlanError> {
    shell.invoke(&inv).await.map_err(|f| PlanError::Observe {
        cmdlet: inv.cmdlet.clone(),
        message: f.to_string(),
    })
}

fn parse<T: DeserializeOwned>(cmdlet: &str, value: Value) -> Result<T, PlanError> {
    serde_json::from_value(value).map_err(|e| PlanError::UnexpectedOutput {
        cmdlet: cmdlet.to_owned(),
        reason: e.to_string(),
    })
}

async fn read_all<S: Shell, T: DeserializeOwned>(
    shell: &S,
    inv: Invocation,
) -> Result<Vec<T>, PlanError> {
    let cmdlet = inv.cmdlet.clone();
    run(shell, inv)
        .await?
        .into_iter()
        .map(|v| parse(&cmdlet, v))
        .collect()
}

/// The same reads as the engine's `status::read`, so both see one organization the same way.
pub async fn read_org<S: Shell>(shell: &S, identity: OrgIdentity) -> Result<OrgState, PlanError> {
    let accepted_domains = read_all(shell, Invocation::new("Get-AcceptedDomain")).await?;
    let federation_trust = read_all(shell, Invocation::new("Get-FederationTrust"))
        .await?
        .into_iter()
        .next();
    let org_id: Option<FederatedOrganizationIdentifier> = read_all(
        shell,
        Invocation::new("Get-FederatedOrganizationIdentifier").switch("IncludeExtendedDomainInfo"),
    )
    .await?
    .into_iter()
    .next();
    Ok(OrgState {
        organization_name: identity.organization_name,
        is_lab: identity.is_lab,
        exchange_version: identity.exchange_version,
        accepted_domains,
        federation_trust,
        organization_identifier: org_id.unwrap_or(FederatedOrganizationIdentifier {
            enabled: false,
            account_namespace: None,
            delegation_trust_link: None,
            domains: Vec::new(),
            default_domain: None,
        }),
        organization_relationships: read_all(
            shell,
            Invocation::new("Get-OrganizationRelationship"),
        )
        .await?,
        sharing_policies: read_all(shell, Invocation::new("Get-SharingPolicy")).await?,
    })
}

/// `Services` arrives as a list or as Exchange's comma-separated flags text.
fn certificate(value: Value) -> Result<ExchangeCertificate, PlanError> {
    let mut value = value;
    if let Some(list) = value.get("Services").and_then(Value::as_array) {
        let text: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        value["Services"] = Value::String(text.join(", "));
    }
    parse("Get-ExchangeCertificate", value)
}

async fn read_certificates<S: Shell>(shell: &S) -> Result<Vec<ExchangeCertificate>, PlanError> {
    run(shell, Invocation::new("Get-ExchangeCertificate"))
        .await?
        .into_iter()
        .map(certificate)
        .collect()
}

async fn read_mailboxes<S: Shell>(
    shell: &S,
    plan: &SharingPlan,
) -> Result<Vec<Mailbox>, PlanError> {
    let needed = plan
        .policies
        .iter()
        .any(|p| p.mailboxes != MailboxSelection::None);
    if !needed {
        return Ok(Vec::new());
    }
    read_all(shell, Invocation::new("Get-Mailbox")).await
}

async fn read_proofs<S: Shell>(shell: &S, domain: &str) -> Result<Vec<DomainProof>, PlanError> {
    let out = run(
        shell,
        Invocation::new("Get-FederatedDomainProof").string("DomainName", domain),
    )
    .await?;
    Ok(DomainProof::parse_all(domain, &out))
}

async fn read_dns<D: Dns>(dns: &D, plan: &SharingPlan) -> Result<Vec<DnsAnswer>, PlanError> {
    let mut wanted: Vec<(String, RecordType)> = plan
        .federated_domains()
        .into_iter()
        .map(|d| (d, RecordType::Txt))
        .collect();
    wanted.extend(
        plan.autodiscover
            .iter()
            .map(|a| (a.record_name(), RecordType::Cname)),
    );
    let mut answers = Vec::new();
    for (name, rtype) in wanted {
        let values = dns.lookup(&name, rtype).await.map_err(|e| PlanError::Dns {
            step: "observe".into(),
            message: format!("{} {name}: {e}", rtype.as_str()),
        })?;
        answers.push(DnsAnswer {
            name,
            rtype,
            values,
        });
    }
    Ok(answers)
}
