//! An invocation is a cmdlet name and named parameters with typed values: data, never code.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A typed parameter value. The JSON form is tagged so the host can splat it faithfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
#[ts(export)]
pub enum ParamValue {
    String(String),
    Bool(bool),
    Int(i64),
    /// A value of an enumeration such as `FreeBusyAccessLevel`; validated against the allowed list.
    Enum(String),
    StringList(Vec<String>),
    /// A switch parameter: `-Default` (true) or `-Default:$false` (false).
    Switch(bool),
    /// `$null`: clears an optional value (a sharing policy, a scope group, a target URI).
    /// Exchange refuses `''` for these (an `*IdParameter` cannot be empty), so clearing must
    /// send null. The catalog allows it only where PowerShell binds null.
    Null,
}

/// One cmdlet call with its parameters in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Invocation {
    pub cmdlet: String,
    pub params: Vec<(String, ParamValue)>,
}

impl Invocation {
    pub fn new(cmdlet: impl Into<String>) -> Self {
        Self {
            cmdlet: cmdlet.into(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter; builder style so plans read like the cmdlet line they produce.
    pub fn param(mut self, name: impl Into<String>, value: ParamValue) -> Self {
        self.params.push((name.into(), value));
        self
    }

    pub fn string(self, name: &str, value: impl Into<String>) -> Self {
        self.param(name, ParamValue::String(value.into()))
    }

    pub fn bool(self, name: &str, value: bool) -> Self {
        self.param(name, ParamValue::Bool(value))
    }

    pub fn enumeration(self, name: &str, value: impl Into<String>) -> Self {
        self.param(name, ParamValue::Enum(value.into()))
    }

    pub fn list(self, name: &str, values: Vec<String>) -> Self {
        self.param(name, ParamValue::StringList(values))
    }

    /// `-Name $null`: clears the property.
    pub fn null(self, name: &str) -> Self {
        self.param(name, ParamValue::Null)
    }

    pub fn switch(self, name: &str) -> Self {
        self.param(name, ParamValue::Switch(true))
    }

    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}
