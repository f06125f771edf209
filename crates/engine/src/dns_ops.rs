//! DNS as the applier needs it: publish with TSIG-signed RFC 2136 updates where the
//! administrator allowed it, and look records up on the chosen servers while waiting.

use std::net::SocketAddr;
use std::time::Duration;

use fedshare_dns::{
    check_domain, publish_record, CheckOptions, LookupType, PublishMode, PublishType, TsigKey,
    UpdateTarget, ViewKind,
};
use fedshare_plan::{Dns, DnsFailure, DnsRecord, RecordType};

/// How long one DNS question or update may take.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct DnsOps {
    /// Where updates go, with the key that signs them; `None` for manual publication.
    pub update: Option<(SocketAddr, TsigKey)>,
    /// The servers asked whether a record resolves; all must see it.
    pub resolvers: Vec<SocketAddr>,
    /// The public view of a domain's TXT records: its authoritative servers, found through
    /// NS and asked directly, as the trust broker reaches them. A proof the workstation's
    /// resolvers see (the internal half of a split-brain zone) is not yet a proof the broker
    /// sees. `None` when the resolvers above are the authoritative servers (the lab).
    pub public: Option<CheckOptions>,
}

impl DnsOps {
    async fn send(&self, record: &DnsRecord, remove: bool) -> Result<(), DnsFailure> {
        let Some((server, key)) = &self.update else {
            return Err(DnsFailure(format!(
                "this plan publishes DNS records by hand: create {record} at your DNS host"
            )));
        };
        let zone = fedshare_dns::zone_of(*server, &record.name, DNS_TIMEOUT)
            .await
            .map_err(|e| DnsFailure(e.to_string()))?;
        let (record_type, mode) = match (record.rtype, remove) {
            (_, true) => (publish_type(record.rtype), PublishMode::Remove),
            (RecordType::Txt, false) => (PublishType::Txt, PublishMode::Add),
            (RecordType::Cname, false) => (PublishType::Cname, PublishMode::ReplaceRrset),
        };
        let target = UpdateTarget {
            server: *server,
            key: key.clone(),
            timeout: DNS_TIMEOUT,
        };
        let update = fedshare_dns::DnsRecord {
            zone,
            name: record.name.clone(),
            record_type,
            value: record.value.clone(),
            ttl: 3600,
        };
        publish_record(&target, &update, &mode)
            .await
            .map(|_| ())
            .map_err(|e| DnsFailure(format!("{e} ({record})")))
    }
}

/// The TXT values at `domain` that every authoritative server answering agrees on. No
/// authoritative server answering counts as not seen: the public view is the point of the wait.
async fn public_txt(domain: &str, options: &CheckOptions) -> Result<Vec<String>, DnsFailure> {
    let report = check_domain(domain, options)
        .await
        .map_err(|e| DnsFailure(e.to_string()))?;
    let mut agreed: Option<Vec<String>> = None;
    for view in report
        .proof
        .views
        .iter()
        .filter(|v| v.view.kind == ViewKind::Authoritative)
    {
        agreed = Some(agree(agreed, view.answer.values().to_vec()));
    }
    // Not an error: the wait goes on (a server may answer at the next poll) and its time-out
    // names the record.
    Ok(agreed.unwrap_or_else(|| {
        tracing::warn!(
            domain,
            "no authoritative server answered; the Federation Gateway checks the proof in public DNS, so the wait goes on until the domain's own servers (its NS records) serve it"
        );
        Vec::new()
    }))
}

/// The values both the views so far (`agreed`, none yet at the first) and the next one see.
fn agree(agreed: Option<Vec<String>>, values: Vec<String>) -> Vec<String> {
    match agreed {
        None => values,
        Some(previous) => previous
            .into_iter()
            .filter(|v| values.contains(v))
            .collect(),
    }
}

fn publish_type(rtype: RecordType) -> PublishType {
    match rtype {
        RecordType::Txt => PublishType::Txt,
        RecordType::Cname => PublishType::Cname,
    }
}

impl Dns for DnsOps {
    async fn publish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        self.send(record, false).await
    }

    async fn unpublish(&self, record: &DnsRecord) -> Result<(), DnsFailure> {
        self.send(record, true).await
    }

    /// The values every resolver agrees on: a record counts as resolvable only when all the
    /// chosen views see it, so propagation is really over. A TXT record must also be seen by
    /// the domain's authoritative servers, where the broker looks for the proof.
    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<String>, DnsFailure> {
        let kind = match rtype {
            RecordType::Txt => LookupType::Txt,
            RecordType::Cname => LookupType::Cname,
        };
        let mut agreed: Option<Vec<String>> = match (&self.public, rtype) {
            (Some(options), RecordType::Txt) => Some(public_txt(name, options).await?),
            _ => None,
        };
        for server in &self.resolvers {
            let outcome = fedshare_dns::lookup(*server, name, kind, DNS_TIMEOUT)
                .await
                .map_err(|e| DnsFailure(e.to_string()))?;
            let values: Vec<String> = outcome
                .values()
                .iter()
                .map(|v| v.trim_end_matches('.').to_owned())
                .collect();
            agreed = Some(agree(agreed, values));
        }
        Ok(agreed.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fedshare_dns::SystemResolver;
    use fedshare_labnet::{LabNet, LabNetConfig, RecordData, RecordKind, ZoneData};

    /// A DNS server holding contoso.com with these TXT values at the apex.
    async fn server(txt: &[&str]) -> LabNet {
        let mut config = LabNetConfig::empty();
        let mut records = vec![
            RecordData::new(
                "@",
                3600,
                RecordKind::Soa,
                "ns1.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 300",
            ),
            RecordData::new("@", 3600, RecordKind::Ns, "ns1.contoso.com."),
            RecordData::new("ns1", 3600, RecordKind::A, "127.0.0.1"),
        ];
        records.extend(
            txt.iter()
                .map(|t| RecordData::new("@", 300, RecordKind::Txt, t)),
        );
        config.zones = vec![ZoneData {
            origin: "contoso.com".into(),
            records,
        }];
        LabNet::start(config).await.unwrap()
    }

    fn public_view(authoritative: &LabNet) -> CheckOptions {
        CheckOptions {
            system: SystemResolver::Servers(vec![authoritative.dns_addr()]),
            authoritative_port: authoritative.dns_addr().port(),
            ..CheckOptions::default()
        }
    }

    #[tokio::test]
    async fn a_proof_only_the_internal_zone_serves_is_not_resolvable_yet() {
        // Split-brain DNS: the workstation's server has the proof, the public one not yet.
        let internal = server(&["v=spf1 mx -all", "PROOF"]).await;
        let public = server(&["v=spf1 mx -all"]).await;
        let internal_only = DnsOps {
            update: None,
            resolvers: vec![internal.dns_addr()],
            public: None,
        };
        let txt = internal_only
            .lookup("contoso.com", RecordType::Txt)
            .await
            .unwrap();
        assert!(txt.contains(&"PROOF".to_owned()), "{txt:?}");
        let with_public = DnsOps {
            public: Some(public_view(&public)),
            ..internal_only.clone()
        };
        let txt = with_public
            .lookup("contoso.com", RecordType::Txt)
            .await
            .unwrap();
        assert!(!txt.contains(&"PROOF".to_owned()), "{txt:?}");
        assert!(txt.contains(&"v=spf1 mx -all".to_owned()), "{txt:?}");

        // Once the authoritative server has it, the wait is over.
        let published = server(&["PROOF"]).await;
        let both = DnsOps {
            public: Some(public_view(&published)),
            ..internal_only
        };
        let txt = both.lookup("contoso.com", RecordType::Txt).await.unwrap();
        assert_eq!(txt, ["PROOF"]);
        for net in [internal, public, published] {
            net.shutdown().await;
        }
    }
}
