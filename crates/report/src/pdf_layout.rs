//! PDF page layout as a display list: text flows, tables split across pages (the header row
//! repeats), code wraps by character; painting happens afterwards in `pdf.rs`. Widths are
//! estimated from character counts (conservatively), so text stays inside its column.

use fedshare_map::text::{pieces, place_word, sanitize, text_width};

pub const A4: (f32, f32) = (595.28, 841.89);
pub const MARGIN: f32 = 42.0;
const MONO_EM: f32 = 0.61;
const CELL_PAD: f32 = 4.0;
/// A table cell taller than this (about eight pages) is cut with a note (the full text is in
/// the HTML and JSON); shorter tall cells continue across pages.
const MAX_CELL_LINES: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    Regular,
    Bold,
    Mono,
}

pub type Rgb = (u8, u8, u8);
pub const INK: Rgb = (32, 33, 36);
pub const GREY: Rgb = (95, 99, 104);
const RULE: Rgb = (218, 220, 224);
const HEAD_BG: Rgb = (241, 243, 244);
const CODE_BG: Rgb = (248, 249, 250);

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        font: FontKind,
        text: String,
        color: Rgb,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    /// The map drawing, scaled into this box.
    Map { x: f32, y: f32, w: f32, h: f32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub w: f32,
    pub h: f32,
    pub items: Vec<Item>,
}

#[derive(Debug)]
pub struct Flow {
    pub pages: Vec<Page>,
    y: f32,
    /// Section title and the page it starts on.
    pub toc: Vec<(String, usize)>,
}

fn em(font: FontKind) -> Option<f32> {
    (font == FontKind::Mono).then_some(MONO_EM)
}

fn width(text: &str, size: f32, font: FontKind) -> f32 {
    match em(font) {
        Some(e) => text.chars().count() as f32 * e * size,
        None => text_width(text, size) * if font == FontKind::Bold { 1.1 } else { 1.0 },
    }
}

/// Breaks `text` into lines no wider than `max_w`: at spaces where possible, then after a
/// separator inside a long token (URLs, domain lists), and between characters only for a run
/// with no separator wider than the line (thumbprints, proofs).
pub fn wrap(text: &str, max_w: f32, size: f32, font: FontKind) -> Vec<String> {
    let fits = |s: &str| width(s, size, font) <= max_w;
    let mut lines = Vec::new();
    for para in text.replace('\t', "    ").split('\n') {
        let para = sanitize(para);
        let mut line = String::new();
        for word in para.split(' ') {
            place_word(word, &mut line, &mut lines, &fits, BREAK_AFTER);
        }
        lines.push(line);
    }
    lines
}

/// The map's separators, and the ones inside URLs' queries.
const BREAK_AFTER: &[char] = &['.', '-', ':', '/', ',', '@', '_', '?', '&', '='];

/// The narrowest a column can be without breaking a word: its widest unbreakable piece.
fn min_column_width(texts: &[&str], size: f32, font: FontKind) -> f32 {
    texts
        .iter()
        .flat_map(|t| t.split(['\n', ' ']))
        .flat_map(|w| pieces(w, BREAK_AFTER))
        .map(|p| width(&sanitize(&p), size, font))
        .fold(0.0, f32::max)
        + 2.0 * CELL_PAD
}

/// Column widths from relative `weights`, each at least its `mins` when they fit together
/// (narrow columns take their minimum, the others share the rest by weight).
fn column_widths(weights: &[f32], mins: &[f32], total: f32) -> Vec<f32> {
    let min_sum: f32 = mins.iter().sum();
    if min_sum >= total {
        return mins.iter().map(|m| m / min_sum * total).collect();
    }
    let mut pinned = vec![false; weights.len()];
    loop {
        let free = total
            - mins
                .iter()
                .zip(&pinned)
                .filter(|(_, p)| **p)
                .map(|(m, _)| m)
                .sum::<f32>();
        let weight: f32 = weights
            .iter()
            .zip(&pinned)
            .filter(|(_, p)| !**p)
            .map(|(w, _)| w)
            .sum();
        let widths: Vec<f32> = weights
            .iter()
            .zip(mins)
            .zip(&pinned)
            .map(|((w, m), p)| if *p { *m } else { w / weight * free })
            .collect();
        let short: Vec<usize> = (0..widths.len())
            .filter(|&i| !pinned[i] && widths[i] < mins[i])
            .collect();
        if short.is_empty() {
            return widths;
        }
        for i in short {
            pinned[i] = true;
        }
    }
}

impl Flow {
    pub fn new() -> Flow {
        let mut f = Flow {
            pages: Vec::new(),
            y: 0.0,
            toc: Vec::new(),
        };
        f.new_page();
        f
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            w: A4.0,
            h: A4.1,
            items: Vec::new(),
        });
        self.y = MARGIN;
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    fn bottom(&self) -> f32 {
        A4.1 - MARGIN - 14.0
    }

    fn content_w(&self) -> f32 {
        A4.0 - 2.0 * MARGIN
    }

    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn push(&mut self, item: Item) {
        if let Some(p) = self.pages.last_mut() {
            p.items.push(item);
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    pub fn text_line(&mut self, x: f32, text: &str, size: f32, font: FontKind, color: Rgb) {
        let leading = size * 1.35;
        self.ensure(leading);
        self.y += leading;
        let y = self.y - size * 0.3;
        self.push(Item::Text {
            x,
            y,
            size,
            font,
            text: text.to_owned(),
            color,
        });
    }

    pub fn paragraph(&mut self, text: &str, size: f32, font: FontKind) {
        for line in wrap(text, self.content_w(), size, font) {
            self.text_line(MARGIN, &line, size, font, INK);
        }
        self.space(4.0);
    }

    /// A section heading; starts on a fresh page if fewer than ~5 lines remain.
    pub fn section(&mut self, title: &str, new_page: bool) {
        if new_page && self.y > MARGIN {
            self.new_page();
        }
        self.ensure(90.0);
        self.space(10.0);
        self.toc.push((title.to_owned(), self.page_index()));
        self.text_line(MARGIN, title, 15.0, FontKind::Bold, INK);
        self.push(Item::Rect {
            x: MARGIN,
            y: self.y + 1.0,
            w: self.content_w(),
            h: 1.2,
            fill: RULE,
        });
        self.space(8.0);
    }

    pub fn subheading(&mut self, title: &str) {
        self.ensure(50.0);
        self.space(6.0);
        for line in wrap(title, self.content_w(), 11.0, FontKind::Bold) {
            self.text_line(MARGIN, &line, 11.0, FontKind::Bold, INK);
        }
        self.space(2.0);
    }

    /// Lines of code on a grey band, wrapped by character; splits across pages line by line.
    pub fn code(&mut self, text: &str) {
        let size = 8.0;
        let leading = size * 1.4;
        let lines = wrap(
            text.trim_end(),
            self.content_w() - 2.0 * CELL_PAD,
            size,
            FontKind::Mono,
        );
        for line in lines {
            self.ensure(leading);
            self.push(Item::Rect {
                x: MARGIN,
                y: self.y,
                w: self.content_w(),
                h: leading,
                fill: CODE_BG,
            });
            self.y += leading;
            self.push(Item::Text {
                x: MARGIN + CELL_PAD,
                y: self.y - size * 0.35,
                size,
                font: FontKind::Mono,
                text: line,
                color: INK,
            });
        }
        self.space(8.0);
    }

    fn cell_lines(text: &str, w: f32, size: f32) -> Vec<String> {
        let mut lines = wrap(text, w - 2.0 * CELL_PAD, size, FontKind::Regular);
        if lines.len() > MAX_CELL_LINES {
            lines.truncate(MAX_CELL_LINES);
            lines.push("… (cut; see the HTML or JSON report)".into());
        }
        lines
    }

    fn header_row(&mut self, headers: &[&str], xs: &[(f32, f32)], size: f32) {
        let leading = size * 1.35;
        let cells: Vec<Vec<String>> = headers
            .iter()
            .zip(xs)
            .map(|(h, (_, w))| Self::cell_lines(h, *w, size))
            .collect();
        let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * CELL_PAD;
        self.push(Item::Rect {
            x: MARGIN,
            y: self.y,
            w: self.content_w(),
            h,
            fill: HEAD_BG,
        });
        self.draw_cells(&cells, xs, size, FontKind::Bold);
        self.y += h;
    }

    fn draw_cells(&mut self, cells: &[Vec<String>], xs: &[(f32, f32)], size: f32, font: FontKind) {
        let leading = size * 1.35;
        for (lines, (x, _)) in cells.iter().zip(xs) {
            for (i, line) in lines.iter().enumerate() {
                let y = self.y + CELL_PAD + leading * (i as f32 + 1.0) - size * 0.3;
                self.push(Item::Text {
                    x: x + CELL_PAD,
                    y,
                    size,
                    font,
                    text: line.clone(),
                    color: INK,
                });
            }
        }
    }

    /// A table with relative column widths, widened where a column's longest word needs it
    /// (words never break inside a cell); the header repeats on each page. A row that does not
    /// fit what is left of the page moves to the next one, unless it is tall: then it
    /// continues there, so no page is left nearly empty.
    pub fn table(&mut self, headers: &[&str], weights: &[f32], rows: &[Vec<String>]) {
        let size = 8.5;
        let leading = size * 1.35;
        let mins: Vec<f32> = (0..weights.len())
            .map(|c| {
                let texts: Vec<&str> = rows
                    .iter()
                    .filter_map(|r| r.get(c).map(String::as_str))
                    .collect();
                let header = headers
                    .get(c)
                    .map_or(0.0, |h| min_column_width(&[h], size, FontKind::Bold));
                min_column_width(&texts, size, FontKind::Regular).max(header)
            })
            .collect();
        let mut xs = Vec::with_capacity(weights.len());
        let mut x = MARGIN;
        for cw in column_widths(weights, &mins, self.content_w()) {
            xs.push((x, cw));
            x += cw;
        }
        self.ensure(4.0 * leading);
        self.header_row(headers, &xs, size);
        for row in rows {
            let mut cells: Vec<Vec<String>> = row
                .iter()
                .zip(&xs)
                .map(|(t, (_, w))| Self::cell_lines(t, *w, size))
                .collect();
            loop {
                let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
                let h = lines as f32 * leading + 2.0 * CELL_PAD;
                let room = self.bottom() - self.y;
                if h <= room {
                    self.row(&cells, &xs, size, h);
                    break;
                }
                // Rows of up to a quarter page move whole; taller ones continue on the next.
                let fit = ((room - 2.0 * CELL_PAD) / leading).floor().max(0.0) as usize;
                if h > (self.bottom() - MARGIN) / 4.0 && fit >= 3 {
                    let rest: Vec<Vec<String>> = cells
                        .iter_mut()
                        .map(|c| c.split_off(fit.min(c.len())))
                        .collect();
                    self.row(&cells, &xs, size, fit as f32 * leading + 2.0 * CELL_PAD);
                    cells = rest;
                }
                self.new_page();
                self.header_row(headers, &xs, size);
            }
        }
        self.space(10.0);
    }

    fn row(&mut self, cells: &[Vec<String>], xs: &[(f32, f32)], size: f32, h: f32) {
        self.draw_cells(cells, xs, size, FontKind::Regular);
        self.y += h;
        self.push(Item::Rect {
            x: MARGIN,
            y: self.y - 0.5,
            w: self.content_w(),
            h: 0.5,
            fill: RULE,
        });
    }

    /// A landscape page holding the map, scaled to fit.
    pub fn map_page(&mut self, title: &str, map_w: f32, map_h: f32) {
        self.pages.push(Page {
            w: A4.1,
            h: A4.0,
            items: Vec::new(),
        });
        self.toc.push((title.to_owned(), self.page_index()));
        self.y = MARGIN;
        self.text_line(MARGIN, title, 15.0, FontKind::Bold, INK);
        let (avail_w, avail_h) = (A4.1 - 2.0 * MARGIN, A4.0 - self.y - MARGIN - 20.0);
        let scale = (avail_w / map_w.max(1.0)).min(avail_h / map_h.max(1.0));
        let y = self.y + 8.0;
        self.push(Item::Map {
            x: MARGIN,
            y,
            w: map_w * scale,
            h: map_h * scale,
        });
        self.y = y + map_h * scale;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_long_words_and_keeps_every_character() {
        let text = "Set-OrganizationRelationship -Identity x https://autodiscover.partner-with-a-long-name.example/autodiscover/autodiscover.svc/WSSecurity";
        let lines = wrap(text, 120.0, 8.0, FontKind::Mono);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(l.chars().count() as f32 * MONO_EM * 8.0 <= 120.0, "{l}");
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }

    /// Every word of every drawn text, in order.
    fn drawn(f: &Flow) -> Vec<String> {
        f.pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn narrow_columns_widen_so_no_word_breaks() {
        let mut f = Flow::new();
        let rows = vec![vec![
            "Fabrikam".to_owned(),
            "yes".to_owned(),
            "fabrikam.com: CalendarSharingFreeBusyDetail, ContactsSharing".to_owned(),
            "2".to_owned(),
            "LimitedDetails".to_owned(),
        ]];
        f.table(
            &["Policy", "Enabled", "Entries", "Mailboxes", "Free/busy"],
            &[1.4, 0.7, 2.8, 0.9, 0.3],
            &rows,
        );
        let texts = drawn(&f);
        for word in [
            "LimitedDetails",
            "Mailboxes",
            "CalendarSharingFreeBusyDetail,",
        ] {
            assert!(
                texts.iter().any(|t| t.split(' ').any(|w| w == word)),
                "{word} was broken: {texts:?}"
            );
        }
    }

    #[test]
    fn a_tall_row_continues_on_the_next_page_instead_of_leaving_one_nearly_empty() {
        let mut f = Flow::new();
        let short: Vec<Vec<String>> = (0..45)
            .map(|i| vec![format!("row {i}"), "value".into()])
            .collect();
        f.table(&["Name", "Value"], &[1.0, 1.0], &short);
        let tall = (0..60).map(|i| format!("command {i}")).collect::<Vec<_>>();
        f.table(
            &["Name", "Commands"],
            &[1.0, 1.0],
            &[vec!["tall".into(), tall.join("\n")]],
        );
        // Every page but the last is filled past half its height.
        for page in &f.pages[..f.pages.len() - 1] {
            let lowest = page
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Text { y, .. } => Some(*y),
                    _ => None,
                })
                .fold(0.0, f32::max);
            assert!(lowest > page.h / 2.0, "a page ends at {lowest}");
        }
        let texts = drawn(&f);
        for i in 0..60 {
            assert!(texts.contains(&format!("command {i}")), "command {i} lost");
        }
    }

    #[test]
    fn long_tables_continue_on_new_pages() {
        let mut f = Flow::new();
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| vec![format!("row {i}"), "value".into()])
            .collect();
        f.table(&["Name", "Value"], &[1.0, 1.0], &rows);
        assert!(f.pages.len() >= 3, "{} pages", f.pages.len());
        for page in &f.pages {
            for item in &page.items {
                if let Item::Text { y, .. } = item {
                    assert!(*y <= page.h - MARGIN, "text below the margin at {y}");
                }
            }
        }
    }
}
