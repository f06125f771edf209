//! The observed state the planner compares with the plan: the organization (`OrgState`) plus
//! the extra facts the steps depend on (certificates, mailboxes' policies, proofs, DNS answers,
//! what partners publish).

use fedshare_exchange::Invocation;
use fedshare_model::exchange_output::certificate::exchange_certificate;
use fedshare_model::{
    ExchangeCertificate, FederatedOrganizationIdentifier, FederationTrust, Mailbox, OrgState,
    VirtualDirectory,
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
    let mut federation_trust: Option<FederationTrust> =
        read_all(shell, Invocation::new("Get-FederationTrust"))
            .await?
            .into_iter()
            .next();
    if let Some(trust) = &mut federation_trust {
        complete_expiries(shell, trust).await?;
    }
    // Without -IncludeExtendedDomainInfo: the states would cost a call to the trust broker on
    // every plan and status; verification asks for them (fedshare-checks).
    let org_id: Option<FederatedOrganizationIdentifier> = read_all(
        shell,
        Invocation::new("Get-FederatedOrganizationIdentifier"),
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

/// A remote session delivers the trust's certificates as their text form, whose date is in
/// the server's culture and time zone: the expiry the text could not give unambiguously comes
/// from `Get-ExchangeCertificate -Thumbprint` (the certificate is in the server's store; when it
/// is not, the expiry stays unknown and the checks say so).
async fn complete_expiries<S: Shell>(
    shell: &S,
    trust: &mut FederationTrust,
) -> Result<(), PlanError> {
    let slots = [
        &mut trust.org_certificate,
        &mut trust.org_next_certificate,
        &mut trust.org_prev_certificate,
    ];
    for cert in slots.into_iter().flatten() {
        if !cert.not_after_unknown() {
            continue;
        }
        let read =
            Invocation::new("Get-ExchangeCertificate").string("Thumbprint", &cert.thumbprint);
        // Not in this server's store: Exchange answers with an error, and the expiry stays
        // unknown rather than failing the whole read.
        let found = match shell.invoke(&read).await {
            Ok(values) => values
                .into_iter()
                .map(certificate)
                .collect::<Result<Vec<_>, _>>()?,
            Err(failure) => {
                tracing::info!(thumbprint = %cert.thumbprint, %failure.message, "trust certificate not in this server's store");
                Vec::new()
            }
        };
        if let Some(read) = found
            .into_iter()
            .find(|c| c.thumbprint.eq_ignore_ascii_case(&cert.thumbprint))
        {
            cert.not_after = read.not_after;
            if cert.subject.is_empty() {
                cert.subject = read.subject;
            }
        }
    }
    Ok(())
}

fn certificate(value: Value) -> Result<ExchangeCertificate, PlanError> {
    exchange_certificate(value).map_err(|e| PlanError::UnexpectedOutput {
        cmdlet: "Get-ExchangeCertificate".to_owned(),
        reason: e.to_string(),
    })
}

async fn read_certificates<S: Shell>(shell: &S) -> Result<Vec<ExchangeCertificate>, PlanError> {
    run(shell, Invocation::new("Get-ExchangeCertificate"))
        .await?
        .into_iter()
        .map(certificate)
        .collect()
}

/// The mailboxes the plan's policies name. `Get-Mailbox` stops at 1000 unless told
/// `-ResultSize Unlimited`, so "all" asks for that; named mailboxes are looked up one by one
/// (`-Identity` takes one mailbox), and a name Exchange does not know is left out for the
/// planner to report.
async fn read_mailboxes<S: Shell>(
    shell: &S,
    plan: &SharingPlan,
) -> Result<Vec<Mailbox>, PlanError> {
    let mut named: Vec<&String> = Vec::new();
    for policy in &plan.policies {
        match &policy.mailboxes {
            MailboxSelection::None => {}
            MailboxSelection::All => {
                let all = Invocation::new("Get-Mailbox").string("ResultSize", "Unlimited");
                return read_all(shell, all).await;
            }
            MailboxSelection::List(ids) => {
                for id in ids {
                    if !named.iter().any(|n| n.eq_ignore_ascii_case(id)) {
                        named.push(id);
                    }
                }
            }
        }
    }
    let mut found: Vec<Mailbox> = Vec::new();
    for id in named {
        let inv = Invocation::new("Get-Mailbox").string("Identity", id.clone());
        let values = match shell.invoke(&inv).await {
            Ok(values) => values,
            Err(f) if f.exception == "ManagementObjectNotFoundException" => continue,
            Err(f) => {
                return Err(PlanError::Observe {
                    cmdlet: inv.cmdlet,
                    message: f.to_string(),
                })
            }
        };
        for value in values {
            let mailbox: Mailbox = parse("Get-Mailbox", value)?;
            if !found.contains(&mailbox) {
                found.push(mailbox);
            }
        }
    }
    Ok(found)
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use fedshare_exchange::ParamValue;
    use fedshare_model::exchange_output::read_documents;
    use fedshare_model::{AcceptedDomainType, FederatedDomainState};

    use super::*;
    use crate::shell::ShellFailure;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../model/tests/fixtures/clixml"
    );

    /// Answers each cmdlet with CLIXML documents, read through the production reader, as the
    /// client does with what a remote session sends; records what it was asked.
    struct Scripted {
        answers: Vec<(&'static str, String)>,
        asked: Mutex<Vec<Invocation>>,
    }

    impl Shell for Scripted {
        async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, ShellFailure> {
            self.asked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(invocation.clone());
            let documents: Vec<String> = self
                .answers
                .iter()
                .filter(|(cmdlet, _)| *cmdlet == invocation.cmdlet)
                .map(|(_, doc)| doc.clone())
                .collect();
            read_documents(&documents).map_err(|e| ShellFailure {
                exception: "Clixml".into(),
                message: e.to_string(),
            })
        }
    }

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}.xml")).expect("fixture")
    }

    fn objs(body: &str) -> String {
        format!(
            r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">{body}</Objs>"#
        )
    }

    /// A trust as a remote session at depth 1 sends it: the certificate as its text form,
    /// whose "07/11/2026" reads two ways; the domains as "name=State" text.
    fn depth_one_organization() -> Scripted {
        let cert_text = "[Subject]_x000D__x000A_  CN=Microsoft Exchange Server Auth Certificate_x000D__x000A__x000D__x000A_[Not After]_x000D__x000A_  07/11/2026 15:59:05_x000D__x000A__x000D__x000A_[Thumbprint]_x000D__x000A_  2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7_x000D__x000A_";
        let trust = objs(&format!(
            r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust</T></TN><Props>
            <S N="Name">Microsoft Federation Gateway</S>
            <S N="OrgCertificate">{cert_text}</S><Nil N="OrgNextCertificate" /><Nil N="OrgPrevCertificate" />
            <URI N="TokenIssuerUri">urn:federation:MicrosoftOnline</URI>
            <URI N="TokenIssuerEpr">https://login.microsoftonline.com/extSTS.srf</URI>
            <URI N="TokenIssuerMetadataEpr">https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml</URI>
            <Obj N="TokenIssuerType" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+TokenIssuerType</T><T>System.Enum</T></TN><ToString>MicrosoftOnline</ToString><I32>1</I32></Obj>
            <Obj N="NamespaceProvisioner" RefId="2"><TN RefId="2"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+NamespaceProvisionerType</T><T>System.Enum</T></TN><ToString>ExternalProcess</ToString><I32>2</I32></Obj>
            </Props></Obj>"#
        ));
        let orgid = objs(
            r#"<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.FederatedOrganizationIdWithDomainStatus</T></TN><Props>
            <B N="Enabled">true</B><S N="AccountNamespace">FYDIBOHF25SPDLT.solo.com</S>
            <Obj N="Domains" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.Directory.SystemConfiguration.FederatedDomain]]</T></TN><LST><S>solo.com=Active</S><S>other.com</S></LST></Obj>
            <S N="DefaultDomain">solo.com</S></Props></Obj>"#,
        );
        Scripted {
            answers: vec![
                ("Get-AcceptedDomain", fixture("Get-AcceptedDomain")),
                ("Get-FederationTrust", trust),
                ("Get-FederatedOrganizationIdentifier", orgid),
                (
                    "Get-ExchangeCertificate",
                    fixture("Get-ExchangeCertificate"),
                ),
            ],
            asked: Mutex::new(Vec::new()),
        }
    }

    fn identity() -> OrgIdentity {
        OrgIdentity {
            organization_name: "SoloORG".into(),
            is_lab: false,
            exchange_version: "Version 15.1 (Build 2507.18)".into(),
        }
    }

    #[tokio::test]
    async fn read_org_takes_exchanges_forms_and_the_expiry_from_the_certificate_store() {
        let shell = depth_one_organization();
        let org = read_org(&shell, identity()).await.expect("read_org");

        let types: Vec<(&str, AcceptedDomainType, bool)> = org
            .accepted_domains
            .iter()
            .map(|d| (d.domain_name.as_str(), d.domain_type, d.default))
            .collect();
        assert_eq!(
            types,
            [
                ("Solo.com", AcceptedDomainType::Authoritative, true),
                ("*.contoso.local", AcceptedDomainType::Authoritative, false),
                ("*.com", AcceptedDomainType::InternalRelay, false),
            ]
        );
        let trust = org.federation_trust.expect("trust");
        assert_eq!(trust.token_issuer_type, "MicrosoftOnline");
        let cert = trust.org_certificate.expect("OrgCertificate");
        assert_eq!(cert.thumbprint, "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7");
        // From the DER of the certificate in the store, not from the text's local time.
        assert_eq!(cert.not_after, "2026-07-11T13:59:05Z");
        let domains: Vec<(&str, FederatedDomainState)> = org
            .organization_identifier
            .domains
            .iter()
            .map(|d| (d.domain.as_str(), d.state))
            .collect();
        assert_eq!(
            domains,
            [
                ("solo.com", FederatedDomainState::Active),
                ("other.com", FederatedDomainState::Unknown)
            ]
        );
        let asked = shell.asked.lock().expect("asked");
        let follow_up: Vec<&Invocation> = asked
            .iter()
            .filter(|i| i.cmdlet == "Get-ExchangeCertificate")
            .collect();
        assert_eq!(follow_up.len(), 1, "one read for the one unknown expiry");
        assert_eq!(
            follow_up[0].get("Thumbprint"),
            Some(&ParamValue::String(
                "2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7".into()
            ))
        );
        fedshare_exchange::catalog::validate(follow_up[0]).expect("a catalogued invocation");
    }

    #[tokio::test]
    async fn a_trust_certificate_missing_from_the_store_leaves_its_expiry_unknown() {
        let mut shell = depth_one_organization();
        shell
            .answers
            .retain(|(c, _)| *c != "Get-ExchangeCertificate");
        let org = read_org(&shell, identity()).await.expect("read_org");
        let cert = org
            .federation_trust
            .and_then(|t| t.org_certificate)
            .expect("cert");
        assert!(cert.not_after_unknown());
    }

    #[tokio::test]
    async fn the_certificates_of_a_signed_server_read_from_raw_data() {
        let shell = depth_one_organization();
        let certs = read_certificates(&shell).await.expect("certificates");
        assert_eq!(certs.len(), 4);
        assert_eq!(certs[0].not_after, "2026-07-11T13:59:05Z");
        assert_eq!(
            certs[0].subject,
            "CN=Microsoft Exchange Server Auth Certificate"
        );
    }
}
