//! No formatting path of a secret-bearing type shows the secret.

// Test-only crate: helpers panic on failure just like the #[test] functions do.
#![allow(clippy::unwrap_used)]

use fedshare_credentials::{
    set_credential, CredentialKey, Purpose, Secret, SessionCredentials, Store, StoredCredential,
};

const SECRET: &str = "Tr0ub4dor&3-unique-marker";

fn assert_hidden(text: &str) {
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(
        !text.contains("unique-marker"),
        "part of the secret leaked: {text}"
    );
}

#[test]
fn secret_and_stored_credential_never_print_the_secret() {
    let secret = Secret::new(SECRET.to_owned());
    assert_eq!(format!("{secret}"), "<redacted>");
    assert_hidden(&format!("{secret:?} {secret:#?}"));
    assert_eq!(secret.expose(), SECRET);

    let stored = StoredCredential::new("CONTOSO\\admin", secret.clone()).unwrap();
    let shown = format!("{stored} {stored:?} {stored:#?}");
    assert_hidden(&shown);
    assert!(shown.contains("CONTOSO\\\\admin") || shown.contains("CONTOSO\\admin"));
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[test]
fn session_store_and_its_report_never_show_the_secret() {
    let session = SessionCredentials::new();
    let report = set_credential(
        "Contoso",
        Purpose::Exchange,
        "admin",
        Secret::new(SECRET.to_owned()),
        Store::Session(&session),
    )
    .unwrap();
    assert_hidden(&serde_json::to_string(&report).unwrap());
    assert_hidden(&format!("{report:?} {session:?}"));
    let key = CredentialKey::new("Contoso", Purpose::Exchange).unwrap();
    assert_eq!(session.get(&key).unwrap().secret.expose(), SECRET);
}
