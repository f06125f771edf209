//! The explainer against the reference's own error table (copied into a fixture), and its
//! tolerance for the ways an error reaches an administrator (case, wrapping, quotes, ids).

use fedshare_checks::explain;
use fedshare_checks::explain::known_causes;

const FIXTURE: &str = include_str!("fixtures/reference-errors.tsv");

fn first(text: &str) -> Option<String> {
    explain(text).first().map(|e| e.id.clone())
}

#[test]
fn every_reference_error_maps_to_its_cause() {
    let rows: Vec<(&str, &str)> = FIXTURE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once('\t').expect("cause<TAB>text"))
        .collect();
    assert!(rows.len() >= 50, "the whole table: {}", rows.len());
    let mut wrong = Vec::new();
    for (cause, text) in &rows {
        let got = explain(text);
        if got.first().map(|e| e.id.as_str()) != Some(*cause) {
            wrong.push(format!(
                "{text:?}: expected {cause}, got {:?}",
                got.iter().map(|e| &e.id).collect::<Vec<_>>()
            ));
        }
        for e in &got {
            assert!(!e.fixes.is_empty(), "{} has no fix", e.id);
            assert!(!e.matched.is_empty());
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // Every cause the explainer knows is exercised by the table, or (for errors the
    // reference does not list, such as Windows DNS Server's) by a test of its own below.
    for id in known_causes() {
        assert!(
            rows.iter().any(|(c, _)| *c == id)
                || [
                    "mismatched-sts",
                    "non-interactive-prompt",
                    "relationship-targets-differ",
                    "token-request",
                    "windows-dns-record-exists",
                    "windows-dns-zone-missing",
                    "windows-dns-tools-missing",
                ]
                .contains(&id),
            "{id} untested"
        );
    }
}

#[test]
fn matching_tolerates_case_wrapping_quotes_and_ids() {
    let shell = "Set-FederatedOrganizationIdentifier : PROOF of domain\r\n    ownership   has failed.\n+ CategoryInfo : InvalidOperation, DomainProofOwnershipException";
    assert_eq!(first(shell).as_deref(), Some("proof-failed"));
    assert_eq!(
        first("error Ex15B18C").as_deref(),
        Some("federation-information-failed")
    );
    assert_eq!(
        first("System.Exception: getfederationinformationfailedexception").as_deref(),
        Some("federation-information-failed")
    );
    assert_eq!(
        first("You don’t have permission to see free/busy information for this attendee")
            .as_deref(),
        Some("no-free-busy-access")
    );
    assert_eq!(
        first("Test-OrganizationRelationship: Id ApplicationUrisDiffer Error").as_deref(),
        Some("relationship-targets-differ")
    );
    // Error codes match as whole words only, not inside other numbers.
    assert_eq!(first("request 150371 completed"), None);
    assert!(explain("everything is fine").is_empty());
}

#[test]
fn an_explanation_names_the_checks_that_confirm_it() {
    let e = &explain("Proof of domain ownership has failed")[0];
    assert!(e.confirm_with.contains(&"domain.proof:<domain>".to_owned()));
    let e = &explain("Failed to validate delegation token.")[0];
    assert!(e.confirm_with.contains(&"trust.metadata-fresh".to_owned()));
    assert!(e.fixes[0].commands[0].contains("RefreshMetadata"));
}

#[test]
fn windows_dns_errors_explain_themselves() {
    assert_eq!(
        first("Add-DnsServerResourceRecord failed: Failed to create resource record autodiscover in zone contoso.com on server DC01. (CimException, WIN32 9711,Add-DnsServerResourceRecord)").as_deref(),
        Some("windows-dns-record-exists")
    );
    assert_eq!(
        first("Failed to get the zone information for example.org on server DC01.").as_deref(),
        Some("windows-dns-zone-missing")
    );
    let missing = explain("Add-DnsServerResourceRecord is not available on this computer: install the DNS Server Tools (Fedshare.NotAvailable)");
    assert_eq!(missing[0].id, "windows-dns-tools-missing");
    assert!(missing[0].fixes[0].commands[0].contains("Rsat.Dns.Tools"));
}

#[test]
fn a_prompt_in_the_non_interactive_session_points_at_trusted_host_names() {
    // As Windows PowerShell reports a ShouldContinue that reaches a -NonInteractive host
    // (Get-FederationInformation for a partner behind an unsecured redirect).
    let text = "Get-FederationInformation : Windows PowerShell is in NonInteractive mode. Read and\r\n Prompt functionality is not available.\n    + CategoryInfo : InvalidOperation: (:) [Get-FederationInformation], PSInvalidOperationException";
    let got = explain(text);
    assert_eq!(got[0].id, "non-interactive-prompt", "{got:?}");
    let fixes: Vec<String> = got[0].fixes.iter().map(|f| f.summary.clone()).collect();
    assert!(fixes[0].contains("trusted host names"), "{fixes:?}");
    assert!(fixes[1].contains("certificate"), "{fixes:?}");
    assert!(got[0].fixes[0].commands[0].contains("trusted_hostnames"));
}
