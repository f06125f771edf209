//! `fedshare explain "TEXT"` (or `-` for stdin): the likely causes of an error text, the
//! checks that confirm each, and the fixes.

use std::fmt::Write as _;
use std::io::Read as _;

use clap::Args;
use fedshare_checks::Explanation;
use fedshare_model::ErrorPayload;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The error text as copied from the shell, OWA, an Outlook or HCW log; `-` reads stdin.
    pub text: String,
}

pub fn run(global: &Global, args: ExplainArgs) -> Outcome {
    let text = if args.text == "-" {
        let mut buf = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut buf) {
            return Outcome {
                json: global.json,
                result: Err(ErrorPayload {
                    code: "cli.stdin".into(),
                    message: "could not read the error text from stdin".into(),
                    detail: Some(e.to_string()),
                }),
            };
        }
        buf
    } else {
        args.text
    };
    let found = fedshare_checks::explain(&text);
    let mut out = Output::new(&found, render(&found));
    // Nothing recognised is worth an exit code: scripts can tell it from an explanation.
    out.findings = found.is_empty();
    Outcome {
        json: global.json,
        result: Ok(out),
    }
}

fn render(found: &[Explanation]) -> String {
    let mut out = String::new();
    if found.is_empty() {
        let _ = writeln!(out, "No known cause matches this text. Run `fedshare verify` to check the whole configuration.");
        return out;
    }
    for (i, e) in found.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, e.cause);
        let _ = writeln!(out, "   matched: {}", e.matched);
        if !e.confirm_with.is_empty() {
            let _ = writeln!(out, "   confirm with checks: {}", e.confirm_with.join(", "));
        }
        for f in &e.fixes {
            let _ = writeln!(out, "   fix: {}", f.summary);
            for c in &f.commands {
                let _ = writeln!(out, "     {c}");
            }
        }
    }
    out
}
