//! JSON in the documented, versioned shape of `schema/report-v1.schema.json`.

use crate::document::Report;
use crate::error::ReportError;
use crate::input::ReportInput;

/// The JSON Schema (draft 2020-12) of the JSON report, version 1.
pub const SCHEMA: &str = include_str!("../schema/report-v1.schema.json");

pub fn render_json(input: &ReportInput) -> Result<String, ReportError> {
    json_document(&Report::build(input))
}

pub fn json_document(report: &Report) -> Result<String, ReportError> {
    serde_json::to_string_pretty(report).map_err(ReportError::Json)
}
