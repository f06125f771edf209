//! The statements of an exported script: cmdlet calls whose output later calls use, as
//! Microsoft's own examples write them (`$cert = New-ExchangeCertificate ...` then
//! `New-FederationTrust -Thumbprint $cert.Thumbprint`).
//!
//! A value an earlier call produces is a typed [`Reference`] (a variable and a property, both
//! names Fedshare chooses and checks), never text spliced into a line: user values are still
//! literals, quoted by the renderer.

use crate::catalog;
use crate::error::ExchangeError;
use crate::invocation::{Invocation, ParamValue};

/// A script variable: a letter, then letters and digits (no scope, no braces, no `$_`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variable(String);

impl Variable {
    pub fn new(name: &str) -> Result<Self, ExchangeError> {
        checked_name(name).map(Self)
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

/// A property of the object(s) an earlier statement stored: `$certificate.Thumbprint`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    pub variable: Variable,
    pub property: String,
}

impl Reference {
    pub fn new(variable: Variable, property: &str) -> Result<Self, ExchangeError> {
        Ok(Self {
            variable,
            property: checked_name(property)?,
        })
    }

    pub fn render(&self) -> String {
        format!("${}.{}", self.variable.name(), self.property)
    }
}

/// A parameter's value: a literal, or what an earlier statement produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Value(ParamValue),
    Reference(Reference),
}

/// A cmdlet call whose parameters may refer to earlier output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cmdlet: String,
    pub args: Vec<(String, Arg)>,
}

impl Command {
    /// A call with literal values only.
    pub fn literal(inv: &Invocation) -> Self {
        Self {
            cmdlet: inv.cmdlet.clone(),
            args: inv
                .params
                .iter()
                .map(|(n, v)| (n.clone(), Arg::Value(v.clone())))
                .collect(),
        }
    }

    pub fn references(&self) -> impl Iterator<Item = &Reference> {
        self.args.iter().filter_map(|(_, a)| match a {
            Arg::Reference(r) => Some(r),
            Arg::Value(_) => None,
        })
    }

    /// The invocation to run once every reference has a value (`lookup`); the first
    /// reference without one otherwise.
    pub fn resolve(
        &self,
        mut lookup: impl FnMut(&Reference) -> Option<ParamValue>,
    ) -> Result<Invocation, Reference> {
        let mut inv = Invocation::new(self.cmdlet.clone());
        for (name, arg) in &self.args {
            let value = match arg {
                Arg::Value(v) => v.clone(),
                Arg::Reference(r) => lookup(r).ok_or_else(|| r.clone())?,
            };
            inv = inv.param(name.clone(), value);
        }
        Ok(inv)
    }

    /// Catalog validation: literal values as always; a referenced parameter must exist and
    /// counts towards its parameter set (its value is only known when the script runs).
    pub(crate) fn validate(&self) -> Result<(), ExchangeError> {
        let literal = Invocation {
            cmdlet: self.cmdlet.clone(),
            params: self
                .args
                .iter()
                .filter_map(|(n, a)| match a {
                    Arg::Value(v) => Some((n.clone(), v.clone())),
                    Arg::Reference(_) => None,
                })
                .collect(),
        };
        let referenced: Vec<&str> = self
            .args
            .iter()
            .filter(|(_, a)| matches!(a, Arg::Reference(_)))
            .map(|(n, _)| n.as_str())
            .collect();
        catalog::validate_with_references(&literal, &referenced)
    }
}

/// Keeps the output objects whose property equals a value:
/// `| Where-Object -Property 'Name' -EQ -Value 'OrgPrivCertificate'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub property: String,
    pub equals: String,
}

/// One line of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// Runs a command; its output (filtered when `filter` says so) is stored in `assign` when
    /// later statements use it.
    Run {
        assign: Option<Variable>,
        command: Command,
        filter: Option<Filter>,
    },
    /// Shows a stored value to the administrator: `Write-Host -Object $proof1.Proof`.
    Show(Reference),
    /// Waits for the administrator: `Read-Host -Prompt '...'`.
    Pause(String),
}

impl Statement {
    /// A plain call of `inv`.
    pub fn run(inv: Invocation) -> Self {
        Statement::Run {
            assign: None,
            command: Command::literal(&inv),
            filter: None,
        }
    }
}

/// The cmdlets a script may use besides the catalog's, with the one form each is written in.
pub(crate) const WHERE: &str = "Where-Object";
pub(crate) const SHOW: &str = "Write-Host";
pub(crate) const PAUSE: &str = "Read-Host";

pub(crate) fn checked_name(name: &str) -> Result<String, ExchangeError> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(name.to_owned())
    } else {
        Err(ExchangeError::ScriptName {
            name: name.to_owned(),
        })
    }
}
