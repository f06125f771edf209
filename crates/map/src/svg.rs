//! SVG output. Every piece of text passes through `escape_xml`; nothing from the input becomes
//! markup, a URL or script. Colours are attributes (resvg and print need no CSS); class names
//! carry kind and status for the app's styling and filters.

use std::fmt::Write;

use fedshare_model::StepKind;

use crate::layout::{Label, Layout, PlacedEdge, PlacedNode};
use crate::status::{colours, label as status_label, slug};
use crate::text::escape_xml;

const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

fn step_slug(step: StepKind) -> &'static str {
    match step {
        StepKind::Prerequisites => "prerequisites",
        StepKind::FederationTrust => "federationTrust",
        StepKind::OrganizationRelationships => "organizationRelationships",
        StepKind::SharingPolicies => "sharingPolicies",
        StepKind::AutodiscoverDns => "autodiscoverDns",
    }
}

pub fn render_svg(layout: &Layout) -> String {
    let mut s = String::with_capacity(4096 + layout.nodes.len() * 900);
    let (w, h) = (layout.width, layout.height);
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" role="img" aria-labelledby="map-title">"#
    );
    let _ = write!(
        s,
        r#"<title id="map-title">{}</title>"#,
        escape_xml(&layout.title)
    );
    s.push_str("<style>text{unicode-bidi:isolate;direction:ltr}.edge{fill:none}</style><defs>");
    for status in ALL {
        let (_, stroke) = colours(status);
        let _ = write!(
            s,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="{stroke}"/></marker>"#,
            slug(status)
        );
    }
    s.push_str("</defs>");
    let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);

    // Edges first so boxes sit on top; problems last so a red line is never hidden under green.
    let mut edges: Vec<&PlacedEdge> = layout.edges.iter().collect();
    edges.sort_by_key(|e| crate::status::severity_rank(e.status));
    s.push_str(r#"<g class="edges">"#);
    for e in edges {
        edge(&mut s, e);
    }
    s.push_str("</g><g class=\"nodes\">");
    for (i, n) in layout.nodes.iter().enumerate() {
        node(
            &mut s,
            n,
            layout.labels.iter().filter(|l| l.owner == Some(i)),
        );
    }
    s.push_str("</g><g class=\"labels\">");
    for l in layout.labels.iter().filter(|l| l.owner.is_none()) {
        text(&mut s, l);
    }
    s.push_str("</g><g class=\"legend\">");
    for item in &layout.legend {
        let (fill, stroke) = colours(item.status);
        let r = item.swatch;
        let _ = write!(
            s,
            r#"<rect class="status-{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>"#,
            slug(item.status),
            r.x,
            r.y,
            r.w,
            r.h
        );
    }
    s.push_str("</g></svg>\n");
    s
}

const ALL: [fedshare_model::CheckStatus; 4] = [
    fedshare_model::CheckStatus::Pass,
    fedshare_model::CheckStatus::Warning,
    fedshare_model::CheckStatus::Failure,
    fedshare_model::CheckStatus::NotChecked,
];

fn edge(s: &mut String, e: &PlacedEdge) {
    let (_, stroke) = colours(e.status);
    let st = slug(e.status);
    let _ = write!(
        s,
        r#"<g class="edge-group status-{st}" data-id="{}" data-kind="{}" data-from="{}" data-to="{}" data-status="{st}"><title>{}</title><path class="edge" d=""#,
        escape_xml(&e.id),
        e.kind.as_str(),
        escape_xml(&e.from),
        escape_xml(&e.to),
        escape_xml(&e.tooltip)
    );
    for (i, (x, y)) in e.points.iter().enumerate() {
        let _ = write!(s, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    let _ = write!(
        s,
        r#"" stroke="{stroke}" stroke-width="1.5" fill="none" marker-end="url(#arrow-{st})"/></g>"#
    );
}

fn node<'a>(s: &mut String, n: &PlacedNode, labels: impl Iterator<Item = &'a Label>) {
    let (fill, stroke) = colours(n.status);
    let st = slug(n.status);
    let r = n.rect;
    let dash = if n.kind == crate::graph::NodeKind::Group {
        r#" stroke-dasharray="4 3""#
    } else {
        ""
    };
    let _ = write!(
        s,
        r#"<g class="node kind-{kind} status-{st}" data-id="{}" data-kind="{kind}" data-status="{st}" data-step="{}"><title>{}</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>"#,
        escape_xml(&n.id),
        step_slug(n.step),
        escape_xml(&n.tooltip),
        r.x,
        r.y,
        r.w,
        r.h,
        kind = n.kind.as_str(),
    );
    // A status word for readers who cannot tell the colours apart.
    let _ = write!(
        s,
        r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{stroke}"><title>{}</title></circle>"#,
        r.right() - 10.0,
        r.y + 10.0,
        status_label(n.status)
    );
    for l in labels {
        text(s, l);
    }
    s.push_str("</g>");
}

fn text(s: &mut String, l: &Label) {
    let weight = if l.bold { r#" font-weight="bold""# } else { "" };
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="{}"{weight} fill="#202124">{}</text>"##,
        l.x,
        l.y,
        l.size,
        escape_xml(&l.text)
    );
}
