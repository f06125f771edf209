//! The world as it is *reported*: stored state with the active [`Break`]s applied.

use fedshare_model::{SharingPolicy, VirtualDirectory};
use time::OffsetDateTime;

use crate::breaks::Break;
use crate::partners::Partner;
use crate::world::{Relationship, StoredCertificate, World};
use crate::zones::Zone;

/// A proof TXT value: Base64 of a 64-byte SHA-512 digest (88 characters ending in `==`).
pub fn looks_like_proof(value: &str) -> bool {
    value.len() == 88 && value.ends_with("==")
}

/// One character changed, as a typo in the DNS console would.
fn mistype(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    if let Some(c) = chars.get_mut(10) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

/// The zone data the lab serves.
pub fn effective_zones(world: &World) -> Vec<Zone> {
    let mut zones = world.zones.clone();
    let missing = world.has_break(Break::ProofMissing);
    let mistyped = world.has_break(Break::ProofMistyped);
    for zone in &mut zones {
        if missing {
            zone.records
                .retain(|r| !(r.rtype == "TXT" && looks_like_proof(&r.value)));
        } else if mistyped {
            for r in zone
                .records
                .iter_mut()
                .filter(|r| r.rtype == "TXT" && looks_like_proof(&r.value))
            {
                r.value = mistype(&r.value);
            }
        }
    }
    zones
}

/// Whether the certificate is one the trust uses (so federation breaks apply to it).
fn is_trust_certificate(world: &World, thumbprint: &str) -> bool {
    world.federation_trusts.iter().any(|t| {
        [
            &t.org_priv_certificate,
            &t.org_next_priv_certificate,
            &t.org_prev_priv_certificate,
        ]
        .into_iter()
        .flatten()
        .any(|tp| tp.eq_ignore_ascii_case(thumbprint))
    })
}

pub fn effective_certificate(
    world: &World,
    cert: &StoredCertificate,
    now: OffsetDateTime,
) -> StoredCertificate {
    let mut cert = aged(world, cert);
    let federation = cert.services.iter().any(|s| s == "Federation");
    if world.has_break(Break::CertExpired)
        && (federation || is_trust_certificate(world, &cert.thumbprint))
    {
        cert.not_after = crate::timefmt::rfc3339(now - time::Duration::days(3));
    }
    cert
}

/// The lab's clock: real time moved forward by `lab clock`. New certificates are dated by it,
/// so they are fresh when every older one has aged.
pub fn lab_now(world: &World, now: OffsetDateTime) -> OffsetDateTime {
    now + time::Duration::days(world.clock_days)
}

/// A date as seen from outside the lab: moved back by the lab clock's advance.
pub fn aged_time(world: &World, text: &str) -> String {
    match crate::timefmt::parse(text) {
        Some(t) if world.clock_days != 0 => {
            crate::timefmt::rfc3339(t - time::Duration::days(world.clock_days))
        }
        _ => text.to_owned(),
    }
}

fn aged(world: &World, cert: &StoredCertificate) -> StoredCertificate {
    let mut cert = cert.clone();
    cert.not_before = aged_time(world, &cert.not_before);
    cert.not_after = aged_time(world, &cert.not_after);
    cert
}

pub fn effective_vdir(world: &World, vdir: &VirtualDirectory) -> VirtualDirectory {
    let mut vdir = vdir.clone();
    if world.has_break(Break::WssecurityOff) {
        vdir.ws_security_authentication = false;
    }
    vdir
}

pub fn effective_relationships(world: &World) -> Vec<Relationship> {
    let mut rels = world.organization_relationships.clone();
    if world.has_break(Break::DuplicateDomain) {
        let domain = rels
            .first()
            .and_then(|r| r.domain_names.first().cloned())
            .unwrap_or_else(|| "fabrikam.com".into());
        let mut dup = Relationship::new("Legacy Partner Relationship", vec![domain]);
        dup.free_busy_access_enabled = true;
        dup.free_busy_access_level = fedshare_model::FreeBusyAccessLevel::AvailabilityOnly;
        rels.push(dup);
    }
    if world.has_break(Break::RelationshipDisabled) {
        for rel in rels.iter_mut().filter(|r| {
            r.domain_names
                .iter()
                .any(|d| d.eq_ignore_ascii_case(BROKEN_PARTNER))
        }) {
            rel.enabled = false;
        }
    }
    rels
}

/// The partner the partner-side breaks act on.
pub const BROKEN_PARTNER: &str = "fabrikam.com";

/// Whether the partner's EWS takes WS-Security tokens (its `WSSecurityAuthentication`).
pub fn partner_ews_ws_security(world: &World, domain: &str) -> bool {
    !(world.has_break(Break::PartnerWssecurityOff) && domain.eq_ignore_ascii_case(BROKEN_PARTNER))
}

pub fn effective_policies(world: &World) -> Vec<SharingPolicy> {
    let mut policies = world.sharing_policies.clone();
    if world.has_break(Break::ContradictoryPolicy) {
        policies.push(SharingPolicy {
            name: "Contoso Partners Policy".into(),
            domains: vec!["*:CalendarSharingFreeBusyReviewer,ContactsSharing".into()],
            enabled: true,
            default: true,
        });
    }
    policies
}

pub fn effective_partners(world: &World) -> Vec<Partner> {
    let mut partners = world.partners.clone();
    if world.has_break(Break::PartnerTargetMismatch) {
        if let Some(p) = partners.iter_mut().find(|p| p.has_domain("fabrikam.com")) {
            p.application_uri = "FYDIBOHF25SPDLT.fabrikam-corp.com".into();
        }
    }
    if world.has_break(Break::PartnerNoAccess) {
        if let Some(p) = partners.iter_mut().find(|p| p.has_domain(BROKEN_PARTNER)) {
            p.relationship_to_us = None;
        }
    }
    partners
}

/// True when the server clock is more than 5 minutes off (token requests fail).
pub fn clock_skewed(world: &World) -> bool {
    world.has_break(Break::ClockSkew)
}

/// How far ahead the lab's server clock runs under the clock-skew break, in seconds.
pub const CLOCK_SKEW_SECONDS: i64 = 7 * 60 + 12;

/// The lab server's clock minus real time.
pub fn clock_offset_seconds(world: &World) -> i64 {
    if clock_skewed(world) {
        CLOCK_SKEW_SECONDS
    } else {
        0
    }
}
