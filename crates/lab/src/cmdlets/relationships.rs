//! Organization relationships and Get-FederationInformation.

use fedshare_exchange::protocol::ShellError;
use serde_json::{json, Value};

use super::params::Args;
use super::{errors, find_by_name, Ctx};
use crate::fedinfo;
use crate::views;
use crate::world::{Relationship, World};

const MAX_NAME: usize = 64;
const MAX_DOMAINS: usize = 238;

fn relationship_output(r: &Relationship) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    v["Identity"] = json!(r.name);
    v
}

fn check_name(cmdlet: &str, name: &str) -> Result<(), ShellError> {
    let len = name.chars().count();
    if len > MAX_NAME {
        return Err(errors::invalid_argument(cmdlet, "DataValidationException", format!("The length of the property is too long. The maximum length is {MAX_NAME} and the length of the value provided is {len}.")));
    }
    Ok(())
}

/// DomainNames rules: at most 238, and no domain that another relationship already lists.
fn check_domains(
    world: &World,
    cmdlet: &str,
    domains: &[String],
    except: Option<usize>,
) -> Result<Vec<String>, ShellError> {
    let mut unique: Vec<String> = Vec::new();
    for d in domains
        .iter()
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
    {
        if !unique.iter().any(|u| u.eq_ignore_ascii_case(&d)) {
            unique.push(d);
        }
    }
    if unique.len() > MAX_DOMAINS {
        return Err(errors::invalid_argument(cmdlet, "DataValidationException", format!("The DomainNames property can contain at most {MAX_DOMAINS} domains; {} were provided.", unique.len())));
    }
    for (i, other) in world.organization_relationships.iter().enumerate() {
        if Some(i) == except {
            continue;
        }
        if let Some(d) = unique
            .iter()
            .find(|d| other.domain_names.iter().any(|o| o.eq_ignore_ascii_case(d)))
        {
            return Err(errors::invalid_operation(cmdlet, "DuplicateOrganizationRelationshipDomainException", format!("The domain {d} is already used by the organization relationship \"{}\". A domain can be used in only one organization relationship.", other.name)));
        }
    }
    Ok(unique)
}

/// Applies the optional settings shared by New- and Set-OrganizationRelationship.
fn apply_settings(r: &mut Relationship, args: &Args) {
    let set_bool = |target: &mut bool, name: &str| {
        if let Some(b) = args.bool(name) {
            *target = b;
        }
    };
    set_bool(&mut r.enabled, "Enabled");
    set_bool(&mut r.free_busy_access_enabled, "FreeBusyAccessEnabled");
    set_bool(&mut r.mail_tips_access_enabled, "MailTipsAccessEnabled");
    set_bool(&mut r.delivery_report_enabled, "DeliveryReportEnabled");
    set_bool(&mut r.photos_enabled, "PhotosEnabled");
    set_bool(&mut r.archive_access_enabled, "ArchiveAccessEnabled");
    set_bool(&mut r.mailbox_move_enabled, "MailboxMoveEnabled");
    if let Some(level) = args.string("FreeBusyAccessLevel") {
        r.free_busy_access_level = match level.to_ascii_lowercase().as_str() {
            "availabilityonly" => fedshare_model::FreeBusyAccessLevel::AvailabilityOnly,
            "limiteddetails" => fedshare_model::FreeBusyAccessLevel::LimitedDetails,
            _ => fedshare_model::FreeBusyAccessLevel::None,
        };
    }
    if let Some(level) = args.string("MailTipsAccessLevel") {
        r.mail_tips_access_level = level;
    }
    // `$null` clears; '' is refused at binding (GroupIdParameter, Uri), as in Exchange.
    let set_opt = |target: &mut Option<String>, name: &str| {
        if let Some(v) = args.setting(name) {
            *target = v;
        }
    };
    set_opt(&mut r.free_busy_access_scope, "FreeBusyAccessScope");
    set_opt(&mut r.mail_tips_access_scope, "MailTipsAccessScope");
    set_opt(&mut r.target_application_uri, "TargetApplicationUri");
    set_opt(&mut r.target_autodiscover_epr, "TargetAutodiscoverEpr");
    set_opt(&mut r.target_sharing_epr, "TargetSharingEpr");
    set_opt(&mut r.target_owa_url, "TargetOwaURL");
    set_opt(&mut r.organization_contact, "OrganizationContact");
}

pub fn new_relationship(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let name = args.required("Name")?;
    check_name(cmdlet, &name)?;
    if find_by_name(&ctx.world.organization_relationships, &name, |r| &r.name).is_some() {
        return Err(errors::already_exists(cmdlet, &name));
    }
    let domains = check_domains(
        ctx.world,
        cmdlet,
        &args.list("DomainNames").unwrap_or_default(),
        None,
    )?;
    let mut r = Relationship::new(&name, domains);
    apply_settings(&mut r, args);
    let out = relationship_output(&r);
    ctx.world.organization_relationships.push(r);
    Ok(vec![out])
}

fn index(world: &World, cmdlet: &str, identity: &str) -> Result<usize, ShellError> {
    find_by_name(&world.organization_relationships, identity, |r| &r.name)
        .ok_or_else(|| errors::not_found(cmdlet, identity))
}

pub fn set_relationship(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let idx = index(ctx.world, cmdlet, &args.required("Identity")?)?;
    if let Some(name) = args.string("Name") {
        check_name(cmdlet, &name)?;
        if find_by_name(&ctx.world.organization_relationships, &name, |r| &r.name)
            .is_some_and(|i| i != idx)
        {
            return Err(errors::already_exists(cmdlet, &name));
        }
        ctx.world.organization_relationships[idx].name = name;
    }
    if let Some(list) = args.list("DomainNames") {
        let domains = check_domains(ctx.world, cmdlet, &list, Some(idx))?;
        ctx.world.organization_relationships[idx].domain_names = domains;
    }
    apply_settings(&mut ctx.world.organization_relationships[idx], args);
    Ok(Vec::new())
}

pub fn get_relationship(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let rels = views::effective_relationships(ctx.world);
    match args.string("Identity") {
        Some(id) => {
            let r = rels
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(&id))
                .ok_or_else(|| errors::not_found(args.cmdlet, &id))?;
            Ok(vec![relationship_output(r)])
        }
        None => Ok(rels.iter().map(relationship_output).collect()),
    }
}

pub fn remove_relationship(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let idx = index(ctx.world, args.cmdlet, &args.required("Identity")?)?;
    ctx.world.organization_relationships.remove(idx);
    Ok(Vec::new())
}

/// Whether `host` is allowed by a `-TrustedHostnames` entry: an exact match, or `*.x`
/// matching `x` and every host below it, case-insensitive (Exchange's rule).
pub(crate) fn host_trusted(host: &str, trusted: &[String]) -> bool {
    trusted.iter().any(|t| {
        let t = t.trim().trim_end_matches('.');
        match t.strip_prefix("*.") {
            Some(base) => {
                host.eq_ignore_ascii_case(base)
                    || host
                        .to_ascii_lowercase()
                        .ends_with(&format!(".{}", base.to_ascii_lowercase()))
            }
            None => host.eq_ignore_ascii_case(t),
        }
    })
}

/// An answer from a host outside the partner's own domains (an Office 365 tenant answers from
/// Exchange Online) is reached only through the unsecured HTTP redirect, and Autodiscover's
/// certificate there names Microsoft's hosts, not the tenant's. Exchange then asks to continue
/// (ShouldContinue), unless the host is trusted. The lab's AD has no Exchange Online SCP, so
/// only `-TrustedHostnames` trusts it; a session without a console cannot answer the prompt,
/// and `-Force` refuses such results instead of accepting them.
fn trusted_or_prompt(args: &Args, answer: &fedinfo::FederationAnswer) -> Result<(), ShellError> {
    let Some(host) = url_host(&answer.autodiscover_url) else {
        return Ok(());
    };
    let own = |d: &String| {
        host.eq_ignore_ascii_case(d) || host.ends_with(&format!(".{}", d.to_ascii_lowercase()))
    };
    if answer.domains.iter().any(own) {
        return Ok(());
    }
    if host_trusted(&host, &args.list("TrustedHostnames").unwrap_or_default()) {
        return Ok(());
    }
    if args.switch("Force") {
        return Err(errors::invalid_operation(
            args.cmdlet,
            "GetFederationInformationFailedException",
            "Federation information could not be received from the external organization.",
        ));
    }
    Err(errors::non_interactive_prompt())
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', ':', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

pub fn get_federation_information(
    ctx: &mut Ctx<'_>,
    args: &Args,
) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let domain = args.required("DomainName")?.trim().to_owned();
    let zones = views::effective_zones(ctx.world);
    let answer = fedinfo::discover(ctx.world, &zones, &domain).ok_or_else(|| {
        errors::invalid_operation(
            cmdlet,
            "GetFederationInformationFailedException",
            "Federation information could not be received from the external organization.",
        )
    })?;
    trusted_or_prompt(args, &answer)?;
    // Additional domains are kept only if their own discovery returns the same ApplicationUri.
    let domains: Vec<String> = if args.switch("BypassAdditionalDomainValidation") {
        answer.domains.clone()
    } else {
        answer
            .domains
            .iter()
            .filter(|d| {
                d.eq_ignore_ascii_case(&domain)
                    || fedinfo::discover(ctx.world, &zones, d).is_some_and(|a| {
                        a.application_uri
                            .eq_ignore_ascii_case(&answer.application_uri)
                    })
            })
            .cloned()
            .collect()
    };
    let issuers: Vec<String> = answer
        .token_issuers
        .iter()
        .map(|(u, _)| u.clone())
        .collect();
    if let Some(trust) = ctx.world.trust() {
        if issuers
            .iter()
            .any(|u| !u.eq_ignore_ascii_case(&trust.token_issuer_uri))
        {
            ctx.warnings.push("GetFederationInformationTokenIssuerDoesntMatchAny: The token issuer URIs returned by the external organization don't match any token issuer configured for this organization.".into());
        }
    }
    Ok(vec![json!({
        "DomainName": domain,
        "TargetApplicationUri": answer.application_uri,
        "DomainNames": domains,
        "TargetAutodiscoverEpr": answer.target_autodiscover_epr(),
        "TokenIssuerUris": issuers,
        "IsValid": true,
        "ObjectState": "New",
    })])
}
