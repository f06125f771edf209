//! Do the views agree? Groups views with the same answer and says what a difference likely
//! means: propagation still under way, or split DNS.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::ViewAnswer;
use crate::records::ViewOutcome;
use crate::views::ViewKind;

/// Views that gave the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnswerGroup {
    /// Labels of the views in this group.
    pub views: Vec<String>,
    pub summary: String,
}

/// How the views compare for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Agreement {
    /// All views that answered gave the same answer.
    pub consistent: bool,
    pub groups: Vec<AnswerGroup>,
    /// Views that could not be compared (timeout, SERVFAIL, refused).
    pub unavailable: Vec<String>,
    /// What the difference most likely means, when there is one.
    pub diagnosis: Option<String>,
}

pub(crate) fn agreement(views: &[ViewAnswer]) -> Agreement {
    let mut groups: Vec<(String, AnswerGroup, Vec<ViewKind>)> = Vec::new();
    let mut unavailable = Vec::new();
    for v in views {
        if !v.answer.is_comparable() {
            unavailable.push(v.view.label.clone());
            continue;
        }
        let key = v.answer.fingerprint();
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, group, kinds)) => {
                group.views.push(v.view.label.clone());
                kinds.push(v.view.kind);
            }
            None => groups.push((
                key.clone(),
                AnswerGroup {
                    views: vec![v.view.label.clone()],
                    summary: key,
                },
                vec![v.view.kind],
            )),
        }
    }
    let diagnosis = (groups.len() > 1).then(|| diagnose(&groups, views));
    Agreement {
        consistent: groups.len() <= 1,
        groups: groups.into_iter().map(|(_, g, _)| g).collect(),
        unavailable,
        diagnosis,
    }
}

fn diagnose(groups: &[(String, AnswerGroup, Vec<ViewKind>)], views: &[ViewAnswer]) -> String {
    let auth_groups = groups
        .iter()
        .filter(|(_, _, k)| k.contains(&ViewKind::Authoritative))
        .count();
    if auth_groups > 1 {
        return "the authoritative servers disagree: a secondary has not loaded the latest zone yet \
                (propagation under way; check the SOA serial and zone transfers)"
            .into();
    }
    let ttl = views
        .iter()
        .filter_map(|v| match &v.answer {
            ViewOutcome::Answer { ttl, .. } => *ttl,
            _ => None,
        })
        .max();
    let wait = ttl
        .map(|t| format!(" (cached answers expire within {t} s)"))
        .unwrap_or_default();
    if auth_groups == 1 {
        format!(
            "resolvers answer differently from the authoritative servers: either they still cache \
             older data{wait}, so propagation is under way, or they serve a different internal \
             zone (split DNS) and will never see the public record"
        )
    } else {
        format!(
            "the resolvers disagree: propagation under way{wait}, or split DNS (an internal zone \
             differs from the public one)"
        )
    }
}
