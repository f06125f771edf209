//! The relationship map: the organization's federated sharing drawn as a graph.
//!
//! [`Graph::build`] turns the observed state, the latest check results and the partner facts into
//! nodes and edges that each carry a check status; [`layout::layout`] places them
//! deterministically (same input, byte-identical picture) for 1 to 500+ partners;
//! [`svg::render_svg`] draws them and [`png::render_png`] rasterises the SVG with resvg.

pub mod error;
pub mod fixtures;
pub mod graph;
pub mod layout;
pub mod partner;
pub mod png;
pub mod status;
pub mod svg;
pub mod text;

pub use error::MapError;
pub use graph::{Detail, Edge, EdgeKind, Graph, Node, NodeKind};
pub use layout::{layout, Label, Layout, LayoutOptions, PlacedEdge, PlacedNode, Rect};
pub use partner::PartnerInfo;
pub use png::{render_png, svg_options};
pub use svg::render_svg;

use fedshare_model::{CheckResult, OrgState};

/// Graph, layout and SVG in one call: what the app, the CLI and the reports show.
pub fn map_svg(state: &OrgState, checks: &[CheckResult], partners: &[PartnerInfo]) -> String {
    let graph = Graph::build(state, checks, partners);
    render_svg(&layout(&graph, &LayoutOptions::default()))
}
