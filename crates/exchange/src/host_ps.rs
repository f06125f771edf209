//! The Windows PowerShell host: the embedded `fedshare-host.ps1` and how to start it.
//!
//! Startup: `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command -`
//! reads its program from stdin. The client writes [`preamble`] (the script as one `& { ... }`
//! statement with blank lines removed, then a single blank line), and then the protocol lines.
//! Blank lines are removed because `-Command -` reads stdin like the interactive prompt, where
//! an empty line ends a multi-line statement early; the final blank line submits the block.
//! The script has no multi-line string literals, so removing blank lines never changes data.
//! Nothing secret is on the command line: the credential travels in the hello line only.

use crate::catalog;
use crate::client::HostCommand;
use crate::script::quote;

/// The host script as stored in the repository, with the allowlist placeholder.
pub const HOST_SCRIPT: &str = include_str!("../host/fedshare-host.ps1");

/// The placeholder the allowlist replaces; it is a valid string literal so the raw file parses.
const ALLOWLIST_PLACEHOLDER: &str = "'__FEDSHARE_ALLOWLIST__'";

/// Which PowerShell runs the host. Exchange 2013 remoting needs Windows PowerShell 5.1 or 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerShell {
    /// `powershell.exe` (Windows PowerShell 5.1), present on every supported Windows.
    Windows,
    /// `pwsh` (PowerShell 7).
    Core,
}

impl PowerShell {
    pub fn program(self) -> &'static str {
        match self {
            PowerShell::Windows => "powershell.exe",
            PowerShell::Core => "pwsh",
        }
    }
}

/// The arguments that make PowerShell read its program from stdin, with no profile and no prompts.
pub const ARGS: [&str; 6] = [
    "-NoProfile",
    "-NonInteractive",
    "-ExecutionPolicy",
    "Bypass",
    "-Command",
    "-",
];

/// The script with the catalog's cmdlet names substituted as a single-quoted array literal.
pub fn script_text() -> String {
    let names: Vec<String> = catalog::cmdlet_names().iter().map(|n| quote(n)).collect();
    HOST_SCRIPT.replacen(ALLOWLIST_PLACEHOLDER, &names.join(", "), 1)
}

/// What the client writes to stdin before the hello line.
pub fn preamble() -> String {
    let mut text: String = script_text()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .flat_map(|line| [line, "\n"])
        .collect();
    text.push('\n');
    text
}

/// How to start the host: the program, the stdin-program arguments, and the preamble.
pub fn host_command(shell: PowerShell) -> HostCommand {
    HostCommand {
        program: shell.program().into(),
        args: ARGS.iter().map(|a| (*a).to_owned()).collect(),
        env_clear_secrets: true,
        preamble: Some(preamble().into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use tree_sitter::Node;

    use super::*;
    use crate::syntax;

    fn assert_clean(text: &str) {
        let tree = syntax::parse(text).expect("parse");
        let problems = syntax::problems(&tree);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn script_parses_without_errors() {
        assert_clean(HOST_SCRIPT);
        assert_clean(&script_text());
        assert_clean(&preamble());
    }

    #[test]
    fn script_never_evaluates_strings_as_code() {
        let lower = HOST_SCRIPT.to_ascii_lowercase();
        for banned in [
            "invoke-expression",
            "iex ",
            "iex(",
            "[scriptblock]::create",
            "addscript",
            "newscriptblock",
        ] {
            assert!(!lower.contains(banned), "{banned}");
        }
        // No here-strings: removing blank lines must never change a string.
        assert!(!HOST_SCRIPT.contains("@'") && !HOST_SCRIPT.contains("@\""));
    }

    fn strings_in_allowlist(node: Node, source: &str, inside: bool, found: &mut Vec<String>) {
        let text = &source[node.byte_range()];
        let inside = inside
            || (node.kind() == "assignment_expression" && text.starts_with("$allowedCmdlets"));
        if inside && node.kind() == "verbatim_string_characters" {
            let unquoted = text[1..text.len() - 1].replace("''", "'");
            found.push(unquoted);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            strings_in_allowlist(child, source, inside, found);
        }
    }

    #[test]
    fn substituted_allowlist_equals_the_catalog() {
        let text = preamble();
        let tree = syntax::parse(&text).expect("parse");
        let mut found = Vec::new();
        strings_in_allowlist(tree.root_node(), &text, false, &mut found);
        assert_eq!(found, catalog::cmdlet_names());
        assert!(!text.contains("__FEDSHARE_ALLOWLIST__"));
    }

    #[test]
    fn preamble_has_no_blank_line_before_the_end() {
        let text = preamble();
        assert!(text.ends_with("}\n\n"));
        assert!(!text.trim_end().contains("\n\n"));
        assert!(text.lines().any(|l| l.starts_with("& {")));
    }

    #[test]
    fn host_command_keeps_secrets_off_the_command_line() {
        let cmd = host_command(PowerShell::Windows);
        assert_eq!(cmd.program, "powershell.exe");
        assert_eq!(cmd.args, ARGS);
        assert!(cmd.env_clear_secrets);
        assert_eq!(host_command(PowerShell::Core).program, "pwsh");
    }
}
