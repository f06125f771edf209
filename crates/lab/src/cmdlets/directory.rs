//! Read-only directory objects: accepted domains and the Autodiscover/EWS virtual directories.

use fedshare_exchange::protocol::ShellError;
use fedshare_model::VirtualDirectory;
use serde_json::{json, Value};

use super::params::Args;
use super::{errors, Ctx};
use crate::views;
use crate::world::World;

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

/// One Client Access server as the vdir cmdlets see it: name, FQDN, whether IIS answers.
struct Cas {
    name: String,
    fqdn: String,
    reachable: bool,
}

fn servers(world: &World) -> Vec<Cas> {
    std::iter::once(Cas {
        name: world.server.clone(),
        fqdn: world.server_fqdn.clone(),
        reachable: true,
    })
    .chain(world.other_servers.iter().map(|o| Cas {
        name: o.name.clone(),
        fqdn: o.fqdn.clone(),
        reachable: o.reachable,
    }))
    .collect()
}

/// The metabase of a server that does not answer RPC: Exchange turns the COM error
/// (0x800706BA, "The RPC server is unavailable") into IISNotReachableException, a read error.
fn not_reachable(cmdlet: &str, server: &Cas) -> ShellError {
    errors::task(
        cmdlet,
        "ReadError",
        "IISNotReachableException",
        format!(
            "IIS on server {} couldn't be reached. The RPC server is unavailable. HResult = -2147023174",
            server.fqdn
        ),
    )
}

/// The virtual directory `first` (the first server's) as each server named by `-Server`
/// (or every server) holds it; `-Server` and `-Identity` are separate parameter sets.
/// Without `-Server` Exchange reads every server's metabase, so one unreachable server is an
/// error of the whole read (the host stops on it).
fn select(
    ctx: &Ctx<'_>,
    args: &Args,
    first: &VirtualDirectory,
) -> Result<Vec<(VirtualDirectory, String)>, ShellError> {
    if args.has("Server") && args.has("Identity") {
        return Err(errors::parameter_set(args.cmdlet));
    }
    let all = servers(ctx.world);
    let chosen: Vec<&Cas> = match args.string("Server") {
        Some(server) => {
            let found = all.iter().find(|c| {
                c.name.eq_ignore_ascii_case(&server) || c.fqdn.eq_ignore_ascii_case(&server)
            });
            vec![found.ok_or_else(|| errors::not_found(args.cmdlet, &server))?]
        }
        None => all.iter().collect(),
    };
    let mut out = Vec::new();
    for cas in chosen {
        if !cas.reachable {
            return Err(not_reachable(args.cmdlet, cas));
        }
        let rest = first.identity.split_once('\\').map_or("", |(_, r)| r);
        let vdir = VirtualDirectory {
            identity: format!("{}\\{rest}", cas.name),
            server: cas.name.clone(),
            ..first.clone()
        };
        if let Some(id) = args.string("Identity") {
            let name = vdir.identity.split('\\').nth(1).unwrap_or_default();
            if !(vdir.identity.eq_ignore_ascii_case(&id) || name.eq_ignore_ascii_case(&id)) {
                continue;
            }
        }
        out.push((vdir, cas.fqdn.clone()));
    }
    match args.string("Identity") {
        Some(id) if out.is_empty() => Err(errors::not_found(args.cmdlet, &id)),
        _ => Ok(out),
    }
}

pub fn get_autodiscover_vdir(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let vdir = views::effective_vdir(ctx.world, &ctx.world.virtual_directories.autodiscover);
    Ok(select(ctx, args, &vdir)?
        .iter()
        .map(|(v, fqdn)| {
            let internal = format!("https://{fqdn}/autodiscover/autodiscover.svc");
            vdir_output(v, "Autodiscover", &internal)
        })
        .collect())
}

pub fn get_ews_vdir(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let vdir = views::effective_vdir(ctx.world, &ctx.world.virtual_directories.web_services);
    Ok(select(ctx, args, &vdir)?
        .iter()
        .map(|(v, fqdn)| {
            let internal = format!("https://{fqdn}/EWS/Exchange.asmx");
            let mut out = vdir_output(v, "EWS", &internal);
            out["MRSProxyEnabled"] = json!(false);
            out
        })
        .collect())
}

/// `Get-ExchangeServer`: every server of the organization (all Mailbox and Client Access in
/// the lab), or the one `-Identity` names.
pub fn get_exchange_server(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let id = args.string("Identity");
    let out: Vec<Value> = servers(ctx.world)
        .iter()
        .filter(|c| {
            id.as_deref()
                .is_none_or(|i| c.name.eq_ignore_ascii_case(i) || c.fqdn.eq_ignore_ascii_case(i))
        })
        .map(|c| {
            json!({
                "Name": c.name,
                "Identity": c.name,
                "Fqdn": c.fqdn,
                "Site": ctx.world.site,
                "ServerRole": "Mailbox, ClientAccess",
                "IsClientAccessServer": true,
                "IsMailboxServer": true,
                "AdminDisplayVersion": ctx.world.exchange_version,
            })
        })
        .collect();
    match id {
        Some(i) if out.is_empty() => Err(errors::not_found(args.cmdlet, &i)),
        _ => Ok(out),
    }
}
