//! Markdown for tickets and wikis: the same sections as the HTML, with every input string
//! escaped so it renders as text (no links, no raw HTML).

use std::fmt::Write;

use fedshare_model::{CheckResult, CheckStatus};

use crate::document::{status_word, step_word, Report, SECTIONS};
use crate::escape::{md, md_code_block};
use crate::input::ReportInput;
use crate::section::{self, Block, Cell};

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

fn cell(c: &Cell) -> String {
    match c {
        // Markdown has no safe code span inside a table cell (a `|` would split it), so
        // identifiers are escaped text like any other input.
        Cell::Text(t) | Cell::Code(t) => md(t),
        Cell::Thumbprint(t) => format!("`{}`", t.replace('`', "")),
        Cell::Plain(t) => t.clone(),
        Cell::Status(s) => status(*s),
        Cell::Missing(what) => format!("*{what}*"),
        Cell::Join(cells) => cells.iter().map(cell).collect(),
        Cell::Lines(cells) => cells.iter().map(cell).collect::<Vec<_>>().join("; "),
        Cell::Commands(commands) => commands
            .iter()
            .map(|c| md(c))
            .collect::<Vec<_>>()
            .join("<br>"),
    }
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Items(rows) => table(
            out,
            &["Item", "Value"],
            rows.iter().map(|(k, v)| vec![(*k).to_owned(), cell(v)]),
        ),
        Block::Table { headers, rows } => table(
            out,
            headers,
            rows.iter().map(|r| r.iter().map(cell).collect()),
        ),
        Block::Note(text) => {
            out.push_str(text);
            out.push('\n');
        }
    }
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

    for (id, _) in SECTIONS {
        match id {
            "checks" => checks(&mut out, r),
            "scripts" => scripts(&mut out, r),
            "map" => map(&mut out, r),
            _ => {
                if let Some(b) = section::block(r, id) {
                    heading(&mut out, id);
                    block(&mut out, &b);
                }
            }
        }
    }
    out
}

fn checks(out: &mut String, r: &Report) {
    heading(out, "checks");
    let ordered = section::checks_in_order(r);
    if ordered.is_empty() {
        out.push_str("No checks were run.\n");
    }
    for c in ordered {
        check(out, r, c);
    }
}

fn scripts(out: &mut String, r: &Report) {
    heading(out, "scripts");
    out.push_str("### Cmdlets run\n\n");
    out.push_str(&md_code_block("powershell", &r.applied_script));
    out.push_str("\n### Undo script\n\n");
    out.push_str(&md_code_block("powershell", &r.undo_script));
}

fn map(out: &mut String, r: &Report) {
    heading(out, "map");
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
        table(out, &["Id", "Kind", "Label", "Status"], attention);
    }
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
    if let Some(evidence) = section::evidence(c) {
        block(out, &evidence);
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
