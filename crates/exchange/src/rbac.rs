//! Which Exchange management role lets an account run each catalog cmdlet, so a cmdlet missing
//! from the remote session names the role to ask for.
//!
//! `Import-PSSession` imports only the cmdlets the account's RBAC roles grant, so a missing
//! Exchange cmdlet almost always means a missing role. The roles and role groups below are
//! Exchange 2013's (Microsoft Learn, "Federated sharing permissions", "Recipients permissions",
//! "Exchange and Shell infrastructure permissions"); the message also gives the command that
//! lists the roles granting a cmdlet in the organization itself, which is the authority.
//! DnsServer cmdlets run on this computer and are missing for another reason: the DNS Server
//! Tools are not installed.

use crate::catalog;

/// The management role that grants `cmdlet`, and the built-in role groups that hold it.
pub fn role_of(cmdlet: &str) -> Option<(&'static str, &'static str)> {
    const ORG: &str = "Organization Management";
    const SERVER: &str = "Organization Management or Server Management";
    let role = match cmdlet {
        "Add-FederatedDomain"
        | "Remove-FederatedDomain"
        | "Get-FederatedDomainProof"
        | "Get-FederatedOrganizationIdentifier"
        | "Set-FederatedOrganizationIdentifier"
        | "Get-FederationInformation"
        | "Get-FederationTrust"
        | "New-FederationTrust"
        | "Set-FederationTrust"
        | "Remove-FederationTrust"
        | "Test-FederationTrust"
        | "Test-FederationTrustCertificate"
        | "Get-OrganizationRelationship"
        | "New-OrganizationRelationship"
        | "Set-OrganizationRelationship"
        | "Remove-OrganizationRelationship"
        | "Test-OrganizationRelationship"
        | "Get-SharingPolicy"
        | "New-SharingPolicy"
        | "Set-SharingPolicy"
        | "Remove-SharingPolicy" => ("Federated Sharing", ORG),
        "Get-AcceptedDomain" => ("Remote and Accepted Domains", ORG),
        "Get-Mailbox" | "Set-Mailbox" => (
            "Mail Recipients",
            "Organization Management or Recipient Management",
        ),
        "Get-ExchangeCertificate" | "New-ExchangeCertificate" => {
            ("Exchange Server Certificates", SERVER)
        }
        "Get-AutodiscoverVirtualDirectory" | "Get-WebServicesVirtualDirectory" => {
            ("Exchange Virtual Directories", SERVER)
        }
        "Get-OrganizationConfig" => ("Organization Configuration", ORG),
        "Get-ExchangeServer" => ("Exchange Servers", SERVER),
        _ => return None,
    };
    Some(role)
}

/// What to tell when `cmdlet` is not available: for an Exchange cmdlet, the role that grants
/// it; for a DnsServer cmdlet (run on this computer), the DNS Server Tools.
pub fn missing_message(cmdlet: &str) -> String {
    if is_local(cmdlet) {
        return format!(
            "{cmdlet} is not available on this computer: install the DNS Server Tools (Add-WindowsCapability -Online -Name Rsat.Dns.Tools~~~~0.0.1.0, or Install-WindowsFeature RSAT-DNS-Server on a server)"
        );
    }
    let role = match role_of(cmdlet) {
        Some((role, groups)) => format!(
            "it needs the '{role}' management role, which the {groups} role group holds; ask an Exchange administrator to add the account to that role group"
        ),
        None => "ask an Exchange administrator which role grants it".to_owned(),
    };
    format!(
        "{cmdlet} is not in the Exchange session: the account's RBAC roles do not include it, so Import-PSSession left it out; {role} (Get-ManagementRole -Cmdlet {cmdlet} lists the roles that grant it)"
    )
}

fn is_local(cmdlet: &str) -> bool {
    catalog::cmdlet(cmdlet).is_some_and(|spec| spec.module.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_cmdlets_name_their_role_and_only_dns_server_cmdlets_the_tools() {
        for name in catalog::cmdlet_names() {
            let message = missing_message(name);
            if is_local(name) {
                assert!(message.contains("DNS Server Tools"), "{message}");
                assert!(!message.contains("role"), "{message}");
            } else {
                assert!(role_of(name).is_some(), "{name} has no role in the map");
                assert!(message.contains("management role"), "{message}");
                assert!(!message.contains("DNS Server Tools"), "{message}");
            }
        }
    }

    #[test]
    fn mailbox_and_sharing_cmdlets_name_different_roles() {
        let set_mailbox = missing_message("Set-Mailbox");
        assert!(set_mailbox.contains("'Mail Recipients'"), "{set_mailbox}");
        assert!(
            set_mailbox.contains("Recipient Management"),
            "{set_mailbox}"
        );
        assert!(set_mailbox.contains("Get-ManagementRole -Cmdlet Set-Mailbox"));
        let trust = missing_message("New-FederationTrust");
        assert!(trust.contains("'Federated Sharing'"), "{trust}");
        let certificate = missing_message("New-ExchangeCertificate");
        assert!(certificate.contains("'Exchange Server Certificates'"));
    }
}
