//! Read-only directory objects: accepted domains and the Autodiscover/EWS virtual directories.

use fedshare_exchange::protocol::ShellError;
use fedshare_model::VirtualDirectory;
use serde_json::{json, Value};

use super::params::Args;
use super::{errors, Ctx};
use crate::views;

pub fn get_accepted_domain(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let identity = args.string("Identity");
    let out: Vec<Value> = ctx
        .world
        .accepted_domains
        .iter()
        .filter(|d| {
            identity.as_deref().is_none_or(|id| {
                d.name.eq_ignore_ascii_case(id) || d.domain_name.eq_ignore_ascii_case(id)
            })
        })
        .map(|d| {
            json!({
                "Identity": d.name, "Name": d.name, "DomainName": d.domain_name,
                "DomainType": d.domain_type, "Default": d.default,
            })
        })
        .collect();
    match identity {
        Some(id) if out.is_empty() => Err(errors::not_found(args.cmdlet, &id)),
        _ => Ok(out),
    }
}

fn vdir_output(vdir: &VirtualDirectory, name: &str, internal: &str) -> Value {
    json!({
        "Identity": vdir.identity,
        "Name": format!("{name} (Default Web Site)"),
        "Server": vdir.server,
        "InternalUrl": internal,
        "ExternalUrl": vdir.external_url,
        "WSSecurityAuthentication": vdir.ws_security_authentication,
        "WindowsAuthentication": vdir.windows_authentication,
        "BasicAuthentication": false,
        "DigestAuthentication": false,
        "OAuthAuthentication": true,
        "InternalAuthenticationMethods": auth_methods(vdir),
        "ExternalAuthenticationMethods": auth_methods(vdir),
    })
}

fn auth_methods(vdir: &VirtualDirectory) -> Vec<&'static str> {
    let mut m = Vec::new();
    if vdir.ws_security_authentication {
        m.push("WSSecurity");
    }
    if vdir.windows_authentication {
        m.extend(["Ntlm", "WindowsIntegrated"]);
    }
    m.push("OAuth");
    m
}

/// `-Server` and `-Identity` are separate parameter sets; both filter the lab's one server.
fn select(ctx: &Ctx<'_>, args: &Args, vdir: &VirtualDirectory) -> Result<bool, ShellError> {
    if args.has("Server") && args.has("Identity") {
        return Err(errors::parameter_set(args.cmdlet));
    }
    if let Some(server) = args.string("Server") {
        if !server.eq_ignore_ascii_case(&ctx.world.server)
            && !server.eq_ignore_ascii_case(&ctx.world.server_fqdn)
        {
            return Err(errors::not_found(args.cmdlet, &server));
        }
    }
    if let Some(id) = args.string("Identity") {
        let name = vdir.identity.split('\\').nth(1).unwrap_or_default();
        if !(vdir.identity.eq_ignore_ascii_case(&id) || name.eq_ignore_ascii_case(&id)) {
            return Err(errors::not_found(args.cmdlet, &id));
        }
    }
    Ok(true)
}

pub fn get_autodiscover_vdir(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let vdir = views::effective_vdir(ctx.world, &ctx.world.virtual_directories.autodiscover);
    select(ctx, args, &vdir)?;
    let internal = format!(
        "https://{}/autodiscover/autodiscover.svc",
        ctx.world.server_fqdn
    );
    Ok(vec![vdir_output(&vdir, "Autodiscover", &internal)])
}

pub fn get_ews_vdir(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let vdir = views::effective_vdir(ctx.world, &ctx.world.virtual_directories.web_services);
    select(ctx, args, &vdir)?;
    let internal = format!("https://{}/EWS/Exchange.asmx", ctx.world.server_fqdn);
    let mut out = vdir_output(&vdir, "EWS", &internal);
    out["MRSProxyEnabled"] = json!(false);
    Ok(vec![out])
}
