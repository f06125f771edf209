//! Maps and reports from the real lab organization after the lab plan was applied.
//!
//! `harness = false`: this binary is also the lab host. The session starts it again as
//! `<this binary> lab-host --data-dir DIR` (the contract of `fedshare lab-host`), so the test
//! talks to a real host process over the shell protocol without depending on another crate's
//! binary.

use std::time::Duration;

use fedshare_engine::reporting::{self, MapFormat, ReportFormat};
use fedshare_engine::{workflow, AppPaths, Profile, Session};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("lab-host") {
        let dir = args
            .get(3)
            .map(std::path::PathBuf::from)
            .expect("--data-dir DIR");
        std::process::exit(match fedshare_lab::host::run_stdio(&dir) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("lab host: {e}");
                1
            }
        });
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(reports_from_the_federated_lab());
    println!("reporting_lab: ok");
}

async fn reports_from_the_federated_lab() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = AppPaths::under(dir.path().to_path_buf());
    let exe = std::env::current_exe().expect("test binary");
    // More mailboxes than Get-Mailbox returns by default (1000): the counts must cover all.
    let mut world = fedshare_lab::admin::init(&paths.lab_dir, false, 0).expect("lab world");
    for i in 0..1200 {
        world.mailboxes.push(fedshare_model::Mailbox {
            identity: format!("User {i:04}"),
            primary_smtp_address: format!("user{i:04}@contoso.com"),
            sharing_policy: None,
        });
    }
    let mailboxes = world.mailboxes.len() as u64;
    world.save(&paths.lab_dir).expect("save the lab world");
    let session = Session::new(Profile::lab(), paths.clone(), exe);
    let plan = workflow::current_plan(&paths, &session)
        .await
        .expect("lab plan");
    let options = fedshare_plan::ApplyOptions {
        dns_interval: Duration::from_millis(200),
        dns_timeout: Duration::from_secs(60),
        ..Default::default()
    };
    workflow::apply(&session, &paths, &plan, options, |_| {})
        .await
        .expect("the lab plan applies");

    let input = reporting::report_input(&session, &paths, Vec::new())
        .await
        .expect("report input");
    assert!(
        !input.journal.is_empty(),
        "the journal of the apply is read"
    );
    assert!(
        input
            .applied_script
            .contains("New-OrganizationRelationship"),
        "{}",
        input.applied_script
    );
    assert!(
        input
            .undo_script
            .contains("Remove-OrganizationRelationship"),
        "{}",
        input.undo_script
    );
    let counted: u64 = input.policy_assignments.values().sum();
    assert_eq!(counted, mailboxes, "{:?}", input.policy_assignments);
    assert_eq!(input.policy_assignments.get("Fabrikam"), Some(&2));
    let domains = reporting::partner_domains(&input.state);
    assert!(domains.iter().any(|d| d == "fabrikam.com"), "{domains:?}");
    assert_eq!(
        input.partners.len(),
        input.state.organization_relationships.len()
    );

    let svg = reporting::map_svg(&input);
    assert!(svg.contains(r#"data-id="partner:fabrikam""#));
    let png = reporting::render_map(MapFormat::Png, &input).expect("png");
    assert!(png.starts_with(b"\x89PNG"));

    for format in ReportFormat::ALL {
        let bytes = reporting::render(format, &input).expect("render");
        let path = dir.path().join(format!("report.{}", format.extension()));
        reporting::write_file(&path, &bytes).expect("write");
        if format == ReportFormat::Pdf {
            // The PDF must open: pdftoppm renders its first page.
            let out = std::process::Command::new("pdftoppm")
                .args(["-png", "-r", "30", "-f", "1", "-l", "1"])
                .arg(&path)
                .arg(dir.path().join("page"))
                .output()
                .expect("pdftoppm (poppler-utils) runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let kit = reporting::partner_kit(&input, "fabrikam.com", ReportFormat::Markdown).expect("kit");
    let kit = String::from_utf8(kit).expect("utf-8");
    assert!(kit.contains("TargetApplicationUri"), "{kit}");
}
