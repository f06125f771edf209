//! Writes every report format for a fixture organization:
//! `cargo run --example write -- N OUT_DIR` (N = 0 for the three-partner Contoso).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().unwrap_or_else(|| "0".into()).parse()?;
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let input = if n == 0 {
        fedshare_report::fixtures::contoso()
    } else {
        fedshare_report::fixtures::with_partners(n)
    };
    std::fs::write(
        dir.join("report.html"),
        fedshare_report::render_html(&input),
    )?;
    std::fs::write(
        dir.join("report.md"),
        fedshare_report::render_markdown(&input),
    )?;
    std::fs::write(
        dir.join("report.json"),
        fedshare_report::render_json(&input)?,
    )?;
    std::fs::write(dir.join("report.pdf"), fedshare_report::render_pdf(&input)?)?;
    let domain = input
        .state
        .organization_relationships
        .first()
        .and_then(|r| r.domain_names.first())
        .cloned()
        .unwrap_or_default();
    std::fs::write(
        dir.join("kit.html"),
        fedshare_report::partner_kit_html(&input, &domain)?,
    )?;
    std::fs::write(
        dir.join("kit.md"),
        fedshare_report::partner_kit_markdown(&input, &domain)?,
    )?;
    Ok(())
}
