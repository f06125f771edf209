//! 200 partner domains (DNS views plus GetFederationInformation each) against loopback Knot
//! and HTTPS servers: a bounded pool versus a sequential run of the same work.
//!
//! `cargo bench -p fedshare-dns --bench partners`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use fedshare_dns::batch::{check_partner, check_partners};
use fedshare_dns::{CheckOptions, Discoverer, DiscoveryOptions, HostResolver, TlsOptions};
use support::https::{self, TestCa};
use support::knot::{Knot, Zone};

const PARTNERS: usize = 200;
const CONCURRENCY: usize = 64;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let knot = Knot::start(&[Zone::new("p.test", "* A 127.0.0.1\n")]);
    let ca = TestCa::new();
    let server = https::start(Some(ca.issue(https::all_hosts(), false))).await;
    let discoverer = Discoverer::new(DiscoveryOptions {
        https_port: server.addr.port(),
        resolver: HostResolver::Servers(vec![knot.addr]),
        tls: TlsOptions {
            extra_ca_pem: Some(ca.pem.clone()),
        },
        request_deadline: Duration::from_secs(10),
        ..DiscoveryOptions::default()
    })
    .expect("discoverer");
    let check = CheckOptions {
        resolvers: vec![knot.addr],
        pinned: true,
        ..CheckOptions::default()
    };
    let domains: Vec<String> = (0..PARTNERS).map(|i| format!("bulk{i}.p.test")).collect();

    // Warm-up: TLS session setup code paths and the resolver cache.
    let _ = check_partner(domains[0].clone(), &check, &discoverer).await;

    let started = Instant::now();
    let mut sequential = Vec::new();
    for d in &domains {
        sequential.push(check_partner(d.clone(), &check, &discoverer).await);
    }
    let seq = started.elapsed();

    let started = Instant::now();
    let pooled = check_partners(&domains, CONCURRENCY, &check, &discoverer).await;
    let par = started.elapsed();

    let ok = |r: &[fedshare_dns::batch::PartnerReport]| {
        r.iter()
            .filter(|p| p.discovery.result.is_some() && p.dns.is_some())
            .count()
    };
    assert_eq!(ok(&sequential), PARTNERS, "every sequential check succeeds");
    assert_eq!(ok(&pooled), PARTNERS, "every pooled check succeeds");
    println!("partners: {PARTNERS}, pool size: {CONCURRENCY}");
    println!("sequential: {:.3} s", seq.as_secs_f64());
    println!("pooled:     {:.3} s", par.as_secs_f64());
    println!("ratio:      {:.1}x", seq.as_secs_f64() / par.as_secs_f64());
}
