//! What each partner publishes (GetFederationInformation): reachable, on the same broker
//! instance, and whether it is hosted in Exchange Online.

use fedshare_dns::ExchangeOnline;
use fedshare_model::{CheckResult, CheckStatus, OrganizationRelationship, Severity, StepKind};

use crate::inputs::{Inputs, PartnerObservation};
use crate::result::{check, conclude, doc, ev, fix};

const BUSINESS_ISSUER: &str = "urn:federation:MicrosoftOnline";

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for p in &inputs.partners {
        out.push(discovery(p, reached_through(inputs, p)));
        if p.discovery.result.is_some() {
            out.push(token_issuer(p));
        }
    }
    out.extend(exchange_online(inputs));
    out
}

/// Another domain of the same relationship whose discovery succeeded: Exchange tries each
/// domain of a relationship in turn, so the relationship is reachable through it.
fn reached_through<'a>(inputs: &'a Inputs, p: &PartnerObservation) -> Option<&'a str> {
    let rel = p.relationship.as_deref()?;
    inputs
        .partners
        .iter()
        .find(|o| o.relationship.as_deref() == Some(rel) && o.discovery.result.is_some())
        .map(|o| o.domain.as_str())
}

fn discovery(p: &PartnerObservation, reached: Option<&str>) -> CheckResult {
    let d = &p.domain;
    let mut r = check(
        format!("partner.discovery:{d}"),
        format!("{d} publishes its federation information"),
        StepKind::OrganizationRelationships,
        Severity::Error,
        "Exchange reaches a partner through its Autodiscover (https://autodiscover.<domain>/autodiscover/autodiscover.svc, then https://<domain>/..., then the HTTP redirect). When none answers with the partner's federation information, Get-FederationInformation fails ('Federation information could not be received from the external organization') and relationships without a TargetSharingEpr cannot find the partner.",
        doc::GET_FEDERATION_INFORMATION,
    );
    r.subject = Some(p.relationship.clone().unwrap_or_else(|| d.clone()));
    for a in &p.discovery.attempts {
        r.evidence.push(ev(
            format!("{} {}", a.method, a.url),
            a.summary.as_str(),
            "an answer listing the domain",
        ));
    }
    if let Some(u) = &p.discovery.unsecured_redirect {
        r.evidence.push(ev(
            format!("unsecured redirect from {}", u.from),
            format!("to {} (trusted: {})", u.host, u.trusted),
            "a direct https answer",
        ));
    }
    if p.discovery.result.is_none() {
        if let (Some(other), Some(rel)) = (reached, &p.relationship) {
            // Not a fault: e.g. <tenant>.mail.onmicrosoft.com has no Autodiscover of its own.
            r.status = CheckStatus::Pass;
            r.severity = Severity::Info;
            r.evidence.push(ev(
                format!("'{rel}' DomainNames"),
                format!("{d} does not answer; {other} does"),
                "one domain of the relationship answers",
            ));
            return r;
        }
    }
    conclude(
        &mut r,
        p.discovery.result.is_some(),
        CheckStatus::Failure,
        fix(
            "Ask the partner to publish autodiscover.<domain> (CNAME to its Internet-facing CAS, with a certificate covering the name) and to federate the domain; meanwhile you can set TargetSharingEpr to the partner's external EWS URL.",
            &[
                format!("Get-FederationInformation -DomainName {d} -BypassAdditionalDomainValidation -Verbose"),
                format!("Resolve-DnsName autodiscover.{d}"),
            ],
        ),
    );
    r
}

fn token_issuer(p: &PartnerObservation) -> CheckResult {
    let d = &p.domain;
    let mut r = check(
        format!("partner.token-issuer:{d}"),
        format!("{d} uses the same trust broker instance"),
        StepKind::OrganizationRelationships,
        Severity::Error,
        "Both organizations must use the business instance (urn:federation:MicrosoftOnline). A partner on the consumer instance (uri:WindowsLiveID) cannot exchange tokens with you.",
        doc::CONFIGURE_TRUST,
    );
    r.subject = Some(p.relationship.clone().unwrap_or_else(|| d.clone()));
    let uris = p
        .discovery
        .result
        .as_ref()
        .map(|i| i.token_issuer_uris.clone())
        .unwrap_or_default();
    r.evidence.push(ev(
        format!("GetFederationInformation {d} TokenIssuers"),
        if uris.is_empty() {
            "(none)".into()
        } else {
            uris.join(", ")
        },
        BUSINESS_ISSUER,
    ));
    let ok = uris.is_empty() || uris.iter().any(|u| u.eq_ignore_ascii_case(BUSINESS_ISSUER));
    conclude(
        &mut r,
        ok,
        CheckStatus::Failure,
        fix(
            "The partner must re-create its federation trust on the business instance.",
            &[],
        ),
    );
    r
}

fn is_exo_config(rel: &OrganizationRelationship) -> Option<ExchangeOnline> {
    let uri = rel
        .target_application_uri
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let epr = rel
        .target_autodiscover_epr
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if uri.trim_end_matches('/') == "office365.us" || epr.contains(".office365.us/") {
        Some(ExchangeOnline::GccHigh)
    } else if uri.trim_end_matches('/') == "outlook.com"
        || epr.contains("autodiscover-s.outlook.com")
    {
        Some(ExchangeOnline::Worldwide)
    } else {
        None
    }
}

/// One notice per partner hosted in Exchange Online, found from discovery or from the
/// relationship's stored targets.
fn exchange_online(inputs: &Inputs) -> Vec<CheckResult> {
    let mut out: Vec<CheckResult> = Vec::new();
    let mut flag = |domain: &str, subject: String, how: String, instance: ExchangeOnline| {
        let id = format!("partner.exchange-online:{domain}");
        if out.iter().any(|r| r.id == id) {
            return;
        }
        let mut r = check(
            id,
            format!("{domain} is hosted in Exchange Online"),
            StepKind::OrganizationRelationships,
            Severity::Info,
            "Exchange Online is moving cross-tenant free/busy from organization relationships to Microsoft 365 cross-tenant access policies as EWS is retired. Today's relationship keeps working; plan with the partner how it will accept your requests after the move, and exchange full domain lists out of band (Exchange Online now returns only the queried domain). This is a notice, not a fault.",
            doc::CROSS_TENANT,
        );
        r.subject = Some(subject);
        r.status = CheckStatus::Pass;
        r.evidence.push(ev(how, instance.to_string(), "noted"));
        r.fix = Some(fix(
            "Include <tenant>.mail.onmicrosoft.com in DomainNames and review the partner's cross-tenant access plans.",
            &[],
        ));
        out.push(r);
    };
    for p in &inputs.partners {
        if let Some(instance) = p.discovery.result.as_ref().and_then(|i| i.exchange_online) {
            let subject = p.relationship.clone().unwrap_or_else(|| p.domain.clone());
            flag(
                &p.domain,
                subject,
                format!("GetFederationInformation {}", p.domain),
                instance,
            );
        }
    }
    for rel in &inputs.org.organization_relationships {
        if let (Some(instance), Some(d)) = (is_exo_config(rel), rel.domain_names.first()) {
            flag(
                &d.to_ascii_lowercase(),
                rel.name.clone(),
                format!(
                    "'{}' TargetApplicationUri / TargetAutodiscoverEpr",
                    rel.name
                ),
                instance,
            );
        }
    }
    out
}
