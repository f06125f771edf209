//! Sharing policies (entry grammar `Domain:Action[,Action]`), Set-Mailbox -SharingPolicy and
//! Get-Mailbox.

use fedshare_exchange::protocol::ShellError;
use fedshare_model::SharingPolicy;
use serde_json::{json, Value};

use super::params::Args;
use super::{errors, find_by_name, Ctx};
use crate::views;
use crate::world::World;

const CALENDAR_AND_CONTACT_ACTIONS: &[&str] = &[
    "CalendarSharingFreeBusySimple",
    "CalendarSharingFreeBusyDetail",
    "CalendarSharingFreeBusyReviewer",
    "ContactsSharing",
];
const MEETING_ACTIONS: &[&str] = &[
    "MeetingLimitedDetails",
    "MeetingFullDetails",
    "MeetingFullDetailsWithAttendees",
];
const ANONYMOUS: &str = "Anonymous";
const MAX_NAME: usize = 64;

fn valid_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Parses one entry into its canonical form (`Domain:Action1, Action2`), with the domain part
/// checked first, then each action, then the Anonymous/Meeting combinations.
fn parse_entry(cmdlet: &str, entry: &str) -> Result<(String, String), ShellError> {
    let invalid = |exception: &str, text: String| errors::invalid_argument(cmdlet, exception, text);
    let parts: Vec<&str> = entry.split(':').collect();
    let [domain, actions] = parts.as_slice() else {
        return Err(invalid("SharingPolicyDomainInvalid", format!("The value \"{entry}\" isn't a valid sharing policy domain. Use the format \"Domain:Action1,Action2\".")));
    };
    let domain = domain.trim();
    let domain = if domain == "*" {
        "*".to_owned()
    } else if domain.eq_ignore_ascii_case(ANONYMOUS) {
        ANONYMOUS.to_owned()
    } else if valid_domain(domain) {
        domain.to_owned()
    } else {
        return Err(invalid("SharingPolicyDomainInvalid", format!("The value \"{entry}\" isn't a valid sharing policy domain. The domain part must be a domain name, \"*\" or \"Anonymous\".")));
    };
    let mut canonical: Vec<&str> = Vec::new();
    for action in actions.split(',').map(str::trim) {
        let known = CALENDAR_AND_CONTACT_ACTIONS
            .iter()
            .chain(MEETING_ACTIONS)
            .find(|a| a.eq_ignore_ascii_case(action));
        match known {
            Some(a) if !canonical.contains(a) => canonical.push(a),
            Some(_) => {}
            None => return Err(invalid("SharingPolicyDomainInvalidAction", format!("The action \"{action}\" in \"{entry}\" isn't a valid sharing action. Valid actions are: {}.", CALENDAR_AND_CONTACT_ACTIONS.join(", ")))),
        }
    }
    let anonymous = domain == ANONYMOUS;
    if anonymous && canonical.contains(&"ContactsSharing") {
        return Err(invalid(
            "SharingPolicyDomainInvalidActionForAnonymous",
            format!("The action ContactsSharing in \"{entry}\" isn't allowed for Anonymous."),
        ));
    }
    if !anonymous && canonical.iter().any(|a| MEETING_ACTIONS.contains(a)) {
        return Err(invalid(
            "SharingPolicyDomainInvalidActionForDomain",
            format!("The Meeting actions in \"{entry}\" are allowed only for Anonymous."),
        ));
    }
    Ok((domain.clone(), format!("{domain}:{}", canonical.join(", "))))
}

fn parse_entries(cmdlet: &str, entries: &[String]) -> Result<Vec<String>, ShellError> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for entry in entries {
        let (domain, canonical) = parse_entry(cmdlet, entry)?;
        if seen.iter().any(|d| d.eq_ignore_ascii_case(&domain)) {
            return Err(errors::invalid_argument(cmdlet, "SharingPolicyDuplicateDomain", format!("The domain {domain} appears more than once in the sharing policy. Each domain can be listed only once.")));
        }
        seen.push(domain);
        out.push(canonical);
    }
    Ok(out)
}

fn warn_anonymous(ctx: &mut Ctx<'_>, domains: &[String]) {
    if domains.iter().any(|d| d.starts_with("Anonymous:")) {
        ctx.warnings.push("AnonymousSharingEnabledWarning: This sharing policy allows anonymous sharing. Users can publish calendar information that anyone with Internet access can see.".into());
    }
}

fn policy_output(p: &SharingPolicy) -> Value {
    json!({"Identity": p.name, "Name": p.name, "Domains": p.domains, "Enabled": p.enabled, "Default": p.default})
}

fn check_name(cmdlet: &str, name: &str) -> Result<(), ShellError> {
    let len = name.chars().count();
    if len > MAX_NAME {
        return Err(errors::invalid_argument(cmdlet, "DataValidationException", format!("The length of the property is too long. The maximum length is {MAX_NAME} and the length of the value provided is {len}.")));
    }
    Ok(())
}

fn make_default(world: &mut World, idx: usize) {
    for (i, p) in world.sharing_policies.iter_mut().enumerate() {
        p.default = i == idx;
    }
}

pub fn new_sharing_policy(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let name = args.required("Name")?;
    check_name(cmdlet, &name)?;
    if find_by_name(&ctx.world.sharing_policies, &name, |p| &p.name).is_some() {
        return Err(errors::already_exists(cmdlet, &name));
    }
    let domains = parse_entries(cmdlet, &args.list("Domains").unwrap_or_default())?;
    warn_anonymous(ctx, &domains);
    ctx.world.sharing_policies.push(SharingPolicy {
        name,
        domains,
        enabled: args.bool("Enabled").unwrap_or(true),
        default: false,
    });
    let idx = ctx.world.sharing_policies.len() - 1;
    if args.switch("Default") {
        make_default(ctx.world, idx);
    }
    Ok(vec![policy_output(&ctx.world.sharing_policies[idx])])
}

fn index(world: &World, cmdlet: &str, identity: &str) -> Result<usize, ShellError> {
    find_by_name(&world.sharing_policies, identity, |p| &p.name)
        .ok_or_else(|| errors::not_found(cmdlet, identity))
}

pub fn set_sharing_policy(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let idx = index(ctx.world, cmdlet, &args.required("Identity")?)?;
    if let Some(list) = args.list("Domains") {
        let domains = parse_entries(cmdlet, &list)?;
        warn_anonymous(ctx, &domains);
        ctx.world.sharing_policies[idx].domains = domains;
    }
    if let Some(name) = args.string("Name") {
        check_name(cmdlet, &name)?;
        if find_by_name(&ctx.world.sharing_policies, &name, |p| &p.name).is_some_and(|i| i != idx) {
            return Err(errors::already_exists(cmdlet, &name));
        }
        let old = std::mem::replace(&mut ctx.world.sharing_policies[idx].name, name.clone());
        for m in ctx
            .world
            .mailboxes
            .iter_mut()
            .filter(|m| m.sharing_policy.as_deref() == Some(old.as_str()))
        {
            m.sharing_policy = Some(name.clone());
        }
    }
    if let Some(enabled) = args.bool("Enabled") {
        ctx.world.sharing_policies[idx].enabled = enabled;
    }
    if args.switch("Default") {
        make_default(ctx.world, idx);
    }
    Ok(Vec::new())
}

pub fn get_sharing_policy(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let policies = views::effective_policies(ctx.world);
    match args.string("Identity") {
        Some(id) => {
            let p = policies
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(&id))
                .ok_or_else(|| errors::not_found(args.cmdlet, &id))?;
            Ok(vec![policy_output(p)])
        }
        None => Ok(policies.iter().map(policy_output).collect()),
    }
}

/// RemoveSharingPolicy's rules: never the default policy (the organization identifier's
/// DefaultSharingPolicyLink), and never a policy some recipient links explicitly. Mailboxes
/// without a policy of their own do not count: they follow whichever policy is the default.
pub fn remove_sharing_policy(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let idx = index(ctx.world, cmdlet, &args.required("Identity")?)?;
    let policy = &ctx.world.sharing_policies[idx];
    if policy.default {
        return Err(errors::invalid_operation(cmdlet, "CannotRemoveDefaultSharingPolicy", format!("The sharing policy \"{}\" is the default sharing policy and can't be removed. Make another policy the default with Set-SharingPolicy -Default first.", policy.name)));
    }
    let assigned = ctx.world.mailboxes.iter().any(|m| {
        m.sharing_policy
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(&policy.name))
    });
    if assigned {
        return Err(errors::invalid_operation(cmdlet, "CannotRemoveSharingPolicyWithUsersAssignedException", format!("The sharing policy \"{}\" can't be removed because it's assigned to one or more users. Assign another policy to them (Set-Mailbox -SharingPolicy) first.", policy.name)));
    }
    ctx.world.sharing_policies.remove(idx);
    Ok(Vec::new())
}

pub fn set_mailbox(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let identity = args.required("Identity")?;
    let m = ctx
        .world
        .mailbox_index(&identity)
        .ok_or_else(|| errors::not_found(cmdlet, &identity))?;
    // `$null` clears the explicit policy (the mailbox then uses the default one); '' never
    // gets here: SharingPolicyIdParameter refuses it at binding, as in Exchange.
    if let Some(policy) = args.setting("SharingPolicy") {
        let value = match policy {
            None => None,
            Some(policy) => {
                let idx = index(ctx.world, cmdlet, &policy)?;
                Some(ctx.world.sharing_policies[idx].name.clone())
            }
        };
        ctx.world.mailboxes[m].sharing_policy = value;
    }
    Ok(Vec::new())
}

/// How many items a Get- cmdlet returns when `-ResultSize` is not given.
const DEFAULT_RESULT_SIZE: usize = 1000;

const DEFAULT_RESULT_SIZE_WARNING: &str = "By default, only the first 1000 items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify \"-ResultSize Unlimited\". Be aware that, depending on the actual number of items, returning all items can take a long time and consume a large amount of memory. Also, we don't recommend storing the results in a variable. Instead, pipe the results to another task or script to perform batch changes.";

const MORE_RESULTS_WARNING: &str = "There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.";

/// `-ResultSize`: `Unlimited` or a positive number (Exchange's `Unlimited<UInt32>`).
fn result_size(args: &Args) -> Result<Option<usize>, ShellError> {
    let Some(text) = args.string("ResultSize") else {
        return Ok(Some(DEFAULT_RESULT_SIZE));
    };
    if text.trim().eq_ignore_ascii_case("Unlimited") {
        return Ok(None);
    }
    match text.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(Some(n as usize)),
        _ => Err(errors::bad_argument(
            args.cmdlet,
            "ResultSize",
            &format!("Cannot convert value \"{text}\" to type \"Microsoft.Exchange.Data.Unlimited`1[System.UInt32]\". Error: \"The value must be a positive number or Unlimited.\""),
        )),
    }
}

/// Get-Mailbox: one mailbox by identity, or the first 1000 unless `-ResultSize` says more,
/// with Exchange's warning when some were left out.
pub fn get_mailbox(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let limit = result_size(args)?;
    let world = &ctx.world;
    let mut selected: Vec<usize> = match args.string("Identity") {
        Some(id) => vec![world
            .mailbox_index(&id)
            .ok_or_else(|| errors::not_found(args.cmdlet, &id))?],
        None => (0..world.mailboxes.len()).collect(),
    };
    if let Some(limit) = limit.filter(|l| selected.len() > *l) {
        selected.truncate(limit);
        let warning = if args.has("ResultSize") {
            MORE_RESULTS_WARNING
        } else {
            DEFAULT_RESULT_SIZE_WARNING
        };
        ctx.warnings.push(warning.to_owned());
    }
    let world = &ctx.world;
    Ok(selected
        .into_iter()
        .map(|i| {
            let m = &world.mailboxes[i];
            json!({"Identity": m.identity, "Name": m.identity, "PrimarySmtpAddress": m.primary_smtp_address, "SharingPolicy": m.sharing_policy})
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::parse_entries;

    /// The same entries the plan file accepts and refuses (fedshare-plan's
    /// `sharing_entries_follow_new_sharing_policy`), with the same Exchange error names.
    #[test]
    fn entries_are_accepted_and_refused_as_the_plan_does() {
        let run = |entries: &[&str]| {
            let list: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
            parse_entries("New-SharingPolicy", &list)
        };
        // SharingPolicyAction is a flags enum: two calendar levels for one domain parse.
        assert_eq!(
            run(&["a.com: CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail"]).unwrap(),
            ["a.com:CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail"]
        );
        run(&[
            "*: CalendarSharingFreeBusySimple",
            "Anonymous: CalendarSharingFreeBusyReviewer, MeetingFullDetailsWithAttendees",
        ])
        .unwrap();
        run(&["a.com: ContactsSharing"]).unwrap();
        for (refused, exception) in [
            (
                &["a.com: MeetingLimitedDetails"][..],
                "SharingPolicyDomainInvalidActionForDomain",
            ),
            (
                &["Anonymous: ContactsSharing"][..],
                "SharingPolicyDomainInvalidActionForAnonymous",
            ),
            (&["a.com: Editor"][..], "SharingPolicyDomainInvalidAction"),
            (&["a.com"][..], "SharingPolicyDomainInvalid"),
            (
                &["-a.com: ContactsSharing"][..],
                "SharingPolicyDomainInvalid",
            ),
            (
                &[
                    "a.com: ContactsSharing",
                    "A.com: CalendarSharingFreeBusySimple",
                ][..],
                "SharingPolicyDuplicateDomain",
            ),
        ] {
            let err = run(refused).expect_err("refused");
            assert_eq!(err.exception, exception, "{refused:?}: {}", err.message);
        }
    }
}
