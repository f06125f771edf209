//! The exported script runs as exported: `fedshare script PLAN -o setup.ps1` from a fresh lab
//! writes no `<placeholder>` values, and replaying its commands one by one against another
//! fresh lab (each line's cmdlet and parameters sent as an invocation to the lab's shell host,
//! variables resolved from the output of the earlier lines) reaches the state `fedshare apply`
//! reaches.
//!
//! The plan publishes its records in Windows DNS Server, so every step of the script is a
//! command (the lab's DNS server plays the Windows DNS Server); in RFC 2136 or manual mode the
//! script shows each record's value and pauses for the administrator instead.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{succeed, windows_plan, BIN};
use fedshare_engine::{AppPaths, Profile, Session};
use fedshare_exchange::script::{parse_statements, Filter, Reference, Statement, Variable};
use fedshare_exchange::ParamValue;
use serde_json::Value;

/// A fresh lab in its own data directory.
fn fresh_lab(root: &Path, name: &str) -> PathBuf {
    let data = root.join(name);
    std::fs::create_dir_all(&data).expect("data dir");
    succeed(&data, &["lab", "init"]);
    data
}

/// What a stored variable holds: the output objects of its command, filtered.
type Variables = BTreeMap<Variable, Vec<Value>>;

fn lookup(vars: &Variables, r: &Reference) -> Option<ParamValue> {
    let first = vars.get(&r.variable)?.first()?;
    match first.get(&r.property)? {
        Value::String(s) => Some(ParamValue::String(s.clone())),
        Value::Null => None,
        other => Some(ParamValue::String(other.to_string())),
    }
}

fn keep(objects: Vec<Value>, filter: &Option<Filter>) -> Vec<Value> {
    let Some(f) = filter else {
        return objects;
    };
    objects
        .into_iter()
        .filter(|o| o.get(&f.property).and_then(Value::as_str) == Some(f.equals.as_str()))
        .collect()
}

/// Runs the script's statements in order against the lab of `data`, as a person running the
/// script would: each command goes to the shell host, output is kept where it is assigned.
async fn replay(data: &Path, script: &str) -> usize {
    let statements = parse_statements(script).expect("the exported script reads back");
    let paths = AppPaths::under(data.to_path_buf());
    let session = Session::new(Profile::lab(), paths, PathBuf::from(BIN));
    let mut vars = Variables::new();
    let mut commands = 0;
    for statement in statements {
        match statement {
            Statement::Run {
                assign,
                command,
                filter,
            } => {
                let inv = command
                    .resolve(|r| lookup(&vars, r))
                    .unwrap_or_else(|r| panic!("{} has no value yet", r.render()));
                let output = session
                    .invoke(&inv)
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", inv.cmdlet));
                commands += 1;
                if let Some(v) = assign {
                    vars.insert(v, keep(output, &filter));
                }
            }
            Statement::Show(r) => {
                let value = lookup(&vars, &r);
                assert!(value.is_some(), "{} shows nothing", r.render());
            }
            // The lab's Windows DNS Server answers at once: nothing to wait for.
            Statement::Pause(_) => {}
        }
    }
    drop(session);
    commands
}

/// The lab world with what is random per lab (certificates' keys and thumbprints, proofs
/// derived from them, TSIG and CA material) and clock times replaced by markers.
fn comparable(data: &Path) -> Value {
    let text = std::fs::read_to_string(data.join("lab/lab-world.json")).expect("the lab world");
    let mut world: Value = serde_json::from_str(&text).expect("world JSON");
    normalise(&mut world);
    world
}

fn is_random_token(s: &str) -> bool {
    s.len() >= 20
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

fn normalise(v: &mut Value) {
    match v {
        Value::String(s) if is_random_token(s) => *s = "<random>".into(),
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let k = key.to_ascii_lowercase();
                if ["notbefore", "notafter", "time", "date", "when", "pem"]
                    .iter()
                    .any(|t| k.contains(t))
                {
                    *value = Value::String("<clock or key>".into());
                } else {
                    normalise(value);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn the_exported_script_replayed_against_the_lab_reaches_the_applied_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = windows_plan(dir.path(), r#"["contoso.com"]"#);

    let scripted = fresh_lab(dir.path(), "scripted");
    let file = dir.path().join("setup.ps1");
    succeed(&scripted, &["script", &plan, "-o", file.to_str().unwrap()]);
    let script = std::fs::read_to_string(&file).expect("setup.ps1");
    assert!(
        !script.contains("'<") && !script.contains("\"<") && !script.contains("<thumbprint"),
        "a placeholder value:\n{script}"
    );
    for line in [
        "$certificate = New-ExchangeCertificate",
        "-Thumbprint $certificate.Thumbprint",
        "$proof1 = Get-FederatedDomainProof -DomainName 'contoso.com' | Where-Object -Property 'Name' -EQ -Value 'OrgPrivCertificate'",
        "-Txt -DescriptiveText $proof1.Proof",
        "$partner1 = Get-FederationInformation -DomainName 'fabrikam.com'",
        "-TargetApplicationUri $partner1.TargetApplicationUri -TargetAutodiscoverEpr $partner1.TargetAutodiscoverEpr",
    ] {
        assert!(script.contains(line), "{line}\n{script}");
    }

    let applied = fresh_lab(dir.path(), "applied");
    succeed(&applied, &["apply", &plan, "--yes"]);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let commands = runtime.block_on(replay(&scripted, &script));
    assert!(commands >= 10, "only {commands} commands replayed");

    // Nothing is left to do after the replay, and the world is the one apply made.
    let again = succeed(&scripted, &["--json", "plan", &plan]);
    let again: Value = serde_json::from_slice(&again.stdout).expect("plan JSON");
    assert_eq!(again["steps"], serde_json::json!([]), "{again}");
    assert_eq!(comparable(&scripted), comparable(&applied));
}
