//! A scenario: what a real Exchange 2013 organization answers, phase by phase.
//!
//! The file (`scenario.toml`) names the organization and lists phases. Each phase has rules;
//! a rule matches one invocation by its PowerShell line (as [`render`] writes it, e.g.
//! `Set-Mailbox -Identity 'alexw@contoso.com' -SharingPolicy $null`) and answers with CLIXML
//! documents from files beside the scenario, or with an error as Exchange reports it.
//!
//! Phases model the organization changing: a write (any cmdlet that is not `Get-`/`Test-`)
//! that succeeds moves to the next phase unless it says `advance = false`, so reads after it
//! answer the new state; a write answered with an error changes nothing. A phase's reads fall back to those of its `base` phase (by default the previous
//! one), so a phase lists only what changed; writes are never inherited (each write is
//! expected exactly where the scenario puts it).

use std::path::{Path, PathBuf};

use fedshare_exchange::script::render_invocation;
use fedshare_exchange::Invocation;
use serde::Deserialize;

use crate::ReplayError;

/// The build a remote session to Exchange 2013 CU23 reports (`AdminDisplayVersion`).
pub const EXCHANGE_2013_CU23: &str = "Version 15.0 (Build 1497.2)";

/// A loaded scenario: its phases with every answer read into memory.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub organization: String,
    pub exchange_version: String,
    pub phases: Vec<Phase>,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub name: String,
    /// Index of the phase whose reads this one falls back to.
    pub base: Option<usize>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    /// The invocation as one PowerShell line.
    pub invoke: String,
    pub reply: Reply,
    /// Whether matching this rule moves the scenario to the next phase.
    pub advance: bool,
}

/// What a rule answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// One CLIXML document per output object (`<Objs ...>` as `PSSerializer` writes it).
    Output(Vec<String>),
    Error(ShellErrorSpec),
}

/// An error as the PowerShell host reports a failed cmdlet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShellErrorSpec {
    /// The exception type name, e.g. `OrgsStillUsingThisTrustException`.
    pub exception: String,
    pub message: String,
    /// PowerShell's ErrorCategory, e.g. `InvalidOperation`.
    pub category: String,
    /// The FullyQualifiedErrorId; defaults to Exchange's `[Server=...] <id>,<cmdlet class>`
    /// form built from the exception name.
    #[serde(default)]
    pub error_id: Option<String>,
}

/// The file form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    organization: String,
    #[serde(default)]
    exchange_version: Option<String>,
    phase: Vec<PhaseFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseFile {
    name: String,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    rule: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    invoke: String,
    /// Files of CLIXML documents, read in order; each file holds one or more `<Objs>`.
    #[serde(default)]
    answer: Option<Vec<String>>,
    #[serde(default)]
    error: Option<ShellErrorSpec>,
    #[serde(default)]
    advance: Option<bool>,
}

/// The invocation as a scenario names it: the script exporter's line, so a rule reads like
/// the cmdlet an administrator would type and `$null` clears are visible as such.
pub fn render(invocation: &Invocation) -> String {
    render_invocation(invocation)
}

/// Reads are `Get-` and `Test-` cmdlets; everything else changes the organization.
pub fn is_write(line: &str) -> bool {
    let verb = line.split('-').next().unwrap_or_default();
    !(verb.eq_ignore_ascii_case("Get") || verb.eq_ignore_ascii_case("Test"))
}

impl Scenario {
    /// Loads `scenario.toml` (or any file of that form) and the answer files beside it.
    pub fn load(path: &Path) -> Result<Scenario, ReplayError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReplayError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let file: ScenarioFile = toml::from_str(&text).map_err(|e| ReplayError::Scenario {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Scenario::from_file(file, &dir).map_err(|reason| ReplayError::Scenario {
            path: path.display().to_string(),
            reason,
        })
    }

    fn from_file(file: ScenarioFile, dir: &Path) -> Result<Scenario, String> {
        let names: Vec<String> = file.phase.iter().map(|p| p.name.clone()).collect();
        let mut phases = Vec::new();
        for (i, phase) in file.phase.into_iter().enumerate() {
            let base = match &phase.base {
                Some(name) => {
                    Some(names[..i].iter().position(|n| n == name).ok_or_else(|| {
                        format!("phase '{}': no earlier phase '{name}'", phase.name)
                    })?)
                }
                None => i.checked_sub(1),
            };
            let rules = phase
                .rule
                .into_iter()
                .map(|r| rule(r, dir))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("phase '{}': {e}", phase.name))?;
            phases.push(Phase {
                name: phase.name,
                base,
                rules,
            });
        }
        if phases.is_empty() {
            return Err("a scenario needs at least one phase".into());
        }
        Ok(Scenario {
            organization: file.organization,
            exchange_version: file
                .exchange_version
                .unwrap_or_else(|| EXCHANGE_2013_CU23.to_owned()),
            phases,
        })
    }

    /// The rule that answers `line` in phase `phase`: the phase's own rules first, then the
    /// reads of its base phases.
    pub fn find(&self, phase: usize, line: &str) -> Option<&Rule> {
        let own = self.phases[phase]
            .rules
            .iter()
            .find(|r| matches(&r.invoke, line));
        if own.is_some() {
            return own;
        }
        let mut at = self.phases[phase].base;
        while let Some(i) = at {
            let found = self.phases[i]
                .rules
                .iter()
                .find(|r| matches(&r.invoke, line) && !is_write(&r.invoke));
            if found.is_some() {
                return found;
            }
            at = self.phases[i].base;
        }
        None
    }
}

/// Whether `line` is the rule's line, where `*` in the rule stands for any text (a value that
/// differs on every run, such as the new certificate's subject key identifier).
pub fn matches(rule: &str, line: &str) -> bool {
    let mut parts = rule.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn rule(file: RuleFile, dir: &Path) -> Result<Rule, String> {
    let invoke = file.invoke.trim().to_owned();
    let reply = match (file.answer, file.error) {
        (Some(_), Some(_)) => {
            return Err(format!("'{invoke}': a rule answers or fails, not both"));
        }
        (None, Some(error)) => Reply::Error(error),
        (answer, None) => {
            let mut docs = Vec::new();
            for name in answer.unwrap_or_default() {
                docs.extend(documents(&dir.join(&name)).map_err(|e| format!("'{invoke}': {e}"))?);
            }
            Reply::Output(docs)
        }
    };
    Ok(Rule {
        advance: file.advance.unwrap_or_else(|| is_write(&invoke)),
        invoke,
        reply,
    })
}

/// The CLIXML documents of one answer file, one per output object, in file order.
pub fn documents(path: &PathBuf) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<Objs") {
        let Some(len) = rest[start..].find("</Objs>") else {
            return Err(format!("{}: an <Objs> is not closed", path.display()));
        };
        let end = start + len + "</Objs>".len();
        out.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    if out.is_empty() {
        return Err(format!("{}: no <Objs> document", path.display()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_stands_for_any_text() {
        let rule = "New-ExchangeCertificate -FriendlyName 'F' -SubjectKeyIdentifier '*'";
        assert!(matches(
            rule,
            "New-ExchangeCertificate -FriendlyName 'F' -SubjectKeyIdentifier 'ab12'"
        ));
        assert!(!matches(
            rule,
            "New-ExchangeCertificate -FriendlyName 'G' -SubjectKeyIdentifier 'ab12'"
        ));
        assert!(!matches(
            rule,
            "New-ExchangeCertificate -FriendlyName 'F' -SubjectKeyIdentifier 'ab12' -Force"
        ));
        assert!(matches("Get-SharingPolicy", "Get-SharingPolicy"));
        assert!(!matches(
            "Get-SharingPolicy",
            "Get-SharingPolicy -Identity 'x'"
        ));
        assert!(matches("a*b*c", "a-b-b-c"));
    }

    #[test]
    fn reads_and_tests_are_not_writes() {
        assert!(!is_write("Get-FederationTrust"));
        assert!(!is_write("Test-OrganizationRelationship -Identity 'A'"));
        assert!(is_write("Set-Mailbox -Identity 'a' -SharingPolicy $null"));
        assert!(is_write("Remove-FederationTrust -Identity 'x'"));
    }

    #[test]
    fn a_phase_falls_back_to_its_base_for_reads_only() {
        let file: ScenarioFile = toml::from_str(
            r#"
organization = "Contoso"
[[phase]]
name = "a"
[[phase.rule]]
invoke = "Get-SharingPolicy"
[[phase.rule]]
invoke = "New-SharingPolicy -Name 'x'"
[[phase]]
name = "b"
"#,
        )
        .expect("toml");
        let s = Scenario::from_file(file, Path::new(".")).expect("scenario");
        assert!(s.find(1, "Get-SharingPolicy").is_some());
        assert!(s.find(1, "New-SharingPolicy -Name 'x'").is_none());
        assert!(s
            .find(0, "New-SharingPolicy -Name 'x'")
            .is_some_and(|r| r.advance));
        assert_eq!(s.exchange_version, EXCHANGE_2013_CU23);
    }
}
