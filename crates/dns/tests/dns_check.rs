//! DNS checks against a real Knot server.

mod support;

use std::time::Duration;

use fedshare_dns::{
    check_domain, CheckOptions, ExpectedProof, RecordStatus, SystemResolver, Transport, ViewKind,
    ViewOutcome,
};
use support::knot::{Knot, Zone};

const PROOF: &str =
    "k2VhbmRvbXByb29mMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUA==";
/// PROOF with one character changed at position 17.
const PROOF_TYPO: &str =
    "k2VhbmRvbXByb29mXTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUA==";

fn zones(proof: &str) -> Vec<Zone> {
    let big: String = (0..12)
        .map(|i| format!("@ TXT \"filler-{i}-{}\"\n", "x".repeat(180)))
        .collect();
    vec![
        Zone::new(
            "contoso.test",
            &format!(
                "@ TXT \"v=spf1 -all\"\n@ TXT \"{proof}\"\nautodiscover CNAME mail\nmail A 127.0.0.1\n\
                 _autodiscover._tcp SRV 0 0 443 mail.contoso.test.\n"
            ),
        ),
        Zone::new("typo.test", &format!("@ TXT \"{PROOF_TYPO}\"\n@ TXT \"v=spf1 -all\"\n")),
        Zone::new("quoted.test", &format!("@ TXT \"\\\"{PROOF}\\\" \"\n")),
        Zone::new("chain.test", "autodiscover CNAME a\na CNAME b\nb CNAME c\nc A 127.0.0.2\nc AAAA ::1\n"),
        Zone::new("loop.test", "autodiscover CNAME x\nx CNAME y\ny CNAME x\n"),
        Zone::new("dangling.test", "autodiscover CNAME nowhere\n"),
        Zone::new("missing.test", ""),
        Zone::new("big.test", &format!("{big}@ TXT \"{PROOF}\"\n")),
        Zone::broken("broken.test"),
    ]
}

fn pinned(knot: &Knot) -> CheckOptions {
    CheckOptions {
        expected_proofs: vec![ExpectedProof {
            slot: "current".into(),
            proof: PROOF.into(),
        }],
        resolvers: vec![knot.addr],
        pinned: true,
        query_timeout: Duration::from_secs(2),
        ..CheckOptions::default()
    }
}

#[tokio::test]
async fn proof_present_matches_and_names_the_slot() {
    let knot = Knot::start(&zones(PROOF));
    let mut opts = pinned(&knot);
    opts.expected_proofs.push(ExpectedProof {
        slot: "next".into(),
        proof: "AAAA".into(),
    });
    let report = check_domain("contoso.test", &opts).await.expect("check");
    assert_eq!(report.proof.status, RecordStatus::Match);
    assert_eq!(
        report.proof.views[0].matched_slots,
        vec!["current".to_string()]
    );
    assert_eq!(report.autodiscover.status, RecordStatus::Present);
    assert_eq!(report.srv.status, RecordStatus::Present);
    assert!(report.proof.agreement.consistent);
    assert_eq!(report.views.len(), 1);
    assert_eq!(report.views[0].kind, ViewKind::Listed);
}

#[tokio::test]
async fn mistyped_proof_is_a_mismatch_with_the_position() {
    let knot = Knot::start(&zones(PROOF));
    let report = check_domain("typo.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(report.proof.status, RecordStatus::Mismatch);
    let hint = report.proof.views[0].hint.clone().expect("hint");
    assert!(hint.contains("differs at position 17"), "{hint}");
    let quoted = check_domain("quoted.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(quoted.proof.status, RecordStatus::Mismatch);
    assert!(quoted.proof.views[0]
        .hint
        .as_deref()
        .unwrap_or_default()
        .contains("quotes/whitespace"));
}

#[tokio::test]
async fn cname_chain_loop_and_dangling_target() {
    let knot = Knot::start(&zones(PROOF));
    let mut opts = pinned(&knot);
    opts.expected_autodiscover_target = Some("c.chain.test".into());
    let chain = check_domain("chain.test", &opts).await.expect("check");
    assert_eq!(chain.autodiscover.status, RecordStatus::Match);
    let values = chain.autodiscover.views[0].answer.values().to_vec();
    assert_eq!(
        values,
        vec![
            "CNAME a.chain.test.",
            "CNAME b.chain.test.",
            "CNAME c.chain.test.",
            "A 127.0.0.2",
            "AAAA ::1"
        ]
    );

    let looped = check_domain("loop.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(looped.autodiscover.status, RecordStatus::Mismatch);
    assert!(
        looped.autodiscover.views[0]
            .notes
            .iter()
            .any(|n| n.contains("CNAME loop")),
        "{:?}",
        looped.autodiscover.views[0].notes
    );

    let dangling = check_domain("dangling.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(dangling.autodiscover.status, RecordStatus::Mismatch);

    let mut short = pinned(&knot);
    short.max_cname_hops = 1;
    let too_long = check_domain("chain.test", &short).await.expect("check");
    assert!(too_long.autodiscover.views[0]
        .notes
        .iter()
        .any(|n| n.contains("longer than 1")));
}

#[tokio::test]
async fn missing_records_servfail_and_refused_are_findings() {
    let knot = Knot::start(&zones(PROOF));
    let missing = check_domain("missing.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(missing.proof.status, RecordStatus::Missing);
    assert_eq!(missing.autodiscover.status, RecordStatus::Missing);
    assert_eq!(missing.autodiscover.views[0].answer, ViewOutcome::NxDomain);
    assert_eq!(missing.srv.status, RecordStatus::Missing);

    let broken = check_domain("broken.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(broken.proof.views[0].answer, ViewOutcome::ServFail);
    assert_eq!(broken.proof.status, RecordStatus::Error);

    let foreign = check_domain("not-served.example", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(foreign.proof.views[0].answer, ViewOutcome::Refused);
}

#[tokio::test]
async fn large_txt_answer_falls_back_to_tcp() {
    let knot = Knot::start(&zones(PROOF));
    let report = check_domain("big.test", &pinned(&knot))
        .await
        .expect("check");
    assert_eq!(report.proof.status, RecordStatus::Match);
    match &report.proof.views[0].answer {
        ViewOutcome::Answer {
            transport,
            truncated_over_udp,
            size,
            ..
        } => {
            assert_eq!(*transport, Transport::Tcp);
            assert!(*truncated_over_udp);
            assert!(*size > 1232, "{size}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == "dns.txt_answer_large"));
}

#[tokio::test]
async fn silent_server_times_out_within_its_bound() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let mut opts = CheckOptions {
        resolvers: vec![silent.local_addr().expect("addr")],
        pinned: true,
        query_timeout: Duration::from_millis(300),
        ..CheckOptions::default()
    };
    opts.expected_proofs.push(ExpectedProof {
        slot: "current".into(),
        proof: PROOF.into(),
    });
    let report = tokio::time::timeout(Duration::from_secs(10), check_domain("contoso.test", &opts))
        .await
        .expect("bounded")
        .expect("check");
    assert!(
        matches!(report.proof.views[0].answer, ViewOutcome::Timeout { .. }),
        "{:?}",
        report.proof.views[0].answer
    );
    assert_eq!(report.proof.status, RecordStatus::Error);
    assert_eq!(report.proof.agreement.unavailable.len(), 1);
}

#[tokio::test]
async fn authoritative_walk_and_system_view() {
    let knot = Knot::start(&zones(PROOF));
    let opts = CheckOptions {
        expected_proofs: vec![ExpectedProof {
            slot: "current".into(),
            proof: PROOF.into(),
        }],
        system: SystemResolver::Servers(vec![knot.addr]),
        authoritative_port: knot.addr.port(),
        query_timeout: Duration::from_secs(2),
        ..CheckOptions::default()
    };
    let report = check_domain("contoso.test", &opts).await.expect("check");
    let kinds: Vec<ViewKind> = report.views.iter().map(|v| v.kind).collect();
    assert_eq!(kinds, vec![ViewKind::Authoritative, ViewKind::System]);
    assert_eq!(report.views[0].label, "ns1.contoso.test.");
    assert_eq!(report.proof.status, RecordStatus::Match);
    assert!(report.proof.agreement.consistent);
}

#[tokio::test]
async fn views_that_disagree_are_reported_as_split_or_propagating() {
    let public = Knot::start(&zones(PROOF));
    let internal = Knot::start(&zones("an-old-proof-value"));
    let mut opts = pinned(&public);
    opts.resolvers.push(internal.addr);
    let report = check_domain("contoso.test", &opts).await.expect("check");
    assert_eq!(report.proof.status, RecordStatus::Partial);
    assert!(!report.proof.agreement.consistent);
    assert_eq!(report.proof.agreement.groups.len(), 2);
    let diagnosis = report.proof.agreement.diagnosis.clone().expect("diagnosis");
    assert!(
        diagnosis.contains("propagation") && diagnosis.contains("split DNS"),
        "{diagnosis}"
    );
    // The CNAME is the same in both: no disagreement there.
    assert!(report.autodiscover.agreement.consistent);
}

#[tokio::test]
async fn report_serialises_with_stable_names() {
    let knot = Knot::start(&zones(PROOF));
    let report = check_domain("contoso.test", &pinned(&knot))
        .await
        .expect("check");
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["proof"]["status"], "match");
    assert_eq!(json["proof"]["views"][0]["answer"]["outcome"], "answer");
    assert_eq!(json["proof"]["views"][0]["matchedSlots"][0], "current");
    assert_eq!(json["autodiscover"]["recordType"], "CNAME");
}

#[tokio::test]
async fn invalid_domain_is_a_typed_error() {
    let err = check_domain("bad name", &CheckOptions::default())
        .await
        .expect_err("invalid");
    assert_eq!(fedshare_model::ErrorCode::code(&err), "dns.invalid_name");
}
