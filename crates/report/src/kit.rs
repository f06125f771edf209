//! The partner kit: one page telling a partner organization exactly what to configure on its
//! side so free/busy works both ways.

use std::fmt::Write;

use fedshare_map::graph::{primary_domain, ORGID_PREFIX};
use fedshare_model::{FreeBusyAccessLevel, OrganizationRelationship};

use crate::error::ReportError;
use crate::escape::{html as esc, md, md_code_block, ps_literal};
use crate::input::ReportInput;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerKit {
    pub our_organization: String,
    pub partner_name: String,
    pub partner_domain: String,
    pub our_domains: Vec<String>,
    /// The partner's `TargetApplicationUri`: our trust's ApplicationUri.
    pub application_uri: String,
    /// The partner's `TargetAutodiscoverEpr`.
    pub autodiscover_endpoint: String,
    /// What we grant them, mirrored as a suggestion for what they grant us.
    pub free_busy_access_level: FreeBusyAccessLevel,
    /// The exact command to run in the partner's Exchange Management Shell.
    pub command: String,
    /// The same through Autodiscover, for partners that can reach ours.
    pub discovery_command: String,
}

fn find_relationship<'a>(
    input: &'a ReportInput,
    domain: &str,
) -> Option<&'a OrganizationRelationship> {
    input.state.organization_relationships.iter().find(|r| {
        r.domain_names
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
            || r.name.eq_ignore_ascii_case(domain)
    })
}

pub fn partner_kit(input: &ReportInput, partner_domain: &str) -> Result<PartnerKit, ReportError> {
    let rel = find_relationship(input, partner_domain)
        .ok_or_else(|| ReportError::UnknownPartner(partner_domain.to_owned()))?;
    let state = &input.state;
    let primary = primary_domain(state).unwrap_or_default();
    let application_uri = state
        .federation_trust
        .as_ref()
        .and_then(|t| t.application_uri.clone())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| format!("{ORGID_PREFIX}{primary}"));
    let mut our_domains: Vec<String> = state
        .organization_identifier
        .domains
        .iter()
        .map(|d| d.domain.clone())
        .collect();
    if our_domains.is_empty() && !primary.is_empty() {
        our_domains.push(primary.clone());
    }
    let autodiscover_endpoint =
        format!("https://autodiscover.{primary}/autodiscover/autodiscover.svc/WSSecurity");
    let level = rel.free_busy_access_level;
    let domains_arg = our_domains
        .iter()
        .map(|d| ps_literal(d))
        .collect::<Vec<_>>()
        .join(",");
    let command = format!(
        "New-OrganizationRelationship -Name {} -DomainNames {} -FreeBusyAccessEnabled $true -FreeBusyAccessLevel {} -TargetApplicationUri {} -TargetAutodiscoverEpr {}",
        ps_literal(&state.organization_name),
        domains_arg,
        level,
        ps_literal(&application_uri),
        ps_literal(&autodiscover_endpoint)
    );
    let discovery_command = format!(
        "Get-FederationInformation -DomainName {} | New-OrganizationRelationship -Name {} -FreeBusyAccessEnabled $true -FreeBusyAccessLevel {}",
        ps_literal(&primary),
        ps_literal(&state.organization_name),
        level
    );
    Ok(PartnerKit {
        our_organization: state.organization_name.clone(),
        partner_name: rel.name.clone(),
        partner_domain: partner_domain.to_owned(),
        our_domains,
        application_uri,
        autodiscover_endpoint,
        free_busy_access_level: level,
        command,
        discovery_command,
    })
}

const KIT_CSS: &str = "body{font-family:\"DejaVu Sans\",Verdana,Arial,sans-serif;font-size:14px;max-width:900px;margin:2em auto;padding:0 1em;color:#202124}th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}table{border-collapse:collapse;width:100%}th{background:#f1f3f4;width:30%}pre{background:#f8f9fa;border:1px solid #dadce0;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}@page{size:A4;margin:15mm}@media print{body{margin:0;font-size:11px}}";

pub fn partner_kit_html(input: &ReportInput, partner_domain: &str) -> Result<String, ReportError> {
    let k = partner_kit(input, partner_domain)?;
    let mut out = String::new();
    let title = format!(
        "Federated sharing with {}: partner kit for {}",
        k.our_organization, k.partner_name
    );
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>{t}</title><style>{KIT_CSS}</style></head><body><h1>{t}</h1>"#,
        t = esc(&title)
    );
    let _ = write!(
        out,
        "<p>{} shares calendar free/busy with {} ({}). For it to work both ways, configure the following in your organization.</p>",
        esc(&k.our_organization),
        esc(&k.partner_name),
        esc(&k.partner_domain)
    );
    out.push_str("<h2>Our side, as your relationship must name it</h2><table><tbody>");
    let rows = [
        (
            "Our federated domains (DomainNames)",
            esc(&k.our_domains.join(", ")),
        ),
        (
            "Our ApplicationUri (TargetApplicationUri)",
            format!("<code>{}</code>", esc(&k.application_uri)),
        ),
        (
            "Our Autodiscover endpoint (TargetAutodiscoverEpr)",
            format!("<code>{}</code>", esc(&k.autodiscover_endpoint)),
        ),
        (
            "Free/busy level we grant you",
            k.free_busy_access_level.to_string(),
        ),
    ];
    for (name, value) in rows {
        let _ = write!(out, "<tr><th>{}</th><td>{value}</td></tr>", esc(name));
    }
    out.push_str("</tbody></table>");
    let _ = write!(
        out,
        "<h2>Run in your Exchange Management Shell</h2><pre><code>{}</code></pre><p>Or, if your servers reach our Autodiscover:</p><pre><code>{}</code></pre>",
        esc(&k.command),
        esc(&k.discovery_command)
    );
    out.push_str(&format!(
        "<h2>Before that</h2><ul>{}</ul>",
        steps()
            .iter()
            .map(|s| format!("<li>{}</li>", esc(s)))
            .collect::<String>()
    ));
    let (intro, command, without) = reverse_direction(&k);
    let _ = write!(
        out,
        "<h2>After that: prove free/busy in your direction</h2><p>{}</p><pre><code>{}</code></pre><p>{}</p>",
        esc(&intro),
        esc(&command),
        esc(&without)
    );
    out.push_str("</body></html>\n");
    Ok(out)
}

/// The partner's half of the free/busy proof: each side can only prove its own direction
/// (the request goes to the asking side's own EWS as one of its users).
fn reverse_direction(k: &PartnerKit) -> (String, String, String) {
    let ours = k.our_domains.first().cloned().unwrap_or_default();
    let intro = format!(
        "We prove free/busy from {} to {} with the request users make (EWS GetUserAvailability to our own Exchange, one day, free/busy only). Only you can prove the reverse direction: ask your own Exchange, as one of your users whose address is in a federated domain, for the free/busy of one of our mailboxes (ask us which). With Fedshare:",
        k.our_organization, k.partner_name
    );
    let command = format!(
        "fedshare freebusy --from <your user>@{} --to <our user>@{ours}",
        k.partner_domain.to_ascii_lowercase()
    );
    let without = "Without Fedshare: open one of our mailboxes in the Outlook or OWA Scheduling Assistant; hash marks mean it failed. Then send us the ResponseCode and ExceptionCode (from Outlook's free/busy log, or from the MSExchange Availability events 4001 and 4002 on your server) so we can decode them together.".to_owned();
    (intro, command, without)
}

fn steps() -> [&'static str; 4] {
    [
        "Your organization has a federation trust with the Azure AD authentication system, and its federated domains are Active (Get-FederatedOrganizationIdentifier).",
        "Your Autodiscover (autodiscover.<your domain>) is published, reachable on TCP 443 from the Internet without pre-authentication, and its certificate covers that name.",
        "Send us your federated domains, your ApplicationUri (Get-FederationTrust) and your Autodiscover endpoint so our relationship matches yours.",
        "Check with Test-OrganizationRelationship once both sides are configured.",
    ]
}

pub fn partner_kit_markdown(
    input: &ReportInput,
    partner_domain: &str,
) -> Result<String, ReportError> {
    let k = partner_kit(input, partner_domain)?;
    let mut out = format!(
        "# Federated sharing with {}: partner kit for {}\n\n{} shares calendar free/busy with {} ({}). For it to work both ways, configure the following in your organization.\n\n## Our side, as your relationship must name it\n\n| Item | Value |\n|---|---|\n",
        md(&k.our_organization),
        md(&k.partner_name),
        md(&k.our_organization),
        md(&k.partner_name),
        md(&k.partner_domain)
    );
    let _ = writeln!(
        out,
        "| Our federated domains (DomainNames) | {} |",
        md(&k.our_domains.join(", "))
    );
    let _ = writeln!(
        out,
        "| Our ApplicationUri (TargetApplicationUri) | {} |",
        md(&k.application_uri)
    );
    let _ = writeln!(
        out,
        "| Our Autodiscover endpoint (TargetAutodiscoverEpr) | {} |",
        md(&k.autodiscover_endpoint)
    );
    let _ = writeln!(
        out,
        "| Free/busy level we grant you | {} |",
        k.free_busy_access_level
    );
    out.push_str("\n## Run in your Exchange Management Shell\n\n");
    out.push_str(&md_code_block("powershell", &k.command));
    out.push_str("\nOr, if your servers reach our Autodiscover:\n\n");
    out.push_str(&md_code_block("powershell", &k.discovery_command));
    out.push_str("\n## Before that\n\n");
    for s in steps() {
        let _ = writeln!(out, "- {}", md(s));
    }
    let (intro, command, without) = reverse_direction(&k);
    let _ = writeln!(
        out,
        "\n## After that: prove free/busy in your direction\n\n{}\n",
        md(&intro)
    );
    out.push_str(&md_code_block("sh", &command));
    let _ = writeln!(out, "\n{}", md(&without));
    Ok(out)
}
