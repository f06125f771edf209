//! The Test-* cmdlets as checks: each Test-FederationTrust step (event), the certificate
//! distribution of Test-FederationTrustCertificate, and each Test-OrganizationRelationship
//! result id, with what the step means and how to fix it.

use fedshare_model::{CheckResult, CheckStatus, Fix, Severity, StepKind};

use crate::inputs::{Inputs, Observed};
use crate::result::{check, doc, ev, fix, ps};

fn status_of(kind: &str) -> CheckStatus {
    match kind.to_ascii_lowercase().as_str() {
        "success" | "information" => CheckStatus::Pass,
        "warning" => CheckStatus::Warning,
        _ => CheckStatus::Failure,
    }
}

/// What a Test-FederationTrust step checks and how to fix it when it fails (§3.7).
fn trust_step(id: &str, trust: &str) -> (&'static str, &'static str, Vec<String>) {
    let refresh = format!(
        "Set-FederationTrust -Identity {} -RefreshMetadata",
        ps(trust)
    );
    match id {
        "NoFederationTrust" => (
            "A federation trust exists",
            "There is no federation trust, so no delegation token can be requested.",
            vec!["New-FederationTrust -Name 'Microsoft Federation Gateway' -Thumbprint <thumbprint>".into()],
        ),
        "FederationTrustConfiguration" => (
            "The trust configuration is complete",
            "The trust needs an enabled organization identifier and non-empty OrgPrivCertificate, TokenIssuerUri, TokenIssuerEpr, ApplicationUri and TokenIssuerCertificate.",
            vec![
                "Get-FederationTrust | fl".into(),
                "Get-FederatedOrganizationIdentifier | fl AccountNamespace,Enabled".into(),
            ],
        ),
        "FederationMetadata" => (
            "The trust's copy of the broker metadata is current",
            "The trust holds outdated certificates of the Security Token Service; tokens signed with the broker's new certificate fail validation.",
            vec![refresh.clone(), refresh],
        ),
        "StsCertificate" | "StsPreviousCertificate" => (
            "The broker's signing certificate is valid",
            "The Security Token Service certificate stored in the trust is missing or expired.",
            vec![refresh],
        ),
        "OrganizationCertificate" | "OrganizationPreviousCertificate" => (
            "The organization certificate can be used",
            "The organization certificate must be in LocalMachine\\My, unexpired, with an RSA CSP private key.",
            vec![
                "Get-ExchangeCertificate | ? {$_.Services -match 'Federation'} | fl Thumbprint,NotAfter,HasPrivateKey".into(),
                "Test-FederationTrustCertificate".into(),
            ],
        ),
        "TokenRequest" => (
            "A delegation token can be requested",
            "The broker did not issue a delegation token: check outbound HTTPS to login.microsoftonline.com as SYSTEM (proxy: Set-ExchangeServer -InternetWebProxy), the clock (within 5 minutes) and the organization certificate.",
            vec![
                "Set-ExchangeServer <server> -InternetWebProxy http://<proxy>:<port>".into(),
                "w32tm /resync".into(),
            ],
        ),
        "TokenValidation" => (
            "The delegation token validates",
            "'Failed to validate delegation token' usually means the broker metadata or certificate in the trust is outdated.",
            vec![refresh.clone(), refresh, "iisreset /noforce".into()],
        ),
        _ => (
            "Test-FederationTrust step",
            "A step of Test-FederationTrust.",
            Vec::new(),
        ),
    }
}

pub(crate) fn trust_checks(inputs: &Inputs) -> Vec<CheckResult> {
    let Some(trust) = inputs.org.federation_trust.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut run = check(
        "test-federationtrust.run",
        "Test-FederationTrust runs",
        StepKind::FederationTrust,
        Severity::Error,
        "Test-FederationTrust requests and validates a real delegation token for a mailbox; it is the end-to-end test of the trust.",
        doc::TEST_TRUST,
    );
    run.subject = Some(trust.name.clone());
    match &inputs.trust_test {
        Observed::Ok { value } => {
            run.status = CheckStatus::Pass;
            run.evidence.push(ev(
                format!(
                    "Test-FederationTrust -UserIdentity {}",
                    inputs.test_user.as_deref().unwrap_or("")
                ),
                format!("{} events", value.len()),
                "events",
            ));
            for e in value {
                let (title, explanation, commands) = trust_step(&e.id, &trust.name);
                let mut r = check(
                    format!("test-federationtrust.{}", e.id),
                    format!("Test-FederationTrust: {title}"),
                    StepKind::FederationTrust,
                    Severity::Error,
                    explanation,
                    doc::TEST_TRUST,
                );
                r.subject = Some(trust.name.clone());
                r.status = status_of(&e.kind);
                r.evidence.push(ev(
                    format!(
                        "{} (event {})",
                        e.id,
                        e.event_id.map(|i| i.to_string()).unwrap_or_default()
                    ),
                    format!("{}: {}", e.kind, e.message),
                    "Success",
                ));
                if r.status != CheckStatus::Pass {
                    r.fix = Some(Fix {
                        summary: title.to_owned(),
                        commands,
                    });
                }
                out.push(r);
            }
        }
        Observed::Failed { exception, message } => {
            run.status = CheckStatus::Failure;
            run.evidence.push(ev(
                "Test-FederationTrust",
                format!("{exception}: {message}"),
                "events",
            ));
            run.fix = Some(fix(
                "Run the test as an existing mailbox, or create the test mailbox.",
                &[
                    "Test-FederationTrust -UserIdentity <mailbox> -Verbose".into(),
                    "& $env:ExchangeInstallPath\\Scripts\\New-TestCasConnectivityUser.ps1".into(),
                ],
            ));
        }
        Observed::Skipped { reason } => {
            run.evidence
                .push(ev("Test-FederationTrust", reason.as_str(), "run"));
        }
    }
    out.insert(0, run);
    out.push(certificate_distribution(inputs, &trust.name));
    out
}

fn certificate_distribution(inputs: &Inputs, trust: &str) -> CheckResult {
    let mut r = check(
        "test-federationtrustcertificate.distribution",
        "Every server has the federation certificates",
        StepKind::FederationTrust,
        Severity::Error,
        "Each Client Access and Mailbox server signs token requests itself, so each needs the current (and, during a rollover, the next) federation certificate. A server without it fails free/busy requests it handles.",
        doc::TEST_TRUST_CERTIFICATE,
    );
    r.subject = Some(trust.to_owned());
    match &inputs.trust_certificates {
        Observed::Ok { value } => {
            for row in value {
                r.evidence.push(ev(
                    format!("{} {}", row.site, row.thumbprint),
                    row.state.as_str(),
                    "Installed",
                ));
            }
            let bad = value
                .iter()
                .any(|row| !row.state.eq_ignore_ascii_case("Installed"));
            r.status = if bad {
                r.fix = Some(fix(
                    "Wait for the certificate-deployment servicelet, or export the certificate (with its private key) and import it on the servers that lack it.",
                    &[
                        "Export-ExchangeCertificate -Thumbprint <thumbprint> -BinaryEncoded -Password (Get-Credential).Password".into(),
                        "Import-ExchangeCertificate -Server <server> -FileData <bytes> -Password <password> -PrivateKeyExportable $true".into(),
                    ],
                ));
                CheckStatus::Failure
            } else {
                CheckStatus::Pass
            };
        }
        other => {
            if let Some(p) = other.problem() {
                r.evidence.push(ev(
                    "Test-FederationTrustCertificate",
                    p,
                    "one row per server",
                ));
            }
        }
    }
    r
}

/// What a Test-OrganizationRelationship result id means and how to fix it (§3.8).
fn relationship_result(id: &str, rel: &str) -> (&'static str, Vec<String>) {
    let name = ps(rel);
    let update = format!("$fi = Get-FederationInformation -DomainName <partner domain> -BypassAdditionalDomainValidation; Set-OrganizationRelationship {name} -TargetApplicationUri $fi.TargetApplicationUri -TargetAutodiscoverEpr $fi.TargetAutodiscoverEpr");
    match id {
        "ApplicationUrisDiffer" => (
            "The relationship's TargetApplicationUri differs from the ApplicationUri the partner publishes.",
            vec![update],
        ),
        "AutodiscoverUrlsDiffer" => (
            "The relationship's TargetAutodiscoverEpr differs from the URL the partner's Autodiscover answers on.",
            vec![update],
        ),
        "MismatchedSTS" => (
            "The partner uses a different Security Token Service instance (business vs consumer).",
            vec!["Get-FederationTrust | fl TokenIssuerUri".into()],
        ),
        "LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationsipDomains" => (
            "The partner's relationship with you does not list all your federated domains, so requests from users in the missing domains are refused (5037 / ErrorNoFreeBusyAccess).",
            vec!["Get-FederatedOrganizationIdentifier | fl Domains   # send this list to the partner".into()],
        ),
        "NoRemoteFederatedDomainInLocalOrgRelationship" => (
            "None of the partner's federated domains is in this relationship's DomainNames.",
            vec![format!("Set-OrganizationRelationship {name} -DomainNames <partner domains>")],
        ),
        "FederatedOrganizationIdNotEnabled" => (
            "Your organization identifier is disabled.",
            vec!["Set-FederatedOrganizationIdentifier -Enabled $true".into()],
        ),
        "FailureToGetDelegationToken" => (
            "No delegation token could be obtained for the partner: check Test-FederationTrust, the clock and outbound access.",
            vec!["Test-FederationTrust -UserIdentity <mailbox> -Verbose".into()],
        ),
        "AutodiscoverServiceCallFailed" => (
            "The partner's Autodiscover could not be called: its autodiscover DNS, certificate, firewall or reverse-proxy pre-authentication.",
            vec![format!("Get-OrganizationRelationship {name} | fl TargetAutodiscoverEpr")],
        ),
        "TargetSharingEprDoesNotMatchAnyExternalURI" => (
            "TargetSharingEpr is not one of the partner's external EWS URLs.",
            vec![format!("Set-OrganizationRelationship {name} -TargetSharingEpr $null")],
        ),
        "AutoDiscoverNotSetInOrgRelationship" => (
            "The relationship has neither TargetAutodiscoverEpr nor TargetSharingEpr.",
            vec![update],
        ),
        "UserFederatedIdentityIsNotFederatedDomain" => (
            "The test mailbox's domain is not a federated domain: choose a mailbox in a federated domain, or federate its domain.",
            vec!["Add-FederatedDomain -DomainName <domain>".into()],
        ),
        "NoOrganizationRelationshipInstancesWereReturnedByTheRemoteParty" => (
            "The partner has no organization relationship with you (both sides need one).",
            Vec::new(),
        ),
        "RemoteOrgRelationshipHasNoDomainsDefined" => (
            "The partner's relationship with you lists no domains.",
            Vec::new(),
        ),
        _ => ("A finding of Test-OrganizationRelationship.", Vec::new()),
    }
}

pub(crate) fn relationship_checks(inputs: &Inputs) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for test in &inputs.relationship_tests {
        let rel = &test.relationship;
        let mut group = Vec::new();
        let mut run = check(
            format!("test-organizationrelationship.run:{rel}"),
            format!("Test-OrganizationRelationship '{rel}' reports no significant issues"),
            StepKind::OrganizationRelationships,
            Severity::Error,
            "Test-OrganizationRelationship fetches the partner's federation information, compares it with the relationship, gets a delegation token and reads the partner's relationship back; 'No Significant Issues to Report' means both sides agree.",
            doc::TEST_RELATIONSHIP,
        );
        run.subject = Some(rel.clone());
        match &test.outcome {
            Observed::Ok { value } => {
                let summary = value
                    .lines
                    .iter()
                    .rev()
                    .find(|l| l.starts_with("RESULT") || l.contains("No Significant Issues"))
                    .cloned()
                    .unwrap_or_else(|| format!("{} results", value.results.len()));
                run.evidence.push(ev(
                    format!("Test-OrganizationRelationship -Identity {}", ps(rel)),
                    summary,
                    "No Significant Issues to Report",
                ));
                run.status = value
                    .results
                    .iter()
                    .map(|res| status_of(&res.status))
                    .max()
                    .unwrap_or(CheckStatus::Pass);
                for res in &value.results {
                    let (explanation, commands) = relationship_result(&res.id, rel);
                    let mut r = check(
                        format!("test-organizationrelationship.{}:{rel}", res.id),
                        format!("Test-OrganizationRelationship '{rel}': {}", res.id),
                        StepKind::OrganizationRelationships,
                        if res.status.eq_ignore_ascii_case("Warning") {
                            Severity::Warning
                        } else {
                            Severity::Error
                        },
                        explanation,
                        doc::TEST_RELATIONSHIP,
                    );
                    r.subject = Some(rel.clone());
                    r.status = status_of(&res.status);
                    r.evidence.push(ev(
                        res.id.as_str(),
                        format!("{}: {}", res.status, res.description),
                        "no finding",
                    ));
                    r.fix = Some(Fix {
                        summary: explanation.to_owned(),
                        commands,
                    });
                    group.push(r);
                }
            }
            Observed::Failed { exception, message } => {
                run.status = CheckStatus::Failure;
                run.evidence.push(ev(
                    "Test-OrganizationRelationship",
                    format!("{exception}: {message}"),
                    "results",
                ));
            }
            Observed::Skipped { reason } => {
                run.evidence
                    .push(ev("Test-OrganizationRelationship", reason.as_str(), "run"));
            }
        }
        // The summary goes before the results it summarises.
        out.push(run);
        out.extend(group);
    }
    out
}
