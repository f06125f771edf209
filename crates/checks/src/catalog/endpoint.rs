//! Our own published side as a partner reaches it: the TLS certificate of
//! `autodiscover.<domain>` and the two WS-Security endpoints partners call
//! (`/autodiscover/autodiscover.svc/WSSecurity`, `/ews/exchange.asmx/WSSecurity`).

use fedshare_dns::probe::{EndpointProbe, PathProbe, PathVerdict, TlsReport};
use fedshare_model::{CheckResult, CheckStatus, Severity, StepKind};

use crate::inputs::Inputs;
use crate::result::{check, doc, ev, fix};

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    inputs
        .endpoints
        .iter()
        .flat_map(|p| [tls(p), wssecurity(p)])
        .collect()
}

fn tls(probe: &EndpointProbe) -> CheckResult {
    let d = &probe.domain;
    let mut r = check(
        format!("endpoint.tls:{d}"),
        format!("autodiscover.{d} presents a certificate partners trust"),
        StepKind::AutodiscoverDns,
        Severity::Error,
        "Partners' Exchange servers connect to https://autodiscover.<domain> and verify its certificate like any TLS client: it must chain to a public root, name the host, and be in date. Otherwise their Get-FederationInformation and free/busy requests fail before Exchange is reached.",
        doc::CONFIGURE_SHARING,
    );
    r.subject = Some(d.clone());
    r.evidence.push(ev(
        format!("TLS {}:{}", probe.tls.host, probe.tls.port),
        tls_summary(&probe.tls),
        "a trusted chain valid for the name, more than 30 days left",
    ));
    r.status = match (&probe.tls.verified, probe.tls.expires_soon) {
        (true, false) => CheckStatus::Pass,
        (true, true) => CheckStatus::Warning,
        (false, _) => CheckStatus::Failure,
    };
    if r.status != CheckStatus::Pass {
        r.fix = Some(fix(
            "Install a certificate from a public CA whose names include autodiscover.<domain> on the Internet-facing Client Access server (and on any reverse proxy in front of it), then assign it to IIS.",
            &["Get-ExchangeCertificate | fl Thumbprint,Subject,CertificateDomains,NotAfter,Services".into()],
        ));
    }
    r
}

fn tls_summary(t: &TlsReport) -> String {
    let leaf = t.chain.first().map(|c| {
        format!(
            "certificate for {} from {}, expires {} ({} days)",
            c.dns_names.join(", "),
            c.issuer,
            c.not_after.get(..10).unwrap_or(&c.not_after),
            c.days_remaining
        )
    });
    match (t.verified, leaf) {
        (true, Some(leaf)) => format!("trusted: {leaf}"),
        (true, None) => "trusted".into(),
        (false, leaf) => {
            let why = t
                .problem
                .map_or_else(|| "not verified".to_owned(), |p| p.to_string());
            let detail = t.message.clone().unwrap_or_default();
            format!(
                "{why}{}{}",
                leaf.map(|l| format!(": {l}")).unwrap_or_default(),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({detail})")
                }
            )
        }
    }
}

fn wssecurity(probe: &EndpointProbe) -> CheckResult {
    let d = &probe.domain;
    let mut r = check(
        format!("endpoint.wssecurity:{d}"),
        format!("Partners reach the WS-Security endpoints of autodiscover.{d}"),
        StepKind::AutodiscoverDns,
        Severity::Error,
        "Partners call /autodiscover/autodiscover.svc/WSSecurity and /ews/exchange.asmx/WSSecurity with a token from the Azure AD authentication system, not with user credentials. A reverse proxy that pre-authenticates these paths, a path that is not published, or WS-Security authentication switched off on the virtual directory stops free/busy from every partner.",
        doc::CONFIGURE_SHARING,
    );
    r.subject = Some(d.clone());
    for p in &probe.paths {
        r.evidence.push(ev(
            format!("GET {}", p.url),
            path_summary(p),
            "reaches Exchange's SOAP endpoint (e.g. 405 or a SOAP fault), no sign-in",
        ));
    }
    let bad: Vec<&PathProbe> = probe
        .paths
        .iter()
        .filter(|p| p.verdict != PathVerdict::Reachable)
        .collect();
    if bad.is_empty() {
        r.status = CheckStatus::Pass;
        return r;
    }
    r.status = CheckStatus::Failure;
    r.fix = Some(path_fix(bad[0].verdict));
    r
}

/// The probe's own account of a path (it names what to do), or the verdict in words.
fn path_summary(p: &PathProbe) -> String {
    let what = p
        .failure
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| p.detail.clone())
        .unwrap_or_else(|| verdict_words(p.verdict).to_owned());
    match p.status {
        Some(status) if !what.starts_with(&status.to_string()) => {
            format!("HTTP {status}: {what}")
        }
        _ => what,
    }
}

fn verdict_words(verdict: PathVerdict) -> &'static str {
    match verdict {
        PathVerdict::Reachable => "reachable",
        PathVerdict::PreAuthRedirect => "a reverse proxy redirects to a sign-in page",
        PathVerdict::PreAuthChallenge => "a reverse proxy asks for credentials",
        PathVerdict::WsSecurityOff => "Exchange asks for Windows authentication only",
        PathVerdict::Redirected => "redirected elsewhere (partners do not follow)",
        PathVerdict::NotFound => "not published",
        PathVerdict::Unexpected => "an unexpected answer",
        PathVerdict::Failed => "no answer",
    }
}

fn path_fix(verdict: PathVerdict) -> fedshare_model::Fix {
    match verdict {
        PathVerdict::PreAuthRedirect | PathVerdict::PreAuthChallenge => fix(
            "Publish /autodiscover/autodiscover.svc/WSSecurity and /ews/exchange.asmx/WSSecurity through the reverse proxy as pass-through, without pre-authentication.",
            &[],
        ),
        PathVerdict::WsSecurityOff => fix(
            "Turn WS-Security authentication on for the Autodiscover and EWS virtual directories.",
            &[
                "Get-AutodiscoverVirtualDirectory | Set-AutodiscoverVirtualDirectory -WSSecurityAuthentication $true".into(),
                "Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -WSSecurityAuthentication $true".into(),
            ],
        ),
        _ => fix(
            "Make https://autodiscover.<domain> reach the Internet-facing Client Access server: the CNAME, the firewall (TCP 443) and the publishing rule for both paths.",
            &["Resolve-DnsName autodiscover.<domain>".into()],
        ),
    }
}

#[cfg(test)]
mod tests {
    use fedshare_dns::probe::CertificateInfo;
    use fedshare_dns::tls::TlsProblem;

    use super::*;

    fn probe(verified: bool, days: i64, verdicts: [PathVerdict; 2]) -> EndpointProbe {
        let tls = TlsReport {
            host: "autodiscover.contoso.com".into(),
            port: 443,
            verified,
            problem: (!verified).then_some(TlsProblem::NameMismatch),
            message: (!verified).then(|| "certificate not valid for name".into()),
            chain: vec![CertificateInfo {
                subject: "CN=mail.contoso.com".into(),
                issuer: "CN=Contoso Issuing CA".into(),
                dns_names: vec!["mail.contoso.com".into()],
                not_before: "2026-01-01T00:00:00Z".into(),
                not_after: "2027-01-01T00:00:00Z".into(),
                days_remaining: days,
            }],
            expires_soon: days < 30,
        };
        let paths = verdicts
            .iter()
            .zip(fedshare_dns::probe::PROBED_PATHS)
            .map(|(verdict, path)| PathProbe {
                url: format!("https://autodiscover.contoso.com{path}"),
                status: Some(if *verdict == PathVerdict::Reachable {
                    405
                } else {
                    401
                }),
                verdict: *verdict,
                detail: None,
                failure: None,
            })
            .collect();
        EndpointProbe {
            domain: "contoso.com".into(),
            tls,
            paths,
            clock_offset_seconds: Some(2),
            elapsed_ms: 5,
        }
    }

    #[test]
    fn a_certificate_for_another_name_fails_and_shows_what_was_presented() {
        let r = tls(&probe(false, 200, [PathVerdict::Reachable; 2]));
        assert_eq!(r.status, CheckStatus::Failure);
        let actual = &r.evidence[0].actual;
        assert!(
            actual.starts_with(
                "the certificate is for another name: certificate for mail.contoso.com"
            ),
            "{actual}"
        );
        assert!(r.fix.is_some());
        assert_eq!(
            tls(&probe(true, 12, [PathVerdict::Reachable; 2])).status,
            CheckStatus::Warning
        );
        assert_eq!(
            tls(&probe(true, 200, [PathVerdict::Reachable; 2])).status,
            CheckStatus::Pass
        );
    }

    #[test]
    fn a_pre_authenticating_proxy_fails_with_the_pass_through_fix() {
        let r = wssecurity(&probe(
            true,
            200,
            [PathVerdict::Reachable, PathVerdict::PreAuthChallenge],
        ));
        assert_eq!(r.status, CheckStatus::Failure);
        assert_eq!(
            r.evidence[1].actual,
            "HTTP 401: a reverse proxy asks for credentials"
        );
        assert!(r
            .fix
            .expect("fix")
            .summary
            .contains("without pre-authentication"));
        let off = wssecurity(&probe(true, 200, [PathVerdict::WsSecurityOff; 2]));
        assert!(off.fix.expect("fix").commands[0].contains("-WSSecurityAuthentication $true"));
        let ok = wssecurity(&probe(true, 200, [PathVerdict::Reachable; 2]));
        assert_eq!(ok.status, CheckStatus::Pass);
        assert_eq!(ok.evidence[0].actual, "HTTP 405: reachable");
    }
}
