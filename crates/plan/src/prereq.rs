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

fn estimated_time() -> CheckResult {
    result(
        "prereq.estimated-time",
        "Estimated time to complete this task: 1 hour",
        CheckStatus::Pass,
        Severity::Info,
        "Most of it is waiting for the domain proof TXT records to replicate in public DNS.",
    )
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

fn version(snapshot: &Snapshot) -> CheckResult {
    let v = &snapshot.org.exchange_version;
    let ok = v.trim_start().starts_with("15.") || v.contains("Version 15.");
    let mut r = result(
        "prereq.exchange-version",
        "The server runs Exchange Server 2013",
        if ok {
            CheckStatus::Pass
        } else {
            CheckStatus::Warning
        },
        Severity::Warning,
        "Fedshare follows Exchange 2013's cmdlets and rules.",
    );
    r.evidence.push(evidence(
        "Exchange version",
        v.clone(),
        "15.0 (Exchange 2013)",
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
    let mut out = vec![estimated_time(), roles(snapshot), version(snapshot)];
    out.extend(
        plan.federated_domains()
            .iter()
            .map(|d| accepted_domain(snapshot, d)),
    );
    out.push(wssecurity(snapshot));
    out.push(clock(snapshot));
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
