//! Errors of the map crate, with stable codes.

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The SVG could not be parsed back (it is generated here, so this is a bug, not bad input).
    #[error("the map SVG could not be parsed")]
    SvgParse(#[source] resvg::usvg::Error),
    /// The requested PNG would be too large (or empty) to allocate.
    #[error("a {width}×{height} pixel PNG cannot be created (limit {limit} pixels per side)")]
    ImageSize { width: u32, height: u32, limit: u32 },
    #[error("the PNG could not be encoded")]
    PngEncode(#[source] std::io::Error),
}

impl ErrorCode for MapError {
    fn code(&self) -> &'static str {
        match self {
            MapError::SvgParse(_) => "map.svg_parse",
            MapError::ImageSize { .. } => "map.image_size",
            MapError::PngEncode(_) => "map.png_encode",
        }
    }
}
