//! Taking federated sharing down: a removal file (`examples/contoso-remove.toml`) planned
//! against the organization as it is, in the order Exchange accepts, and run with the same
//! journal as `apply` (a second run resumes: what is already gone is not planned again).
//! The CLI reads the document from a file; the app also builds it from the partner the admin
//! picks, or asks for everything: one [`Removal`] either way.

use std::path::Path;

use fedshare_exchange::Invocation;
use fedshare_model::Mailbox;
use fedshare_plan::removal::{self, Removal};
use fedshare_plan::{Applier, ApplyOptions, ApplyReport, Plan, Progress};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::workflow::{self, PlanView};
use crate::{AppPaths, EngineError, Session};

/// Where the app's removal document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum RemovalSource {
    /// A removal file the admin chose, e.g. examples/contoso-remove.toml.
    File { path: String },
    /// Sharing with one partner turned off: its relationship disabled, and the mailboxes of
    /// these sharing policies moved off them.
    Partner {
        relationship: String,
        #[serde(rename = "sharingPolicies")]
        sharing_policies: Vec<String>,
    },
    /// Everything taken down, as examples/contoso-remove.toml says.
    Everything,
}

impl RemovalSource {
    /// The removal document, the same the CLI reads from a file.
    pub fn removal(&self) -> Result<Removal, EngineError> {
        Ok(match self {
            RemovalSource::File { path } => Removal::from_file(Path::new(path))?,
            RemovalSource::Partner {
                relationship,
                sharing_policies,
            } => Removal::disable_partner(relationship, sharing_policies.clone()),
            RemovalSource::Everything => Removal::everything(),
        })
    }
}

async fn planned(
    session: &Session,
    removal: &Removal,
    force_domains: bool,
) -> Result<(Plan, String), EngineError> {
    let org = crate::status::read(session).await?;
    let mailboxes: Vec<Mailbox> = session
        .invoke(&Invocation::new("Get-Mailbox").string("ResultSize", "Unlimited"))
        .await?
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    let plan = removal::plan(removal, &org, &mailboxes, force_domains)?;
    Ok((plan, org.organization_name))
}

/// The removal's steps, without running anything.
pub async fn preview(
    session: &Session,
    removal: &Removal,
    force_domains: bool,
) -> Result<(Plan, PlanView), EngineError> {
    let (plan, organization) = planned(session, removal, force_domains).await?;
    let view = PlanView::new(organization, &plan)?;
    Ok((plan, view))
}

/// Runs the removal with the profile's journal.
pub async fn apply(
    session: &Session,
    paths: &AppPaths,
    removal: &Removal,
    force_domains: bool,
    options: ApplyOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ApplyReport, EngineError> {
    // The journal first: it is the lock that keeps a second run from planning meanwhile.
    let mut journal = crate::workflow::open_journal(paths, session)?;
    let (plan, _) = planned(session, removal, force_domains).await?;
    // No step of a removal touches DNS; the applier still wants the profile's DNS access.
    let sharing = workflow::current_plan(paths, session).await?;
    let dns = workflow::dns_ops(session, &sharing).await?;
    let report = Applier::new(session, &dns, &mut journal, options)
        .on_progress(progress)
        .apply(&plan)
        .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_model::ErrorCode;

    #[test]
    fn the_app_sends_its_source_as_tagged_json() {
        let source: RemovalSource = serde_json::from_str(
            r#"{"kind":"partner","relationship":"Fabrikam","sharingPolicies":["Fabrikam calendar"]}"#,
        )
        .unwrap();
        assert_eq!(
            source.removal().unwrap(),
            Removal::disable_partner("Fabrikam", vec!["Fabrikam calendar".into()])
        );
        let all: RemovalSource = serde_json::from_str(r#"{"kind":"everything"}"#).unwrap();
        assert_eq!(all.removal().unwrap(), Removal::everything());
    }

    #[test]
    fn a_file_source_reads_the_file_as_the_cli_does() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/contoso-remove.toml"
        );
        let source = RemovalSource::File { path: path.into() };
        assert_eq!(source.removal().unwrap(), Removal::everything());
        let missing = RemovalSource::File {
            path: "/nonexistent/remove.toml".into(),
        };
        assert_eq!(missing.removal().unwrap_err().code(), "plan.read");
    }
}
