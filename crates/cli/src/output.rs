//! One place decides how results and errors are printed and which exit code they give.

use std::process::ExitCode;

use fedshare_model::{ErrorCode, ErrorPayload};
use serde::Serialize;

/// What a command produced: the same data as JSON and as text for people.
#[derive(Debug)]
pub struct Output {
    pub json: serde_json::Value,
    pub text: String,
    /// True when the command found problems (exit code 1) although it ran.
    pub findings: bool,
}

impl Output {
    pub fn new<T: Serialize>(value: &T, text: String) -> Self {
        Self {
            json: serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
            text,
            findings: false,
        }
    }
}

/// A command's result together with the output mode it was asked for.
#[derive(Debug)]
pub struct Outcome {
    pub json: bool,
    pub result: Result<Output, ErrorPayload>,
}

impl Outcome {
    pub fn from<E: ErrorCode>(json: bool, result: Result<Output, E>) -> Self {
        Self {
            json,
            result: result.map_err(|e| e.to_payload()),
        }
    }
}

/// Prints the outcome and maps it to the documented exit codes.
pub fn finish(outcome: Outcome) -> ExitCode {
    match (outcome.result, outcome.json) {
        (Ok(out), true) => {
            println!("{}", pretty(&out.json));
            exit_for(out.findings)
        }
        (Ok(out), false) => {
            print!("{}", out.text);
            exit_for(out.findings)
        }
        (Err(err), true) => {
            let code = error_exit(&err);
            println!("{}", pretty(&serde_json::json!({ "error": err })));
            code
        }
        (Err(err), false) => {
            eprintln!("error: {} [{}]", err.message, err.code);
            if let Some(detail) = &err.detail {
                eprintln!("  {detail}");
            }
            error_exit(&err)
        }
    }
}

/// Usage errors found after parsing (codes `usage.*`) exit 2 like clap's own; the rest 1.
fn error_exit(err: &ErrorPayload) -> ExitCode {
    if err.code.starts_with("usage.") {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

fn exit_for(findings: bool) -> ExitCode {
    if findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
