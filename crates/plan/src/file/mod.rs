//! The plan file: the desired configuration in TOML, kept in version control and edited by the
//! wizard. Parsing keeps toml's spans so every error names file, line and column.

use std::ops::Range;
use std::path::Path;

use fedshare_model::FreeBusyAccessLevel;
use serde::{Deserialize, Serialize};
use toml::Spanned;
use ts_rs::TS;

use crate::entries::{parse_entries, SharingEntry};
use crate::error::{FilePosition, PlanError};

/// The validated desired state.
#[derive(Debug, Clone, PartialEq)]
pub struct SharingPlan {
    pub trust: TrustSpec,
    /// The primary shared domain: becomes the account namespace (OrgID).
    pub primary_domain: String,
    /// Further federated domains (`Add-FederatedDomain`), in file order.
    pub additional_domains: Vec<String>,
    pub relationships: Vec<RelationshipSpec>,
    pub policies: Vec<PolicySpec>,
    pub autodiscover: Vec<AutodiscoverSpec>,
    pub dns: DnsMode,
    /// Host names `Get-FederationInformation` may trust although they are not the partner's
    /// own (`-TrustedHostnames`): a partner reached through an unsecured HTTP redirect or a
    /// certificate naming another host. Without them Exchange asks for confirmation, which a
    /// non-interactive session cannot give.
    pub trusted_hostnames: Vec<String>,
}

/// Exchange's own "Autodiscover trusted hosters" (the `serviceBindingInformation` of the
/// `Microsoft Exchange Online` SCP): Exchange Online's hosts.
pub const DEFAULT_TRUSTED_HOSTNAMES: &[&str] = &["*.outlook.com"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSpec {
    pub name: String,
    pub certificate: CertificateSpec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateSpec {
    /// Create a self-signed federation certificate (§3.1).
    New,
    /// Use a certificate already in `LocalMachine\My` (spaces removed, upper-case).
    Thumbprint(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipSpec {
    pub name: String,
    pub domains: Vec<String>,
    pub free_busy_enabled: bool,
    pub access_level: FreeBusyAccessLevel,
    pub scope_group: Option<String>,
    pub enabled: bool,
    /// Absent: taken from partner discovery (GetFederationInformation).
    pub target_application_uri: Option<String>,
    pub target_autodiscover_epr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    pub name: String,
    pub entries: Vec<SharingEntry>,
    /// True: make it the organization default. False: leave the default as it is.
    pub default: bool,
    pub enabled: bool,
    pub mailboxes: MailboxSelection,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailboxSelection {
    /// Assign to no mailbox (the default when the key is absent).
    None,
    All,
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutodiscoverSpec {
    /// The domain whose `autodiscover.<domain>` CNAME is managed.
    pub domain: String,
    /// The Internet-facing Client Access host.
    pub target: String,
}

impl AutodiscoverSpec {
    pub fn record_name(&self) -> String {
        format!("autodiscover.{}", self.domain)
    }
}

/// The zone among `zones` that holds `name`: the longest one it equals or lies below.
pub fn zone_of<'a>(zones: &'a [String], name: &str) -> Option<&'a str> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    zones
        .iter()
        .filter(|z| name == **z || name.ends_with(&format!(".{z}")))
        .max_by_key(|z| z.len())
        .map(String::as_str)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsMode {
    /// Fedshare shows the records and waits until they resolve; the administrator creates them.
    Manual,
    /// Fedshare publishes them with TSIG-signed RFC 2136 updates (the secret is in the keychain).
    Rfc2136 { server: String, key_name: String },
    /// Fedshare publishes them in Windows DNS Server with the DnsServer cmdlets, through the
    /// same PowerShell host as Exchange's, in these zones only (every record lies in one).
    Windows {
        /// The DNS server to change (`-ComputerName`); the host's own computer when `None`.
        server: Option<String>,
        zones: Vec<String>,
    },
    /// DNS is managed elsewhere: no DNS steps, no waiting.
    None,
}

// ---- the file form (spans kept for errors) ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    trust: RawTrust,
    domains: RawDomains,
    #[serde(default)]
    relationship: Vec<RawRelationship>,
    #[serde(default)]
    policy: Vec<RawPolicy>,
    #[serde(default)]
    autodiscover: Vec<RawAutodiscover>,
    dns: Option<RawDns>,
    partners: Option<RawPartners>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartners {
    trusted_hostnames: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrust {
    name: Spanned<String>,
    certificate: Spanned<RawCertificate>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawCertificate {
    Keyword(String),
    Thumbprint { thumbprint: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomains {
    primary: Spanned<String>,
    #[serde(default)]
    additional: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelationship {
    name: Spanned<String>,
    domains: Spanned<Vec<Spanned<String>>>,
    #[serde(default = "yes")]
    free_busy_enabled: bool,
    access_level: Spanned<String>,
    scope_group: Option<Spanned<String>>,
    #[serde(default = "yes")]
    enabled: bool,
    target_application_uri: Option<Spanned<String>>,
    target_autodiscover_epr: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Spanned<String>,
    entries: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    default: bool,
    #[serde(default = "yes")]
    enabled: bool,
    mailboxes: Option<Spanned<RawMailboxes>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawMailboxes {
    Keyword(String),
    List(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAutodiscover {
    domain: Spanned<String>,
    target: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDns {
    mode: Spanned<String>,
    server: Option<String>,
    key_name: Option<String>,
    zones: Option<Spanned<Vec<Spanned<String>>>>,
}

fn yes() -> bool {
    true
}

/// Turns byte offsets into 1-based line/column (columns count characters, not bytes).
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, offset: usize) -> FilePosition {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        FilePosition {
            file: self.file.to_owned(),
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }

    fn invalid(&self, span: Range<usize>, expected: impl Into<String>) -> PlanError {
        PlanError::Invalid {
            at: self.at(span.start),
            expected: expected.into(),
        }
    }
}

impl SharingPlan {
    pub fn from_file(path: &Path) -> Result<SharingPlan, PlanError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and validates plan text; `file` is only used in error positions.
    pub fn parse(text: &str, file: &str) -> Result<SharingPlan, PlanError> {
        let loc = Locator { file, text };
        let raw: RawPlan = toml::from_str(text).map_err(|e| PlanError::Syntax {
            at: loc.at(e.span().map_or(0, |s| s.start)),
            expected: e.message().trim().to_owned(),
        })?;
        validate(raw, &loc)
    }

    /// Every federated domain, primary first.
    pub fn federated_domains(&self) -> Vec<String> {
        std::iter::once(self.primary_domain.clone())
            .chain(self.additional_domains.iter().cloned())
            .collect()
    }

    /// The owner names of the records the plan publishes: each federated domain's proof TXT
    /// and each Autodiscover CNAME.
    pub fn record_names(&self) -> Vec<String> {
        self.federated_domains()
            .into_iter()
            .chain(self.autodiscover.iter().map(AutodiscoverSpec::record_name))
            .collect()
    }

    /// The file form, for the wizard to save what the administrator edited.
    pub fn to_toml(&self) -> String {
        self.document().to_toml()
    }

    /// The plan in the file's shape, for the wizard's forms.
    pub fn document(&self) -> PlanDocument {
        PlanDocument::from(self)
    }
}

fn validate(raw: RawPlan, loc: &Locator<'_>) -> Result<SharingPlan, PlanError> {
    let trust = validate_trust(&raw.trust, loc)?;
    let primary_domain = domain(&raw.domains.primary, loc)?;
    let mut additional_domains = Vec::new();
    for d in &raw.domains.additional {
        let d_valid = domain(d, loc)?;
        if d_valid == primary_domain || additional_domains.contains(&d_valid) {
            return Err(loc.invalid(
                d.span(),
                format!("`{d_valid}` is listed twice; expected each federated domain once"),
            ));
        }
        additional_domains.push(d_valid);
    }
    let relationships = validate_relationships(&raw.relationship, loc)?;
    let policies = validate_policies(&raw.policy, loc)?;
    let mut autodiscover = Vec::new();
    for a in &raw.autodiscover {
        autodiscover.push(AutodiscoverSpec {
            domain: domain(&a.domain, loc)?,
            target: hostname(&a.target, loc)?,
        });
    }
    let dns = match &raw.dns {
        None => DnsMode::Manual,
        Some(d) => validate_dns(d, loc)?,
    };
    let trusted_hostnames = match raw
        .partners
        .as_ref()
        .and_then(|p| p.trusted_hostnames.as_ref())
    {
        None => DEFAULT_TRUSTED_HOSTNAMES
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
        Some(list) => trusted_hostnames(list, loc)?,
    };
    let plan = SharingPlan {
        trust,
        primary_domain,
        additional_domains,
        relationships,
        policies,
        autodiscover,
        dns,
        trusted_hostnames,
    };
    if let (Some(raw_dns), DnsMode::Windows { zones, .. }) = (&raw.dns, &plan.dns) {
        if let Some(outside) = plan
            .record_names()
            .into_iter()
            .find(|n| zone_of(zones, n).is_none())
        {
            let span = raw_dns
                .zones
                .as_ref()
                .map_or(raw_dns.mode.span(), Spanned::span);
            return Err(loc.invalid(
                span,
                format!(
                    "a zone that holds {outside} (Fedshare writes only to the zones listed here)"
                ),
            ));
        }
    }
    Ok(plan)
}

fn validate_trust(raw: &RawTrust, loc: &Locator<'_>) -> Result<TrustSpec, PlanError> {
    let name = name(&raw.name, loc)?;
    let certificate = match raw.certificate.get_ref() {
        RawCertificate::Keyword(k) if k == "new" => CertificateSpec::New,
        RawCertificate::Keyword(_) => {
            return Err(loc.invalid(
                raw.certificate.span(),
                "expected `\"new\"` or `{ thumbprint = \"...\" }`",
            ))
        }
        RawCertificate::Thumbprint { thumbprint } => match unified_thumbprint(thumbprint) {
            Some(t) => CertificateSpec::Thumbprint(t),
            None => {
                return Err(loc.invalid(
                    raw.certificate.span(),
                    "expected a thumbprint of 40 hexadecimal digits",
                ))
            }
        },
    };
    Ok(TrustSpec { name, certificate })
}

/// A thumbprint as the file stores it: Exchange accepts thumbprints with spaces and removes
/// them (UnifyThumbprintFormat); 40 hexadecimal digits, upper case.
pub(crate) fn unified_thumbprint(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit())).then(|| t.to_ascii_uppercase())
}

fn validate_relationships(
    raw: &[RawRelationship],
    loc: &Locator<'_>,
) -> Result<Vec<RelationshipSpec>, PlanError> {
    let mut out: Vec<RelationshipSpec> = Vec::new();
    for r in raw {
        let name = name(&r.name, loc)?;
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(loc.invalid(r.name.span(), "a unique relationship name"));
        }
        if r.domains.get_ref().is_empty() || r.domains.get_ref().len() > 238 {
            return Err(loc.invalid(r.domains.span(), "between 1 and 238 partner domains"));
        }
        let mut domains = Vec::new();
        for d in r.domains.get_ref() {
            let d_valid = domain(d, loc)?;
            // A domain may belong to only one relationship (DuplicateOrganizationRelationshipDomainException).
            if domains.contains(&d_valid) || out.iter().any(|o| o.domains.contains(&d_valid)) {
                return Err(loc.invalid(d.span(), format!("`{d_valid}` in only one relationship")));
            }
            domains.push(d_valid);
        }
        let access_level = match r.access_level.get_ref().as_str() {
            "None" => FreeBusyAccessLevel::None,
            "AvailabilityOnly" => FreeBusyAccessLevel::AvailabilityOnly,
            "LimitedDetails" => FreeBusyAccessLevel::LimitedDetails,
            _ => {
                return Err(loc.invalid(
                    r.access_level.span(),
                    "one of None, AvailabilityOnly, LimitedDetails",
                ))
            }
        };
        let target_autodiscover_epr = r
            .target_autodiscover_epr
            .as_ref()
            .map(|e| https_url(e, loc))
            .transpose()?;
        out.push(RelationshipSpec {
            name,
            domains,
            free_busy_enabled: r.free_busy_enabled,
            access_level,
            scope_group: r
                .scope_group
                .as_ref()
                .map(|g| name_value(g, loc))
                .transpose()?,
            enabled: r.enabled,
            target_application_uri: r
                .target_application_uri
                .as_ref()
                .map(|u| name_value(u, loc))
                .transpose()?,
            target_autodiscover_epr,
        });
    }
    Ok(out)
}

fn validate_policies(raw: &[RawPolicy], loc: &Locator<'_>) -> Result<Vec<PolicySpec>, PlanError> {
    let mut out: Vec<PolicySpec> = Vec::new();
    for p in raw {
        let name = name(&p.name, loc)?;
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(loc.invalid(p.name.span(), "a unique policy name"));
        }
        if p.entries.get_ref().is_empty() {
            return Err(loc.invalid(p.entries.span(), "at least one `domain: actions` entry"));
        }
        // Parse one by one first so an error points at the entry itself.
        for e in p.entries.get_ref() {
            SharingEntry::parse(e.get_ref())
                .map_err(|err| loc.invalid(e.span(), err.to_string()))?;
        }
        let texts: Vec<String> = p
            .entries
            .get_ref()
            .iter()
            .map(|e| e.get_ref().clone())
            .collect();
        let entries =
            parse_entries(&texts).map_err(|err| loc.invalid(p.entries.span(), err.to_string()))?;
        if p.default && out.iter().any(|o| o.default) {
            return Err(loc.invalid(p.name.span(), "at most one policy with `default = true`"));
        }
        let mailboxes = match p.mailboxes.as_ref() {
            None => MailboxSelection::None,
            Some(m) => match m.get_ref() {
                RawMailboxes::Keyword(k) if k == "all" => MailboxSelection::All,
                RawMailboxes::Keyword(_) => {
                    return Err(loc.invalid(m.span(), "`\"all\"` or a list of mailboxes"))
                }
                RawMailboxes::List(list) if list.iter().any(|s| s.trim().is_empty()) => {
                    return Err(loc.invalid(m.span(), "mailbox identities that are not empty"))
                }
                RawMailboxes::List(list) => MailboxSelection::List(list.clone()),
            },
        };
        out.push(PolicySpec {
            name,
            entries,
            default: p.default,
            enabled: p.enabled,
            mailboxes,
        });
    }
    Ok(out)
}

/// Host names as `-TrustedHostnames` takes them: `host.domain` or `*.domain` (which matches
/// the domain and every host below it), each once.
fn trusted_hostnames(
    list: &Spanned<Vec<Spanned<String>>>,
    loc: &Locator<'_>,
) -> Result<Vec<String>, PlanError> {
    let mut out: Vec<String> = Vec::new();
    for h in list.get_ref() {
        let v = h
            .get_ref()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let bare = v.strip_prefix("*.").unwrap_or(&v);
        if !is_hostname(bare) {
            return Err(loc.invalid(
                h.span(),
                "a host name such as autodiscover.fabrikam.com, or *.outlook.com for every host of a domain",
            ));
        }
        if out.contains(&v) {
            return Err(loc.invalid(h.span(), format!("`{v}` listed once")));
        }
        out.push(v);
    }
    Ok(out)
}

fn validate_dns(raw: &RawDns, loc: &Locator<'_>) -> Result<DnsMode, PlanError> {
    match raw.mode.get_ref().as_str() {
        "manual" => Ok(DnsMode::Manual),
        "none" => Ok(DnsMode::None),
        "rfc2136" => match (&raw.server, &raw.key_name) {
            (Some(server), Some(key_name)) if !server.is_empty() && !key_name.is_empty() => {
                Ok(DnsMode::Rfc2136 {
                    server: server.clone(),
                    key_name: key_name.clone(),
                })
            }
            _ => Err(loc.invalid(
                raw.mode.span(),
                "`server` and `key_name` with mode \"rfc2136\"",
            )),
        },
        "windows" => {
            let Some(listed) = &raw.zones else {
                return Err(loc.invalid(
                    raw.mode.span(),
                    "`zones` (the Windows DNS zones Fedshare may write to) with mode \"windows\"",
                ));
            };
            let mut zones = Vec::new();
            for zone in listed.get_ref() {
                zones.push(domain(zone, loc)?);
            }
            if zones.is_empty() {
                return Err(
                    loc.invalid(listed.span(), "at least one zone, such as \"contoso.com\"")
                );
            }
            let server = raw
                .server
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            if server.is_some_and(|s| !is_dns_name(s)) {
                return Err(loc.invalid(
                    raw.mode.span(),
                    "`server` as a DNS server's name, such as dc01 or dc01.contoso.com (or no `server` for this computer)",
                ));
            }
            Ok(DnsMode::Windows {
                server: server.map(str::to_owned),
                zones,
            })
        }
        _ => Err(loc.invalid(
            raw.mode.span(),
            "one of \"manual\", \"rfc2136\", \"windows\", \"none\"",
        )),
    }
}

fn name(value: &Spanned<String>, loc: &Locator<'_>) -> Result<String, PlanError> {
    let v = value.get_ref().trim();
    if v.is_empty() || v.chars().count() > 64 {
        return Err(loc.invalid(value.span(), "a name of 1 to 64 characters"));
    }
    name_value(value, loc)
}

/// Whether the file accepts `v` (trimmed) as a name: free text of 1 to 64 characters.
pub(crate) fn is_name(v: &str) -> bool {
    v.trim().chars().count() <= 64 && is_free_text(v)
}

/// A free-text value: no control characters, no leading `<` (reserved for placeholders).
fn name_value(value: &Spanned<String>, loc: &Locator<'_>) -> Result<String, PlanError> {
    let v = value.get_ref().trim();
    if !is_free_text(v) {
        return Err(loc.invalid(
            value.span(),
            "a non-empty value without control characters that does not start with `<`",
        ));
    }
    Ok(v.to_owned())
}

/// Whether the file accepts `v` (trimmed) as free text.
pub(crate) fn is_free_text(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !v.starts_with('<') && !v.chars().any(char::is_control)
}

fn is_hostname(v: &str) -> bool {
    v.contains('.') && is_dns_name(v)
}

/// Labels of letters, digits and inner hyphens: a host name, or a computer's short name.
fn is_dns_name(v: &str) -> bool {
    v.len() <= 253
        && v.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn domain(value: &Spanned<String>, loc: &Locator<'_>) -> Result<String, PlanError> {
    if value.get_ref().trim().starts_with("*.") {
        return Err(loc.invalid(
            value.span(),
            "an exact domain (wildcard domains cannot be federated)",
        ));
    }
    exact_domain(value.get_ref())
        .ok_or_else(|| loc.invalid(value.span(), "a domain name such as contoso.com"))
}

/// `v` as the file stores an exact domain (trimmed, no final dot, lower case), if it is one.
pub(crate) fn exact_domain(v: &str) -> Option<String> {
    let v = v.trim().trim_end_matches('.').to_ascii_lowercase();
    is_hostname(&v).then_some(v)
}

fn hostname(value: &Spanned<String>, loc: &Locator<'_>) -> Result<String, PlanError> {
    let v = value
        .get_ref()
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if !is_hostname(&v) {
        return Err(loc.invalid(value.span(), "a host name such as mail.contoso.com"));
    }
    Ok(v)
}

fn https_url(value: &Spanned<String>, loc: &Locator<'_>) -> Result<String, PlanError> {
    let v = value.get_ref().trim();
    if !is_https_url(v) {
        return Err(loc.invalid(value.span(), "an https:// URL such as https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc/WSSecurity"));
    }
    Ok(v.to_owned())
}

/// Whether the file accepts `v` (trimmed) as an https:// URL with a host name.
pub(crate) fn is_https_url(v: &str) -> bool {
    let v = v.trim();
    let host = v
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .filter(|h| is_hostname(&h.to_ascii_lowercase()));
    host.is_some() && !v.chars().any(char::is_whitespace)
}

// ---- the document form: the file's shape as data, for writing back and for the wizard ----

/// The plan file's own shape (the keys of the TOML), which the wizard's forms edit. It is
/// not validated: [`PlanDocument::to_toml`] then [`SharingPlan::parse`] validate it, so a
/// form gets the same errors as a hand-edited file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanDocument {
    pub trust: PlanTrust,
    pub domains: PlanDomains,
    #[serde(default)]
    pub relationship: Vec<PlanRelationship>,
    #[serde(default)]
    pub policy: Vec<PlanPolicy>,
    #[serde(default)]
    pub autodiscover: Vec<PlanAutodiscover>,
    pub dns: PlanDns,
    /// Absent when the plan keeps Exchange's default trusted hosters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub partners: Option<PlanPartners>,
}

/// `[partners]`: how partner discovery treats hosts that are not the partner's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanPartners {
    pub trusted_hostnames: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanTrust {
    pub name: String,
    pub certificate: PlanCertificate,
}

/// `"new"` or `{ thumbprint = "..." }`, as in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum PlanCertificate {
    Keyword(String),
    Thumbprint { thumbprint: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanDomains {
    pub primary: String,
    #[serde(default)]
    pub additional: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanRelationship {
    pub name: String,
    pub domains: Vec<String>,
    pub free_busy_enabled: bool,
    pub access_level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub scope_group: Option<String>,
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target_application_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target_autodiscover_epr: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanPolicy {
    pub name: String,
    pub entries: Vec<String>,
    pub default: bool,
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub mailboxes: Option<PlanMailboxes>,
}

/// `"all"` or a list of mailbox identities, as in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum PlanMailboxes {
    Keyword(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanAutodiscover {
    pub domain: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanDns {
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub key_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub zones: Option<Vec<String>>,
}

impl PlanDocument {
    /// The TOML text of the document (not validated: parse it with [`SharingPlan::parse`]).
    pub fn to_toml(&self) -> String {
        // A struct of strings, bools and lists always serialises.
        crate::preserve::without_empty_lists(&toml::to_string_pretty(self).unwrap_or_default())
    }
}

impl From<&SharingPlan> for PlanDocument {
    fn from(p: &SharingPlan) -> Self {
        let certificate = match &p.trust.certificate {
            CertificateSpec::New => PlanCertificate::Keyword("new".into()),
            CertificateSpec::Thumbprint(t) => PlanCertificate::Thumbprint {
                thumbprint: t.clone(),
            },
        };
        let (mode, server, key_name, zones) = match &p.dns {
            DnsMode::Manual => ("manual", None, None, None),
            DnsMode::None => ("none", None, None, None),
            DnsMode::Rfc2136 { server, key_name } => (
                "rfc2136",
                Some(server.clone()),
                Some(key_name.clone()),
                None,
            ),
            DnsMode::Windows { server, zones } => {
                ("windows", server.clone(), None, Some(zones.clone()))
            }
        };
        PlanDocument {
            trust: PlanTrust {
                name: p.trust.name.clone(),
                certificate,
            },
            domains: PlanDomains {
                primary: p.primary_domain.clone(),
                additional: p.additional_domains.clone(),
            },
            relationship: p
                .relationships
                .iter()
                .map(|r| PlanRelationship {
                    name: r.name.clone(),
                    domains: r.domains.clone(),
                    free_busy_enabled: r.free_busy_enabled,
                    access_level: r.access_level.to_string(),
                    scope_group: r.scope_group.clone(),
                    enabled: r.enabled,
                    target_application_uri: r.target_application_uri.clone(),
                    target_autodiscover_epr: r.target_autodiscover_epr.clone(),
                })
                .collect(),
            policy: p
                .policies
                .iter()
                .map(|pol| PlanPolicy {
                    name: pol.name.clone(),
                    entries: pol.entries.iter().map(SharingEntry::render).collect(),
                    default: pol.default,
                    enabled: pol.enabled,
                    mailboxes: match &pol.mailboxes {
                        MailboxSelection::None => None,
                        MailboxSelection::All => Some(PlanMailboxes::Keyword("all".into())),
                        MailboxSelection::List(l) => Some(PlanMailboxes::List(l.clone())),
                    },
                })
                .collect(),
            autodiscover: p
                .autodiscover
                .iter()
                .map(|a| PlanAutodiscover {
                    domain: a.domain.clone(),
                    target: a.target.clone(),
                })
                .collect(),
            dns: PlanDns {
                mode: mode.into(),
                server,
                key_name,
                zones,
            },
            // Written only when it differs from the default, so an untouched file stays as it is.
            partners: (p.trusted_hostnames != DEFAULT_TRUSTED_HOSTNAMES).then(|| PlanPartners {
                trusted_hostnames: p.trusted_hostnames.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/contoso-lab.toml");

    fn err(text: &str) -> (usize, usize, String) {
        match SharingPlan::parse(text, "p.toml") {
            Err(PlanError::Syntax { at, expected } | PlanError::Invalid { at, expected }) => {
                assert_eq!(at.file, "p.toml");
                (at.line, at.column, expected)
            }
            other => panic!("expected a positioned error, got {other:?}"),
        }
    }

    const HEAD: &str =
        "[trust]\nname = \"T\"\ncertificate = \"new\"\n[domains]\nprimary = \"contoso.com\"\n";

    #[test]
    fn the_example_plan_parses_and_round_trips() {
        let plan = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").unwrap();
        assert_eq!(
            plan.federated_domains(),
            ["contoso.com", "sales.contoso.com"]
        );
        assert_eq!(plan.relationships.len(), 2);
        assert_eq!(
            plan.relationships[1].access_level,
            FreeBusyAccessLevel::AvailabilityOnly
        );
        assert_eq!(plan.relationships[0].target_application_uri, None);
        assert_eq!(
            plan.autodiscover[0].record_name(),
            "autodiscover.contoso.com"
        );
        assert!(matches!(plan.dns, DnsMode::Rfc2136 { .. }));
        let again = SharingPlan::parse(&plan.to_toml(), "saved.toml").unwrap();
        assert_eq!(again, plan);
        // The document travels as JSON to the wizard and comes back unchanged.
        let json = serde_json::to_string(&plan.document()).unwrap();
        let doc: PlanDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(SharingPlan::parse(&doc.to_toml(), "form").unwrap(), plan);
    }

    #[test]
    fn windows_dns_mode_lists_the_zones_it_may_write_to() {
        let text = format!(
            "{HEAD}additional = [\"sales.contoso.com\"]\n[dns]\nmode = \"windows\"\nzones = [\"Contoso.com.\", \"sales.contoso.com\"]\n"
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        let DnsMode::Windows { server, zones } = &plan.dns else {
            panic!("{:?}", plan.dns);
        };
        assert_eq!(server, &None, "the host's own computer");
        assert_eq!(zones, &["contoso.com", "sales.contoso.com"]);
        // The longest listed zone holds a name.
        assert_eq!(
            zone_of(zones, "sales.contoso.com"),
            Some("sales.contoso.com")
        );
        assert_eq!(
            zone_of(zones, "autodiscover.contoso.com"),
            Some("contoso.com")
        );
        assert_eq!(zone_of(zones, "notcontoso.com"), None);
        assert_eq!(
            SharingPlan::parse(&plan.to_toml(), "saved.toml").unwrap(),
            plan
        );
        let with_server = |name: &str| {
            text.replace(
                "mode = \"windows\"",
                &format!("mode = \"windows\"\nserver = \"{name}\""),
            )
        };
        let named = SharingPlan::parse(&with_server("DC01"), "p.toml").unwrap();
        let DnsMode::Windows { server, .. } = named.dns else {
            panic!("{:?}", named.dns);
        };
        assert_eq!(server.as_deref(), Some("DC01"));
        let (_, _, expected) = err(&with_server("dc01; Remove-Item x"));
        assert!(expected.contains("a DNS server's name"), "{expected}");

        let (line, _, expected) = err(&format!("{HEAD}[dns]\nmode = \"windows\"\n"));
        assert_eq!(line, 7);
        assert!(expected.contains("`zones`"), "{expected}");
        let (line, column, expected) = err(&format!(
            "{HEAD}[dns]\nmode = \"windows\"\nzones = [\"fabrikam.com\"]\n"
        ));
        assert_eq!((line, column), (8, 9));
        assert!(
            expected.contains("a zone that holds contoso.com"),
            "{expected}"
        );
    }

    #[test]
    fn a_document_without_sections_is_still_a_plan() {
        let doc: PlanDocument = serde_json::from_str(
            r#"{"trust":{"name":"T","certificate":"new"},"domains":{"primary":"contoso.com"},"dns":{"mode":"none"}}"#,
        )
        .unwrap();
        let plan = SharingPlan::parse(&doc.to_toml(), "form").unwrap();
        assert!(plan.relationships.is_empty());
        assert_eq!(plan.dns, DnsMode::None);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let (line, column, expected) = err("[trust]\nname = \"T\"\ncertificate = \n");
        assert_eq!((line, column), (3, 15));
        assert!(!expected.is_empty());
        let (line, _, expected) = err(&format!("{HEAD}colour = \"red\"\n"));
        assert_eq!(line, 6);
        assert!(expected.contains("colour"), "{expected}");
    }

    #[test]
    fn semantic_errors_point_at_the_value() {
        let bad_level = format!("{HEAD}[[relationship]]\nname = \"F\"\ndomains = [\"fabrikam.com\"]\naccess_level = \"FullDetails\"\n");
        let (line, column, expected) = err(&bad_level);
        assert_eq!((line, column), (9, 16));
        assert!(expected.contains("AvailabilityOnly"));

        let bad_entry = format!("{HEAD}[[policy]]\nname = \"P\"\nentries = [\"a.com: CalendarSharingFreeBusySimple\", \"b.com: Everything\"]\n");
        let (line, column, expected) = err(&bad_entry);
        assert_eq!((line, column), (8, 52));
        assert!(
            expected.contains("SharingPolicyDomainInvalidAction"),
            "{expected}"
        );

        let wildcard = HEAD.replace("\"contoso.com\"", "\"*.contoso.com\"");
        let (line, column, _) = err(&wildcard);
        assert_eq!((line, column), (5, 11));

        let thumb = HEAD.replace("\"new\"", "{ thumbprint = \"12 34\" }");
        let (line, _, expected) = err(&thumb);
        assert_eq!(line, 3);
        assert!(expected.contains("40 hexadecimal"));

        let dup = format!("{HEAD}[[relationship]]\nname = \"A\"\ndomains = [\"x.com\"]\naccess_level = \"None\"\n[[relationship]]\nname = \"B\"\ndomains = [\"X.com\"]\naccess_level = \"None\"\n");
        let (line, column, _) = err(&dup);
        assert_eq!((line, column), (12, 12));

        let dns = format!("{HEAD}[dns]\nmode = \"rfc2136\"\n");
        let (line, _, expected) = err(&dns);
        assert_eq!(line, 7);
        assert!(expected.contains("key_name"));
    }

    #[test]
    fn trusted_hostnames_default_to_exchanges_hosters_and_are_validated() {
        let plan = SharingPlan::parse(HEAD, "p.toml").unwrap();
        assert_eq!(plan.trusted_hostnames, ["*.outlook.com"]);
        // The default is not written back, so an untouched file is saved as it was.
        assert!(!plan.to_toml().contains("[partners]"), "{}", plan.to_toml());

        let text = format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"*.Outlook.com\", \"autodiscover.fabrikam-hosting.net.\"]\n"
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        assert_eq!(
            plan.trusted_hostnames,
            ["*.outlook.com", "autodiscover.fabrikam-hosting.net"]
        );
        assert_eq!(SharingPlan::parse(&plan.to_toml(), "saved").unwrap(), plan);
        let json = serde_json::to_string(&plan.document()).unwrap();
        let doc: PlanDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(SharingPlan::parse(&doc.to_toml(), "form").unwrap(), plan);

        // An empty list trusts no other host (and is kept as such).
        let none = SharingPlan::parse(
            &format!("{HEAD}[partners]\ntrusted_hostnames = []\n"),
            "p.toml",
        )
        .unwrap();
        assert!(none.trusted_hostnames.is_empty());
        assert_eq!(SharingPlan::parse(&none.to_toml(), "saved").unwrap(), none);

        let (line, column, expected) = err(&format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"*.outlook.com\", \"http://x.com\"]\n"
        ));
        assert_eq!((line, column), (7, 39));
        assert!(expected.contains("*.outlook.com"), "{expected}");
        let (line, _, expected) = err(&format!(
            "{HEAD}[partners]\ntrusted_hostnames = [\"a.com\", \"A.com\"]\n"
        ));
        assert_eq!(line, 7);
        assert!(expected.contains("once"), "{expected}");
    }

    #[test]
    fn thumbprints_are_unified() {
        let text = HEAD.replace(
            "\"new\"",
            "{ thumbprint = \"ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01\" }",
        );
        let plan = SharingPlan::parse(&text, "p.toml").unwrap();
        assert_eq!(
            plan.trust.certificate,
            CertificateSpec::Thumbprint("ABCDEF0123456789ABCDEF0123456789ABCDEF01".into())
        );
        assert_eq!(plan.dns, DnsMode::Manual);
    }
}
