//! The PowerShell scripts of the Windows CI workflow (tests/windows/, run by
//! .github/workflows/windows.yml and by hand) parse without errors, checked with the same
//! tree-sitter grammar as the host script: a syntax slip shows up here, not first on Windows.

use fedshare_exchange::syntax;

const SCRIPTS: [(&str, &str); 2] = [
    (
        "tests/windows/host-roundtrip.ps1",
        include_str!("../../../tests/windows/host-roundtrip.ps1"),
    ),
    (
        "tests/windows/fake-exchange.ps1",
        include_str!("../../../tests/windows/fake-exchange.ps1"),
    ),
];

#[test]
fn windows_test_scripts_parse_without_errors() {
    for (path, text) in SCRIPTS {
        let tree = syntax::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let problems = syntax::problems(&tree);
        assert!(problems.is_empty(), "{path}: {problems:?}");
    }
}

/// The round trip must start the host the engine's way, not a copy of it that could drift.
#[test]
fn the_round_trip_takes_the_host_command_from_the_engine() {
    let script = SCRIPTS[0].1;
    assert!(script.contains("--example host_command"));
    assert!(script.contains("$info.FileName = $spec.program"));
    assert!(script.contains("$info.Arguments = $spec.arguments"));
    assert!(script.contains("Send-Text $process $spec.preamble"));
    assert!(!script.contains("[Convert]::ToBase64String"));
}
