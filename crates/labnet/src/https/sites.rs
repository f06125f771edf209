//! Which organisation a lab host name belongs to, and which certificate each host gets.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use crate::availability::AvailabilityService;
use crate::ca::Validity;
use crate::config::AnswerHook;
use crate::error::LabNetError;
use crate::partner::{BrokenKind, FederationInfoTable, PartnerBehaviour, PartnerSite};

pub(crate) struct Sites {
    partners: Vec<PartnerSite>,
    extra_hosts: Vec<String>,
    table: FederationInfoTable,
    before_answer: Option<AnswerHook>,
    availability: Option<Arc<dyn AvailabilityService>>,
    /// The client our EWS proxies partner requests with, set once the HTTPS port is bound.
    proxy: OnceLock<super::ews::ProxyClient>,
}

impl std::fmt::Debug for Sites {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sites")
            .field("partners", &self.partners)
            .field("extra_hosts", &self.extra_hosts)
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

/// What a host name is in the lab.
#[derive(Debug)]
pub(crate) enum Role<'a> {
    /// The organisation's Autodiscover endpoint (its CAS).
    Autodiscover(&'a PartnerSite),
    /// Exchange Online, answering for these tenant domains.
    ExchangeOnline(Vec<String>),
    /// An apex web site or extra host: not Exchange.
    Website,
    Unknown,
}

/// One certificate to issue: the names it carries, the SNI names that select it, validity.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CertPlan {
    pub(crate) names: Vec<String>,
    pub(crate) served_for: Vec<String>,
    pub(crate) validity: Validity,
}

impl Sites {
    pub(crate) fn new(
        partners: Vec<PartnerSite>,
        extra_hosts: Vec<String>,
        table: FederationInfoTable,
        before_answer: Option<AnswerHook>,
        availability: Option<Arc<dyn AvailabilityService>>,
    ) -> Self {
        let lower = |s: &String| s.trim_end_matches('.').to_ascii_lowercase();
        let partners = partners
            .into_iter()
            .map(|mut p| {
                p.domain = lower(&p.domain);
                p.autodiscover_host = lower(&p.autodiscover_host);
                p
            })
            .collect();
        Sites {
            partners,
            extra_hosts: extra_hosts.iter().map(lower).collect(),
            table,
            before_answer,
            availability,
            proxy: OnceLock::new(),
        }
    }

    /// Gives our EWS its client for the partner hop: every lab host name goes to `https_addr`,
    /// and only the lab CA is trusted.
    pub(crate) fn set_proxy(
        &self,
        https_addr: SocketAddr,
        ca_pem: &str,
    ) -> Result<(), LabNetError> {
        let client = super::ews::ProxyClient::new(https_addr, ca_pem)?;
        let _ = self.proxy.set(client);
        Ok(())
    }

    pub(crate) fn proxy(&self) -> Option<&super::ews::ProxyClient> {
        self.proxy.get()
    }

    /// The availability service, brought up to date by the answer hook first.
    pub(crate) fn availability(&self) -> Option<&Arc<dyn AvailabilityService>> {
        if self.availability.is_some() {
            if let Some(hook) = &self.before_answer {
                hook();
            }
        }
        self.availability.as_ref()
    }

    /// The federation table, brought up to date by the answer hook first.
    pub(crate) fn table(&self) -> &FederationInfoTable {
        if let Some(hook) = &self.before_answer {
            hook();
        }
        &self.table
    }

    pub(crate) fn partners(&self) -> &[PartnerSite] {
        &self.partners
    }

    pub(crate) fn role(&self, host: &str) -> Role<'_> {
        if let Some(site) = self.partners.iter().find(|p| p.autodiscover_host == host) {
            return Role::Autodiscover(site);
        }
        // A wrong-name certificate's own name is that organisation's CAS as well.
        if let Some(site) = self
            .partners
            .iter()
            .find(|p| presented_name(p) == Some(host))
        {
            return Role::Autodiscover(site);
        }
        let tenants = self.tenants_of(host);
        if !tenants.is_empty() {
            return Role::ExchangeOnline(tenants);
        }
        if self.partners.iter().any(|p| p.domain == host)
            || self.extra_hosts.iter().any(|h| h == host)
        {
            return Role::Website;
        }
        Role::Unknown
    }

    fn tenants_of(&self, exo: &str) -> Vec<String> {
        self.partners
            .iter()
            .filter(|p| matches!(&p.behaviour, PartnerBehaviour::Office365 { exo_host } if exo_host.eq_ignore_ascii_case(exo)))
            .map(|p| p.domain.clone())
            .collect()
    }

    /// Every host gets a certificate for its own name, except the deliberately broken ones.
    pub(crate) fn cert_plans(&self) -> Vec<CertPlan> {
        let mut plans: Vec<CertPlan> = Vec::new();
        let mut add = |names: Vec<String>, served_for: Vec<String>, validity| {
            let served_for: Vec<String> = served_for
                .into_iter()
                .filter(|h| !plans.iter().any(|p| p.served_for.contains(h)))
                .collect();
            if !served_for.is_empty() {
                plans.push(CertPlan {
                    names,
                    served_for,
                    validity,
                });
            }
        };
        for site in &self.partners {
            let ad = site.autodiscover_host.clone();
            match &site.behaviour {
                PartnerBehaviour::Broken(BrokenKind::WrongCertificate {
                    presented_name, ..
                }) => {
                    let wrong = presented_name.to_ascii_lowercase();
                    add(vec![wrong.clone()], vec![ad, wrong], Validity::Current);
                }
                PartnerBehaviour::Broken(BrokenKind::ExpiredCertificate { .. }) => {
                    add(vec![ad.clone()], vec![ad], Validity::Expired);
                }
                PartnerBehaviour::Office365 { exo_host } => {
                    add(vec![ad.clone()], vec![ad], Validity::Current);
                    let exo = exo_host.to_ascii_lowercase();
                    add(vec![exo.clone()], vec![exo], Validity::Current);
                }
                _ => add(vec![ad.clone()], vec![ad], Validity::Current),
            }
            add(
                vec![site.domain.clone()],
                vec![site.domain.clone()],
                Validity::Current,
            );
        }
        for host in &self.extra_hosts {
            add(vec![host.clone()], vec![host.clone()], Validity::Current);
        }
        plans
    }
}

fn presented_name(site: &PartnerSite) -> Option<&str> {
    match &site.behaviour {
        PartnerBehaviour::Broken(BrokenKind::WrongCertificate { presented_name, .. }) => {
            Some(presented_name.as_str())
        }
        _ => None,
    }
}

/// Where the plain-HTTP redirect probe (`GET http://<host>/autodiscover/autodiscover.xml`)
/// sends a client, per organisation.
pub(crate) fn http_redirect_target(sites: &Sites, host: &str) -> Option<String> {
    let site = sites
        .partners()
        .iter()
        .find(|p| p.autodiscover_host == host || p.domain == host)?;
    let https_host = match &site.behaviour {
        PartnerBehaviour::Federated(_) | PartnerBehaviour::FromTable => {
            site.autodiscover_host.clone()
        }
        PartnerBehaviour::Office365 { exo_host } => exo_host.to_ascii_lowercase(),
        PartnerBehaviour::Broken(BrokenKind::WrongCertificate { presented_name, .. }) => {
            presented_name.to_ascii_lowercase()
        }
        PartnerBehaviour::Broken(BrokenKind::ExpiredCertificate { .. }) => {
            site.autodiscover_host.clone()
        }
        PartnerBehaviour::Broken(_) => return None,
    };
    Some(format!(
        "https://{https_host}/autodiscover/autodiscover.xml"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LabNetConfig;

    fn sites() -> Sites {
        let lab = LabNetConfig::default_lab_with(1);
        Sites::new(
            lab.partners,
            lab.extra_hosts,
            lab.federation_info,
            None,
            None,
        )
    }

    #[test]
    fn roles_follow_the_default_lab() {
        let s = sites();
        assert!(
            matches!(s.role("autodiscover.fabrikam.com"), Role::Autodiscover(p) if p.domain == "fabrikam.com")
        );
        assert!(
            matches!(s.role("mail.tailspintoys.com"), Role::Autodiscover(p) if p.domain == "tailspintoys.com")
        );
        assert!(
            matches!(s.role("autodiscover-s.outlook.com"), Role::ExchangeOnline(t) if t == ["adatum.com"])
        );
        assert!(matches!(s.role("tailspintoys.com"), Role::Website));
        assert!(matches!(s.role("mail.contoso.com"), Role::Website));
        assert!(matches!(s.role("evil.example"), Role::Unknown));
    }

    #[test]
    fn wrong_certificate_is_planned_for_the_autodiscover_host() {
        let plans = sites().cert_plans();
        let tailspin = plans
            .iter()
            .find(|p| {
                p.served_for
                    .contains(&"autodiscover.tailspintoys.com".to_owned())
            })
            .unwrap();
        assert_eq!(tailspin.names, ["mail.tailspintoys.com"]);
        let hosts: usize = plans.iter().map(|p| p.served_for.len()).sum();
        let unique: std::collections::HashSet<&String> =
            plans.iter().flat_map(|p| &p.served_for).collect();
        assert_eq!(hosts, unique.len(), "each SNI name maps to one certificate");
    }

    #[test]
    fn http_redirects_point_at_https_autodiscover_xml() {
        let s = sites();
        assert_eq!(
            http_redirect_target(&s, "autodiscover.fabrikam.com").unwrap(),
            "https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml"
        );
        assert_eq!(
            http_redirect_target(&s, "autodiscover.adatum.com").unwrap(),
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml"
        );
        assert!(http_redirect_target(&s, "nowhere.example").is_none());
    }
}
