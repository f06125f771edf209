//! Reading the organization's federation state: the first stage of every flow.

use fedshare_model::OrgState;
use fedshare_plan::OrgIdentity;

use crate::{EngineError, Session};

/// Reads trust, organization identifier, relationships, policies and accepted domains, with
/// the same reads the planner uses, so `status` and `plan` always see one organization alike.
pub async fn read(session: &Session) -> Result<OrgState, EngineError> {
    let identity = identity(session).await?;
    Ok(fedshare_plan::snapshot::read_org(session, identity).await?)
}

/// Who the session is connected to, in the planner's terms.
pub async fn identity(session: &Session) -> Result<OrgIdentity, EngineError> {
    let c = session.connection().await?;
    Ok(OrgIdentity {
        organization_name: c.organization,
        is_lab: c.is_lab,
        exchange_version: c.exchange_version,
    })
}
