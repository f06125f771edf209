//! The Windows PowerShell host: the embedded `fedshare-host.ps1`, its bootstrap, and how to
//! start them.
//!
//! Startup: `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -InputFormat None
//! -EncodedCommand <bootstrap>`. Only one reader may ever touch stdin: under `-Command -`
//! Windows PowerShell 5.1's ConsoleHost reads stdin through its own buffered reader, so bytes of
//! the hello line could vanish into it, and with any initial command it also feeds redirected
//! stdin to the command's `$input` through that reader. `-InputFormat None` turns that feeding
//! off, and the program arrives as `-EncodedCommand` (base64 of UTF-16LE) instead of on stdin.
//!
//! The short [`BOOTSTRAP`] opens `[Console]::OpenStandardInput()` once as a UTF-8 reader, reads
//! the host script framed by [`preamble`] (its length in UTF-16 code units on the first line,
//! then exactly that many characters), makes it a script block, and runs it with the same
//! reader, from which the script then reads the protocol lines. That `[scriptblock]::Create`
//! is the only place code is built from text, and the text is our own embedded script; requests
//! stay data (see the script's rules). Nothing secret is on the command line: the credential
//! travels in the hello line only.

use base64::Engine as _;

use crate::catalog;
use crate::client::HostCommand;
use crate::protocol::PROTOCOL_VERSION;
use crate::rbac;
use crate::script::quote;

/// The host script as stored in the repository, with the allowlist placeholder.
pub const HOST_SCRIPT: &str = include_str!("../host/fedshare-host.ps1");

/// The bootstrap passed as `-EncodedCommand`: reads the host script from stdin and runs it.
pub const BOOTSTRAP: &str = include_str!("../host/bootstrap.ps1");

/// The placeholder the allowlist replaces; it is a valid string literal so the raw file parses.
const ALLOWLIST_PLACEHOLDER: &str = "'__FEDSHARE_ALLOWLIST__'";
/// The placeholder the table of missing-cmdlet messages replaces (a hashtable of strings).
const ADVICE_PLACEHOLDER: &str = "'__FEDSHARE_ADVICE__' = ''";
/// The placeholder the protocol version replaces.
const PROTOCOL_PLACEHOLDER: &str = "'__FEDSHARE_PROTOCOL__'";

/// Windows' limit on a CreateProcess command line, in UTF-16 code units including the NUL.
pub const WINDOWS_COMMAND_LINE_LIMIT: usize = 32_767;

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

/// The arguments before the encoded bootstrap: no profile, no prompts, and ConsoleHost never
/// reads stdin itself (`-InputFormat None`).
pub const ARGS: [&str; 6] = [
    "-NoProfile",
    "-NonInteractive",
    "-ExecutionPolicy",
    "Bypass",
    "-InputFormat",
    "None",
];

/// The script with the protocol version, the catalog's cmdlet names and what to say when one
/// is missing substituted as quoted data.
pub fn script_text() -> String {
    let names: Vec<String> = catalog::cmdlet_names().iter().map(|n| quote(n)).collect();
    let advice: Vec<String> = catalog::cmdlet_names()
        .iter()
        .map(|n| format!("{} = {}", quote(n), quote(&rbac::missing_message(n))))
        .collect();
    HOST_SCRIPT
        .replacen(PROTOCOL_PLACEHOLDER, &PROTOCOL_VERSION.to_string(), 1)
        .replacen(ALLOWLIST_PLACEHOLDER, &names.join(", "), 1)
        .replacen(ADVICE_PLACEHOLDER, &advice.join("; "), 1)
}

/// What the client writes to stdin before the hello line: the script's length in UTF-16 code
/// units (what .NET's `StreamReader.Read` counts) on one line, then the script itself.
pub fn preamble() -> String {
    let script = script_text();
    format!("{}\n{script}", script.encode_utf16().count())
}

/// `-EncodedCommand`'s value: base64 of the bootstrap in UTF-16LE.
pub fn encoded_bootstrap() -> String {
    let bytes: Vec<u8> = BOOTSTRAP
        .encode_utf16()
        .flat_map(|unit| unit.to_le_bytes())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// How to start the host: the program, the arguments with the encoded bootstrap, the preamble.
pub fn host_command(shell: PowerShell) -> HostCommand {
    let mut args: Vec<String> = ARGS.iter().map(|a| (*a).to_owned()).collect();
    args.push("-EncodedCommand".to_owned());
    args.push(encoded_bootstrap());
    HostCommand {
        program: shell.program().into(),
        args,
        env_clear_secrets: true,
        preamble: Some(preamble().into_bytes()),
    }
}

/// The command line CreateProcess receives for `program` and `args`, quoted the way Rust's
/// standard library quotes them on Windows: the program always in quotes, an argument only when
/// it is empty or holds a space, tab or quote (backslashes before a quote doubled).
pub fn windows_command_line(program: &str, args: &[String]) -> String {
    let mut line = format!("\"{program}\"");
    for arg in args {
        line.push(' ');
        if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
            line.push_str(arg);
            continue;
        }
        line.push('"');
        let mut backslashes = 0;
        for c in arg.chars() {
            match c {
                '\\' => backslashes += 1,
                '"' => {
                    line.extend(std::iter::repeat_n('\\', backslashes * 2 + 1));
                    backslashes = 0;
                    line.push('"');
                    continue;
                }
                _ => {
                    line.extend(std::iter::repeat_n('\\', backslashes));
                    backslashes = 0;
                }
            }
            if c != '\\' {
                line.push(c);
            }
        }
        line.extend(std::iter::repeat_n('\\', backslashes * 2));
        line.push('"');
    }
    line
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use tree_sitter::Node;

    use super::*;
    use crate::syntax;

    fn assert_clean(text: &str) {
        let tree = syntax::parse(text).expect("parse");
        let problems = syntax::problems(&tree);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn script_and_bootstrap_parse_without_errors() {
        assert_clean(HOST_SCRIPT);
        assert_clean(&script_text());
        assert_clean(BOOTSTRAP);
    }

    /// APIs that turn text into code, or run code elsewhere. The host script uses none of them.
    const EVALUATING: [&str; 12] = [
        "invoke-expression",
        "iex ",
        "iex(",
        "[scriptblock]",
        "scriptblock]::create",
        "addscript",
        "newscriptblock",
        "invokescript",
        "expandstring",
        "add-type",
        "invoke-command",
        "start-job",
    ];

    #[test]
    fn script_never_evaluates_strings_as_code() {
        let lower = HOST_SCRIPT.to_ascii_lowercase();
        for banned in EVALUATING {
            assert!(!lower.contains(banned), "{banned}");
        }
    }

    #[test]
    fn the_bootstrap_makes_code_only_of_the_script_it_read() {
        let lower = BOOTSTRAP.to_ascii_lowercase();
        // Exactly one script block is created, from the framed text read from stdin.
        assert_eq!(lower.matches("[scriptblock]::create(").count(), 1);
        assert!(lower.contains("& ([scriptblock]::create($fedsharetext.tostring())) $fedsharein"));
        for banned in EVALUATING.iter().filter(|b| !b.contains("scriptblock")) {
            assert!(!lower.contains(banned), "{banned}");
        }
        // One reader of stdin: opened once, and never [Console]::In.
        assert_eq!(lower.matches("openstandardinput").count(), 1);
        assert!(!lower.contains("[console]::in") && !lower.contains("$input"));
        assert!(!HOST_SCRIPT.to_ascii_lowercase().contains("[console]::in"));
        assert!(!HOST_SCRIPT
            .to_ascii_lowercase()
            .contains("openstandardinput"));
    }

    fn strings_in(node: Node, source: &str, variable: &str, inside: bool, found: &mut Vec<String>) {
        let text = &source[node.byte_range()];
        let inside =
            inside || (node.kind() == "assignment_expression" && text.starts_with(variable));
        if inside && node.kind() == "verbatim_string_characters" {
            let unquoted = text[1..text.len() - 1].replace("''", "'");
            found.push(unquoted);
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            strings_in(child, source, variable, inside, found);
        }
    }

    fn strings_of(variable: &str) -> Vec<String> {
        let text = script_text();
        let tree = syntax::parse(&text).expect("parse");
        let mut found = Vec::new();
        strings_in(tree.root_node(), &text, variable, false, &mut found);
        found
    }

    #[test]
    fn substituted_allowlist_equals_the_catalog() {
        assert_eq!(strings_of("$allowedCmdlets"), catalog::cmdlet_names());
        assert!(!script_text().contains("__FEDSHARE_"));
    }

    #[test]
    fn substituted_advice_names_each_cmdlet_with_its_message() {
        let found = strings_of("$missingAdvice");
        let expected: Vec<String> = catalog::cmdlet_names()
            .iter()
            .flat_map(|n| [(*n).to_owned(), rbac::missing_message(n)])
            .collect();
        assert_eq!(found, expected);
        // Only the DnsServer cmdlets speak of the DNS Server Tools.
        let set_mailbox = found.iter().position(|s| s == "Set-Mailbox").expect("row");
        assert!(found[set_mailbox + 1].contains("Mail Recipients"));
    }

    /// One value of every kind; the match fails to compile when a kind is added, so this test
    /// is revisited and the host taught the new kind.
    fn every_value_kind() -> Vec<crate::ParamValue> {
        use crate::ParamValue;
        let all = vec![
            ParamValue::String("x".into()),
            ParamValue::Bool(true),
            ParamValue::Int(1),
            ParamValue::Enum("LimitedDetails".into()),
            ParamValue::StringList(vec!["x".into()]),
            ParamValue::Switch(true),
            ParamValue::Null,
        ];
        for value in &all {
            match value {
                ParamValue::String(_)
                | ParamValue::Bool(_)
                | ParamValue::Int(_)
                | ParamValue::Enum(_)
                | ParamValue::StringList(_)
                | ParamValue::Switch(_)
                | ParamValue::Null => {}
            }
        }
        all
    }

    #[test]
    fn the_host_converts_every_value_kind_the_engine_sends() {
        let function = &HOST_SCRIPT[HOST_SCRIPT
            .find("function ConvertTo-ParameterValue")
            .expect("function")..];
        let function = &function[..function.find("\nfunction ").expect("next function")];
        for value in every_value_kind() {
            let json = serde_json::to_value(&value).expect("json");
            let kind = json["type"].as_str().expect("type tag");
            assert!(
                function.contains(&format!("'{kind}' {{")),
                "the host has no branch for '{kind}'"
            );
        }
        // Clearing sends $null, never ''.
        assert!(function.contains("'null' { return $null }"));
    }

    #[test]
    fn the_script_speaks_the_engines_protocol_version() {
        let text = script_text();
        assert!(
            text.contains(&format!("$protocolVersion = {PROTOCOL_VERSION}\n")),
            "the host script must announce PROTOCOL_VERSION"
        );
    }

    #[test]
    fn preamble_frames_the_script_by_its_utf16_length() {
        let text = preamble();
        let (length, script) = text.split_once('\n').expect("length line");
        assert_eq!(
            length.parse::<usize>().expect("number"),
            script.encode_utf16().count()
        );
        assert_eq!(script, script_text());
        // The hello line follows the script directly; the script ends with a newline so the
        // hello starts a fresh line for the script's own ReadLine.
        assert!(script.ends_with('\n'));
    }

    fn decode(encoded: &str) -> String {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        assert_eq!(bytes.len() % 2, 0, "UTF-16LE has an even number of bytes");
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16(&units).expect("UTF-16")
    }

    #[test]
    fn the_command_line_is_what_windows_runs_and_decodes_back_to_the_bootstrap() {
        let command = host_command(PowerShell::Windows);
        let line = windows_command_line(&command.program, &command.args);
        assert!(
            line.encode_utf16().count() < WINDOWS_COMMAND_LINE_LIMIT,
            "{} UTF-16 units",
            line.encode_utf16().count()
        );
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(
            words[..9],
            [
                "\"powershell.exe\"",
                "-NoProfile",
                "-NonInteractive",
                "-ExecutionPolicy",
                "Bypass",
                "-InputFormat",
                "None",
                "-EncodedCommand",
                words[8],
            ]
        );
        assert_eq!(
            words.len(),
            9,
            "nothing after the encoded bootstrap: {line}"
        );
        let bootstrap = decode(words[8]);
        assert_eq!(bootstrap, BOOTSTRAP);
        assert_clean(&bootstrap);
        // Nothing about the connection, let alone a secret, is on the command line.
        assert!(!line.to_ascii_lowercase().contains("credential"));
        assert!(command.env_clear_secrets);
        assert_eq!(command.preamble, Some(preamble().into_bytes()));
        assert_eq!(host_command(PowerShell::Core).program, "pwsh");
    }

    #[test]
    fn windows_quoting_follows_the_msvcrt_rules() {
        let args: Vec<String> = [
            "plain",
            "two words",
            "",
            "say \"hi\"",
            "C:\\dir\\",
            "a\\\"b",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(
            windows_command_line("C:\\Windows\\pwsh.exe", &args),
            "\"C:\\Windows\\pwsh.exe\" plain \"two words\" \"\" \"say \\\"hi\\\"\" C:\\dir\\ \"a\\\\\\\"b\""
        );
        assert_eq!(
            windows_command_line("p", &["x y\\".to_owned()]),
            "\"p\" \"x y\\\\\""
        );
    }
}
