//! Sharing policy entries (`Domain: Action[, Action]`), parsed with Exchange's own grammar
//! (SharingPolicyDomain): split on `:` into exactly two parts, actions a comma-separated,
//! case-insensitive flags list, and the per-domain restrictions the code enforces.

use std::collections::BTreeSet;

/// The actions of the `SharingPolicyAction` flags enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SharingAction {
    CalendarSharingFreeBusySimple,
    CalendarSharingFreeBusyDetail,
    CalendarSharingFreeBusyReviewer,
    ContactsSharing,
    MeetingLimitedDetails,
    MeetingFullDetails,
    MeetingFullDetailsWithAttendees,
}

impl SharingAction {
    pub const ALL: [SharingAction; 7] = [
        SharingAction::CalendarSharingFreeBusySimple,
        SharingAction::CalendarSharingFreeBusyDetail,
        SharingAction::CalendarSharingFreeBusyReviewer,
        SharingAction::ContactsSharing,
        SharingAction::MeetingLimitedDetails,
        SharingAction::MeetingFullDetails,
        SharingAction::MeetingFullDetailsWithAttendees,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SharingAction::CalendarSharingFreeBusySimple => "CalendarSharingFreeBusySimple",
            SharingAction::CalendarSharingFreeBusyDetail => "CalendarSharingFreeBusyDetail",
            SharingAction::CalendarSharingFreeBusyReviewer => "CalendarSharingFreeBusyReviewer",
            SharingAction::ContactsSharing => "ContactsSharing",
            SharingAction::MeetingLimitedDetails => "MeetingLimitedDetails",
            SharingAction::MeetingFullDetails => "MeetingFullDetails",
            SharingAction::MeetingFullDetailsWithAttendees => "MeetingFullDetailsWithAttendees",
        }
    }

    fn parse(text: &str) -> Option<SharingAction> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(text))
    }

    fn is_meeting(self) -> bool {
        matches!(
            self,
            SharingAction::MeetingLimitedDetails
                | SharingAction::MeetingFullDetails
                | SharingAction::MeetingFullDetailsWithAttendees
        )
    }
}

/// Who an entry shares with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryDomain {
    /// `*`: any federated external organization.
    Any,
    /// `Anonymous`: Internet calendar publishing.
    Anonymous,
    /// One exact domain, lower-cased (subdomains are not included).
    Exact(String),
}

impl EntryDomain {
    pub fn text(&self) -> &str {
        match self {
            EntryDomain::Any => "*",
            EntryDomain::Anonymous => "Anonymous",
            EntryDomain::Exact(d) => d,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingEntry {
    pub domain: EntryDomain,
    pub actions: BTreeSet<SharingAction>,
}

/// Why an entry was rejected; the variant names follow Exchange's error strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("SharingPolicyDomainInvalid: \"{0}\" is not a sharing entry; write it as domain: action[, action], where the domain is an exact domain, * or Anonymous")]
    Invalid(String),
    #[error("SharingPolicyDomainInvalidAction: \"{0}\" is not a sharing action; choose CalendarSharingFreeBusySimple, CalendarSharingFreeBusyDetail, CalendarSharingFreeBusyReviewer or ContactsSharing (Meeting* actions only for Anonymous)")]
    InvalidAction(String),
    #[error("SharingPolicyDomainInvalidActionForAnonymous: Anonymous (Internet calendar publishing) cannot share contacts; remove ContactsSharing")]
    AnonymousContacts,
    #[error("SharingPolicyDomainInvalidActionForDomain: {0} is allowed only for Anonymous (Internet calendar publishing)")]
    MeetingNotAnonymous(String),
    #[error("SharingPolicyDuplicateDomain: {0} already has an entry in this policy; list each domain once")]
    Duplicate(String),
}

impl SharingEntry {
    pub fn parse(text: &str) -> Result<SharingEntry, EntryError> {
        let parts: Vec<&str> = text.split(':').collect();
        let [domain, actions] = parts.as_slice() else {
            return Err(EntryError::Invalid(text.to_owned()));
        };
        let domain =
            parse_domain(domain.trim()).ok_or_else(|| EntryError::Invalid(text.to_owned()))?;
        let mut set = BTreeSet::new();
        for name in actions.split(',').map(str::trim) {
            if name.is_empty() {
                return Err(EntryError::Invalid(text.to_owned()));
            }
            let action = SharingAction::parse(name)
                .ok_or_else(|| EntryError::InvalidAction(name.to_owned()))?;
            set.insert(action);
        }
        check_combination(&domain, &set)?;
        Ok(SharingEntry {
            domain,
            actions: set,
        })
    }

    /// Exchange's string form: `domain:Action1, Action2`.
    pub fn render(&self) -> String {
        let actions: Vec<&str> = self.actions.iter().map(|a| a.name()).collect();
        format!("{}:{}", self.domain.text(), actions.join(", "))
    }
}

fn parse_domain(text: &str) -> Option<EntryDomain> {
    if text == "*" {
        return Some(EntryDomain::Any);
    }
    if text.eq_ignore_ascii_case("anonymous") {
        return Some(EntryDomain::Anonymous);
    }
    let valid = !text.is_empty()
        && text.contains('.')
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    valid.then(|| EntryDomain::Exact(text.to_ascii_lowercase()))
}

fn check_combination(
    domain: &EntryDomain,
    actions: &BTreeSet<SharingAction>,
) -> Result<(), EntryError> {
    if *domain == EntryDomain::Anonymous {
        if actions.contains(&SharingAction::ContactsSharing) {
            return Err(EntryError::AnonymousContacts);
        }
        return Ok(());
    }
    match actions.iter().find(|a| a.is_meeting()) {
        Some(a) => Err(EntryError::MeetingNotAnonymous(a.name().to_owned())),
        None => Ok(()),
    }
}

/// Parses a whole policy's entries and rejects a domain listed twice.
pub fn parse_entries(texts: &[String]) -> Result<Vec<SharingEntry>, EntryError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(texts.len());
    for text in texts {
        let entry = SharingEntry::parse(text)?;
        if !seen.insert(entry.domain.clone()) {
            return Err(EntryError::Duplicate(entry.domain.text().to_owned()));
        }
        out.push(entry);
    }
    Ok(out)
}

/// Whether two entry lists mean the same thing (order, case and spacing aside).
/// Unreadable observed entries never match, so the plan rewrites them.
pub fn same_entries(observed: &[String], desired: &[SharingEntry]) -> bool {
    let Ok(observed) = parse_entries(observed) else {
        return false;
    };
    let key = |e: &SharingEntry| (e.domain.clone(), e.actions.clone());
    let a: BTreeSet<_> = observed.iter().map(key).collect();
    let b: BTreeSet<_> = desired.iter().map(key).collect();
    a == b && observed.len() == desired.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exchange_forms() {
        let e = SharingEntry::parse("Fabrikam.com: CalendarSharingFreeBusyDetail, contactssharing")
            .unwrap();
        assert_eq!(e.domain, EntryDomain::Exact("fabrikam.com".into()));
        assert_eq!(
            e.render(),
            "fabrikam.com:CalendarSharingFreeBusyDetail, ContactsSharing"
        );
        assert_eq!(
            SharingEntry::parse("*:CalendarSharingFreeBusySimple")
                .unwrap()
                .domain,
            EntryDomain::Any
        );
        let anon = SharingEntry::parse("Anonymous: MeetingFullDetails").unwrap();
        assert_eq!(anon.domain, EntryDomain::Anonymous);
    }

    #[test]
    fn rejects_what_exchange_rejects() {
        assert!(matches!(
            SharingEntry::parse("fabrikam.com"),
            Err(EntryError::Invalid(_))
        ));
        assert!(matches!(
            SharingEntry::parse("a.com:b.com:CalendarSharingFreeBusySimple"),
            Err(EntryError::Invalid(_))
        ));
        assert!(
            matches!(SharingEntry::parse("fabrikam.com: FullAccess"), Err(EntryError::InvalidAction(a)) if a == "FullAccess")
        );
        assert_eq!(
            SharingEntry::parse("Anonymous: ContactsSharing"),
            Err(EntryError::AnonymousContacts)
        );
        assert!(matches!(
            SharingEntry::parse("fabrikam.com: MeetingFullDetails"),
            Err(EntryError::MeetingNotAnonymous(_))
        ));
        assert!(matches!(
            SharingEntry::parse("fabrikam.com: CalendarSharingFreeBusySimple,"),
            Err(EntryError::Invalid(_))
        ));
        let dup = parse_entries(&[
            "a.com:ContactsSharing".into(),
            "A.com:CalendarSharingFreeBusySimple".into(),
        ]);
        assert_eq!(dup, Err(EntryError::Duplicate("a.com".into())));
    }

    #[test]
    fn compares_semantically() {
        let desired =
            parse_entries(&["fabrikam.com: ContactsSharing, CalendarSharingFreeBusyDetail".into()])
                .unwrap();
        assert!(same_entries(
            &["FABRIKAM.COM:CalendarSharingFreeBusyDetail,ContactsSharing".into()],
            &desired
        ));
        assert!(!same_entries(
            &["fabrikam.com:CalendarSharingFreeBusyDetail".into()],
            &desired
        ));
        assert!(!same_entries(&["garbage".into()], &desired));
    }
}
