//! Exchange's size limits for organization relationships, flagged before Exchange refuses
//! them: at most 238 domains per request (New-/Set-OrganizationRelationship), and at most 250
//! subfilters in the recipient filter Exchange builds from the relationship (each domain is
//! at least one; the relationship's other conditions add more), which one field case hit with
//! "The total number of explicit and implicit subfilters exceeds maximum allowed number of
//! 250." So a relationship is refused above 238 domains and warned from 200, leaving room for
//! a partner that adds domains and for the implicit subfilters.

use fedshare_model::{CheckResult, CheckStatus, Evidence, Fix, Severity, StepKind};

use crate::file::SharingPlan;

/// `New-OrganizationRelationship -DomainNames` takes at most this many domains.
pub const MAX_DOMAINS: usize = 238;
/// Exchange's limit on the subfilters of the filter it builds.
pub const MAX_SUBFILTERS: usize = 250;
/// From here on a relationship is near the limits.
pub const WARN_DOMAINS: usize = 200;

/// One check per planned relationship with many domains (none for small ones).
pub fn relationship_sizes(plan: &SharingPlan) -> Vec<CheckResult> {
    plan.relationships
        .iter()
        .filter(|r| r.domains.len() >= WARN_DOMAINS)
        .map(|r| size_check(&r.name, r.domains.len()))
        .collect()
}

/// Planning stops before Exchange would: a relationship over [`MAX_DOMAINS`] domains.
pub fn refuse_oversized(plan: &SharingPlan) -> Result<(), crate::PlanError> {
    match plan.relationships.iter().find(|r| r.domains.len() > MAX_DOMAINS) {
        Some(r) => Err(crate::PlanError::Refused {
            exception: "DomainNames".into(),
            reason: format!("the relationship \"{}\" lists {} domains, and Exchange takes at most {MAX_DOMAINS} per request (and 250 subfilters in all); split them over two relationships", r.name, r.domains.len()),
        }),
        None => Ok(()),
    }
}

fn size_check(name: &str, domains: usize) -> CheckResult {
    let status = if domains > MAX_DOMAINS {
        CheckStatus::Failure
    } else {
        CheckStatus::Warning
    };
    CheckResult {
        id: format!("prereq.relationship-size:{name}"),
        title: format!("The relationship \"{name}\" stays within Exchange's domain limits"),
        step: StepKind::Prerequisites,
        severity: Severity::Error,
        status,
        subject: Some(name.to_owned()),
        evidence: vec![Evidence {
            subject: "[[relationships]] domains".into(),
            actual: format!("{domains} domains"),
            expected: format!("at most {MAX_DOMAINS} (warned from {WARN_DOMAINS}; at most {MAX_SUBFILTERS} subfilters in all)"),
        }],
        explanation: format!("Exchange refuses an organization relationship with more than {MAX_DOMAINS} domains in one request, and one whose filter has more than {MAX_SUBFILTERS} subfilters (\"The total number of explicit and implicit subfilters exceeds maximum allowed number of 250\")."),
        fix: Some(Fix {
            summary: "Split the partner's domains over two relationships (each under 200 domains), or leave out the domains no user mails from.".into(),
            commands: Vec::new(),
        }),
        doc_link: "https://learn.microsoft.com/en-us/powershell/module/exchange/new-organizationrelationship".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_and_over_the_limit_are_flagged() {
        assert_eq!(size_check("P", 200).status, CheckStatus::Warning);
        assert_eq!(size_check("P", 238).status, CheckStatus::Warning);
        assert_eq!(size_check("P", 239).status, CheckStatus::Failure);
    }
}
