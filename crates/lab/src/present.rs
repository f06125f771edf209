//! The lab's output as a remote Exchange 2013 session delivers it.
//!
//! The cmdlets in [`crate::cmdlets`] build their output as the lab's own JSON; this module
//! turns each object into the CLIXML value a remote session hands the host
//! ([`fedshare_model::clixml`]), so the engine reads the lab through the same reader as a real
//! server. What it reproduces (evidence: `shared/reference/clixml/`, PowerShell's
//! `serialization.cs`, decompiled Exchange 2013 classes):
//!
//! - type names are Exchange's .NET names with the `Deserialized.` prefix a remote session adds;
//! - an enum is an `<Obj>` with the enum's type names, its name as `ToString` and its number;
//!   a flags enum (`Services`) has the names joined by `", "` in ascending value order;
//! - a nested certificate (`OrgCertificate`, `TokenIssuerCertificate`, ...) and each federated
//!   domain are only their `ToString()` text (past the serialization depth), a federated
//!   domain `contoso.com=Active` with `-IncludeExtendedDomainInfo` and `contoso.com` without;
//! - other nested objects (identities, domain names, time spans) are their text as well;
//! - dates are `<DT>`, URLs `<URI>`, multi-valued properties an `<Obj>` with `<LST>`, missing
//!   values `<Nil>`; every top-level object carries the notes `PSComputerName`, `RunspaceId`
//!   and `PSShowComputerName`.
//!
//! The DnsServer cmdlets run on the admin workstation, not in the remote session: their objects
//! are local CIM instances, with no `Deserialized.` prefix and no remoting notes.

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::ParamValue;
use fedshare_model::clixml::{self, PsObject, PsValue};
use serde_json::Value;

use crate::cmdlets::Outcome;
use crate::live::LiveWorld;

/// Where the objects come from: the notes remoting adds to each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `PSComputerName`: the Exchange server the remote session runs on.
    pub computer_name: String,
    /// `RunspaceId`: the remote runspace, one per session.
    pub runspace_id: String,
}

impl Session {
    /// A session on `computer_name` with a runspace id derived from it (stable per server, so
    /// test output is reproducible).
    pub fn on(computer_name: &str) -> Self {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(computer_name.as_bytes());
        let hex = crate::crypto::hex_upper(&digest[..16]).to_ascii_lowercase();
        Self {
            computer_name: computer_name.to_owned(),
            runspace_id: format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..32]
            ),
        }
    }
}

/// The CLIXML documents a host sends for one cmdlet run: one per output object.
pub fn documents(cmdlet: &str, params: &[(String, ParamValue)], outcome: &Outcome) -> Vec<String> {
    let session = Session::on(&outcome.computer_name);
    present(cmdlet, params, &outcome.output, &session)
        .iter()
        .map(|v| clixml::write(std::slice::from_ref(v)))
        .collect()
}

/// What the engine reads from one cmdlet run: the documents of [`documents`] through the
/// production reader ([`fedshare_model::exchange_output::read_documents`]). A document the
/// reader refuses is a lab defect, reported as the host would report any failure.
pub fn delivered(
    cmdlet: &str,
    params: &[(String, ParamValue)],
    outcome: &Outcome,
) -> Result<Vec<Value>, ShellError> {
    fedshare_model::exchange_output::read_documents(&documents(cmdlet, params, outcome))
        .map_err(|e| crate::host::host_error("ClixmlException", &e.to_string()))
}

impl LiveWorld {
    /// [`LiveWorld::invoke`], returning the output objects as the engine reads them from the
    /// lab host ([`delivered`]): for in-process callers that stand in for the host.
    pub fn invoke_delivered(
        &self,
        cmdlet: &str,
        params: &[(String, ParamValue)],
    ) -> Result<Vec<Value>, ShellError> {
        let outcome = self.invoke(cmdlet, params)?;
        delivered(cmdlet, params, &outcome)
    }
}

/// Each output object of `cmdlet` as the value a remote session delivers.
pub fn present(
    cmdlet: &str,
    params: &[(String, ParamValue)],
    output: &[Value],
    session: &Session,
) -> Vec<PsValue> {
    let shape = shape(cmdlet);
    let extended = params.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("IncludeExtendedDomainInfo")
            && matches!(v, ParamValue::Switch(true) | ParamValue::Bool(true))
    });
    let ctx = Ctx {
        remote: shape.remote,
        extended,
    };
    output
        .iter()
        .map(|value| match value {
            Value::Object(_) => top_level(&shape, value, &ctx, session),
            other => scalar(other),
        })
        .collect()
}

struct Ctx {
    remote: bool,
    extended: bool,
}

/// How one cmdlet's objects are typed.
struct Shape {
    /// .NET type names, most derived first, without the `Deserialized.` prefix.
    types: &'static [&'static str],
    /// The property whose value is the object's `ToString()`; `None` for a certificate, whose
    /// `ToString()` is its text form.
    to_string: Option<&'static str>,
    /// False for the workstation's local cmdlets (DnsServer).
    remote: bool,
}

/// The base classes of an Exchange configuration object in Active Directory
/// (Get-AcceptedDomain.xml).
macro_rules! ad_config {
    ($($t:literal),*) => {
        &[
            $($t,)*
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
            "Microsoft.Exchange.Data.Directory.ADObject",
            "Microsoft.Exchange.Data.Directory.ADRawEntry",
            "Microsoft.Exchange.Data.ConfigurableObject",
            "System.Object",
        ]
    };
}

fn shape(cmdlet: &str) -> Shape {
    let remote = |types, to_string| Shape {
        types,
        to_string,
        remote: true,
    };
    let (verb, noun) = cmdlet.split_once('-').unwrap_or(("", cmdlet));
    if verb == "Test" {
        return test_shape(cmdlet);
    }
    match noun {
        "AcceptedDomain" => remote(
            ad_config!("Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain"),
            Some("Name"),
        ),
        "FederationTrust" => remote(
            ad_config!("Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust"),
            Some("Name"),
        ),
        // Get-FederatedOrganizationIdentifier returns the presentation object
        // FederatedOrganizationIdWithDomainStatus (X-code, Microsoft.Exchange.Data.Directory.Management).
        "FederatedOrganizationIdentifier" => remote(
            &[
                "Microsoft.Exchange.Data.Directory.Management.FederatedOrganizationIdWithDomainStatus",
                "Microsoft.Exchange.Data.Directory.ADPresentationObject",
                "Microsoft.Exchange.Data.Directory.ADObject",
                "Microsoft.Exchange.Data.Directory.ADRawEntry",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
            Some("Name"),
        ),
        "OrganizationRelationship" => remote(
            ad_config!("Microsoft.Exchange.Data.Directory.SystemConfiguration.OrganizationRelationship"),
            Some("Name"),
        ),
        "SharingPolicy" => remote(
            ad_config!("Microsoft.Exchange.Data.Directory.SystemConfiguration.SharingPolicy"),
            Some("Name"),
        ),
        // The documented class of Get-Mailbox's output; its base classes as in Exchange 2013.
        "Mailbox" => remote(
            &[
                "Microsoft.Exchange.Data.Directory.Management.Mailbox",
                "Microsoft.Exchange.Data.Directory.Management.MailEnabledOrgPerson",
                "Microsoft.Exchange.Data.Directory.Management.MailEnabledRecipient",
                "Microsoft.Exchange.Data.Directory.ADPresentationObject",
                "Microsoft.Exchange.Data.Directory.ADObject",
                "Microsoft.Exchange.Data.Directory.ADRawEntry",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
            Some("Name"),
        ),
        // Get-ExchangeServer.xml.
        "ExchangeServer" => remote(
            &[
                "Microsoft.Exchange.Data.Directory.Management.ExchangeServer",
                "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
                "Microsoft.Exchange.Data.Directory.ADObject",
                "Microsoft.Exchange.Data.Directory.ADRawEntry",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
            Some("Name"),
        ),
        "WebServicesVirtualDirectory" => remote(vdir_types(0), Some("Identity")),
        "AutodiscoverVirtualDirectory" => remote(vdir_types(1), Some("Identity")),
        // Get-ExchangeCertificate.xml.
        "ExchangeCertificate" => remote(
            &[
                "Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate",
                "System.Security.Cryptography.X509Certificates.X509Certificate2",
                "System.Security.Cryptography.X509Certificates.X509Certificate",
                "System.Object",
            ],
            None,
        ),
        "FederationInformation" => remote(
            &[
                "Microsoft.Exchange.Management.SystemConfigurationTasks.FederationInformation",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
            Some("DomainName"),
        ),
        // Not in the captured evidence: the class name is Exchange's documented task noun.
        "FederatedDomainProof" => remote(
            &[
                "Microsoft.Exchange.Management.SystemConfigurationTasks.FederatedDomainProof",
                "System.Object",
            ],
            Some("DomainName"),
        ),
        "DnsServerResourceRecord" => Shape {
            types: &[
                "Microsoft.Management.Infrastructure.CimInstance#root/Microsoft/Windows/DNS/DnsServerResourceRecord",
                "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/DNS/DnsServerResourceRecord",
                "Microsoft.Management.Infrastructure.CimInstance",
                "System.Object",
            ],
            to_string: None,
            remote: false,
        },
        _ => test_shape(cmdlet),
    }
}

fn test_shape(cmdlet: &str) -> Shape {
    // Not in the captured evidence: the result classes of the Test-* tasks as Exchange 2013
    // names them (TestFederationTrust's ResultEvent, Test-FederationTrustCertificate's
    // FederationTrustCertificateState, Test-OrganizationRelationship's result).
    let types: &'static [&'static str] = match cmdlet {
        "Test-FederationTrust" => &[
            "Microsoft.Exchange.Management.SystemConfigurationTasks.ResultEvent",
            "System.Object",
        ],
        "Test-FederationTrustCertificate" => &[
            "Microsoft.Exchange.Management.SystemConfigurationTasks.FederationTrustCertificateState",
            "System.Object",
        ],
        "Test-OrganizationRelationship" => &[
            "Microsoft.Exchange.Management.SystemConfigurationTasks.TestOrganizationRelationshipResult",
            "System.Object",
        ],
        _ => &["System.Management.Automation.PSCustomObject", "System.Object"],
    };
    Shape {
        types,
        to_string: None,
        remote: true,
    }
}

/// Get-WebServicesVirtualDirectory.xml's type names; the Autodiscover directory's class sits
/// on the same base classes.
fn vdir_types(which: usize) -> &'static [&'static str] {
    const EWS: &[&str] = &[
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADWebServicesVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADExchangeServiceVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ExchangeVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
        "Microsoft.Exchange.Data.Directory.ADObject",
        "Microsoft.Exchange.Data.Directory.ADRawEntry",
        "Microsoft.Exchange.Data.ConfigurableObject",
        "System.Object",
    ];
    const AUTODISCOVER: &[&str] = &[
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADAutodiscoverVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADExchangeServiceVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ExchangeVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADVirtualDirectory",
        "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
        "Microsoft.Exchange.Data.Directory.ADObject",
        "Microsoft.Exchange.Data.Directory.ADRawEntry",
        "Microsoft.Exchange.Data.ConfigurableObject",
        "System.Object",
    ];
    if which == 0 {
        EWS
    } else {
        AUTODISCOVER
    }
}

/// An Exchange enum: its .NET type and its members' numbers.
struct EnumType {
    name: &'static str,
    values: &'static [(&'static str, i64)],
    flags: bool,
}

/// AcceptedDomainType (X-code): Authoritative = 0, ExternalRelay = 1, InternalRelay = 2.
const ACCEPTED_DOMAIN_TYPE: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomainType",
    values: &[
        ("Authoritative", 0),
        ("ExternalRelay", 1),
        ("InternalRelay", 2),
    ],
    flags: false,
};
/// FreeBusyAccessLevel (X-code, declaration order): None, AvailabilityOnly, LimitedDetails.
const FREE_BUSY_ACCESS_LEVEL: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.FreeBusyAccessLevel",
    values: &[("None", 0), ("AvailabilityOnly", 1), ("LimitedDetails", 2)],
    flags: false,
};
/// MailTipsAccessLevel: None, Limited, All.
const MAIL_TIPS_ACCESS_LEVEL: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.MailTipsAccessLevel",
    values: &[("None", 0), ("Limited", 1), ("All", 2)],
    flags: false,
};
/// FederationTrust.PartnerSTSType (X-code FederationTrust): LiveId only.
const PARTNER_STS_TYPE: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+PartnerSTSType",
    values: &[("LiveId", 0)],
    flags: false,
};
/// FederationTrust.NamespaceProvisionerType (X-code FederationTrust).
const NAMESPACE_PROVISIONER: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.FederationTrust+NamespaceProvisionerType",
    values: &[
        ("LiveDomainServices", 0),
        ("LiveDomainServices2", 1),
        ("ExternalProcess", 2),
    ],
    flags: false,
};
/// AllowedServices (X-code, [Flags]).
const ALLOWED_SERVICES: EnumType = EnumType {
    name: "Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices",
    values: &[
        ("None", 0),
        ("IMAP", 1),
        ("POP", 2),
        ("UM", 4),
        ("IIS", 8),
        ("SMTP", 16),
        ("Federation", 32),
        ("UMCallRouter", 64),
    ],
    flags: true,
};
/// AuthenticationMethod (Get-WebServicesVirtualDirectory.xml: Ntlm = 2, WindowsIntegrated = 4,
/// WSSecurity = 7; the rest from the class).
const AUTHENTICATION_METHOD: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.AuthenticationMethod",
    values: &[
        ("Basic", 0),
        ("Digest", 1),
        ("Ntlm", 2),
        ("Fba", 3),
        ("WindowsIntegrated", 4),
        ("LiveIdFba", 5),
        ("LiveIdBasic", 6),
        ("WSSecurity", 7),
        ("Certificate", 8),
        ("NegoEx", 9),
        ("OAuth", 10),
        ("Adfs", 11),
        ("Kerberos", 12),
        ("Negotiate", 13),
        ("LiveIdNegotiate", 14),
    ],
    flags: false,
};
/// ObjectState (Get-WebServicesVirtualDirectory.xml: Changed = 2).
const OBJECT_STATE: EnumType = EnumType {
    name: "Microsoft.Exchange.Data.ObjectState",
    values: &[("New", 0), ("Unchanged", 1), ("Changed", 2), ("Deleted", 3)],
    flags: false,
};

/// How a property's lab JSON becomes its delivered value.
enum Kind {
    Enum(&'static EnumType),
    /// A `MultiValuedProperty` of an enum.
    EnumList(&'static EnumType),
    Uri,
    Date,
    /// An `X509Certificate2` past the serialization depth: its `ToString()` text.
    Certificate,
    /// `MultiValuedProperty<FederatedDomain>`: each item's `ToString()`.
    FederatedDomains,
    /// `MultiValuedProperty<T>` of complex items, each its text (`SmtpDomain`,
    /// `SharingPolicyDomain`, `Uri`).
    TextList(&'static str),
    /// The certificate's DER (`RawData`), from the lab's PEM.
    RawData,
}

fn kind(name: &str) -> Option<Kind> {
    Some(match name {
        "DomainType" => Kind::Enum(&ACCEPTED_DOMAIN_TYPE),
        "FreeBusyAccessLevel" => Kind::Enum(&FREE_BUSY_ACCESS_LEVEL),
        "MailTipsAccessLevel" => Kind::Enum(&MAIL_TIPS_ACCESS_LEVEL),
        "TokenIssuerType" => Kind::Enum(&PARTNER_STS_TYPE),
        "NamespaceProvisioner" => Kind::Enum(&NAMESPACE_PROVISIONER),
        "Services" => Kind::Enum(&ALLOWED_SERVICES),
        "ObjectState" => Kind::Enum(&OBJECT_STATE),
        "InternalAuthenticationMethods" | "ExternalAuthenticationMethods" => {
            Kind::EnumList(&AUTHENTICATION_METHOD)
        }
        "ApplicationUri"
        | "TokenIssuerUri"
        | "TokenIssuerEpr"
        | "TokenIssuerMetadataEpr"
        | "MetadataEpr"
        | "MetadataPutEpr"
        | "WebRequestorRedirectEpr"
        | "InternalUrl"
        | "ExternalUrl"
        | "TargetApplicationUri"
        | "TargetAutodiscoverEpr"
        | "TargetSharingEpr"
        | "TargetOwaURL" => Kind::Uri,
        "NotBefore" | "NotAfter" | "WhenChanged" | "WhenCreated" => Kind::Date,
        "OrgCertificate"
        | "OrgNextCertificate"
        | "OrgPrevCertificate"
        | "TokenIssuerCertificate"
        | "TokenIssuerPrevCertificate" => Kind::Certificate,
        "Domains" => Kind::FederatedDomains,
        "DomainNames" => Kind::TextList("Microsoft.Exchange.Data.SmtpDomain"),
        "TokenIssuerUris" => Kind::TextList("System.Uri"),
        "CertificateDomains" => Kind::TextList("Microsoft.Exchange.Data.SmtpDomainWithSubdomains"),
        "RawData" => Kind::RawData,
        _ => return None,
    })
}

fn top_level(shape: &Shape, value: &Value, ctx: &Ctx, session: &Session) -> PsValue {
    let Value::Object(map) = value else {
        return scalar(value);
    };
    let mut properties: Vec<(String, PsValue)> = Vec::new();
    for (name, v) in map {
        let kind = if name == "Domains" && shape.types[0].ends_with(".SharingPolicy") {
            Some(Kind::TextList(
                "Microsoft.Exchange.Data.Directory.SystemConfiguration.SharingPolicyDomain",
            ))
        } else {
            kind(name)
        };
        properties.push((name.clone(), property(kind, v, ctx)));
    }
    let to_string = match shape.to_string {
        Some(p) => map.get(p).and_then(Value::as_str).map(str::to_owned),
        None if shape.types[0].ends_with(".ExchangeCertificate") => certificate_text(value),
        None => None,
    };
    if ctx.remote {
        properties.push((
            "PSComputerName".into(),
            PsValue::String(session.computer_name.clone()),
        ));
        properties.push((
            "RunspaceId".into(),
            PsValue::Guid(session.runspace_id.clone()),
        ));
        properties.push(("PSShowComputerName".into(), PsValue::Bool(false)));
    }
    PsValue::Object(PsObject {
        type_names: type_names(shape.types, ctx.remote),
        to_string,
        properties,
        ..PsObject::default()
    })
}

fn type_names(types: &[&str], remote: bool) -> Vec<String> {
    types
        .iter()
        .map(|t| {
            if remote {
                format!("Deserialized.{t}")
            } else {
                (*t).to_owned()
            }
        })
        .collect()
}

fn property(kind: Option<Kind>, value: &Value, ctx: &Ctx) -> PsValue {
    if value.is_null() {
        return PsValue::Null;
    }
    match kind {
        Some(Kind::Enum(e)) => enum_value(e, value, ctx),
        Some(Kind::EnumList(e)) => list(
            &format!("Microsoft.Exchange.Data.Directory.ADMultiValuedProperty`1[[{}]]", e.name),
            items(value).map(|v| enum_value(e, v, ctx)).collect(),
            ctx,
        ),
        Some(Kind::Uri) => text(value).map_or(PsValue::Null, PsValue::Uri),
        Some(Kind::Date) => text(value)
            .and_then(|t| clixml_date(&t))
            .map_or(PsValue::Null, PsValue::DateTime),
        Some(Kind::Certificate) => certificate_text(value).map_or(PsValue::Null, PsValue::String),
        Some(Kind::FederatedDomains) => list(
            "Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.Directory.SystemConfiguration.FederatedDomain]]",
            items(value).map(|d| PsValue::String(federated_domain(d, ctx.extended))).collect(),
            ctx,
        ),
        Some(Kind::TextList(item)) => list(
            &format!("Microsoft.Exchange.Data.MultiValuedProperty`1[[{item}]]"),
            items(value).map(|v| text(v).map_or(PsValue::Null, PsValue::String)).collect(),
            ctx,
        ),
        Some(Kind::RawData) => text(value)
            .and_then(|pem| pem_der(&pem))
            .map_or(PsValue::Null, PsValue::Bytes),
        None => nested(value, ctx),
    }
}

/// A value without a declared kind, by its JSON type: strings (also identities and other
/// complex values the lab keeps as text), booleans, numbers, lists of strings.
fn nested(value: &Value, ctx: &Ctx) -> PsValue {
    match value {
        Value::Array(_) => list(
            "Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String]]",
            items(value).map(|v| nested(v, ctx)).collect(),
            ctx,
        ),
        Value::Object(_) => PsValue::String(value.to_string()),
        other => scalar(other),
    }
}

fn scalar(value: &Value) -> PsValue {
    match value {
        Value::Null => PsValue::Null,
        Value::Bool(b) => PsValue::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(PsValue::Int)
            .or_else(|| n.as_u64().map(PsValue::UInt))
            .or_else(|| n.as_f64().map(PsValue::Double))
            .unwrap_or(PsValue::Null),
        Value::String(s) => PsValue::String(s.clone()),
        other => PsValue::String(other.to_string()),
    }
}

fn items(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// A `MultiValuedProperty` as a deserialized collection: its type names and its items.
fn list(type_name: &str, items: Vec<PsValue>, ctx: &Ctx) -> PsValue {
    let types = [
        type_name,
        "Microsoft.Exchange.Data.MultiValuedPropertyBase",
        "System.Object",
    ];
    PsValue::Object(PsObject {
        type_names: type_names(&types, ctx.remote),
        items: Some(items),
        ..PsObject::default()
    })
}

/// An enum member as PowerShell serializes it: type names down to `System.Object`, its name,
/// its number. A flags value names its members in ascending order, as .NET's `ToString` does.
fn enum_value(e: &EnumType, value: &Value, ctx: &Ctx) -> PsValue {
    let name = value.as_str().unwrap_or_default();
    let (to_string, number) = if e.flags {
        flags(e, name)
    } else {
        let found = e.values.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map_or((name.to_owned(), 0), |(n, v)| ((*n).to_owned(), *v))
    };
    let types = [e.name, "System.Enum", "System.ValueType", "System.Object"];
    PsValue::Object(PsObject {
        type_names: type_names(&types, ctx.remote),
        to_string: Some(to_string),
        base: Some(Box::new(PsValue::Int(number))),
        ..PsObject::default()
    })
}

fn flags(e: &EnumType, text: &str) -> (String, i64) {
    let wanted: Vec<&str> = text.split(',').map(str::trim).collect();
    let number: i64 = e
        .values
        .iter()
        .filter(|(n, _)| wanted.iter().any(|w| w.eq_ignore_ascii_case(n)))
        .map(|(_, v)| v)
        .sum();
    let names: Vec<&str> = e
        .values
        .iter()
        .filter(|(_, v)| *v != 0 && number & v == *v)
        .map(|(n, _)| *n)
        .collect();
    if names.is_empty() {
        ("None".to_owned(), 0)
    } else {
        (names.join(", "), number)
    }
}

/// The DER bytes of a PEM certificate.
fn pem_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
}

/// `FederatedDomain.ToString()`: `Domain + "=" + State` when the state was asked for
/// (X-code FederatedDomain), the bare domain otherwise.
fn federated_domain(value: &Value, extended: bool) -> String {
    let domain = value
        .get("Domain")
        .and_then(Value::as_str)
        .or_else(|| value.as_str())
        .unwrap_or_default();
    match value.get("State").and_then(Value::as_str) {
        Some(state) if extended => format!("{domain}={state}"),
        _ => domain.to_owned(),
    }
}

/// `X509Certificate2.ToString()` of a certificate the lab describes; `None` when the lab
/// knows only its thumbprint (a certificate that left the store has no object to show).
fn certificate_text(value: &Value) -> Option<String> {
    let field = |n: &str| value.get(n).and_then(Value::as_str).unwrap_or_default();
    let (not_before, not_after) = (
        x509_date(field("NotBefore"))?,
        x509_date(field("NotAfter"))?,
    );
    Some(format!(
        "[Subject]\r\n  {}\r\n\r\n[Issuer]\r\n  {}\r\n\r\n[Serial Number]\r\n  {}\r\n\r\n[Not Before]\r\n  {not_before}\r\n\r\n[Not After]\r\n  {not_after}\r\n\r\n[Thumbprint]\r\n  {}\r\n",
        field("Subject"),
        field("Issuer"),
        field("SerialNumber"),
        field("Thumbprint"),
    ))
}

/// A UTC date as PowerShell writes a `<DT>` (`XmlConvert`, round-trip kind): at most seven
/// fractional digits, trailing zeros dropped, `Z`.
fn clixml_date(rfc3339: &str) -> Option<String> {
    let t = crate::timefmt::parse(rfc3339)?.to_offset(time::UtcOffset::UTC);
    let ticks = format!("{:07}", t.nanosecond() / 100);
    let fraction = ticks.trim_end_matches('0');
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{fraction}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        if fraction.is_empty() { "" } else { "." },
    ))
}

/// A date as `X509Certificate2.ToString()` prints it on an en-US server: `M/d/yyyy h:mm:ss tt`
/// (the lab's server runs in UTC).
fn x509_date(rfc3339: &str) -> Option<String> {
    let t = crate::timefmt::parse(rfc3339)?.to_offset(time::UtcOffset::UTC);
    let hour12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let ampm = if t.hour() < 12 { "AM" } else { "PM" };
    Some(format!(
        "{}/{}/{} {}:{:02}:{:02} {ampm}",
        u8::from(t.month()),
        t.day(),
        t.year(),
        hour12,
        t.minute(),
        t.second()
    ))
}

#[cfg(test)]
mod tests;
