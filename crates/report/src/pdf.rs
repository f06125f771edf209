//! PDF through krilla: the display list from `pdf_layout` painted with DejaVu (system fonts)
//! and the map embedded as vector graphics through krilla-svg.

use fedshare_map::png::usvg::fontdb;
use fedshare_model::CheckResult;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::document::{outcome_word, status_word, step_word, yes_no, Report, SECTIONS};
use crate::error::ReportError;
use crate::input::ReportInput;
use crate::pdf_layout::{Flow, FontKind, Item, Rgb, GREY, INK, MARGIN};
use crate::section::{self, Block, Cell};

struct Fonts {
    regular: Font,
    bold: Font,
    mono: Font,
}

fn load(
    db: &fontdb::Database,
    family: &str,
    fallback: fontdb::Family,
    weight: fontdb::Weight,
) -> Option<Font> {
    let families = [fontdb::Family::Name(family), fallback];
    let id = db.query(&fontdb::Query {
        families: &families,
        weight,
        ..fontdb::Query::default()
    })?;
    db.with_face_data(id, |data, index| Font::new(data.to_vec().into(), index))
        .flatten()
}

fn fonts() -> Result<Fonts, ReportError> {
    let db = fedshare_map::png::fonts();
    let regular = load(
        &db,
        "DejaVu Sans",
        fontdb::Family::SansSerif,
        fontdb::Weight::NORMAL,
    )
    .ok_or(ReportError::NoFont)?;
    let bold = load(
        &db,
        "DejaVu Sans",
        fontdb::Family::SansSerif,
        fontdb::Weight::BOLD,
    )
    .unwrap_or_else(|| regular.clone());
    let mono = load(
        &db,
        "DejaVu Sans Mono",
        fontdb::Family::Monospace,
        fontdb::Weight::NORMAL,
    )
    .unwrap_or_else(|| regular.clone());
    Ok(Fonts {
        regular,
        bold,
        mono,
    })
}

pub fn render_pdf(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    pdf_document(&Report::build(input))
}

pub fn pdf_document(r: &Report) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts()?;
    let tree = fedshare_map::png::parse_svg(&r.map_svg).map_err(ReportError::Map)?;
    let mut flow = layout(r, (tree.size().width(), tree.size().height()));
    footers(&mut flow, r);
    paint(&flow, &fonts, &tree)
}

fn title_of(id: &str) -> &'static str {
    SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("", |(_, t)| t)
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not set".into())
}

/// A cell as PDF text: no markup to escape, a line break where the others break lines.
fn text(c: &Cell) -> String {
    match c {
        Cell::Text(t) | Cell::Plain(t) | Cell::Code(t) | Cell::Thumbprint(t) => t.clone(),
        Cell::Status(s) => status_word(*s).into(),
        Cell::Missing(what) => (*what).into(),
        Cell::Join(cells) => cells.iter().map(text).collect(),
        Cell::Lines(cells) => cells.iter().map(text).collect::<Vec<_>>().join("\n"),
        Cell::Commands(commands) => commands.join("\n"),
    }
}

fn block(f: &mut Flow, b: &Block, widths: &[f32]) {
    match b {
        Block::Items(rows) => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|(k, v)| vec![(*k).to_owned(), text(v)])
                .collect();
            f.table(&["Item", "Value"], &[1.0, 2.2], &rows);
        }
        Block::Table { headers, rows } => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| row.iter().map(text).collect())
                .collect();
            f.table(headers, widths, &rows);
        }
        Block::Note(note) => f.paragraph(note, 10.0, FontKind::Regular),
    }
}

/// A section the PDF shows as HTML and Markdown do; the page is narrower, so tables with
/// many columns (relationships, policies, journal) have their own PDF layout below.
fn shared_section(f: &mut Flow, r: &Report, id: &str) {
    f.section(title_of(id), false);
    let widths: &[f32] = match id {
        "domains" => &[2.0, 1.2, 1.0, 2.0],
        "acknowledgements" => &[1.2, 2.5, 1.0],
        _ => &[],
    };
    if let Some(b) = section::block(r, id) {
        block(f, &b, widths);
    }
}

fn layout(r: &Report, map_size: (f32, f32)) -> Flow {
    let mut f = Flow::new();
    let o = &r.organization;
    f.paragraph(
        &format!("Federated sharing report: {}", o.name),
        20.0,
        FontKind::Bold,
    );
    f.paragraph(
        &format!(
            "Generated {} by {} · report schema v{}{}",
            r.generated_at,
            r.generated_by,
            r.schema_version,
            if o.is_lab { " · lab organization" } else { "" }
        ),
        9.0,
        FontKind::Regular,
    );
    f.space(10.0);
    f.paragraph("Contents", 13.0, FontKind::Bold);
    // Page numbers are known only after layout: reserve one line per section, filled below.
    let toc_page = f.page_index();
    let toc_start = f.pages[toc_page].items.len();
    for _ in SECTIONS {
        f.text_line(MARGIN + 10.0, "", 10.0, FontKind::Regular, INK);
    }

    for id in ["summary", "trust", "domains", "autodiscover"] {
        shared_section(&mut f, r, id);
    }

    f.section(title_of("relationships"), false);
    let rows: Vec<Vec<String>> = r
        .relationships
        .iter()
        .map(|x| {
            vec![
                x.name.clone(),
                x.domains.join(", "),
                if x.exchange_online {
                    "Exchange Online"
                } else {
                    "on-premises"
                }
                .into(),
                format!(
                    "{}{}",
                    x.free_busy_access_level,
                    if x.enabled { "" } else { " (disabled)" }
                ),
                format!(
                    "{}\n{}",
                    opt(&x.target_application_uri),
                    opt(&x.target_autodiscover_epr)
                ),
                status_word(x.status).into(),
            ]
        })
        .collect();
    f.table(
        &[
            "Name",
            "Domains",
            "Deployment",
            "Free/busy",
            "Target URI and Autodiscover",
            "Status",
        ],
        &[1.1, 1.4, 1.25, 1.3, 2.4, 0.75],
        &rows,
    );

    f.section(title_of("policies"), false);
    let rows: Vec<Vec<String>> = r
        .sharing_policies
        .iter()
        .map(|p| {
            let entries: Vec<String> = p
                .entries
                .iter()
                .map(|e| format!("{}: {}", e.domain, e.actions.join(", ")))
                .collect();
            vec![
                format!("{}{}", p.name, if p.default { " (default)" } else { "" }),
                yes_no(p.enabled).into(),
                entries.join("\n"),
                p.assigned_mailboxes
                    .map_or_else(|| "not counted".into(), |n| n.to_string()),
                status_word(p.status).into(),
            ]
        })
        .collect();
    f.table(
        &[
            "Policy",
            "Enabled",
            "Entries (domain: actions)",
            "Mailboxes",
            "Status",
        ],
        &[1.4, 0.7, 2.8, 0.9, 0.8],
        &rows,
    );

    f.section(title_of("checks"), false);
    let ordered = section::checks_in_order(r);
    if ordered.is_empty() {
        f.paragraph("No checks were run.", 10.0, FontKind::Regular);
    }
    for c in ordered {
        check(&mut f, r, c);
    }

    shared_section(&mut f, r, "acknowledgements");

    f.section(title_of("journal"), false);
    if r.journal.is_empty() {
        f.paragraph("No change was applied.", 10.0, FontKind::Regular);
    } else {
        let rows: Vec<Vec<String>> = r
            .journal
            .iter()
            .map(|j| {
                let outcome = match &j.error {
                    Some(e) => format!("{}: {e}", outcome_word(&j.outcome)),
                    None => outcome_word(&j.outcome).into(),
                };
                vec![
                    format!("{}\n{}", j.at, j.by),
                    format!("{} ({})", j.title, j.step_id),
                    outcome,
                    j.commands.join("\n"),
                ]
            })
            .collect();
        f.table(
            &["When / by", "What", "Outcome", "Commands"],
            &[1.2, 1.4, 0.9, 2.8],
            &rows,
        );
    }

    f.section(title_of("scripts"), false);
    f.subheading("Cmdlets run");
    f.code(&r.applied_script);
    f.subheading("Undo script");
    f.code(&r.undo_script);

    f.map_page(title_of("map"), map_size.0, map_size.1);

    let toc: Vec<String> = f
        .toc
        .iter()
        .enumerate()
        .map(|(i, (t, p))| format!("{}. {t} ········ page {}", i + 1, p + 1))
        .collect();
    for (slot, line) in f.pages[toc_page].items[toc_start..].iter_mut().zip(toc) {
        if let Item::Text { text, .. } = slot {
            *text = line;
        }
    }
    f
}

fn check(f: &mut Flow, r: &Report, c: &CheckResult) {
    f.subheading(&format!("[{}] {}", status_word(c.status), c.title));
    let mut meta = format!(
        "{} · {} · severity {:?}",
        c.id,
        step_word(c.step),
        c.severity
    );
    if let Some(s) = &c.subject {
        meta.push_str(&format!(" · about {s}"));
    }
    f.paragraph(&meta, 8.5, FontKind::Regular);
    if let Some(a) = r.acknowledgement(&c.id) {
        f.paragraph(
            &format!("Acknowledged: {} (until {})", a.reason, a.expires),
            9.0,
            FontKind::Bold,
        );
    }
    if let Some(evidence) = section::evidence(c) {
        block(f, &evidence, &[1.5, 1.5, 1.5]);
    }
    f.paragraph(&c.explanation, 9.0, FontKind::Regular);
    if let Some(fix) = &c.fix {
        f.paragraph(&format!("Fix: {}", fix.summary), 9.0, FontKind::Regular);
        if !fix.commands.is_empty() {
            f.code(&fix.commands.join("\n"));
        }
    }
    f.paragraph(
        &format!("Documentation: {}", c.doc_link),
        8.0,
        FontKind::Regular,
    );
}

fn footers(f: &mut Flow, r: &Report) {
    let n = f.pages.len();
    for (i, page) in f.pages.iter_mut().enumerate() {
        let text = format!(
            "{} · federated sharing report · {} · page {} of {n}",
            r.organization.name,
            r.generated_at,
            i + 1
        );
        let text = crate::pdf_layout::wrap(&text, page.w - 2.0 * MARGIN, 7.5, FontKind::Regular)
            .into_iter()
            .next()
            .unwrap_or_default();
        page.items.push(Item::Text {
            x: MARGIN,
            y: page.h - MARGIN + 14.0,
            size: 7.5,
            font: FontKind::Regular,
            text,
            color: GREY,
        });
    }
}

fn set_fill(s: &mut Surface, c: Rgb) {
    s.set_fill(Some(Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }));
}

fn paint(
    flow: &Flow,
    fonts: &Fonts,
    tree: &fedshare_map::png::usvg::Tree,
) -> Result<Vec<u8>, ReportError> {
    let mut doc = Document::new();
    for p in &flow.pages {
        let settings = PageSettings::from_wh(p.w, p.h)
            .ok_or_else(|| ReportError::Pdf("invalid page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        for item in &p.items {
            match item {
                Item::Rect { x, y, w, h, fill } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            set_fill(&mut s, *fill);
                            s.draw_path(&path);
                        }
                    }
                }
                Item::Text {
                    x,
                    y,
                    size,
                    font,
                    text,
                    color,
                } => {
                    if text.is_empty() {
                        continue;
                    }
                    let font = match font {
                        FontKind::Regular => fonts.regular.clone(),
                        FontKind::Bold => fonts.bold.clone(),
                        FontKind::Mono => fonts.mono.clone(),
                    };
                    set_fill(&mut s, *color);
                    s.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Item::Map { x, y, w, h } => {
                    let size = Size::from_wh(*w, *h)
                        .ok_or_else(|| ReportError::Pdf("empty map".into()))?;
                    s.push_transform(&Transform::from_translate(*x, *y));
                    s.draw_svg(tree, size, SvgSettings::default());
                    s.pop();
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}
