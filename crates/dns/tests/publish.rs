//! RFC 2136 updates signed with TSIG, against a real Knot server, verified with a query.

mod support;

use std::time::Duration;

use fedshare_dns::{
    check_domain, publish_record, CheckOptions, DnsError, DnsRecord, ExpectedProof,
    PropagationCheck, PublishMode, RecordKind, RecordStatus, TsigAlgo, TsigKey, UpdateTarget,
};
use hickory_proto::op::{Message, OpCode, Query, ResponseCode, UpdateMessage};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use support::knot::{Knot, Zone, TEST_KEY_NAME, TEST_KEY_SECRET};

fn knot() -> Knot {
    Knot::start(&[Zone::new(
        "pub.test",
        "@ TXT \"v=spf1 -all\"\n@ TXT \"old-proof\"\nautodiscover CNAME old-mail\n",
    )
    .updatable()])
}

fn target(knot: &Knot, secret: &str) -> UpdateTarget {
    UpdateTarget {
        server: knot.addr,
        key: TsigKey {
            name: TEST_KEY_NAME.into(),
            algorithm: TsigAlgo::HmacSha256,
            secret: secret.into(),
        },
        timeout: Duration::from_secs(3),
    }
}

fn opts(knot: &Knot, proof: &str) -> CheckOptions {
    CheckOptions {
        expected_proofs: vec![ExpectedProof {
            slot: "next".into(),
            proof: proof.into(),
        }],
        expected_autodiscover_target: Some("mail.pub.test".into()),
        resolvers: vec![knot.addr],
        pinned: true,
        ..CheckOptions::default()
    }
}

#[tokio::test]
async fn signed_update_publishes_and_replaces() {
    let knot = knot();
    let record = DnsRecord::proof("pub.test", "pub.test", "new-proof-value");
    publish_record(
        &target(&knot, TEST_KEY_SECRET),
        &record,
        &PublishMode::ReplaceValues {
            old: vec!["old-proof".into()],
        },
    )
    .await
    .expect("published");
    let cname = DnsRecord::autodiscover("pub.test", "pub.test", "mail.pub.test");
    publish_record(
        &target(&knot, TEST_KEY_SECRET),
        &cname,
        &PublishMode::ReplaceRrset,
    )
    .await
    .expect("cname");

    let report = check_domain("pub.test", &opts(&knot, "new-proof-value"))
        .await
        .expect("check");
    assert_eq!(report.proof.status, RecordStatus::Match);
    let values = report.proof.views[0].answer.values().to_vec();
    assert!(
        values.contains(&"v=spf1 -all".to_string()),
        "SPF kept: {values:?}"
    );
    assert!(
        !values.contains(&"old-proof".to_string()),
        "old proof removed: {values:?}"
    );
    assert_eq!(
        report.autodiscover.views[0].answer.values()[0],
        "CNAME mail.pub.test."
    );
}

#[tokio::test]
async fn wrong_key_is_refused_and_changes_nothing() {
    let knot = knot();
    let record = DnsRecord::proof("pub.test", "pub.test", "forged");
    let err = publish_record(
        &target(&knot, "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZzE="),
        &record,
        &PublishMode::Add,
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(
            err,
            DnsError::UpdateRejected { .. } | DnsError::UpdateFailed { .. }
        ),
        "{err:?}"
    );
    let report = check_domain("pub.test", &opts(&knot, "forged"))
        .await
        .expect("check");
    assert_ne!(report.proof.status, RecordStatus::Match);
}

#[tokio::test]
async fn unsigned_update_gets_notauth() {
    let knot = knot();
    let zone = Name::from_ascii("pub.test.").expect("name");
    let mut message = Message::query();
    message.metadata.op_code = OpCode::Update;
    message.add_zone(Query::query(zone.clone(), RecordType::SOA));
    message.add_update(Record::from_rdata(
        zone,
        300,
        RData::TXT(TXT::new(vec!["unsigned".into()])),
    ));
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    socket
        .send_to(&message.to_vec().expect("encode"), knot.addr)
        .await
        .expect("send");
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(3), socket.recv(&mut buf))
        .await
        .expect("answer")
        .expect("recv");
    let answer = Message::from_vec(&buf[..n]).expect("decode");
    assert_eq!(answer.metadata.response_code, ResponseCode::NotAuth);
}

#[tokio::test]
async fn propagation_wait_sees_a_published_record() {
    let knot = knot();
    let check = PropagationCheck {
        domain: "pub.test".into(),
        options: opts(&knot, "arrives-later"),
        records: vec![RecordKind::ProofTxt],
    };
    let before = fedshare_dns::wait_for_propagation(
        &check,
        Duration::ZERO,
        Duration::from_millis(50),
        |_| {},
    )
    .await
    .expect("wait");
    assert!(!before.converged);
    assert_eq!(before.attempts, 1);

    let record = DnsRecord::proof("pub.test", "pub.test", "arrives-later");
    let publisher = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        publish_record(&target(&knot, TEST_KEY_SECRET), &record, &PublishMode::Add)
            .await
            .expect("published");
    };
    let mut seen = Vec::new();
    let waiter = fedshare_dns::wait_for_propagation(
        &check,
        Duration::from_secs(20),
        Duration::from_millis(100),
        |p| seen.push(p),
    );
    let (outcome, ()) = tokio::join!(waiter, publisher);
    let outcome = outcome.expect("wait");
    assert!(outcome.converged);
    assert!(outcome.attempts >= 2, "first poll saw the old state");
    assert!(seen
        .first()
        .is_some_and(|p| !p.done && p.views[0].status != RecordStatus::Match));
    assert!(seen.last().is_some_and(|p| p.done));
}
