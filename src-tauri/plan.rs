//! The wizard's shared plan commands: the plan document the forms edit, the planned steps,
//! apply and undo with progress, prerequisites and verification. Each page shows its own
//! part (by `StepKind`), but apply runs the whole plan because Exchange's order matters.

use fedshare_engine::run::{RunKind, RunStatus};
use fedshare_engine::workflow::{self, ApplyReview, PlanView, UndoReview};
use fedshare_model::{CheckResult, ErrorPayload};
use fedshare_plan::dns::DnsRecord;
use fedshare_plan::file::{self, FieldProblem, PlanDocument};
use fedshare_plan::{ApplyOptions, ApplyReport, Progress, SharingPlan, Snapshot, UndoReport};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

/// The profile's current plan (the lab plan, or the organization as it is, the first time).
async fn current(state: &AppState) -> Result<SharingPlan, ErrorPayload> {
    Ok(workflow::current_plan(&state.paths, &state.session()).await?)
}

#[tauri::command]
pub async fn plan_document(state: State<'_, AppState>) -> Result<PlanDocument, ErrorPayload> {
    Ok(current(&state).await?.document())
}

/// Every problem of an edited (unsaved) document, keyed by field: the plan file's own rules.
#[tauri::command]
pub fn check_plan_document(document: PlanDocument) -> Vec<FieldProblem> {
    file::validate(&document).err().unwrap_or_default()
}

/// Validates the edited document with the plan file's rules, then makes it the current plan.
#[tauri::command]
pub fn save_plan_document(
    state: State<'_, AppState>,
    document: PlanDocument,
) -> Result<PlanDocument, ErrorPayload> {
    let plan = valid(&document)?;
    let path = workflow::current_plan_path(&state.paths, &state.session().profile().name);
    workflow::save_plan(&path, &plan.to_toml())?;
    Ok(plan.document())
}

/// The document as a plan, or words for a form whose fields show the problems.
fn valid(document: &PlanDocument) -> Result<SharingPlan, ErrorPayload> {
    file::validate(document).map_err(|problems| ErrorPayload {
        code: "plan.invalid".into(),
        message: match problems.len() {
            1 => "The plan has a problem, shown under its field.".into(),
            n => format!("The plan has {n} problems, each shown under its field."),
        },
        detail: Some(
            problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    })
}

/// What Apply would run: for the saved plan, or for the document being edited (unsaved).
#[tauri::command]
pub async fn plan_preview(
    state: State<'_, AppState>,
    document: Option<PlanDocument>,
) -> Result<PlanView, ErrorPayload> {
    let plan = match document {
        Some(d) => valid(&d)?,
        None => current(&state).await?,
    };
    Ok(workflow::preview(&state.session(), &plan).await?.1)
}

/// What Apply would change, object by object, read fresh; nothing runs.
#[tauri::command]
pub async fn apply_review(state: State<'_, AppState>) -> Result<ApplyReview, ErrorPayload> {
    let plan = current(&state).await?;
    Ok(workflow::apply_review(&state.session(), &plan).await?)
}

/// What Undo would reverse (the journal's applied steps, newest first) and its script.
#[tauri::command]
pub fn undo_review(state: State<'_, AppState>) -> Result<UndoReview, ErrorPayload> {
    Ok(workflow::undo_review(&state.paths, &state.session())?)
}

/// Sends progress to the page that started the run; the run's own log keeps it for the rest.
fn forward(on_progress: Channel<Progress>) -> impl FnMut(&Progress) + Send {
    move |p: &Progress| {
        // A closed window only loses the progress display; the run and its journal go on.
        let _ = on_progress.send(p.clone());
    }
}

#[tauri::command]
pub async fn apply_plan(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
) -> Result<ApplyReport, ErrorPayload> {
    let session = state.session();
    let run = state.runs.begin(RunKind::Apply, &session.profile().name)?;
    let result = async {
        let plan = workflow::current_plan(&state.paths, &session).await?;
        let options = ApplyOptions {
            cancel: run.cancel_token(),
            ..ApplyOptions::default()
        };
        let progress = run.recorder(forward(on_progress));
        workflow::apply(&session, &state.paths, &plan, options, progress).await
    }
    .await;
    Ok(run.finish(result)?)
}

/// Undoes every applied step, or newest first down to `back_to`; `force_domains` removes
/// federated domains with -Force (the gateway cannot be reached).
#[tauri::command]
pub async fn undo_changes(
    state: State<'_, AppState>,
    on_progress: Channel<Progress>,
    back_to: Option<String>,
    force_domains: bool,
) -> Result<UndoReport, ErrorPayload> {
    let session = state.session();
    let run = state.runs.begin(RunKind::Undo, &session.profile().name)?;
    let result = async {
        let plan = workflow::current_plan(&state.paths, &session).await?;
        let options = workflow::UndoOptions {
            force_domains,
            back_to,
            cancel: run.cancel_token(),
        };
        let progress = run.recorder(forward(on_progress));
        workflow::undo(&session, &state.paths, &plan, options, progress).await
    }
    .await;
    Ok(run.finish(result)?)
}

/// The app's current or last apply/undo with its whole log, for any page or the header.
#[tauri::command]
pub fn run_status(state: State<'_, AppState>) -> Option<RunStatus> {
    state.runs.status()
}

/// Asks the running apply or undo to stop at its next safe point; whether one was running.
#[tauri::command]
pub fn cancel_run(state: State<'_, AppState>) -> bool {
    state.runs.cancel()
}

#[tauri::command]
pub async fn prerequisites(state: State<'_, AppState>) -> Result<Vec<CheckResult>, ErrorPayload> {
    let plan = current(&state).await?;
    Ok(workflow::prerequisites(&state.session(), &plan).await?)
}

#[tauri::command]
pub async fn verify_plan(state: State<'_, AppState>) -> Result<Vec<CheckResult>, ErrorPayload> {
    let plan = current(&state).await?;
    Ok(workflow::verify(&state.session(), &plan).await?)
}

/// The current plan and what the organization and DNS look like now.
pub(crate) async fn observe(state: &AppState) -> Result<(SharingPlan, Snapshot), ErrorPayload> {
    let plan = current(state).await?;
    let dns = workflow::dns_ops(&state.session(), &plan).await?;
    let snap = workflow::snapshot(&state.session(), &dns, &plan).await?;
    Ok((plan, snap))
}

/// Whether the resolvers see a record the plan needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LiveStatus {
    Resolves,
    Missing,
    /// The plan's DNS mode is "none": Fedshare does not look.
    NotChecked,
}

/// One DNS record the plan needs (a domain proof, an Autodiscover CNAME) and its live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LiveRecord {
    /// The federated domain the record belongs to.
    pub domain: String,
    pub name: String,
    pub record_type: String,
    pub value: String,
    /// The record as typed at a DNS host.
    pub text: String,
    /// The certificate a domain proof is for.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    pub status: LiveStatus,
    /// The values the resolvers agree on at that name and type now.
    pub answer: Vec<String>,
}

pub(crate) fn live_record(
    domain: &str,
    record: &DnsRecord,
    thumbprint: Option<String>,
    snap: &Snapshot,
) -> LiveRecord {
    let answer = snap.answer(&record.name, record.rtype);
    let status = match answer {
        None => LiveStatus::NotChecked,
        Some(values) if record.is_in(values) => LiveStatus::Resolves,
        Some(_) => LiveStatus::Missing,
    };
    LiveRecord {
        domain: domain.to_owned(),
        name: record.name.clone(),
        record_type: record.rtype.as_str().to_owned(),
        value: record.value.clone(),
        text: record.display(),
        thumbprint,
        status,
        answer: answer.map(<[String]>::to_vec).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_plan::dns::RecordType;
    use fedshare_plan::snapshot::DnsAnswer;

    fn snapshot_with(values: &[&str]) -> Snapshot {
        let org: fedshare_model::OrgState = serde_json::from_value(serde_json::json!({
            "OrganizationName": "Contoso", "IsLab": true, "ExchangeVersion": "15.0",
            "AcceptedDomains": [], "FederationTrust": null,
            "OrganizationIdentifier": {"Enabled": false, "AccountNamespace": null,
                "DelegationTrustLink": null, "Domains": [], "DefaultDomain": null},
            "OrganizationRelationships": [], "SharingPolicies": []
        }))
        .expect("an empty organization");
        let mut snap = Snapshot::new(org);
        snap.dns.push(DnsAnswer {
            name: "autodiscover.contoso.com".into(),
            rtype: RecordType::Cname,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        });
        snap
    }

    fn cname() -> DnsRecord {
        DnsRecord {
            name: "autodiscover.contoso.com".into(),
            rtype: RecordType::Cname,
            value: "mail.contoso.com".into(),
        }
    }

    #[test]
    fn a_record_resolves_only_with_its_own_value() {
        let live = live_record(
            "contoso.com",
            &cname(),
            None,
            &snapshot_with(&["MAIL.contoso.com."]),
        );
        assert_eq!(live.status, LiveStatus::Resolves);
        assert_eq!(
            live.text,
            "autodiscover.contoso.com IN CNAME mail.contoso.com."
        );
        let wrong = live_record(
            "contoso.com",
            &cname(),
            None,
            &snapshot_with(&["old.contoso.com"]),
        );
        assert_eq!(wrong.status, LiveStatus::Missing);
        assert_eq!(wrong.answer, ["old.contoso.com"]);
    }

    #[test]
    fn unread_dns_is_not_checked_rather_than_missing() {
        let mut snap = snapshot_with(&[]);
        snap.dns.clear();
        let live = live_record("contoso.com", &cname(), None, &snap);
        assert_eq!(live.status, LiveStatus::NotChecked);
    }

    #[test]
    fn a_form_gets_every_problem_in_words_without_file_positions() {
        let doc: PlanDocument = serde_json::from_value(serde_json::json!({
            "trust": {"name": "", "certificate": "old"},
            "domains": {"primary": "contoso.com"},
        }))
        .expect("the file's shape");
        let problems = check_plan_document(doc.clone());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["trust.name", "trust.certificate"]);
        let payload = valid(&doc).expect_err("invalid");
        assert_eq!(payload.code, "plan.invalid");
        assert_eq!(
            payload.message,
            "The plan has 2 problems, each shown under its field."
        );
        assert!(!payload.detail.unwrap_or_default().contains(".toml"));
    }
}
