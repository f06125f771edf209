//! Setup reports for change boards and auditors: HTML, Markdown, JSON, PDF and the partner kit.
//!
//! Every format is rendered from one [`Report`] built from a [`ReportInput`], so they always
//! carry the same sections in the same order (see [`SECTIONS`]).

pub mod document;
pub mod error;
pub mod escape;
pub mod fixtures;
pub mod html;
pub mod input;
pub mod json;
pub mod kit;
pub mod markdown;
pub mod pdf;
mod pdf_layout;
pub mod section;

pub use document::{Report, SCHEMA_VERSION, SECTIONS};
pub use error::ReportError;
pub use fedshare_map::PartnerInfo;
pub use html::render_html;
pub use input::{Acknowledgement, ReportInput};
pub use json::{render_json, SCHEMA};
pub use kit::{partner_kit, partner_kit_html, partner_kit_markdown, PartnerKit};
pub use markdown::render_markdown;
pub use pdf::render_pdf;
