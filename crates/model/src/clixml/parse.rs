//! Reading CLIXML into [`PsValue`]s. (Being written: see the module documentation.)

use super::PsValue;

/// Why a CLIXML document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClixmlError {
    #[error("the CLIXML document is not well-formed XML: {0}")]
    Xml(String),
    #[error("the CLIXML document has an unexpected shape: {0}")]
    Shape(String),
}

/// The top-level objects of one `<Objs>` document.
pub fn parse(_document: &str) -> Result<Vec<PsValue>, ClixmlError> {
    Err(ClixmlError::Shape("the CLIXML reader is not written yet".into()))
}
