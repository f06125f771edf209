//! The report's data sections as format-neutral blocks. Which rows a section has and what
//! each cell holds is decided here once; the HTML and Markdown renderers only decide how a
//! block and a cell look (and escape every input string their own way).

use fedshare_model::{CheckResult, CheckStatus};

use crate::document::{outcome_word, yes_no, Certificate, Report};

/// One table cell (or one value of an item/value table).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Input text: every format escapes it.
    Text(String),
    /// Fedshare's own wording or numbers, never input: printed as it is.
    Plain(String),
    /// An identifier or URL: code in HTML; escaped text in Markdown, whose code spans cannot
    /// hold arbitrary input safely inside a table.
    Code(String),
    /// A certificate thumbprint (hex): code in HTML and Markdown alike.
    Thumbprint(String),
    Status(CheckStatus),
    /// A value that is not there, in the wording given (`not set`, `none`).
    Missing(&'static str),
    /// Cells printed one after the other.
    Join(Vec<Cell>),
    /// Short items, one a line.
    Lines(Vec<Cell>),
    /// Commands that were run, one a line.
    Commands(Vec<String>),
}

/// What a data section shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Item / value rows.
    Items(Vec<(&'static str, Cell)>),
    Table {
        headers: &'static [&'static str],
        rows: Vec<Vec<Cell>>,
    },
    /// The sentence that stands for an empty section.
    Note(&'static str),
}

fn plain(s: impl Into<String>) -> Cell {
    Cell::Plain(s.into())
}

fn opt(v: &Option<String>) -> Cell {
    v.clone().map_or(Cell::Missing("not set"), Cell::Text)
}

fn certificate(c: &Option<Certificate>) -> Cell {
    c.as_ref().map_or(Cell::Missing("none"), |c| {
        let days = match c.days_left {
            Some(d) if d < 0 => format!(" (expired {} days ago)", -d),
            Some(d) => format!(" ({d} days left)"),
            None => String::new(),
        };
        Cell::Join(vec![
            Cell::Thumbprint(c.thumbprint.clone()),
            plain(", expires "),
            Cell::Text(format!("{}{days}", c.not_after)),
        ])
    })
}

/// The block of a data section by its id in [`crate::SECTIONS`]; `None` for the sections
/// each format draws its own way (checks, scripts, map).
pub fn block(r: &Report, id: &str) -> Option<Block> {
    Some(match id {
        "summary" => summary(r),
        "trust" => trust(r),
        "domains" => domains(r),
        "autodiscover" => autodiscover(r),
        "relationships" => relationships(r),
        "policies" => policies(r),
        "acknowledgements" => acknowledgements(r),
        "journal" => journal(r),
        _ => return None,
    })
}

fn summary(r: &Report) -> Block {
    let o = &r.organization;
    let c = o.checks;
    Block::Items(vec![
        ("Organization", Cell::Text(o.name.clone())),
        ("Overall status", Cell::Status(o.status)),
        (
            "Checks",
            plain(format!(
                "{} pass · {} warning · {} failure · {} not checked",
                c.pass, c.warning, c.failure, c.not_checked
            )),
        ),
        ("Exchange version", Cell::Text(o.exchange_version.clone())),
        ("Federation enabled", plain(yes_no(o.federation_enabled))),
        ("Account namespace", opt(&o.account_namespace)),
        ("Primary shared domain", opt(&o.primary_domain)),
        (
            "Accepted domains",
            Cell::Text(o.accepted_domains.join(", ")),
        ),
        (
            "Organization relationships",
            plain(o.relationship_count.to_string()),
        ),
        ("Sharing policies", plain(o.policy_count.to_string())),
    ])
}

fn trust(r: &Report) -> Block {
    let Some(t) = &r.trust else {
        return Block::Note("No federation trust is configured.");
    };
    Block::Items(vec![
        ("Status", Cell::Status(t.status)),
        ("Name", Cell::Text(t.name.clone())),
        ("ApplicationUri", opt(&t.application_uri)),
        ("ApplicationIdentifier", opt(&t.application_identifier)),
        ("Token issuer", Cell::Text(t.token_issuer_uri.clone())),
        (
            "Token issuer endpoint",
            Cell::Code(t.token_issuer_epr.clone()),
        ),
        (
            "Namespace provisioner",
            Cell::Text(t.namespace_provisioner.clone()),
        ),
        ("Certificate", certificate(&t.certificate)),
        ("Next certificate", certificate(&t.next_certificate)),
        ("Previous certificate", certificate(&t.previous_certificate)),
        (
            "Token issuer metadata",
            Cell::Code(t.token_issuer_metadata_epr.clone()),
        ),
    ])
}

fn domains(r: &Report) -> Block {
    Block::Table {
        headers: &["Domain", "Exchange state", "Proof status", "Checks"],
        rows: r
            .federated_domains
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(d.domain.clone()),
                    Cell::Text(d.state.clone()),
                    Cell::Status(d.proof_status),
                    Cell::Text(d.check_ids.join(", ")),
                ]
            })
            .collect(),
    }
}

fn autodiscover(r: &Report) -> Block {
    let a = &r.autodiscover;
    Block::Items(vec![
        ("Status", Cell::Status(a.status)),
        ("Record", opt(&a.host)),
        (
            "Endpoint partners use",
            a.endpoint
                .clone()
                .map_or(Cell::Missing("not set"), Cell::Code),
        ),
    ])
}

fn relationships(r: &Report) -> Block {
    Block::Table {
        headers: &[
            "Name",
            "Domains",
            "Deployment",
            "Enabled",
            "Free/busy",
            "Scope",
            "TargetApplicationUri",
            "TargetAutodiscoverEpr",
            "Status",
        ],
        rows: r
            .relationships
            .iter()
            .map(|x| {
                let deployment = if x.exchange_online {
                    "Exchange Online"
                } else {
                    "on-premises"
                };
                let free_busy = if x.free_busy_access_enabled {
                    " (enabled)"
                } else {
                    " (disabled)"
                };
                vec![
                    Cell::Text(x.name.clone()),
                    Cell::Text(x.domains.join(", ")),
                    // Text, not Plain: Markdown escapes the hyphen like any other.
                    Cell::Text(deployment.into()),
                    plain(yes_no(x.enabled)),
                    Cell::Join(vec![
                        Cell::Text(x.free_busy_access_level.clone()),
                        plain(free_busy),
                    ]),
                    x.free_busy_access_scope
                        .clone()
                        .map_or_else(|| plain("everyone"), Cell::Text),
                    opt(&x.target_application_uri),
                    opt(&x.target_autodiscover_epr),
                    Cell::Status(x.status),
                ]
            })
            .collect(),
    }
}

fn policies(r: &Report) -> Block {
    Block::Table {
        headers: &[
            "Policy",
            "Enabled",
            "Default",
            "Entries (domain: actions)",
            "Assigned mailboxes",
            "Status",
        ],
        rows: r
            .sharing_policies
            .iter()
            .map(|p| {
                let entries = p
                    .entries
                    .iter()
                    .map(|e| {
                        Cell::Join(vec![
                            Cell::Text(e.domain.clone()),
                            plain(": "),
                            Cell::Text(e.actions.join(", ")),
                        ])
                    })
                    .collect();
                vec![
                    Cell::Text(p.name.clone()),
                    plain(yes_no(p.enabled)),
                    plain(yes_no(p.default)),
                    Cell::Lines(entries),
                    plain(
                        p.assigned_mailboxes
                            .map_or_else(|| "not counted".into(), |n| n.to_string()),
                    ),
                    Cell::Status(p.status),
                ]
            })
            .collect(),
    }
}

fn acknowledgements(r: &Report) -> Block {
    if r.acknowledgements.is_empty() {
        return Block::Note("No finding is acknowledged.");
    }
    Block::Table {
        headers: &["Check", "Reason", "Expires"],
        rows: r
            .acknowledgements
            .iter()
            .map(|a| {
                vec![
                    Cell::Code(a.check_id.clone()),
                    Cell::Text(a.reason.clone()),
                    Cell::Text(a.expires.clone()),
                ]
            })
            .collect(),
    }
}

fn journal(r: &Report) -> Block {
    if r.journal.is_empty() {
        return Block::Note("No change was applied.");
    }
    Block::Table {
        headers: &["When", "By", "Step", "What", "Outcome", "Commands"],
        rows: r
            .journal
            .iter()
            .map(|j| {
                let outcome = match &j.error {
                    Some(e) => Cell::Join(vec![
                        plain(outcome_word(&j.outcome)),
                        plain(": "),
                        Cell::Text(e.clone()),
                    ]),
                    None => plain(outcome_word(&j.outcome)),
                };
                vec![
                    Cell::Text(j.at.clone()),
                    Cell::Text(j.by.clone()),
                    Cell::Code(j.step_id.clone()),
                    Cell::Text(j.title.clone()),
                    outcome,
                    Cell::Commands(j.commands.clone()),
                ]
            })
            .collect(),
    }
}

/// A check's evidence table; `None` when it has no evidence.
pub fn evidence(c: &CheckResult) -> Option<Block> {
    if c.evidence.is_empty() {
        return None;
    }
    Some(Block::Table {
        headers: &["Evidence", "Actual", "Expected"],
        rows: c
            .evidence
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.subject.clone()),
                    Cell::Text(e.actual.clone()),
                    Cell::Text(e.expected.clone()),
                ]
            })
            .collect(),
    })
}

/// Check results with problems first; the order inside a status is the engine's.
pub fn checks_in_order(r: &Report) -> Vec<&CheckResult> {
    let mut ordered: Vec<&CheckResult> = r.checks.iter().collect();
    ordered.sort_by_key(|c| fedshare_map::status::group_order(c.status));
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn every_data_section_has_a_block_and_only_those() {
        let r = Report::build(&fixtures::contoso());
        let drawn_by_each_format = ["checks", "scripts", "map"];
        for (id, _) in crate::SECTIONS {
            assert_eq!(
                block(&r, id).is_none(),
                drawn_by_each_format.contains(&id),
                "section {id}"
            );
        }
    }

    #[test]
    fn missing_trust_is_a_note() {
        let mut r = Report::build(&fixtures::contoso());
        r.trust = None;
        assert_eq!(
            block(&r, "trust"),
            Some(Block::Note("No federation trust is configured."))
        );
    }
}
