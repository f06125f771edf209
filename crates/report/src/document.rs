//! The report as data: one normalised document every format renders, and the JSON v1 shape.

use fedshare_map::graph::{is_exchange_online, partner_info, primary_domain};
use fedshare_map::{Graph, NodeKind};
use fedshare_model::{CheckResult, CheckStatus, JournalEntry, StepKind};
use serde::Serialize;

use crate::input::{Acknowledgement, ReportInput};

/// Bumped only on an incompatible change; `schema/report-v1.schema.json` describes version 1.
pub const SCHEMA_VERSION: u32 = 1;

/// Section anchors and titles, in the order every format prints them.
pub const SECTIONS: [(&str, &str); 11] = [
    ("summary", "Organization summary"),
    ("trust", "Federation trust and certificate"),
    ("domains", "Federated domains"),
    ("autodiscover", "Autodiscover"),
    ("relationships", "Organization relationships"),
    ("policies", "Sharing policies"),
    ("checks", "Checks"),
    ("acknowledgements", "Acknowledged findings"),
    ("journal", "Change journal"),
    ("scripts", "Cmdlets run and undo script"),
    ("map", "Relationship map"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCounts {
    pub pass: usize,
    pub warning: usize,
    pub failure: usize,
    pub not_checked: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub name: String,
    pub is_lab: bool,
    pub exchange_version: String,
    pub federation_enabled: bool,
    pub account_namespace: Option<String>,
    pub primary_domain: Option<String>,
    pub accepted_domains: Vec<String>,
    pub relationship_count: usize,
    pub policy_count: usize,
    pub status: CheckStatus,
    pub checks: StatusCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub thumbprint: String,
    pub not_after: String,
    /// Whole days from the report's time to `not_after` (negative once expired); `None` when
    /// either date cannot be read.
    pub days_left: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trust {
    pub name: String,
    pub application_uri: Option<String>,
    pub application_identifier: Option<String>,
    pub token_issuer_uri: String,
    pub token_issuer_epr: String,
    pub namespace_provisioner: String,
    pub certificate: Option<Certificate>,
    pub next_certificate: Option<Certificate>,
    /// Kept after a roll; its expiry is harmless (Exchange cannot remove it).
    pub previous_certificate: Option<Certificate>,
    /// Where the trust downloads the broker's metadata (`TokenIssuerMetadataEpr`).
    pub token_issuer_metadata_epr: String,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    pub domain: String,
    /// Exchange's activation state (`Active`, `PendingActivation`, ...).
    pub state: String,
    /// Status of the checks about this domain (its TXT proof among them).
    pub proof_status: CheckStatus,
    pub check_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Autodiscover {
    pub host: Option<String>,
    pub endpoint: Option<String>,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub name: String,
    pub domains: Vec<String>,
    pub enabled: bool,
    pub free_busy_access_enabled: bool,
    pub free_busy_access_level: String,
    pub free_busy_access_scope: Option<String>,
    pub target_application_uri: Option<String>,
    pub target_autodiscover_epr: Option<String>,
    pub exchange_online: bool,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEntry {
    pub domain: String,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub name: String,
    pub enabled: bool,
    pub default: bool,
    pub entries: Vec<PolicyEntry>,
    /// `None` when the engine did not count mailboxes.
    pub assigned_mailboxes: Option<u64>,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MapElement {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub status: CheckStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MapSummary {
    pub nodes: Vec<MapElement>,
    pub edges: Vec<MapElement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub schema_version: u32,
    pub generated_at: String,
    pub generated_by: String,
    pub organization: Summary,
    pub trust: Option<Trust>,
    pub federated_domains: Vec<Domain>,
    pub autodiscover: Autodiscover,
    pub relationships: Vec<Relationship>,
    pub sharing_policies: Vec<Policy>,
    pub checks: Vec<CheckResult>,
    pub acknowledgements: Vec<Acknowledgement>,
    pub journal: Vec<JournalEntry>,
    pub applied_script: String,
    pub undo_script: String,
    pub map: MapSummary,
    /// The map drawing; not part of the JSON (the JSON carries `map` as data).
    #[serde(skip)]
    pub map_svg: String,
}

fn counts(checks: &[CheckResult]) -> StatusCounts {
    let n = |s: CheckStatus| checks.iter().filter(|c| c.status == s).count();
    StatusCounts {
        pass: n(CheckStatus::Pass),
        warning: n(CheckStatus::Warning),
        failure: n(CheckStatus::Failure),
        not_checked: n(CheckStatus::NotChecked),
    }
}

/// `contoso.com:CalendarSharingFreeBusySimple,ContactsSharing` → domain and actions.
pub fn parse_policy_entry(entry: &str) -> PolicyEntry {
    let (domain, actions) = entry.split_once(':').unwrap_or((entry, ""));
    PolicyEntry {
        domain: domain.trim().to_owned(),
        actions: actions
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

fn node_status(graph: &Graph, id: &str) -> CheckStatus {
    graph
        .node(id)
        .map(|n| n.status)
        .unwrap_or(CheckStatus::NotChecked)
}

fn cert(c: &fedshare_model::CertificateRef, now: &str) -> Certificate {
    let parse = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    };
    let days_left = match (parse(&c.not_after), parse(now)) {
        (Some(a), Some(n)) => Some((a - n).whole_seconds().div_euclid(86_400)),
        _ => None,
    };
    Certificate {
        thumbprint: c.thumbprint.clone(),
        not_after: c.not_after.clone(),
        days_left,
    }
}

impl Report {
    pub fn build(input: &ReportInput) -> Report {
        let state = &input.state;
        let graph = Graph::build(state, &input.checks, &input.partners);
        let map_svg = fedshare_map::render_svg(&fedshare_map::layout(
            &graph,
            &fedshare_map::LayoutOptions::default(),
        ));
        let primary = primary_domain(state);
        let id = &state.organization_identifier;
        let organization = Summary {
            name: state.organization_name.clone(),
            is_lab: state.is_lab,
            exchange_version: state.exchange_version.clone(),
            federation_enabled: id.enabled,
            account_namespace: id.account_namespace.clone(),
            primary_domain: primary.clone(),
            accepted_domains: state
                .accepted_domains
                .iter()
                .map(|d| d.domain_name.clone())
                .collect(),
            relationship_count: state.organization_relationships.len(),
            policy_count: state.sharing_policies.len(),
            status: fedshare_map::status::worst(&input.checks),
            checks: counts(&input.checks),
        };
        let trust = state.federation_trust.as_ref().map(|t| Trust {
            name: t.name.clone(),
            application_uri: t.application_uri.clone(),
            application_identifier: t.application_identifier.clone(),
            token_issuer_uri: t.token_issuer_uri.clone(),
            token_issuer_epr: t.token_issuer_epr.clone(),
            namespace_provisioner: t.namespace_provisioner.clone(),
            certificate: t
                .org_certificate
                .as_ref()
                .map(|c| cert(c, &input.generated_at)),
            next_certificate: t
                .org_next_certificate
                .as_ref()
                .map(|c| cert(c, &input.generated_at)),
            previous_certificate: t
                .org_prev_certificate
                .as_ref()
                .map(|c| cert(c, &input.generated_at)),
            token_issuer_metadata_epr: t.token_issuer_metadata_epr.clone(),
            status: node_status(&graph, "trust"),
        });
        let federated_domains = id
            .domains
            .iter()
            .map(|d| {
                let about: Vec<&CheckResult> = input
                    .checks
                    .iter()
                    .filter(|c| c.step != StepKind::OrganizationRelationships)
                    .filter(|c| {
                        c.subject
                            .as_deref()
                            .is_some_and(|s| s.eq_ignore_ascii_case(&d.domain))
                    })
                    .collect();
                Domain {
                    domain: d.domain.clone(),
                    state: d.state.to_string(),
                    proof_status: fedshare_map::status::worst(about.iter().copied()),
                    check_ids: about.iter().map(|c| c.id.clone()).collect(),
                }
            })
            .collect();
        let host = primary.as_ref().map(|d| format!("autodiscover.{d}"));
        let autodiscover = Autodiscover {
            endpoint: host
                .as_ref()
                .map(|h| format!("https://{h}/autodiscover/autodiscover.svc/WSSecurity")),
            host,
            status: node_status(&graph, "autodiscover"),
        };
        let relationships = state
            .organization_relationships
            .iter()
            .map(|r| {
                let node = graph.node(&format!("partner:{}", r.name.to_lowercase()));
                Relationship {
                    name: r.name.clone(),
                    domains: r.domain_names.clone(),
                    enabled: r.enabled,
                    free_busy_access_enabled: r.free_busy_access_enabled,
                    free_busy_access_level: r.free_busy_access_level.to_string(),
                    free_busy_access_scope: r.free_busy_access_scope.clone(),
                    target_application_uri: r.target_application_uri.clone(),
                    target_autodiscover_epr: r.target_autodiscover_epr.clone(),
                    exchange_online: is_exchange_online(r, partner_info(r, &input.partners)),
                    status: node.map(|n| n.status).unwrap_or(CheckStatus::NotChecked),
                }
            })
            .collect();
        let sharing_policies = state
            .sharing_policies
            .iter()
            .map(|p| Policy {
                name: p.name.clone(),
                enabled: p.enabled,
                default: p.default,
                entries: p.domains.iter().map(|e| parse_policy_entry(e)).collect(),
                assigned_mailboxes: input.policy_assignments.get(&p.name).copied(),
                status: node_status(&graph, &format!("policy:{}", p.name.to_lowercase())),
            })
            .collect();
        let map = MapSummary {
            nodes: graph
                .nodes
                .iter()
                .filter(|n| n.kind != NodeKind::Group)
                .map(|n| MapElement {
                    id: n.id.clone(),
                    kind: n.kind.as_str().to_owned(),
                    label: n.label.clone(),
                    status: n.status,
                    from: None,
                    to: None,
                })
                .collect(),
            edges: graph
                .edges
                .iter()
                .map(|e| MapElement {
                    id: e.id.clone(),
                    kind: e.kind.as_str().to_owned(),
                    label: e.label.clone(),
                    status: e.status,
                    from: Some(e.from.clone()),
                    to: Some(e.to.clone()),
                })
                .collect(),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            generated_at: input.generated_at.clone(),
            generated_by: input.generated_by.clone(),
            organization,
            trust,
            federated_domains,
            autodiscover,
            relationships,
            sharing_policies,
            checks: input.checks.clone(),
            acknowledgements: input.acknowledgements.clone(),
            journal: input.journal.clone(),
            applied_script: input.applied_script.clone(),
            undo_script: input.undo_script.clone(),
            map,
            map_svg,
        }
    }

    /// The acknowledgement covering a check, if any.
    pub fn acknowledgement(&self, check_id: &str) -> Option<&Acknowledgement> {
        self.acknowledgements
            .iter()
            .find(|a| a.check_id == check_id)
    }
}

/// Words used for statuses in every format.
pub fn status_word(status: CheckStatus) -> &'static str {
    fedshare_map::status::label(status)
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub fn step_word(step: StepKind) -> &'static str {
    match step {
        StepKind::Prerequisites => "Prerequisites",
        StepKind::FederationTrust => "Federation trust",
        StepKind::OrganizationRelationships => "Organization relationships",
        StepKind::SharingPolicies => "Sharing policies",
        StepKind::AutodiscoverDns => "Autodiscover DNS",
    }
}

pub fn outcome_word(o: &fedshare_model::JournalOutcome) -> &'static str {
    use fedshare_model::JournalOutcome::*;
    match o {
        Started => "started",
        Applied => "applied",
        Failed => "failed",
        Undone => "undone",
    }
}

#[cfg(test)]
mod certificate_days {
    use super::*;

    #[test]
    fn days_left_count_from_the_report_time() {
        let c = fedshare_model::CertificateRef {
            thumbprint: "AB".into(),
            not_after: "2027-01-03T12:00:00Z".into(),
            subject: String::new(),
        };
        assert_eq!(cert(&c, "2026-12-04T12:00:00Z").days_left, Some(30));
        assert_eq!(cert(&c, "2027-01-04T12:00:00Z").days_left, Some(-1));
        assert_eq!(cert(&c, "2027-01-03T13:00:00Z").days_left, Some(-1));
        assert_eq!(cert(&c, "not a date").days_left, None);
    }
}
