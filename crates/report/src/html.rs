//! Self-contained HTML: inline CSS and the inline SVG map, no script, no external reference
//! (a Content-Security-Policy forbids any fetch), print CSS with page breaks, a table of contents.

use std::fmt::Write;

use fedshare_model::{CheckResult, CheckStatus};

use crate::document::{status_word, step_word, Report, SECTIONS};
use crate::escape::html as esc;
use crate::input::ReportInput;
use crate::section::{self, Block, Cell};

const CSS: &str = r#"
:root{--pass:#1e7b34;--warning:#b26a00;--failure:#c5221f;--nc:#5f6368}
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;font-size:14px;line-height:1.45;color:#202124;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #dadce0;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.3em}.meta{color:#5f6368}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}th,td{border:1px solid #dadce0;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f3f4}pre{background:#f8f9fa;border:1px solid #dadce0;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
code{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:.92em}
.status{font-weight:bold;padding:1px 6px;border-radius:4px;border:1px solid;white-space:nowrap}
.status-pass{color:var(--pass)}.status-warning{color:var(--warning)}.status-failure{color:var(--failure)}.status-not-checked{color:var(--nc)}
.check{border:1px solid #dadce0;border-left:6px solid var(--nc);padding:.3em .8em;margin:.8em 0;break-inside:avoid}
.check.status-pass{border-left-color:var(--pass)}.check.status-warning{border-left-color:var(--warning)}.check.status-failure{border-left-color:var(--failure)}
.ack{background:#fff4d6;padding:4px 8px;border-radius:4px}
.map{overflow:auto;border:1px solid #dadce0}.map svg{max-width:100%;height:auto;display:block}
nav.toc ol{columns:2}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none;font-size:11px}nav.toc{break-after:page}h2{break-after:avoid}
section{break-before:auto}section#checks,section#scripts,section#map{break-before:page}
tr,pre{break-inside:avoid}thead{display:table-header-group}.map{overflow:visible;border:none}}
"#;

fn badge(status: CheckStatus) -> String {
    format!(
        r#"<span class="status status-{}">{}</span>"#,
        fedshare_map::status::slug(status),
        status_word(status)
    )
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) | Cell::Plain(t) => esc(t),
        Cell::Code(t) | Cell::Thumbprint(t) => format!("<code>{}</code>", esc(t)),
        Cell::Status(s) => badge(*s),
        Cell::Missing(what) => format!("<em>{}</em>", esc(what)),
        Cell::Join(cells) => cells.iter().map(cell).collect(),
        Cell::Lines(cells) => cells.iter().map(cell).collect::<Vec<_>>().join("<br>"),
        Cell::Commands(commands) => {
            format!("<pre><code>{}</code></pre>", esc(&commands.join("\n")))
        }
    }
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Items(rows) => kv(out, rows),
        Block::Table { headers, rows } => table(
            out,
            headers,
            rows.iter().map(|r| r.iter().map(cell).collect()),
        ),
        Block::Note(text) => {
            let _ = write!(out, "<p>{}</p>", esc(text));
        }
    }
}

/// A table; cells are already HTML.
fn table(out: &mut String, headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn kv(out: &mut String, rows: &[(&str, Cell)]) {
    out.push_str("<table class=\"kv\"><tbody>");
    for (k, v) in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            esc(k),
            cell(v)
        );
    }
    out.push_str("</tbody></table>");
}

fn section_start(out: &mut String, id: &str) {
    let title = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, t)| t);
    let _ = write!(out, r#"<section id="{id}"><h2>{}</h2>"#, esc(title));
}

pub fn render_html(input: &ReportInput) -> String {
    html_document(&Report::build(input))
}

pub fn html_document(r: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024 + r.map_svg.len() + r.checks.len() * 1200);
    let title = format!("Federated sharing report: {}", r.organization.name);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>{CSS}</style></head><body><header><h1>{t}</h1><p class="meta">Generated {at} by {by} · report schema v{v}{lab}</p></header>"#,
        t = esc(&title),
        at = esc(&r.generated_at),
        by = esc(&r.generated_by),
        v = r.schema_version,
        lab = if r.organization.is_lab {
            " · <strong>lab organization</strong>"
        } else {
            ""
        },
    );
    out.push_str(r#"<nav class="toc"><h2>Contents</h2><ol>"#);
    for (id, t) in SECTIONS {
        let _ = write!(out, r##"<li><a href="#{id}">{}</a></li>"##, esc(t));
    }
    out.push_str("</ol></nav>");
    for (id, _) in SECTIONS {
        match id {
            "checks" => checks(&mut out, r),
            "scripts" => scripts(&mut out, r),
            "map" => {
                section_start(&mut out, id);
                let _ = write!(
                    out,
                    r#"<figure class="map">{}</figure></section>"#,
                    r.map_svg.trim_end()
                );
            }
            _ => {
                if let Some(b) = section::block(r, id) {
                    section_start(&mut out, id);
                    block(&mut out, &b);
                    out.push_str("</section>");
                }
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn check(out: &mut String, r: &Report, c: &CheckResult) {
    let _ = write!(
        out,
        r#"<article class="check status-{}"><h3>{} {}</h3><p class="meta"><code>{}</code> · {} · severity {:?}{}</p>"#,
        fedshare_map::status::slug(c.status),
        badge(c.status),
        esc(&c.title),
        esc(&c.id),
        step_word(c.step),
        c.severity,
        c.subject
            .as_deref()
            .map(|s| format!(" · about <strong>{}</strong>", esc(s)))
            .unwrap_or_default(),
    );
    if let Some(a) = r.acknowledgement(&c.id) {
        let _ = write!(
            out,
            r#"<p class="ack">Acknowledged: {} (until {})</p>"#,
            esc(&a.reason),
            esc(&a.expires)
        );
    }
    if let Some(evidence) = section::evidence(c) {
        block(out, &evidence);
    }
    let _ = write!(out, "<p>{}</p>", esc(&c.explanation));
    if let Some(fix) = &c.fix {
        let _ = write!(out, "<p><strong>Fix:</strong> {}</p>", esc(&fix.summary));
        if !fix.commands.is_empty() {
            let _ = write!(
                out,
                "<pre><code>{}</code></pre>",
                esc(&fix.commands.join("\n"))
            );
        }
    }
    let _ = write!(
        out,
        r#"<p class="meta">Documentation: <code>{}</code></p></article>"#,
        esc(&c.doc_link)
    );
}

fn checks(out: &mut String, r: &Report) {
    section_start(out, "checks");
    if r.checks.is_empty() {
        out.push_str("<p>No checks were run.</p>");
    }
    for c in section::checks_in_order(r) {
        check(out, r, c);
    }
    out.push_str("</section>");
}

fn scripts(out: &mut String, r: &Report) {
    section_start(out, "scripts");
    let _ = write!(
        out,
        "<h3>Cmdlets run</h3><pre><code>{}</code></pre><h3>Undo script</h3><pre><code>{}</code></pre></section>",
        esc(r.applied_script.trim_end()),
        esc(r.undo_script.trim_end())
    );
}
