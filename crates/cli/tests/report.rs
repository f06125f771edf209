//! `fedshare map` and `fedshare report` against the federated lab organization: every format,
//! opened by independent tools where they exist.

mod common;

use common::{fedshare, plan_path, succeed};
use std::process::Command;

fn federated_lab() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    succeed(dir.path(), &["apply", &plan_path(), "--yes"]);
    dir
}

#[test]
fn map_and_every_report_format() {
    let lab = federated_lab();
    let data = lab.path();
    let file = |name: &str| data.join(name).display().to_string();

    succeed(data, &["map", "-o", &file("map.svg")]);
    let svg = std::fs::read_to_string(data.join("map.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "an SVG"
    );
    assert!(
        svg.contains("data-id=\"partner:fabrikam\""),
        "Fabrikam is on the map"
    );

    succeed(data, &["map", "-o", &file("map.png")]);
    assert!(std::fs::read(data.join("map.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));

    succeed(data, &["report", "-o", &file("report.html")]);
    let html = std::fs::read_to_string(data.join("report.html")).unwrap();
    for external in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "<script",
        "@import",
    ] {
        assert!(
            !html.contains(external),
            "the HTML report references {external}"
        );
    }
    assert!(
        html.contains("New-FederationTrust"),
        "the cmdlets run are in the report"
    );

    succeed(data, &["report", "-o", &file("report.pdf")]);
    let pages = Command::new("pdftoppm")
        .args(["-png", "-r", "30", "-f", "1", "-l", "1"])
        .arg(data.join("report.pdf"))
        .arg(data.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) must be installed: run `make deps`");
    assert!(pages.success(), "pdftoppm could not open the PDF");

    succeed(data, &["report", "-o", &file("report.md")]);
    let md = std::fs::read_to_string(data.join("report.md")).unwrap();
    assert!(md.contains("# ") && md.contains("Fabrikam"));

    succeed(data, &["report", "-o", &file("report.json")]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("report.json")).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(fedshare_report::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "the JSON report breaks its schema: {errors:?}"
    );

    succeed(
        data,
        &[
            "report",
            "--partner-kit",
            "fabrikam.com",
            "-o",
            &file("kit.md"),
        ],
    );
    let kit = std::fs::read_to_string(data.join("kit.md")).unwrap();
    assert!(
        kit.contains("FYDIBOHF25SPDLT.contoso.com"),
        "our ApplicationUri"
    );
    assert!(kit.contains("New-OrganizationRelationship"));
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = fedshare(dir.path(), &["report", "-o", "report.docx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".html, .pdf, .md or .json"));
}
