//! PNG through resvg, with the system fonts (DejaVu on Debian). Without any font the shapes are
//! still drawn; text is then simply absent.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
pub use resvg::usvg;
use resvg::usvg::{fontdb, ImageHrefResolver};

use crate::error::MapError;

/// Largest side in pixels; past this the allocation is refused instead of risking memory.
pub const MAX_SIDE: u32 = 16_384;

/// The system fonts, loaded once per process (loading takes tens of milliseconds).
pub fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            // DejaVu where it is installed (Debian); elsewhere fontdb's own per-OS default
            // stays (Arial on Windows, which has no DejaVu: forcing it left PDFs without a font).
            let has_dejavu = db
                .faces()
                .any(|face| face.families.iter().any(|(name, _)| name == "DejaVu Sans"));
            if has_dejavu {
                db.set_sans_serif_family("DejaVu Sans");
            }
            Arc::new(db)
        })
        .clone()
}

/// Parsing options shared by PNG and PDF output: system fonts, and no access to files or
/// data URLs from `<image>` (the map never has one; refusing keeps any SVG inert).
pub fn svg_options() -> usvg::Options<'static> {
    usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".into(),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// Parses an SVG with [`svg_options`].
pub fn parse_svg(svg: &str) -> Result<usvg::Tree, MapError> {
    usvg::Tree::from_str(svg, &svg_options()).map_err(MapError::SvgParse)
}

/// Rasterises `svg` at `scale` (1.0 = one pixel per SVG unit) with the system fonts.
pub fn render_png(svg: &str, scale: f32) -> Result<Vec<u8>, MapError> {
    render_png_with_fonts(svg, scale, fonts())
}

/// Rasterises with the given fonts; an empty database still draws every shape.
pub fn render_png_with_fonts(
    svg: &str,
    scale: f32,
    fontdb: Arc<fontdb::Database>,
) -> Result<Vec<u8>, MapError> {
    let options = usvg::Options {
        fontdb,
        ..svg_options()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(MapError::SvgParse)?;
    let size = tree.size();
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let too_big = || MapError::ImageSize {
        width,
        height,
        limit: MAX_SIDE,
    };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(too_big());
    }
    let mut pixmap = Pixmap::new(width, height).ok_or_else(too_big)?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| MapError::PngEncode(std::io::Error::other(e.to_string())))
}
