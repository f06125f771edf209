//! Faults the lab can apply to itself so diagnostics have something real to find.
//!
//! A break never rewrites the stored configuration: it is applied when the lab *reports* state
//! (`Get-*` output, the zone data it serves, the partner answers), so clearing it restores the
//! world exactly.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Break {
    /// Every published proof TXT value has one character changed.
    ProofMistyped,
    /// Published proof TXT records are withheld from the zone data.
    ProofMissing,
    /// The federation certificates report a NotAfter in the past.
    CertExpired,
    /// The trust's copy of the broker metadata is out of date (`FederationMetadata` error).
    MetadataStale,
    /// WSSecurityAuthentication is off on the Autodiscover and EWS virtual directories.
    WssecurityOff,
    /// The server clock is more than 5 minutes off, so token requests fail.
    ClockSkew,
    /// A second organization relationship lists a domain that another one already has.
    DuplicateDomain,
    /// Fabrikam's Autodiscover answers with an ApplicationUri that differs from what the
    /// relationship stores.
    PartnerTargetMismatch,
    /// Two sharing policies both claim to be the default.
    ContradictoryPolicy,
    /// The Microsoft Federation Gateway cannot be reached: Remove-FederatedDomain cannot
    /// release the domain there and fails unless given -Force.
    GatewayUnreachable,
    /// Fabrikam's relationship no longer lists Contoso's domains for free/busy: its EWS answers
    /// Contoso's requests with NoFreeBusyAccess (5037).
    PartnerNoAccess,
    /// WSSecurityAuthentication is off on Fabrikam's EWS virtual directory: its
    /// `/EWS/Exchange.asmx/WSSecurity` offers only Windows authentication (401).
    PartnerWssecurityOff,
    /// Contoso's organization relationship with Fabrikam is disabled (`Enabled` false).
    RelationshipDisabled,
}

impl Break {
    pub const ALL: [Break; 13] = [
        Break::ProofMistyped,
        Break::ProofMissing,
        Break::CertExpired,
        Break::MetadataStale,
        Break::WssecurityOff,
        Break::ClockSkew,
        Break::DuplicateDomain,
        Break::PartnerTargetMismatch,
        Break::ContradictoryPolicy,
        Break::GatewayUnreachable,
        Break::PartnerNoAccess,
        Break::PartnerWssecurityOff,
        Break::RelationshipDisabled,
    ];

    /// The kebab-case name used on the command line and in the state file.
    pub fn name(self) -> &'static str {
        match self {
            Break::ProofMistyped => "proof-mistyped",
            Break::ProofMissing => "proof-missing",
            Break::CertExpired => "cert-expired",
            Break::MetadataStale => "metadata-stale",
            Break::WssecurityOff => "wssecurity-off",
            Break::ClockSkew => "clock-skew",
            Break::DuplicateDomain => "duplicate-domain",
            Break::PartnerTargetMismatch => "partner-target-mismatch",
            Break::ContradictoryPolicy => "contradictory-policy",
            Break::GatewayUnreachable => "gateway-unreachable",
            Break::PartnerNoAccess => "partner-no-access",
            Break::PartnerWssecurityOff => "partner-wssecurity-off",
            Break::RelationshipDisabled => "relationship-disabled",
        }
    }

    pub fn from_name(name: &str) -> Option<Break> {
        Break::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether the effect lives in DNS data (served by labnet) rather than the organization.
    pub fn is_dns(self) -> bool {
        matches!(self, Break::ProofMistyped | Break::ProofMissing)
    }
}

/// Three-way merge of break lists: `theirs` (the state file, written by `lab break`/`lab fix`)
/// with `ours` (a running host's) changes since `base` (the file as the host last saw it)
/// applied on top. A break the host cleared itself (e.g. republishing a TXT record repairs
/// the proof breaks) stays cleared; one another process added or removed since is taken over.
pub fn merge(base: &[Break], ours: &[Break], theirs: &[Break]) -> Vec<Break> {
    let cleared_by_us = |b: &Break| base.contains(b) && !ours.contains(b);
    let mut merged: Vec<Break> = theirs
        .iter()
        .filter(|b| !cleared_by_us(b))
        .copied()
        .collect();
    for b in ours {
        if !base.contains(b) && !merged.contains(b) {
            merged.push(*b);
        }
    }
    merged
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_name() {
        for b in Break::ALL {
            let json = serde_json::to_string(&b).expect("serialise");
            assert_eq!(json, format!("\"{}\"", b.name()));
            assert_eq!(Break::from_name(b.name()), Some(b));
        }
        assert_eq!(Break::from_name("no-such-break"), None);
    }

    #[test]
    fn merge_keeps_both_sides_changes() {
        use Break::*;
        // Unchanged here: the file wins (a `lab break` and a `lab fix` since).
        assert_eq!(
            merge(&[ClockSkew], &[ClockSkew], &[ProofMissing]),
            [ProofMissing]
        );
        // Unchanged there: ours win.
        assert!(merge(&[ProofMissing], &[], &[ProofMissing]).is_empty());
        // Both: our clearing and their new break.
        assert_eq!(
            merge(&[ProofMissing], &[CertExpired], &[ProofMissing, ClockSkew]),
            [ClockSkew, CertExpired]
        );
        assert_eq!(merge(&[], &[ClockSkew], &[ClockSkew]), [ClockSkew]);
    }
}
