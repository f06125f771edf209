//! Report inputs built in code from the map fixtures, for tests and benchmarks.

use std::collections::BTreeMap;

use fedshare_map::fixtures;
use fedshare_model::{JournalEntry, JournalOutcome};

use crate::input::{Acknowledgement, ReportInput};

const APPLIED: &str = "New-FederationTrust -Name 'Azure AD Authentication' -Thumbprint '8F2C4A1B9D3E5F60718293A4B5C6D7E8F9012345'\nSet-FederatedOrganizationIdentifier -DelegationFederationTrust 'Azure AD Authentication' -AccountNamespace 'contoso.com' -Enabled $true\nNew-OrganizationRelationship -Name 'Fabrikam' -DomainNames 'fabrikam.com' -FreeBusyAccessEnabled $true -FreeBusyAccessLevel LimitedDetails\n";
const UNDO: &str = "Remove-OrganizationRelationship -Identity 'Fabrikam' -Confirm:$false\nSet-FederatedOrganizationIdentifier -Enabled $false\nRemove-FederationTrust -Identity 'Azure AD Authentication' -Confirm:$false\n";

fn journal() -> Vec<JournalEntry> {
    APPLIED
        .lines()
        .enumerate()
        .map(|(i, line)| JournalEntry {
            at: format!("2025-11-26T10:0{i}:00Z"),
            by: "CONTOSO\\admin".into(),
            step_id: format!("step-{}", i + 1),
            title: line.split(' ').next().unwrap_or_default().to_owned(),
            commands: vec![line.to_owned()],
            outcome: JournalOutcome::Applied,
            before: None,
            error: None,
        })
        .collect()
}

fn from(f: fixtures::Fixture) -> ReportInput {
    let acknowledgements = vec![Acknowledgement {
        check_id: "trust.metadata-fresh".into(),
        reason: "Metadata refresh task runs nightly; change CHG-1234.".into(),
        expires: "2026-01-31".into(),
    }];
    let policy_assignments = BTreeMap::from([
        ("Default Sharing Policy".to_owned(), 1480),
        ("Fabrikam partners".to_owned(), 20),
    ]);
    ReportInput {
        state: f.state,
        checks: f.checks,
        journal: journal(),
        applied_script: APPLIED.into(),
        undo_script: UNDO.into(),
        partners: f.partners,
        acknowledgements,
        generated_at: "2025-11-26T12:00:00Z".into(),
        generated_by: "CONTOSO\\admin".into(),
        policy_assignments,
    }
}

/// Healthy Contoso with three partners, a journal, scripts and one acknowledgement.
pub fn contoso() -> ReportInput {
    from(fixtures::contoso())
}

/// Contoso with `n` generated partners.
pub fn with_partners(n: usize) -> ReportInput {
    from(fixtures::with_partners(n))
}
