//! `New-ExchangeCertificate` (self-signed, real RSA key) and `Get-ExchangeCertificate`.

use fedshare_exchange::protocol::ShellError;
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::params::Args;
use super::{errors, parse_time, rfc3339, unify_thumbprint, Ctx};
use crate::crypto::{self, CertRequest};
use crate::views;
use crate::world::{StoredCertificate, World};

/// Self-signed certificates from `New-ExchangeCertificate` are valid for five years.
const VALIDITY_DAYS: i64 = 5 * 365;

pub(crate) fn certificate_output(
    world: &World,
    cert: &StoredCertificate,
    now: OffsetDateTime,
) -> Value {
    let cert = views::effective_certificate(world, cert, now);
    let expired = parse_time(&cert.not_after).is_some_and(|t| t < now);
    json!({
        "Identity": format!("{}\\{}", world.server_fqdn, cert.thumbprint),
        "Thumbprint": cert.thumbprint,
        "Services": if cert.services.is_empty() { "None".to_owned() } else { cert.services.join(", ") },
        "Subject": cert.subject,
        "Issuer": cert.issuer,
        "FriendlyName": cert.friendly_name,
        "CertificateDomains": cert.certificate_domains,
        "HasPrivateKey": cert.has_private_key,
        "IsSelfSigned": cert.is_self_signed,
        "NotBefore": cert.not_before,
        "NotAfter": cert.not_after,
        "PublicKeySize": cert.public_key_size,
        "SerialNumber": cert.serial_number,
        "RootCAType": if cert.is_self_signed { "None" } else { "Enterprise" },
        "Status": if expired { "DateInvalid" } else { "Valid" },
        "PrivateKeyExportable": cert.private_key_exportable,
        "SubjectKeyIdentifier": cert.subject_key_identifier,
        "KeyIdentifier": cert.subject_key_identifier,
        "EnhancedKeyUsageList": ["Server Authentication (1.3.6.1.5.5.7.3.1)", "Client Authentication (1.3.6.1.5.5.7.3.2)"],
        "RawData": cert.certificate_pem,
    })
}

pub fn get_exchange_certificate(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    if args.has("Identity") && (args.has("Thumbprint") || args.has("Server")) {
        return Err(errors::parameter_set(args.cmdlet));
    }
    // Identity is "ServerFQDN\Thumbprint" or a bare thumbprint.
    let wanted = args
        .string("Thumbprint")
        .or_else(|| {
            args.string("Identity")
                .map(|i| i.rsplit('\\').next().unwrap_or_default().to_owned())
        })
        .map(|t| unify_thumbprint(&t));
    let domain_filter = args.list("DomainName");
    let out: Vec<Value> = ctx
        .world
        .certificates
        .iter()
        .filter(|c| {
            wanted
                .as_deref()
                .is_none_or(|t| c.thumbprint.eq_ignore_ascii_case(t))
        })
        .filter(|c| {
            domain_filter.as_ref().is_none_or(|names| {
                names.iter().any(|n| {
                    c.certificate_domains
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(n))
                })
            })
        })
        .map(|c| certificate_output(ctx.world, c, ctx.now))
        .collect();
    match wanted {
        Some(t) if out.is_empty() => Err(errors::not_found(args.cmdlet, &t)),
        _ => Ok(out),
    }
}

fn services(args: &Args) -> Vec<String> {
    let raw = args.string("Services").unwrap_or_else(|| "SMTP".into());
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("None"))
        .map(str::to_owned)
        .collect()
}

pub fn new_exchange_certificate(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    if args.switch("GenerateRequest") {
        return Err(errors::invalid_operation(
            cmdlet,
            "NotSupportedException",
            "The lab organization issues only self-signed certificates; -GenerateRequest is not available.",
        ));
    }
    let bits = args.int("KeySize").unwrap_or(2048);
    if ![2048, 4096].contains(&bits) {
        return Err(errors::invalid_argument(
            cmdlet,
            "ArgumentException",
            format!("The lab organization creates 2048- or 4096-bit keys; key size {bits} is not available."),
        ));
    }
    let ski = match args.string("SubjectKeyIdentifier") {
        Some(text) => Some(crypto::parse_hex(&text).ok_or_else(|| {
            errors::invalid_argument(
                cmdlet,
                "ArgumentException",
                format!("The subject key identifier '{text}' is not a hexadecimal string."),
            )
        })?),
        None => None,
    };
    let domains = args.list("DomainName").unwrap_or_default();
    let subject = args.string("SubjectName").unwrap_or_else(|| {
        format!(
            "CN={}",
            domains
                .first()
                .cloned()
                .unwrap_or_else(|| ctx.world.server.clone())
        )
    });
    let cn = subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .unwrap_or(&ctx.world.server)
        .to_owned();
    let key_pem = ctx
        .keys
        .rsa_private_key_pem(bits as usize)
        .map_err(crypto_error(cmdlet))?;
    // Dated by the lab's clock, so a certificate made after `lab clock` moved it is fresh.
    let issued_at = views::lab_now(ctx.world, ctx.now);
    let not_after = issued_at + time::Duration::days(VALIDITY_DAYS);
    let issued = crypto::self_signed(&CertRequest {
        key_pem: &key_pem,
        subject_cn: &cn,
        dns_names: &domains,
        subject_key_identifier: ski.clone(),
        not_before: issued_at - time::Duration::minutes(10),
        not_after,
    })
    .map_err(crypto_error(cmdlet))?;
    let cert = StoredCertificate {
        thumbprint: issued.thumbprint,
        subject: subject.clone(),
        issuer: subject,
        friendly_name: args
            .string("FriendlyName")
            .unwrap_or_else(|| "Microsoft Exchange".into()),
        certificate_domains: domains,
        not_before: rfc3339(issued_at - time::Duration::minutes(10)),
        not_after: rfc3339(not_after),
        services: services(args),
        private_key_exportable: args.bool("PrivateKeyExportable").unwrap_or(false),
        has_private_key: true,
        subject_key_identifier: ski.map(|b| crypto::hex_upper(&b)),
        key_algorithm: "RSA".into(),
        key_provider: "CAPI".into(),
        public_key_size: bits as usize,
        serial_number: issued.serial_number,
        is_self_signed: true,
        private_key_pem: Some(key_pem),
        certificate_pem: Some(issued.pem),
    };
    let out = certificate_output(ctx.world, &cert, ctx.now);
    ctx.world.certificates.push(cert);
    Ok(vec![out])
}

fn crypto_error(cmdlet: &'static str) -> impl Fn(crate::error::LabError) -> ShellError {
    move |e| {
        errors::task(
            cmdlet,
            "NotSpecified",
            "CryptographicException",
            e.to_string(),
        )
    }
}
