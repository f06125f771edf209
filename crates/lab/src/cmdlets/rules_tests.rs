//! One test per documented Exchange rule, asserting Exchange's exception name.

use fedshare_exchange::{Invocation, ParamValue};
use fedshare_model::{
    FederatedOrganizationIdentifier, FederationTrust, OrganizationRelationship, SharingPolicy,
};

use super::testkit::*;
use crate::breaks::Break;

fn inv(cmdlet: &str) -> Invocation {
    Invocation::new(cmdlet)
}

// ---- PowerShell binding -------------------------------------------------------------

#[test]
fn unknown_cmdlet_is_command_not_found() {
    let mut s = shell();
    fails_with(&mut s, inv("Get-Nothing"), "CommandNotFoundException");
}

#[test]
fn unknown_parameter_is_named_parameter_not_found() {
    let mut s = shell();
    let e = fails_with(
        &mut s,
        inv("Get-FederationTrust").string("Bogus", "x"),
        "ParameterBindingException",
    );
    assert!(
        e.error_id
            .starts_with("NamedParameterNotFound,Get-FederationTrust"),
        "{e:?}"
    );
}

#[test]
fn missing_mandatory_and_bad_enum_are_binding_errors() {
    let mut s = shell();
    let e = fails_with(
        &mut s,
        inv("Add-FederatedDomain"),
        "ParameterBindingException",
    );
    assert!(e.error_id.starts_with("MissingMandatoryParameter"));
    let e = fails_with(
        &mut s,
        inv("New-OrganizationRelationship")
            .string("Name", "F")
            .list("DomainNames", vec!["fabrikam.com".into()])
            .enumeration("FreeBusyAccessLevel", "FullDetails"),
        "ParameterBindingException",
    );
    assert!(e.message.contains("AvailabilityOnly"));
    fails_with(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").string("Enabled", "yes"),
        "ParameterBindingException",
    );
}

// ---- certificates and trust -------------------------------------------------------------

#[test]
fn new_exchange_certificate_creates_a_usable_federation_certificate() {
    let mut s = shell();
    let tp = federation_certificate(&mut s);
    let out = ok(
        &mut s,
        inv("Get-ExchangeCertificate").string("Thumbprint", &tp),
    )
    .output;
    assert_eq!(out[0]["Services"], "Federation");
    assert_eq!(out[0]["PrivateKeyExportable"], true);
    assert_eq!(
        out[0]["SubjectKeyIdentifier"],
        "6D5C4B3A29184F7E8D6C5B4A39281706"
    );
    assert_eq!(out[0]["Subject"], "CN=Federation");
    assert!(s
        .world
        .certificate(&tp)
        .and_then(|c| c.certificate_pem.clone())
        .is_some());
}

#[test]
fn trust_certificate_not_found() {
    let mut s = shell();
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", "00112233445566778899AABBCCDDEEFF00112233"),
        "ErrorCertificateNotFound",
    );
}

#[test]
fn trust_certificate_without_ski() {
    let mut s = shell();
    // The IIS/SMTP certificate from setup has no Subject Key Identifier.
    let iis = s.world.certificates[0].thumbprint.clone();
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &iis),
        "ErrorCertificateNoSKI",
    );
}

#[test]
fn trust_certificate_not_exportable() {
    let mut s = shell();
    let out = ok(
        &mut s,
        inv("New-ExchangeCertificate")
            .enumeration("Services", "Federation")
            .string("SubjectKeyIdentifier", "0011223344556677"),
    );
    let tp = out.output[0]["Thumbprint"].as_str().expect("tp").to_owned();
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &tp),
        "ErrorCertificateNotExportable",
    );
}

#[test]
fn trust_certificate_expired() {
    let mut s = shell();
    let tp = federation_certificate(&mut s);
    s.world.breaks.push(Break::CertExpired);
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &tp),
        "ErrorCertificateHasExpired",
    );
}

#[test]
fn thumbprint_spaces_are_removed() {
    let mut s = shell();
    let tp = federation_certificate(&mut s);
    let spaced: String = tp
        .chars()
        .enumerate()
        .flat_map(|(i, c)| if i % 2 == 1 { vec![c, ' '] } else { vec![c] })
        .collect();
    ok(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", spaced.to_lowercase()),
    );
    let trust: FederationTrust =
        serde_json::from_value(ok(&mut s, inv("Get-FederationTrust")).output[0].clone())
            .expect("model");
    assert_eq!(trust.org_certificate.expect("cert").thumbprint, tp);
    assert_eq!(trust.token_issuer_uri, "urn:federation:MicrosoftOnline");
    assert_eq!(trust.token_issuer_type, "LiveId");
    assert!(
        trust.application_identifier.is_none(),
        "AppID comes with the OrgID, not the trust"
    );
}

#[test]
fn only_one_trust() {
    let mut s = shell();
    let tp = with_trust(&mut s);
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", "Second")
            .string("Thumbprint", &tp),
        "TrustAlreadyDefinedException",
    );
}

#[test]
fn new_trust_warns_to_publish_the_proof() {
    let mut s = shell();
    let tp = federation_certificate(&mut s);
    let o = ok(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &tp),
    );
    assert!(o.warnings[0].starts_with("ManageDelegation2ProvisioningInDNS"));
    assert!(o.mutated);
}

#[test]
fn domain_proof_rows_and_format() {
    let mut s = shell();
    let tp = with_trust(&mut s);
    let out = ok(
        &mut s,
        inv("Get-FederatedDomainProof").string("DomainName", "Contoso.com"),
    )
    .output;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["Name"], "OrgPrivCertificate");
    assert_eq!(out[0]["Thumbprint"], tp.as_str());
    let proof = out[0]["Proof"].as_str().expect("proof");
    assert_eq!(
        proof,
        crate::crypto::domain_proof(crate::crypto::tests::TEST_KEY, "contoso.com").expect("proof")
    );
    assert_eq!(out[0]["DnsRecord"], format!("Contoso.com TXT IN {proof}"));
    let by_tp = ok(
        &mut s,
        inv("Get-FederatedDomainProof")
            .string("DomainName", "contoso.com")
            .string("Thumbprint", &tp),
    )
    .output;
    assert_eq!(by_tp[0]["Name"], "");
}

#[test]
fn domain_proof_with_two_trusts_is_too_many() {
    let mut s = shell();
    let tp = federation_certificate(&mut s);
    for name in ["External A", "External B"] {
        ok(
            &mut s,
            inv("New-FederationTrust")
                .string("Name", name)
                .string("Thumbprint", &tp)
                .string("ApplicationUri", "contoso.com")
                .switch("SkipNamespaceProviderProvisioning"),
        );
    }
    fails_with(
        &mut s,
        inv("Get-FederatedDomainProof").string("DomainName", "contoso.com"),
        "TooManyFederationTrust",
    );
}

#[test]
fn certificate_rollover_next_then_publish() {
    let mut s = shell();
    let old = federated(&mut s);
    let new = federation_certificate(&mut s);
    ok(
        &mut s,
        inv("Set-FederationTrust")
            .string("Identity", TRUST)
            .string("Thumbprint", &new)
            .switch("RefreshMetadata"),
    );
    let proofs = ok(
        &mut s,
        inv("Get-FederatedDomainProof").string("DomainName", "contoso.com"),
    )
    .output;
    assert_eq!(proofs[0]["Name"], "OrgNextPrivCertificate");
    assert_eq!(proofs[1]["Name"], "OrgPrivCertificate");
    ok(
        &mut s,
        inv("Set-FederationTrust")
            .string("Identity", TRUST)
            .switch("PublishFederationCertificate"),
    );
    let t = s.world.trust().expect("trust").clone();
    assert_eq!(t.org_priv_certificate.as_deref(), Some(new.as_str()));
    assert_eq!(t.org_prev_priv_certificate.as_deref(), Some(old.as_str()));
    fails_with(
        &mut s,
        inv("Set-FederationTrust")
            .string("Identity", TRUST)
            .switch("PublishFederationCertificate"),
        "FederationCertificateInvalidException",
    );
}

#[test]
fn refresh_metadata_repairs_stale_metadata() {
    let mut s = shell();
    federated(&mut s);
    s.world.breaks.push(Break::MetadataStale);
    let events = ok(
        &mut s,
        inv("Test-FederationTrust").string("UserIdentity", "alexw@contoso.com"),
    )
    .output;
    assert!(events
        .iter()
        .any(|e| e["EventId"] == 1108 && e["Type"] == "Error"));
    // The break rolled the broker's certificate over; the trust still holds the old one.
    let trust = ok(&mut s, inv("Get-FederationTrust")).output[0].clone();
    let original = crate::gateway::ORIGINAL.thumbprint();
    assert!(
        trust["TokenIssuerCertificate"]
            .to_string()
            .contains(&original),
        "{trust}"
    );
    ok(
        &mut s,
        inv("Set-FederationTrust")
            .string("Identity", TRUST)
            .switch("RefreshMetadata"),
    );
    // The download takes the new certificate and keeps the old one as the previous.
    let trust = ok(&mut s, inv("Get-FederationTrust")).output[0].clone();
    let rotated = crate::gateway::ROTATED.thumbprint();
    assert!(
        trust["TokenIssuerCertificate"]
            .to_string()
            .contains(&rotated),
        "{trust}"
    );
    assert!(
        trust["TokenIssuerPrevCertificate"]
            .to_string()
            .contains(&original),
        "{trust}"
    );
    assert!(!trust.to_string().contains("MetadataRefreshed"), "{trust}");
    let events = ok(
        &mut s,
        inv("Test-FederationTrust").string("UserIdentity", "alexw@contoso.com"),
    )
    .output;
    assert!(events
        .iter()
        .any(|e| e["EventId"] == 1108 && e["Type"] == "Success"));
}

#[test]
fn remove_trust_fails_while_an_organization_identifier_links_it() {
    let mut s = shell();
    federated(&mut s);
    let e = fails_with(
        &mut s,
        inv("Remove-FederationTrust").string("Identity", TRUST),
        "OrgsStillUsingThisTrustException",
    );
    assert_eq!(e.category, "InvalidOperation");
    // Disabling the identifier does not unlink the trust.
    ok(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").bool("Enabled", false),
    );
    fails_with(
        &mut s,
        inv("Remove-FederationTrust").string("Identity", TRUST),
        "OrgsStillUsingThisTrustException",
    );
    // Removing the account namespace clears AccountNamespace, DelegationTrustLink and Enabled.
    ok(
        &mut s,
        inv("Remove-FederatedDomain").string("DomainName", "contoso.com"),
    );
    let org = &s.world.organization_identifier;
    assert!(org.account_namespace.is_none() && org.delegation_trust_link.is_none());
    assert!(!org.enabled);
    ok(
        &mut s,
        inv("Remove-FederationTrust").string("Identity", TRUST),
    );
    assert!(ok(&mut s, inv("Get-FederationTrust")).output.is_empty());
}

// ---- organization identifier ----------------------------------------------------------

#[test]
fn orgid_needs_a_trust() {
    let mut s = shell();
    fails_with(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").bool("Enabled", true),
        "NoTrustConfiguredException",
    );
}

#[test]
fn orgid_needs_namespace_with_trust() {
    let mut s = shell();
    with_trust(&mut s);
    fails_with(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").string("DelegationFederationTrust", TRUST),
        "NoAccountNamespaceException",
    );
}

#[test]
fn orgid_namespace_without_trust() {
    let mut s = shell();
    with_trust(&mut s);
    fails_with(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").string("AccountNamespace", "contoso.com"),
        "CannotSpecifyAccountNamespaceWithoutTrustException",
    );
}

#[test]
fn orgid_domain_must_be_accepted() {
    let mut s = shell();
    with_trust(&mut s);
    fails_with(
        &mut s,
        set_orgid("fabrikam.com"),
        "DomainNameNotAcceptedDomainException",
    );
}

#[test]
fn orgid_domain_must_not_be_wildcard() {
    let mut s = shell();
    with_trust(&mut s);
    fails_with(
        &mut s,
        set_orgid("*.contoso.net"),
        "AcceptedDomainsWithSubdomainsException",
    );
    fails_with(
        &mut s,
        set_orgid("eu.contoso.net"),
        "AcceptedDomainsWithSubdomainsException",
    );
}

#[test]
fn orgid_domain_must_not_be_external_relay() {
    let mut s = shell();
    with_trust(&mut s);
    fails_with(
        &mut s,
        set_orgid("contoso-relay.com"),
        "AcceptedDomainsInvalidTypeException",
    );
}

#[test]
fn orgid_fails_without_published_proof() {
    let mut s = shell();
    with_trust(&mut s);
    let e = fails_with(
        &mut s,
        set_orgid("contoso.com"),
        "DomainProofOwnershipException",
    );
    assert_eq!(e.message, "Proof of domain ownership has failed. Make sure that the TXT record for the specified domain is available in DNS. The format of the TXT record should be \"example.com IN TXT hash-value\"");
}

#[test]
fn orgid_fails_with_mistyped_or_missing_proof() {
    for b in [Break::ProofMistyped, Break::ProofMissing] {
        let mut s = shell();
        with_trust(&mut s);
        publish_proof(&mut s, "contoso.com");
        s.world.breaks.push(b);
        fails_with(
            &mut s,
            set_orgid("contoso.com"),
            "DomainProofOwnershipException",
        );
    }
}

#[test]
fn orgid_configures_namespace_appid_and_application_uri() {
    let mut s = shell();
    federated(&mut s);
    let out = ok(
        &mut s,
        inv("Get-FederatedOrganizationIdentifier").switch("IncludeExtendedDomainInfo"),
    )
    .output;
    let org: FederatedOrganizationIdentifier =
        serde_json::from_value(out[0].clone()).expect("model");
    assert_eq!(
        org.account_namespace.as_deref(),
        Some("FYDIBOHF25SPDLT.contoso.com")
    );
    assert!(org.enabled);
    assert_eq!(org.domains[0].domain, "contoso.com");
    assert_eq!(
        org.domains[0].state,
        fedshare_model::FederatedDomainState::Active
    );
    let t = s.world.trust().expect("trust");
    assert_eq!(
        t.application_uri.as_deref(),
        Some("FYDIBOHF25SPDLT.contoso.com")
    );
    assert_eq!(t.application_identifier.as_ref().map(String::len), Some(16));
}

#[test]
fn orgid_cannot_change_namespace_or_trust() {
    let mut s = shell();
    federated(&mut s);
    fails_with(
        &mut s,
        set_orgid("sales.contoso.com"),
        "TrustAlreadyDefinedException",
    );
    // Repeating the same values, or only toggling Enabled, is fine.
    ok(&mut s, set_orgid("contoso.com"));
    ok(
        &mut s,
        inv("Set-FederatedOrganizationIdentifier").bool("Enabled", false),
    );
    assert!(!s.world.organization_identifier.enabled);
}

#[test]
fn add_domain_rules() {
    let mut s = shell();
    fails_with(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "sales.contoso.com"),
        "NoTrustConfiguredException",
    );
    federated(&mut s);
    fails_with(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "contoso.com"),
        "DomainAlreadyFederatedException",
    );
    fails_with(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "sales.contoso.com"),
        "DomainProofOwnershipException",
    );
    fails_with(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "contoso-relay.com"),
        "AcceptedDomainsInvalidTypeException",
    );
    fails_with(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "example.org"),
        "DomainNameNotAcceptedDomainException",
    );
    publish_proof(&mut s, "contoso-mail.com");
    ok(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "contoso-mail.com"),
    );
    assert_eq!(s.world.organization_identifier.domains.len(), 2);
    // The account namespace goes last.
    fails_with(
        &mut s,
        inv("Remove-FederatedDomain").string("DomainName", "contoso.com"),
        "CannotRemoveAccountNamespaceException",
    );
    fails_with(
        &mut s,
        inv("Remove-FederatedDomain")
            .string("DomainName", "contoso.com")
            .switch("Force"),
        "CannotRemoveAccountNamespaceException",
    );
}

#[test]
fn an_unreachable_gateway_blocks_domain_removal_unless_forced() {
    let mut s = shell();
    federated(&mut s);
    s.world.breaks.push(Break::GatewayUnreachable);
    let remove = || inv("Remove-FederatedDomain").string("DomainName", "contoso.com");
    let e = fails_with(&mut s, remove(), "UnableToReleaseUriException");
    assert!(e.message.contains("contoso.com"), "{e:?}");
    ok(&mut s, remove().switch("Force"));
    assert!(s.world.organization_identifier.domains.is_empty());
    assert!(s
        .world
        .organization_identifier
        .delegation_trust_link
        .is_none());
}

#[test]
fn removing_a_domain_that_is_not_federated() {
    let mut s = shell();
    federated(&mut s);
    fails_with(
        &mut s,
        inv("Remove-FederatedDomain").string("DomainName", "sales.contoso.com"),
        "DomainIsNotFederatedException",
    );
    // With -Force Exchange only warns, and changes nothing.
    let before = s.world.clone();
    let out = ok(
        &mut s,
        inv("Remove-FederatedDomain")
            .string("DomainName", "sales.contoso.com")
            .switch("Force"),
    );
    assert!(
        out.warnings[0].starts_with("DomainIsNotFederated"),
        "{:?}",
        out.warnings
    );
    assert!(!out.mutated);
    assert_eq!(s.world, before);
}

// ---- organization relationships ---------------------------------------------------------

fn new_rel(name: &str, domains: &[&str]) -> Invocation {
    inv("New-OrganizationRelationship")
        .string("Name", name)
        .list(
            "DomainNames",
            domains.iter().map(|d| d.to_string()).collect(),
        )
        .bool("FreeBusyAccessEnabled", true)
        .enumeration("FreeBusyAccessLevel", "LimitedDetails")
}

#[test]
fn relationship_round_trips_into_the_model() {
    let mut s = shell();
    ok(
        &mut s,
        new_rel("Fabrikam", &["fabrikam.com"])
            .string("TargetApplicationUri", "FYDIBOHF25SPDLT.fabrikam.com"),
    );
    let r: OrganizationRelationship = serde_json::from_value(
        ok(
            &mut s,
            inv("Get-OrganizationRelationship").string("Identity", "fabrikam"),
        )
        .output[0]
            .clone(),
    )
    .expect("model");
    assert_eq!(
        r.free_busy_access_level,
        fedshare_model::FreeBusyAccessLevel::LimitedDetails
    );
    assert!(r.enabled && r.free_busy_access_enabled);
}

#[test]
fn relationship_name_unique_and_at_most_64() {
    let mut s = shell();
    ok(&mut s, new_rel("Fabrikam", &["fabrikam.com"]));
    fails_with(
        &mut s,
        new_rel("fabrikam", &["tailspintoys.com"]),
        "ADObjectAlreadyExistsException",
    );
    fails_with(
        &mut s,
        new_rel(&"x".repeat(65), &["tailspintoys.com"]),
        "DataValidationException",
    );
}

#[test]
fn relationship_domain_in_only_one_relationship() {
    let mut s = shell();
    ok(&mut s, new_rel("Fabrikam", &["fabrikam.com"]));
    fails_with(
        &mut s,
        new_rel("Other", &["tailspintoys.com", "Fabrikam.com"]),
        "DuplicateOrganizationRelationshipDomainException",
    );
    ok(&mut s, new_rel("Tailspin", &["tailspintoys.com"]));
    fails_with(
        &mut s,
        inv("Set-OrganizationRelationship")
            .string("Identity", "Tailspin")
            .list("DomainNames", vec!["fabrikam.com".into()]),
        "DuplicateOrganizationRelationshipDomainException",
    );
}

#[test]
fn relationship_at_most_238_domains() {
    let mut s = shell();
    let many: Vec<String> = (0..239).map(|i| format!("d{i}.example")).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    fails_with(&mut s, new_rel("Many", &refs), "DataValidationException");
    ok(&mut s, new_rel("Many", &refs[..238]));
}

#[test]
fn federation_information_for_partners_and_failures() {
    let mut s = shell();
    let out = ok(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "fabrikam.com"),
    )
    .output;
    assert_eq!(
        out[0]["TargetApplicationUri"],
        "FYDIBOHF25SPDLT.fabrikam.com"
    );
    assert_eq!(
        out[0]["TargetAutodiscoverEpr"],
        "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity"
    );
    // An Office 365 tenant answers from Exchange Online, a host that is not its own: Exchange
    // asks to continue, which a non-interactive session cannot, and -Force refuses instead.
    let prompt = fails_with(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "adatum.com"),
        "PSInvalidOperationException",
    );
    assert!(prompt.message.contains("NonInteractive mode"), "{prompt:?}");
    fails_with(
        &mut s,
        inv("Get-FederationInformation")
            .string("DomainName", "adatum.com")
            .switch("Force"),
        "GetFederationInformationFailedException",
    );
    fails_with(
        &mut s,
        inv("Get-FederationInformation")
            .string("DomainName", "adatum.com")
            .list("TrustedHostnames", vec!["autodiscover.outlook.com".into()]),
        "PSInvalidOperationException",
    );
    let trusted =
        |i: fedshare_exchange::Invocation| i.list("TrustedHostnames", vec!["*.Outlook.com".into()]);
    let o365 = ok(
        &mut s,
        trusted(inv("Get-FederationInformation").string("DomainName", "adatum.com")),
    )
    .output;
    assert_eq!(o365[0]["TargetApplicationUri"], "outlook.com");
    // Additional domains without discoverable Autodiscover are dropped unless bypassed.
    assert_eq!(o365[0]["DomainNames"], serde_json::json!(["adatum.com"]));
    let bypass = ok(
        &mut s,
        trusted(inv("Get-FederationInformation").string("DomainName", "adatum.com"))
            .switch("BypassAdditionalDomainValidation"),
    )
    .output;
    assert_eq!(bypass[0]["DomainNames"].as_array().map(Vec::len), Some(3));
    fails_with(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "unknown.example"),
        "GetFederationInformationFailedException",
    );
    // Contoso answers for itself only once federated and its autodiscover record exists.
    fails_with(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "contoso.com"),
        "GetFederationInformationFailedException",
    );
    federated(&mut s);
    s.world.set_records(
        "autodiscover.contoso.com",
        "CNAME",
        &["mail.contoso.com".into()],
    );
    let own = ok(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "contoso.com"),
    )
    .output;
    assert_eq!(
        own[0]["TargetApplicationUri"],
        "FYDIBOHF25SPDLT.contoso.com"
    );
}

#[test]
fn test_organization_relationship_reports_result_ids() {
    let mut s = shell();
    federated(&mut s);
    publish_proof(&mut s, "sales.contoso.com");
    ok(
        &mut s,
        inv("Add-FederatedDomain").string("DomainName", "sales.contoso.com"),
    );
    let fi = ok(
        &mut s,
        inv("Get-FederationInformation").string("DomainName", "fabrikam.com"),
    )
    .output[0]
        .clone();
    ok(
        &mut s,
        new_rel("Fabrikam", &["fabrikam.com"])
            .string(
                "TargetApplicationUri",
                fi["TargetApplicationUri"].as_str().expect("uri"),
            )
            .string(
                "TargetAutodiscoverEpr",
                fi["TargetAutodiscoverEpr"].as_str().expect("epr"),
            ),
    );
    let test = inv("Test-OrganizationRelationship")
        .string("Identity", "Fabrikam")
        .string("UserIdentity", "alexw");
    let clean = ok(&mut s, test.clone()).output;
    assert!(
        clean.iter().any(|l| l == "No Significant Issues to Report"),
        "{clean:?}"
    );
    s.world.breaks.push(Break::PartnerTargetMismatch);
    let out = ok(&mut s, test).output;
    assert!(
        out.iter().any(|l| l["Id"] == "ApplicationUrisDiffer"),
        "{out:?}"
    );
}

// ---- sharing policies -------------------------------------------------------------------

fn new_policy(name: &str, entries: &[&str]) -> Invocation {
    inv("New-SharingPolicy")
        .string("Name", name)
        .list("Domains", entries.iter().map(|e| e.to_string()).collect())
}

#[test]
fn sharing_policy_entry_grammar() {
    let mut s = shell();
    fails_with(
        &mut s,
        new_policy("P", &["contoso.com CalendarSharingFreeBusySimple"]),
        "SharingPolicyDomainInvalid",
    );
    fails_with(
        &mut s,
        new_policy("P", &["a:b:c"]),
        "SharingPolicyDomainInvalid",
    );
    fails_with(
        &mut s,
        new_policy("P", &["fabrikam.com:CalendarSharingFullDetails"]),
        "SharingPolicyDomainInvalidAction",
    );
    let o = ok(
        &mut s,
        new_policy(
            "P",
            &["fabrikam.com: calendarsharingfreebusydetail,ContactsSharing"],
        ),
    );
    assert_eq!(
        o.output[0]["Domains"][0],
        "fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing"
    );
}

#[test]
fn sharing_policy_anonymous_and_meeting_rules() {
    let mut s = shell();
    fails_with(
        &mut s,
        new_policy("P", &["Anonymous:ContactsSharing"]),
        "SharingPolicyDomainInvalidActionForAnonymous",
    );
    fails_with(
        &mut s,
        new_policy("P", &["fabrikam.com:MeetingFullDetails"]),
        "SharingPolicyDomainInvalidActionForDomain",
    );
    let o = ok(
        &mut s,
        new_policy("P", &["Anonymous:MeetingLimitedDetails"]),
    );
    assert!(o.warnings[0].starts_with("AnonymousSharingEnabledWarning"));
}

#[test]
fn sharing_policy_duplicate_domain() {
    let mut s = shell();
    fails_with(
        &mut s,
        new_policy(
            "P",
            &[
                "fabrikam.com:ContactsSharing",
                "Fabrikam.com:CalendarSharingFreeBusySimple",
            ],
        ),
        "SharingPolicyDuplicateDomain",
    );
}

#[test]
fn sharing_policy_default_switch_moves_the_default() {
    let mut s = shell();
    ok(
        &mut s,
        new_policy("Partners", &["fabrikam.com:CalendarSharingFreeBusyDetail"]).switch("Default"),
    );
    let all: Vec<SharingPolicy> = serde_json::from_value(serde_json::Value::Array(
        ok(&mut s, inv("Get-SharingPolicy")).output,
    ))
    .expect("model");
    assert_eq!(
        all.iter()
            .filter(|p| p.default)
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Partners"]
    );
    ok(
        &mut s,
        inv("Set-SharingPolicy")
            .string("Identity", "Default Sharing Policy")
            .switch("Default"),
    );
    assert!(s.world.sharing_policies[0].default && !s.world.sharing_policies[1].default);
}

#[test]
fn sharing_policy_remove_fails_while_a_mailbox_links_it() {
    let mut s = shell();
    ok(
        &mut s,
        new_policy("Partners", &["fabrikam.com:CalendarSharingFreeBusyDetail"]),
    );
    ok(
        &mut s,
        inv("Set-Mailbox")
            .string("Identity", "alexw@contoso.com")
            .string("SharingPolicy", "Partners"),
    );
    fails_with(
        &mut s,
        inv("Remove-SharingPolicy").string("Identity", "Partners"),
        "CannotRemoveSharingPolicyWithUsersAssignedException",
    );
    fails_with(
        &mut s,
        inv("Set-Mailbox")
            .string("Identity", "alexw")
            .string("SharingPolicy", "Nope"),
        "ManagementObjectNotFoundException",
    );
    // SharingPolicyIdParameter refuses '' at binding; $null is how a policy is cleared.
    let e = fails_with(
        &mut s,
        inv("Set-Mailbox")
            .string("Identity", "alexw")
            .string("SharingPolicy", ""),
        "ParameterBindingException",
    );
    assert!(
        e.message
            .contains("SharingPolicyIdParameter can't be empty"),
        "{e:?}"
    );
    assert!(
        e.error_id
            .starts_with("ParameterArgumentTransformationError,Set-Mailbox"),
        "{e:?}"
    );
    ok(
        &mut s,
        inv("Set-Mailbox")
            .string("Identity", "alexw")
            .null("SharingPolicy"),
    );
    assert_eq!(s.world.mailboxes[0].sharing_policy, None);
    ok(
        &mut s,
        inv("Remove-SharingPolicy").string("Identity", "Partners"),
    );
}

#[test]
fn the_default_sharing_policy_cannot_be_removed() {
    let mut s = shell();
    ok(
        &mut s,
        new_policy("Partners", &["fabrikam.com:CalendarSharingFreeBusyDetail"]),
    );
    // Every mailbox with an explicit policy: the default one is still not removable.
    let ids: Vec<String> = s
        .world
        .mailboxes
        .iter()
        .map(|m| m.identity.clone())
        .collect();
    for id in ids {
        ok(
            &mut s,
            inv("Set-Mailbox")
                .string("Identity", id)
                .string("SharingPolicy", "Partners"),
        );
    }
    fails_with(
        &mut s,
        inv("Remove-SharingPolicy").string("Identity", "Default Sharing Policy"),
        "CannotRemoveDefaultSharingPolicy",
    );
}

#[test]
fn empty_values_are_refused_and_null_clears() {
    let mut s = shell();
    ok(&mut s, new_rel("Fabrikam", &["fabrikam.com"]));
    let set = || inv("Set-OrganizationRelationship").string("Identity", "Fabrikam");
    ok(
        &mut s,
        set()
            .string("FreeBusyAccessScope", "Sales")
            .string("TargetApplicationUri", "fabrikam.com"),
    );
    let e = fails_with(
        &mut s,
        set().string("FreeBusyAccessScope", ""),
        "ParameterBindingException",
    );
    assert!(
        e.message.contains("GroupIdParameter can't be empty"),
        "{e:?}"
    );
    let e = fails_with(
        &mut s,
        set().string("TargetApplicationUri", ""),
        "ParameterBindingException",
    );
    assert!(e.message.contains("The URI is empty"), "{e:?}");
    ok(
        &mut s,
        set()
            .null("FreeBusyAccessScope")
            .null("TargetApplicationUri"),
    );
    let r = &s.world.organization_relationships[0];
    assert_eq!(r.free_busy_access_scope, None);
    assert_eq!(r.target_application_uri, None);
    // A mandatory parameter and a value type do not take $null.
    let e = fails_with(
        &mut s,
        inv("Set-Mailbox").null("Identity").null("SharingPolicy"),
        "ParameterBindingValidationException",
    );
    assert!(e.message.contains("because it is null"), "{e:?}");
    fails_with(
        &mut s,
        set().null("FreeBusyAccessLevel"),
        "ParameterBindingException",
    );
}

// ---- directory and breaks ---------------------------------------------------------------

#[test]
fn virtual_directories_and_wssecurity_break() {
    let mut s = shell();
    let ad = ok(&mut s, inv("Get-AutodiscoverVirtualDirectory")).output;
    assert_eq!(ad[0]["WSSecurityAuthentication"], true);
    s.world.breaks.push(Break::WssecurityOff);
    let ews = ok(
        &mut s,
        inv("Get-WebServicesVirtualDirectory").string("Server", "EX01"),
    )
    .output;
    assert_eq!(ews[0]["WSSecurityAuthentication"], false);
    assert_eq!(
        ews[0]["ExternalUrl"],
        "https://mail.contoso.com/EWS/Exchange.asmx"
    );
}

#[test]
fn accepted_domains_deserialize_into_the_model() {
    let mut s = shell();
    let out = ok(&mut s, inv("Get-AcceptedDomain")).output;
    let domains: Vec<fedshare_model::AcceptedDomain> =
        serde_json::from_value(serde_json::Value::Array(out)).expect("model");
    assert_eq!(domains.len(), 5);
    assert!(domains.iter().any(|d| d.domain_name == "*.contoso.net"));
}

#[test]
fn test_federation_trust_events() {
    let mut s = shell();
    let none = ok(
        &mut s,
        inv("Test-FederationTrust").string("UserIdentity", "alexw"),
    )
    .output;
    assert_eq!(none[0]["EventId"], 1100);
    federated(&mut s);
    let good = ok(
        &mut s,
        inv("Test-FederationTrust").string("UserIdentity", "alexw"),
    )
    .output;
    assert!(good.iter().all(|e| e["Type"] == "Success"), "{good:?}");
    assert_eq!(good.last().expect("event")["EventId"], 1107);
    s.world.breaks.push(Break::ClockSkew);
    let skew = ok(
        &mut s,
        inv("Test-FederationTrust").string("UserIdentity", "alexw"),
    )
    .output;
    assert!(skew
        .iter()
        .any(|e| e["Id"] == "TokenRequest" && e["Type"] == "Error"));
    let certs = ok(&mut s, inv("Test-FederationTrustCertificate")).output;
    assert_eq!(certs[0]["State"], "Installed");
}

#[test]
fn organization_breaks_show_in_get_output() {
    let mut s = shell();
    ok(&mut s, new_rel("Fabrikam", &["fabrikam.com"]));
    s.world
        .breaks
        .extend([Break::DuplicateDomain, Break::ContradictoryPolicy]);
    let rels = ok(&mut s, inv("Get-OrganizationRelationship")).output;
    assert_eq!(rels.len(), 2);
    assert_eq!(rels[1]["DomainNames"], serde_json::json!(["fabrikam.com"]));
    let policies = ok(&mut s, inv("Get-SharingPolicy")).output;
    assert_eq!(policies.iter().filter(|p| p["Default"] == true).count(), 2);
    let _ = ParamValue::Bool(true);
}

// ---- Windows DNS Server (DnsServer module) ---------------------------------------------

#[test]
fn windows_dns_records_are_added_once_removed_exactly_and_zones_must_exist() {
    use fedshare_exchange::windows_dns::{add_record, remove_record, RecordData, Target};
    let mut s = shell();
    let contoso = Target {
        zone: "contoso.com",
        computer_name: Some("DC01"),
    };
    let proof = RecordData::Txt("proof-1");
    ok(&mut s, add_record(contoso, "contoso.com", proof, 3600));
    let zone = crate::zones::zone_for(&s.world.zones, "contoso.com").expect("zone");
    assert_eq!(
        zone.values("contoso.com", "TXT"),
        ["v=spf1 mx -all", "proof-1"],
        "added beside the SPF record"
    );
    let e = fails_with(
        &mut s,
        add_record(contoso, "contoso.com", proof, 3600),
        "CimException",
    );
    assert_eq!(e.error_id, "WIN32 9711,Add-DnsServerResourceRecord");
    assert!(e.message.contains("on server DC01"), "{e:?}");

    // A CNAME is alone at its name, as Windows DNS enforces.
    let alias = RecordData::Cname("mail.contoso.com");
    ok(
        &mut s,
        add_record(contoso, "autodiscover.contoso.com", alias, 3600),
    );
    let second = RecordData::Cname("other.contoso.com");
    fails_with(
        &mut s,
        add_record(contoso, "autodiscover.contoso.com", second, 3600),
        "CimException",
    );

    // A proof differing only in case is another value: it is not the one removed.
    fails_with(
        &mut s,
        remove_record(contoso, "contoso.com", RecordData::Txt("PROOF-1")),
        "CimException",
    );
    ok(&mut s, remove_record(contoso, "contoso.com", proof));
    let zone = crate::zones::zone_for(&s.world.zones, "contoso.com").expect("zone");
    assert_eq!(zone.values("contoso.com", "TXT"), ["v=spf1 mx -all"]);
    let e = fails_with(
        &mut s,
        remove_record(contoso, "contoso.com", proof),
        "CimException",
    );
    assert_eq!(e.error_id, "WIN32 9714,Remove-DnsServerResourceRecord");

    let elsewhere = Target {
        zone: "example.org",
        computer_name: None,
    };
    let e = fails_with(
        &mut s,
        add_record(elsewhere, "example.org", proof, 3600),
        "CimException",
    );
    assert_eq!(e.error_id, "WIN32 9601,Add-DnsServerResourceRecord");
}

// ---- Get-Mailbox result size --------------------------------------------------------------

#[test]
fn get_mailbox_stops_at_1000_and_warns_unless_result_size_says_more() {
    let mut s = shell();
    let start = s.world.mailboxes.len();
    for i in 0..1200 - start {
        s.world.mailboxes.push(fedshare_model::Mailbox {
            identity: format!("User {i:04}"),
            primary_smtp_address: format!("user{i:04}@contoso.com"),
            sharing_policy: None,
        });
    }
    let first = ok(&mut s, inv("Get-Mailbox"));
    assert_eq!(first.output.len(), 1000);
    assert!(
        first.warnings[0].starts_with("By default, only the first 1000 items are returned.")
            && first.warnings[0].contains("-ResultSize Unlimited"),
        "{:?}",
        first.warnings
    );
    let all = ok(&mut s, inv("Get-Mailbox").string("ResultSize", "Unlimited"));
    assert_eq!(all.output.len(), 1200);
    assert!(all.warnings.is_empty(), "{:?}", all.warnings);
    let some = ok(&mut s, inv("Get-Mailbox").string("ResultSize", "5"));
    assert_eq!(some.output.len(), 5);
    assert!(some.warnings[0].contains("increase the value for the ResultSize parameter"));
    // Past the first 1000, a mailbox is still found by identity.
    let last = ok(
        &mut s,
        inv("Get-Mailbox").string("Identity", "user1193@contoso.com"),
    );
    assert_eq!(last.output[0]["Identity"], "User 1193");
    fails_with(
        &mut s,
        inv("Get-Mailbox").string("ResultSize", "lots"),
        "ParameterBindingException",
    );
}

/// The lab clock ages what exists and dates what is made afterwards by itself: an old
/// certificate expires (and is refused as a trust certificate), a new one is fresh.
#[test]
fn the_lab_clock_ages_existing_certificates_only() {
    let mut s = shell();
    let old = federation_certificate(&mut s);
    s.world.clock_days = 5 * 366;
    fails_with(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &old),
        "ErrorCertificateHasExpired",
    );
    let new = federation_certificate(&mut s);
    let listed = ok(
        &mut s,
        inv("Get-ExchangeCertificate").string("Thumbprint", &new),
    );
    let not_after = crate::timefmt::parse(listed.output[0]["NotAfter"].as_str().expect("date"))
        .expect("rfc3339");
    let left = (not_after - time::OffsetDateTime::now_utc()).whole_days();
    assert!((1800..=1830).contains(&left), "{left} days left");
    ok(
        &mut s,
        inv("New-FederationTrust")
            .string("Name", TRUST)
            .string("Thumbprint", &new),
    );
}

#[test]
fn virtual_directories_are_read_per_server_and_an_unreachable_server_fails_its_own_read() {
    let mut s = shell();
    s.world.other_servers.push(crate::world::OtherServer {
        name: "EX02".into(),
        fqdn: "ex02.contoso.com".into(),
        reachable: false,
    });
    let servers = ok(&mut s, inv("Get-ExchangeServer")).output;
    let names: Vec<&str> = servers.iter().filter_map(|v| v["Name"].as_str()).collect();
    assert_eq!(names, ["EX01", "EX02"]);
    // Without -Server every server's metabase is read: the unreachable one fails the read.
    fails_with(
        &mut s,
        inv("Get-WebServicesVirtualDirectory"),
        "IISNotReachableException",
    );
    let ex01 = ok(
        &mut s,
        inv("Get-WebServicesVirtualDirectory").string("Server", "EX01"),
    )
    .output;
    assert_eq!(ex01.len(), 1);
    assert_eq!(ex01[0]["Server"], "EX01");
    let e = fails_with(
        &mut s,
        inv("Get-AutodiscoverVirtualDirectory").string("Server", "ex02.contoso.com"),
        "IISNotReachableException",
    );
    assert!(e.message.contains("ex02.contoso.com"), "{e:?}");
    s.world.other_servers[0].reachable = true;
    let all = ok(&mut s, inv("Get-AutodiscoverVirtualDirectory")).output;
    let ids: Vec<&str> = all.iter().filter_map(|v| v["Identity"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "EX01\\Autodiscover (Default Web Site)",
            "EX02\\Autodiscover (Default Web Site)"
        ]
    );
}
