//! "Before you begin": the checks the documentation lists for configuring federated sharing,
//! with its estimate of the time the task takes.

use std::time::Duration;

use fedshare_model::{
    AcceptedDomainType, CheckResult, CheckStatus, Evidence, Fix, Severity, StepKind,
};

use crate::file::{DnsMode, SharingPlan};
use crate::snapshot::Snapshot;

/// "Estimated time to complete this task: 1 hour." (Configure federated sharing, Exchange 2013.)
pub const ESTIMATED_TIME: Duration = Duration::from_secs(60 * 60);
const DOC: &str =
    "https://learn.microsoft.com/en-us/exchange/configure-federated-sharing-exchange-2013-help";
/// Token exchange with the broker fails beyond this skew.
const MAX_SKEW_SECONDS: i64 = 5 * 60;

fn result(
    id: &str,
    title: &str,
    status: CheckStatus,
    severity: Severity,
    explanation: &str,
) -> CheckResult {
    CheckResult {
        id: id.into(),
        title: title.into(),
        step: StepKind::Prerequisites,
        severity,
        status,
        subject: None,
        evidence: Vec::new(),
        explanation: explanation.into(),
        fix: None,
        doc_link: DOC.into(),
    }
}

fn evidence(subject: &str, actual: impl Into<String>, expected: &str) -> Evidence {
    Evidence {
        subject: subject.into(),
        actual: actual.into(),
        expected: expected.into(),
    }
}

fn roles(snapshot: &Snapshot) -> CheckResult {
    let mut r = result(
        "prereq.management-roles",
        "The account has the Federated Sharing management role",
        CheckStatus::NotChecked,
        Severity::Error,
        "Creating the trust, the relationships and the policies needs the Federated Sharing role (Organization Management).",
    );
    if let Some(roles) = &snapshot.management_roles {
        let ok = roles
            .iter()
            .any(|x| x.eq_ignore_ascii_case("Federated Sharing"));
        r.status = if ok {
            CheckStatus::Pass
        } else {
            CheckStatus::Failure
        };
        r.evidence.push(evidence(
            "management roles",
            roles.join(", "),
            "includes Federated Sharing",
        ));
        if !ok {
            r.fix = Some(Fix {
                summary: "Add the account to Organization Management.".into(),
                commands: vec![
                    "Add-RoleGroupMember -Identity 'Organization Management' -Member <account>"
                        .into(),
                ],
            });
        }
    }
    r
}

fn accepted_domain(snapshot: &Snapshot, domain: &str) -> CheckResult {
    let mut r = result(
        &format!("prereq.accepted-domain:{domain}"),
        &format!("{domain} is an accepted domain that can be federated"),
        CheckStatus::Pass,
        Severity::Error,
        "Federated domains must be accepted domains without subdomains, of type Authoritative or InternalRelay.",
    );
    r.subject = Some(domain.to_owned());
    let found = snapshot
        .org
        .accepted_domains
        .iter()
        .find(|a| a.domain_name.eq_ignore_ascii_case(domain));
    let covered_by_wildcard = snapshot.org.accepted_domains.iter().any(|a| {
        a.domain_name.strip_prefix("*.").is_some_and(|base| {
            domain.eq_ignore_ascii_case(base)
                || domain
                    .to_ascii_lowercase()
                    .ends_with(&format!(".{}", base.to_ascii_lowercase()))
        })
    });
    let (status, actual) = match found {
        Some(a) if a.domain_type == AcceptedDomainType::ExternalRelay => {
            (CheckStatus::Failure, "ExternalRelay".to_owned())
        }
        Some(a) => (CheckStatus::Pass, format!("{:?}", a.domain_type)),
        None if covered_by_wildcard => (
            CheckStatus::Failure,
            "covered only by a *.domain accepted domain".to_owned(),
        ),
        None => (CheckStatus::Failure, "not an accepted domain".to_owned()),
    };
    r.status = status;
    r.evidence.push(evidence(
        "Get-AcceptedDomain",
        actual,
        "Authoritative or InternalRelay",
    ));
    if status == CheckStatus::Failure {
        r.fix = Some(Fix {
            summary: format!("Make {domain} an Authoritative (or InternalRelay) accepted domain, or remove it from the plan."),
            commands: Vec::new(),
        });
    }
    r
}

/// An Exchange version: major and minor, and build and revision when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExchangeVersion {
    pub major: u32,
    pub minor: u32,
    pub build: Option<(u32, u32)>,
}

/// Major, minor, build and revision from Exchange's `AdminDisplayVersion` text
/// (`Version 15.0 (Build 1497.2)`, the ServerVersion's ToString), also without `Version `.
pub(crate) fn parse_exchange_version(text: &str) -> Option<ExchangeVersion> {
    let t = text.trim();
    let t = t.strip_prefix("Version").map_or(t, str::trim_start);
    let (major_minor, rest) = t.split_once(' ').unwrap_or((t, ""));
    let (major, minor) = major_minor.split_once('.')?;
    let build = rest
        .trim()
        .strip_prefix("(Build")
        .and_then(|b| b.trim().strip_suffix(')'))
        .and_then(|b| b.trim().split_once('.'))
        .and_then(|(b, r)| Some((b.parse().ok()?, r.parse().ok()?)));
    Some(ExchangeVersion {
        major: major.parse().ok()?,
        minor: minor.parse().ok()?,
        build,
    })
}

/// The product a version number belongs to.
fn product(major: u32, minor: u32) -> String {
    match (major, minor) {
        (15, 0) => "Exchange Server 2013".into(),
        (15, 1) => "Exchange Server 2016".into(),
        (15, 2) => "Exchange Server 2019".into(),
        (14, _) => "Exchange Server 2010".into(),
        (8, _) => "Exchange Server 2007".into(),
        _ => format!("Exchange {major}.{minor}"),
    }
}

fn version(exchange_version: &str) -> CheckResult {
    let v = exchange_version.trim();
    let parsed = parse_exchange_version(v);
    let parsed = parsed.map(|v| (v.major, v.minor));
    let (status, actual, explanation) = match parsed {
        Some((15, 0)) => (
            CheckStatus::Pass,
            format!("{v}: Exchange Server 2013"),
            "Fedshare follows Exchange 2013's cmdlets and rules.".to_owned(),
        ),
        Some((major, minor)) if (major, minor) > (15, 0) => (
            CheckStatus::Warning,
            format!("{v}: {}, not 2013", product(major, minor)),
            format!(
                "Fedshare follows Exchange 2013 (15.0). {} shares the federation cmdlets, but its rules and outputs were not checked here; review each step before applying it.",
                product(major, minor)
            ),
        ),
        Some((major, minor)) => (
            CheckStatus::Failure,
            format!("{v}: {}", product(major, minor)),
            format!(
                "{} predates Exchange 2013 (15.0), whose federation cmdlets and rules Fedshare uses.",
                product(major, minor)
            ),
        ),
        None if v.is_empty() || v.eq_ignore_ascii_case("unknown") => (
            CheckStatus::Warning,
            "not reported by the session".to_owned(),
            "The session did not report the Exchange build (AdminDisplayVersion), so Fedshare cannot confirm it is Exchange 2013.".to_owned(),
        ),
        None => (
            CheckStatus::Warning,
            format!("{v}: not an Exchange version Fedshare can read"),
            "Exchange reports its build as `Version 15.0 (Build 1497.2)`; this text could not be read as one.".to_owned(),
        ),
    };
    let mut r = result(
        "prereq.exchange-version",
        "The server runs Exchange Server 2013",
        status,
        Severity::Warning,
        &explanation,
    );
    r.evidence.push(evidence(
        "Get-ExchangeServer AdminDisplayVersion",
        actual,
        "Version 15.0 (Exchange Server 2013)",
    ));
    r
}

fn wssecurity(snapshot: &Snapshot) -> CheckResult {
    let mut r = result(
        "prereq.wssecurity",
        "The Autodiscover and EWS virtual directories allow WSSecurity",
        CheckStatus::NotChecked,
        Severity::Error,
        "Partners reach free/busy through /autodiscover/autodiscover.svc/wssecurity and /ews/exchange.asmx/wssecurity.",
    );
    if snapshot.virtual_directories.is_empty() {
        return r;
    }
    let off: Vec<&str> = snapshot
        .virtual_directories
        .iter()
        .filter(|v| !v.ws_security_authentication)
        .map(|v| v.identity.as_str())
        .collect();
    r.status = if off.is_empty() {
        CheckStatus::Pass
    } else {
        CheckStatus::Failure
    };
    for v in &snapshot.virtual_directories {
        r.evidence.push(evidence(
            &format!("{} WSSecurityAuthentication", v.identity),
            v.ws_security_authentication.to_string(),
            "true",
        ));
    }
    if !off.is_empty() {
        r.fix = Some(Fix {
            summary: "Turn WSSecurity authentication on.".into(),
            commands: vec![
                "Get-AutodiscoverVirtualDirectory | Set-AutodiscoverVirtualDirectory -WSSecurityAuthentication $true".into(),
                "Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -WSSecurityAuthentication $true".into(),
            ],
        });
    }
    r
}

fn clock(snapshot: &Snapshot) -> CheckResult {
    let mut r = result(
        "prereq.clock-skew",
        "The server clock is within 5 minutes",
        CheckStatus::NotChecked,
        Severity::Error,
        "The trust broker rejects token requests from a server whose clock is more than 5 minutes off.",
    );
    if let Some(skew) = snapshot.clock_skew_seconds {
        r.status = if skew.abs() <= MAX_SKEW_SECONDS {
            CheckStatus::Pass
        } else {
            CheckStatus::Failure
        };
        r.evidence.push(evidence(
            "server clock - local clock",
            format!("{skew} s"),
            "within ±300 s",
        ));
    }
    r
}

/// The "Before you begin" checks for this plan against this organization.
pub fn prerequisites(plan: &SharingPlan, snapshot: &Snapshot) -> Vec<CheckResult> {
    // The estimated time ([`ESTIMATED_TIME`]) is a fact about the task, not a check: it is
    // said in the page's text, never listed as a passed check.
    let mut out = vec![roles(snapshot), version(&snapshot.org.exchange_version)];
    out.extend(
        plan.federated_domains()
            .iter()
            .map(|d| accepted_domain(snapshot, d)),
    );
    out.push(wssecurity(snapshot));
    out.push(clock(snapshot));
    out.extend(crate::limits::relationship_sizes(plan));
    if let DnsMode::Windows { server, zones } = &plan.dns {
        out.push(windows_dns_tools(server.as_deref(), zones));
    }
    out
}

/// Publishing in Windows DNS runs the DnsServer cmdlets on this computer: they must be
/// installed, and the account must be allowed to change the zones. Nothing reads that
/// before the first record, so it is a reminder with the commands that settle it.
fn windows_dns_tools(server: Option<&str>, zones: &[String]) -> CheckResult {
    let mut r = result(
        "prereq.windows-dns",
        "This computer can change the Windows DNS zones the plan lists",
        CheckStatus::NotChecked,
        Severity::Error,
        "The plan publishes its records with Add-DnsServerResourceRecord, which needs the DNS Server Tools on this computer and DnsAdmins (or zone) rights for the account.",
    );
    r.evidence.push(evidence(
        "[dns] zones",
        format!(
            "{} on {}",
            zones.join(", "),
            server.unwrap_or("this computer")
        ),
        "each zone exists on that server and the account may change it",
    ));
    // Said plainly, because the wait would otherwise sit until its time-out.
    r.evidence.push(evidence(
        "Public DNS",
        format!(
            "the proof TXT records go to {} only",
            server.unwrap_or("this computer")
        ),
        "each zone is the one the Internet sees; an internal zone (split-brain DNS) needs the proof in the public zone as well",
    ));
    r.fix = Some(Fix {
        summary: "Install the DNS Server Tools if Get-DnsServerZone is not found, then confirm each zone.".into(),
        commands: vec![
            "Add-WindowsCapability -Online -Name Rsat.Dns.Tools~~~~0.0.1.0".into(),
            format!(
                "Get-DnsServerZone -ComputerName {server_arg} -Name {zone}",
                server_arg = server.unwrap_or("localhost"),
                zone = zones.first().map_or("<zone>", String::as_str)
            ),
        ],
    });
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_versions_are_read_from_admin_display_version() {
        let v = |major, minor, build| {
            Some(ExchangeVersion {
                major,
                minor,
                build,
            })
        };
        assert_eq!(
            parse_exchange_version("Version 15.0 (Build 1497.2)"),
            v(15, 0, Some((1497, 2)))
        );
        assert_eq!(
            parse_exchange_version("Version 15.1 (Build 2507.18)"),
            v(15, 1, Some((2507, 18)))
        );
        assert_eq!(parse_exchange_version("15.2"), v(15, 2, None));
        assert_eq!(parse_exchange_version("unknown"), None);
        assert_eq!(parse_exchange_version(""), None);
    }

    fn checked(text: &str) -> CheckResult {
        version(text)
    }

    #[test]
    fn only_exchange_2013_passes_and_later_versions_are_named() {
        assert_eq!(
            checked("Version 15.0 (Build 1497.2)").status,
            CheckStatus::Pass
        );
        let e2016 = checked("Version 15.1 (Build 2507.18)");
        assert_eq!(e2016.status, CheckStatus::Warning);
        assert!(
            e2016.evidence[0].actual.contains("Exchange Server 2016"),
            "{e2016:?}"
        );
        let e2019 = checked("Version 15.2 (Build 1118.7)");
        assert!(
            e2019.evidence[0].actual.contains("Exchange Server 2019"),
            "{e2019:?}"
        );
        assert_eq!(
            checked("Version 14.3 (Build 123.4)").status,
            CheckStatus::Failure
        );
        let unknown = checked("unknown");
        assert_eq!(unknown.status, CheckStatus::Warning);
        assert!(unknown.evidence[0].actual.contains("not reported"));
    }
}
