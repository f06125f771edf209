//! The cmdlet catalog: every cmdlet Fedshare may run, with its parameters, loaded once from the
//! embedded `cmdlets.json`. It is both the allowlist (the PowerShell host embeds the same names)
//! and the schema that [`validate`] checks invocations against before anything leaves the engine.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::ExchangeError;
use crate::invocation::{Invocation, ParamValue};
use crate::uri;

const CATALOG_JSON: &str = include_str!("../cmdlets.json");

/// Flags enumerations: Exchange accepts several members joined by commas (`IIS,SMTP`).
const FLAGS_ENUMS: &[&str] = &["AllowedServices"];

/// Types that cannot travel as data: binding a string to them would make PowerShell load a file.
const UNSUPPORTED_TYPES: &[&str] = &["X509Certificate2"];

/// The parameter set every parameter marked `(All)` belongs to.
const ALL_SETS: &str = "(All)";

/// What kind of [`ParamValue`] a parameter takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    String,
    /// A `Uri` parameter: an absolute URI or a bare host name (as `TargetApplicationUri` uses).
    Uri,
    Bool,
    Switch,
    /// An `Int32`; `allowed` is empty when any value in range is accepted.
    Int {
        allowed: Vec<i64>,
    },
    /// A `MultiValuedProperty`: a list, or a single string.
    StringList,
    Enum {
        allowed: Vec<String>,
        flags: bool,
    },
    /// Cannot be passed as data (e.g. `X509Certificate2`).
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterSpec {
    /// Canonical spelling, e.g. `FreeBusyAccessLevel`.
    pub name: String,
    /// Exchange's type name, e.g. `SmtpDomain`.
    pub exchange_type: String,
    pub kind: ValueKind,
    pub mandatory: bool,
    /// Parameter sets this parameter belongs to; `None` means all of them.
    pub sets: Option<Vec<String>>,
    pub meaning: String,
}

impl ParameterSpec {
    fn in_set(&self, set: &str) -> bool {
        self.sets
            .as_ref()
            .is_none_or(|sets| sets.iter().any(|s| s == set))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdletSpec {
    pub name: String,
    /// The module of a cmdlet that runs on the administrator's computer rather than in the
    /// Exchange session (`DnsServer`); `None` for Exchange's own.
    pub module: Option<String>,
    pub parameters: Vec<ParameterSpec>,
    /// Every parameter set name; a single `(All)` when the cmdlet has none.
    pub parameter_sets: Vec<String>,
    pub output_properties: Vec<String>,
}

impl CmdletSpec {
    /// Finds a parameter by name, case-insensitively as PowerShell does.
    pub fn parameter(&self, name: &str) -> Option<&ParameterSpec> {
        self.parameters
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// True for `Remove-*` cmdlets, which prompt unless given `-Confirm:$false`.
    pub fn is_remove(&self) -> bool {
        self.name.starts_with("Remove-")
    }
}

#[derive(Debug)]
pub struct Catalog {
    /// Keyed by lower-case name for case-insensitive lookup.
    cmdlets: BTreeMap<String, CmdletSpec>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(load);

static NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| CATALOG.cmdlets.values().map(|c| c.name.as_str()).collect());

/// The catalog, parsed on first use.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

/// The allowlist: every cmdlet name Fedshare may run, sorted.
pub fn cmdlet_names() -> &'static [&'static str] {
    &NAMES
}

/// Looks a cmdlet up, case-insensitively.
pub fn cmdlet(name: &str) -> Option<&'static CmdletSpec> {
    CATALOG.cmdlets.get(&name.to_ascii_lowercase())
}

impl Catalog {
    pub fn cmdlets(&self) -> impl Iterator<Item = &CmdletSpec> {
        self.cmdlets.values()
    }
}

#[derive(Deserialize)]
struct RawCmdlet {
    #[serde(default)]
    module: Option<String>,
    #[serde(default)]
    syntax: BTreeMap<String, String>,
    parameters: Vec<RawParameter>,
    #[serde(default)]
    output_properties: Vec<String>,
}

#[derive(Deserialize)]
struct RawParameter {
    name: String,
    #[serde(rename = "type")]
    type_name: String,
    mandatory: bool,
    parameter_sets: String,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    meaning: String,
}

fn load() -> Catalog {
    // The JSON is compiled in and covered by tests, so a parse failure is a build defect.
    #[allow(clippy::expect_used)]
    let raw: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(CATALOG_JSON).expect("embedded cmdlets.json is valid JSON");
    let mut cmdlets = BTreeMap::new();
    for (name, value) in raw {
        if name.starts_with('_') {
            continue; // `_meta` and other annotations
        }
        #[allow(clippy::expect_used)]
        let raw: RawCmdlet =
            serde_json::from_value(value).expect("embedded cmdlets.json has the cmdlet shape");
        cmdlets.insert(name.to_ascii_lowercase(), cmdlet_spec(name, raw));
    }
    Catalog { cmdlets }
}

fn cmdlet_spec(name: String, raw: RawCmdlet) -> CmdletSpec {
    let parameters: Vec<ParameterSpec> = raw.parameters.into_iter().map(parameter_spec).collect();
    let mut sets: Vec<String> = raw.syntax.into_keys().collect();
    for set in parameters.iter().filter_map(|p| p.sets.as_ref()).flatten() {
        if !sets.contains(set) {
            sets.push(set.clone());
        }
    }
    if sets.is_empty() {
        sets.push(ALL_SETS.to_owned());
    }
    CmdletSpec {
        name,
        module: raw.module,
        parameters,
        parameter_sets: sets,
        output_properties: raw.output_properties,
    }
}

fn parameter_spec(raw: RawParameter) -> ParameterSpec {
    let sets = (raw.parameter_sets.trim() != ALL_SETS).then(|| {
        raw.parameter_sets
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    ParameterSpec {
        kind: value_kind(&raw.type_name, &raw.values),
        name: raw.name,
        exchange_type: raw.type_name,
        mandatory: raw.mandatory,
        sets,
        meaning: raw.meaning,
    }
}

fn value_kind(type_name: &str, values: &[String]) -> ValueKind {
    match type_name {
        "Boolean" => ValueKind::Bool,
        "SwitchParameter" => ValueKind::Switch,
        "Int32" => ValueKind::Int {
            // Entries look like "2048 (default)": the number is the first word.
            allowed: values
                .iter()
                .filter_map(|v| v.split_whitespace().next()?.parse().ok())
                .collect(),
        },
        "MultiValuedProperty" => ValueKind::StringList,
        "Uri" => ValueKind::Uri,
        t if UNSUPPORTED_TYPES.contains(&t) => ValueKind::Unsupported,
        // Any other type with a list of members is an enumeration (FreeBusyAccessLevel, ...).
        t if !values.is_empty() && !t.ends_with("IdParameter") && t != "String" => {
            ValueKind::Enum {
                allowed: values.to_vec(),
                flags: FLAGS_ENUMS.contains(&t),
            }
        }
        // String, Fqdn, SmtpDomain, SmtpAddress, *IdParameter, X500DistinguishedName: strings.
        _ => ValueKind::String,
    }
}

/// Checks an invocation against the catalog. Nothing is sent to a shell unless this passes.
pub fn validate(inv: &Invocation) -> Result<(), ExchangeError> {
    validate_with_references(inv, &[])
}

/// Like [`validate`], for a script line where the `referenced` parameters take a value an
/// earlier command produces: their names must exist, and they count towards the parameter set.
pub fn validate_with_references(
    inv: &Invocation,
    referenced: &[&str],
) -> Result<(), ExchangeError> {
    let spec = cmdlet(&inv.cmdlet).ok_or_else(|| ExchangeError::UnknownCmdlet {
        cmdlet: inv.cmdlet.clone(),
        suggestion: suggest_cmdlet(&inv.cmdlet),
    })?;
    let mut seen: Vec<&ParameterSpec> = Vec::new();
    for (name, value) in &inv.params {
        let param = bind(spec, name, &mut seen)?;
        check_value(spec, param, value)?;
    }
    for name in referenced {
        bind(spec, name, &mut seen)?;
    }
    check_parameter_sets(spec, &seen)
}

/// The parameter `name` of `spec`, added to the ones the line has `seen`: an unknown name or
/// one given twice is refused.
fn bind<'a>(
    spec: &'a CmdletSpec,
    name: &str,
    seen: &mut Vec<&'a ParameterSpec>,
) -> Result<&'a ParameterSpec, ExchangeError> {
    let param = spec
        .parameter(name)
        .ok_or_else(|| unknown_parameter(spec, name))?;
    if seen.iter().any(|p| p.name == param.name) {
        return Err(ExchangeError::DuplicateParameter {
            cmdlet: spec.name.clone(),
            parameter: param.name.clone(),
        });
    }
    seen.push(param);
    Ok(param)
}

fn unknown_parameter(spec: &CmdletSpec, name: &str) -> ExchangeError {
    // PowerShell would bind an unambiguous prefix; Fedshare wants the full name, so suggest it.
    let lower = name.to_ascii_lowercase();
    let mut prefixed = spec
        .parameters
        .iter()
        .filter(|p| !lower.is_empty() && p.name.to_ascii_lowercase().starts_with(&lower));
    let suggestion = match (prefixed.next(), prefixed.next()) {
        (Some(p), None) => Some(p.name.clone()),
        _ => None,
    };
    ExchangeError::UnknownParameter {
        cmdlet: spec.name.clone(),
        parameter: name.to_owned(),
        suggestion,
    }
}

fn suggest_cmdlet(name: &str) -> Option<String> {
    // A name whose noun matches a catalog cmdlet's noun is the likeliest intent.
    let noun = name.split_once('-')?.1.to_ascii_lowercase();
    cmdlet_names()
        .iter()
        .find(|c| {
            c.split_once('-')
                .is_some_and(|(_, n)| n.to_ascii_lowercase() == noun)
        })
        .map(|c| (*c).to_owned())
}

fn value_type_name(value: &ParamValue) -> &'static str {
    match value {
        ParamValue::String(_) => "a string",
        ParamValue::Bool(_) => "a boolean",
        ParamValue::Int(_) => "an integer",
        ParamValue::Enum(_) => "an enumeration value",
        ParamValue::StringList(_) => "a string list",
        ParamValue::Switch(_) => "a switch",
        ParamValue::Null => "$null",
    }
}

fn expected_name(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::String | ValueKind::Uri => "a string",
        ValueKind::Bool => "a boolean ($true/$false)",
        ValueKind::Switch => "a switch",
        ValueKind::Int { .. } => "an integer",
        ValueKind::StringList => "a string list",
        ValueKind::Enum { .. } => "an enumeration value",
        ValueKind::Unsupported => {
            "an object Fedshare cannot pass (use the Thumbprint parameter instead)"
        }
    }
}

fn check_value(
    spec: &CmdletSpec,
    param: &ParameterSpec,
    value: &ParamValue,
) -> Result<(), ExchangeError> {
    let not_allowed = |value: &str, fix: String| ExchangeError::ValueNotAllowed {
        cmdlet: spec.name.clone(),
        parameter: param.name.clone(),
        value: value.to_owned(),
        fix,
    };
    match (&param.kind, value) {
        (_, ParamValue::Null) => check_null(param).map_err(|fix| not_allowed("$null", fix)),
        // Every `*IdParameter` constructor throws on '' (ErrorEmptyParameter): clearing is $null.
        (ValueKind::String, ParamValue::String(s))
            if s.is_empty() && param.exchange_type.ends_with("IdParameter") =>
        {
            Err(not_allowed(
                "''",
                format!(
                    "{} can't be empty; to clear the value, pass $null",
                    param.exchange_type
                ),
            ))
        }
        (ValueKind::String, ParamValue::String(_))
        | (ValueKind::Bool, ParamValue::Bool(_))
        | (ValueKind::Switch, ParamValue::Switch(_))
        | (ValueKind::StringList, ParamValue::String(_) | ParamValue::StringList(_)) => Ok(()),
        (ValueKind::Uri, ParamValue::String(s)) => uri::check(s).map_err(|fix| not_allowed(s, fix)),
        (ValueKind::Int { allowed }, ParamValue::Int(n)) => {
            check_int(*n, allowed).map_err(|fix| not_allowed(&n.to_string(), fix))
        }
        (ValueKind::Enum { allowed, flags }, ParamValue::Enum(v)) => {
            check_enum(v, allowed, *flags).map_err(|fix| not_allowed(v, fix))
        }
        (kind, got) => Err(ExchangeError::WrongType {
            cmdlet: spec.name.clone(),
            parameter: param.name.clone(),
            exchange_type: param.exchange_type.clone(),
            expected: expected_name(kind),
            got: value_type_name(got),
        }),
    }
}

/// PowerShell binds `$null` only to an optional parameter of a reference type (a string, an
/// identity, a URI, a list); a mandatory one refuses it ("because it is null"), and a
/// boolean, number, switch or enumeration has no null to clear to.
fn check_null(param: &ParameterSpec) -> Result<(), String> {
    if param.mandatory {
        return Err("the parameter is mandatory and cannot be null; give a value".into());
    }
    match param.kind {
        ValueKind::String | ValueKind::Uri | ValueKind::StringList => Ok(()),
        _ => Err(format!(
            "{} cannot be cleared with $null; give {}",
            param.exchange_type,
            expected_name(&param.kind)
        )),
    }
}

fn check_int(n: i64, allowed: &[i64]) -> Result<(), String> {
    if i32::try_from(n).is_err() {
        return Err(format!(
            "use a 32-bit integer between {} and {}",
            i32::MIN,
            i32::MAX
        ));
    }
    if !allowed.is_empty() && !allowed.contains(&n) {
        return Err(format!("use one of {}", join(allowed.iter())));
    }
    Ok(())
}

fn check_enum(value: &str, allowed: &[String], flags: bool) -> Result<(), String> {
    let is_member = |v: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(v.trim()));
    let ok = if flags {
        value.split(',').all(is_member)
    } else {
        is_member(value)
    };
    match (ok, flags) {
        (true, _) => Ok(()),
        (false, false) => Err(format!("use one of {}", allowed.join(", "))),
        (false, true) => Err(format!(
            "use one or more of {} (comma-separated)",
            allowed.join(", ")
        )),
    }
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// Valid when one parameter set holds every given parameter and all its mandatory ones are given.
fn check_parameter_sets(spec: &CmdletSpec, given: &[&ParameterSpec]) -> Result<(), ExchangeError> {
    let candidates: Vec<&String> = spec
        .parameter_sets
        .iter()
        .filter(|set| given.iter().all(|p| p.in_set(set)))
        .collect();
    if candidates.is_empty() {
        return Err(ExchangeError::ParameterSetConflict {
            cmdlet: spec.name.clone(),
            parameters: given
                .iter()
                .filter(|p| p.sets.is_some())
                .map(|p| p.name.clone())
                .collect(),
        });
    }
    let missing_per_set = candidates.iter().map(|set| {
        spec.parameters
            .iter()
            .filter(|p| p.mandatory && p.in_set(set))
            .filter(|p| !given.iter().any(|g| g.name == p.name))
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    });
    // Report the set that needs the fewest additions: it is the closest to what was meant.
    match missing_per_set.min_by_key(Vec::len) {
        Some(missing) if !missing.is_empty() => Err(ExchangeError::MissingParameter {
            cmdlet: spec.name.clone(),
            missing,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use fedshare_model::ErrorCode;

    use super::*;

    fn code(inv: &Invocation) -> &'static str {
        validate(inv).expect_err("should be rejected").code()
    }

    fn message(inv: &Invocation) -> String {
        validate(inv).expect_err("should be rejected").to_string()
    }

    fn relationship() -> Invocation {
        Invocation::new("New-OrganizationRelationship")
            .string("Name", "Fourth Coffee")
            .list("DomainNames", vec!["fourthcoffee.com".into()])
    }

    #[test]
    fn catalog_loads_every_cmdlet() {
        let names = cmdlet_names();
        assert_eq!(names.len(), 31);
        assert!(names.contains(&"New-FederationTrust"));
        assert!(!names.iter().any(|n| n.starts_with('_')));
        let mut sorted = names.to_vec();
        sorted.sort_unstable_by_key(|n| n.to_ascii_lowercase());
        assert_eq!(sorted, names);
    }

    /// The host script imports everything else from the Exchange session and finds these on
    /// this computer by the name pattern `*-DnsServer*`; the catalog's marks must agree.
    #[test]
    fn local_cmdlets_are_exactly_the_dnsserver_ones() {
        for spec in catalog().cmdlets() {
            let by_name = spec.name.contains("-DnsServer");
            assert_eq!(
                spec.module.as_deref() == Some("DnsServer"),
                by_name,
                "{}",
                spec.name
            );
        }
        assert!(crate::host_ps::HOST_SCRIPT.contains("$localPattern = '*-DnsServer*'"));
        let txt = Invocation::new("Add-DnsServerResourceRecord")
            .string("ZoneName", "contoso.com")
            .string("Name", "@")
            .switch("Txt")
            .string("DescriptiveText", "proof");
        validate(&txt).expect("the TXT parameter set");
        let both = txt
            .clone()
            .switch("CName")
            .string("HostNameAlias", "mail.contoso.com");
        assert!(
            validate(&both).is_err(),
            "TXT and CNAME parameter sets are exclusive"
        );
    }

    #[test]
    fn types_map_to_value_kinds() {
        let spec = cmdlet("new-organizationrelationship").expect("known");
        let kind = |n: &str| spec.parameter(n).expect("param").kind.clone();
        assert_eq!(kind("Enabled"), ValueKind::Bool);
        assert_eq!(kind("Confirm"), ValueKind::Switch);
        assert_eq!(kind("DomainNames"), ValueKind::StringList);
        assert_eq!(kind("TargetAutodiscoverEpr"), ValueKind::Uri);
        assert_eq!(kind("OrganizationContact"), ValueKind::String);
        assert_eq!(
            kind("FreeBusyAccessLevel"),
            ValueKind::Enum {
                allowed: vec![
                    "None".into(),
                    "AvailabilityOnly".into(),
                    "LimitedDetails".into()
                ],
                flags: false
            }
        );
        let cert = cmdlet("New-ExchangeCertificate").expect("known");
        assert_eq!(
            cert.parameter("KeySize").expect("p").kind,
            ValueKind::Int {
                allowed: vec![1024, 2048, 4096]
            }
        );
        assert_eq!(
            cert.parameter("Instance").expect("p").kind,
            ValueKind::Unsupported
        );
    }

    #[test]
    fn a_valid_invocation_passes() {
        let inv = relationship()
            .bool("FreeBusyAccessEnabled", true)
            .enumeration("FreeBusyAccessLevel", "availabilityonly")
            .string("TargetApplicationUri", "FYDIBOHF25SPDLT.fourthcoffee.com")
            .string(
                "TargetAutodiscoverEpr",
                "https://mail.fourthcoffee.com/autodiscover/autodiscover.svc/wssecurity",
            );
        validate(&inv).expect("valid");
    }

    #[test]
    fn unknown_cmdlet_is_rejected_with_a_suggestion() {
        let inv = Invocation::new("Remove-Mailbox").string("Identity", "x");
        assert_eq!(code(&inv), "exchange.unknown_cmdlet");
        let inv = Invocation::new("Get-SharingPolicies");
        assert_eq!(code(&inv), "exchange.unknown_cmdlet");
        assert!(message(&Invocation::new("Add-SharingPolicy"))
            .contains("(did you mean Get-SharingPolicy?)"));
    }

    #[test]
    fn cmdlet_and_parameter_names_are_case_insensitive() {
        let inv = Invocation::new("get-federationtrust")
            .string("IDENTITY", "Microsoft Federation Gateway");
        validate(&inv).expect("valid");
    }

    #[test]
    fn unknown_parameter_names_cmdlet_and_parameter() {
        let inv = relationship().string("FreeBusy", "x");
        assert_eq!(code(&inv), "exchange.unknown_parameter");
        let msg = message(&relationship().string("FreeBusyAccessLev", "x"));
        assert!(msg.contains("New-OrganizationRelationship"), "{msg}");
        assert!(msg.contains("-FreeBusyAccessLevel"), "{msg}");
    }

    #[test]
    fn wrong_types_are_rejected() {
        for inv in [
            relationship().string("Enabled", "true"),
            relationship().string("FreeBusyAccessLevel", "AvailabilityOnly"),
            relationship().bool("Confirm", false),
            relationship().switch("Enabled"),
            relationship().enumeration("OrganizationContact", "x"),
            Invocation::new("New-ExchangeCertificate").string("KeySize", "2048"),
            Invocation::new("New-ExchangeCertificate").string("Instance", "c:\\cert.pfx"),
        ] {
            assert_eq!(code(&inv), "exchange.wrong_type", "{inv:?}");
        }
        let msg = message(&relationship().string("Enabled", "true"));
        assert!(msg.contains("-Enabled takes a boolean"), "{msg}");
    }

    #[test]
    fn multi_valued_accepts_a_single_string() {
        let inv = Invocation::new("New-OrganizationRelationship")
            .string("Name", "x")
            .string("DomainNames", "contoso.com");
        validate(&inv).expect("valid");
    }

    #[test]
    fn enum_values_are_checked() {
        let inv = relationship().enumeration("FreeBusyAccessLevel", "Full");
        assert_eq!(code(&inv), "exchange.value_not_allowed");
        assert_eq!(
            message(&inv),
            "New-OrganizationRelationship: -FreeBusyAccessLevel 'Full' is not allowed; use one of None, AvailabilityOnly, LimitedDetails"
        );
        let mailtips = relationship().enumeration("MailTipsAccessLevel", "limited");
        validate(&mailtips).expect("case-insensitive");
    }

    #[test]
    fn flags_enums_accept_combinations() {
        let base = || Invocation::new("New-ExchangeCertificate");
        validate(&base().enumeration("Services", "IIS, SMTP")).expect("valid");
        validate(&base().enumeration("Services", "Federation")).expect("valid");
        assert_eq!(
            code(&base().enumeration("Services", "IIS,Web")),
            "exchange.value_not_allowed"
        );
    }

    #[test]
    fn ints_are_checked_against_range_and_members() {
        let base = || Invocation::new("New-ExchangeCertificate");
        validate(&base().param("KeySize", ParamValue::Int(2048))).expect("valid");
        assert_eq!(
            code(&base().param("KeySize", ParamValue::Int(3000))),
            "exchange.value_not_allowed"
        );
        assert_eq!(
            code(&base().param("KeySize", ParamValue::Int(1 << 40))),
            "exchange.value_not_allowed"
        );
    }

    #[test]
    fn uris_are_checked() {
        for ok in [
            "outlook.com",
            "FYDIBOHF25SPDLT.contoso.com",
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc/WSSecurity",
            "urn:federation:MicrosoftOnline",
        ] {
            validate(&relationship().string("TargetApplicationUri", ok)).expect(ok);
        }
        for bad in [
            "",
            "https://",
            "contoso .com",
            "https://a b/",
            "-contoso.com",
            "c:\\x",
        ] {
            let inv = relationship().string("TargetAutodiscoverEpr", bad);
            assert_eq!(code(&inv), "exchange.value_not_allowed", "{bad:?}");
        }
    }

    #[test]
    fn null_clears_only_optional_reference_values() {
        let mailbox = || Invocation::new("Set-Mailbox").string("Identity", "Alex Wilber");
        validate(&mailbox().null("SharingPolicy")).expect("an optional identity clears");
        for name in [
            "FreeBusyAccessScope",
            "TargetApplicationUri",
            "TargetAutodiscoverEpr",
        ] {
            let inv = Invocation::new("Set-OrganizationRelationship")
                .string("Identity", "Fabrikam")
                .null(name);
            validate(&inv).expect(name);
        }
        // A mandatory parameter and value types have no null.
        let identity = Invocation::new("Set-Mailbox").null("Identity");
        assert_eq!(code(&identity), "exchange.value_not_allowed");
        for name in ["Enabled", "FreeBusyAccessLevel"] {
            let inv = Invocation::new("Set-OrganizationRelationship")
                .string("Identity", "Fabrikam")
                .null(name);
            assert_eq!(code(&inv), "exchange.value_not_allowed", "{name}");
        }
    }

    #[test]
    fn an_empty_identity_parameter_is_refused_with_null_as_the_fix() {
        let inv = Invocation::new("Set-Mailbox")
            .string("Identity", "Alex Wilber")
            .string("SharingPolicy", "");
        assert_eq!(code(&inv), "exchange.value_not_allowed");
        assert!(message(&inv).contains("$null"), "{}", message(&inv));
        // A plain string may be empty (Exchange decides what it means).
        let name = Invocation::new("Set-SharingPolicy")
            .string("Identity", "P")
            .string("Name", "");
        assert_ne!(code_or_ok(&name), "exchange.value_not_allowed");
    }

    fn code_or_ok(inv: &Invocation) -> &'static str {
        validate(inv).err().map_or("ok", |e| e.code())
    }

    #[test]
    fn missing_mandatory_parameters_are_reported() {
        let inv = Invocation::new("New-OrganizationRelationship").string("Name", "x");
        assert_eq!(code(&inv), "exchange.missing_parameter");
        assert_eq!(
            message(&inv),
            "New-OrganizationRelationship: -DomainNames is required; add -DomainNames"
        );
    }

    #[test]
    fn parameter_sets_are_respected() {
        // Name + Thumbprint alone select the FederationTrust set.
        let trust = || {
            Invocation::new("New-FederationTrust")
                .string("Name", "Microsoft Federation Gateway")
                .string("Thumbprint", "AB12")
        };
        validate(&trust()).expect("FederationTrust set");
        // ApplicationUri selects the SkipNamespaceProviderProvisioning set, which needs the switch too.
        let skip = trust().string("ApplicationUri", "contoso.com");
        assert!(message(&skip).contains("-SkipNamespaceProviderProvisioning is required"));
        validate(&skip.switch("SkipNamespaceProviderProvisioning")).expect("complete set");
        // Parameters from two sets cannot be combined.
        let mixed = trust()
            .switch("UseLegacyProvisioningService")
            .string("ApplicationUri", "contoso.com");
        assert_eq!(code(&mixed), "exchange.parameter_set_conflict");
        // A set with no mandatory parameters makes a bare call valid.
        validate(&Invocation::new("Get-WebServicesVirtualDirectory")).expect("Identity set");
        let server = Invocation::new("Get-WebServicesVirtualDirectory")
            .switch("ADPropertiesOnly")
            .string("Server", "EX1");
        validate(&server).expect("Server set");
        // Comma-separated set lists: Server belongs to Instance and Thumbprint.
        let cert = Invocation::new("Get-ExchangeCertificate")
            .string("Thumbprint", "AB")
            .string("Server", "EX1");
        validate(&cert).expect("Thumbprint set");
        let cert = Invocation::new("Get-ExchangeCertificate")
            .string("Identity", "EX1\\AB")
            .string("Server", "EX1");
        assert_eq!(code(&cert), "exchange.parameter_set_conflict");
    }

    #[test]
    fn duplicates_are_rejected_case_insensitively() {
        let inv = relationship().string("name", "again");
        assert_eq!(code(&inv), "exchange.duplicate_parameter");
        assert!(message(&inv).contains("-Name is given more than once"));
    }
}
