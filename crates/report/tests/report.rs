//! Every report format from fixture organizations, checked with real tools (jsonschema,
//! poppler's pdftoppm and pdftotext).

use std::process::Command;

use fedshare_model::{CheckStatus, ErrorCode, Evidence};
use fedshare_report::{
    fixtures, partner_kit, partner_kit_html, partner_kit_markdown, render_html, render_json,
    render_markdown, render_pdf, ReportInput, SCHEMA, SECTIONS,
};

const MARKER: &str = r#"<script>alert("FEDSHARE-MARKER-7f3a")</script>"#;

fn with_marker() -> ReportInput {
    let mut input = fixtures::contoso();
    let check = &mut input.checks[0];
    check.status = CheckStatus::Failure;
    check.evidence.push(Evidence {
        subject: "marker".into(),
        actual: MARKER.into(),
        expected: "[link](https://evil.example) | *x*".into(),
    });
    input.state.organization_relationships[0].name = "Fab & <rikam> 'x'".into();
    input
}

/// Values of every `src=`/`href=` attribute (single- or double-quoted).
fn references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut refs = Vec::new();
    for attr in ["src=", "href=", "xlink:href=", "action="] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(attr) {
            let start = from + pos + attr.len();
            let quote = lower.as_bytes().get(start).copied().unwrap_or(b' ');
            let rest = &lower[start + 1..];
            let end = rest.find(quote as char).unwrap_or(rest.len());
            refs.push(rest[..end].to_owned());
            from = start;
        }
    }
    refs
}

#[test]
fn html_is_self_contained_and_has_every_section() {
    for input in [fixtures::contoso(), fixtures::with_partners(500)] {
        let html = render_html(&input);
        let lower = html.to_ascii_lowercase();
        for r in references(&html) {
            assert!(r.starts_with('#'), "external or file reference {r:?}");
        }
        for banned in [
            "<script", "<link", "<iframe", "<img", "<object", "<embed", "@import", "url(http",
            "url(//", "url(data",
        ] {
            assert!(!lower.contains(banned), "found {banned}");
        }
        assert!(lower.contains("content-security-policy"));
        for (id, title) in SECTIONS {
            assert!(
                html.contains(&format!(r#"<section id="{id}">"#)),
                "section {id}"
            );
            assert!(
                html.contains(&format!(r##"<a href="#{id}">{title}</a>"##)),
                "toc entry {id}"
            );
        }
        assert!(html.contains("<svg"), "map embedded inline");
        assert!(html.contains("@media print"));
        assert!(
            html.contains("New-OrganizationRelationship -Name &#39;Fabrikam&#39;"),
            "applied cmdlets shown"
        );
        assert!(html.contains("Remove-FederationTrust"), "undo script shown");
        assert!(
            html.contains("Metadata refresh task runs nightly"),
            "acknowledgement shown"
        );
        assert!(html.contains("CONTOSO\\admin"), "journal names who");
        assert!(html.contains("1480"), "policy assignment count");
    }
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let input = with_marker();
    let html = render_html(&input);
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(&quot;FEDSHARE-MARKER-7f3a&quot;)&lt;/script&gt;"));
    assert!(html.contains("Fab &amp; &lt;rikam&gt; &#39;x&#39;"));
    assert!(
        references(&html).iter().all(|r| r.starts_with('#')),
        "a link in evidence became a reference"
    );

    let md = render_markdown(&input);
    assert!(!md.to_ascii_lowercase().contains("<script"));
    assert!(
        md.contains(r#"&lt;script&gt;alert\(\"FEDSHARE\-MARKER\-7f3a\"\)&lt;/script&gt;"#),
        "{}",
        md.lines()
            .find(|l| l.contains("MARKER"))
            .unwrap_or_default()
    );
    assert!(
        md.contains(r"\[link\]\(https://evil.example\) \| \*x\*"),
        "markdown link neutralised"
    );

    let json = render_json(&input).expect("json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("parse");
    let actual = &value["checks"][0]["evidence"][1]["actual"];
    assert_eq!(
        actual, MARKER,
        "JSON keeps the exact text (escaping is the reader's job)"
    );
}

#[test]
fn markdown_has_every_section_and_the_scripts() {
    let md = render_markdown(&fixtures::contoso());
    for (_, title) in SECTIONS {
        assert!(md.contains(&format!("\n## {title}\n")), "section {title}");
    }
    assert!(md.contains("```powershell\nNew-FederationTrust -Name 'Azure AD Authentication'"));
    assert!(md.contains("Remove-OrganizationRelationship -Identity 'Fabrikam' -Confirm:$false"));
    assert!(md.contains("Metadata refresh task runs nightly; change CHG\\-1234."));
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

#[test]
fn json_validates_against_the_published_schema() {
    let v = validator();
    let mut no_trust = fixtures::contoso();
    no_trust.state.federation_trust = None;
    no_trust.policy_assignments.clear();
    for input in [
        fixtures::contoso(),
        fixtures::with_partners(500),
        with_marker(),
        no_trust,
    ] {
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&input).expect("json")).expect("parse");
        let errors: Vec<String> = v
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(json["schemaVersion"], 1);
    }
}

#[test]
fn the_schema_rejects_what_it_does_not_describe() {
    let v = validator();
    let mut json: serde_json::Value =
        serde_json::from_str(&render_json(&fixtures::contoso()).expect("json")).expect("parse");
    json["relationships"][0]["freeBusyAccessLevel"] = "FullDetails".into();
    assert!(!v.is_valid(&json), "an access level Exchange does not have");
    let mut json: serde_json::Value =
        serde_json::from_str(&render_json(&fixtures::contoso()).expect("json")).expect("parse");
    json.as_object_mut().expect("object").remove("checks");
    assert!(!v.is_valid(&json), "a missing section");
}

fn pdf_tools_check(pdf: &[u8], needles: &[&str]) -> usize {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "30", "-f", "1", "-l", "2", "-png"])
        .arg(&path)
        .arg(&out)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm failed");
    let pngs = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
        })
        .count();
    assert!(pngs >= 1, "no page rendered");
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    for n in needles {
        assert!(text.contains(n), "PDF text lacks {n:?}");
    }
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

#[test]
fn pdf_opens_and_carries_the_cmdlets() {
    let pdf = render_pdf(&fixtures::contoso()).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_tools_check(
        &pdf,
        &[
            "New-FederationTrust -Name 'Azure AD Authentication'",
            "Remove-FederationTrust",
            "Federation trust and certificate",
            "Fabrikam",
        ],
    );
    assert!(pages >= 3, "{pages} pages");
}

#[test]
fn pdf_paginates_a_500_partner_organization() {
    let pdf = render_pdf(&fixtures::with_partners(500)).expect("pdf");
    let pages = pdf_tools_check(
        &pdf,
        &["Partner 500", "Set-FederatedOrganizationIdentifier"],
    );
    assert!(pages > 10, "{pages} pages");
}

#[test]
fn partner_kit_names_everything_the_partner_needs() {
    let input = fixtures::contoso();
    let kit = partner_kit(&input, "fabrikam.com").expect("kit");
    assert_eq!(kit.application_uri, "FYDIBOHF25SPDLT.contoso.com");
    assert_eq!(
        kit.autodiscover_endpoint,
        "https://autodiscover.contoso.com/autodiscover/autodiscover.svc/WSSecurity"
    );
    assert_eq!(
        kit.command,
        "New-OrganizationRelationship -Name 'Contoso' -DomainNames 'contoso.com','sales.contoso.com' -FreeBusyAccessEnabled $true -FreeBusyAccessLevel LimitedDetails -TargetApplicationUri 'FYDIBOHF25SPDLT.contoso.com' -TargetAutodiscoverEpr 'https://autodiscover.contoso.com/autodiscover/autodiscover.svc/WSSecurity'"
    );
    let html = partner_kit_html(&input, "fabrikam.com").expect("html");
    assert!(html.contains("contoso.com, sales.contoso.com"));
    assert!(html.contains("New-OrganizationRelationship -Name &#39;Contoso&#39;"));
    assert!(references(&html).is_empty() && !html.to_ascii_lowercase().contains("<script"));
    let md = partner_kit_markdown(&input, "FABRIKAM.COM").expect("md");
    assert!(
        md.contains(&kit.command),
        "the command is copyable verbatim from the code block"
    );
    assert!(md.contains("FYDIBOHF25SPDLT.contoso.com"));
    // The partner is asked to prove the reverse direction, and told how.
    assert!(md.contains("prove free/busy in your direction"), "{md}");
    assert!(
        md.contains(
            "fedshare freebusy --from <your user>@fabrikam.com --to <our user>@contoso.com"
        ),
        "{md}"
    );
    assert!(html.contains("prove free/busy in your direction"));
}

#[test]
fn partner_kit_quotes_hostile_names_and_refuses_unknown_partners() {
    let mut input = fixtures::contoso();
    input.state.organization_name = "Contoso'; Remove-Mailbox -Identity * #".into();
    let kit = partner_kit(&input, "adatum.com").expect("kit");
    assert!(
        kit.command.starts_with(
            "New-OrganizationRelationship -Name 'Contoso''; Remove-Mailbox -Identity * #' "
        ),
        "{}",
        kit.command
    );
    let err = partner_kit(&input, "unknown.example").expect_err("unknown");
    assert_eq!(err.code(), "report.unknown_partner");
}
