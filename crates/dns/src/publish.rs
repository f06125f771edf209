//! Publishing records: RFC 2136 dynamic updates signed with TSIG, and the exact text for
//! manual creation. Windows DNS Server is changed through the Exchange layer's host instead
//! (`fedshare_exchange::windows_dns`).

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::StreamExt;
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::udp::UdpClientStream;
use hickory_net::DnsHandle;
use hickory_proto::op::{
    DnsRequest, DnsRequestOptions, Message, OpCode, Query, ResponseCode, UpdateMessage,
};
use hickory_proto::rr::rdata::{CNAME, TXT};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::parse_name;
use crate::error::{DnsError, Result};
use crate::transport::rcode_name;
use crate::tsig::TsigKey;

/// The two record types Fedshare publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum PublishType {
    #[serde(rename = "TXT")]
    Txt,
    #[serde(rename = "CNAME")]
    Cname,
}

/// A record to publish. `name` is absolute (`contoso.com` for the apex proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DnsRecord {
    pub zone: String,
    pub name: String,
    pub record_type: PublishType,
    /// The proof string for TXT, the target host for CNAME.
    pub value: String,
    pub ttl: u32,
}

impl DnsRecord {
    pub fn proof(zone: &str, domain: &str, proof: &str) -> Self {
        Self {
            zone: zone.into(),
            name: domain.into(),
            record_type: PublishType::Txt,
            value: proof.into(),
            ttl: 3600,
        }
    }

    pub fn autodiscover(zone: &str, domain: &str, target: &str) -> Self {
        Self {
            zone: zone.into(),
            name: format!("autodiscover.{domain}"),
            record_type: PublishType::Cname,
            value: target.into(),
            ttl: 3600,
        }
    }

    fn validate(&self) -> Result<()> {
        let bad = |reason: &str| DnsError::InvalidRecord {
            kind: format!("{:?}", self.record_type),
            reason: reason.into(),
        };
        if self.value.is_empty() {
            return Err(bad("the value is empty"));
        }
        if self.value.chars().any(|c| c.is_control() || c == '"') {
            return Err(bad("the value contains quotes or control characters"));
        }
        if self.record_type == PublishType::Cname
            && self
                .name
                .trim_end_matches('.')
                .eq_ignore_ascii_case(self.zone.trim_end_matches('.'))
        {
            return Err(bad("a CNAME cannot be placed at the zone apex"));
        }
        Ok(())
    }
}

/// How the update treats what is already there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "camelCase")]
#[ts(export)]
pub enum PublishMode {
    /// Add the value beside existing ones (TXT at the apex also holds SPF and others).
    Add,
    /// Delete the named old values, then add (proof rollover: the old proof goes).
    ReplaceValues { old: Vec<String> },
    /// Delete the whole RRset of the type, then add (the CNAME).
    ReplaceRrset,
    /// Delete exactly this value and add nothing (undo of a publication).
    Remove,
}

/// The server to send the update to.
#[derive(Debug, Clone)]
pub struct UpdateTarget {
    pub server: SocketAddr,
    pub key: TsigKey,
    pub timeout: Duration,
}

/// What the server said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PublishReport {
    pub record: DnsRecord,
    pub server: String,
    pub rcode: String,
}

/// Sends one signed RFC 2136 update. Deletions and the addition go in one message, so the
/// server applies them atomically.
pub async fn publish_record(
    target: &UpdateTarget,
    record: &DnsRecord,
    mode: &PublishMode,
) -> Result<PublishReport> {
    record.validate()?;
    let message = update_message(record, mode)?;
    let signer = target.key.signer()?;
    let exchange = UdpClientStream::builder(target.server, TokioRuntimeProvider::default())
        .with_timeout(Some(target.timeout))
        .with_signer(Some(signer))
        .exchange();
    let mut options = DnsRequestOptions::default();
    options.use_edns = false;
    let failed = |source: Box<dyn std::error::Error + Send + Sync>| DnsError::UpdateFailed {
        server: target.server.to_string(),
        source,
    };
    let response = exchange
        .send(DnsRequest::new(message, options))
        .next()
        .await
        .ok_or_else(|| failed("no response".into()))?
        .map_err(|e| failed(Box::new(e)))?;
    let code = response.metadata.response_code;
    if code != ResponseCode::NoError {
        return Err(DnsError::UpdateRejected {
            rcode: rcode_name(code),
        });
    }
    Ok(PublishReport {
        record: record.clone(),
        server: target.server.to_string(),
        rcode: rcode_name(code),
    })
}

fn update_message(record: &DnsRecord, mode: &PublishMode) -> Result<Message> {
    let zone = parse_name(&record.zone)?;
    let name = parse_name(&record.name)?;
    if !zone.zone_of(&name) {
        return Err(DnsError::InvalidRecord {
            kind: format!("{:?}", record.record_type),
            reason: format!("{name} is not inside zone {zone}"),
        });
    }
    let mut message = Message::query();
    message.metadata.op_code = OpCode::Update;
    message.metadata.recursion_desired = false;
    let mut zone_query = Query::query(zone, RecordType::SOA);
    zone_query.set_query_class(DNSClass::IN);
    message.add_zone(zone_query);
    for deletion in deletions(record, &name, mode)? {
        message.add_update(deletion);
    }
    if *mode != PublishMode::Remove {
        message.add_update(Record::from_rdata(
            name,
            record.ttl,
            rdata(record.record_type, &record.value)?,
        ));
    }
    Ok(message)
}

fn deletions(record: &DnsRecord, name: &Name, mode: &PublishMode) -> Result<Vec<Record>> {
    let rtype = match record.record_type {
        PublishType::Txt => RecordType::TXT,
        PublishType::Cname => RecordType::CNAME,
    };
    Ok(match mode {
        PublishMode::Add => Vec::new(),
        // RFC 2136 §2.5.2: class ANY, TTL 0, empty RDATA deletes the RRset.
        PublishMode::ReplaceRrset => {
            let mut r = Record::update0(name.clone(), 0, rtype);
            r.dns_class = DNSClass::ANY;
            vec![r]
        }
        PublishMode::Remove => vec![delete_value(record.record_type, name, &record.value)?],
        // RFC 2136 §2.5.4: class NONE, TTL 0 deletes exactly this RR.
        PublishMode::ReplaceValues { old } => old
            .iter()
            .map(|value| delete_value(record.record_type, name, value))
            .collect::<Result<Vec<_>>>()?,
    })
}

/// RFC 2136 §2.5.4: class NONE, TTL 0 deletes exactly this RR.
fn delete_value(kind: PublishType, name: &Name, value: &str) -> Result<Record> {
    let mut r = Record::from_rdata(name.clone(), 0, rdata(kind, value)?);
    r.dns_class = DNSClass::NONE;
    Ok(r)
}

fn rdata(kind: PublishType, value: &str) -> Result<RData> {
    Ok(match kind {
        PublishType::Txt => RData::TXT(TXT::new(split_txt(value))),
        PublishType::Cname => RData::CNAME(CNAME(parse_name(value)?)),
    })
}

/// TXT character-strings hold at most 255 bytes; longer values are split (and joined again by
/// readers). Proofs are 88 characters, so this matters only for unusual values.
fn split_txt(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in value.chars() {
        if current.len() + c.len_utf8() > 255 {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// The record written out for an administrator to create by hand (with copy buttons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ManualInstructions {
    /// Owner relative to the zone: `@` for the apex, `autodiscover` for the CNAME.
    pub host: String,
    pub fqdn: String,
    pub record_type: String,
    /// The value to paste, without quotes.
    pub value: String,
    pub ttl: u32,
    /// A BIND zone-file line.
    pub zone_file_line: String,
    /// The form in the HCW error text: `contoso.com IN TXT <proof>`.
    pub exchange_form: String,
    pub notes: Vec<String>,
}

pub fn manual_instructions(record: &DnsRecord) -> ManualInstructions {
    let fqdn = format!("{}.", record.name.trim_end_matches('.'));
    let host = fedshare_exchange::windows_dns::relative_name(&record.name, &record.zone);
    let (rtype, line_value, mut notes) = match record.record_type {
        PublishType::Txt => (
            "TXT",
            format!("\"{}\"", record.value),
            vec!["Paste the value exactly: no surrounding quotes in web forms, no spaces, case matters.".to_owned()],
        ),
        PublishType::Cname => ("CNAME", format!("{}.", record.value.trim_end_matches('.')), Vec::new()),
    };
    if record.record_type == PublishType::Txt {
        notes.push(
            "Keep other TXT records at the apex (SPF and others); add this one beside them.".into(),
        );
    }
    ManualInstructions {
        host,
        zone_file_line: format!("{fqdn} {} IN {rtype} {line_value}", record.ttl),
        exchange_form: format!(
            "{} IN {rtype} {}",
            record.name.trim_end_matches('.'),
            record.value
        ),
        fqdn,
        record_type: rtype.into(),
        value: record.value.clone(),
        ttl: record.ttl,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_text_is_exact() {
        let m = manual_instructions(&DnsRecord::proof("contoso.com", "contoso.com", "AbC+/="));
        assert_eq!(m.host, "@");
        assert_eq!(m.zone_file_line, "contoso.com. 3600 IN TXT \"AbC+/=\"");
        assert_eq!(m.exchange_form, "contoso.com IN TXT AbC+/=");
        let c = manual_instructions(&DnsRecord::autodiscover(
            "contoso.com",
            "contoso.com",
            "mail.contoso.com",
        ));
        assert_eq!(c.host, "autodiscover");
        assert_eq!(
            c.zone_file_line,
            "autodiscover.contoso.com. 3600 IN CNAME mail.contoso.com."
        );
    }

    #[test]
    fn values_with_quotes_and_apex_cnames_are_refused() {
        assert!(DnsRecord::proof("c.com", "c.com", "\"x\"")
            .validate()
            .is_err());
        assert!(DnsRecord {
            record_type: PublishType::Cname,
            ..DnsRecord::proof("c.com", "c.com", "m.c.com")
        }
        .validate()
        .is_err());
        assert_eq!(
            split_txt(&"a".repeat(300))
                .iter()
                .map(String::len)
                .collect::<Vec<_>>(),
            vec![255, 45]
        );
    }
}
