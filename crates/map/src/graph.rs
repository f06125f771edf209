//! The federation topology as nodes and edges, each with the status of the checks about it.

use fedshare_model::{
    CheckResult, CheckStatus, FederationTrust, OrgState, OrganizationRelationship, SharingPolicy,
    StepKind,
};
use serde::Serialize;

use crate::partner::PartnerInfo;
use crate::status::worst;

/// The prefix Exchange puts before the primary shared domain in the account namespace.
pub const ORGID_PREFIX: &str = "FYDIBOHF25SPDLT.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeKind {
    Organization,
    Trust,
    Autodiscover,
    Partner,
    Policy,
    /// A collapsed "+N more" group in the drawing (only the layout creates these).
    Group,
}

impl NodeKind {
    /// The `data-kind` value the app's Map page dispatches on.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Organization => "organization",
            NodeKind::Trust => "trust",
            NodeKind::Autodiscover => "autodiscover",
            NodeKind::Partner => "partner",
            NodeKind::Policy => "policy",
            NodeKind::Group => "group",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    Federation,
    Autodiscover,
    Relationship,
    Policy,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Federation => "federation",
            EdgeKind::Autodiscover => "autodiscover-record",
            EdgeKind::Relationship => "relationship",
            EdgeKind::Policy => "policy-link",
        }
    }
}

/// One named fact shown in the details panel and the tooltip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    pub name: String,
    pub value: String,
}

fn detail(name: &str, value: impl Into<String>) -> Detail {
    Detail {
        name: name.to_owned(),
        value: value.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// Stable across runs: `org`, `trust`, `autodiscover`, `partner:<name>`, `policy:<name>`.
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    /// Second line in the drawing (a domain, an access level).
    pub subtitle: String,
    pub details: Vec<Detail>,
    pub status: CheckStatus,
    /// The wizard step that fixes this element.
    pub step: StepKind,
    /// The checks the status was derived from.
    pub check_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    /// Stable: `edge:trust`, `edge:autodiscover`, `relationship:<name>`, `edge:policy:<name>`.
    pub id: String,
    pub kind: EdgeKind,
    pub from: String,
    pub to: String,
    pub label: String,
    pub details: Vec<Detail>,
    pub status: CheckStatus,
    pub step: StepKind,
    pub check_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graph {
    pub organization: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The primary shared domain: the account namespace without its prefix, else the default
/// federated domain, else the first federated or default accepted domain.
pub fn primary_domain(state: &OrgState) -> Option<String> {
    let id = &state.organization_identifier;
    let from_namespace = id.account_namespace.as_deref().and_then(|ns| {
        let stripped = ns
            .get(..ORGID_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(ORGID_PREFIX))
            .map(|_| &ns[ORGID_PREFIX.len()..])
            .unwrap_or(ns);
        (!stripped.is_empty()).then(|| stripped.to_owned())
    });
    from_namespace
        .or_else(|| id.default_domain.clone())
        .or_else(|| id.domains.first().map(|d| d.domain.clone()))
        .or_else(|| {
            state
                .accepted_domains
                .iter()
                .find(|d| d.default)
                .map(|d| d.domain_name.clone())
        })
}

fn eq_ci(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn subject_in(check: &CheckResult, names: &[&str]) -> bool {
    check
        .subject
        .as_deref()
        .is_some_and(|s| names.iter().any(|n| eq_ci(s, n)))
}

/// Checks that belong to one element, and the status they add up to.
struct Matched<'a>(Vec<&'a CheckResult>);

impl Matched<'_> {
    fn status(&self) -> CheckStatus {
        worst(self.0.iter().copied())
    }
    fn ids(&self) -> Vec<String> {
        self.0.iter().map(|c| c.id.clone()).collect()
    }
}

impl Graph {
    pub fn build(state: &OrgState, checks: &[CheckResult], partners: &[PartnerInfo]) -> Graph {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let ours: Vec<&str> = our_domains(state);
        let partner_names: Vec<&str> = state
            .organization_relationships
            .iter()
            .flat_map(|r| {
                std::iter::once(r.name.as_str()).chain(r.domain_names.iter().map(String::as_str))
            })
            .collect();

        let org_checks = Matched(
            checks
                .iter()
                .filter(|c| {
                    c.step == StepKind::Prerequisites
                        || (c.step == StepKind::FederationTrust && subject_in(c, &ours))
                })
                .collect(),
        );
        nodes.push(org_node(state, &org_checks));

        let trust_name = state.federation_trust.as_ref().map(|t| t.name.as_str());
        let trust_checks = Matched(
            checks
                .iter()
                .filter(|c| c.step == StepKind::FederationTrust && !subject_in(c, &ours))
                .filter(|c| {
                    c.subject.is_none()
                        || trust_name.is_some_and(|n| subject_in(c, &[n]))
                        || !subject_in(c, &partner_names)
                })
                .collect(),
        );
        let trust = trust_node(state.federation_trust.as_ref(), &trust_checks);
        edges.push(Edge {
            id: "edge:trust".into(),
            kind: EdgeKind::Federation,
            from: "org".into(),
            to: trust.id.clone(),
            label: "federation trust".into(),
            details: Vec::new(),
            status: trust.status,
            step: StepKind::FederationTrust,
            check_ids: trust.check_ids.clone(),
        });
        nodes.push(trust);

        let ad_checks = Matched(
            checks
                .iter()
                .filter(|c| c.step == StepKind::AutodiscoverDns && !subject_in(c, &partner_names))
                .collect(),
        );
        let autodiscover = autodiscover_node(state, &ad_checks);
        edges.push(Edge {
            id: "edge:autodiscover".into(),
            kind: EdgeKind::Autodiscover,
            from: "org".into(),
            to: autodiscover.id.clone(),
            label: "published record".into(),
            details: Vec::new(),
            status: autodiscover.status,
            step: StepKind::AutodiscoverDns,
            check_ids: autodiscover.check_ids.clone(),
        });
        nodes.push(autodiscover);

        for rel in &state.organization_relationships {
            let (node, edge) = partner(rel, checks, partners);
            nodes.push(node);
            edges.push(edge);
        }
        for policy in &state.sharing_policies {
            let (node, edge) = policy_node(policy, checks);
            nodes.push(node);
            edges.push(edge);
        }
        Graph {
            organization: state.organization_name.clone(),
            nodes,
            edges,
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn edge(&self, id: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.id == id)
    }
}

fn our_domains(state: &OrgState) -> Vec<&str> {
    state
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.as_str())
        .chain(
            state
                .accepted_domains
                .iter()
                .map(|d| d.domain_name.as_str()),
        )
        .collect()
}

fn org_node(state: &OrgState, m: &Matched) -> Node {
    let id = &state.organization_identifier;
    let namespace = id.account_namespace.clone().unwrap_or_default();
    let mut details = vec![
        detail("Exchange version", state.exchange_version.clone()),
        detail("Federation enabled", if id.enabled { "yes" } else { "no" }),
        detail(
            "Account namespace",
            if namespace.is_empty() {
                "(not set)".to_owned()
            } else {
                namespace.clone()
            },
        ),
    ];
    details.extend(
        id.domains
            .iter()
            .map(|d| detail("Federated domain", format!("{} ({})", d.domain, d.state))),
    );
    let count = id.domains.len();
    Node {
        id: "org".into(),
        kind: NodeKind::Organization,
        label: state.organization_name.clone(),
        subtitle: format!(
            "{count} federated domain{}",
            if count == 1 { "" } else { "s" }
        ),
        details,
        status: m.status(),
        step: StepKind::Prerequisites,
        check_ids: m.ids(),
    }
}

fn trust_node(trust: Option<&FederationTrust>, m: &Matched) -> Node {
    let Some(trust) = trust else {
        return Node {
            id: "trust".into(),
            kind: NodeKind::Trust,
            label: "No federation trust".into(),
            subtitle: "Azure AD authentication system".into(),
            details: vec![detail("Trust", "(none configured)")],
            status: m.status(),
            step: StepKind::FederationTrust,
            check_ids: m.ids(),
        };
    };
    let mut details = vec![
        detail("Name", trust.name.clone()),
        detail("Token issuer", trust.token_issuer_uri.clone()),
        detail(
            "ApplicationUri",
            trust.application_uri.clone().unwrap_or_default(),
        ),
        detail("Metadata", trust.token_issuer_metadata_epr.clone()),
    ];
    let subtitle = match &trust.org_certificate {
        Some(cert) => {
            details.push(detail("Certificate thumbprint", cert.thumbprint.clone()));
            details.push(detail("Certificate expires", cert.not_after.clone()));
            format!(
                "cert {} · expires {}",
                short_thumb(&cert.thumbprint),
                date_part(&cert.not_after)
            )
        }
        None => "no organization certificate".into(),
    };
    if let Some(next) = &trust.org_next_certificate {
        details.push(detail("Next certificate", next.thumbprint.clone()));
    }
    Node {
        id: "trust".into(),
        kind: NodeKind::Trust,
        label: format!("Trust: {}", trust.name),
        subtitle,
        details,
        status: m.status(),
        step: StepKind::FederationTrust,
        check_ids: m.ids(),
    }
}

fn short_thumb(thumb: &str) -> String {
    thumb.chars().take(8).collect()
}

/// `2026-03-01T00:00:00Z` → `2026-03-01`.
fn date_part(rfc3339: &str) -> &str {
    rfc3339.split('T').next().unwrap_or(rfc3339)
}

fn autodiscover_node(state: &OrgState, m: &Matched) -> Node {
    let host = primary_domain(state)
        .map(|d| format!("autodiscover.{d}"))
        .unwrap_or_else(|| "autodiscover.(no domain)".into());
    Node {
        id: "autodiscover".into(),
        kind: NodeKind::Autodiscover,
        label: host.clone(),
        subtitle: "Autodiscover record".into(),
        details: vec![
            detail("Record", host.clone()),
            detail(
                "Endpoint",
                format!("https://{host}/autodiscover/autodiscover.svc/WSSecurity"),
            ),
        ],
        status: m.status(),
        step: StepKind::AutodiscoverDns,
        check_ids: m.ids(),
    }
}

/// Exchange Online when Autodiscover said so, else when the relationship targets `outlook.com`.
pub fn is_exchange_online(rel: &OrganizationRelationship, info: Option<&PartnerInfo>) -> bool {
    info.map(|i| i.exchange_online).unwrap_or_else(|| {
        rel.target_application_uri
            .as_deref()
            .is_some_and(|u| eq_ci(u, "outlook.com") || eq_ci(u, "office365.us"))
    })
}

fn partner(
    rel: &OrganizationRelationship,
    checks: &[CheckResult],
    infos: &[PartnerInfo],
) -> (Node, Edge) {
    let mut names: Vec<&str> = vec![rel.name.as_str()];
    names.extend(rel.domain_names.iter().map(String::as_str));
    let matched = Matched(checks.iter().filter(|c| subject_in(c, &names)).collect());
    let edge_checks = Matched(
        matched
            .0
            .iter()
            .copied()
            .filter(|c| c.step == StepKind::OrganizationRelationships)
            .collect(),
    );
    let info = partner_info(rel, infos);
    let online = is_exchange_online(rel, info);
    let first = rel.domain_names.first().cloned().unwrap_or_default();
    let more = rel.domain_names.len().saturating_sub(1);
    let level = rel.free_busy_access_level.to_string();
    let kind = if online {
        "Exchange Online"
    } else {
        "on-premises"
    };
    let mut details = vec![detail("Deployment", kind)];
    details.extend(rel.domain_names.iter().map(|d| detail("Domain", d.clone())));
    if let Some(uri) = info.and_then(|i| i.application_uri.clone()) {
        details.push(detail("Published ApplicationUri", uri));
    }
    let node_id = format!("partner:{}", rel.name.to_lowercase());
    let node = Node {
        id: node_id.clone(),
        kind: NodeKind::Partner,
        label: rel.name.clone(),
        subtitle: format!(
            "{first}{} · {} · {}",
            if more > 0 {
                format!(" +{more}")
            } else {
                String::new()
            },
            if online { "EXO" } else { "on-prem" },
            if rel.enabled {
                level.as_str()
            } else {
                "disabled"
            }
        ),
        details,
        status: matched.status(),
        step: StepKind::OrganizationRelationships,
        check_ids: matched.ids(),
    };
    let proofs = proof_details(&edge_checks);
    let edge = Edge {
        id: format!("relationship:{}", rel.name.to_lowercase()),
        kind: EdgeKind::Relationship,
        from: "org".into(),
        to: node_id,
        label: level.clone(),
        details: vec![
            detail("Enabled", if rel.enabled { "yes" } else { "no" }),
            detail(
                "Free/busy access",
                if rel.free_busy_access_enabled {
                    "enabled"
                } else {
                    "disabled"
                },
            ),
            detail("Free/busy level", level),
            detail(
                "Scope",
                rel.free_busy_access_scope
                    .clone()
                    .unwrap_or_else(|| "everyone".into()),
            ),
            detail(
                "TargetApplicationUri",
                rel.target_application_uri.clone().unwrap_or_default(),
            ),
            detail(
                "TargetAutodiscoverEpr",
                rel.target_autodiscover_epr.clone().unwrap_or_default(),
            ),
        ]
        .into_iter()
        .chain(proofs)
        .collect(),
        status: edge_checks.status(),
        step: StepKind::OrganizationRelationships,
        check_ids: edge_checks.ids(),
    };
    (node, edge)
}

/// The free/busy proof per direction on a relationship edge (`freebusy.proof:<domain>`, kept
/// by `fedshare freebusy`): what came back, or Exchange's code, or that it was not run yet.
fn proof_details(checks: &Matched<'_>) -> Vec<Detail> {
    checks
        .0
        .iter()
        .filter(|c| c.id.starts_with("freebusy.proof:"))
        .map(|c| {
            let what = c.evidence.first().map(|e| e.actual.as_str()).unwrap_or("");
            let value = match c.status {
                CheckStatus::Pass => format!("free/busy came back ({what})"),
                CheckStatus::NotChecked => "not run yet".to_owned(),
                _ => format!("failed: {what}"),
            };
            detail(&c.title, value)
        })
        .collect()
}

fn policy_node(policy: &SharingPolicy, checks: &[CheckResult]) -> (Node, Edge) {
    let m = Matched(
        checks
            .iter()
            .filter(|c| {
                c.step == StepKind::SharingPolicies && subject_in(c, &[policy.name.as_str()])
            })
            .collect(),
    );
    let id = format!("policy:{}", policy.name.to_lowercase());
    let mut details = vec![
        detail("Enabled", if policy.enabled { "yes" } else { "no" }),
        detail("Default", if policy.default { "yes" } else { "no" }),
    ];
    details.extend(policy.domains.iter().map(|e| detail("Entry", e.clone())));
    let first = policy
        .domains
        .first()
        .cloned()
        .unwrap_or_else(|| "(no entries)".into());
    let more = policy.domains.len().saturating_sub(1);
    let node = Node {
        id: id.clone(),
        kind: NodeKind::Policy,
        label: format!(
            "{}{}",
            policy.name,
            if policy.default { " (default)" } else { "" }
        ),
        subtitle: if more > 0 {
            format!("{first} +{more}")
        } else {
            first
        },
        details,
        status: m.status(),
        step: StepKind::SharingPolicies,
        check_ids: m.ids(),
    };
    let edge = Edge {
        id: format!("edge:{id}"),
        kind: EdgeKind::Policy,
        from: "org".into(),
        to: id,
        label: if policy.default {
            "default".into()
        } else {
            String::new()
        },
        details: Vec::new(),
        status: node.status,
        step: StepKind::SharingPolicies,
        check_ids: node.check_ids.clone(),
    };
    (node, edge)
}

/// The partner facts for a relationship: the first whose domain the relationship names.
pub fn partner_info<'a>(
    rel: &OrganizationRelationship,
    infos: &'a [PartnerInfo],
) -> Option<&'a PartnerInfo> {
    infos
        .iter()
        .find(|i| rel.domain_names.iter().any(|d| eq_ci(d, &i.domain)))
}
