//! The one error type of the Exchange layer. Every message names what is wrong and what to do.

use std::time::Duration;

use fedshare_model::ErrorCode;

use crate::protocol::ShellError;

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("{cmdlet} is not a cmdlet Fedshare runs; use one of the catalog cmdlets{}", suggest(.suggestion))]
    UnknownCmdlet {
        cmdlet: String,
        suggestion: Option<String>,
    },

    #[error("{cmdlet}: -{parameter} is not a parameter of {cmdlet}; remove it{}", suggest_param(.suggestion))]
    UnknownParameter {
        cmdlet: String,
        parameter: String,
        suggestion: Option<String>,
    },

    #[error("{cmdlet}: -{parameter} takes {expected} (Exchange type {exchange_type}), not {got}; pass {expected}")]
    WrongType {
        cmdlet: String,
        parameter: String,
        exchange_type: String,
        expected: &'static str,
        got: &'static str,
    },

    #[error("{cmdlet}: -{parameter} '{value}' is not allowed; {fix}")]
    ValueNotAllowed {
        cmdlet: String,
        parameter: String,
        value: String,
        fix: String,
    },

    #[error("{cmdlet}: {} required; add {}", missing_subject(.missing), missing_fix(.missing))]
    MissingParameter {
        cmdlet: String,
        missing: Vec<String>,
    },

    #[error("{cmdlet}: -{parameter} is given more than once; keep only one")]
    DuplicateParameter { cmdlet: String, parameter: String },

    #[error("{cmdlet}: {} cannot be used together (they belong to different parameter sets); remove one of them", dashed(.parameters))]
    ParameterSetConflict {
        cmdlet: String,
        parameters: Vec<String>,
    },

    #[error("could not start the shell host `{program}`; check that it is installed and on PATH")]
    HostStart {
        program: String,
        #[source]
        source: std::io::Error,
    },

    #[error("the shell host broke the protocol ({reason}); the next call starts a new host. Line: {excerpt}")]
    HostGarbage { reason: String, excerpt: String },

    #[error("the shell host exited unexpectedly ({status}); the next call restarts it. Last stderr: {stderr_tail}")]
    HostExited { status: String, stderr_tail: String },

    #[error("the shell host did not answer {what} within {} ms; it was stopped and the next call restarts it", .after.as_millis())]
    HostTimeout { what: String, after: Duration },

    #[error("the shell host speaks protocol {got} but Fedshare needs {expected}; install the matching host version")]
    ProtocolMismatch { expected: u32, got: u32 },

    #[error("{cmdlet} returned output Fedshare cannot read ({reason}); the shell host may not match this Fedshare version: reinstall Fedshare, and report it with the log of `-vv` if it persists")]
    UnexpectedOutput { cmdlet: String, reason: String },

    #[error("{cmdlet} failed: {} ({}, {})", .error.message, .error.exception, .error.error_id)]
    CmdletFailed { cmdlet: String, error: ShellError },

    #[error("script line {line}, column {column}: {reason}")]
    ScriptParse {
        line: usize,
        column: usize,
        reason: String,
    },

    #[error(
        "'{name}' is not a script variable or property name: a letter, then letters and digits"
    )]
    ScriptName { name: String },

    #[error("${name} is used before a command of the script assigns it")]
    ScriptUnassigned { name: String },
}

impl ErrorCode for ExchangeError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownCmdlet { .. } => "exchange.unknown_cmdlet",
            Self::UnknownParameter { .. } => "exchange.unknown_parameter",
            Self::WrongType { .. } => "exchange.wrong_type",
            Self::ValueNotAllowed { .. } => "exchange.value_not_allowed",
            Self::MissingParameter { .. } => "exchange.missing_parameter",
            Self::DuplicateParameter { .. } => "exchange.duplicate_parameter",
            Self::ParameterSetConflict { .. } => "exchange.parameter_set_conflict",
            Self::HostStart { .. } => "exchange.host_start",
            Self::HostGarbage { .. } => "exchange.host_garbage",
            Self::HostExited { .. } => "exchange.host_exited",
            Self::HostTimeout { .. } => "exchange.host_timeout",
            Self::ProtocolMismatch { .. } => "exchange.protocol_mismatch",
            Self::UnexpectedOutput { .. } => "exchange.unexpected_output",
            Self::CmdletFailed { .. } => "exchange.cmdlet_failed",
            Self::ScriptParse { .. } => "exchange.script_parse",
            Self::ScriptName { .. } => "exchange.script_name",
            Self::ScriptUnassigned { .. } => "exchange.script_unassigned",
        }
    }
}

fn suggest(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}

fn suggest_param(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" or use -{s}"))
        .unwrap_or_default()
}

fn dashed(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("-{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn missing_subject(missing: &[String]) -> String {
    match missing {
        [one] => format!("-{one} is"),
        _ => format!("{} are", dashed(missing)),
    }
}

fn missing_fix(missing: &[String]) -> String {
    dashed(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem_and_the_fix() {
        let err = ExchangeError::MissingParameter {
            cmdlet: "New-SharingPolicy".into(),
            missing: vec!["Name".into(), "Domains".into()],
        };
        assert_eq!(
            err.to_string(),
            "New-SharingPolicy: -Name, -Domains are required; add -Name, -Domains"
        );
        assert_eq!(err.code(), "exchange.missing_parameter");
        let err = ExchangeError::UnknownParameter {
            cmdlet: "Get-SharingPolicy".into(),
            parameter: "Ident".into(),
            suggestion: Some("Identity".into()),
        };
        assert_eq!(
            err.to_string(),
            "Get-SharingPolicy: -Ident is not a parameter of Get-SharingPolicy; remove it or use -Identity"
        );
    }

    #[test]
    fn codes_are_stable_and_dotted() {
        let timeout = ExchangeError::HostTimeout {
            what: "Get-FederationTrust".into(),
            after: Duration::from_millis(300),
        };
        assert_eq!(timeout.code(), "exchange.host_timeout");
        assert_eq!(
            timeout.to_string(),
            "the shell host did not answer Get-FederationTrust within 300 ms; it was stopped and the next call restarts it"
        );
        let parse = ExchangeError::ScriptParse {
            line: 3,
            column: 7,
            reason: "x".into(),
        };
        assert_eq!(parse.code(), "exchange.script_parse");
        let mismatch = ExchangeError::ProtocolMismatch {
            expected: 1,
            got: 2,
        };
        assert_eq!(mismatch.code(), "exchange.protocol_mismatch");
    }

    #[test]
    fn cmdlet_failure_keeps_the_shell_error() {
        let err = ExchangeError::CmdletFailed {
            cmdlet: "New-FederationTrust".into(),
            error: ShellError {
                category: "InvalidOperation".into(),
                exception: "TrustAlreadyDefinedException".into(),
                message: "A federation trust is already set up.".into(),
                error_id: "X,Microsoft.Exchange.Management.NewFederationTrust".into(),
            },
        };
        let payload = err.to_payload();
        assert_eq!(payload.code, "exchange.cmdlet_failed");
        assert!(payload.message.contains("TrustAlreadyDefinedException"));
    }
}
