//! The scenario fixtures are what a remote Exchange session delivers: every answer is one
//! CLIXML document per object that PowerShell's reader accepts, with `Deserialized.` type
//! names, the remoting notes, enums as name and number, and nested certificates and federated
//! domains as their `ToString()` text. And the replay host speaks the protocol: a hello as the
//! Windows host's, answers by phase, and a loud error for an invocation no rule expects.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fedshare_exchange::client::{ClientOptions, HostCommand, ShellClient};
use fedshare_exchange::protocol::{HelloRequest, PROTOCOL_VERSION};
use fedshare_exchange::{ExchangeError, Invocation, ParamValue};
use fedshare_model::clixml::{self, PsObject, PsValue};
use fedshare_replay::scenario::{Reply, Scenario};
use fedshare_replay::transcript::{Outcome, Transcript};

const SCENARIOS: [&str; 4] = ["empty", "federated", "partners", "unproven"];

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .join("scenario.toml")
}

fn objects(scenario: &Scenario) -> Vec<(String, PsObject)> {
    let mut out = Vec::new();
    for phase in &scenario.phases {
        for rule in &phase.rules {
            let Reply::Output(docs) = &rule.reply else {
                continue;
            };
            for doc in docs {
                let values = clixml::parse(doc)
                    .unwrap_or_else(|e| panic!("`{}`: not CLIXML: {e}", rule.invoke));
                assert_eq!(
                    values.len(),
                    1,
                    "`{}`: one object per document",
                    rule.invoke
                );
                match values.into_iter().next() {
                    Some(PsValue::Object(o)) => out.push((rule.invoke.clone(), o)),
                    // Test-OrganizationRelationship writes its progress lines as strings.
                    Some(PsValue::String(_)) if rule.invoke.starts_with("Test-") => {}
                    other => panic!("`{}`: not an object: {other:?}", rule.invoke),
                }
            }
        }
    }
    out
}

fn enums_in(value: &PsValue, out: &mut Vec<PsObject>) {
    if let PsValue::Object(o) = value {
        if o.is_type("System.Enum") {
            out.push(o.clone());
        }
        for (_, v) in &o.properties {
            enums_in(v, out);
        }
        for v in o.items.iter().flatten() {
            enums_in(v, out);
        }
    }
}

#[test]
fn every_answer_is_a_deserialized_object_from_a_remote_session() {
    for name in SCENARIOS {
        let scenario = Scenario::load(&scenario_path(name)).expect("scenario loads");
        let objects = objects(&scenario);
        assert!(objects.len() > 5, "{name}: answers are read");
        for (invoke, o) in &objects {
            assert!(
                o.type_names.iter().all(|t| t.starts_with("Deserialized.")),
                "{name} `{invoke}`: type names as a remote session gives them: {:?}",
                o.type_names
            );
            assert!(
                matches!(o.property("PSComputerName"), Some(PsValue::String(s)) if s == "ex01.contoso.com")
                    && matches!(o.property("RunspaceId"), Some(PsValue::Guid(_))),
                "{name} `{invoke}`: the remoting notes are there"
            );
            let mut enums = Vec::new();
            enums_in(&PsValue::Object(o.clone()), &mut enums);
            for e in enums {
                assert!(
                    e.is_enum() && e.to_string.is_some(),
                    "{name} `{invoke}`: an enum carries its name and its number: {e:?}"
                );
            }
        }
    }
}

#[test]
fn nested_certificates_and_federated_domains_are_text() {
    let scenario = Scenario::load(&scenario_path("federated")).expect("scenario");
    let objects = objects(&scenario);
    let trust = &objects
        .iter()
        .find(|(i, _)| i == "Get-FederationTrust")
        .expect("trust")
        .1;
    match trust.property("OrgCertificate") {
        Some(PsValue::String(text)) => {
            assert!(text.starts_with("[Subject]\r\n  CN=Federation"), "{text:?}");
            assert!(text.contains("[Thumbprint]\r\n  8A3D2C1B0F9E8D7C6B5A49382716F5E4D3C2B1A0"));
        }
        other => panic!("OrgCertificate as its ToString text, not {other:?}"),
    }
    let orgid = &objects
        .iter()
        .find(|(i, _)| i == "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo")
        .expect("orgid")
        .1;
    let Some(PsValue::Object(domains)) = orgid.property("Domains") else {
        panic!("Domains is a collection");
    };
    assert_eq!(
        domains.items,
        Some(vec![
            PsValue::String("contoso.com=Active".into()),
            PsValue::String("sales.contoso.com=PendingActivation".into()),
        ])
    );
}

fn replay_host(scenario: &str, transcript: &Path) -> HostCommand {
    HostCommand {
        program: env!("CARGO_BIN_EXE_fedshare-replay-host").to_owned(),
        args: vec![
            "--scenario".into(),
            scenario_path(scenario).display().to_string(),
            "--transcript".into(),
            transcript.display().to_string(),
        ],
        env_clear_secrets: true,
        preamble: None,
    }
}

fn hello() -> HelloRequest {
    serde_json::from_value(serde_json::json!({
        "protocol": PROTOCOL_VERSION,
        "connectionUri": "http://ex01.contoso.com/PowerShell/",
    }))
    .expect("hello")
}

#[tokio::test]
async fn the_host_answers_by_phase_and_names_what_it_did_not_expect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let transcript = dir.path().join("transcript.jsonl");
    let options = ClientOptions {
        invoke_timeout: Duration::from_secs(20),
        hello_timeout: Duration::from_secs(20),
    };
    let mut client = ShellClient::spawn(replay_host("partners", &transcript), hello(), options)
        .await
        .expect("the replay host starts");
    let reply = client.hello_reply().clone();
    assert_eq!(reply.host, "powershell");
    assert_eq!(reply.organization, "Contoso");
    assert_eq!(
        reply.exchange_version.as_deref(),
        Some("Version 15.0 (Build 1497.2)")
    );
    assert!(reply.lab.is_none());

    let domains = client
        .invoke(&Invocation::new("Get-AcceptedDomain"))
        .await
        .expect("accepted domains");
    assert_eq!(domains.output.len(), 3, "one document per accepted domain");

    let lidia =
        Invocation::new("Get-Mailbox").string("Identity", "contoso.com/Users/Lidia Holloway");
    let err = client
        .invoke(&lidia)
        .await
        .expect_err("not expected before the write");
    match err {
        ExchangeError::CmdletFailed { error, .. } => {
            assert_eq!(error.exception, "ReplayUnexpectedInvocation");
            assert!(error
                .message
                .contains("Get-Mailbox -Identity 'contoso.com/Users/Lidia Holloway'"));
        }
        other => panic!("unexpected error {other:?}"),
    }
    let refused = client
        .invoke(
            &Invocation::new("Remove-SharingPolicy")
                .string("Identity", "Fabrikam")
                .param("Confirm", ParamValue::Switch(false)),
        )
        .await
        .expect_err("Exchange refuses");
    match refused {
        ExchangeError::CmdletFailed { error, .. } => {
            assert_eq!(
                error.exception,
                "CannotRemoveSharingPolicyWithUsersAssignedException"
            );
            assert_eq!(error.category, "InvalidOperation");
            assert!(
                error
                    .error_id
                    .ends_with(",Microsoft.Exchange.Management.RemoveSharingPolicy"),
                "{}",
                error.error_id
            );
        }
        other => panic!("unexpected error {other:?}"),
    }
    client
        .invoke(
            &Invocation::new("Set-OrganizationRelationship")
                .string("Identity", "Fabrikam")
                .enumeration("FreeBusyAccessLevel", "LimitedDetails"),
        )
        .await
        .expect("the write is expected");
    client
        .invoke(
            &Invocation::new("Set-Mailbox")
                .string("Identity", "contoso.com/Users/Lidia Holloway")
                .param("SharingPolicy", ParamValue::String("Fabrikam".into())),
        )
        .await
        .expect("the assignment is expected");
    let after = client.invoke(&lidia).await.expect("the new state is read");
    assert_eq!(after.output.len(), 1);
    client.shutdown().await;

    let t = Transcript::read(&transcript).expect("transcript");
    assert_eq!(t.round_trips(), 6);
    assert_eq!(
        t.unexpected(),
        vec!["Get-Mailbox -Identity 'contoso.com/Users/Lidia Holloway'"]
    );
    assert_eq!(t.entries[2].outcome, Outcome::Failed);
    assert_eq!(
        t.entries[2].phase, "sharing with Fabrikam",
        "a failed write changes nothing"
    );
    assert_eq!(t.entries[5].phase, "policy assigned to Lidia");
    assert_eq!(t.entries[5].outcome, Outcome::Answered);
    assert_eq!(
        t.writes(),
        vec![
            "Remove-SharingPolicy -Identity 'Fabrikam' -Confirm:$false",
            "Set-OrganizationRelationship -Identity 'Fabrikam' -FreeBusyAccessLevel 'LimitedDetails'",
            "Set-Mailbox -Identity 'contoso.com/Users/Lidia Holloway' -SharingPolicy 'Fabrikam'",
        ]
    );
}
