//! Writes the map of a fixture organization: `cargo run --example render -- N OUT.svg|OUT.png`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().unwrap_or_else(|| "10".into()).parse()?;
    let out = args.next().unwrap_or_else(|| "map.svg".into());
    let f = if n == 0 {
        fedshare_map::fixtures::contoso()
    } else {
        fedshare_map::fixtures::with_partners(n)
    };
    let svg = fedshare_map::map_svg(&f.state, &f.checks, &f.partners);
    if out.ends_with(".png") {
        std::fs::write(&out, fedshare_map::render_png(&svg, 1.0)?)?;
    } else {
        std::fs::write(&out, svg)?;
    }
    Ok(())
}
