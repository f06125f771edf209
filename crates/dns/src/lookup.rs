//! Plain lookups against one chosen server: what the applier needs while it waits for a
//! record it published, without the multi-view comparison of [`crate::check_domain`].

use std::net::SocketAddr;
use std::time::Duration;

use hickory_proto::rr::{Name, RecordType};

use crate::records::{self, Limits};
use crate::views::{View, ViewKind};
use crate::{DnsError, ViewOutcome};

/// The record types the configuration steps publish and wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupType {
    Txt,
    Cname,
}

impl LookupType {
    fn record_type(self) -> RecordType {
        match self {
            LookupType::Txt => RecordType::TXT,
            LookupType::Cname => RecordType::CNAME,
        }
    }
}

fn parse_name(name: &str) -> Result<Name, DnsError> {
    // A trailing dot makes the name fully qualified, so nothing is appended to it.
    Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
        .map_err(|_| DnsError::InvalidName(name.to_owned()))
}

/// Asks `server` (recursively) for `name`; the outcome says what it answered, including
/// NXDOMAIN, SERVFAIL and timeouts, within `timeout` per transport.
pub async fn lookup(
    server: SocketAddr,
    name: &str,
    kind: LookupType,
    timeout: Duration,
) -> Result<ViewOutcome, DnsError> {
    let view = View::new(ViewKind::Listed, server.to_string(), server);
    let limits = Limits {
        timeout,
        max_cname_hops: 0,
    };
    let observed = records::simple(&view, &parse_name(name)?, kind.record_type(), limits).await;
    Ok(observed.outcome)
}

/// The zone that holds `name` on `server`: the longest suffix of the name that has an SOA.
/// Dynamic updates must name their zone, and a subdomain such as `sales.contoso.com` is often
/// a name inside the parent's zone.
pub async fn zone_of(
    server: SocketAddr,
    name: &str,
    timeout: Duration,
) -> Result<String, DnsError> {
    let view = View::new(ViewKind::Listed, server.to_string(), server);
    let limits = Limits {
        timeout,
        max_cname_hops: 0,
    };
    let mut candidate = parse_name(name)?;
    while !candidate.is_root() {
        let observed = records::simple(&view, &candidate, RecordType::SOA, limits).await;
        if matches!(observed.outcome, ViewOutcome::Answer { .. }) {
            return Ok(candidate.to_ascii().trim_end_matches('.').to_owned());
        }
        candidate = candidate.base_name();
    }
    Err(DnsError::InvalidName(format!(
        "{name} (no zone on {server} holds it)"
    )))
}
