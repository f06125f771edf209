//! The federation trust itself: present, business-instance token issuer and endpoints,
//! ApplicationUri, organization certificate (expiry, in the store, next-certificate
//! rollover), the broker's signing certificate, and metadata freshness.

use fedshare_model::{
    CertificateRef, CheckResult, CheckStatus, FederationTrust, Severity, StepKind,
};

use crate::inputs::{Inputs, Observed};
use crate::result::{check, conclude, days_until, doc, ev, fix, ps};

const BUSINESS_ISSUER: &str = "urn:federation:MicrosoftOnline";
const CONSUMER_ISSUER: &str = "uri:WindowsLiveID";
const ISSUER_EPR: &str = "https://login.microsoftonline.com/extSTS.srf";
const METADATA_EPR: &str =
    "https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml";
/// Renew well before expiry: the new proof TXT must replicate and every server needs the cert.
const CERT_WARNING_DAYS: i64 = 60;

fn t(id: &str, title: &str, severity: Severity, explanation: &str, link: &str) -> CheckResult {
    check(
        id,
        title,
        StepKind::FederationTrust,
        severity,
        explanation,
        link,
    )
}

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let trust = inputs.org.federation_trust.as_ref();
    let mut out = vec![present(trust)];
    let Some(trust) = trust else {
        return out;
    };
    let subject = |mut r: CheckResult| {
        r.subject = Some(trust.name.clone());
        r
    };
    out.push(subject(token_issuer(trust)));
    out.push(subject(endpoints(trust)));
    out.push(subject(application_uri(inputs, trust)));
    out.push(subject(certificate_expiry(inputs, trust)));
    out.push(subject(certificate_in_store(inputs, trust)));
    out.push(subject(next_certificate(inputs, trust)));
    out.push(subject(sts_certificate(inputs)));
    out.push(subject(metadata_fresh(inputs, trust)));
    out
}

fn present(trust: Option<&FederationTrust>) -> CheckResult {
    let mut r = t(
        "trust.present",
        "A federation trust with the Azure AD authentication system exists",
        Severity::Critical,
        "Federated sharing needs a federation trust: without it Exchange cannot get delegation tokens, so no free/busy or calendar sharing with other organizations works.",
        doc::CONFIGURE_TRUST,
    );
    r.evidence.push(ev(
        "Get-FederationTrust",
        trust.map_or("no trust".to_owned(), |t| t.name.clone()),
        "one trust",
    ));
    conclude(
        &mut r,
        trust.is_some(),
        CheckStatus::Failure,
        fix(
            "Create a self-signed federation certificate and the trust (wizard step 1).",
            &[
                "$ski = [System.Guid]::NewGuid().ToString('N')".into(),
                "New-ExchangeCertificate -FriendlyName 'Exchange Delegation Federation' -DomainName 'Federation' -Services Federation -KeySize 2048 -PrivateKeyExportable $true -SubjectKeyIdentifier $ski".into(),
                "New-FederationTrust -Name 'Microsoft Federation Gateway' -Thumbprint <thumbprint>".into(),
            ],
        ),
    );
    if let Some(t) = trust {
        r.subject = Some(t.name.clone());
    }
    r
}

fn token_issuer(trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.token-issuer",
        "The trust uses the business instance of the trust broker",
        Severity::Error,
        "Both organizations must use the same instance of the trust broker. Exchange 2013 uses the business instance (urn:federation:MicrosoftOnline, provisioner LiveDomainServices2); the consumer instance (uri:WindowsLiveID) has been unsupported since 2014, and partners on the business instance reject its tokens.",
        doc::CONFIGURE_TRUST,
    );
    r.evidence.push(ev(
        "Get-FederationTrust.TokenIssuerUri",
        &trust.token_issuer_uri,
        BUSINESS_ISSUER,
    ));
    r.evidence.push(ev(
        "Get-FederationTrust.NamespaceProvisioner",
        &trust.namespace_provisioner,
        "LiveDomainServices2",
    ));
    let business = trust.token_issuer_uri.eq_ignore_ascii_case(BUSINESS_ISSUER);
    let summary = if trust.token_issuer_uri.eq_ignore_ascii_case(CONSUMER_ISSUER)
        || trust
            .namespace_provisioner
            .eq_ignore_ascii_case("LiveDomainServices")
    {
        "The trust was created on the consumer (legacy) instance: remove its domains and the trust, then create it again without -UseLegacyProvisioningService."
    } else {
        "Create the trust again on the business instance (no -UseLegacyProvisioningService, no custom -MetadataUrl)."
    };
    conclude(
        &mut r,
        business,
        CheckStatus::Failure,
        fix(
            summary,
            &[
                "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo | fl Domains"
                    .into(),
                "Remove-FederatedDomain -DomainName <each additional domain> -Force".into(),
                format!(
                    "Remove-FederationTrust -Identity {} -Confirm:$false",
                    ps(&trust.name)
                ),
                "New-FederationTrust -Name 'Microsoft Federation Gateway' -Thumbprint <thumbprint>"
                    .into(),
            ],
        ),
    );
    r
}

fn endpoints(trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.endpoints",
        "The trust points at the broker's token and metadata endpoints",
        Severity::Error,
        "Exchange asks the broker for delegation tokens at TokenIssuerEpr and refreshes the broker's signing certificates from TokenIssuerMetadataEpr; other values mean tokens or metadata come from the wrong place.",
        doc::MANAGE_TRUST,
    );
    let pairs = [
        ("TokenIssuerEpr", &trust.token_issuer_epr, ISSUER_EPR),
        (
            "TokenIssuerMetadataEpr",
            &trust.token_issuer_metadata_epr,
            METADATA_EPR,
        ),
        ("TokenIssuerType", &trust.token_issuer_type, "LiveId"),
    ];
    let mut ok = true;
    for (name, actual, expected) in pairs {
        ok &= actual.trim_end_matches('/').eq_ignore_ascii_case(expected);
        r.evidence.push(ev(
            format!("Get-FederationTrust.{name}"),
            actual.as_str(),
            expected,
        ));
    }
    conclude(
        &mut r,
        ok,
        CheckStatus::Failure,
        fix(
            "Point the trust at the broker's published metadata and refresh it.",
            &[format!(
                "Set-FederationTrust -Identity {} -MetadataUrl {METADATA_EPR} -RefreshMetadata",
                ps(&trust.name)
            )],
        ),
    );
    r
}

fn application_uri(inputs: &Inputs, trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.application-uri",
        "The trust's ApplicationUri is the organization's account namespace",
        Severity::Error,
        "Partners store this value as TargetApplicationUri and ask the broker for tokens addressed to it; Set-FederatedOrganizationIdentifier sets it to FYDIBOHF25SPDLT.<primary domain>.",
        doc::FEDERATION,
    );
    let ns = inputs
        .org
        .organization_identifier
        .account_namespace
        .clone()
        .unwrap_or_default();
    let actual = trust.application_uri.clone().unwrap_or_default();
    r.evidence.push(ev(
        "Get-FederationTrust.ApplicationUri",
        if actual.is_empty() {
            "(empty)"
        } else {
            &actual
        },
        if ns.is_empty() {
            "FYDIBOHF25SPDLT.<primary domain>"
        } else {
            &ns
        },
    ));
    if ns.is_empty() {
        // Judged by orgid.enabled: without an account namespace there is nothing to compare.
        return r;
    }
    conclude(
        &mut r,
        actual.eq_ignore_ascii_case(&ns),
        CheckStatus::Failure,
        fix(
            "Set the trust's ApplicationUri to the account namespace.",
            &[format!(
                "Set-FederationTrust -Identity {} -ApplicationUri {}",
                ps(&trust.name),
                ps(&ns)
            )],
        ),
    );
    r
}

fn expiry_evidence(inputs: &Inputs, cert: &CertificateRef) -> (i64, String) {
    let days = days_until(&inputs.taken_at, &cert.not_after).unwrap_or(i64::MIN);
    let actual = if days == i64::MIN {
        format!("NotAfter {} (unreadable)", cert.not_after)
    } else if days < 0 {
        format!("expired {} ({} days ago)", cert.not_after, -days)
    } else {
        format!("expires {} (in {days} days)", cert.not_after)
    };
    (days, actual)
}

fn renewal_fix(trust: &FederationTrust) -> Vec<String> {
    vec![
        "$ski = [System.Guid]::NewGuid().ToString('N')".into(),
        "New-ExchangeCertificate -FriendlyName 'Exchange Delegation Federation' -DomainName 'Federation' -Services Federation -KeySize 2048 -PrivateKeyExportable $true -SubjectKeyIdentifier $ski".into(),
        format!("Set-FederationTrust -Identity {} -Thumbprint <new thumbprint> -RefreshMetadata", ps(&trust.name)),
        "Get-FederatedDomainProof -DomainName <each federated domain> | fl Thumbprint,Proof   # publish the new proof TXT records".into(),
        "Test-FederationTrustCertificate".into(),
        format!("Set-FederationTrust -Identity {} -PublishFederationCertificate", ps(&trust.name)),
    ]
}

fn certificate_expiry(inputs: &Inputs, trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.certificate-expiry",
        "The federation certificate is valid",
        Severity::Critical,
        "The organization certificate signs every delegation token request. Once it expires, token requests fail and free/busy with every partner stops; an expired certificate can only be replaced by removing and re-creating the trust.",
        doc::RENEW_CERTIFICATE,
    );
    let Some(cert) = &trust.org_certificate else {
        r.status = CheckStatus::Failure;
        r.evidence.push(ev(
            "Get-FederationTrust.OrgCertificate",
            "(none)",
            "a certificate",
        ));
        r.fix = Some(fix(
            "Give the trust a federation certificate.",
            &renewal_fix(trust),
        ));
        return r;
    };
    let (days, actual) = expiry_evidence(inputs, cert);
    r.evidence.push(ev(
        format!("Get-FederationTrust.OrgCertificate {}", cert.thumbprint),
        actual,
        format!("valid for more than {CERT_WARNING_DAYS} days"),
    ));
    if days < 0 {
        r.status = CheckStatus::Failure;
        r.fix = Some(fix(
            "The certificate has expired: remove the federated domains and the trust, then configure the trust again (wizard step 1).",
            &[
                "Remove-FederatedDomain -DomainName <each additional domain> -Force".into(),
                "Remove-FederatedDomain -DomainName <primary domain> -Force".into(),
                format!("Remove-FederationTrust -Identity {} -Confirm:$false", ps(&trust.name)),
            ],
        ));
    } else if days < CERT_WARNING_DAYS {
        r.status = CheckStatus::Warning;
        r.fix = Some(fix(
            "Renew the certificate now, while the trust still works (five steps).",
            &renewal_fix(trust),
        ));
    } else {
        r.status = CheckStatus::Pass;
    }
    r
}

fn certificate_in_store(inputs: &Inputs, trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.certificate-store",
        "The federation certificate is installed on the server",
        Severity::Error,
        "Exchange signs token requests with the private key of the certificate in LocalMachine\\My; a trust whose certificate is missing from the store cannot request tokens.",
        doc::MANAGE_TRUST,
    );
    let (Some(cert), Observed::Ok { value: store }) =
        (&trust.org_certificate, &inputs.certificates)
    else {
        if let Some(p) = inputs.certificates.problem() {
            r.evidence
                .push(ev("Get-ExchangeCertificate", p, "the certificate list"));
        }
        return r;
    };
    let found = store
        .iter()
        .any(|c| c.thumbprint.eq_ignore_ascii_case(&cert.thumbprint));
    r.evidence.push(ev(
        format!("Get-ExchangeCertificate -Thumbprint {}", cert.thumbprint),
        if found { "present" } else { "not found" },
        "present",
    ));
    conclude(
        &mut r,
        found,
        CheckStatus::Failure,
        fix(
            "Import the federation certificate (with its private key) on this server, or renew it.",
            &renewal_fix(trust),
        ),
    );
    r
}

fn next_certificate(inputs: &Inputs, trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.next-certificate",
        "The certificate rollover is ready",
        Severity::Warning,
        "Renewal stages a next certificate: it must be installed, unexpired and have its domain proof published before -PublishFederationCertificate makes it current. A current certificate close to expiry with no next one staged means the rollover has not started.",
        doc::RENEW_CERTIFICATE,
    );
    let current_days = trust
        .org_certificate
        .as_ref()
        .and_then(|c| days_until(&inputs.taken_at, &c.not_after));
    let Some(next) = &trust.org_next_certificate else {
        r.evidence.push(ev(
            "Get-FederationTrust.OrgNextCertificate",
            "(none)",
            format!(
                "staged when the current certificate has less than {CERT_WARNING_DAYS} days left"
            ),
        ));
        let due = current_days.is_some_and(|d| d < CERT_WARNING_DAYS);
        conclude(
            &mut r,
            !due,
            CheckStatus::Warning,
            fix(
                "Start the rollover: stage a new certificate.",
                &renewal_fix(trust),
            ),
        );
        return r;
    };
    let (days, actual) = expiry_evidence(inputs, next);
    r.evidence.push(ev(
        format!("Get-FederationTrust.OrgNextCertificate {}", next.thumbprint),
        actual,
        "valid",
    ));
    let installed = inputs.certificates.value().is_none_or(|store| {
        store
            .iter()
            .any(|c| c.thumbprint.eq_ignore_ascii_case(&next.thumbprint))
    });
    r.evidence.push(ev(
        "Get-ExchangeCertificate (next)",
        if installed { "present" } else { "not found" },
        "present",
    ));
    let proved = proof_published_for(inputs, &next.thumbprint);
    if let Some(p) = proved {
        r.evidence.push(ev(
            "proof TXT for the next certificate",
            if p { "published" } else { "not published" },
            "published for every federated domain",
        ));
    }
    let ok = days >= 0 && installed && proved != Some(false);
    conclude(
        &mut r,
        ok,
        CheckStatus::Warning,
        fix(
            "Finish the rollover: install the next certificate on every server, publish its proofs, then publish it.",
            &renewal_fix(trust),
        ),
    );
    r
}

/// Whether every federated domain's DNS answer holds the proof of this certificate (None when
/// DNS or proofs were not read).
fn proof_published_for(inputs: &Inputs, thumbprint: &str) -> Option<bool> {
    let reports: Vec<_> = inputs.dns.iter().filter_map(|d| d.report.value()).collect();
    if reports.is_empty() {
        return None;
    }
    Some(reports.iter().all(|rep| {
        rep.proof.views.iter().any(|v| {
            v.matched_slots
                .iter()
                .any(|s| s.eq_ignore_ascii_case(thumbprint))
        })
    }))
}

fn sts_certificate(inputs: &Inputs) -> CheckResult {
    let mut r = t(
        "trust.sts-certificate",
        "The trust broker's signing certificate in the trust is valid",
        Severity::Error,
        "The trust keeps a copy of the broker's signing certificate (TokenIssuerCertificate) to validate tokens; an expired copy means the metadata has not been refreshed since the broker rolled it.",
        doc::MANAGE_TRUST,
    );
    let Some(cert) = &inputs.sts_certificate else {
        return r;
    };
    let not_after = sts_not_after(inputs, cert);
    let days = not_after.and_then(|n| days_until(&inputs.taken_at, n));
    r.evidence.push(ev(
        format!(
            "Get-FederationTrust.TokenIssuerCertificate {}",
            cert.thumbprint
        ),
        format!("NotAfter {}", not_after.unwrap_or("(not readable)")),
        "in the future",
    ));
    if days.is_none() {
        // A culture-formatted date whose day and month could be swapped, and a certificate
        // the live metadata no longer carries: the expiry is unknown, not past.
        r.status = CheckStatus::NotChecked;
        return r;
    }
    let name = inputs
        .org
        .federation_trust
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    conclude(
        &mut r,
        days.is_some_and(|d| d >= 0),
        CheckStatus::Failure,
        fix(
            "Refresh the broker metadata.",
            &[format!(
                "Set-FederationTrust -Identity {} -RefreshMetadata",
                ps(&name)
            )],
        ),
    );
    r
}

/// The broker certificate's expiry: as the trust reports it, or, when its text form's date was
/// ambiguous, from the same certificate in the broker's live metadata (its DER is exact).
pub(crate) fn sts_not_after<'a>(inputs: &'a Inputs, cert: &'a CertificateRef) -> Option<&'a str> {
    if !cert.not_after_unknown() {
        return Some(&cert.not_after);
    }
    inputs.metadata.value().and_then(|m| {
        m.signing_certificates
            .iter()
            .find(|c| c.thumbprint.eq_ignore_ascii_case(&cert.thumbprint))
            .map(|c| c.not_after.as_str())
            .filter(|n| !n.is_empty())
    })
}

fn metadata_fresh(inputs: &Inputs, trust: &FederationTrust) -> CheckResult {
    let mut r = t(
        "trust.metadata-fresh",
        "The trust holds the broker's current signing certificate",
        Severity::Error,
        "The broker rolls its signing certificate from time to time and publishes it in its federation metadata. Exchange downloads the metadata daily and keeps the certificate in the trust (TokenIssuerCertificate); when that stops (no outbound access as SYSTEM, Windows Server 2008 R2 without the scheduled task), token validation fails with 'Failed to validate delegation token'.",
        doc::MANAGE_TRUST,
    );
    let held: Vec<&str> = [&inputs.sts_certificate, &inputs.sts_prev_certificate]
        .into_iter()
        .flatten()
        .map(|c| c.thumbprint.as_str())
        .collect();
    let stale_event = inputs.trust_test.value().and_then(|events| {
        events
            .iter()
            .find(|e| e.id == "FederationMetadata" && e.kind.eq_ignore_ascii_case("Error"))
    });
    let actual = format!(
        "TokenIssuerCertificate {}, TokenIssuerPrevCertificate {}",
        thumbprint_or_none(inputs.sts_certificate.as_ref()),
        thumbprint_or_none(inputs.sts_prev_certificate.as_ref()),
    );
    let current = match &inputs.metadata {
        Observed::Ok { value } => {
            let published: Vec<&str> = value
                .signing_certificates
                .iter()
                .map(|c| c.thumbprint.as_str())
                .collect();
            r.evidence.push(ev(
                "Get-FederationTrust (the trust's copies)",
                actual,
                format!(
                    "the signing certificate in {}: {}",
                    value.url,
                    published.join(", ")
                ),
            ));
            Some(
                held.iter()
                    .any(|h| published.iter().any(|p| p.eq_ignore_ascii_case(h))),
            )
        }
        other => {
            r.evidence.push(ev(
                format!("Federation metadata {}", trust.token_issuer_metadata_epr),
                other.problem().unwrap_or_default(),
                "fetched over https with a verified certificate",
            ));
            None
        }
    };
    if let Some(e) = stale_event {
        r.evidence.push(ev(
            "Test-FederationTrust FederationMetadata",
            format!("{}: {}", e.kind, e.message),
            "Success",
        ));
    }
    r.status = match (current, stale_event) {
        (Some(false), _) | (None, Some(_)) => CheckStatus::Failure,
        (Some(true), _) => CheckStatus::Pass,
        (None, None) => CheckStatus::NotChecked,
    };
    if r.status == CheckStatus::Failure {
        r.fix = Some(fix(
            "Download the broker's metadata again (run it twice), and schedule a daily refresh.",
            &[
                format!("Set-FederationTrust -Identity {} -RefreshMetadata", ps(&trust.name)),
                "Get-FederationTrust | Set-FederationTrust -RefreshMetadata   # as a daily scheduled task".into(),
            ],
        ));
    }
    r
}

fn thumbprint_or_none(cert: Option<&CertificateRef>) -> &str {
    cert.map_or("(none)", |c| c.thumbprint.as_str())
}
