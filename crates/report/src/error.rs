//! Errors of the report crate, with stable codes.

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "no organization relationship names the domain {0:?}, so there is no partner kit for it"
    )]
    UnknownPartner(String),
    #[error("no usable font was found for the PDF (install fonts-dejavu-core)")]
    NoFont,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the map could not be drawn into the PDF")]
    Map(#[source] fedshare_map::MapError),
    #[error("the JSON report could not be serialised")]
    Json(#[source] serde_json::Error),
}

impl ErrorCode for ReportError {
    fn code(&self) -> &'static str {
        match self {
            ReportError::UnknownPartner(_) => "report.unknown_partner",
            ReportError::NoFont => "report.no_font",
            ReportError::Pdf(_) => "report.pdf",
            ReportError::Map(_) => "report.map",
            ReportError::Json(_) => "report.json",
        }
    }
}
