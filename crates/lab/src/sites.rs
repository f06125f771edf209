//! Which Autodiscover endpoints the lab network serves, and the `GetFederationInformation`
//! answers they give, derived from the world.
//!
//! Every Exchange organization (Contoso and the on-premises partners) answers from labnet's
//! federation-information table, which the lab republishes after each change, so the answers
//! follow the world (Contoso becoming federated, the partner-target-mismatch break) without
//! restarting the network. Office 365 tenants redirect to Exchange Online, as in reality.

use fedshare_labnet::{
    FederationInfo, FederationInfoTable, PartnerBehaviour, PartnerSite, ServerSettings,
    TokenIssuer, WsSecurity, EXCHANGE_ONLINE_APPLICATION_URI,
};
use fedshare_model::AcceptedDomainType;

use crate::fedinfo::{own_answer, FederationAnswer};
use crate::partners::Partner;
use crate::views;
use crate::world::World;
use crate::zones::zone_for;

/// The sites for Contoso's accepted domains and every partner domain the lab has a zone for.
pub fn partner_sites(world: &World) -> Vec<PartnerSite> {
    let mut sites: Vec<PartnerSite> = Vec::new();
    let mut add = |site: PartnerSite| {
        if !sites
            .iter()
            .any(|s| s.autodiscover_host == site.autodiscover_host)
        {
            sites.push(site);
        }
    };
    for domain in own_domains(world) {
        add(site(&domain, PartnerBehaviour::FromTable));
    }
    for partner in &world.partners {
        for domain in partner
            .domains
            .iter()
            .filter(|d| zone_for(&world.zones, d).is_some())
        {
            add(site(domain, behaviour(partner)));
        }
        // A partner whose Autodiscover lives on another host (its CAS name) answers there too.
        if let (Some(host), Some(primary)) =
            (url_host(&partner.autodiscover_url), partner.domains.first())
        {
            if !is_office365(partner) && zone_for(&world.zones, &host).is_some() {
                add(PartnerSite {
                    domain: primary.to_ascii_lowercase(),
                    autodiscover_host: host,
                    behaviour: PartnerBehaviour::FromTable,
                });
            }
        }
    }
    sites
}

/// Host names that get a certificate but are no Autodiscover endpoint (Contoso's own web
/// services URLs), so that TLS to them works as in reality.
pub fn extra_hosts(world: &World, sites: &[PartnerSite]) -> Vec<String> {
    let vdirs = &world.virtual_directories;
    let mut hosts: Vec<String> = Vec::new();
    for url in [
        &vdirs.autodiscover.external_url,
        &vdirs.web_services.external_url,
    ]
    .into_iter()
    .flatten()
    {
        if let Some(host) = url_host(url) {
            let taken = sites
                .iter()
                .any(|s| s.autodiscover_host == host || s.domain == host);
            if !taken && !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }
    // The trust broker's metadata host, which the checks fetch as Exchange does.
    hosts.push(crate::gateway::METADATA_HOST.to_owned());
    hosts
}

/// Puts the current answer of every table-backed site into the table (or removes it when the
/// organization is not federated).
pub fn publish(world: &World, sites: &[PartnerSite], table: &FederationInfoTable) {
    table.set_metadata(
        crate::gateway::METADATA_HOST,
        crate::gateway::metadata_document(world),
    );
    let own = own_domains(world);
    let own_info = own_answer(world).map(|a| info_of(&a));
    let own_server = ServerSettings {
        ws_security: WsSecurity {
            autodiscover: views::effective_vdir(world, &world.virtual_directories.autodiscover)
                .ws_security_authentication,
            ews: views::effective_vdir(world, &world.virtual_directories.web_services)
                .ws_security_authentication,
        },
        clock_offset_seconds: views::clock_offset_seconds(world),
    };
    let partners = views::effective_partners(world);
    for site in sites
        .iter()
        .filter(|s| s.behaviour == PartnerBehaviour::FromTable)
    {
        let info = if own.iter().any(|d| d.eq_ignore_ascii_case(&site.domain)) {
            table.set_server(&site.domain, own_server);
            own_info.clone()
        } else {
            table.set_server(
                &site.domain,
                ServerSettings {
                    ws_security: WsSecurity {
                        autodiscover: true,
                        ews: views::partner_ews_ws_security(world, &site.domain),
                    },
                    clock_offset_seconds: 0,
                },
            );
            partners
                .iter()
                .find(|p| p.has_domain(&site.domain))
                .map(partner_info)
        };
        match info {
            Some(info) => table.set(&site.domain, info),
            None => table.remove(&site.domain),
        }
    }
}

/// Contoso's domains that can be federated (not wildcard, not ExternalRelay) and are in a
/// lab zone.
fn own_domains(world: &World) -> Vec<String> {
    world
        .accepted_domains
        .iter()
        .filter(|d| d.domain_type != AcceptedDomainType::ExternalRelay)
        .map(|d| d.domain_name.to_ascii_lowercase())
        .filter(|d| !d.starts_with("*.") && zone_for(&world.zones, d).is_some())
        .collect()
}

fn site(domain: &str, behaviour: PartnerBehaviour) -> PartnerSite {
    let domain = domain.to_ascii_lowercase();
    PartnerSite {
        autodiscover_host: format!("autodiscover.{domain}"),
        domain,
        behaviour,
    }
}

fn is_office365(partner: &Partner) -> bool {
    partner
        .application_uri
        .eq_ignore_ascii_case(EXCHANGE_ONLINE_APPLICATION_URI)
}

fn behaviour(partner: &Partner) -> PartnerBehaviour {
    match url_host(&partner.autodiscover_url) {
        Some(exo_host) if is_office365(partner) => PartnerBehaviour::Office365 { exo_host },
        _ => PartnerBehaviour::FromTable,
    }
}

fn partner_info(partner: &Partner) -> FederationInfo {
    FederationInfo {
        application_uri: partner.application_uri.clone(),
        domains: partner.domains.clone(),
        token_issuers: partner
            .token_issuer_uris
            .iter()
            .map(|uri| TokenIssuer {
                uri: uri.clone(),
                endpoint: crate::partners::BUSINESS_TOKEN_EPR.to_owned(),
            })
            .collect(),
    }
}

fn info_of(answer: &FederationAnswer) -> FederationInfo {
    FederationInfo {
        application_uri: answer.application_uri.clone(),
        domains: answer.domains.clone(),
        token_issuers: answer
            .token_issuers
            .iter()
            .map(|(uri, endpoint)| TokenIssuer {
                uri: uri.clone(),
                endpoint: endpoint.clone(),
            })
            .collect(),
    }
}

/// The lower-case host of an `https://host[:port]/path` URL.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaks::Break;

    fn by_host<'a>(sites: &'a [PartnerSite], host: &str) -> &'a PartnerSite {
        sites
            .iter()
            .find(|s| s.autodiscover_host == host)
            .unwrap_or_else(|| panic!("no site {host}"))
    }

    #[test]
    fn sites_cover_contoso_and_the_partners() {
        let world = World::contoso(2);
        let sites = partner_sites(&world);
        assert_eq!(
            by_host(&sites, "autodiscover.contoso.com").behaviour,
            PartnerBehaviour::FromTable
        );
        assert_eq!(
            by_host(&sites, "autodiscover.adatum.com").behaviour,
            PartnerBehaviour::Office365 {
                exo_host: "autodiscover-s.outlook.com".into()
            }
        );
        by_host(&sites, "autodiscover.partner002.example");
        assert!(
            !sites.iter().any(|s| s.domain.contains("onmicrosoft")),
            "no zone, no site"
        );
        assert!(!sites.iter().any(|s| s.domain == "contoso-relay.com"));
        assert_eq!(
            extra_hosts(&world, &sites),
            ["mail.contoso.com", crate::gateway::METADATA_HOST]
        );
    }

    #[test]
    fn published_answers_follow_the_world() {
        let mut world = World::contoso(0);
        let sites = partner_sites(&world);
        let table = FederationInfoTable::new();
        publish(&world, &sites, &table);
        assert!(table.get("contoso.com").is_none(), "not federated yet");
        let fabrikam = table.get("fabrikam.com").expect("fabrikam answers");
        assert_eq!(fabrikam.application_uri, "FYDIBOHF25SPDLT.fabrikam.com");
        assert!(
            table.get("adatum.com").is_none(),
            "Office 365 is not table-backed"
        );

        world.breaks.push(Break::PartnerTargetMismatch);
        publish(&world, &sites, &table);
        let broken = table.get("fabrikam.com").expect("fabrikam answers");
        assert_eq!(broken.application_uri, "FYDIBOHF25SPDLT.fabrikam-corp.com");
    }

    #[test]
    fn url_hosts_are_extracted() {
        assert_eq!(
            url_host("https://Mail.Contoso.com:443/EWS/Exchange.asmx").as_deref(),
            Some("mail.contoso.com")
        );
        assert_eq!(url_host("not a url"), None);
    }
}
