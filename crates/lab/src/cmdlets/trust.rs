//! The federation trust: New/Set/Get/Remove-FederationTrust and Get-FederatedDomainProof.

use fedshare_exchange::protocol::ShellError;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::params::Args;
use super::{errors, parse_time, unify_thumbprint, Ctx};
use crate::crypto;
use crate::gateway;
use crate::views;
use crate::world::{Trust, World};

/// Checks a federation certificate the way FederationCertificate.ValidateCertificate does,
/// returning the unified thumbprint.
pub(crate) fn validate_certificate(
    world: &World,
    cmdlet: &str,
    thumbprint: &str,
    now: OffsetDateTime,
) -> Result<String, ShellError> {
    let tp = unify_thumbprint(thumbprint);
    let fail = |exception: &str, text: String| errors::invalid_argument(cmdlet, exception, text);
    let Some(stored) = world.certificate(&tp) else {
        return Err(fail("ErrorCertificateNotFound", format!("The certificate with thumbprint {tp} was not found in the local computer's certificate store (LocalMachine\\My).")));
    };
    let cert = views::effective_certificate(world, stored, now);
    if cert.subject_key_identifier.is_none() {
        return Err(fail(
            "ErrorCertificateNoSKI",
            format!("The certificate with thumbprint {tp} doesn't have a subject key identifier."),
        ));
    }
    if !cert.private_key_exportable {
        return Err(fail(
            "ErrorCertificateNotExportable",
            format!("The private key of the certificate with thumbprint {tp} isn't exportable."),
        ));
    }
    if cert.key_algorithm != "RSA" {
        return Err(fail(
            "ErrorCertificateNotRSA",
            format!("The certificate with thumbprint {tp} doesn't use an RSA key."),
        ));
    }
    if cert.key_provider != "CAPI" {
        return Err(fail("ErrorCertificateNotCAPI", format!("The private key of the certificate with thumbprint {tp} isn't stored by a CryptoAPI provider.")));
    }
    if parse_time(&cert.not_after).is_none_or(|t| t < now) {
        return Err(fail(
            "ErrorCertificateHasExpired",
            format!("The certificate with thumbprint {tp} has expired."),
        ));
    }
    Ok(tp)
}

fn cert_ref(world: &World, thumbprint: Option<&String>, now: OffsetDateTime) -> Value {
    let Some(tp) = thumbprint else {
        return Value::Null;
    };
    match world.certificate(tp) {
        Some(c) => {
            let c = views::effective_certificate(world, c, now);
            json!({"Thumbprint": c.thumbprint, "NotAfter": c.not_after, "Subject": c.subject,
                "Issuer": c.issuer, "NotBefore": c.not_before, "SerialNumber": c.serial_number})
        }
        // The trust can name a certificate that has left the store; report what is known.
        None => json!({"Thumbprint": tp, "NotAfter": "", "Subject": ""}),
    }
}

pub(crate) fn trust_output(world: &World, t: &Trust, now: OffsetDateTime) -> Value {
    json!({
        "Name": t.name,
        "Identity": t.name,
        "ApplicationIdentifier": t.application_identifier,
        "ApplicationUri": t.application_uri,
        "NamespaceProvisioner": t.namespace_provisioner,
        "OrgCertificate": cert_ref(world, t.org_priv_certificate.as_ref(), now),
        "OrgNextCertificate": cert_ref(world, t.org_next_priv_certificate.as_ref(), now),
        "OrgPrevCertificate": cert_ref(world, t.org_prev_priv_certificate.as_ref(), now),
        "OrgPrivCertificate": t.org_priv_certificate,
        "OrgNextPrivCertificate": t.org_next_priv_certificate,
        "OrgPrevPrivCertificate": t.org_prev_priv_certificate,
        "TokenIssuerUri": t.token_issuer_uri,
        "TokenIssuerEpr": t.token_issuer_epr,
        "TokenIssuerMetadataEpr": t.token_issuer_metadata_epr,
        "TokenIssuerType": t.token_issuer_type,
        "TokenIssuerCertificate": sts_ref(world, t.token_issuer_certificate.as_deref()),
        "TokenIssuerPrevCertificate": sts_ref(world, t.token_issuer_prev_certificate.as_deref()),
        "TokenIssuerCertReference": Value::Null,
        "TokenIssuerPrevCertReference": Value::Null,
        "PolicyReferenceUri": "EX_MBI_FED_SSL",
        "MetadataPollInterval": "1.00:00:00",
        "MetadataEpr": Value::Null,
        "MetadataPutEpr": Value::Null,
        "WebRequestorRedirectEpr": Value::Null,
    })
}

/// A broker signing certificate the trust holds, as the trust reports it.
fn sts_ref(world: &World, thumbprint: Option<&str>) -> Value {
    let Some(tp) = thumbprint else {
        return Value::Null;
    };
    match gateway::by_thumbprint(tp) {
        Some(c) => json!({"Thumbprint": tp, "NotAfter": views::aged_time(world, c.not_after),
            "Subject": c.subject, "Issuer": c.subject,
            "NotBefore": views::aged_time(world, c.not_before), "SerialNumber": c.serial_number}),
        None => json!({"Thumbprint": tp, "NotAfter": "", "Subject": ""}),
    }
}

fn trust_index(world: &World, cmdlet: &str, identity: &str) -> Result<usize, ShellError> {
    world
        .federation_trusts
        .iter()
        .position(|t| t.name.eq_ignore_ascii_case(identity))
        .ok_or_else(|| errors::not_found(cmdlet, identity))
}

fn trust_already_defined(cmdlet: &str) -> ShellError {
    errors::invalid_operation(
        cmdlet,
        "TrustAlreadyDefinedException",
        "A federation trust is already defined for this organization. Only one federation trust can be configured.",
    )
}

pub fn new_federation_trust(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let skip = args.switch("SkipNamespaceProviderProvisioning");
    if skip && args.has("UseLegacyProvisioningService") {
        return Err(errors::parameter_set(cmdlet));
    }
    // A second trust is allowed only beside externally provisioned ones, and only when it is
    // externally provisioned itself.
    let all_external = ctx
        .world
        .federation_trusts
        .iter()
        .all(|t| t.namespace_provisioner == "ExternalProcess");
    if !(ctx.world.federation_trusts.is_empty() || skip && all_external) {
        return Err(trust_already_defined(cmdlet));
    }
    let name = args.required("Name")?;
    if ctx
        .world
        .federation_trusts
        .iter()
        .any(|t| t.name.eq_ignore_ascii_case(&name))
    {
        return Err(errors::already_exists(cmdlet, &name));
    }
    let thumbprint =
        validate_certificate(ctx.world, cmdlet, &args.required("Thumbprint")?, ctx.now)?;
    let mut trust = World::new_trust(&name, &thumbprint);
    if let Some(url) = args.string("MetadataUrl") {
        trust.token_issuer_metadata_epr = url;
    }
    // New-FederationTrust downloads the broker's metadata before it writes the trust.
    gateway::refresh(ctx.world, &mut trust);
    if skip {
        trust.namespace_provisioner = "ExternalProcess".into();
        trust.application_uri = Some(args.required("ApplicationUri")?);
        trust.application_identifier = args.string("ApplicationIdentifier");
    } else if args.switch("UseLegacyProvisioningService") {
        trust.namespace_provisioner = "LiveDomainServices".into();
    }
    let out = trust_output(ctx.world, &trust, ctx.now);
    ctx.world.federation_trusts.push(trust);
    ctx.warnings.push("ManageDelegation2ProvisioningInDNS: To finish configuring federation, create a TXT record in public DNS for each domain you federate, with the proof returned by Get-FederatedDomainProof.".into());
    Ok(vec![out])
}

pub fn get_federation_trust(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let identity = args.string("Identity");
    if let Some(id) = &identity {
        trust_index(ctx.world, args.cmdlet, id)?;
    }
    Ok(ctx
        .world
        .federation_trusts
        .iter()
        .filter(|t| {
            identity
                .as_deref()
                .is_none_or(|id| t.name.eq_ignore_ascii_case(id))
        })
        .map(|t| trust_output(ctx.world, t, ctx.now))
        .collect())
}

pub fn set_federation_trust(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let idx = trust_index(ctx.world, cmdlet, &args.required("Identity")?)?;
    let identity_set = ["MetadataUrl", "RefreshMetadata", "Thumbprint"]
        .iter()
        .any(|p| args.has(p));
    if args.has("ApplicationUri") && identity_set {
        return Err(errors::parameter_set(cmdlet));
    }
    if args.switch("PublishFederationCertificate") && identity_set {
        return Err(errors::parameter_set(cmdlet));
    }
    if let Some(tp) = args.string("Thumbprint") {
        let tp = validate_certificate(ctx.world, cmdlet, &tp, ctx.now)?;
        ctx.world.federation_trusts[idx].org_next_priv_certificate = Some(tp);
    }
    if args.switch("PublishFederationCertificate") {
        publish_next_certificate(ctx.world, cmdlet, idx)?;
    }
    if let Some(url) = args.string("MetadataUrl") {
        ctx.world.federation_trusts[idx].token_issuer_metadata_epr = url;
    }
    if args.switch("RefreshMetadata") {
        // The broker's current signing certificate becomes the trust's; the break (the broker
        // rolled its certificate over) stays, the trust has simply caught up with it.
        let mut trust = ctx.world.federation_trusts[idx].clone();
        gateway::refresh(ctx.world, &mut trust);
        ctx.world.federation_trusts[idx] = trust;
    }
    if let Some(uri) = args.string("ApplicationUri") {
        ctx.world.federation_trusts[idx].application_uri = Some(uri);
    }
    if let Some(name) = args.string("Name") {
        rename_trust(ctx.world, idx, &name);
    }
    Ok(Vec::new())
}

fn rename_trust(world: &mut World, idx: usize, name: &str) {
    let old = std::mem::replace(&mut world.federation_trusts[idx].name, name.to_owned());
    let link = &mut world.organization_identifier.delegation_trust_link;
    if link.as_deref() == Some(old.as_str()) {
        *link = Some(name.to_owned());
    }
}

/// Next becomes current, current becomes previous (UpdateAppIdCertificate at the broker).
fn publish_next_certificate(world: &mut World, cmdlet: &str, idx: usize) -> Result<(), ShellError> {
    let next = world.federation_trusts[idx].org_next_priv_certificate.clone().ok_or_else(|| {
        errors::invalid_operation(cmdlet, "FederationCertificateInvalidException", "The federation trust has no next certificate to publish. Set one first with Set-FederationTrust -Thumbprint.")
    })?;
    if world.certificate(&next).is_none() {
        return Err(errors::invalid_operation(
            cmdlet,
            "FederationCertificateInvalidException",
            format!("Federation certificate with the thumbprint \"{next}\" cannot be found."),
        ));
    }
    let trust = &mut world.federation_trusts[idx];
    trust.org_prev_priv_certificate = trust.org_priv_certificate.take();
    trust.org_priv_certificate = Some(next);
    trust.org_next_priv_certificate = None;
    Ok(())
}

pub fn remove_federation_trust(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let idx = trust_index(ctx.world, cmdlet, &args.required("Identity")?)?;
    let name = ctx.world.federation_trusts[idx].name.clone();
    let org = &ctx.world.organization_identifier;
    let linked = org
        .delegation_trust_link
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case(&name));
    // RemoveFederationTrust refuses while any FederatedOrganizationId links the trust, with
    // or without domains: removing the account namespace (Remove-FederatedDomain) unlinks it.
    if linked {
        return Err(errors::invalid_operation(
            cmdlet,
            "OrgsStillUsingThisTrustException",
            format!("The federation trust \"{name}\" can't be removed because the following organizations still use it: CN=Federation,CN=Federation,CN={},CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com\n. Remove the account namespace with Remove-FederatedDomain first.", ctx.world.organization),
        ));
    }
    ctx.world.federation_trusts.remove(idx);
    Ok(Vec::new())
}

fn proof_row(
    world: &World,
    cmdlet: &str,
    domain: &str,
    slot: &str,
    tp: &str,
) -> Result<Value, ShellError> {
    let cert = world.certificate(tp).ok_or_else(|| {
        errors::invalid_argument(cmdlet, "ErrorCertificateNotFound", format!("The certificate with thumbprint {tp} was not found in the local computer's certificate store (LocalMachine\\My)."))
    })?;
    let key = cert.private_key_pem.as_deref().ok_or_else(|| {
        errors::task(cmdlet, "NotSpecified", "CryptographicException", format!("The private key of the certificate with thumbprint {tp} can't be read on this server."))
    })?;
    let proof = crypto::domain_proof(key, domain).map_err(|e| {
        errors::task(
            cmdlet,
            "NotSpecified",
            "CryptographicException",
            e.to_string(),
        )
    })?;
    let domain = domain.trim().to_owned();
    Ok(json!({
        "DomainName": domain,
        "Name": slot,
        "Thumbprint": cert.thumbprint,
        "Proof": proof,
        "DnsRecord": format!("{domain} TXT IN {proof}"),
    }))
}

pub fn get_federated_domain_proof(
    ctx: &mut Ctx<'_>,
    args: &Args,
) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let domain = args.required("DomainName")?;
    if let Some(tp) = args.string("Thumbprint") {
        return Ok(vec![proof_row(
            ctx.world,
            cmdlet,
            &domain,
            "",
            &unify_thumbprint(&tp),
        )?]);
    }
    let trust = match ctx.world.federation_trusts.as_slice() {
        [] => return Err(errors::invalid_operation(cmdlet, "NoTrustConfiguredException", "No Federation trust is configured for this organization or no domain is federated as the account namespace.")),
        [one] => one,
        _ => return Err(errors::invalid_operation(cmdlet, "TooManyFederationTrust", "More than one federation trust was found. Specify the certificate with -Thumbprint.")),
    };
    let slots = [
        ("OrgNextPrivCertificate", &trust.org_next_priv_certificate),
        ("OrgPrivCertificate", &trust.org_priv_certificate),
        ("OrgPrevPrivCertificate", &trust.org_prev_priv_certificate),
    ];
    slots
        .iter()
        .filter_map(|(slot, tp)| tp.as_ref().map(|tp| (slot, tp)))
        .map(|(slot, tp)| proof_row(ctx.world, cmdlet, &domain, slot, tp))
        .collect()
}

/// The proofs the broker accepts for a domain: those of the trust's current and next
/// certificates (the next one so that a rollover can be prepared).
pub(crate) fn expected_proofs(world: &World, domain: &str) -> Vec<String> {
    let Some(trust) = world.trust() else {
        return Vec::new();
    };
    [
        &trust.org_priv_certificate,
        &trust.org_next_priv_certificate,
    ]
    .into_iter()
    .flatten()
    .filter_map(|tp| world.certificate(tp))
    .filter_map(|c| c.private_key_pem.as_deref())
    .filter_map(|key| crypto::domain_proof(key, domain).ok())
    .collect()
}
