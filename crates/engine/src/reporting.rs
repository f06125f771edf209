//! Maps and reports, shared by the CLI (`fedshare map`, `fedshare report`) and the app's Map and
//! Report pages: one [`ReportInput`] gathered from the organization, the journal and the
//! checks, then drawn or rendered in the format asked for.

use std::collections::BTreeMap;
use std::path::Path;

use fedshare_exchange::Invocation;
use fedshare_map::graph::is_exchange_online;
use fedshare_map::PartnerInfo;
use fedshare_model::{CheckResult, JournalEntry, JournalOutcome, Mailbox, OrgState};
pub use fedshare_report::ReportInput;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{workflow, AppPaths, EngineError, Session};

/// Pixels per SVG unit for PNG exports: sharp on high-DPI screens and in documents.
pub const PNG_SCALE: f32 = 2.0;

/// A report document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ReportFormat {
    Html,
    Pdf,
    Markdown,
    Json,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [Self::Html, Self::Pdf, Self::Markdown, Self::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Markdown => "md",
            Self::Json => "json",
        }
    }

    /// The format a file name asks for (`report.pdf` → PDF), as `fedshare report -o` uses it.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.extension() == ext || (ext == "htm" && *f == Self::Html))
    }
}

/// A map image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum MapFormat {
    Svg,
    Png,
}

impl MapFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Png => "png",
        }
    }

    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }
}

/// Gathers everything a map or report shows: the organization as read now, the profile's
/// change journal with the scripts run and their undo, partner facts and policy assignments.
pub async fn report_input(
    session: &Session,
    paths: &AppPaths,
    checks: Vec<CheckResult>,
) -> Result<ReportInput, EngineError> {
    let state = crate::status::read(session).await?;
    let journal =
        fedshare_plan::journal::read(&workflow::journal_path(paths, &session.profile().name))?;
    let undo_script = workflow::journal_undo_script(paths, session)?;
    let policy_assignments = policy_assignments(session, &state).await;
    Ok(ReportInput {
        partners: partner_infos(&state),
        applied_script: applied_script(&journal),
        undo_script,
        journal,
        checks,
        acknowledgements: Vec::new(),
        generated_at: now_rfc3339(),
        generated_by: generated_by(),
        policy_assignments,
        state,
    })
}

/// What the relationships themselves say about each partner (DNS discovery adds more later).
pub fn partner_infos(state: &OrgState) -> Vec<PartnerInfo> {
    state
        .organization_relationships
        .iter()
        .filter_map(|rel| {
            let domain = rel.domain_names.first()?.clone();
            Some(PartnerInfo {
                domain,
                exchange_online: is_exchange_online(rel, None),
                application_uri: rel.target_application_uri.clone(),
            })
        })
        .collect()
}

/// Every partner domain a partner kit can be made for, in relationship order.
pub fn partner_domains(state: &OrgState) -> Vec<String> {
    state
        .organization_relationships
        .iter()
        .flat_map(|r| r.domain_names.iter().cloned())
        .collect()
}

/// The commands of every applied step, in the order they ran.
pub fn applied_script(journal: &[JournalEntry]) -> String {
    journal
        .iter()
        .filter(|e| e.outcome == JournalOutcome::Applied)
        .flat_map(|e| e.commands.iter())
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Mailboxes per sharing policy, from `Get-Mailbox`. Not every shell answers it (it is not a
/// federation cmdlet and the catalog may refuse it), so a failure leaves the counts out of the
/// report instead of failing it.
async fn policy_assignments(session: &Session, state: &OrgState) -> BTreeMap<String, u64> {
    // Without -ResultSize Unlimited Exchange returns the first 1000 mailboxes only.
    let every = Invocation::new("Get-Mailbox").string("ResultSize", "Unlimited");
    let output = match session.invoke(&every).await {
        Ok(output) => output,
        Err(e) => {
            tracing::info!(error = %e, "policy assignment counts left out of the report");
            return BTreeMap::new();
        }
    };
    let mailboxes: Vec<Mailbox> = output
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    count_assignments(state, &mailboxes)
}

/// Mailboxes without a policy get the default policy, as Exchange applies it.
pub fn count_assignments(state: &OrgState, mailboxes: &[Mailbox]) -> BTreeMap<String, u64> {
    let default = state
        .sharing_policies
        .iter()
        .find(|p| p.default)
        .map(|p| p.name.clone());
    let mut counts = BTreeMap::new();
    for m in mailboxes {
        let policy = m
            .sharing_policy
            .clone()
            .filter(|p| !p.is_empty())
            .or_else(|| default.clone());
        if let Some(policy) = policy {
            *counts.entry(policy).or_insert(0) += 1;
        }
    }
    counts
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The signed-in account, as the journal records it.
fn generated_by() -> String {
    let user = fedshare_model::signed_in_user().unwrap_or_default();
    format!("{user} (Fedshare {})", env!("CARGO_PKG_VERSION"))
}

/// The relationship map, as the app shows it and the reports embed it.
pub fn map_svg(input: &ReportInput) -> String {
    fedshare_map::map_svg(&input.state, &input.checks, &input.partners)
}

pub fn map_png(input: &ReportInput) -> Result<Vec<u8>, EngineError> {
    Ok(fedshare_map::render_png(&map_svg(input), PNG_SCALE)?)
}

pub fn render_map(format: MapFormat, input: &ReportInput) -> Result<Vec<u8>, EngineError> {
    match format {
        MapFormat::Svg => Ok(map_svg(input).into_bytes()),
        MapFormat::Png => map_png(input),
    }
}

/// The report document in one format.
pub fn render(format: ReportFormat, input: &ReportInput) -> Result<Vec<u8>, EngineError> {
    Ok(match format {
        ReportFormat::Html => fedshare_report::render_html(input).into_bytes(),
        ReportFormat::Markdown => fedshare_report::render_markdown(input).into_bytes(),
        ReportFormat::Json => fedshare_report::render_json(input)?.into_bytes(),
        ReportFormat::Pdf => fedshare_report::render_pdf(input)?,
    })
}

/// The one-page partner kit for one partner domain (HTML or Markdown; the kit is meant to be
/// mailed or pasted, so there is no PDF or JSON form).
pub fn partner_kit(
    input: &ReportInput,
    partner_domain: &str,
    format: ReportFormat,
) -> Result<Vec<u8>, EngineError> {
    Ok(match format {
        ReportFormat::Markdown => {
            fedshare_report::partner_kit_markdown(input, partner_domain)?.into_bytes()
        }
        _ => fedshare_report::partner_kit_html(input, partner_domain)?.into_bytes(),
    })
}

/// Writes `bytes` to `path`, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let io = |source| EngineError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(path, bytes).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_model::ErrorCode;
    use fedshare_report::fixtures;

    #[test]
    fn formats_follow_file_names() {
        assert_eq!(
            ReportFormat::from_path(Path::new("x/Report.PDF")),
            Some(ReportFormat::Pdf)
        );
        assert_eq!(
            ReportFormat::from_path(Path::new("r.htm")),
            Some(ReportFormat::Html)
        );
        assert_eq!(
            ReportFormat::from_path(Path::new("r.md")),
            Some(ReportFormat::Markdown)
        );
        assert_eq!(ReportFormat::from_path(Path::new("r.txt")), None);
        assert_eq!(
            MapFormat::from_path(Path::new("map.png")),
            Some(MapFormat::Png)
        );
        assert_eq!(MapFormat::from_path(Path::new("map")), None);
    }

    #[test]
    fn every_format_renders_the_fixture() {
        let input = fixtures::contoso();
        for format in ReportFormat::ALL {
            let bytes = render(format, &input).expect("render");
            assert!(!bytes.is_empty());
            match format {
                ReportFormat::Pdf => assert!(bytes.starts_with(b"%PDF-")),
                ReportFormat::Json => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
                    assert!(v.is_object());
                }
                ReportFormat::Html | ReportFormat::Markdown => {
                    let text = String::from_utf8(bytes).expect("utf-8");
                    assert!(text.contains(&input.state.organization_name));
                }
            }
        }
        let svg = render_map(MapFormat::Svg, &input).expect("svg");
        assert!(svg.starts_with(b"<svg") || svg.starts_with(b"<?xml"));
        let png = render_map(MapFormat::Png, &input).expect("png");
        assert!(png.starts_with(b"\x89PNG"));
    }

    #[test]
    fn partner_kits_exist_only_for_partners() {
        let input = fixtures::contoso();
        let domain = partner_domains(&input.state)
            .into_iter()
            .next()
            .expect("a partner");
        let html = partner_kit(&input, &domain, ReportFormat::Html).expect("kit");
        assert!(String::from_utf8(html)
            .expect("utf-8")
            .contains("TargetApplicationUri"));
        let md = partner_kit(&input, &domain, ReportFormat::Markdown).expect("kit");
        assert!(String::from_utf8(md).expect("utf-8").starts_with("# "));
        let err = partner_kit(&input, "nobody.example", ReportFormat::Html).unwrap_err();
        assert_eq!(err.code(), "report.unknown_partner");
    }

    #[test]
    fn exchange_online_partners_are_recognised_by_their_application_uri() {
        let mut state = fixtures::contoso().state;
        let rel = &mut state.organization_relationships[0];
        rel.target_application_uri = Some("Outlook.com".into());
        let first = rel.domain_names[0].clone();
        let infos = partner_infos(&state);
        assert_eq!(infos.len(), state.organization_relationships.len());
        assert_eq!(infos[0].domain, first);
        assert!(infos[0].exchange_online);
        assert!(infos
            .iter()
            .skip(1)
            .all(|i| i.application_uri.as_deref() != Some("Outlook.com")));
    }

    #[test]
    fn unassigned_mailboxes_count_under_the_default_policy() {
        let state = fixtures::contoso().state;
        let default = state
            .sharing_policies
            .iter()
            .find(|p| p.default)
            .expect("a default policy")
            .name
            .clone();
        let mailbox = |policy: Option<&str>| Mailbox {
            identity: "u".into(),
            primary_smtp_address: "u@contoso.com".into(),
            sharing_policy: policy.map(str::to_owned),
        };
        let counts = count_assignments(
            &state,
            &[mailbox(None), mailbox(Some("")), mailbox(Some("Partners"))],
        );
        assert_eq!(counts.get(&default), Some(&2));
        assert_eq!(counts.get("Partners"), Some(&1));
    }

    #[test]
    fn the_applied_script_lists_only_applied_steps() {
        let entry = |outcome, line: &str| JournalEntry {
            at: "2025-11-26T10:00:00Z".into(),
            by: "admin".into(),
            step_id: "s".into(),
            title: "t".into(),
            commands: vec![line.into()],
            outcome,
            before: None,
            error: None,
        };
        let journal = [
            entry(JournalOutcome::Started, "New-FederationTrust -Name 'A'"),
            entry(JournalOutcome::Applied, "New-FederationTrust -Name 'A'"),
            entry(JournalOutcome::Failed, "Set-X"),
        ];
        assert_eq!(applied_script(&journal), "New-FederationTrust -Name 'A'\n");
    }
}
