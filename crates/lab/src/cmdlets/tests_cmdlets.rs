//! The Test-* cmdlets: Test-FederationTrust (six steps, ResultEvent ids 1100-1108),
//! Test-FederationTrustCertificate, Test-OrganizationRelationship.

use fedshare_exchange::protocol::ShellError;
use serde_json::{json, Value};

use super::params::Args;
use super::{errors, parse_time, Ctx};
use crate::fedinfo;
use crate::views;
use crate::world::World;

fn event(id: &str, event_id: u32, kind: &str, message: impl Into<String>) -> Value {
    json!({"Id": id, "EventId": event_id, "Type": kind, "Message": message.into()})
}

fn test_user(ctx: &Ctx<'_>, args: &Args) -> Result<String, ShellError> {
    match args.string("UserIdentity") {
        Some(id) => ctx
            .world
            .mailbox_index(&id)
            .map(|i| ctx.world.mailboxes[i].primary_smtp_address.clone())
            .ok_or_else(|| errors::not_found(args.cmdlet, &id)),
        // The lab has no test mailbox (New-TestCasConnectivityUser.ps1 was never run).
        None => Err(errors::not_found(args.cmdlet, "extest_1a2b3c4d5e6f4")),
    }
}

/// Problems of the trust configuration (step 2), empty when complete.
fn configuration_gaps(world: &World) -> Vec<&'static str> {
    let mut gaps = Vec::new();
    let Some(t) = world.trust() else { return gaps };
    if !world.organization_identifier.enabled {
        gaps.push("the federated organization identifier is not enabled");
    }
    if t.org_priv_certificate.is_none() {
        gaps.push("OrgPrivCertificate is empty");
    }
    if t.application_uri.is_none() {
        gaps.push("ApplicationUri is empty");
    }
    if t.token_issuer_uri.is_empty() || t.token_issuer_epr.is_empty() {
        gaps.push("the token issuer is not configured");
    }
    gaps
}

fn organization_certificate_problem(ctx: &Ctx<'_>) -> Option<String> {
    let tp = ctx.world.trust()?.org_priv_certificate.clone()?;
    let Some(stored) = ctx.world.certificate(&tp) else {
        return Some(format!(
            "The certificate with thumbprint {tp} was not found in LocalMachine\\My."
        ));
    };
    let cert = views::effective_certificate(ctx.world, stored, ctx.now);
    if parse_time(&cert.not_after).is_none_or(|t| t < ctx.now) {
        return Some(format!("The organization certificate {tp} has expired."));
    }
    if !cert.has_private_key {
        return Some(format!(
            "The organization certificate {tp} has no private key."
        ));
    }
    None
}

pub fn test_federation_trust(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let user = test_user(ctx, args)?;
    let mut out = Vec::new();
    let Some(trust) = ctx.world.trust().cloned() else {
        out.push(event(
            "NoFederationTrust",
            1100,
            "Error",
            "No federation trust is configured for this organization.",
        ));
        return Ok(out);
    };
    let gaps = configuration_gaps(ctx.world);
    if !gaps.is_empty() {
        out.push(event(
            "FederationTrustConfiguration",
            1101,
            "Error",
            format!(
                "The federation trust configuration is incomplete: {}.",
                gaps.join("; ")
            ),
        ));
        return Ok(out);
    }
    out.push(event(
        "FederationTrustConfiguration",
        1101,
        "Success",
        format!("Federation trust \"{}\" is configured.", trust.name),
    ));
    // Step 3: the trust's copies of the broker's certificates against its live metadata.
    let stale = !crate::gateway::trust_is_current(ctx.world, &trust);
    out.push(if stale {
        event("FederationMetadata", 1108, "Error", "The federation trust contains outdated certificates published by the Security Token Service. Run Set-FederationTrust -RefreshMetadata.")
    } else {
        event("FederationMetadata", 1108, "Success", "The federation trust metadata matches the Security Token Service metadata.")
    });
    out.push(event(
        "StsCertificate",
        1102,
        "Success",
        "The Security Token Service certificate is valid.",
    ));
    let cert_problem = organization_certificate_problem(ctx);
    out.push(match &cert_problem {
        Some(p) => event("OrganizationCertificate", 1104, "Error", p.clone()),
        None => event(
            "OrganizationCertificate",
            1104,
            "Success",
            "The organization certificate is valid.",
        ),
    });
    if let Some(prev) = &trust.org_prev_priv_certificate {
        let present = ctx.world.certificate(prev).is_some();
        out.push(event(
            "OrganizationPreviousCertificate",
            1105,
            if present { "Success" } else { "Warning" },
            format!("Previous organization certificate {prev}."),
        ));
    }
    let skew = views::clock_skewed(ctx.world);
    let token_ok = !skew && cert_problem.is_none();
    out.push(if token_ok {
        event("TokenRequest", 1106, "Success", format!("Delegation token retrieved for {user} (offer SharingCalendarFreeBusy)."))
    } else if skew {
        event("TokenRequest", 1106, "Error", "Failed to request a delegation token: the server clock differs from the Security Token Service by more than 5 minutes.")
    } else {
        event("TokenRequest", 1106, "Error", "Failed to request a delegation token: the organization certificate can't be used.")
    });
    if token_ok {
        out.push(if stale {
            event(
                "TokenValidation",
                1107,
                "Error",
                "Failed to validate delegation token.",
            )
        } else {
            event(
                "TokenValidation",
                1107,
                "Success",
                "Delegation token validated successfully.",
            )
        });
    }
    Ok(out)
}

pub fn test_federation_trust_certificate(
    ctx: &mut Ctx<'_>,
    _args: &Args,
) -> Result<Vec<Value>, ShellError> {
    let Some(trust) = ctx.world.trust() else {
        return Ok(Vec::new());
    };
    let site = ctx.world.site.clone();
    Ok([
        &trust.org_next_priv_certificate,
        &trust.org_priv_certificate,
        &trust.org_prev_priv_certificate,
    ]
    .into_iter()
    .flatten()
    .map(|tp| {
        let state = if ctx.world.certificate(tp).is_some() {
            "Installed"
        } else {
            "NotInstalled"
        };
        json!({"Site": site, "State": state, "Thumbprint": tp})
    })
    .collect())
}

struct Findings {
    identity: String,
    lines: Vec<Value>,
    results: usize,
}

impl Findings {
    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(Value::String(text.into()));
    }

    fn result(&mut self, id: &str, status: &str, description: impl Into<String>) {
        self.results += 1;
        self.lines.push(json!({"Identity": self.identity, "Id": id, "Status": status, "Description": description.into(), "IsValid": true}));
    }
}

pub fn test_organization_relationship(
    ctx: &mut Ctx<'_>,
    args: &Args,
) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let identity = args.required("Identity")?;
    let rel = views::effective_relationships(ctx.world)
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(&identity))
        .ok_or_else(|| errors::not_found(cmdlet, &identity))?;
    let user = test_user(ctx, args)?;
    let world = &*ctx.world;
    let mut f = Findings {
        identity: rel.name.clone(),
        lines: Vec::new(),
        results: 0,
    };
    f.line(format!(
        "Begin testing for organization relationship {}, Enabled {}, user {user}.",
        rel.name, rel.enabled
    ));
    f.line("STEP 1: Validating user configuration...");
    let org = &world.organization_identifier;
    if !org.enabled {
        f.result(
            "FederatedOrganizationIdNotEnabled",
            "Error",
            "The federated organization identifier is not enabled.",
        );
    }
    let user_domain = user.rsplit('@').next().unwrap_or_default();
    if !org
        .domains
        .iter()
        .any(|d| d.domain.eq_ignore_ascii_case(user_domain))
    {
        f.result(
            "UserFederatedIdentityIsNotFederatedDomain",
            "Error",
            format!("The user's domain {user_domain} is not a federated domain."),
        );
    }
    if rel.target_autodiscover_epr.is_none() && rel.target_sharing_epr.is_none() {
        f.result(
            "AutoDiscoverNotSetInOrgRelationship",
            "Error",
            "The organization relationship has neither TargetAutodiscoverEpr nor TargetSharingEpr.",
        );
    }
    f.line("STEP 2: Getting federation information from remote organization...");
    let remote = rel
        .domain_names
        .iter()
        .find_map(|d| fedinfo::discover_now(world, d));
    let Some(remote) = remote else {
        f.line("RESULT: Unable to retrieve federation information from remote organization. Doing local testing only.");
        f.result(
            "AutodiscoverServiceCallFailed",
            "Error",
            "The Autodiscover call for federation information failed.",
        );
        return Ok(finish(f));
    };
    f.line("RESULT: Success.");
    f.line("STEP 3: Validating consistency of federation information...");
    compare_local_remote(world, &rel, &remote, &mut f);
    f.line("STEP 4: Getting delegation token...");
    if views::clock_skewed(world) || !org.enabled {
        f.result(
            "FailureToGetDelegationToken",
            "Error",
            "A delegation token could not be retrieved for the remote organization.",
        );
        return Ok(finish(f));
    }
    f.line(format!(
        "Retrieved token for target {} for offer Name=MSExchange.Autodiscover",
        remote.target_autodiscover_epr()
    ));
    f.line("STEP 5: Getting organization relationship settings from remote partner...");
    f.line("STEP 6: Validating remote organization relationship...");
    check_remote_relationship(world, &remote, &mut f);
    Ok(finish(f))
}

fn compare_local_remote(
    world: &World,
    rel: &crate::world::Relationship,
    remote: &fedinfo::FederationAnswer,
    f: &mut Findings,
) {
    if !rel
        .target_application_uri
        .as_deref()
        .is_some_and(|u| u.eq_ignore_ascii_case(&remote.application_uri))
    {
        f.result(
            "ApplicationUrisDiffer",
            "Error",
            format!(
                "TargetApplicationUri {} differs from the remote ApplicationUri {}.",
                rel.target_application_uri.as_deref().unwrap_or("(empty)"),
                remote.application_uri
            ),
        );
    }
    if let Some(epr) = &rel.target_autodiscover_epr {
        if !epr.eq_ignore_ascii_case(&remote.target_autodiscover_epr()) {
            f.result(
                "AutodiscoverUrlsDiffer",
                "Warning",
                format!(
                    "TargetAutodiscoverEpr {epr} differs from the discovered {}.",
                    remote.target_autodiscover_epr()
                ),
            );
        }
    }
    let local_sts = world
        .trust()
        .map(|t| t.token_issuer_uri.clone())
        .unwrap_or_default();
    if !remote
        .token_issuers
        .iter()
        .any(|(u, _)| u.eq_ignore_ascii_case(&local_sts))
    {
        f.result(
            "MismatchedSTS",
            "Error",
            "The remote organization uses a different Security Token Service.",
        );
    }
    if !rel
        .domain_names
        .iter()
        .any(|d| remote.domains.iter().any(|r| r.eq_ignore_ascii_case(d)))
    {
        f.result("NoRemoteFederatedDomainInLocalOrgRelationship", "Error", "None of the remote federated domains is listed in the local organization relationship.");
    }
}

fn check_remote_relationship(world: &World, remote: &fedinfo::FederationAnswer, f: &mut Findings) {
    let partner = views::effective_partners(world).into_iter().find(|p| {
        p.application_uri
            .eq_ignore_ascii_case(&remote.application_uri)
    });
    let Some(remote_rel) = partner.and_then(|p| p.relationship_to_us) else {
        f.result(
            "NoOrganizationRelationshipInstancesWereReturnedByTheRemoteParty",
            "Error",
            "The remote organization has no organization relationship with this organization.",
        );
        return;
    };
    if remote_rel.domain_names.is_empty() {
        f.result(
            "RemoteOrgRelationshipHasNoDomainsDefined",
            "Error",
            "The remote organization relationship has no domains.",
        );
        return;
    }
    for d in &world.organization_identifier.domains {
        if !remote_rel
            .domain_names
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&d.domain))
        {
            f.result("LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationsipDomains", "Warning", format!("The local federated domain {} is missing from the remote organization relationship.", d.domain));
        }
    }
}

fn finish(mut f: Findings) -> Vec<Value> {
    f.line("LAST STEP: Writing results...");
    if f.results == 0 {
        f.line("No Significant Issues to Report");
    }
    f.line("COMPLETE.");
    f.lines
}
