//! `verify` for both front ends: gather what the checks need through the session and the
//! network views, run the catalogue, and mark acknowledged findings (shown, never hidden).

use std::path::PathBuf;

use fedshare_checks::inputs::{GatherOptions, GatherProgress};
use fedshare_checks::{AckStore, SavedRun};
use fedshare_model::CheckResult;
use fedshare_plan::file::MailboxSelection;
use fedshare_plan::SharingPlan;

use crate::network::{Network, NetworkChoice};
use crate::{workflow, AppPaths, EngineError, Session};

/// What one verification run asks for beyond the profile's defaults.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// Partner domains to discover besides those of the relationships.
    pub partners: Vec<String>,
    /// The mailbox Test-FederationTrust and Test-OrganizationRelationship run as.
    pub test_user: Option<String>,
    /// Relationships to run `Test-OrganizationRelationship` for (empty: the first
    /// [`fedshare_checks::RELATIONSHIP_TESTS_PER_RUN`] by name).
    pub relationships: Vec<String>,
    pub network: NetworkChoice,
}

/// Where a profile's acknowledgements are kept.
pub fn ack_path(paths: &AppPaths, profile: &str) -> PathBuf {
    paths
        .data_dir
        .join("acknowledgements")
        .join(format!("{}.json", workflow::file_stem(profile)))
}

/// The profile's plan when there is one (the lab's example plan for the lab): it names the
/// mailboxes to test with and the domains whose Autodiscover record is managed.
fn profile_plan(paths: &AppPaths, session: &Session) -> Option<SharingPlan> {
    let path = workflow::current_plan_path(paths, &session.profile().name);
    if path.exists() {
        return workflow::load_plan(&path).ok();
    }
    session
        .profile()
        .is_lab()
        .then(|| SharingPlan::parse(workflow::LAB_PLAN, "contoso-lab.toml").ok())
        .flatten()
}

/// Where a profile's last verification is kept, with its time, so it is shown again when
/// the Verify page opens (after navigating away, or after a restart).
pub fn last_run_path(paths: &AppPaths, profile: &str) -> PathBuf {
    paths
        .data_dir
        .join("verifications")
        .join(format!("{}.json", workflow::file_stem(profile)))
}

/// The profile's last verification, when there is one that can be read. An unreadable one is
/// only a lost display (the next run replaces it), so it is logged, not an error.
pub fn last_run(paths: &AppPaths, profile: &str) -> Option<SavedRun> {
    let path = last_run_path(paths, profile);
    if !path.exists() {
        return None;
    }
    SavedRun::load(&path)
        .map_err(|e| tracing::warn!(error = %e, "the last verification could not be read"))
        .ok()
}

/// Keeps `run` as the profile's last verification (write then rename: never half a file).
fn keep(paths: &AppPaths, profile: &str, run: &SavedRun) -> Result<(), EngineError> {
    let path = last_run_path(paths, profile);
    crate::paths::replace_file(&path, "json.tmp", |tmp| Ok(run.save(tmp)?))
}

fn default_user(plan: Option<&SharingPlan>) -> Option<String> {
    plan?.policies.iter().find_map(|p| match &p.mailboxes {
        MailboxSelection::List(list) => list.first().cloned(),
        _ => None,
    })
}

async fn gather_options(
    session: &Session,
    paths: &AppPaths,
    request: &VerifyRequest,
) -> Result<GatherOptions, EngineError> {
    let plan = profile_plan(paths, session);
    // One world for the whole run: the DNS views and the HTTPS options follow from it.
    let network = Network::of_session(session, request.network.clone()).await?;
    Ok(GatherOptions {
        identity: Some(crate::status::identity(session).await?),
        test_user: request
            .test_user
            .clone()
            .or_else(|| default_user(plan.as_ref())),
        partners: request.partners.clone(),
        autodiscover_domains: plan
            .as_ref()
            .map(|p| p.autodiscover.iter().map(|a| a.domain.clone()).collect())
            .unwrap_or_default(),
        autodiscover_not_needed: plan
            .map(|p| {
                p.autodiscover_not_needed
                    .into_iter()
                    .map(|n| (n.domain, n.reason))
                    .collect()
            })
            .unwrap_or_default(),
        relationships_to_test: request.relationships.clone(),
        dns: network.check_options()?,
        discovery: network.discovery_options()?,
        clock_skew_seconds: None,
    })
}

/// Runs every check concurrently (progress per item), applies the profile's
/// acknowledgements and keeps the result as the profile's last verification.
pub async fn run_and_keep(
    session: &Session,
    paths: &AppPaths,
    request: &VerifyRequest,
    progress: impl Fn(GatherProgress) + Send + Sync,
) -> Result<SavedRun, EngineError> {
    let saved = run(session, paths, request, progress).await?;
    keep(paths, &session.profile().name, &saved)?;
    Ok(saved)
}

/// Runs every check concurrently (progress per item) and applies the profile's
/// acknowledgements; the result can be saved for drift.
pub async fn run(
    session: &Session,
    paths: &AppPaths,
    request: &VerifyRequest,
    progress: impl Fn(GatherProgress) + Send + Sync,
) -> Result<SavedRun, EngineError> {
    let options = gather_options(session, paths, request).await?;
    let (inputs, mut results) = fedshare_checks::verify(session, &options, progress).await?;
    // The free/busy proofs run so far, per partner and direction (see `freebusy`).
    let relationship_domains: Vec<(String, String)> = inputs
        .org
        .organization_relationships
        .iter()
        .flat_map(|r| r.domain_names.iter().map(|d| (r.name.clone(), d.clone())))
        .collect();
    results.extend(crate::freebusy::proof_checks(
        &crate::freebusy::kept_proofs(paths, &session.profile().name),
        &relationship_domains,
    ));
    let store = AckStore::load(&ack_path(paths, &session.profile().name))?;
    let checked = store.apply(results, fedshare_checks::ack::today());
    Ok(SavedRun::new(
        inputs.taken_at.clone(),
        inputs.org.organization_name.clone(),
        checked,
    ))
}

/// The plain results for maps and reports; when verification cannot run, the map shows
/// every element as "not checked" rather than failing the export.
pub async fn results_for_report(session: &Session, paths: &AppPaths) -> Vec<CheckResult> {
    match run(session, paths, &VerifyRequest::default(), |_| {}).await {
        Ok(run) => run.results.into_iter().map(|c| c.result).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "verification for the report failed; checks shown as not checked");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_checks::VerifiedCheck;

    #[test]
    fn the_last_run_is_kept_per_profile_and_survives_a_new_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        assert!(last_run(&paths, "Lab").is_none());
        let run = SavedRun::new(
            "2026-12-04T16:00:00Z".into(),
            "Contoso".into(),
            Vec::<VerifiedCheck>::new(),
        );
        keep(&paths, "Lab", &run).expect("kept");
        let again = last_run(&paths, "Lab").expect("read back");
        assert_eq!(again.header.time, "2026-12-04T16:00:00Z");
        assert_eq!(again.header.organization, "Contoso");
        assert!(last_run(&paths, "Contoso EMEA").is_none(), "per profile");
        std::fs::write(last_run_path(&paths, "Lab"), "{ cut").expect("damage");
        assert!(last_run(&paths, "Lab").is_none(), "unreadable is no run");
    }
}
