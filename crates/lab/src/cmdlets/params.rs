//! Binding an invocation's parameters against the cmdlet catalog (cmdlets.json), the way
//! PowerShell would reject unknown names, wrong types and missing mandatory parameters.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::ParamValue;
use serde::Deserialize;

use super::errors;

/// The catalog shipped with the Exchange crate is the single source of truth for parameters.
const CATALOG_JSON: &str = include_str!("../../../exchange/cmdlets.json");

/// Parameters every cmdlet accepts (PowerShell common parameters).
const COMMON: &[&str] = &[
    "Verbose",
    "Debug",
    "ErrorAction",
    "WarningAction",
    "InformationAction",
    "ErrorVariable",
    "WarningVariable",
    "InformationVariable",
    "OutVariable",
    "OutBuffer",
    "PipelineVariable",
];

#[derive(Debug, Clone, Deserialize)]
pub struct ParamSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub parameter_sets: String,
    #[serde(default)]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CmdletSpec {
    pub parameters: Vec<ParamSpec>,
}

pub fn catalog() -> &'static BTreeMap<String, CmdletSpec> {
    static CATALOG: OnceLock<BTreeMap<String, CmdletSpec>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let raw: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(CATALOG_JSON).unwrap_or_default();
        raw.into_iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .filter_map(|(k, v)| serde_json::from_value(v).ok().map(|s| (k, s)))
            .collect()
    })
}

/// The canonical cmdlet name (PowerShell matches names case-insensitively).
pub fn resolve_cmdlet(name: &str) -> Option<(&'static str, &'static CmdletSpec)> {
    catalog()
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

/// Bound, type-checked parameters of one call.
#[derive(Debug, Clone)]
pub struct Args {
    pub cmdlet: &'static str,
    values: Vec<(String, ParamValue)>,
}

impl Args {
    pub fn bind(
        cmdlet: &'static str,
        spec: &CmdletSpec,
        params: &[(String, ParamValue)],
    ) -> Result<Args, ShellError> {
        let mut values = Vec::new();
        for (name, value) in params {
            if COMMON.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                continue;
            }
            let Some(p) = spec
                .parameters
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
            else {
                return Err(errors::unknown_parameter(cmdlet, name));
            };
            check_type(cmdlet, p, value)?;
            values.push((p.name.clone(), value.clone()));
        }
        for p in &spec.parameters {
            let always = p.parameter_sets == "(All)";
            if p.mandatory && always && !values.iter().any(|(n, _)| n == &p.name) {
                return Err(errors::missing_parameter(cmdlet, &p.name));
            }
        }
        Ok(Args { cmdlet, values })
    }

    fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn string(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            ParamValue::String(s) | ParamValue::Enum(s) => Some(s.clone()),
            ParamValue::StringList(l) => Some(l.join(",")),
            ParamValue::Int(i) => Some(i.to_string()),
            ParamValue::Bool(b) | ParamValue::Switch(b) => Some(b.to_string()),
            ParamValue::Null => None,
        }
    }

    /// `-Name $null`: the caller asked to clear the property.
    pub fn cleared(&self, name: &str) -> bool {
        matches!(self.get(name), Some(ParamValue::Null))
    }

    /// An optional value's new setting: `None` when not given, `Some(None)` for `$null`.
    pub fn setting(&self, name: &str) -> Option<Option<String>> {
        if self.cleared(name) {
            Some(None)
        } else {
            self.string(name).map(Some)
        }
    }

    /// A parameter the cmdlet needs in this parameter set.
    pub fn required(&self, name: &str) -> Result<String, ShellError> {
        self.string(name)
            .ok_or_else(|| errors::missing_parameter(self.cmdlet, name))
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            ParamValue::Bool(b) | ParamValue::Switch(b) => Some(*b),
            _ => None,
        }
    }

    /// A switch counts as set only when present and not `-Switch:$false`.
    pub fn switch(&self, name: &str) -> bool {
        self.bool(name).unwrap_or(false)
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            ParamValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        match self.get(name)? {
            ParamValue::StringList(l) => Some(l.clone()),
            ParamValue::String(s) | ParamValue::Enum(s) => Some(vec![s.clone()]),
            _ => None,
        }
    }
}

fn allowed_values(p: &ParamSpec) -> Option<Vec<String>> {
    let values = p.values.as_ref()?;
    if matches!(p.kind.as_str(), "Boolean" | "Int32" | "MultiValuedProperty") {
        return None;
    }
    Some(
        values
            .iter()
            .map(|v| v.split_whitespace().next().unwrap_or_default().to_owned())
            .collect(),
    )
}

/// Exchange's task parameter types live in this namespace (`SharingPolicyIdParameter`, ...).
const TASKS_NAMESPACE: &str = "Microsoft.Exchange.Configuration.Tasks";

/// `$null` binds only to an optional parameter of a reference type, as PowerShell binds it.
fn check_null(cmdlet: &str, p: &ParamSpec) -> Result<(), ShellError> {
    if p.mandatory {
        return Err(errors::null_not_allowed(cmdlet, &p.name));
    }
    let value_type = matches!(p.kind.as_str(), "Boolean" | "SwitchParameter" | "Int32")
        || allowed_values(p).is_some();
    if value_type {
        return Err(errors::bad_argument(
            cmdlet,
            &p.name,
            &format!("Cannot convert null to type \"{}\".", p.kind),
        ));
    }
    Ok(())
}

/// What PowerShell's conversion of `''` to the parameter's type throws, if it throws: every
/// `*IdParameter` constructor refuses an empty identity (ErrorEmptyParameter), and `System.Uri`
/// an empty URI. Clearing such a value takes `$null`.
fn check_empty(cmdlet: &str, p: &ParamSpec, value: &str) -> Result<(), ShellError> {
    if !value.is_empty() {
        return Ok(());
    }
    let detail = if p.kind.ends_with("IdParameter") {
        let full = format!("{TASKS_NAMESPACE}.{}", p.kind);
        format!("Cannot convert value \"\" to type \"{full}\". Error: \"Parameter values of type {full} can't be empty. Specify a value, and try again.\r\nParameter name: identity\"")
    } else if p.kind == "Uri" {
        "Cannot convert value \"\" to type \"System.Uri\". Error: \"Invalid URI: The URI is empty.\"".to_owned()
    } else {
        return Ok(());
    };
    Err(errors::bad_argument(cmdlet, &p.name, &detail))
}

fn check_type(cmdlet: &str, p: &ParamSpec, value: &ParamValue) -> Result<(), ShellError> {
    match value {
        ParamValue::Null => return check_null(cmdlet, p),
        ParamValue::String(s) => check_empty(cmdlet, p, s)?,
        _ => {}
    }
    let ok = match (p.kind.as_str(), value) {
        ("Boolean", ParamValue::Bool(_)) => true,
        ("SwitchParameter", ParamValue::Switch(_) | ParamValue::Bool(_)) => true,
        ("Int32", ParamValue::Int(_)) => true,
        ("MultiValuedProperty" | "String[]", ParamValue::StringList(_) | ParamValue::String(_)) => {
            true
        }
        ("Boolean" | "SwitchParameter" | "Int32" | "MultiValuedProperty" | "String[]", _) => false,
        (_, ParamValue::String(_) | ParamValue::Enum(_)) => true,
        _ => false,
    };
    if !ok {
        return Err(errors::bad_argument(
            cmdlet,
            &p.name,
            &format!("Cannot convert the value to type \"{}\".", p.kind),
        ));
    }
    if let (Some(allowed), ParamValue::String(v) | ParamValue::Enum(v)) = (allowed_values(p), value)
    {
        // Flags enums (AllowedServices) take comma-separated names.
        let bad = v
            .split(',')
            .map(str::trim)
            .find(|part| !allowed.iter().any(|a| a.eq_ignore_ascii_case(part)));
        if bad.is_some() {
            return Err(errors::bad_argument(
                cmdlet,
                &p.name,
                &format!(
                    "Cannot convert value \"{v}\" to type \"{}\". Error: \"Unable to match the identifier name {v} to a valid enumerator name. Specify one of the following enumerator names and try again: {}\"",
                    p.kind,
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
