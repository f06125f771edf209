//! Sharing policies: two default policies contradict each other (`policy.contradiction`), and
//! each policy's own entries follow Exchange's rules (`policy.entries:<name>`).

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

/// Two or more default policies: which one a mailbox without a policy gets is undefined.
fn default_problems(policies: &[SharingPolicy]) -> Vec<(String, String, String)> {
    let defaults: Vec<&SharingPolicy> = policies.iter().filter(|p| p.default).collect();
    if defaults.len() < 2 {
        return Vec::new();
    }
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
    vec![(
        "Get-SharingPolicy | ? Default".into(),
        actual,
        "exactly one default policy".into(),
    )]
}

/// One policy's entries against Exchange's rules: `Domain:Action[,Action]`, each domain once,
/// no ContactsSharing for Anonymous, Meeting* actions only for Anonymous.
fn entry_problems(p: &SharingPolicy) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
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
    out
}

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let policies = &inputs.org.sharing_policies;
    let mut r = check(
        "policy.contradiction",
        "Sharing policies do not contradict each other",
        StepKind::SharingPolicies,
        Severity::Warning,
        "Mailboxes without an assigned policy get the default one; with two defaults, which rights a user ends up with depends on which policy Exchange reads first.",
        doc::SHARING_POLICY,
    );
    let found = default_problems(policies);
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
            "exactly one default policy",
        ));
        return with_entries(r, policies);
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
        "Make exactly one policy the default (Default is a switch: setting it on one policy clears it on the others).",
        &cmds,
    ));
    with_entries(r, policies)
}

fn with_entries(contradiction: CheckResult, policies: &[SharingPolicy]) -> Vec<CheckResult> {
    std::iter::once(contradiction)
        .chain(policies.iter().map(entries_check))
        .collect()
}

/// The entries with what Exchange refuses taken out: unreadable entries, a domain's later
/// entries, ContactsSharing for Anonymous, Meeting* for anyone else (an entry left with no
/// action goes). The administrator reviews it before running the fix.
fn corrected(p: &SharingPolicy) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for e in &p.domains {
        let Some((domain, _)) = parse(e) else {
            continue;
        };
        if seen.contains(&domain) {
            continue;
        }
        seen.push(domain.clone());
        let anonymous = domain == "anonymous";
        let (name, actions) = e.split_once(':').unwrap_or((e, ""));
        let kept: Vec<&str> = actions
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .filter(|a| {
                let a = a.to_ascii_lowercase();
                if anonymous {
                    a != "contactssharing"
                } else {
                    !MEETING_ACTIONS.contains(&a.as_str())
                }
            })
            .collect();
        if !kept.is_empty() {
            out.push(format!("{}: {}", name.trim(), kept.join(", ")));
        }
    }
    out
}

/// `policy.entries:<name>`: one per policy, so each policy on the map has its own status.
fn entries_check(p: &SharingPolicy) -> CheckResult {
    let mut r = check(
        format!("policy.entries:{}", p.name),
        format!("Sharing policy {} has valid entries", p.name),
        StepKind::SharingPolicies,
        Severity::Warning,
        "Each entry is Domain:Action[,Action]. Exchange refuses a domain listed twice in one policy, ContactsSharing for Anonymous, and Meeting* actions for anything but Anonymous; an entry it refuses means the policy does not grant what its owner thinks.",
        doc::SHARING_POLICY,
    );
    r.subject = Some(p.name.clone());
    let found = entry_problems(p);
    if found.is_empty() {
        r.status = CheckStatus::Pass;
        r.evidence.push(ev(
            format!("{} Domains", p.name),
            p.domains.join("; "),
            "Domain:Action[,Action], each domain once",
        ));
        return r;
    }
    r.status = CheckStatus::Warning;
    for (s, a, e) in &found {
        r.evidence.push(ev(s.as_str(), a.as_str(), e.as_str()));
    }
    r.fix = Some(fix(
        "List each domain once, with the actions Exchange allows for it.",
        &[
            format!(
                "Set-SharingPolicy -Identity {} -Domains {}",
                ps(&p.name),
                corrected(p)
                    .iter()
                    .map(|e| ps(e))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            format!("Get-SharingPolicy -Identity {} | fl Domains", ps(&p.name)),
        ],
    ));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(name: &str, entries: &[&str]) -> SharingPolicy {
        SharingPolicy {
            name: name.into(),
            domains: entries.iter().map(|e| (*e).to_owned()).collect(),
            enabled: true,
            default: false,
        }
    }

    #[test]
    fn each_policy_gets_its_own_entries_check() {
        let good = policy("Fabrikam", &["fabrikam.com: CalendarSharingFreeBusyDetail"]);
        let bad = policy(
            "Mixed",
            &[
                "tailspin.com: CalendarSharingFreeBusySimple",
                "TAILSPIN.com: ContactsSharing",
                "Anonymous: CalendarSharingFreeBusySimple, ContactsSharing",
                "adatum.com: MeetingFullDetails, CalendarSharingFreeBusyDetail",
            ],
        );
        let good_check = entries_check(&good);
        assert_eq!(good_check.id, "policy.entries:Fabrikam");
        assert_eq!(good_check.subject.as_deref(), Some("Fabrikam"));
        assert_eq!(good_check.status, CheckStatus::Pass);

        let bad_check = entries_check(&bad);
        assert_eq!(bad_check.status, CheckStatus::Warning);
        let expected: Vec<&str> = bad_check
            .evidence
            .iter()
            .map(|e| e.expected.as_str())
            .collect();
        assert_eq!(
            expected,
            [
                "each domain once",
                "Anonymous without ContactsSharing",
                "Meeting* actions only for Anonymous"
            ]
        );
        let fix = bad_check.fix.expect("a fix");
        assert_eq!(
            fix.commands[0],
            "Set-SharingPolicy -Identity 'Mixed' -Domains 'tailspin.com: CalendarSharingFreeBusySimple',\
             'Anonymous: CalendarSharingFreeBusySimple','adatum.com: CalendarSharingFreeBusyDetail'"
        );
    }

    #[test]
    fn two_defaults_contradict_but_one_does_not() {
        let mut a = policy("A", &["*: CalendarSharingFreeBusySimple"]);
        let mut b = policy("B", &["*: CalendarSharingFreeBusyDetail"]);
        a.default = true;
        assert!(default_problems(&[a.clone(), b.clone()]).is_empty());
        b.default = true;
        let found = default_problems(&[a, b]);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.starts_with("A, B (for '*':"), "{}", found[0].1);
    }
}
