//! Saving a plan without losing the administrator's file: comments, blank lines, key order and
//! quoting of everything that did not change stay as they were. Plan files live in version
//! control, so a save from the wizard should show up as a diff of what changed, nothing else.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// `new` (a complete plan, as [`crate::file::PlanDocument::to_toml`] writes it) laid over
/// `old` (the file on disk). Values equal in both keep their old text; changed values take
/// the new value but keep their old surroundings (an end-of-line comment stays); keys only in
/// `old` go; `[[relationship]]`/`[[policy]]`/`[[autodiscover]]` entries are matched by
/// `name` (or `domain`), so a comment above one stays with it. If `old` is not TOML, `new`.
pub fn lay_over(old: &str, new: &str) -> String {
    let (Ok(mut old_doc), Ok(new_doc)) = (old.parse::<DocumentMut>(), new.parse::<DocumentMut>())
    else {
        return without_empty_lists(new);
    };
    merge_table(old_doc.as_table_mut(), new_doc.as_table());
    drop_empty_lists(old_doc.as_table_mut());
    old_doc.to_string()
}

/// The new text without `relationship = []` style lines: an absent section says the same.
pub fn without_empty_lists(text: &str) -> String {
    match text.parse::<DocumentMut>() {
        Ok(mut doc) => {
            drop_empty_lists(doc.as_table_mut());
            doc.to_string()
        }
        Err(_) => text.to_owned(),
    }
}

fn drop_empty_lists(root: &mut Table) {
    let empty: Vec<String> = root
        .iter()
        .filter(|(_, item)| {
            item.as_array().is_some_and(|a| a.is_empty())
                || item.as_array_of_tables().is_some_and(|a| a.is_empty())
        })
        .map(|(key, _)| key.to_owned())
        .collect();
    for key in empty {
        root.remove(&key);
    }
}

fn merge_table(old: &mut Table, new: &Table) {
    let stale: Vec<String> = old
        .iter()
        .map(|(key, _)| key.to_owned())
        .filter(|key| !new.contains_key(key))
        .collect();
    for key in stale {
        old.remove(&key);
    }
    for (key, new_item) in new.iter() {
        match (old.get_mut(key), new_item) {
            (Some(Item::Table(o)), Item::Table(n)) => merge_table(o, n),
            (Some(Item::ArrayOfTables(o)), Item::ArrayOfTables(n)) => merge_entries(o, n),
            (Some(Item::Value(o)), Item::Value(n)) => merge_value(key, o, n),
            (Some(slot), _) => *slot = new_item.clone(),
            (None, _) => {
                old.insert(key, new_item.clone());
            }
        }
    }
}

/// Entries in the new order; an entry that was there before keeps its table (and comments).
fn merge_entries(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    let mut previous: Vec<Option<Table>> = old.iter().cloned().map(Some).collect();
    let mut merged = ArrayOfTables::new();
    for entry in new.iter() {
        let found = previous
            .iter_mut()
            .find(|p| p.as_ref().is_some_and(|p| same_entry(p, entry)))
            .and_then(Option::take);
        merged.push(match found {
            Some(mut table) => {
                merge_table(&mut table, entry);
                table
            }
            None => entry.clone(),
        });
    }
    *old = merged;
}

fn same_entry(a: &Table, b: &Table) -> bool {
    ["name", "domain"].iter().any(|key| {
        let text = |t: &Table| {
            t.get(key)
                .and_then(Item::as_str)
                .map(str::to_ascii_lowercase)
        };
        text(a).is_some() && text(a) == text(b)
    })
}

fn merge_value(key: &str, old: &mut Value, new: &Value) {
    if canonical(old) == canonical(new) || same_meaning(key, old, new) {
        return;
    }
    let decor = old.decor().clone();
    *old = new.clone();
    *old.decor_mut() = decor;
}

/// Values whose text differs but whose meaning in a plan does not: sharing entries are
/// written as the administrator likes (`fabrikam.com: A, B` or `fabrikam.com:B,A`).
fn same_meaning(key: &str, old: &Value, new: &Value) -> bool {
    if key != "entries" {
        return false;
    }
    let entries = |v: &Value| -> Option<Vec<crate::entries::SharingEntry>> {
        let texts: Option<Vec<String>> = v
            .as_array()?
            .iter()
            .map(|e| e.as_str().map(str::to_owned))
            .collect();
        crate::entries::parse_entries(&texts?).ok()
    };
    entries(old).is_some_and(|o| Some(o) == entries(new))
}

/// A value's content without its formatting (quotes, spacing, comments, line breaks).
fn canonical(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{:?}", s.value()),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        Value::InlineTable(table) => {
            let mut pairs: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{k}={}", canonical(v)))
                .collect();
            pairs.sort();
            format!("{{{}}}", pairs.join(","))
        }
        other => {
            let mut bare = other.clone();
            bare.decor_mut().clear();
            bare.to_string().trim().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::SharingPlan;

    const EXAMPLE: &str = include_str!("../../../examples/contoso-lab.toml");

    fn saved(edit: impl FnOnce(&mut crate::file::PlanDocument)) -> String {
        let plan = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").expect("example");
        let mut doc = plan.document();
        edit(&mut doc);
        lay_over(EXAMPLE, &doc.to_toml())
    }

    #[test]
    fn saving_an_unchanged_plan_leaves_the_file_byte_for_byte() {
        assert_eq!(saved(|_| {}), EXAMPLE);
    }

    #[test]
    fn a_changed_value_keeps_every_comment_and_the_rest_of_the_file() {
        let text = saved(|doc| doc.relationship[0].access_level = "AvailabilityOnly".into());
        let comments = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(comments(&text), comments(EXAMPLE));
        let changed: Vec<(&str, &str)> = EXAMPLE
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [(
                "access_level = \"LimitedDetails\"",
                "access_level = \"AvailabilityOnly\""
            )]
        );
        let plan = SharingPlan::parse(&text, "saved.toml").expect("still a plan");
        assert_eq!(
            plan.relationships[0].access_level,
            fedshare_model::FreeBusyAccessLevel::AvailabilityOnly
        );
    }

    #[test]
    fn switching_to_windows_dns_drops_the_update_keys_and_keeps_the_comments() {
        let text = saved(|doc| {
            doc.dns = crate::file::PlanDns {
                mode: "windows".into(),
                server: None,
                key_name: None,
                zones: Some(vec!["contoso.com".into()]),
            };
        });
        assert!(text.contains("# \"windows\": Fedshare publishes in Windows DNS Server"));
        let settings: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            !settings
                .iter()
                .any(|l| l.starts_with("key_name") || l.starts_with("server")),
            "{text}"
        );
        let plan = SharingPlan::parse(&text, "saved.toml").expect("still a plan");
        assert_eq!(
            plan.dns,
            crate::file::DnsMode::Windows {
                server: None,
                zones: vec!["contoso.com".into()],
            }
        );
    }

    #[test]
    fn a_removed_entry_goes_with_its_comment_and_a_new_one_is_added() {
        let text = saved(|doc| {
            let adatum = doc.relationship.remove(1);
            doc.relationship.push(crate::file::PlanRelationship {
                name: "Tailspin".into(),
                domains: vec!["tailspintoys.com".into()],
                ..adatum
            });
        });
        assert!(!text.contains("Adatum is an Office 365 tenant"), "{text}");
        assert!(text.contains("# Fabrikam runs Exchange on-premises."));
        let plan = SharingPlan::parse(&text, "saved.toml").expect("still a plan");
        let names: Vec<&str> = plan.relationships.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Fabrikam", "Tailspin"]);
    }

    #[test]
    fn an_unreadable_old_file_is_replaced_and_empty_lists_are_left_out() {
        let plan = SharingPlan::parse(EXAMPLE, "contoso-lab.toml").expect("example");
        let mut doc = plan.document();
        doc.autodiscover.clear();
        let text = lay_over("this is not [toml", &doc.to_toml());
        assert!(!text.contains("autodiscover = []"), "{text}");
        let again = SharingPlan::parse(&text, "saved.toml").expect("a plan");
        assert!(again.autodiscover.is_empty());
    }
}
