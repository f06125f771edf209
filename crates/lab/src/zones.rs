//! DNS zone data of the lab: what the lab DNS server (labnet) serves and what proof checks read.

use serde::{Deserialize, Serialize};

/// One resource record. `name` is a fully qualified owner name without the trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRecord {
    pub name: String,
    /// `A`, `CNAME`, `MX`, `TXT`, ...
    pub rtype: String,
    pub ttl: u32,
    /// Presentation form without quotes (`127.0.0.1`, `mail.contoso.com`, `10 mail.contoso.com`).
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The apex, e.g. `contoso.com`.
    pub origin: String,
    pub records: Vec<ZoneRecord>,
}

/// The TSIG key that signs RFC 2136 updates to the lab DNS server. Lab-only; Debug redacts it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TsigKey {
    /// Key name, e.g. `fedshare-lab.`.
    pub name: String,
    /// `hmac-sha256`.
    pub algorithm: String,
    /// Base64 secret.
    pub secret: String,
}

impl std::fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TsigKey")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .field("secret", &"<redacted>")
            .finish()
    }
}

const TTL: u32 = 300;
pub const LOOPBACK: &str = "127.0.0.1";

fn rec(name: &str, rtype: &str, value: &str) -> ZoneRecord {
    ZoneRecord {
        name: name.to_owned(),
        rtype: rtype.to_owned(),
        ttl: TTL,
        value: value.to_owned(),
    }
}

impl Zone {
    pub fn new(origin: &str, records: Vec<ZoneRecord>) -> Self {
        Self {
            origin: origin.to_owned(),
            records,
        }
    }

    /// Values of the records of one type at one owner name (case-insensitive).
    pub fn values(&self, name: &str, rtype: &str) -> Vec<String> {
        self.records
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name) && r.rtype.eq_ignore_ascii_case(rtype))
            .map(|r| r.value.clone())
            .collect()
    }

    /// True when `name` is the apex or lies below it.
    pub fn contains_name(&self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let origin = self.origin.to_ascii_lowercase();
        name == origin || name.ends_with(&format!(".{origin}"))
    }
}

/// The zone holding `name`: the longest matching origin.
pub fn zone_for<'a>(zones: &'a [Zone], name: &str) -> Option<&'a Zone> {
    zones
        .iter()
        .filter(|z| z.contains_name(name))
        .max_by_key(|z| z.origin.len())
}

/// Whether `host` resolves (A directly, or through CNAMEs within the lab data) to an address.
pub fn resolves(zones: &[Zone], host: &str) -> bool {
    let mut current = host.trim_end_matches('.').to_owned();
    // A CNAME chain longer than 8 is a loop for our purposes.
    for _ in 0..8 {
        let Some(zone) = zone_for(zones, &current) else {
            return false;
        };
        if !zone.values(&current, "A").is_empty() {
            return true;
        }
        match zone.values(&current, "CNAME").into_iter().next() {
            Some(target) => current = target.trim_end_matches('.').to_owned(),
            None => return false,
        }
    }
    false
}

/// The zones of the lab at initialisation. Contoso deliberately has no proof TXT record and no
/// `autodiscover` CNAME yet: publishing them is part of the configuration the product performs.
pub fn initial_zones(partners_extra: usize) -> Vec<Zone> {
    let mut zones = vec![
        Zone::new(
            "contoso.com",
            vec![
                rec("contoso.com", "MX", "10 mail.contoso.com"),
                rec("contoso.com", "TXT", "v=spf1 mx -all"),
                rec("mail.contoso.com", "A", LOOPBACK),
            ],
        ),
        Zone::new(
            "contoso-mail.com",
            vec![
                rec("contoso-mail.com", "MX", "10 mail.contoso.com"),
                rec("mail.contoso-mail.com", "CNAME", "mail.contoso.com"),
            ],
        ),
        Zone::new(
            "fabrikam.com",
            vec![
                rec("fabrikam.com", "MX", "10 mail.fabrikam.com"),
                rec("mail.fabrikam.com", "A", LOOPBACK),
                rec("autodiscover.fabrikam.com", "A", LOOPBACK),
            ],
        ),
        Zone::new(
            "tailspintoys.com",
            vec![
                rec("tailspintoys.com", "MX", "10 mail.tailspintoys.com"),
                rec("mail.tailspintoys.com", "A", LOOPBACK),
                rec(
                    "autodiscover.tailspintoys.com",
                    "CNAME",
                    "mail.tailspintoys.com",
                ),
            ],
        ),
        Zone::new(
            "adatum.com",
            vec![
                rec(
                    "adatum.com",
                    "MX",
                    "0 adatum-com.mail.protection.outlook.com",
                ),
                rec(
                    "adatum.com",
                    "TXT",
                    "v=spf1 include:spf.protection.outlook.com -all",
                ),
                rec(
                    "autodiscover.adatum.com",
                    "CNAME",
                    "autodiscover.outlook.com",
                ),
            ],
        ),
        Zone::new(
            "outlook.com",
            vec![
                rec(
                    "autodiscover.outlook.com",
                    "CNAME",
                    "autodiscover-s.outlook.com",
                ),
                rec("autodiscover-s.outlook.com", "A", LOOPBACK),
                rec("adatum-com.mail.protection.outlook.com", "A", LOOPBACK),
            ],
        ),
        // Exchange Online's OWA host lives in its own zone (a DNS server refuses
        // out-of-zone data).
        Zone::new(
            "office365.com",
            vec![rec("outlook.office365.com", "A", LOOPBACK)],
        ),
        // The trust broker publishes its federation metadata here (TokenIssuerMetadataEpr).
        Zone::new(
            "microsoftonline-p.com",
            vec![rec(crate::gateway::METADATA_HOST, "A", LOOPBACK)],
        ),
    ];
    for n in 1..=partners_extra {
        let origin = partner_domain(n);
        zones.push(Zone::new(
            &origin,
            vec![
                rec(&origin, "MX", &format!("10 mail.{origin}")),
                rec(&format!("mail.{origin}"), "A", LOOPBACK),
                rec(&format!("autodiscover.{origin}"), "A", LOOPBACK),
            ],
        ));
    }
    zones
}

/// `partner001.example`, ... : stable names for generated partners.
pub fn partner_domain(n: usize) -> String {
    format!("partner{n:03}.example")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contoso_starts_without_proof_or_autodiscover() {
        let zones = initial_zones(2);
        let contoso = zone_for(&zones, "contoso.com").expect("zone");
        assert_eq!(contoso.values("contoso.com", "TXT"), vec!["v=spf1 mx -all"]);
        assert!(!resolves(&zones, "autodiscover.contoso.com"));
        assert!(resolves(&zones, "mail.contoso.com"));
        assert!(
            resolves(&zones, "autodiscover.adatum.com"),
            "CNAME chain into outlook.com"
        );
        assert!(resolves(&zones, "autodiscover.partner002.example"));
        assert!(resolves(&zones, "outlook.office365.com"));
        assert!(resolves(&zones, crate::gateway::METADATA_HOST));
        assert_eq!(zones.len(), 10);
        for zone in &zones {
            assert!(
                zone.records.iter().all(|r| zone.contains_name(&r.name)),
                "{} holds only its own names",
                zone.origin
            );
        }
    }

    #[test]
    fn tsig_debug_redacts_the_secret() {
        let key = TsigKey {
            name: "k.".into(),
            algorithm: "hmac-sha256".into(),
            secret: "c2VjcmV0".into(),
        };
        assert!(!format!("{key:?}").contains("c2VjcmV0"));
    }
}
