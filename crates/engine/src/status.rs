//! Reading the organization's federation state: the first stage of every flow.

use fedshare_exchange::Invocation;
use fedshare_model::{FederatedOrganizationIdentifier, OrgState};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{EngineError, Session};

fn parse<T: DeserializeOwned>(cmdlet: &str, value: Value) -> Result<T, EngineError> {
    serde_json::from_value(value).map_err(|e| EngineError::UnexpectedOutput {
        cmdlet: cmdlet.to_owned(),
        reason: e.to_string(),
    })
}

async fn read_all<T: DeserializeOwned>(
    session: &Session,
    invocation: Invocation,
) -> Result<Vec<T>, EngineError> {
    let cmdlet = invocation.cmdlet.clone();
    session
        .invoke(&invocation)
        .await?
        .into_iter()
        .map(|v| parse(&cmdlet, v))
        .collect()
}

/// Reads trust, organization identifier, relationships, policies and accepted domains.
pub async fn read(session: &Session) -> Result<OrgState, EngineError> {
    let connection = session.connection().await?;
    let accepted_domains = read_all(session, Invocation::new("Get-AcceptedDomain")).await?;
    let federation_trust = read_all(session, Invocation::new("Get-FederationTrust"))
        .await?
        .into_iter()
        .next();
    let org_id: Option<FederatedOrganizationIdentifier> = read_all(
        session,
        Invocation::new("Get-FederatedOrganizationIdentifier").switch("IncludeExtendedDomainInfo"),
    )
    .await?
    .into_iter()
    .next();
    let organization_relationships =
        read_all(session, Invocation::new("Get-OrganizationRelationship")).await?;
    let sharing_policies = read_all(session, Invocation::new("Get-SharingPolicy")).await?;
    Ok(OrgState {
        organization_name: connection.organization,
        is_lab: connection.is_lab,
        exchange_version: connection.host_version,
        accepted_domains,
        federation_trust,
        organization_identifier: org_id.unwrap_or(FederatedOrganizationIdentifier {
            enabled: false,
            account_namespace: None,
            delegation_trust_link: None,
            domains: Vec::new(),
            default_domain: None,
        }),
        organization_relationships,
        sharing_policies,
    })
}
