//! The Exchange cmdlets the product uses, with Exchange's rules and error names, run against
//! the lab [`World`].

mod certificates;
mod directory;
mod dns_server;
pub mod errors;
mod orgid;
pub mod params;
mod relationships;
mod sharing;
mod tests_cmdlets;
mod trust;

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::ParamValue;
use serde_json::Value;
use time::OffsetDateTime;

use crate::crypto::KeySource;
use crate::proof::ProofVerifier;
use crate::world::World;
use params::Args;

/// What a cmdlet produced besides its output objects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub output: Vec<Value>,
    pub warnings: Vec<String>,
    /// True when the world changed and must be persisted.
    pub mutated: bool,
    /// The server that ran the cmdlet: `PSComputerName` on each object a remote session
    /// delivers ([`crate::present`]).
    pub computer_name: String,
}

/// Everything a cmdlet body may touch.
pub(crate) struct Ctx<'a> {
    pub world: &'a mut World,
    pub verifier: &'a dyn ProofVerifier,
    pub keys: &'a dyn KeySource,
    pub now: OffsetDateTime,
    pub warnings: Vec<String>,
}

type CmdletFn = fn(&mut Ctx<'_>, &Args) -> Result<Vec<Value>, ShellError>;

fn handler(cmdlet: &str) -> Option<CmdletFn> {
    Some(match cmdlet {
        "Get-AcceptedDomain" => directory::get_accepted_domain,
        "Add-DnsServerResourceRecord" => dns_server::add_record,
        "Remove-DnsServerResourceRecord" => dns_server::remove_record,
        "Get-AutodiscoverVirtualDirectory" => directory::get_autodiscover_vdir,
        "Get-ExchangeServer" => directory::get_exchange_server,
        "Get-WebServicesVirtualDirectory" => directory::get_ews_vdir,
        "Get-ExchangeCertificate" => certificates::get_exchange_certificate,
        "New-ExchangeCertificate" => certificates::new_exchange_certificate,
        "New-FederationTrust" => trust::new_federation_trust,
        "Set-FederationTrust" => trust::set_federation_trust,
        "Get-FederationTrust" => trust::get_federation_trust,
        "Remove-FederationTrust" => trust::remove_federation_trust,
        "Get-FederatedDomainProof" => trust::get_federated_domain_proof,
        "Set-FederatedOrganizationIdentifier" => orgid::set_orgid,
        "Get-FederatedOrganizationIdentifier" => orgid::get_orgid,
        "Add-FederatedDomain" => orgid::add_federated_domain,
        "Remove-FederatedDomain" => orgid::remove_federated_domain,
        "New-OrganizationRelationship" => relationships::new_relationship,
        "Set-OrganizationRelationship" => relationships::set_relationship,
        "Get-OrganizationRelationship" => relationships::get_relationship,
        "Remove-OrganizationRelationship" => relationships::remove_relationship,
        "Get-FederationInformation" => relationships::get_federation_information,
        "New-SharingPolicy" => sharing::new_sharing_policy,
        "Set-SharingPolicy" => sharing::set_sharing_policy,
        "Get-SharingPolicy" => sharing::get_sharing_policy,
        "Remove-SharingPolicy" => sharing::remove_sharing_policy,
        "Set-Mailbox" => sharing::set_mailbox,
        "Get-Mailbox" => sharing::get_mailbox,
        "Test-FederationTrust" => tests_cmdlets::test_federation_trust,
        "Test-FederationTrustCertificate" => tests_cmdlets::test_federation_trust_certificate,
        "Test-OrganizationRelationship" => tests_cmdlets::test_organization_relationship,
        _ => return None,
    })
}

/// Whether a cmdlet may change the world (and so must be persisted after success).
pub fn is_mutating(cmdlet: &str) -> bool {
    !(cmdlet.starts_with("Get-") || cmdlet.starts_with("Test-"))
}

/// The lab's Exchange Management Shell: a world plus the services cmdlets need.
pub struct Shell {
    pub world: World,
    verifier: Box<dyn ProofVerifier>,
    keys: Box<dyn KeySource>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("organization", &self.world.organization)
            .finish_non_exhaustive()
    }
}

impl Shell {
    pub fn new(world: World, verifier: Box<dyn ProofVerifier>, keys: Box<dyn KeySource>) -> Self {
        Self {
            world,
            verifier,
            keys,
        }
    }

    pub fn set_verifier(&mut self, verifier: Box<dyn ProofVerifier>) {
        self.verifier = verifier;
    }

    /// Runs one cmdlet. On error the world is left exactly as it was.
    pub fn invoke(
        &mut self,
        cmdlet: &str,
        params: &[(String, ParamValue)],
    ) -> Result<Outcome, ShellError> {
        let (name, spec) =
            params::resolve_cmdlet(cmdlet).ok_or_else(|| errors::command_not_found(cmdlet))?;
        let run = handler(name).ok_or_else(|| errors::command_not_found(cmdlet))?;
        let args = Args::bind(name, spec, params)?;
        let mutating = is_mutating(name);
        let before = mutating.then(|| self.world.clone());
        let mut ctx = Ctx {
            world: &mut self.world,
            verifier: self.verifier.as_ref(),
            keys: self.keys.as_ref(),
            now: OffsetDateTime::now_utc(),
            warnings: Vec::new(),
        };
        match run(&mut ctx, &args) {
            Ok(output) => {
                let warnings = ctx.warnings;
                let mutated = before.as_ref().is_some_and(|b| b != &self.world);
                Ok(Outcome {
                    output,
                    warnings,
                    mutated,
                    computer_name: self.world.server_fqdn.clone(),
                })
            }
            Err(e) => {
                if let Some(b) = before {
                    self.world = b;
                }
                Err(e)
            }
        }
    }

    /// The same as [`Shell::invoke`], returning only the output objects as the engine reads
    /// them from a host: presented as a remote session delivers them, written as CLIXML and
    /// read back by the production reader ([`crate::present::delivered`]).
    pub fn run(&mut self, inv: &fedshare_exchange::Invocation) -> Result<Vec<Value>, ShellError> {
        let outcome = self.invoke(&inv.cmdlet, &inv.params)?;
        crate::present::delivered(&inv.cmdlet, &inv.params, &outcome)
    }
}

pub(crate) use crate::timefmt::{parse as parse_time, rfc3339};

/// Exchange removes spaces from thumbprints and compares them case-insensitively.
pub(crate) fn unify_thumbprint(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Finds the single item matching `identity` by name (case-insensitive).
pub(crate) fn find_by_name<T>(
    items: &[T],
    identity: &str,
    name: impl Fn(&T) -> &str,
) -> Option<usize> {
    items
        .iter()
        .position(|i| name(i).eq_ignore_ascii_case(identity))
}

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
pub(crate) mod testkit;
