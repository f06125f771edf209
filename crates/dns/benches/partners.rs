//! 200 partner domains (DNS views plus GetFederationInformation each) against loopback Knot
//! and HTTPS servers: the bounded pool versus a sequential run of the same work.
//!
//! Two settings, each measured in this run:
//! - `wan`: the servers are reached through a link that delays every packet flight by
//!   10 ms (a 20 ms round trip, a partner in the same region). This is the figure the budget
//!   is about: checking partners is waiting for the network, and the pool overlaps the waits.
//! - `loopback`: direct, no round-trip time. Both runs are then CPU-bound, so the ratio mostly
//!   shows how many cores the machine has; it is printed for reference.
//!
//! `cargo bench -p fedshare-dns --bench partners`

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fedshare_dns::batch::{check_partner, check_partners, PartnerReport, DEFAULT_CONCURRENCY};
use fedshare_dns::{CheckOptions, Discoverer, DiscoveryOptions, HostResolver, TlsOptions};
use support::https::{self, TestCa};
use support::knot::{Knot, Zone};
use support::link::Link;

const PARTNERS: usize = 200;
/// One way; the round trip is twice this.
const WAN_DELAY: Duration = Duration::from_millis(10);

struct Figures {
    sequential: Duration,
    pooled: Duration,
}

impl Figures {
    fn ratio(&self) -> f64 {
        self.sequential.as_secs_f64() / self.pooled.as_secs_f64()
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let knot = Knot::start(&[Zone::new("p.test", "* A 127.0.0.1\n")]);
    let ca = TestCa::new();
    let server = https::start(Some(ca.issue(https::all_hosts(), false))).await;
    let domains: Vec<String> = (0..PARTNERS).map(|i| format!("bulk{i}.p.test")).collect();

    let loopback = measure(&domains, knot.addr, server.addr.port(), &ca).await;
    let dns_link = Link::dns_udp(knot.addr, WAN_DELAY).await;
    let https_link = Link::tcp(server.addr, WAN_DELAY).await;
    let wan = measure(&domains, dns_link.addr, https_link.addr.port(), &ca).await;

    println!("partners: {PARTNERS}, pool size: {DEFAULT_CONCURRENCY}");
    for (name, f) in [
        ("wan (20 ms round trip)", &wan),
        ("loopback (no delay)", &loopback),
    ] {
        println!(
            "{name:<24} sequential {:>7.3} s   pooled {:>6.3} s   ratio {:>5.1}x",
            f.sequential.as_secs_f64(),
            f.pooled.as_secs_f64(),
            f.ratio()
        );
    }
    println!(
        "BENCH partners wan_seq_s={:.3} wan_pooled_s={:.3} wan_ratio={:.1} loop_seq_s={:.3} loop_pooled_s={:.3} loop_ratio={:.1}",
        wan.sequential.as_secs_f64(),
        wan.pooled.as_secs_f64(),
        wan.ratio(),
        loopback.sequential.as_secs_f64(),
        loopback.pooled.as_secs_f64(),
        loopback.ratio()
    );
}

/// The same 200 checks one after another, then through the pool, with the DNS server at
/// `dns` and the HTTPS partners on `https_port`.
async fn measure(domains: &[String], dns: SocketAddr, https_port: u16, ca: &TestCa) -> Figures {
    let discoverer = Discoverer::new(DiscoveryOptions {
        https_port,
        resolver: HostResolver::Servers(vec![dns]),
        tls: TlsOptions {
            extra_ca_pem: Some(ca.pem.clone()),
        },
        request_deadline: Duration::from_secs(10),
        ..DiscoveryOptions::default()
    })
    .expect("discoverer");
    let check = CheckOptions {
        resolvers: vec![dns],
        pinned: true,
        ..CheckOptions::default()
    };
    // Warm-up: the OS trust store and first-use code paths.
    let _ = check_partner(domains[0].clone(), &check, &discoverer).await;

    let started = Instant::now();
    let mut sequential = Vec::new();
    for d in domains {
        sequential.push(check_partner(d.clone(), &check, &discoverer).await);
    }
    let seq = started.elapsed();
    assert_all_found(&sequential, "sequential");

    let started = Instant::now();
    let pooled = check_partners(domains, DEFAULT_CONCURRENCY, &check, &discoverer).await;
    let par = started.elapsed();
    assert_all_found(&pooled, "pooled");
    Figures {
        sequential: seq,
        pooled: par,
    }
}

fn assert_all_found(reports: &[PartnerReport], run: &str) {
    let ok = reports
        .iter()
        .filter(|p| p.discovery.result.is_some() && p.dns.is_some())
        .count();
    assert_eq!(ok, reports.len(), "every {run} check succeeds");
}
