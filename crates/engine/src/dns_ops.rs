//! DNS as the applier needs it: publish with TSIG-signed RFC 2136 updates where the
//! administrator allowed it, and look records up on the chosen servers while waiting.

use std::net::SocketAddr;
use std::time::Duration;

use fedshare_dns::{publish_record, LookupType, PublishMode, PublishType, TsigKey, UpdateTarget};
use fedshare_plan::{Dns, DnsFailure, DnsRecord, RecordType};

/// How long one DNS question or update may take.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct DnsOps {
    /// Where updates go, with the key that signs them; `None` for manual publication.
    pub update: Option<(SocketAddr, TsigKey)>,
    /// The servers asked whether a record resolves; all must see it.
    pub resolvers: Vec<SocketAddr>,
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
    /// chosen views see it, so propagation is really over.
    async fn lookup(&self, name: &str, rtype: RecordType) -> Result<Vec<String>, DnsFailure> {
        let kind = match rtype {
            RecordType::Txt => LookupType::Txt,
            RecordType::Cname => LookupType::Cname,
        };
        let mut agreed: Option<Vec<String>> = None;
        for server in &self.resolvers {
            let outcome = fedshare_dns::lookup(*server, name, kind, DNS_TIMEOUT)
                .await
                .map_err(|e| DnsFailure(e.to_string()))?;
            let values: Vec<String> = outcome
                .values()
                .iter()
                .map(|v| v.trim_end_matches('.').to_owned())
                .collect();
            agreed = Some(match agreed {
                None => values,
                Some(previous) => previous
                    .into_iter()
                    .filter(|v| values.contains(v))
                    .collect(),
            });
        }
        Ok(agreed.unwrap_or_default())
    }
}
