//! The federated organization identifier: Set/Get-FederatedOrganizationIdentifier and
//! Add/Remove-FederatedDomain, including the broker's proof-of-ownership check.

use fedshare_exchange::protocol::ShellError;
use fedshare_model::{AcceptedDomainType, FederatedDomain, FederatedDomainState};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use super::params::Args;
use super::{errors, trust, Ctx};
use crate::partners::ORGID_PREFIX;
use crate::world::World;

const NO_TRUST: &str = "No Federation trust is configured for this organization or no domain is federated as the account namespace.";
const PROOF_FAILED: &str = "Proof of domain ownership has failed. Make sure that the TXT record for the specified domain is available in DNS. The format of the TXT record should be \"example.com IN TXT hash-value\"";

fn no_trust(cmdlet: &str) -> ShellError {
    errors::invalid_operation(cmdlet, "NoTrustConfiguredException", NO_TRUST)
}

/// The accepted-domain rules of SetFederatedOrganizationIdBase, returning the domain as the
/// accepted domain spells it.
pub(crate) fn check_accepted_domain(
    world: &World,
    cmdlet: &str,
    domain: &str,
) -> Result<String, ShellError> {
    let domain = domain.trim();
    let wildcard = domain.starts_with("*.")
        || (world.accepted_domain(domain).is_none()
            && world.wildcard_accepted_domain(domain).is_some());
    if wildcard {
        return Err(errors::invalid_argument(cmdlet, "AcceptedDomainsWithSubdomainsException", format!("The domain {domain} is covered by an accepted domain that includes all subdomains (*.domain). Federated domains must be accepted domains without subdomains.")));
    }
    let Some(accepted) = world.accepted_domain(domain) else {
        return Err(errors::invalid_argument(
            cmdlet,
            "DomainNameNotAcceptedDomainException",
            format!("The domain {domain} isn't an accepted domain for your organization."),
        ));
    };
    if accepted.domain_type == AcceptedDomainType::ExternalRelay {
        return Err(errors::invalid_argument(cmdlet, "AcceptedDomainsInvalidTypeException", format!("The accepted domain {domain} is of type ExternalRelay. Only Authoritative and InternalRelay accepted domains can be federated.")));
    }
    Ok(accepted.domain_name.clone())
}

/// The broker (ManageDelegation2) accepts a domain only when a TXT record at the domain holds
/// one of the trust's proofs.
fn check_proof(ctx: &Ctx<'_>, cmdlet: &str, domain: &str) -> Result<(), ShellError> {
    let expected = trust::expected_proofs(ctx.world, domain);
    let published = ctx
        .verifier
        .txt_values(ctx.world, domain)
        .unwrap_or_else(|e| {
            tracing::warn!(domain, error = %e, "proof lookup failed");
            Vec::new()
        });
    if published
        .iter()
        .any(|p| expected.iter().any(|e| e == p.trim()))
    {
        Ok(())
    } else {
        Err(errors::invalid_operation(
            cmdlet,
            "DomainProofOwnershipException",
            PROOF_FAILED,
        ))
    }
}

/// A stable AppID for the account namespace, formatted like the broker's (16 hex digits).
fn application_identifier(account_namespace: &str) -> String {
    let digest = Sha256::digest(account_namespace.to_ascii_lowercase().as_bytes());
    format!("00000000{}", crate::crypto::hex_upper(&digest[..4]))
}

fn is_federated(world: &World, domain: &str) -> bool {
    world
        .organization_identifier
        .domains
        .iter()
        .any(|d| d.domain.eq_ignore_ascii_case(domain))
}

/// A domain joins the federation once, and only with its proof published in DNS.
fn check_can_federate(ctx: &Ctx<'_>, cmdlet: &str, domain: &str) -> Result<(), ShellError> {
    if is_federated(ctx.world, domain) {
        return Err(errors::invalid_operation(
            cmdlet,
            "DomainAlreadyFederatedException",
            format!("The domain {domain} is already federated."),
        ));
    }
    check_proof(ctx, cmdlet, domain)
}

fn first_configuration(
    ctx: &mut Ctx<'_>,
    cmdlet: &str,
    trust_name: &str,
    namespace: &str,
) -> Result<(), ShellError> {
    let trust_idx = ctx
        .world
        .federation_trusts
        .iter()
        .position(|t| t.name.eq_ignore_ascii_case(trust_name))
        .ok_or_else(|| errors::not_found(cmdlet, trust_name))?;
    let domain = check_accepted_domain(ctx.world, cmdlet, namespace)?;
    check_can_federate(ctx, cmdlet, &domain)?;
    let account_namespace = format!("{ORGID_PREFIX}{domain}");
    let trust = &mut ctx.world.federation_trusts[trust_idx];
    trust.application_identifier = Some(application_identifier(&account_namespace));
    if trust.application_uri.is_none() {
        trust.application_uri = Some(account_namespace.clone());
    }
    let trust_name = trust.name.clone();
    let org = &mut ctx.world.organization_identifier;
    org.account_namespace = Some(account_namespace);
    org.delegation_trust_link = Some(trust_name);
    org.enabled = true;
    org.domains.push(FederatedDomain {
        domain,
        state: FederatedDomainState::Active,
    });
    Ok(())
}

pub fn set_orgid(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    let trust_param = args.string("DelegationFederationTrust");
    let ns_param = args.string("AccountNamespace");
    let linked = ctx
        .world
        .organization_identifier
        .delegation_trust_link
        .clone();
    match (&linked, &trust_param, &ns_param) {
        (None, Some(t), Some(ns)) => first_configuration(ctx, cmdlet, t, ns)?,
        (None, Some(_), None) => return Err(errors::invalid_argument(cmdlet, "NoAccountNamespaceException", "The AccountNamespace parameter must be specified together with DelegationFederationTrust when the organization identifier is configured for the first time.")),
        (None, None, Some(_)) => return Err(errors::invalid_argument(cmdlet, "CannotSpecifyAccountNamespaceWithoutTrustException", "You can't specify AccountNamespace without DelegationFederationTrust.")),
        (None, None, None) => return Err(no_trust(cmdlet)),
        (Some(current), _, _) => {
            let other_trust = trust_param.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case(current));
            let primary = ctx.world.primary_federated_domain().unwrap_or_default().to_owned();
            let other_ns = ns_param.as_deref().is_some_and(|n| !n.trim().eq_ignore_ascii_case(&primary));
            if other_trust || other_ns {
                return Err(errors::invalid_operation(cmdlet, "TrustAlreadyDefinedException", "A federation trust and account namespace are already configured for this organization. Remove the federated domains first to change them."));
            }
        }
    }
    if let Some(default) = args.string("DefaultDomain") {
        let domain = check_accepted_domain(ctx.world, cmdlet, &default)?;
        ctx.world.organization_identifier.default_domain = Some(domain);
    }
    if let Some(contact) = args.string("OrganizationContact") {
        ctx.world.organization_identifier.organization_contact = Some(contact);
    }
    if let Some(enabled) = args.bool("Enabled") {
        ctx.world.organization_identifier.enabled = enabled;
    }
    Ok(Vec::new())
}

pub fn get_orgid(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let org = &ctx.world.organization_identifier;
    // Without -IncludeExtendedDomainInfo Exchange does not ask the broker for domain states.
    let extended = args.switch("IncludeExtendedDomainInfo");
    let domains: Vec<Value> = org
        .domains
        .iter()
        .map(|d| json!({"Domain": d.domain, "State": if extended { d.state } else { FederatedDomainState::Unknown }}))
        .collect();
    Ok(vec![json!({
        "Identity": ctx.world.organization,
        "Name": "FederatedOrganizationIdentifier",
        "AccountNamespace": org.account_namespace,
        "Domains": domains,
        "DefaultDomain": org.default_domain,
        "Enabled": org.enabled,
        "OrganizationContact": org.organization_contact,
        "DelegationTrustLink": org.delegation_trust_link,
    })])
}

fn require_configured(world: &World, cmdlet: &str) -> Result<(), ShellError> {
    let org = &world.organization_identifier;
    if world.trust().is_none()
        || org.account_namespace.is_none()
        || org.delegation_trust_link.is_none()
    {
        return Err(no_trust(cmdlet));
    }
    Ok(())
}

pub fn add_federated_domain(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    require_configured(ctx.world, cmdlet)?;
    let domain = check_accepted_domain(ctx.world, cmdlet, &args.required("DomainName")?)?;
    check_can_federate(ctx, cmdlet, &domain)?;
    ctx.world
        .organization_identifier
        .domains
        .push(FederatedDomain {
            domain,
            state: FederatedDomainState::Active,
        });
    Ok(Vec::new())
}

/// LiveFederationProvision.RemoveUri: the gateway releases the domain; when it cannot be
/// reached, Exchange stops with UnableToReleaseUriException unless `-Force` was given (then
/// it only notes the failure and removes the domain locally).
fn release_at_gateway(
    world: &World,
    cmdlet: &str,
    domain: &str,
    force: bool,
) -> Result<(), ShellError> {
    if force || !world.has_break(crate::breaks::Break::GatewayUnreachable) {
        return Ok(());
    }
    let app_id = world
        .trust()
        .and_then(|t| t.application_identifier.clone())
        .unwrap_or_default();
    Err(errors::task(
        cmdlet,
        "InvalidResult",
        "UnableToReleaseUriException",
        format!("Unable to release the URI {domain} for domain {domain} from application identifier {app_id}: Unable to connect to the remote server (https://domains.live.com/service/managedelegation2.asmx)."),
    ))
}

/// RemoveFederatedDomain's rules: the account namespace goes last
/// (CannotRemoveAccountNamespaceException); a domain that is not federated is an error
/// (DomainIsNotFederatedException), or only a warning with `-Force`; removing the account
/// namespace unlinks the trust (AccountNamespace, DelegationTrustLink and Enabled cleared,
/// the trust's ApplicationUri and AppID with them), after which Remove-FederationTrust works.
pub fn remove_federated_domain(ctx: &mut Ctx<'_>, args: &Args) -> Result<Vec<Value>, ShellError> {
    let cmdlet = args.cmdlet;
    require_configured(ctx.world, cmdlet)?;
    let domain = args.required("DomainName")?;
    let domain = domain.trim();
    let is_primary = ctx
        .world
        .primary_federated_domain()
        .is_some_and(|p| p.eq_ignore_ascii_case(domain));
    let org = &ctx.world.organization_identifier;
    if is_primary && org.domains.len() > 1 {
        return Err(errors::invalid_operation(cmdlet, "CannotRemoveAccountNamespaceException", format!("The domain {domain} can't be removed because it's the account namespace. Remove the other federated domains first.")));
    }
    let accepted = check_accepted_domain(ctx.world, cmdlet, domain)?;
    let Some(idx) = ctx
        .world
        .organization_identifier
        .domains
        .iter()
        .position(|d| d.domain.eq_ignore_ascii_case(&accepted))
    else {
        let text = format!("The domain {accepted} isn't federated.");
        if args.switch("Force") {
            ctx.warnings.push(format!("DomainIsNotFederated: {text}"));
            return Ok(Vec::new());
        }
        return Err(errors::invalid_operation(
            cmdlet,
            "DomainIsNotFederatedException",
            text,
        ));
    };
    release_at_gateway(ctx.world, cmdlet, &accepted, args.switch("Force"))?;
    let org = &mut ctx.world.organization_identifier;
    org.domains.remove(idx);
    if is_primary {
        // With the account namespace gone the OrgID is unconfigured again, and the trust's
        // application URI derived from it goes too.
        let namespace = org.account_namespace.take();
        org.delegation_trust_link = None;
        org.default_domain = None;
        org.enabled = false;
        if let Some(trust) = ctx.world.federation_trusts.first_mut() {
            if trust.application_uri.is_some() && trust.application_uri == namespace {
                trust.application_uri = None;
                trust.application_identifier = None;
            }
        }
    }
    Ok(Vec::new())
}
