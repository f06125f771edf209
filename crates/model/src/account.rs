//! Who is at the keyboard, as journals, acknowledgements and reports record it.
//!
//! The environment is not enough: a desktop app started by a launcher, a service manager or a
//! test driver may have no `USER` (or an empty one), which is how reports came to say
//! "Generated … by  (Fedshare …)". The operating system's own account record is the fallback.

/// The signed-in account's name: `USER`, `LOGNAME` or `USERNAME` when set and not blank,
/// otherwise the operating system's name for the account this process runs as. `None` only
/// when neither says anything.
pub fn signed_in_user() -> Option<String> {
    from_environment(|name| std::env::var(name).ok()).or_else(os_account)
}

fn from_environment(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|name| var(name))
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
}

/// The account's name from the password database (getpwuid), or its numeric id when the
/// database has no entry (a container's arbitrary uid): still names who ran it.
#[cfg(unix)]
fn os_account() -> Option<String> {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) if !user.name.trim().is_empty() => Some(user.name),
        _ => Some(format!("uid {uid}")),
    }
}

/// Windows always sets `USERNAME` for a signed-in user's processes.
#[cfg(not(unix))]
fn os_account() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_variables_are_skipped_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            from_environment(env(&[("USER", ""), ("LOGNAME", " alex ")])),
            Some("alex".into())
        );
        assert_eq!(
            from_environment(env(&[("USER", "megan"), ("USERNAME", "x")])),
            Some("megan".into())
        );
        assert_eq!(from_environment(env(&[("USER", "  ")])), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_os_names_the_account_without_the_environment() {
        let name = os_account().expect("an account name");
        assert!(!name.trim().is_empty());
        // The test runs as a real account: its name is the password database's.
        let uid = nix::unistd::getuid();
        if let Ok(Some(user)) = nix::unistd::User::from_uid(uid) {
            assert_eq!(name, user.name);
        }
    }
}
