//! Checking a step's verification against the live organization and DNS.

use serde_json::Value;

use crate::dns::Dns;
use crate::entries::{parse_entries, same_entries};
use crate::shell::Shell;
use crate::step::Verification;

/// `Ok` when the verification holds; otherwise what differed, in words.
pub async fn check<S: Shell, D: Dns>(shell: &S, dns: &D, v: &Verification) -> Result<(), String> {
    match v {
        Verification::Object { read, expect } => {
            let out = shell
                .invoke(read)
                .await
                .map_err(|f| format!("{}: {f}", read.cmdlet))?;
            let holds = out
                .iter()
                .any(|o| expect.iter().all(|(k, want)| matches(k, o.get(k), want)));
            if holds {
                return Ok(());
            }
            let wanted: Vec<String> = expect.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            Err(format!(
                "{} returned {} object(s), none with {}",
                read.cmdlet,
                out.len(),
                wanted.join(", ")
            ))
        }
        Verification::Absent { read } => match shell.invoke(read).await {
            Ok(out) if !out.is_empty() => Err(format!("{} still returns the object", read.cmdlet)),
            _ => Ok(()),
        },
        Verification::Resolves(record) => {
            let answer = dns
                .lookup(&record.name, record.rtype)
                .await
                .map_err(|e| e.to_string())?;
            if record.is_in(&answer) {
                Ok(())
            } else {
                Err(format!("{record} does not resolve (answer: {answer:?})"))
            }
        }
    }
}

fn text_matches(actual: &Value, want: &str) -> bool {
    match actual {
        Value::String(s) => s.eq_ignore_ascii_case(want),
        // Objects such as FederatedDomain {Domain, State}: any string field may carry it.
        Value::Object(map) => map
            .values()
            .any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(want))),
        _ => false,
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

/// Strings compare case-insensitively; an expected list must be contained in the actual one;
/// sharing-policy entry lists compare by meaning.
fn matches(key: &str, actual: Option<&Value>, want: &Value) -> bool {
    let Some(actual) = actual else {
        return want.is_null();
    };
    match want {
        Value::String(w) => text_matches(actual, w),
        Value::Array(items) => {
            if key == "Domains" {
                if let (Some(a), Some(w)) = (strings(actual), strings(want)) {
                    if let Ok(desired) = parse_entries(&w) {
                        return same_entries(&a, &desired);
                    }
                }
            }
            let Some(list) = actual.as_array() else {
                return false;
            };
            items.iter().all(|i| {
                i.as_str()
                    .is_some_and(|w| list.iter().any(|a| text_matches(a, w)))
            })
        }
        other => actual == other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparison_rules() {
        assert!(matches(
            "Name",
            Some(&json!("FABRIKAM")),
            &json!("Fabrikam")
        ));
        assert!(!matches("Name", None, &json!("Fabrikam")));
        assert!(matches(
            "Domains",
            Some(
                &json!([{"Domain": "contoso.com", "State": "Active"}, {"Domain": "sales.contoso.com", "State": "Active"}])
            ),
            &json!(["Sales.contoso.com"])
        ));
        assert!(matches(
            "Domains",
            Some(&json!([
                "fabrikam.com:ContactsSharing, CalendarSharingFreeBusyDetail"
            ])),
            &json!(["fabrikam.com: CalendarSharingFreeBusyDetail,ContactsSharing"])
        ));
        assert!(!matches(
            "Domains",
            Some(&json!(["fabrikam.com:ContactsSharing"])),
            &json!(["fabrikam.com: CalendarSharingFreeBusyDetail,ContactsSharing"])
        ));
        assert!(matches("Enabled", Some(&json!(true)), &json!(true)));
        assert!(!matches("Enabled", Some(&json!(false)), &json!(true)));
    }
}
