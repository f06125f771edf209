//! Organization relationships: a domain in two relationships, relationships the availability
//! service cannot dispatch to, and targets that no longer match what the partner publishes.

use fedshare_model::{CheckResult, CheckStatus, OrganizationRelationship, Severity, StepKind};

use crate::inputs::{Inputs, PartnerObservation};
use crate::result::{check, conclude, doc, ev, fix, ps};

pub(crate) fn checks(inputs: &Inputs) -> Vec<CheckResult> {
    let rels = &inputs.org.organization_relationships;
    let mut out = vec![duplicate_domain(rels)];
    for rel in rels {
        out.push(dispatchable(rel));
        out.push(target_mismatch(inputs, rel));
    }
    out
}

fn duplicate_domain(rels: &[OrganizationRelationship]) -> CheckResult {
    let mut r = check(
        "relationship.duplicate-domain",
        "Each partner domain is in only one organization relationship",
        StepKind::OrganizationRelationships,
        Severity::Error,
        "Exchange picks one relationship per requester domain; a domain listed in two relationships makes the outcome depend on which one it finds (and Exchange refuses to create such a pair: DuplicateOrganizationRelationshipDomainException), so access levels and targets silently differ from what was intended.",
        doc::MODIFY_RELATIONSHIP,
    );
    let mut seen: Vec<(String, Vec<&str>)> = Vec::new();
    for rel in rels {
        for d in &rel.domain_names {
            let d = d.to_ascii_lowercase();
            match seen.iter_mut().find(|(x, _)| *x == d) {
                Some((_, owners)) => owners.push(&rel.name),
                None => seen.push((d, vec![&rel.name])),
            }
        }
    }
    let dups: Vec<&(String, Vec<&str>)> = seen.iter().filter(|(_, o)| o.len() > 1).collect();
    for (domain, owners) in &dups {
        r.evidence.push(ev(
            format!("DomainNames containing {domain}"),
            owners.join(", "),
            "exactly one relationship",
        ));
    }
    if let Some((domain, owners)) = dups.first() {
        r.subject = Some(domain.clone());
        let keep = owners[0];
        let cmds: Vec<String> = owners[1..]
            .iter()
            .map(|o| {
                format!(
                    "$o = Get-OrganizationRelationship {}; Set-OrganizationRelationship {} -DomainNames ($o.DomainNames | ? {{ $_.Domain -ne {} }})",
                    ps(o),
                    ps(o),
                    ps(domain)
                )
            })
            .collect();
        r.fix = Some(fix(
            format!("Keep {domain} in '{keep}' only: remove it from the other relationships (or remove a relationship that is left over)."),
            &cmds,
        ));
        r.status = CheckStatus::Failure;
    } else {
        r.status = CheckStatus::Pass;
        r.evidence.push(ev(
            "Get-OrganizationRelationship DomainNames",
            format!("{} relationships, no domain repeated", rels.len()),
            "no domain in two relationships",
        ));
    }
    r
}

fn dispatchable(rel: &OrganizationRelationship) -> CheckResult {
    let mut r = check(
        format!("relationship.dispatchable:{}", rel.name),
        format!("'{}' can carry free/busy requests", rel.name),
        StepKind::OrganizationRelationships,
        Severity::Error,
        "The availability service uses a relationship only when it is enabled, free/busy access is on, TargetApplicationUri is set, and TargetAutodiscoverEpr or TargetSharingEpr is set. Otherwise users see free/busy hash marks for the partner.",
        doc::CREATE_RELATIONSHIP,
    );
    r.subject = Some(rel.name.clone());
    let some = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let has_uri = some(&rel.target_application_uri);
    let has_epr = some(&rel.target_autodiscover_epr) || some(&rel.target_sharing_epr);
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(empty)".into());
    r.evidence
        .push(ev("Enabled", rel.enabled.to_string(), "True"));
    r.evidence.push(ev(
        "FreeBusyAccessEnabled",
        rel.free_busy_access_enabled.to_string(),
        "True",
    ));
    r.evidence.push(ev(
        "TargetApplicationUri",
        show(&rel.target_application_uri),
        "the partner's ApplicationUri",
    ));
    r.evidence.push(ev(
        "TargetAutodiscoverEpr / TargetSharingEpr",
        format!(
            "{} / {}",
            show(&rel.target_autodiscover_epr),
            show(&rel.target_sharing_epr)
        ),
        "at least one set",
    ));
    let name = ps(&rel.name);
    if !(has_uri && has_epr) {
        r.status = CheckStatus::Failure;
        r.fix = Some(fix(
            "Fill in the partner's targets from its Autodiscover.",
            &[
                format!("$fi = Get-FederationInformation -DomainName {} -BypassAdditionalDomainValidation", rel.domain_names.first().map(String::as_str).unwrap_or("<partner domain>")),
                format!("Set-OrganizationRelationship {name} -TargetApplicationUri $fi.TargetApplicationUri -TargetAutodiscoverEpr $fi.TargetAutodiscoverEpr"),
            ],
        ));
    } else if !(rel.enabled && rel.free_busy_access_enabled) {
        // Possibly intentional (sharing paused), so a warning rather than a failure.
        r.status = CheckStatus::Warning;
        r.fix = Some(fix(
            "Enable the relationship and free/busy access if sharing should be on.",
            &[format!(
                "Set-OrganizationRelationship {name} -Enabled $true -FreeBusyAccessEnabled $true"
            )],
        ));
    } else {
        r.status = CheckStatus::Pass;
    }
    r
}

fn discovered<'a>(
    inputs: &'a Inputs,
    rel: &OrganizationRelationship,
) -> Vec<&'a PartnerObservation> {
    inputs
        .partners
        .iter()
        .filter(|p| {
            rel.domain_names
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&p.domain))
        })
        .collect()
}

fn target_mismatch(inputs: &Inputs, rel: &OrganizationRelationship) -> CheckResult {
    let mut r = check(
        format!("relationship.target-mismatch:{}", rel.name),
        format!("'{}' targets what the partner publishes", rel.name),
        StepKind::OrganizationRelationships,
        Severity::Error,
        "TargetApplicationUri and TargetAutodiscoverEpr were copied from the partner's Autodiscover when the relationship was created. When the partner re-creates its trust or moves its Autodiscover, the stored values go stale: tokens are issued for the wrong audience ('ApplicationUrisDiffer') and free/busy fails.",
        doc::MODIFY_RELATIONSHIP,
    );
    r.subject = Some(rel.name.clone());
    let observations = discovered(inputs, rel);
    let Some(found) = observations
        .iter()
        .find_map(|p| p.discovery.result.as_ref().map(|i| (p, i)))
    else {
        for p in &observations {
            r.evidence.push(ev(
                format!("GetFederationInformation {}", p.domain),
                "no answer",
                "the partner's federation information",
            ));
        }
        return r;
    };
    let (p, info) = found;
    let uri_ok = rel.target_application_uri.as_deref().is_some_and(|u| {
        u.trim_end_matches('/')
            .eq_ignore_ascii_case(info.target_application_uri.trim_end_matches('/'))
    });
    r.evidence.push(ev(
        "TargetApplicationUri",
        rel.target_application_uri
            .clone()
            .unwrap_or_else(|| "(empty)".into()),
        format!(
            "{} (published for {})",
            info.target_application_uri, p.domain
        ),
    ));
    // TargetSharingEpr bypasses Autodiscover, so only an EPR that is used is compared.
    let epr_ok = match (&rel.target_autodiscover_epr, &rel.target_sharing_epr) {
        (Some(epr), _) if !epr.is_empty() => {
            let ok = same_url(epr, &info.target_autodiscover_epr);
            r.evidence.push(ev(
                "TargetAutodiscoverEpr",
                epr.as_str(),
                info.target_autodiscover_epr.as_str(),
            ));
            ok
        }
        _ => true,
    };
    conclude(
        &mut r,
        uri_ok && epr_ok,
        CheckStatus::Failure,
        fix(
            "Update the relationship from the partner's current federation information (confirm the change with the partner first).",
            &[format!(
                "Set-OrganizationRelationship {} -TargetApplicationUri {} -TargetAutodiscoverEpr {}",
                ps(&rel.name),
                ps(&info.target_application_uri),
                ps(&info.target_autodiscover_epr)
            )],
        ),
    );
    r
}

/// URLs compare without case, a trailing slash, or an explicit default port.
fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let lower = s.trim().trim_end_matches('/').to_ascii_lowercase();
        lower.replacen(":443/", "/", 1)
    };
    let (a, b) = (norm(a), norm(b));
    a == b || strip_port(&a) == strip_port(&b)
}

/// The lab serves HTTPS on a high port; the stored EPR has none. Hosts and paths must match.
fn strip_port(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host);
    format!("{scheme}://{host}/{path}")
}
