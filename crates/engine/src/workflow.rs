//! The four configuration steps as one flow: read the plan, read the organization, plan the
//! difference, apply it with a journal, undo it from the journal.

use std::path::{Path, PathBuf};

use fedshare_dns::{TsigAlgo, TsigKey};
use fedshare_model::StepKind;
use fedshare_plan::file::DnsMode;
use fedshare_plan::{
    Applier, ApplyOptions, ApplyReport, Journal, Plan, Progress, SharingPlan, Snapshot, UndoReport,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dns_ops::DnsOps;
use crate::{AppPaths, EngineError, Session};

/// The example plan for the lab organization; the Lab profile's plan starts as this.
pub const LAB_PLAN: &str = include_str!("../../../examples/contoso-lab.toml");

/// Where a profile's current plan (the one the wizard edits) lives.
pub fn current_plan_path(paths: &AppPaths, profile: &str) -> PathBuf {
    paths
        .data_dir
        .join("plans")
        .join(format!("{}.toml", file_stem(profile)))
}

/// The profile's current plan. The first time it is written: the lab's from [`LAB_PLAN`], a
/// real organization's adopted from what it has now, so it proposes no change until edited
/// (the lab example would propose Contoso's configuration to a real organization).
pub async fn current_plan(paths: &AppPaths, session: &Session) -> Result<SharingPlan, EngineError> {
    let path = current_plan_path(paths, &session.profile().name);
    if !path.exists() {
        let text = first_plan(session).await?;
        write_plan(&path, &text)?;
    }
    load_plan(&path)
}

/// The text a profile's plan starts as.
async fn first_plan(session: &Session) -> Result<String, EngineError> {
    if session.profile().is_lab() {
        return Ok(LAB_PLAN.to_owned());
    }
    let org = crate::status::read(session).await.map_err(|source| {
        EngineError::PlanNeedsOrganization {
            profile: session.profile().name.clone(),
            source: Box::new(source),
        }
    })?;
    Ok(fedshare_plan::adopt::adopted_toml(&org)?)
}

/// Saves an edited plan over the profile's plan file, keeping the file's comments and layout
/// for everything that did not change (see `fedshare_plan::preserve`).
pub fn save_plan(path: &Path, text: &str) -> Result<(), EngineError> {
    let merged = match std::fs::read_to_string(path) {
        Ok(old) => fedshare_plan::preserve::lay_over(&old, text),
        Err(_) => fedshare_plan::preserve::without_empty_lists(text),
    };
    write_plan(path, &merged)
}

/// Writes a plan file (and its folder): write then rename, so a crash never leaves half a
/// plan behind.
pub fn write_plan(path: &Path, text: &str) -> Result<(), EngineError> {
    crate::paths::replace_file(path, "toml.tmp", |tmp| {
        std::fs::write(tmp, text).map_err(crate::paths::io_error(path))
    })
}

/// The plan file's `server = "lab"`: the DNS server of the connected lab organization.
const LAB_SERVER: &str = "lab";

/// One step as the wizard and `fedshare plan` show it: the exact lines it will run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepView {
    pub id: String,
    pub title: String,
    pub kind: StepKind,
    /// Cmdlet lines and DNS actions, in order, as the exported script writes them.
    pub commands: Vec<String>,
    /// What must hold before it runs, in words.
    pub preconditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanView {
    pub organization: String,
    pub steps: Vec<StepView>,
    /// The whole plan as a `.ps1`, ready to review or run by hand.
    pub script: String,
}

impl PlanView {
    pub(crate) fn new(organization: String, plan: &Plan) -> Result<Self, EngineError> {
        let steps = plan.steps.iter().map(step_view).collect();
        let script = fedshare_plan::script::plan_script(plan)?;
        Ok(Self {
            organization,
            steps,
            script,
        })
    }
}

fn step_view(step: &fedshare_plan::Step) -> StepView {
    use fedshare_plan::step::Precondition;
    StepView {
        id: step.id.clone(),
        title: step.title.clone(),
        kind: step.kind,
        commands: step
            .actions
            .iter()
            .map(fedshare_plan::script::render_action)
            .collect(),
        preconditions: step
            .preconditions
            .iter()
            .map(|p| match p {
                Precondition::Step(id) => format!("after step {id}"),
                Precondition::Resolvable(record) => format!("{record} resolves"),
                Precondition::Note(text) => text.clone(),
            })
            .collect(),
    }
}

pub fn load_plan(path: &Path) -> Result<SharingPlan, EngineError> {
    Ok(SharingPlan::from_file(path)?)
}

/// The journal of one profile: every applied step and the state it replaced.
pub fn journal_path(paths: &AppPaths, profile: &str) -> PathBuf {
    paths
        .data_dir
        .join("journal")
        .join(format!("{}.jsonl", file_stem(profile)))
}

/// A profile name made safe for a file name (journals, plans, acknowledgements).
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// DNS for this plan: where to publish (if Fedshare publishes) and whom to ask.
pub async fn dns_ops(session: &Session, plan: &SharingPlan) -> Result<DnsOps, EngineError> {
    let lab = session.lab_endpoints().await?;
    // A lab host that announces an address we cannot read is broken: say so, rather than
    // report later that this is "not the lab".
    let lab_dns = lab
        .as_ref()
        .map(|l| crate::network::lab_addr(&l.dns))
        .transpose()?;
    let resolvers = |server| lab_dns.or(server).into_iter().collect::<Vec<_>>();
    // Outside the lab the proof must also be served by the domain's authoritative servers,
    // where the Federation Gateway looks (the lab's DNS server is that server itself).
    let public = lab_dns.is_none().then(fedshare_dns::CheckOptions::default);
    Ok(match &plan.dns {
        DnsMode::None => DnsOps {
            update: None,
            resolvers: Vec::new(),
            public: None,
        },
        // Windows DNS records are created by cmdlets in the plan itself; only the waits and
        // lookups need DNS here, as for records the administrator creates.
        DnsMode::Manual | DnsMode::Windows { .. } => DnsOps {
            update: None,
            resolvers: resolvers(None),
            public,
        },
        DnsMode::Rfc2136 { server, key_name } if server == LAB_SERVER => {
            let addr = lab_dns.ok_or(EngineError::NotLab)?;
            let key = session.lab_tsig_key()?;
            let key = TsigKey {
                name: key_name.clone(),
                algorithm: TsigAlgo::HmacSha256,
                secret: key,
            };
            DnsOps {
                update: Some((addr, key)),
                resolvers: vec![addr],
                public: None,
            }
        }
        DnsMode::Rfc2136 { server, key_name } => {
            let addr = crate::net::socket_addr(server, 53)?;
            let secret = session.dns_key_secret()?;
            let key = TsigKey {
                name: key_name.clone(),
                algorithm: TsigAlgo::HmacSha256,
                secret,
            };
            DnsOps {
                update: Some((addr, key)),
                resolvers: resolvers(Some(addr)),
                public,
            }
        }
    })
}

/// Reads what the plan needs to know about the organization and its DNS.
pub async fn snapshot(
    session: &Session,
    dns: &DnsOps,
    plan: &SharingPlan,
) -> Result<Snapshot, EngineError> {
    Ok(Snapshot::read(session, dns, plan, crate::status::identity(session).await?).await?)
}

/// Observed state versus the plan: the steps that would run, without running anything.
pub async fn preview(
    session: &Session,
    plan: &SharingPlan,
) -> Result<(Plan, PlanView), EngineError> {
    let dns = dns_ops(session, plan).await?;
    let snap = snapshot(session, &dns, plan).await?;
    let planned = fedshare_plan::plan(plan, &snap)?;
    let view = PlanView::new(snap.org.organization_name.clone(), &planned)?;
    Ok((planned, view))
}

/// Applies the plan, resuming after an interruption: it re-plans from the observed state, so
/// nothing is created twice, and appends to the same journal.
pub async fn apply(
    session: &Session,
    paths: &AppPaths,
    plan: &SharingPlan,
    options: ApplyOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ApplyReport, EngineError> {
    // The journal first: it is the lock that keeps a second apply from planning meanwhile.
    let mut journal = open_journal(paths, session)?;
    let dns = dns_ops(session, plan).await?;
    let snap = snapshot(session, &dns, plan).await?;
    let planned = fedshare_plan::plan(plan, &snap)?;
    let report = Applier::new(session, &dns, &mut journal, options)
        .on_progress(progress)
        .apply(&planned)
        .await?;
    Ok(report)
}

/// How an undo runs.
#[derive(Debug, Clone, Default)]
pub struct UndoOptions {
    /// Remove federated domains with `-Force`: for when Exchange cannot reach the Microsoft
    /// Federation Gateway to release them (the domain then stays registered there).
    pub force_domains: bool,
    /// Undo newest first down to and including this step; `None` undoes every applied step.
    pub back_to: Option<String>,
    /// Stops the undo between steps and actions.
    pub cancel: fedshare_plan::Cancel,
}

/// Reverses every applied step in the journal, newest first.
pub async fn undo(
    session: &Session,
    paths: &AppPaths,
    plan: &SharingPlan,
    options: UndoOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<UndoReport, EngineError> {
    let mut journal = open_journal(paths, session)?;
    let dns = dns_ops(session, plan).await?;
    let apply_options = ApplyOptions {
        cancel: options.cancel,
        ..ApplyOptions::default()
    };
    let report = Applier::new(session, &dns, &mut journal, apply_options)
        .force_domain_removal(options.force_domains)
        .undo_back_to(options.back_to)
        .on_progress(progress)
        .undo()
        .await?;
    Ok(report)
}

fn journal_entries(
    paths: &AppPaths,
    session: &Session,
) -> Result<Vec<fedshare_model::JournalEntry>, EngineError> {
    Ok(fedshare_plan::journal::read(&journal_path(
        paths,
        &session.profile().name,
    ))?)
}

/// The undo script for what the journal says was applied.
pub fn journal_undo_script(paths: &AppPaths, session: &Session) -> Result<String, EngineError> {
    Ok(fedshare_plan::script::journal_undo_script(
        &journal_entries(paths, session)?,
    )?)
}

/// The federated domains an undo of the journal would remove, in the order it removes them.
pub fn journal_undo_domains(
    paths: &AppPaths,
    session: &Session,
) -> Result<Vec<String>, EngineError> {
    Ok(fedshare_plan::journal::undo_removed_domains(
        &journal_entries(paths, session)?,
    ))
}

/// The script that reverses the plan: once the plan is applied, the journal's undo (with the
/// values learned while applying, exactly what `undo` runs); before that, the undo the plan
/// would record against the organization as it is now.
pub async fn undo_script(
    session: &Session,
    paths: &AppPaths,
    plan: &SharingPlan,
) -> Result<String, EngineError> {
    let entries = journal_entries(paths, session)?;
    if !fedshare_plan::journal::outstanding(&entries).is_empty() {
        return Ok(fedshare_plan::script::journal_undo_script(&entries)?);
    }
    let (planned, _) = preview(session, plan).await?;
    Ok(fedshare_plan::script::plan_undo_script(&planned)?)
}

/// Said before an undo that removes federated domains: the gateway keeps a record of each
/// domain for a day, so federating it again soon can fail (MaxUriReached).
pub fn undo_domains_warning(domains: &[String]) -> Option<String> {
    if domains.is_empty() {
        return None;
    }
    Some(format!(
        "Warning: this undo removes the federated domain(s) {}. Federating the same domain again \
         on the same day can fail with \"MaxUriReached: Same URI cannot be attached to different \
         AppId on a single day\"; if it does, wait 24 hours before applying again. If Exchange \
         cannot reach the Microsoft Federation Gateway to release them, run \
         `fedshare undo --force-domains`.",
        domains.join(", ")
    ))
}

/// One applied step an undo can reverse, as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UndoStepView {
    pub id: String,
    pub title: String,
    /// When and by whom it was applied, as the journal recorded it.
    pub applied_at: String,
    pub applied_by: String,
    /// The recorded reversal, exactly the lines undo runs (without `-Force`).
    pub commands: Vec<String>,
    /// The federated domains reversing this step removes.
    pub removes_domains: Vec<String>,
}

/// What an undo would reverse, before anything runs: the applied steps newest first (the
/// order undo runs them in), the whole undo script, and the MaxUriReached warning when
/// federated domains go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UndoReview {
    pub steps: Vec<UndoStepView>,
    pub script: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domains_warning: Option<String>,
}

/// The review an undo shows before it runs; reads only the journal.
pub fn undo_review(paths: &AppPaths, session: &Session) -> Result<UndoReview, EngineError> {
    let entries = journal_entries(paths, session)?;
    let steps = fedshare_plan::journal::outstanding(&entries)
        .into_iter()
        .rev()
        .map(|entry| {
            let one = std::slice::from_ref(entry);
            UndoStepView {
                id: entry.step_id.clone(),
                title: entry.title.clone(),
                applied_at: entry.at.clone(),
                applied_by: entry.by.clone(),
                commands: fedshare_plan::journal::undo_actions(entry)
                    .iter()
                    .map(fedshare_plan::script::render_action)
                    .collect(),
                removes_domains: fedshare_plan::journal::undo_removed_domains(one),
            }
        })
        .collect();
    let domains = fedshare_plan::journal::undo_removed_domains(&entries);
    Ok(UndoReview {
        steps,
        script: fedshare_plan::script::journal_undo_script(&entries)?,
        domains_warning: undo_domains_warning(&domains),
    })
}

/// One planned step as the apply review shows it: the objects it changes as they are now,
/// and the exact lines that change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewStep {
    pub id: String,
    pub title: String,
    pub kind: StepKind,
    /// The objects as observed, one `Property: value` line each; empty when the step
    /// creates them.
    pub before: Vec<String>,
    /// The lines that take them to the plan, as the exported script writes them.
    pub commands: Vec<String>,
}

/// What an apply would change, read fresh from the organization; nothing runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplyReview {
    pub organization: String,
    pub steps: Vec<ReviewStep>,
    pub script: String,
}

/// The review an apply shows before it runs.
pub async fn apply_review(
    session: &Session,
    plan: &SharingPlan,
) -> Result<ApplyReview, EngineError> {
    let (planned, view) = preview(session, plan).await?;
    let steps = planned
        .steps
        .iter()
        .zip(view.steps)
        .map(|(step, v)| ReviewStep {
            id: v.id,
            title: v.title,
            kind: v.kind,
            before: before_lines(&step.before),
            commands: v.commands,
        })
        .collect();
    Ok(ApplyReview {
        organization: view.organization,
        steps,
        script: view.script,
    })
}

/// An observed object as `Property: value` lines (nested values compactly as JSON).
fn before_lines(value: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let text = |v: &Value| match v {
        Value::Null => "(empty)".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    match value {
        Value::Null => Vec::new(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", text(v)))
            .collect(),
        Value::Array(items) => items.iter().flat_map(before_lines).collect(),
        other => vec![text(other)],
    }
}

/// The profile's journal, shared by apply, undo, the certificate roll and removal (so undo can
/// reverse any of their steps that has an undo, and it is the lock one run at a time holds).
pub(crate) fn open_journal(paths: &AppPaths, session: &Session) -> Result<Journal, EngineError> {
    let path = journal_path(paths, &session.profile().name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| EngineError::Io {
            path: dir.display().to_string(),
            source,
        })?;
    }
    Ok(Journal::open(&path)?)
}

/// "Before you begin": the documentation's prerequisites for this plan, on a fresh snapshot.
pub async fn prerequisites(
    session: &Session,
    plan: &SharingPlan,
) -> Result<Vec<fedshare_model::CheckResult>, EngineError> {
    let dns = dns_ops(session, plan).await?;
    let snap = snapshot(session, &dns, plan).await?;
    Ok(fedshare_plan::prerequisites(plan, &snap))
}

/// The four configuration steps, in the wizard's order, with the words verification uses.
const VERIFIED_STEPS: [(StepKind, &str, &str); 4] = [
    (
        StepKind::FederationTrust,
        "federation-trust",
        "Federation trust",
    ),
    (
        StepKind::OrganizationRelationships,
        "organization-relationships",
        "Organization relationships",
    ),
    (
        StepKind::SharingPolicies,
        "sharing-policies",
        "Sharing policies",
    ),
    (
        StepKind::AutodiscoverDns,
        "autodiscover-dns",
        "Autodiscover DNS",
    ),
];

/// Verification of each configuration step against the live organization and DNS: a step
/// holds when planning from what is observed now finds nothing left to do for it (the planner
/// compares every property the plan names, the proofs' and CNAME's resolution included).
pub async fn verify(
    session: &Session,
    plan: &SharingPlan,
) -> Result<Vec<fedshare_model::CheckResult>, EngineError> {
    let (_, view) = preview(session, plan).await?;
    Ok(VERIFIED_STEPS
        .iter()
        .map(|(kind, slug, title)| step_check(*kind, slug, title, &view))
        .collect())
}

fn step_check(
    kind: StepKind,
    slug: &str,
    title: &str,
    view: &PlanView,
) -> fedshare_model::CheckResult {
    use fedshare_model::{CheckResult, CheckStatus, Evidence, Fix, Severity};
    let pending: Vec<&StepView> = view.steps.iter().filter(|s| s.kind == kind).collect();
    let evidence = pending
        .iter()
        .map(|s| Evidence {
            subject: s.title.clone(),
            actual: "not done".into(),
            expected: "done".into(),
        })
        .collect();
    let fix = (!pending.is_empty()).then(|| Fix {
        summary: "Apply the plan, or run these lines in the Exchange Management Shell.".into(),
        commands: pending.iter().flat_map(|s| s.commands.clone()).collect(),
    });
    CheckResult {
        id: format!("plan.{slug}"),
        title: format!("{title} matches the plan"),
        step: kind,
        severity: Severity::Error,
        status: if pending.is_empty() {
            CheckStatus::Pass
        } else {
            CheckStatus::Failure
        },
        subject: Some(view.organization.clone()),
        evidence,
        explanation: if pending.is_empty() {
            "Every object this step manages was read back and equals the plan.".into()
        } else {
            format!("{} planned step(s) of this part are not applied yet.", pending.len())
        },
        fix,
        doc_link:
            "https://learn.microsoft.com/en-us/exchange/configure-federated-sharing-exchange-2013-help"
                .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Backend, Profile};
    use fedshare_credentials::{Secret, StoredCredential};
    use fedshare_model::{CheckStatus, ErrorCode};

    /// A profile of a real organization. No test machine reaches it: the host it would start
    /// (`powershell.exe`) is not there, so reading the organization fails like a lost
    /// connection. The session credential keeps the test away from the OS keychain.
    fn unreachable_real_session(paths: &AppPaths) -> Session {
        let profile = Profile {
            name: "Woodgrove".into(),
            backend: Backend::remote("https://ex01.woodgrove.invalid/PowerShell/", true),
            ..Profile::lab()
        };
        let credential =
            StoredCredential::new("WOODGROVE\\admin", Secret::from("not used".to_owned())).ok();
        Session::new(profile, paths.clone(), PathBuf::from("no-lab-host"))
            .with_session_credential(credential)
    }

    #[tokio::test]
    async fn a_real_organization_that_cannot_be_read_gets_an_error_and_no_plan_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        let session = unreachable_real_session(&paths);
        let err = current_plan(&paths, &session)
            .await
            .expect_err("nothing to adopt without the organization");
        assert_eq!(err.code(), "engine.plan_needs_organization");
        assert!(err.to_string().contains("pass a plan file"), "{err}");
        let detail = err.detail().expect("the reason it could not be read");
        // Without powershell.exe (here) the host cannot start; on Windows the session fails.
        assert!(
            detail.contains("(engine.powershell_missing)")
                || detail.contains("(engine.session_failed)"),
            "{detail}"
        );
        assert!(!current_plan_path(&paths, "Woodgrove").exists());
        assert!(!paths.data_dir.join("plans").exists());
    }

    #[tokio::test]
    async fn an_existing_plan_is_read_without_the_organization() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        let session = unreachable_real_session(&paths);
        let path = current_plan_path(&paths, "Woodgrove");
        let text = "[trust]\nname = \"T\"\ncertificate = \"new\"\n[domains]\nprimary = \"woodgrove.com\"\n";
        write_plan(&path, text).expect("write");
        let plan = current_plan(&paths, &session)
            .await
            .expect("the saved plan");
        assert_eq!(plan.primary_domain, "woodgrove.com");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    }

    #[test]
    fn saving_an_edited_plan_keeps_the_files_comments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plans").join("Lab.toml");
        write_plan(&path, LAB_PLAN).expect("write");
        let mut doc = SharingPlan::parse(LAB_PLAN, "lab")
            .expect("plan")
            .document();
        doc.trust.name = "Contoso Federation".into();
        save_plan(&path, &doc.to_toml()).expect("save");
        let saved = std::fs::read_to_string(&path).expect("read");
        assert!(
            saved.contains("# Exchange allows one trust per organization"),
            "{saved}"
        );
        assert!(saved.contains("name = \"Contoso Federation\""), "{saved}");
        assert_eq!(saved.lines().count(), LAB_PLAN.lines().count());
    }

    #[tokio::test]
    async fn the_lab_starts_from_the_lab_example_without_connecting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = AppPaths::under(dir.path().to_path_buf());
        // No lab host can start from this program, so the plan must not need one.
        let session = Session::new(Profile::lab(), paths.clone(), PathBuf::from("no-lab-host"));
        let plan = current_plan(&paths, &session).await.expect("the lab plan");
        assert_eq!(
            plan,
            SharingPlan::parse(LAB_PLAN, "contoso-lab.toml").expect("example")
        );
        let written = std::fs::read_to_string(current_plan_path(&paths, "Lab")).expect("read");
        assert_eq!(written, LAB_PLAN);
    }

    fn view(kinds: &[StepKind]) -> PlanView {
        PlanView {
            organization: "Contoso".into(),
            steps: kinds
                .iter()
                .enumerate()
                .map(|(i, kind)| StepView {
                    id: format!("s{i}"),
                    title: format!("Step {i}"),
                    kind: *kind,
                    commands: vec![format!("Set-Thing -Identity {i}")],
                    preconditions: Vec::new(),
                })
                .collect(),
            script: String::new(),
        }
    }

    #[test]
    fn a_step_passes_only_when_nothing_of_its_kind_is_left() {
        let v = view(&[StepKind::SharingPolicies, StepKind::SharingPolicies]);
        let policies = step_check(StepKind::SharingPolicies, "p", "Sharing policies", &v);
        assert_eq!(policies.status, CheckStatus::Failure);
        assert_eq!(policies.evidence.len(), 2);
        let fix = policies.fix.expect("a failing step says what to run");
        assert_eq!(
            fix.commands,
            ["Set-Thing -Identity 0", "Set-Thing -Identity 1"]
        );
        let trust = step_check(StepKind::FederationTrust, "t", "Federation trust", &v);
        assert_eq!(trust.status, CheckStatus::Pass);
        assert!(trust.fix.is_none());
    }
}
