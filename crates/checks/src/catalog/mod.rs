//! The catalogue: pure functions from [`Inputs`] to check results, one module per concept.
//!
//! Ids are stable (`trust.present`, `domain.proof:<domain>`, ...): acknowledgements and drift
//! refer to them, so an id is never reused for another meaning.

mod clock;
mod dns;
mod endpoint;
mod orgid;
mod partner;
mod policy;
mod relationship;
mod test_cmdlets;
mod trust;
mod vdir;

use fedshare_model::CheckResult;

use crate::inputs::Inputs;

/// Every check over one set of inputs, grouped by wizard step in the order the steps run.
pub fn run_checks(inputs: &Inputs) -> Vec<CheckResult> {
    let mut out = Vec::new();
    out.extend(vdir::checks(inputs));
    out.push(clock::check_skew(inputs));
    out.extend(trust::checks(inputs));
    out.extend(orgid::checks(inputs));
    out.extend(test_cmdlets::trust_checks(inputs));
    out.extend(relationship::checks(inputs));
    out.extend(partner::checks(inputs));
    out.extend(test_cmdlets::relationship_checks(inputs));
    out.extend(policy::checks(inputs));
    out.extend(dns::checks(inputs));
    out.extend(endpoint::checks(inputs));
    out
}

/// Whether the catalogue can produce a check with this id (acknowledgements name only such).
pub fn is_catalogue_id(id: &str) -> bool {
    ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// Every id prefix the catalogue can produce, for validating acknowledgements.
pub const ID_PREFIXES: &[&str] = &[
    "vdir.",
    "clock.",
    "trust.",
    "orgid.",
    "domain.",
    "test-federationtrust.",
    "test-federationtrustcertificate.",
    "test-organizationrelationship.",
    "relationship.",
    "partner.",
    "policy.",
    "dns.",
    "endpoint.",
];
