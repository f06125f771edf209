//! The federation certificate's life after setup: days left for every certificate the trust
//! holds (current, next, previous, and the broker's signing certificates), the roll as a plan,
//! and whether the trust's metadata refreshes itself on this build.
//!
//! Thresholds: Exchange itself warns only 15 days ahead (event 2009, per server, in each
//! server's event log). A roll needs a new proof TXT per federated domain to reach public DNS
//! (its TTL, and the administrator's DNS host when publication is manual), the certificate on
//! every server (up to an hour per server, longer across sites), and often a change window:
//! so Fedshare says "renew soon" at 60 days and "urgent" at 30, leaving a month for the roll
//! and a month of slack before an expiry that forces the rebuild.

use fedshare_model::{CertificateRef, FederationTrust};
use fedshare_plan::{Applier, ApplyOptions, ApplyReport, Plan, Progress, Snapshot};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::dns_ops::DnsOps;
use crate::workflow::{self, PlanView};
use crate::{AppPaths, EngineError, Session};

/// Below this many days the status says to renew.
pub const RENEW_WITHIN_DAYS: i64 = 60;
/// Below this many days the roll is urgent.
pub const URGENT_WITHIN_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CertificateSlot {
    /// `OrgCertificate`: signs token requests now.
    Current,
    /// `OrgNextCertificate`: staged by a roll.
    Next,
    /// `OrgPrevCertificate`: kept after a roll.
    Previous,
    /// `TokenIssuerCertificate`: the gateway's signing certificate the trust holds.
    Gateway,
    /// `TokenIssuerPrevCertificate`.
    GatewayPrevious,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Lifetime {
    Ok,
    RenewSoon,
    Urgent,
    Expired,
    /// The expiry could not be read.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateLife {
    pub slot: CertificateSlot,
    /// The `Get-FederationTrust` property it was read from.
    pub property: String,
    pub thumbprint: String,
    pub subject: String,
    /// RFC 3339; absent when unknown.
    pub not_after: Option<String>,
    /// Whole days from now to `not_after` (negative once expired).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    pub lifetime: Lifetime,
}

/// Whether Exchange's own scheduled metadata refresh (the AuthAdmin servicelet, every 12 h)
/// can run: Exchange 2013 SP1 (build 847) or later, on Windows Server 2012 or later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BuiltinRefresh {
    /// The build has it; it runs unless the server's Windows is 2008 R2, which Exchange's
    /// cmdlets do not report.
    OnWindows2012OrLater,
    /// The build predates SP1: refresh by hand or with the scheduled task.
    CannotRun,
    /// The build could not be read.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MetadataRefresh {
    pub builtin: BuiltinRefresh,
    pub explanation: String,
    /// Run now (twice, as Microsoft advises after a broker certificate change).
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateStatus {
    pub trust: Option<String>,
    pub checked_at: String,
    #[ts(type = "number")]
    pub renew_within_days: i64,
    #[ts(type = "number")]
    pub urgent_within_days: i64,
    pub certificates: Vec<CertificateLife>,
    /// What to do now, in order of urgency.
    pub advice: Vec<String>,
    pub metadata_refresh: MetadataRefresh,
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn parse(t: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
}

/// Days left and the verdict for one certificate.
pub fn life(
    slot: CertificateSlot,
    property: &str,
    cert: &CertificateRef,
    now: &str,
) -> CertificateLife {
    let not_after = (!cert.not_after_unknown()).then(|| cert.not_after.clone());
    let days_left = match (not_after.as_deref().and_then(parse), parse(now)) {
        (Some(a), Some(n)) => Some((a - n).whole_seconds().div_euclid(86_400)),
        _ => None,
    };
    let lifetime = match days_left {
        None => Lifetime::Unknown,
        Some(d) if d < 0 => Lifetime::Expired,
        Some(d) if d < URGENT_WITHIN_DAYS => Lifetime::Urgent,
        Some(d) if d < RENEW_WITHIN_DAYS => Lifetime::RenewSoon,
        Some(_) => Lifetime::Ok,
    };
    CertificateLife {
        slot,
        property: property.to_owned(),
        thumbprint: cert.thumbprint.clone(),
        subject: cert.subject.clone(),
        not_after,
        days_left,
        lifetime,
    }
}

/// The trust's certificates with days left, `gateway` being the broker's signing
/// certificates read from the same `Get-FederationTrust` object.
pub fn lives(
    trust: &FederationTrust,
    gateway: [Option<CertificateRef>; 2],
    now: &str,
) -> Vec<CertificateLife> {
    let [gw, gw_prev] = gateway;
    [
        (
            CertificateSlot::Current,
            "OrgCertificate",
            trust.org_certificate.clone(),
        ),
        (
            CertificateSlot::Next,
            "OrgNextCertificate",
            trust.org_next_certificate.clone(),
        ),
        (
            CertificateSlot::Previous,
            "OrgPrevCertificate",
            trust.org_prev_certificate.clone(),
        ),
        (CertificateSlot::Gateway, "TokenIssuerCertificate", gw),
        (
            CertificateSlot::GatewayPrevious,
            "TokenIssuerPrevCertificate",
            gw_prev,
        ),
    ]
    .into_iter()
    .filter_map(|(slot, property, cert)| cert.map(|c| life(slot, property, &c, now)))
    .collect()
}

impl CertificateLife {
    /// Whether its expiry calls for action: the previous certificates are kept by design
    /// after a roll and expire harmlessly (Exchange cannot even remove them).
    pub fn needs_action(&self) -> bool {
        let watched = matches!(
            self.slot,
            CertificateSlot::Current | CertificateSlot::Next | CertificateSlot::Gateway
        );
        watched
            && matches!(
                self.lifetime,
                Lifetime::Expired | Lifetime::Urgent | Lifetime::RenewSoon
            )
    }
}

/// What the administrator should do, from the certificates' verdicts.
pub fn advice(certificates: &[CertificateLife]) -> Vec<String> {
    let of = |slot| certificates.iter().find(|c| c.slot == slot);
    let mut out = Vec::new();
    let next = of(CertificateSlot::Next);
    match of(CertificateSlot::Current).map(|c| (c.lifetime, c.days_left)) {
        Some((Lifetime::Expired, _)) => out.push(
            "The current certificate has expired: it cannot be rolled. Rebuild the trust (fedshare certificate roll shows the steps): every federated domain then needs a new proof TXT record, and the gateway may refuse the same domain on the same day, so allow a day.".into(),
        ),
        Some((Lifetime::Urgent | Lifetime::RenewSoon, Some(d))) if next.is_none() => out.push(format!(
            "The current certificate expires in {d} days: roll it now (fedshare certificate roll) while the trust still works."
        )),
        _ => {}
    }
    if next.is_some() {
        out.push("A next certificate is staged: finish the roll (fedshare certificate roll resumes it) so it becomes current.".into());
    }
    if of(CertificateSlot::Gateway).is_some_and(|c| c.lifetime == Lifetime::Expired) {
        out.push("The gateway's signing certificate the trust holds has expired: refresh the metadata (Set-FederationTrust -RefreshMetadata, twice).".into());
    }
    out
}

/// Exchange 2013's own refresh came with SP1 (build 847), and works on Windows Server 2012 or
/// later only (operations-after-setup §2.2).
pub fn builtin_refresh(exchange_version: &str) -> MetadataRefresh {
    let build = exchange_version
        .split("(Build")
        .nth(1)
        .and_then(|b| b.trim().split('.').next())
        .and_then(|b| b.trim().parse::<u32>().ok());
    let major_minor = exchange_version
        .trim()
        .trim_start_matches("Version")
        .split_whitespace()
        .next()
        .unwrap_or("");
    let (builtin, explanation) = match (major_minor, build) {
        ("15.0", Some(b)) if b < 847 => (
            BuiltinRefresh::CannotRun,
            format!("Exchange 2013 build {b} predates SP1 (build 847), which brought the scheduled metadata refresh: refresh by hand or install the scheduled task (fedshare certificate refresh-task)."),
        ),
        (_, Some(b)) => (
            BuiltinRefresh::OnWindows2012OrLater,
            format!("Build {b} refreshes the metadata itself every 12 hours (the AuthAdmin servicelet in MSExchangeServiceHost), but only on Windows Server 2012 or later; on Windows Server 2008 R2 it does not run, so install the scheduled task (fedshare certificate refresh-task). Exchange's cmdlets do not report the server's Windows version."),
        ),
        _ => (
            BuiltinRefresh::Unknown,
            "The Exchange build could not be read; if it is before 2013 SP1 or the server runs Windows Server 2008 R2, install the scheduled task (fedshare certificate refresh-task).".into(),
        ),
    };
    MetadataRefresh {
        builtin,
        explanation,
        commands: vec![
            "Get-FederationTrust | Set-FederationTrust -RefreshMetadata".into(),
            "Get-FederationTrust | Set-FederationTrust -RefreshMetadata".into(),
        ],
    }
}

/// The certificate status of the session's organization.
pub async fn status(session: &Session) -> Result<CertificateStatus, EngineError> {
    let org = crate::status::read(session).await?;
    let now = now_rfc3339();
    let (trust, certificates) = match &org.federation_trust {
        Some(trust) => {
            let raw = session
                .invoke(&fedshare_exchange::Invocation::new("Get-FederationTrust"))
                .await?;
            let gateway = |p: &str| {
                raw.first()
                    .and_then(|o| o.get(p))
                    .and_then(|c| serde_json::from_value::<CertificateRef>(c.clone()).ok())
            };
            let gw = [
                gateway("TokenIssuerCertificate"),
                gateway("TokenIssuerPrevCertificate"),
            ];
            (Some(trust.name.clone()), lives(trust, gw, &now))
        }
        None => (None, Vec::new()),
    };
    Ok(CertificateStatus {
        trust,
        checked_at: now,
        renew_within_days: RENEW_WITHIN_DAYS,
        urgent_within_days: URGENT_WITHIN_DAYS,
        advice: advice(&certificates),
        certificates,
        metadata_refresh: builtin_refresh(&org.exchange_version),
    })
}

/// The roll's steps from the organization as it is now, with the profile's current plan's
/// DNS settings (how the new proofs are published).
pub async fn roll_preview(
    session: &Session,
    paths: &AppPaths,
) -> Result<(Plan, PlanView), EngineError> {
    let (planned, snap, _) = plan_roll(session, paths).await?;
    let view = PlanView::new(snap.org.organization_name.clone(), &planned)?;
    Ok((planned, view))
}

/// The roll planned on a fresh snapshot, with the DNS it publishes the new proofs through.
async fn plan_roll(
    session: &Session,
    paths: &AppPaths,
) -> Result<(Plan, Snapshot, DnsOps), EngineError> {
    let plan = workflow::current_plan(paths, session).await?;
    let dns = workflow::dns_ops(session, &plan).await?;
    let snap = workflow::snapshot(session, &dns, &plan).await?;
    let planned = fedshare_plan::roll::roll(&plan, &snap, &now_rfc3339())?;
    Ok((planned, snap, dns))
}

/// Runs the roll with the journal, as `apply` runs a plan: a second run resumes it.
pub async fn roll(
    session: &Session,
    paths: &AppPaths,
    options: ApplyOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ApplyReport, EngineError> {
    // The journal first: it is the lock that keeps a second apply from planning meanwhile.
    let mut journal = workflow::open_journal(paths, session)?;
    let (planned, _, dns) = plan_roll(session, paths).await?;
    let report = Applier::new(session, &dns, &mut journal, options)
        .on_progress(progress)
        .apply(&planned)
        .await?;
    Ok(report)
}

/// `Set-FederationTrust -RefreshMetadata`, twice, with the journal.
pub async fn refresh_metadata(
    session: &Session,
    paths: &AppPaths,
    options: ApplyOptions,
    progress: impl FnMut(&Progress) + Send,
) -> Result<ApplyReport, EngineError> {
    let mut journal = workflow::open_journal(paths, session)?;
    let plan = workflow::current_plan(paths, session).await?;
    let dns = workflow::dns_ops(session, &plan).await?;
    let org = crate::status::read(session).await?;
    let planned = fedshare_plan::roll::refresh_metadata(&fedshare_plan::Snapshot::new(org))?;
    let report = Applier::new(session, &dns, &mut journal, options)
        .on_progress(progress)
        .apply(&planned)
        .await?;
    Ok(report)
}

/// The daily scheduled task that refreshes the trust's metadata where Exchange's own refresh
/// cannot run (before 2013 SP1, or Windows Server 2008 R2): Microsoft's documented command,
/// run twice, registered as SYSTEM. Fixed text: nothing from the organization is in it.
pub fn refresh_task_script() -> String {
    REFRESH_TASK.to_owned()
}

const REFRESH_TASK: &str = r#"# Fedshare: a daily task that refreshes the federation trust's metadata
# (the Microsoft Federation Gateway's signing certificates), for Exchange 2013 servers where the
# built-in refresh cannot run (before SP1, or on Windows Server 2008 R2).
# Run once, elevated, in the Exchange Management Shell of a Mailbox server.

$refresh = 'Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn; ' +
    'Get-FederationTrust | Set-FederationTrust -RefreshMetadata; ' +
    'Start-Sleep -Seconds 60; ' +
    'Get-FederationTrust | Set-FederationTrust -RefreshMetadata'
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ('-NoProfile -NonInteractive -Command "' + $refresh + '"')
$trigger = New-ScheduledTaskTrigger -Daily -At '03:00'
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
Register-ScheduledTask -TaskName 'Fedshare federation metadata refresh' -Action $action -Trigger $trigger -Principal $principal -Force

# Windows Server 2008 R2 has no ScheduledTasks module; there, use Microsoft's schtasks line:
# schtasks /create /sc Daily /tn FedRefresh /ru System /tr "powershell.exe -command Add-PSSnapin Microsoft.Exchange.Management.PowerShell.SnapIn; Get-FederationTrust | Set-FederationTrust -RefreshMetadata"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(not_after: &str) -> CertificateRef {
        CertificateRef {
            thumbprint: "AB".into(),
            not_after: not_after.into(),
            subject: "CN=Federation".into(),
        }
    }

    #[test]
    fn days_left_take_the_thresholds() {
        let now = "2026-12-04T12:00:00Z";
        let l = |na: &str| life(CertificateSlot::Current, "OrgCertificate", &cert(na), now);
        assert_eq!(l("2027-12-04T12:00:00Z").lifetime, Lifetime::Ok);
        assert_eq!(l("2027-01-20T12:00:00Z").lifetime, Lifetime::RenewSoon);
        assert_eq!(l("2027-01-20T12:00:00Z").days_left, Some(47));
        assert_eq!(l("2026-12-20T12:00:00Z").lifetime, Lifetime::Urgent);
        assert_eq!(l("2026-12-04T11:00:00Z").lifetime, Lifetime::Expired);
        assert_eq!(l("2026-12-04T11:00:00Z").days_left, Some(-1));
        assert_eq!(l("").lifetime, Lifetime::Unknown);
    }

    #[test]
    fn the_builtin_refresh_needs_sp1() {
        assert_eq!(
            builtin_refresh("Version 15.0 (Build 516.32)").builtin,
            BuiltinRefresh::CannotRun
        );
        assert_eq!(
            builtin_refresh("Version 15.0 (Build 1497.2)").builtin,
            BuiltinRefresh::OnWindows2012OrLater
        );
        assert_eq!(builtin_refresh("").builtin, BuiltinRefresh::Unknown);
    }

    #[test]
    fn the_refresh_task_parses_as_powershell() {
        let tree = fedshare_exchange::syntax::parse(&refresh_task_script()).expect("parse");
        assert!(fedshare_exchange::syntax::problems(&tree).is_empty());
        assert_eq!(
            refresh_task_script()
                .matches("Set-FederationTrust -RefreshMetadata")
                .count(),
            3
        );
    }
}
