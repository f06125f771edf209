//! Acknowledgements (kept in a file, shown not hidden, expired ones ignored) and drift between
//! two saved runs.

use fedshare_checks::ack::{parse_date, AckStore, ACK_FILE};
use fedshare_checks::{drift, ChecksError, SavedRun};
use fedshare_model::{CheckResult, CheckStatus, Evidence, Severity, StepKind};

fn result(id: &str, status: CheckStatus, actual: &str) -> CheckResult {
    CheckResult {
        id: id.into(),
        title: format!("title of {id}"),
        step: StepKind::FederationTrust,
        severity: Severity::Error,
        status,
        subject: None,
        evidence: vec![Evidence {
            subject: "s".into(),
            actual: actual.into(),
            expected: "e".into(),
        }],
        explanation: String::new(),
        fix: None,
        doc_link: String::new(),
    }
}

#[test]
fn acknowledgements_mark_but_never_hide_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    let today = parse_date("2030-03-01").unwrap();
    let mut store = AckStore::in_dir(dir.path()).unwrap();
    assert!(store.acks.is_empty());
    store
        .acknowledge(
            "policy.contradiction",
            "legacy policy kept until April",
            "2030-03-31",
            "admin",
            today,
        )
        .unwrap();
    store
        .acknowledge(
            "trust.metadata-fresh",
            "tracked in CHG-1",
            "2030-03-01",
            "admin",
            today,
        )
        .unwrap();
    store.save().unwrap();
    assert!(dir.path().join(ACK_FILE).exists());

    let store = AckStore::in_dir(dir.path()).unwrap();
    let results = vec![
        result("policy.contradiction", CheckStatus::Warning, "two defaults"),
        result("trust.metadata-fresh", CheckStatus::Failure, "62 days"),
        result("trust.present", CheckStatus::Pass, "yes"),
    ];
    let marked = store.apply(results.clone(), today);
    assert_eq!(marked.len(), 3, "nothing hidden");
    assert_eq!(
        marked[0].result.status,
        CheckStatus::Warning,
        "status stays"
    );
    assert_eq!(
        marked[0].acknowledged.as_ref().unwrap().reason,
        "legacy policy kept until April"
    );
    assert!(!marked[0].is_open_finding());
    assert!(
        !marked[1].is_open_finding(),
        "the expiry day itself still counts"
    );

    // The day after, the second acknowledgement has expired and the finding counts again.
    let later = store.apply(results, parse_date("2030-03-02").unwrap());
    assert!(later[0].acknowledged.is_some());
    assert!(later[1].acknowledged.is_none());
    assert!(later[1].is_open_finding());
    // Serialised, a marked result is the result's own fields plus `acknowledged`.
    let json = serde_json::to_value(&later[0]).unwrap();
    assert_eq!(json["id"], "policy.contradiction");
    assert_eq!(json["acknowledged"]["expires"], "2030-03-31");
}

#[test]
fn acknowledgements_refuse_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let today = parse_date("2030-03-01").unwrap();
    let mut store = AckStore::in_dir(dir.path()).unwrap();
    assert!(matches!(
        store
            .acknowledge("trust.present", "r", "2030-02-28", "a", today)
            .map(|_| ())
            .unwrap_err(),
        ChecksError::ExpiryInPast(_)
    ));
    assert!(matches!(
        store
            .acknowledge("trust.present", "r", "31/03/2030", "a", today)
            .map(|_| ())
            .unwrap_err(),
        ChecksError::InvalidDate(_)
    ));
    assert!(matches!(
        store
            .acknowledge("trust.present", "  ", "2030-03-31", "a", today)
            .map(|_| ())
            .unwrap_err(),
        ChecksError::EmptyReason
    ));
    assert!(matches!(
        store
            .acknowledge("x y", "r", "2030-03-31", "a", today)
            .map(|_| ())
            .unwrap_err(),
        ChecksError::InvalidCheckId(_)
    ));
    assert!(
        matches!(
            store
                .acknowledge("x.y", "r", "2030-03-31", "a", today)
                .map(|_| ())
                .unwrap_err(),
            ChecksError::InvalidCheckId(_)
        ),
        "only ids the catalogue can produce"
    );
    std::fs::write(dir.path().join(ACK_FILE), "not json").unwrap();
    assert!(matches!(
        AckStore::in_dir(dir.path()),
        Err(ChecksError::Format { .. })
    ));
}

#[test]
fn drift_shows_added_removed_and_changed_checks() {
    let dir = tempfile::tempdir().unwrap();
    let store = AckStore::in_dir(dir.path()).unwrap();
    let today = parse_date("2030-03-01").unwrap();
    let old = SavedRun::new(
        "2030-03-01T10:00:00Z".into(),
        "Contoso".into(),
        store.apply(
            vec![
                result("trust.present", CheckStatus::Pass, "yes"),
                result("domain.proof:contoso.com", CheckStatus::Pass, "abc"),
                result("relationship.dispatchable:Old", CheckStatus::Pass, "ok"),
                result("trust.certificate-expiry", CheckStatus::Pass, "in 200 days"),
            ],
            today,
        ),
    );
    let new = SavedRun::new(
        "2030-03-02T10:00:00Z".into(),
        "Contoso".into(),
        store.apply(
            vec![
                result("trust.present", CheckStatus::Pass, "yes"),
                result("domain.proof:contoso.com", CheckStatus::Failure, "abd"),
                result("relationship.dispatchable:New", CheckStatus::Pass, "ok"),
                result("trust.certificate-expiry", CheckStatus::Pass, "in 199 days"),
            ],
            today,
        ),
    );
    let path_old = dir.path().join("old.json");
    let path_new = dir.path().join("new.json");
    old.save(&path_old).unwrap();
    new.save(&path_new).unwrap();
    let d = drift(
        &SavedRun::load(&path_old).unwrap(),
        &SavedRun::load(&path_new).unwrap(),
    );
    assert_eq!(d.unchanged, 1);
    assert_eq!(
        d.added.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["relationship.dispatchable:New"]
    );
    assert_eq!(
        d.removed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["relationship.dispatchable:Old"]
    );
    assert_eq!(d.changed.len(), 1);
    let c = &d.changed[0];
    assert_eq!(
        (c.before, c.after),
        (CheckStatus::Pass, CheckStatus::Failure)
    );
    assert_eq!(c.evidence_before, ["s: abc"]);
    assert_eq!(c.evidence_after, ["s: abd"]);
    assert_eq!(d.evidence_changed[0].id, "trust.certificate-expiry");
    assert!(!d.is_empty());
    assert!(drift(&old, &old).is_empty());
}
