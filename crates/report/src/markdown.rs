//! Markdown for tickets and wikis: the same sections as the HTML, with every input string
//! escaped so it renders as text (no links, no raw HTML).

use std::fmt::Write;

use fedshare_model::{CheckResult, CheckStatus};

use crate::document::{outcome_word, status_word, step_word, yes_no, Report, SECTIONS};
use crate::escape::{md, md_code_block};
use crate::input::ReportInput;

fn heading(out: &mut String, id: &str) {
    let title = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, t)| t);
    let _ = write!(out, "\n## {title}\n\n");
}

fn table(out: &mut String, headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map(md).unwrap_or_else(|| "*not set*".into())
}

fn status(s: CheckStatus) -> String {
    format!("**{}**", status_word(s))
}

fn anchor(id: &str) -> String {
    SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(String::new, |(_, t)| t.to_lowercase().replace(' ', "-"))
}

pub fn render_markdown(input: &ReportInput) -> String {
    markdown_document(&Report::build(input))
}

pub fn markdown_document(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024 + r.checks.len() * 600);
    let o = &r.organization;
    let _ = writeln!(out, "# Federated sharing report: {}\n", md(&o.name));
    let _ = writeln!(
        out,
        "Generated {} by {} · report schema v{}{}\n",
        md(&r.generated_at),
        md(&r.generated_by),
        r.schema_version,
        if o.is_lab {
            " · **lab organization**"
        } else {
            ""
        }
    );
    out.push_str("## Contents\n\n");
    for (i, (id, t)) in SECTIONS.iter().enumerate() {
        let _ = writeln!(out, "{}. [{t}](#{})", i + 1, anchor(id));
    }

    heading(&mut out, "summary");
    let c = o.checks;
    table(
        &mut out,
        &["Item", "Value"],
        [
            ("Organization", md(&o.name)),
            ("Overall status", status(o.status)),
            (
                "Checks",
                format!(
                    "{} pass · {} warning · {} failure · {} not checked",
                    c.pass, c.warning, c.failure, c.not_checked
                ),
            ),
            ("Exchange version", md(&o.exchange_version)),
            ("Federation enabled", yes_no(o.federation_enabled).into()),
            ("Account namespace", opt(&o.account_namespace)),
            ("Primary shared domain", opt(&o.primary_domain)),
            ("Accepted domains", md(&o.accepted_domains.join(", "))),
            (
                "Organization relationships",
                o.relationship_count.to_string(),
            ),
            ("Sharing policies", o.policy_count.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| vec![k.to_owned(), v]),
    );

    heading(&mut out, "trust");
    match &r.trust {
        None => out.push_str("No federation trust is configured.\n"),
        Some(t) => {
            let cert = |c: &Option<crate::document::Certificate>| {
                c.as_ref().map_or_else(
                    || "*none*".into(),
                    |c| {
                        format!(
                            "`{}`, expires {}",
                            c.thumbprint.replace('`', ""),
                            md(&c.not_after)
                        )
                    },
                )
            };
            table(
                &mut out,
                &["Item", "Value"],
                [
                    ("Status", status(t.status)),
                    ("Name", md(&t.name)),
                    ("ApplicationUri", opt(&t.application_uri)),
                    ("ApplicationIdentifier", opt(&t.application_identifier)),
                    ("Token issuer", md(&t.token_issuer_uri)),
                    ("Token issuer endpoint", md(&t.token_issuer_epr)),
                    ("Namespace provisioner", md(&t.namespace_provisioner)),
                    ("Certificate", cert(&t.certificate)),
                    ("Next certificate", cert(&t.next_certificate)),
                    ("Metadata last refreshed", opt(&t.metadata_refreshed)),
                ]
                .into_iter()
                .map(|(k, v)| vec![k.to_owned(), v]),
            );
        }
    }

    heading(&mut out, "domains");
    table(
        &mut out,
        &["Domain", "Exchange state", "Proof status", "Checks"],
        r.federated_domains.iter().map(|d| {
            vec![
                md(&d.domain),
                md(&d.state),
                status(d.proof_status),
                md(&d.check_ids.join(", ")),
            ]
        }),
    );

    heading(&mut out, "autodiscover");
    let a = &r.autodiscover;
    table(
        &mut out,
        &["Item", "Value"],
        [
            vec!["Status".into(), status(a.status)],
            vec!["Record".into(), opt(&a.host)],
            vec!["Endpoint partners use".into(), opt(&a.endpoint)],
        ],
    );

    heading(&mut out, "relationships");
    table(
        &mut out,
        &[
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
        r.relationships.iter().map(|x| {
            vec![
                md(&x.name),
                md(&x.domains.join(", ")),
                if x.exchange_online {
                    "Exchange Online"
                } else {
                    "on\\-premises"
                }
                .into(),
                yes_no(x.enabled).into(),
                format!(
                    "{} ({})",
                    md(&x.free_busy_access_level),
                    if x.free_busy_access_enabled {
                        "enabled"
                    } else {
                        "disabled"
                    }
                ),
                x.free_busy_access_scope
                    .as_deref()
                    .map_or_else(|| "everyone".into(), md),
                opt(&x.target_application_uri),
                opt(&x.target_autodiscover_epr),
                status(x.status),
            ]
        }),
    );

    heading(&mut out, "policies");
    table(
        &mut out,
        &[
            "Policy",
            "Enabled",
            "Default",
            "Entries (domain: actions)",
            "Assigned mailboxes",
            "Status",
        ],
        r.sharing_policies.iter().map(|p| {
            let entries: Vec<String> = p
                .entries
                .iter()
                .map(|e| format!("{}: {}", md(&e.domain), md(&e.actions.join(", "))))
                .collect();
            vec![
                md(&p.name),
                yes_no(p.enabled).into(),
                yes_no(p.default).into(),
                entries.join("; "),
                p.assigned_mailboxes
                    .map_or_else(|| "not counted".into(), |n| n.to_string()),
                status(p.status),
            ]
        }),
    );

    heading(&mut out, "checks");
    let mut ordered: Vec<&CheckResult> = r.checks.iter().collect();
    ordered.sort_by_key(|c| fedshare_map::status::group_order(c.status));
    if ordered.is_empty() {
        out.push_str("No checks were run.\n");
    }
    for c in ordered {
        check(&mut out, r, c);
    }

    heading(&mut out, "acknowledgements");
    if r.acknowledgements.is_empty() {
        out.push_str("No finding is acknowledged.\n");
    } else {
        table(
            &mut out,
            &["Check", "Reason", "Expires"],
            r.acknowledgements
                .iter()
                .map(|a| vec![md(&a.check_id), md(&a.reason), md(&a.expires)]),
        );
    }

    heading(&mut out, "journal");
    if r.journal.is_empty() {
        out.push_str("No change was applied.\n");
    } else {
        table(
            &mut out,
            &["When", "By", "Step", "What", "Outcome", "Commands"],
            r.journal.iter().map(|j| {
                let outcome = match &j.error {
                    Some(e) => format!("{}: {}", outcome_word(&j.outcome), md(e)),
                    None => outcome_word(&j.outcome).into(),
                };
                vec![
                    md(&j.at),
                    md(&j.by),
                    md(&j.step_id),
                    md(&j.title),
                    outcome,
                    j.commands
                        .iter()
                        .map(|c| md(c))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ]
            }),
        );
    }

    heading(&mut out, "scripts");
    out.push_str("### Cmdlets run\n\n");
    out.push_str(&md_code_block("powershell", &r.applied_script));
    out.push_str("\n### Undo script\n\n");
    out.push_str(&md_code_block("powershell", &r.undo_script));

    heading(&mut out, "map");
    out.push_str("The drawing is in the HTML and PDF reports (or `fedshare map -o map.svg`). Elements that need attention:\n\n");
    let attention: Vec<Vec<String>> = r
        .map
        .nodes
        .iter()
        .chain(r.map.edges.iter())
        .filter(|e| e.status != CheckStatus::Pass)
        .map(|e| vec![md(&e.id), md(&e.kind), md(&e.label), status(e.status)])
        .collect();
    if attention.is_empty() {
        out.push_str("None: every element passed its checks.\n");
    } else {
        table(&mut out, &["Id", "Kind", "Label", "Status"], attention);
    }
    out
}

fn check(out: &mut String, r: &Report, c: &CheckResult) {
    let _ = write!(
        out,
        "### {} {}\n\n`{}` · {} · severity {:?}",
        status(c.status),
        md(&c.title),
        c.id.replace('`', ""),
        step_word(c.step),
        c.severity
    );
    if let Some(s) = &c.subject {
        let _ = write!(out, " · about **{}**", md(s));
    }
    out.push_str("\n\n");
    if let Some(a) = r.acknowledgement(&c.id) {
        let _ = write!(
            out,
            "> Acknowledged: {} (until {})\n\n",
            md(&a.reason),
            md(&a.expires)
        );
    }
    if !c.evidence.is_empty() {
        table(
            out,
            &["Evidence", "Actual", "Expected"],
            c.evidence
                .iter()
                .map(|e| vec![md(&e.subject), md(&e.actual), md(&e.expected)]),
        );
    }
    let _ = write!(out, "{}\n\n", md(&c.explanation));
    if let Some(fix) = &c.fix {
        let _ = write!(out, "**Fix:** {}\n\n", md(&fix.summary));
        if !fix.commands.is_empty() {
            out.push_str(&md_code_block("powershell", &fix.commands.join("\n")));
            out.push('\n');
        }
    }
    let _ = write!(out, "Documentation: {}\n\n", md(&c.doc_link));
}
