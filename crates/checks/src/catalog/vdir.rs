//! WSSecurity (and Windows) authentication on the Autodiscover and EWS virtual directories.

use fedshare_model::{CheckResult, CheckStatus, Severity, StepKind};

use crate::inputs::{Inputs, VdirKind};
use crate::result::{check, doc, ev, fix};

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    inputs
        .virtual_directories
        .iter()
        .map(|obs| {
            let (id, name, set) = match obs.kind {
                VdirKind::Autodiscover => (
                    "vdir.wssecurity.autodiscover",
                    "Autodiscover",
                    "Set-AutodiscoverVirtualDirectory",
                ),
                VdirKind::Ews => (
                    "vdir.wssecurity.ews",
                    "EWS",
                    "Set-WebServicesVirtualDirectory",
                ),
            };
            let mut r = check(
                id,
                format!("The {name} virtual directory accepts WSSecurity authentication"),
                StepKind::Prerequisites,
                Severity::Error,
                "Partners call /autodiscover/autodiscover.svc/wssecurity and /ews/exchange.asmx/wssecurity with a delegation token, not a user's credentials. With WSSecurity authentication off, every partner's free/busy request is refused ('An error occurred when verifying security for the message').",
                doc::RESOLVE_FREE_BUSY,
            );
            // A server whose IIS could not be read is named as such; the others still count.
            for s in &obs.unreachable {
                r.evidence.push(ev(
                    format!("Get-{name}VirtualDirectory -Server {}", s.server),
                    format!("not read: {}", s.problem),
                    "the server's virtual directory",
                ));
            }
            let Some(vdirs) = obs.vdirs.value() else {
                if let Some(p) = obs.vdirs.problem() {
                    r.evidence.push(ev(format!("Get-{name}VirtualDirectory"), p, "the virtual directories"));
                }
                return r;
            };
            let mut wssecurity_off = false;
            let mut windows_off = false;
            for v in vdirs {
                wssecurity_off |= !v.ws_security_authentication;
                windows_off |= !v.windows_authentication;
                r.evidence.push(ev(
                    format!("{} WSSecurityAuthentication", v.identity),
                    v.ws_security_authentication.to_string(),
                    "True",
                ));
                r.evidence.push(ev(
                    format!("{} WindowsAuthentication", v.identity),
                    v.windows_authentication.to_string(),
                    "True",
                ));
            }
            let getter = if obs.kind == VdirKind::Autodiscover {
                "Get-AutodiscoverVirtualDirectory"
            } else {
                "Get-WebServicesVirtualDirectory"
            };
            r.status = if vdirs.is_empty() || wssecurity_off {
                CheckStatus::Failure
            } else if windows_off || !obs.unreachable.is_empty() {
                CheckStatus::Warning
            } else {
                CheckStatus::Pass
            };
            if vdirs.is_empty() || wssecurity_off || windows_off {
                r.fix = Some(fix(
                    "Turn WSSecurity (and Windows) authentication on; if it is already on, toggle it off and on and run iisreset.",
                    &[
                        format!("{getter} | {set} -WSSecurityAuthentication $true -WindowsAuthentication $true"),
                        "iisreset /noforce".into(),
                    ],
                ));
            } else if let Some(s) = obs.unreachable.first() {
                r.fix = Some(fix(
                    "Bring the server back (IIS running, RPC reachable from the Exchange server you connect to), then verify again; partners reaching it get no answer meanwhile.",
                    &[format!("{getter} -Server {}", s.server)],
                ));
            }
            r
        })
        .collect()
}
