//! Partner discovery and endpoint probes against real HTTPS servers with a test CA, host names
//! resolved through a real Knot server.

mod support;

use std::time::Duration;

use fedshare_dns::discovery::http::HttpFailure;
use fedshare_dns::probe::PathVerdict;
use fedshare_dns::tls::TlsProblem;
use fedshare_dns::{
    AttemptOutcome, Discoverer, DiscoveryOptions, DiscoveryStep, ExchangeOnline, HostResolver,
    PartnerDiscovery, TlsOptions,
};
use support::https::{self, TestCa};
use support::knot::{Knot, Zone};

struct Lab {
    knot: Knot,
    ca: TestCa,
    https: https::Server,
    http: https::Server,
}

async fn lab() -> Lab {
    let knot = Knot::start(&[Zone::new("p.test", "* A 127.0.0.1\n")]);
    let ca = TestCa::new();
    let https = https::start(Some(ca.issue(https::all_hosts(), false))).await;
    let http = https::start(None).await;
    Lab {
        knot,
        ca,
        https,
        http,
    }
}

impl Lab {
    fn options(&self, https_port: u16) -> DiscoveryOptions {
        DiscoveryOptions {
            https_port,
            http_port: self.http.addr.port(),
            resolver: HostResolver::Servers(vec![self.knot.addr]),
            tls: TlsOptions {
                extra_ca_pem: Some(self.ca.pem.clone()),
            },
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            request_deadline: Duration::from_secs(1),
            ..DiscoveryOptions::default()
        }
    }

    fn discoverer(&self) -> Discoverer {
        Discoverer::new(self.options(self.https.addr.port())).expect("discoverer")
    }
}

fn first(d: &PartnerDiscovery) -> &AttemptOutcome {
    &d.attempts[0].outcome
}

fn invalid_reason(d: &PartnerDiscovery) -> String {
    match first(d) {
        AttemptOutcome::Invalid { reason } => reason.clone(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn exchange_2013_partner_is_found_at_the_first_step() {
    let lab = lab().await;
    let d = lab.discoverer().discover("ex2013.p.test").await;
    let info = d.result.clone().expect("found");
    assert_eq!(d.attempts.len(), 1);
    assert_eq!(d.attempts[0].step, DiscoveryStep::AutodiscoverHost);
    assert_eq!(info.target_application_uri, "FYDIBOHF25SPDLT.ex2013.p.test");
    assert_eq!(
        info.target_autodiscover_epr,
        format!(
            "https://autodiscover.ex2013.p.test:{}/autodiscover/autodiscover.svc/WSSecurity",
            lab.https.addr.port()
        )
    );
    assert_eq!(
        info.token_issuer_uris,
        vec!["urn:federation:MicrosoftOnline".to_string()]
    );
    assert_eq!(
        info.domain_names,
        vec!["ex2013.p.test".to_string(), "other.p.test".to_string()]
    );
    assert_eq!(info.exchange_online, None);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    // The answer's HTTP Date (hyper dates every answer) is kept as the partner's clock.
    let offset = d.clock_offset_seconds.expect("the answer is dated");
    assert!(offset.abs() <= 2, "{offset}");
}

#[tokio::test]
async fn exchange_online_partner_is_detected_through_a_302() {
    let lab = lab().await;
    let d = lab.discoverer().discover("exo.p.test").await;
    assert!(
        matches!(first(&d), AttemptOutcome::Redirect { .. }),
        "{:?}",
        d.attempts
    );
    let info = d.result.clone().expect("found");
    assert_eq!(info.target_application_uri, "outlook.com");
    assert_eq!(info.exchange_online, Some(ExchangeOnline::Worldwide));
    assert!(info
        .target_autodiscover_epr
        .starts_with("https://autodiscover-s.p.test:"));
    assert!(info
        .target_autodiscover_epr
        .ends_with("/autodiscover/autodiscover.svc/WSSecurity"));
}

#[tokio::test]
async fn validation_failures_are_named() {
    let lab = lab().await;
    let disc = lab.discoverer();
    let notfed = disc.discover("notfed.p.test").await;
    assert!(notfed.result.is_none());
    assert_eq!(
        notfed.clock_offset_seconds, None,
        "only the answer that gave the result dates the partner"
    );
    assert!(invalid_reason(&notfed).contains("not federated (NotFederated)"));
    let wrong = disc.discover("wrongdomain.p.test").await;
    assert!(invalid_reason(&wrong).contains("not in Domains"));
}

#[tokio::test]
async fn hostile_xml_is_refused() {
    let lab = lab().await;
    let disc = lab.discoverer();
    assert!(invalid_reason(&disc.discover("entity.p.test").await).contains("DOCTYPE"));
    assert!(invalid_reason(&disc.discover("deep.p.test").await).contains("nested deeper"));
    let huge = disc.discover("huge.p.test").await;
    assert_eq!(
        *first(&huge),
        AttemptOutcome::Failed {
            failure: HttpFailure::BodyTooLarge { limit: 1024 * 1024 }
        }
    );
}

#[tokio::test]
async fn silent_and_trickling_servers_hit_the_deadline() {
    let lab = lab().await;
    let disc = lab.discoverer();
    for domain in ["hang.p.test", "trickle.p.test"] {
        let d = tokio::time::timeout(Duration::from_secs(20), disc.discover(domain))
            .await
            .expect("bounded");
        assert!(
            matches!(
                first(&d),
                AttemptOutcome::Failed {
                    failure: HttpFailure::Timeout { .. }
                }
            ),
            "{domain}: {:?}",
            d.attempts
        );
        assert!(d.result.is_none());
    }
}

#[tokio::test]
async fn redirect_loops_and_http_redirects_are_refused() {
    let lab = lab().await;
    let disc = lab.discoverer();
    let looped = disc.discover("loop.p.test").await;
    let refused: Vec<String> = looped
        .attempts
        .iter()
        .filter_map(|a| match &a.outcome {
            AttemptOutcome::RedirectRefused { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(
        refused.iter().any(|r| r == "redirect loop"),
        "{:?}",
        looped.attempts
    );
    let to_http = disc.discover("tohttp.p.test").await;
    assert!(
        matches!(first(&to_http), AttemptOutcome::RedirectRefused { reason, .. } if reason.contains("https"))
    );
}

#[tokio::test]
async fn second_step_and_unsecured_redirect_probe() {
    let lab = lab().await;
    let disc = lab.discoverer();
    let step2 = disc.discover("step2.p.test").await;
    assert_eq!(*first(&step2), AttemptOutcome::HttpStatus { status: 404 });
    assert_eq!(step2.attempts[1].step, DiscoveryStep::DomainHost);
    assert!(step2.result.is_some());

    let unsec = disc.discover("unsec.p.test").await;
    let info = unsec
        .result
        .clone()
        .unwrap_or_else(|| panic!("found through the redirect: {:?}", unsec.attempts));
    assert!(info.source_url.starts_with("https://redirected.p.test:"));
    let redirect = unsec.unsecured_redirect.clone().expect("flagged");
    assert_eq!(redirect.host, "redirected.p.test");
    assert!(!redirect.trusted);
    assert!(unsec
        .attempts
        .iter()
        .any(|a| a.step == DiscoveryStep::RedirectProbeAutodiscover && a.method == "GET"));

    let mut opts = lab.options(lab.https.addr.port());
    opts.trusted_hostnames = vec!["*.p.test".into()];
    let trusted = Discoverer::new(opts)
        .expect("d")
        .discover("unsec.p.test")
        .await;
    assert!(trusted.unsecured_redirect.expect("flagged").trusted);
}

#[tokio::test]
async fn certificate_problems_fail_the_attempt() {
    let lab = lab().await;
    let wrong_name =
        https::start(Some(lab.ca.issue(vec!["someone.else.test".into()], false))).await;
    let expired = https::start(Some(lab.ca.issue(https::all_hosts(), true))).await;
    let cases = [
        (wrong_name.addr.port(), TlsProblem::NameMismatch, true),
        (expired.addr.port(), TlsProblem::Expired, true),
        (lab.https.addr.port(), TlsProblem::UntrustedIssuer, false),
    ];
    for (port, problem, with_ca) in cases {
        let mut opts = lab.options(port);
        if !with_ca {
            opts.tls = TlsOptions::default();
        }
        let d = Discoverer::new(opts)
            .expect("d")
            .discover("ex2013.p.test")
            .await;
        assert!(d.result.is_none());
        match first(&d) {
            AttemptOutcome::Failed {
                failure: HttpFailure::Tls { problem: p, .. },
            } => assert_eq!(*p, problem),
            other => panic!("expected TLS {problem:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn endpoint_probe_reads_the_chain_and_spots_pre_authentication() {
    let lab = lab().await;
    let disc = lab.discoverer();
    let good = disc.probe_endpoints("ex2013.p.test").await;
    assert!(good.tls.verified, "{:?}", good.tls);
    assert!(good.tls.chain[0]
        .dns_names
        .contains(&"autodiscover.ex2013.p.test".to_string()));
    assert!(good.tls.chain[0].days_remaining > 30);
    assert!(
        good.paths
            .iter()
            .all(|p| p.verdict == PathVerdict::Reachable),
        "{:?}",
        good.paths
    );

    let proxied = disc.probe_endpoints("noproxy.p.test").await;
    assert_eq!(proxied.paths[0].verdict, PathVerdict::PreAuthRedirect);
    assert_eq!(proxied.paths[1].verdict, PathVerdict::PreAuthChallenge);

    let expired = https::start(Some(lab.ca.issue(https::all_hosts(), true))).await;
    let probe = Discoverer::new(lab.options(expired.addr.port()))
        .expect("d")
        .probe_endpoints("ex2013.p.test")
        .await;
    assert!(!probe.tls.verified);
    assert_eq!(probe.tls.problem, Some(TlsProblem::Expired));
    assert!(
        probe.tls.chain[0].days_remaining < 0,
        "the expired chain is still shown"
    );
}

#[tokio::test]
async fn batch_keeps_order_and_combines_dns_and_discovery() {
    let lab = lab().await;
    let disc = lab.discoverer();
    let check = fedshare_dns::CheckOptions {
        resolvers: vec![lab.knot.addr],
        pinned: true,
        ..Default::default()
    };
    let domains: Vec<String> = ["ex2013.p.test", "notfed.p.test", "exo.p.test"]
        .map(String::from)
        .to_vec();
    let reports = fedshare_dns::batch::check_partners(&domains, 2, &check, &disc).await;
    let order: Vec<&str> = reports.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(order, vec!["ex2013.p.test", "notfed.p.test", "exo.p.test"]);
    assert!(reports[0].discovery.result.is_some() && reports[1].discovery.result.is_none());
    assert!(reports[0].dns.as_ref().expect("dns").autodiscover.views[0]
        .answer
        .values()
        .contains(&"A 127.0.0.1".to_string()));
}
