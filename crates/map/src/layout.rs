//! A deterministic layout: the same graph always gives the same coordinates.
//!
//! Left column, top to bottom: the federation trust, our organization, then (as a tree under
//! it) the Autodiscover record and the sharing policies. Partners sit to the right in columns,
//! grouped by status (failures first) and sorted by name inside a group; a group longer than
//! `visible_per_group` ends in one "+N more" box, so 500 partners stay readable. Partner edges
//! run on an orthogonal bus (org → trunk → column gutter → partner) so they never cross a box.
//! Every text wraps inside the box that holds it (never cut: boxes grow to fit), so labels
//! cannot overlap and no name reads as another.

use fedshare_model::{CheckStatus, StepKind};

use crate::graph::{EdgeKind, Graph, Node, NodeKind};
use crate::status::{group_order, label as status_label, slug};
use crate::text::{sanitize, wrap};

const MARGIN: f32 = 24.0;
const LEFT_W: f32 = 300.0;
const CHILD_INDENT: f32 = 28.0;
const TREE_X: f32 = MARGIN + 12.0;
const PARTNER_W: f32 = 270.0;
const COL_GAP: f32 = 60.0;
/// Space between two boxes of a partner column.
const ROW_GAP: f32 = 10.0;
const PAD: f32 = 8.0;
const TITLE_SIZE: f32 = 16.0;
const LABEL_SIZE: f32 = 12.0;
const SUB_SIZE: f32 = 10.0;
const FIRST_BASELINE: f32 = 18.0;
const LINE_PITCH: f32 = 14.0;
const TOP: f32 = MARGIN + 40.0;
const HEAD_BASELINE: f32 = TOP + 12.0;
const BUS_Y: f32 = TOP + 26.0;
const PARTNER_TOP: f32 = TOP + 36.0;
const TRUNK_X: f32 = MARGIN + LEFT_W + 40.0;
const AREA_X: f32 = MARGIN + LEFT_W + 110.0;
const LEGEND_STEP: f32 = 140.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutOptions {
    pub rows_per_column: usize,
    /// Partners drawn per status group before the rest collapse into "+N more".
    pub visible_per_group: usize,
    pub visible_policies: usize,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self {
            rows_per_column: 24,
            // Two full columns per status group, the last slot being "+N more".
            visible_per_group: 47,
            visible_policies: 12,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
    pub fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// One line of text, already fitted and sanitised (escaping happens in the SVG writer).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub text: String,
    pub size: f32,
    pub bold: bool,
    /// Index into `Layout::nodes` of the box this text belongs to.
    pub owner: Option<usize>,
}

impl Label {
    /// The estimated box the glyphs occupy (ascent 0.8 em, descent 0.25 em).
    pub fn bbox(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y - self.size * 0.8,
            w: crate::text::text_width(&self.text, self.size),
            h: self.size * 1.05,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    pub id: String,
    pub kind: NodeKind,
    pub status: CheckStatus,
    pub step: StepKind,
    pub rect: Rect,
    /// Full, unshortened text for the tooltip.
    pub tooltip: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedEdge {
    pub id: String,
    pub kind: EdgeKind,
    pub status: CheckStatus,
    pub from: String,
    pub to: String,
    pub points: Vec<(f32, f32)>,
    pub tooltip: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub status: CheckStatus,
    pub swatch: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    pub title: String,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    pub labels: Vec<Label>,
    pub legend: Vec<LegendItem>,
}

fn tooltip(node: &Node) -> String {
    let mut lines = vec![
        sanitize(&node.label),
        format!("Status: {}", status_label(node.status)),
    ];
    lines.extend(
        node.details
            .iter()
            .map(|d| format!("{}: {}", d.name, sanitize(&d.value))),
    );
    lines.join("\n")
}

struct Builder {
    out: Layout,
}

impl Builder {
    /// Places a box with a bold first line and smaller lines under it; returns its index.
    /// The box is as tall as its wrapped text.
    fn place(&mut self, node: &Node, x: f32, y: f32, w: f32, extra: &[String]) -> usize {
        let mut lines = vec![node.subtitle.clone()];
        lines.extend(extra.iter().cloned());
        lines.retain(|l| !l.is_empty());
        self.place_box(
            PlacedNode {
                id: node.id.clone(),
                kind: node.kind,
                status: node.status,
                step: node.step,
                rect: Rect { x, y, w, h: 0.0 },
                tooltip: tooltip(node),
            },
            &node.label,
            &lines,
        )
    }

    /// Places `placed` at its x, y and width, with the height its wrapped text needs.
    fn place_box(&mut self, mut placed: PlacedNode, label: &str, lines: &[String]) -> usize {
        let idx = self.out.nodes.len();
        let r = placed.rect;
        let inner = r.w - 2.0 * PAD;
        // The status dot sits in the top-right corner: keep the first line clear of it.
        let mut texts: Vec<(String, f32, bool)> = wrap(label, inner - 14.0, LABEL_SIZE)
            .into_iter()
            .map(|t| (t, LABEL_SIZE, true))
            .collect();
        for line in lines {
            texts.extend(
                wrap(line, inner, SUB_SIZE)
                    .into_iter()
                    .map(|t| (t, SUB_SIZE, false)),
            );
        }
        for (i, (text, size, bold)) in texts.iter().enumerate() {
            self.out.labels.push(Label {
                x: r.x + PAD,
                y: r.y + FIRST_BASELINE + LINE_PITCH * i as f32,
                text: text.clone(),
                size: *size,
                bold: *bold,
                owner: Some(idx),
            });
        }
        placed.rect.h = FIRST_BASELINE + LINE_PITCH * (texts.len() - 1) as f32 + PAD;
        self.out.nodes.push(placed);
        idx
    }

    /// Free text wrapped to `max_w`; returns the baseline of its last line.
    fn free_label(&mut self, x: f32, y: f32, text: &str, size: f32, max_w: f32) -> f32 {
        let mut baseline = y;
        for (i, line) in wrap(text, max_w, size).into_iter().enumerate() {
            baseline = y + i as f32 * (size + 4.0);
            self.out.labels.push(Label {
                x,
                y: baseline,
                text: line,
                size,
                bold: size >= LABEL_SIZE,
                owner: None,
            });
        }
        baseline
    }

    fn edge(
        &mut self,
        id: &str,
        kind: EdgeKind,
        status: CheckStatus,
        ends: (&str, &str),
        points: Vec<(f32, f32)>,
        tip: String,
    ) {
        self.out.edges.push(PlacedEdge {
            id: id.to_owned(),
            kind,
            status,
            from: ends.0.to_owned(),
            to: ends.1.to_owned(),
            points,
            tooltip: tip,
        });
    }
}

fn edge_tooltip(graph: &Graph, id: &str) -> String {
    graph
        .edge(id)
        .map(|e| {
            let mut lines = vec![
                format!("{} → {}", sanitize(&e.from), sanitize(&e.to)),
                format!("Status: {}", status_label(e.status)),
            ];
            lines.extend(
                e.details
                    .iter()
                    .map(|d| format!("{}: {}", d.name, sanitize(&d.value))),
            );
            lines.join("\n")
        })
        .unwrap_or_default()
}

fn edge_status(graph: &Graph, id: &str, fallback: CheckStatus) -> CheckStatus {
    graph.edge(id).map(|e| e.status).unwrap_or(fallback)
}

pub fn layout(graph: &Graph, opts: &LayoutOptions) -> Layout {
    let mut b = Builder {
        out: Layout {
            width: 0.0,
            height: 0.0,
            title: format!("Federated sharing map: {}", sanitize(&graph.organization)),
            nodes: Vec::new(),
            edges: Vec::new(),
            labels: Vec::new(),
            legend: Vec::new(),
        },
    };
    let title = b.out.title.clone();
    // One line however long the name: the drawing widens to it below.
    b.free_label(MARGIN, MARGIN + TITLE_SIZE, &title, TITLE_SIZE, f32::MAX);

    let by_kind = |k: NodeKind| graph.nodes.iter().filter(move |n| n.kind == k);
    let mut left_bottom = TOP;
    let mut org_rect = None;
    if let Some(trust) = by_kind(NodeKind::Trust).next() {
        let t = b.place(trust, MARGIN, TOP, LEFT_W, &[]);
        left_bottom = b.out.nodes[t].rect.bottom();
    }
    if let Some(org) = by_kind(NodeKind::Organization).next() {
        let ns = org
            .details
            .iter()
            .find(|d| d.name == "Account namespace")
            .map(|d| d.value.clone());
        let o = b.place(org, MARGIN, left_bottom + 36.0, LEFT_W, ns.as_slice());
        let r = b.out.nodes[o].rect;
        org_rect = Some(r);
        if b.out.nodes.len() > 1 {
            let trust_bottom = b.out.nodes[0].rect.bottom();
            let status = edge_status(graph, "edge:trust", b.out.nodes[0].status);
            let tip = edge_tooltip(graph, "edge:trust");
            b.edge(
                "edge:trust",
                EdgeKind::Federation,
                status,
                ("org", "trust"),
                vec![(r.cx(), r.y), (r.cx(), trust_bottom)],
                tip,
            );
        }
        left_bottom = r.bottom();
    }
    let org = org_rect.unwrap_or(Rect {
        x: MARGIN,
        y: TOP,
        w: LEFT_W,
        h: 0.0,
    });
    left_bottom = place_children(&mut b, graph, opts, org, left_bottom);
    let right_bottom = place_partners(&mut b, graph, opts, org);

    let content_right = b
        .out
        .nodes
        .iter()
        .map(|n| n.rect.right())
        .chain(b.out.labels.iter().map(|l| l.bbox().right()))
        .fold(MARGIN + LEFT_W, f32::max);
    let content_bottom = left_bottom.max(right_bottom);
    let legend_bottom = place_legend(&mut b, content_bottom + 30.0);
    b.out.width = (content_right.max(MARGIN + 4.0 * LEGEND_STEP) + MARGIN).ceil();
    b.out.height = (legend_bottom + MARGIN).ceil();
    b.out
}

/// Autodiscover and the sharing policies hang under the organization on a tree line.
fn place_children(
    b: &mut Builder,
    graph: &Graph,
    opts: &LayoutOptions,
    org: Rect,
    mut y: f32,
) -> f32 {
    let x = MARGIN + CHILD_INDENT;
    let w = LEFT_W - CHILD_INDENT;
    let stub =
        |b: &mut Builder, id: &str, kind: EdgeKind, to: &str, status: CheckStatus, r: Rect| {
            let tip = edge_tooltip(graph, id);
            b.edge(
                id,
                kind,
                status,
                ("org", to),
                vec![(TREE_X, org.bottom()), (TREE_X, r.cy()), (r.x, r.cy())],
                tip,
            );
        };
    if let Some(ad) = graph
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Autodiscover)
    {
        let i = b.place(ad, x, y + 20.0, w, &[]);
        let r = b.out.nodes[i].rect;
        stub(
            b,
            "edge:autodiscover",
            EdgeKind::Autodiscover,
            &ad.id,
            edge_status(graph, "edge:autodiscover", ad.status),
            r,
        );
        y = r.bottom();
    }
    let mut policies: Vec<&Node> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Policy)
        .collect();
    policies.sort_by(|a, b| {
        (
            !a.label.ends_with("(default)"),
            a.label.to_lowercase(),
            &a.id,
        )
            .cmp(&(
                !b.label.ends_with("(default)"),
                b.label.to_lowercase(),
                &b.id,
            ))
    });
    if policies.is_empty() {
        return y;
    }
    y += 30.0;
    b.free_label(
        x,
        y,
        &format!("Sharing policies ({})", policies.len()),
        SUB_SIZE,
        w,
    );
    y += 6.0;
    let hidden = policies.len().saturating_sub(opts.visible_policies);
    for p in policies.iter().take(opts.visible_policies) {
        let i = b.place(p, x, y, w, &[]);
        let r = b.out.nodes[i].rect;
        let id = format!("edge:{}", p.id);
        stub(
            b,
            &id,
            EdgeKind::Policy,
            &p.id,
            edge_status(graph, &id, p.status),
            r,
        );
        y = r.bottom() + 10.0;
    }
    if hidden > 0 {
        let rest: Vec<&Node> = policies
            .iter()
            .skip(opts.visible_policies)
            .copied()
            .collect();
        let i = place_group(
            b,
            "group:policies",
            &rest,
            x,
            y,
            w,
            &format!("+{hidden} more policies"),
        );
        y = b.out.nodes[i].rect.bottom() + 10.0;
    }
    y
}

fn place_group(
    b: &mut Builder,
    id: &str,
    members: &[&Node],
    x: f32,
    y: f32,
    w: f32,
    label: &str,
) -> usize {
    let status = crate::status::worst_status(members.iter().map(|n| n.status));
    let mut tip = vec![label.to_owned()];
    tip.extend(
        members
            .iter()
            .take(40)
            .map(|n| format!("{} ({})", sanitize(&n.label), status_label(n.status))),
    );
    if members.len() > 40 {
        tip.push(format!("… and {} more", members.len() - 40));
    }
    let placed = PlacedNode {
        id: id.to_owned(),
        kind: NodeKind::Group,
        status,
        step: members
            .first()
            .map(|n| n.step)
            .unwrap_or(StepKind::OrganizationRelationships),
        rect: Rect { x, y, w, h: 0.0 },
        tooltip: tip.join("\n"),
    };
    b.place_box(placed, label, &["use search to find one".to_owned()])
}

/// Partners in status groups, in columns; returns the lowest y used.
fn place_partners(b: &mut Builder, graph: &Graph, opts: &LayoutOptions, org: Rect) -> f32 {
    let mut partners: Vec<&Node> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Partner)
        .collect();
    if partners.is_empty() {
        return TOP;
    }
    partners.sort_by(|a, b| {
        (group_order(a.status), a.label.to_lowercase(), &a.id).cmp(&(
            group_order(b.status),
            b.label.to_lowercase(),
            &b.id,
        ))
    });
    let rows = opts.rows_per_column.max(1);
    let mut col_x = AREA_X;
    let mut bottom: f32 = TOP;
    let mut start = 0;
    while start < partners.len() {
        let status = partners[start].status;
        let end = partners[start..]
            .iter()
            .position(|p| p.status != status)
            .map_or(partners.len(), |n| start + n);
        let group = &partners[start..end];
        start = end;
        let shown = group.len().min(opts.visible_per_group.max(1));
        let heading = format!(
            "{} · {} partner{}",
            status_label(status),
            group.len(),
            if group.len() == 1 { "" } else { "s" }
        );
        b.free_label(col_x, HEAD_BASELINE, &heading, LABEL_SIZE, PARTNER_W);
        let slots = shown + usize::from(shown < group.len());
        let mut y = PARTNER_TOP;
        for slot in 0..slots {
            let (col, row) = (slot / rows, slot % rows);
            let x = col_x + col as f32 * (PARTNER_W + COL_GAP);
            if row == 0 {
                y = PARTNER_TOP;
            }
            let (idx, id, edge_id, tip, edge_state) = if slot < shown {
                let p = group[slot];
                let i = b.place(p, x, y, PARTNER_W, &[]);
                let eid = format!("relationship:{}", p.id.trim_start_matches("partner:"));
                (
                    i,
                    p.id.clone(),
                    eid.clone(),
                    edge_tooltip(graph, &eid),
                    edge_status(graph, &eid, p.status),
                )
            } else {
                let gid = format!("group:{}", slug(status));
                let rest = &group[shown..];
                let i = place_group(
                    b,
                    &gid,
                    rest,
                    x,
                    y,
                    PARTNER_W,
                    &format!("+{} more ({})", rest.len(), status_label(status)),
                );
                let tip = b.out.nodes[i].tooltip.clone();
                (i, gid.clone(), format!("edge:{gid}"), tip, status)
            };
            let r = b.out.nodes[idx].rect;
            bottom = bottom.max(r.bottom());
            y = r.bottom() + ROW_GAP;
            let gutter = x - 20.0;
            let points = vec![
                (org.right(), org.cy()),
                (TRUNK_X, org.cy()),
                (TRUNK_X, BUS_Y),
                (gutter, BUS_Y),
                (gutter, r.cy()),
                (r.x, r.cy()),
            ];
            b.edge(
                &edge_id,
                EdgeKind::Relationship,
                edge_state,
                ("org", &id),
                points,
                tip,
            );
        }
        let cols = slots.div_ceil(rows);
        col_x += cols as f32 * (PARTNER_W + COL_GAP);
    }
    bottom
}

fn place_legend(b: &mut Builder, y: f32) -> f32 {
    b.free_label(MARGIN, y, "Legend", LABEL_SIZE, LEFT_W);
    let row = y + 12.0;
    for (i, status) in [
        CheckStatus::Pass,
        CheckStatus::Warning,
        CheckStatus::Failure,
        CheckStatus::NotChecked,
    ]
    .into_iter()
    .enumerate()
    {
        let x = MARGIN + i as f32 * LEGEND_STEP;
        b.out.legend.push(LegendItem {
            status,
            swatch: Rect {
                x,
                y: row,
                w: 14.0,
                h: 14.0,
            },
        });
        b.free_label(
            x + 20.0,
            row + 11.0,
            status_label(status),
            SUB_SIZE,
            LEGEND_STEP - 28.0,
        );
    }
    let note = "Lines run from our organization to each partner (organization relationship), the trust, the Autodiscover record and the sharing policies.";
    b.free_label(MARGIN, row + 34.0, note, SUB_SIZE, 4.0 * LEGEND_STEP) + 6.0
}
