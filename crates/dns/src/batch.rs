//! Many partners at once, with a bounded number in flight (politeness towards resolvers and
//! partner servers, and a predictable load on the workstation).

use fedshare_model::{ErrorCode, ErrorPayload};
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::{check_domain, CheckOptions, DomainDnsReport};
use crate::discovery::{Discoverer, PartnerDiscovery};

/// DNS views and discovery for one partner domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PartnerReport {
    pub domain: String,
    pub dns: Option<DomainDnsReport>,
    pub dns_error: Option<ErrorPayload>,
    pub discovery: PartnerDiscovery,
}

/// Checks every domain with at most `concurrency` in flight; results keep the input order.
pub async fn check_partners(
    domains: &[String],
    concurrency: usize,
    check: &CheckOptions,
    discoverer: &Discoverer,
) -> Vec<PartnerReport> {
    stream::iter(domains.iter().cloned())
        .map(|domain| async move { check_partner(domain, check, discoverer).await })
        .buffered(concurrency.max(1))
        .collect()
        .await
}

/// One partner: the DNS check and the discovery run side by side.
pub async fn check_partner(
    domain: String,
    check: &CheckOptions,
    discoverer: &Discoverer,
) -> PartnerReport {
    let (dns, discovery) = tokio::join!(check_domain(&domain, check), discoverer.discover(&domain));
    let (dns, dns_error) = match dns {
        Ok(report) => (Some(report), None),
        Err(e) => (None, Some(e.to_payload())),
    };
    PartnerReport {
        domain,
        dns,
        dns_error,
        discovery,
    }
}
