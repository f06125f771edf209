//! Sharing policies whose entries contradict each other: two default policies, a domain twice
//! in one policy, or actions Exchange does not allow for the domain.

use fedshare_model::{CheckResult, CheckStatus, Severity, SharingPolicy, StepKind};

use crate::inputs::Inputs;
use crate::result::{check, doc, ev, fix, ps};

const MEETING_ACTIONS: [&str; 3] = [
    "meetinglimiteddetails",
    "meetingfulldetails",
    "meetingfulldetailswithattendees",
];

/// `Domain:Action,Action` → (domain, actions), both lower-case and trimmed.
fn parse(entry: &str) -> Option<(String, Vec<String>)> {
    let (domain, actions) = entry.split_once(':')?;
    let actions = actions
        .split(',')
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    Some((domain.trim().to_ascii_lowercase(), actions))
}

fn problems(policies: &[SharingPolicy]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let defaults: Vec<&SharingPolicy> = policies.iter().filter(|p| p.default).collect();
    if defaults.len() > 1 {
        let names: Vec<&str> = defaults.iter().map(|p| p.name.as_str()).collect();
        let star: Vec<String> = defaults
            .iter()
            .flat_map(|p| {
                p.domains
                    .iter()
                    .filter(|e| parse(e).is_some_and(|(d, _)| d == "*"))
                    .map(move |e| format!("{}: {e}", p.name))
            })
            .collect();
        let mut actual = names.join(", ");
        if !star.is_empty() {
            actual = format!("{actual} (for '*': {})", star.join(" vs "));
        }
        out.push((
            "Get-SharingPolicy | ? Default".into(),
            actual,
            "exactly one default policy".into(),
        ));
    }
    for p in policies {
        let mut seen: Vec<String> = Vec::new();
        for e in &p.domains {
            let Some((domain, actions)) = parse(e) else {
                out.push((
                    format!("{} entry", p.name),
                    e.clone(),
                    "Domain:Action[,Action]".into(),
                ));
                continue;
            };
            if seen.contains(&domain) {
                out.push((
                    format!("{} Domains", p.name),
                    format!("{domain} listed twice"),
                    "each domain once".into(),
                ));
            }
            seen.push(domain.clone());
            let anonymous = domain == "anonymous";
            if anonymous && actions.iter().any(|a| a == "contactssharing") {
                out.push((
                    format!("{} entry", p.name),
                    e.clone(),
                    "Anonymous without ContactsSharing".into(),
                ));
            }
            if !anonymous
                && actions
                    .iter()
                    .any(|a| MEETING_ACTIONS.contains(&a.as_str()))
            {
                out.push((
                    format!("{} entry", p.name),
                    e.clone(),
                    "Meeting* actions only for Anonymous".into(),
                ));
            }
        }
    }
    out
}

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let policies = &inputs.org.sharing_policies;
    let mut r = check(
        "policy.contradiction",
        "Sharing policies do not contradict each other",
        StepKind::SharingPolicies,
        Severity::Warning,
        "Mailboxes without an assigned policy get the default one; with two defaults, or a domain listed twice, which rights a user ends up with depends on which entry Exchange reads first. Exchange itself refuses a domain twice in one policy and Meeting* actions for anything but Anonymous.",
        doc::SHARING_POLICY,
    );
    let found = problems(policies);
    if found.is_empty() {
        r.status = CheckStatus::Pass;
        r.evidence.push(ev(
            "Get-SharingPolicy",
            format!(
                "{} policies, default: {}",
                policies.len(),
                policies
                    .iter()
                    .find(|p| p.default)
                    .map_or("(none)", |p| p.name.as_str())
            ),
            "one default, consistent entries",
        ));
        return vec![r];
    }
    r.status = CheckStatus::Warning;
    for (s, a, e) in &found {
        r.evidence.push(ev(s.as_str(), a.as_str(), e.as_str()));
    }
    let defaults: Vec<&SharingPolicy> = policies.iter().filter(|p| p.default).collect();
    r.subject = defaults
        .last()
        .map(|p| p.name.clone())
        .or_else(|| policies.first().map(|p| p.name.clone()));
    let mut cmds = Vec::new();
    if let Some(keep) = defaults.first() {
        cmds.push(format!(
            "Set-SharingPolicy -Identity {} -Default",
            ps(&keep.name)
        ));
    }
    cmds.push("Get-SharingPolicy | fl Name,Default,Enabled,Domains".into());
    r.fix = Some(fix(
        "Make exactly one policy the default (Default is a switch: setting it on one policy clears it on the others), and list each domain once with one set of actions.",
        &cmds,
    ));
    vec![r]
}
