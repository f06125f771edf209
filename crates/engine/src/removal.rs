//! Taking federated sharing down: a removal file (`examples/contoso-remove.toml`) planned
//! against the organization as it is, in the order Exchange accepts, and run with the same
//! journal as `apply` (a second run resumes: what is already gone is not planned again).

use std::path::Path;

use fedshare_exchange::Invocation;
use fedshare_model::Mailbox;
use fedshare_plan::removal::{self, Removal};
use fedshare_plan::{Applier, ApplyOptions, ApplyReport, Plan, Progress};

use crate::workflow::{self, PlanView};
use crate::{AppPaths, EngineError, Session};

async fn planned(
    session: &Session,
    path: &Path,
    force_domains: bool,
) -> Result<(Plan, String), EngineError> {
    let removal = Removal::from_file(path)?;
    let org = crate::status::read(session).await?;
    let mailboxes: Vec<Mailbox> = session
        .invoke(&Invocation::new("Get-Mailbox").string("ResultSize", "Unlimited"))
        .await?
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    let plan = removal::plan(&removal, &org, &mailboxes, force_domains)?;
    Ok((plan, org.organization_name))
}

/// The removal's steps, without running anything.
pub async fn preview(
    session: &Session,
    path: &Path,
    force_domains: bool,
) -> Result<(Plan, PlanView), EngineError> {
    let (plan, organization) = planned(session, path, force_domains).await?;
    let view = PlanView::new(organization, &plan)?;
    Ok((plan, view))
}

/// Runs the removal with the profile's journal.
pub async fn apply(
    session: &Session,
    paths: &AppPaths,
    path: &Path,
    force_domains: bool,
    options: ApplyOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ApplyReport, EngineError> {
    // The journal first: it is the lock that keeps a second run from planning meanwhile.
    let mut journal = crate::certificate::open_journal(paths, session)?;
    let (plan, _) = planned(session, path, force_domains).await?;
    // No step of a removal touches DNS; the applier still wants the profile's DNS access.
    let sharing = workflow::current_plan(paths, session).await?;
    let dns = workflow::dns_ops(session, &sharing).await?;
    let report = Applier::new(session, &dns, &mut journal, options)
        .on_progress(progress)
        .apply(&plan)
        .await?;
    Ok(report)
}
