//! What `GetFederationInformation` answers for a domain in the lab: partner organizations
//! from the partner table, Contoso itself from its own federation state. The lab HTTPS
//! endpoints (labnet) must serve the same answers; [`own_answer`] is what they publish for us.

use fedshare_exchange::ws_security_url;
use serde::{Deserialize, Serialize};

use crate::partners::{BUSINESS_TOKEN_EPR, BUSINESS_TOKEN_ISSUER};
use crate::views;
use crate::world::World;
use crate::zones::{resolves, Zone};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationAnswer {
    pub application_uri: String,
    pub domains: Vec<String>,
    /// `(Uri, Endpoint)` of each token issuer.
    pub token_issuers: Vec<(String, String)>,
    /// The anonymous SOAP endpoint that answered.
    pub autodiscover_url: String,
}

impl FederationAnswer {
    pub fn target_autodiscover_epr(&self) -> String {
        ws_security_url(&self.autodiscover_url)
    }
}

/// Contoso's own answer (server side): present only when federation is enabled and the trust
/// has an ApplicationUri; `Domains` are all federated domains.
pub fn own_answer(world: &World) -> Option<FederationAnswer> {
    let org = &world.organization_identifier;
    let trust = world.trust()?;
    if !org.enabled || org.domains.is_empty() {
        return None;
    }
    Some(FederationAnswer {
        application_uri: trust.application_uri.clone()?,
        domains: org.domains.iter().map(|d| d.domain.clone()).collect(),
        token_issuers: vec![(BUSINESS_TOKEN_ISSUER.into(), BUSINESS_TOKEN_EPR.into())],
        autodiscover_url: format!(
            "https://autodiscover.{}/autodiscover/autodiscover.svc",
            world.primary_federated_domain().unwrap_or_default()
        ),
    })
}

/// Discovery of `domain` (client side): the answer of whichever organization serves the
/// domain's Autodiscover, when its Autodiscover host resolves in the lab zones.
pub fn discover(world: &World, zones: &[Zone], domain: &str) -> Option<FederationAnswer> {
    let domain = domain.trim().to_ascii_lowercase();
    if let Some(own) = own_answer(world) {
        if own.domains.iter().any(|d| d.eq_ignore_ascii_case(&domain)) {
            let host = format!("autodiscover.{domain}");
            return resolves(zones, &host).then(|| FederationAnswer {
                autodiscover_url: format!("https://{host}/autodiscover/autodiscover.svc"),
                ..own
            });
        }
    }
    let partner = views::effective_partners(world)
        .into_iter()
        .find(|p| p.has_domain(&domain))?;
    // Discovery tries autodiscover.<domain>, then <domain> itself.
    if !resolves(zones, &format!("autodiscover.{domain}")) && !resolves(zones, &domain) {
        return None;
    }
    Some(FederationAnswer {
        application_uri: partner.application_uri.clone(),
        domains: partner.domains.clone(),
        token_issuers: partner
            .token_issuer_uris
            .iter()
            .map(|u| (u.clone(), BUSINESS_TOKEN_EPR.to_owned()))
            .collect(),
        autodiscover_url: partner.autodiscover_url.clone(),
    })
}

/// `discover` with the zones the lab currently serves (breaks applied).
pub fn discover_now(world: &World, domain: &str) -> Option<FederationAnswer> {
    discover(world, &views::effective_zones(world), domain)
}
