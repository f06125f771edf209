//! The error explainer: paste an error text (Exchange shell, OWA, an Outlook log, an HCW log)
//! and get the likely causes, the checks that confirm each, and the fixes.
//!
//! Matching is tolerant: case, quotes, punctuation, whitespace and line breaks are ignored,
//! and terms match whole words, so an error id (`Ex15B18C`), an exception name
//! (`DomainProofOwnershipException`) or a wrapped message all match. The knowledge is the
//! troubleshooting table of the reference (exchange-federation.md §7, anchors Appendix C).

use fedshare_model::Fix;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Explanation {
    /// Stable id of the cause (`proof-failed`, ...).
    pub id: String,
    pub cause: String,
    /// Check ids that confirm the cause (`<domain>`, `<name>` stand for the subject).
    pub confirm_with: Vec<String>,
    pub fixes: Vec<Fix>,
    /// The terms of the text that matched.
    pub matched: String,
}

/// One known error: any of `patterns` matches when all of its terms occur.
struct Known {
    id: &'static str,
    /// A refinement of a more general cause (the legacy proof format is still a proof
    /// failure): when both match, the refinement comes first.
    refines: bool,
    patterns: &'static [&'static [&'static str]],
    cause: &'static str,
    confirm: &'static [&'static str],
    fixes: &'static [(&'static str, &'static [&'static str])],
}

const KNOWN: &[Known] = &[
    Known {
        refines: false,
        id: "proof-failed",
        patterns: &[
            &["proof of domain ownership has failed"],
            &["DomainProofOwnershipException"],
            &["ProofOfOwnershipNotValid"],
            &["ErrorManageDelegation2ProofDomainOwnership"],
        ],
        cause: "The domain proof TXT record is missing or differs from Get-FederatedDomainProof's Proof (the broker answered ProofOfOwnershipNotValid), or it has not replicated yet.",
        confirm: &["domain.proof:<domain>", "domain.active:<domain>", "dns.txt-size:<domain>"],
        fixes: &[(
            "Publish the exact Proof as a TXT record at the domain itself, check it, wait for replication, then retry.",
            &[
                "Get-FederatedDomainProof -DomainName <domain> | fl Thumbprint,Proof",
                "<domain>. IN TXT \"<proof>\"",
                "nslookup -querytype=txt <domain>",
            ],
        )],
    },
    Known {
        refines: true,
        id: "proof-legacy-appid",
        patterns: &[&["in txt appid"], &["txt appid appid value"]],
        cause: "The trust was created with -UseLegacyProvisioningService: legacy (v1) provisioning expects an AppID-style TXT record and the consumer instance.",
        confirm: &["trust.token-issuer", "domain.proof:<domain>"],
        fixes: &[(
            "Re-create the trust without the legacy switch (or publish the AppID TXT record).",
            &[
                "Remove-FederationTrust -Identity <trust> -Confirm:$false",
                "New-FederationTrust -Name 'Microsoft Federation Gateway' -Thumbprint <thumbprint>",
            ],
        )],
    },
    Known {
        refines: false,
        id: "proof-txt-too-large",
        patterns: &[&["although the txt record exists"], &["txt", "512 bytes"], &["KB2712678"]],
        cause: "The TXT answer at the domain is larger than a 512-byte UDP response and outbound TCP/53 is blocked, so the broker's proof check fails although the record exists.",
        confirm: &["dns.txt-size:<domain>", "domain.proof:<domain>"],
        fixes: &[(
            "Allow outbound TCP DNS, or trim the TXT records at the apex (KB workaround: a temporary hosts-file entry on the server).",
            &[],
        )],
    },
    Known {
        refines: false,
        id: "max-uri-reached",
        patterns: &[
            &["MaxUriReached"],
            &["same uri cannot be attached to different appid"],
            &["an unexpected result was received from windows live"],
        ],
        cause: "Too many failed federation attempts for the domain in one day.",
        confirm: &["domain.proof:<domain>", "orgid.enabled"],
        fixes: &[("Fix the proof first, then wait 24 hours and retry once.", &[])],
    },
    Known {
        refines: false,
        id: "no-trust-configured",
        patterns: &[
            &["no federation trust is configured for this organization"],
            &["NoTrustConfiguredException"],
        ],
        cause: "No trust is linked to the organization identifier, or no account namespace is set (in Exchange Online: the tenant moved, a Microsoft support case).",
        confirm: &["trust.present", "orgid.enabled"],
        fixes: &[(
            "Pass the trust and the account namespace together the first time.",
            &["Set-FederatedOrganizationIdentifier -DelegationFederationTrust <trust> -AccountNamespace <primary domain> -Enabled $true"],
        )],
    },
    Known {
        refines: false,
        id: "accepted-domain",
        patterns: &[
            &["DomainNameNotAcceptedDomain"],
            &["DomainNameNotAcceptedDomainException"],
            &["AcceptedDomainsWithSubdomains"],
            &["AcceptedDomainsWithSubdomainsException"],
            &["AcceptedDomainsInvalidType"],
            &["AcceptedDomainsInvalidTypeException"],
            &["DomainAlreadyFederated"],
            &["DomainAlreadyFederatedException"],
        ],
        cause: "The domain is not a plain accepted domain of type Authoritative or InternalRelay (wildcard or ExternalRelay), or it is already federated.",
        confirm: &["orgid.enabled", "domain.active:<domain>"],
        fixes: &[(
            "Make the domain an Authoritative (or InternalRelay) accepted domain without a wildcard, or use the existing federation.",
            &["Get-AcceptedDomain | fl DomainName,DomainType", "Get-FederatedOrganizationIdentifier -IncludeExtendedDomainInfo | fl Domains"],
        )],
    },
    Known {
        refines: false,
        id: "trust-already-defined",
        patterns: &[&["TrustAlreadyDefined"], &["TrustAlreadyDefinedException"], &["federation trust is already defined"]],
        cause: "A federation trust (or account namespace) already exists; Exchange allows one.",
        confirm: &["trust.present", "orgid.enabled"],
        fixes: &[(
            "Reuse the existing trust, or remove its domains and the trust first.",
            &["Get-FederationTrust | fl Name,OrgCertificate", "Remove-FederatedDomain -DomainName <domain> -Force", "Remove-FederationTrust -Identity <trust> -Confirm:$false"],
        )],
    },
    Known {
        refines: false,
        id: "certificate-invalid",
        patterns: &[
            &["ErrorCertificateNoSKI"],
            &["ErrorCertificateNotExportable"],
            &["ErrorCertificateNotRSA"],
            &["ErrorCertificateNotCAPI"],
            &["ErrorCertificateHasExpired"],
            &["ErrorCertificateNotFound"],
            &["CertificateNotValidForExchange"],
        ],
        cause: "The federation certificate does not meet Exchange's requirements (Subject Key Identifier, exportable RSA CryptoAPI key, not expired, present in LocalMachine\\My).",
        confirm: &["trust.certificate-expiry", "trust.certificate-store"],
        fixes: &[(
            "Create a self-signed federation certificate that meets them.",
            &[
                "$ski = [System.Guid]::NewGuid().ToString('N')",
                "New-ExchangeCertificate -FriendlyName 'Exchange Delegation Federation' -DomainName 'Federation' -Services Federation -KeySize 2048 -PrivateKeyExportable $true -SubjectKeyIdentifier $ski",
            ],
        )],
    },
    Known {
        refines: false,
        id: "federation-certificate-not-found",
        patterns: &[
            &["federation certificate with the thumbprint", "cannot be found"],
            &["FederationCertificateInvalidException"],
        ],
        cause: "The next (or current) federation certificate is missing from the certificate store during the rollover (-PublishFederationCertificate).",
        confirm: &["trust.next-certificate", "test-federationtrustcertificate.distribution", "trust.certificate-store"],
        fixes: &[(
            "Install the certificate on every server, or set msExchFedOrgPrivCertificate to the next thumbprint (ADSI), or re-create the trust.",
            &["Test-FederationTrustCertificate", "Get-FederationTrust | fl *priv*"],
        )],
    },
    Known {
        refines: false,
        id: "token-validation",
        patterns: &[
            &["failed to validate delegation token"],
            &["an error occurred when processing the security tokens in the message"],
            &["Id", "TokenValidation", "Error"],
        ],
        cause: "The broker's metadata or certificate in the trust is outdated (after a broker rollover or a federation certificate renewal), or the clock is off.",
        confirm: &["trust.metadata-fresh", "test-federationtrust.TokenValidation", "trust.sts-certificate", "clock.skew"],
        fixes: &[(
            "Refresh the metadata (twice), toggle WSSecurity on the virtual directories, iisreset, and fix any time skew.",
            &[
                "Get-FederationTrust | Set-FederationTrust -RefreshMetadata",
                "Get-FederationTrust | Set-FederationTrust -RefreshMetadata",
                "iisreset /noforce",
            ],
        )],
    },
    Known {
        refines: false,
        id: "verifying-security",
        patterns: &[&["an error occurred when verifying security for the message"], &["verifying security for the message"], &["SoapHeaderException", "security"]],
        cause: "The partner's token was refused: WSSecurity authentication is off (or needs a reset) on the Autodiscover/EWS virtual directories, the metadata is outdated after a certificate renewal, or the clock is off.",
        confirm: &["vdir.wssecurity.ews", "vdir.wssecurity.autodiscover", "trust.metadata-fresh", "clock.skew"],
        fixes: &[(
            "Refresh the metadata twice, toggle WSSecurity authentication off and on, iisreset, check the clock; as a workaround set TargetSharingEpr on the partner's relationship.",
            &[
                "Get-FederationTrust | Set-FederationTrust -RefreshMetadata",
                "Get-WebServicesVirtualDirectory | Set-WebServicesVirtualDirectory -WSSecurityAuthentication $true",
                "Get-AutodiscoverVirtualDirectory | Set-AutodiscoverVirtualDirectory -WSSecurityAuthentication $true",
                "iisreset /noforce",
            ],
        )],
    },
    Known {
        refines: false,
        id: "metadata-outdated",
        patterns: &[
            &["outdated sts certificates"],
            &["contains outdated certificates published by the security token service"],
            &["FederationMetadata", "Error"],
        ],
        cause: "The trust's copy of the broker metadata is stale (Test-FederationTrust FederationMetadata error).",
        confirm: &["test-federationtrust.FederationMetadata", "trust.metadata-fresh"],
        fixes: &[("Refresh the metadata, and schedule a daily refresh.", &["Get-FederationTrust | Set-FederationTrust -RefreshMetadata"])],
    },
    Known {
        refines: false,
        id: "token-request",
        patterns: &[&["failed to request a delegation token"], &["FailureToGetDelegationToken"]],
        cause: "The broker issued no delegation token: outbound HTTPS to the broker blocked (as SYSTEM), the clock more than 5 minutes off, or the organization certificate unusable.",
        confirm: &["test-federationtrust.TokenRequest", "clock.skew", "trust.certificate-expiry"],
        fixes: &[(
            "Open outbound HTTPS to login.microsoftonline.com (proxy: Set-ExchangeServer -InternetWebProxy), synchronise the clock, renew an expired certificate.",
            &["Set-ExchangeServer <server> -InternetWebProxy http://<proxy>:<port>", "w32tm /resync"],
        )],
    },
    Known {
        refines: false,
        id: "federation-information-failed",
        patterns: &[
            &["federation information could not be received from the external organization"],
            &["federation information could not be received"],
            &["Ex15B18C"],
            &["GetFederationInformationFailedException"],
        ],
        cause: "The partner's Autodiscover is unreachable or wrong (DNS, TLS certificate name, split DNS), the partner is not federated, or the requested domain is not in the partner's federated domains.",
        confirm: &["partner.discovery:<domain>", "dns.autodiscover:<domain>", "relationship.target-mismatch:<name>"],
        fixes: &[(
            "Check the partner's autodiscover CNAME and TLS certificate, use -TrustedHostnames for a known redirect host, and confirm the domain is federated on the partner side.",
            &[
                "Resolve-DnsName autodiscover.<domain>",
                "Get-FederationInformation -DomainName <domain> -BypassAdditionalDomainValidation -TrustedHostnames <host> -Verbose",
            ],
        )],
    },
    Known {
        refines: false,
        id: "unsecure-redirect",
        patterns: &[&["returned an unsecure redirect"], &["unsecure redirect"]],
        cause: "Autodiscover answered through the unauthenticated HTTP redirect; for Exchange Online the AD SCP 'CN=Microsoft Exchange Online' is missing or lacks *.outlook.com in serviceBindingInformation.",
        confirm: &["partner.discovery:<domain>"],
        fixes: &[(
            "Add *.outlook.com to the SCP (re-create it with setup /prepareAD), or pass the host with -TrustedHostnames.",
            &["Get-FederationInformation -DomainName <domain> -TrustedHostnames *.outlook.com"],
        )],
    },
    Known {
        refines: false,
        id: "non-interactive-prompt",
        patterns: &[
            &["is in noninteractive mode", "read and prompt functionality is not available"],
            &["PromptingException"],
            &["ReadFailsOnNonInteractiveFlag"],
        ],
        cause: "A cmdlet asked for confirmation, which Fedshare's non-interactive session cannot give. From Get-FederationInformation: the partner answered only through an unsecured HTTP redirect, or its Autodiscover certificate names another host, and that host is not in the plan's trusted host names.",
        confirm: &["partner.discovery:<domain>", "dns.autodiscover:<domain>"],
        fixes: &[
            (
                "If the host the partner redirects to is theirs or their hoster's (Exchange Online: *.outlook.com), add it to the plan's trusted host names and apply again.",
                &["[partners]\ntrusted_hostnames = [\"*.outlook.com\", \"<host>\"]"],
            ),
            (
                "Otherwise ask the partner to fix their Autodiscover: a certificate that names autodiscover.<domain>, or an https endpoint instead of the HTTP redirect.",
                &["Get-FederationInformation -DomainName <domain> -TrustedHostnames <host> -Verbose"],
            ),
        ],
    },
    Known {
        refines: true,
        id: "http-405",
        patterns: &[&["405", "method not allowed"], &["HTTP Error 405"]],
        cause: "The svc-Integrated handler mapping is missing in IIS on the Autodiscover/EWS virtual directory.",
        confirm: &["partner.discovery:<domain>", "vdir.wssecurity.autodiscover"],
        fixes: &[(
            "Re-register WCF (ServiceModelReg.exe -r) or 'Revert to Parent' the handler mappings; re-create the virtual directory with WSSecurity on.",
            &["& \"$env:windir\\Microsoft.NET\\Framework64\\v3.0\\Windows Communication Foundation\\ServiceModelReg.exe\" -r"],
        )],
    },
    Known {
        refines: false,
        id: "no-free-busy-access",
        patterns: &[
            &["you don t have permission to see free busy information"],
            &["ErrorNoFreeBusyAccess"],
            &["the caller does not have access to free busy data"],
            &["5037"],
        ],
        cause: "The requester's SMTP domain is not in the target organization's relationship DomainNames, or the calendar's Default permission is None.",
        confirm: &["test-organizationrelationship.LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationsipDomains:<name>", "relationship.dispatchable:<name>"],
        fixes: &[(
            "Add the domain to the relationship on the side that refuses; set the calendar Default permission to AvailabilityOnly or LimitedDetails.",
            &["$o = Get-OrganizationRelationship <name>; $o.DomainNames += '<domain>'; Set-OrganizationRelationship <name> -DomainNames $o.DomainNames"],
        )],
    },
    Known {
        refines: false,
        id: "remote-domains-missing",
        patterns: &[&["LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationsipDomains"], &["LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationshipDomains"]],
        cause: "The partner's relationship with you does not list all your federated domains.",
        confirm: &["test-organizationrelationship.LocalFederatedDomainsAreMissingFromTheRemoteOrganizationRelationsipDomains:<name>"],
        fixes: &[("Send the partner your federated domain list; the partner adds them to its relationship.", &["Get-FederatedOrganizationIdentifier | fl Domains"])],
    },
    Known {
        refines: false,
        id: "server-not-found",
        patterns: &[&["the attendee s server couldn t be found"], &["5039"]],
        cause: "The server has no outbound Internet access (an outbound proxy is not configured), or its clock is off.",
        confirm: &["clock.skew", "test-federationtrust.TokenRequest"],
        fixes: &[("Configure the outbound proxy and check the clock (within 5 minutes).", &["Set-ExchangeServer <server> -InternetWebProxy http://<proxy>:<port>"])],
    },
    Known {
        refines: false,
        id: "server-not-contacted",
        patterns: &[&["the attendee s server couldn t be contacted"], &["5016"]],
        cause: "A wrong RemoteRoutingAddress or relationship target.",
        confirm: &["relationship.target-mismatch:<name>", "relationship.dispatchable:<name>"],
        fixes: &[("Fix the target address.", &["Get-OrganizationRelationship | fl Name,Target*"])],
    },
    Known {
        refines: false,
        id: "preauth-401",
        patterns: &[&["401", "unauthorized"], &["http status 401"], &["proxy web request failed", "401"]],
        cause: "A reverse proxy pre-authenticates /autodiscover or /ews, so partners (who present a token, not credentials) are refused.",
        confirm: &["endpoint.wssecurity:<domain>", "vdir.wssecurity.autodiscover", "vdir.wssecurity.ews"],
        fixes: &[("Publish /autodiscover/autodiscover.svc(/wssecurity) and /ews/exchange.asmx/wssecurity pass-through, without pre-authentication.", &[])],
    },
    Known {
        refines: false,
        id: "autodiscover-404",
        patterns: &[&["autodiscover failed", "404"], &["404 not found"]],
        cause: "A wrong TargetAutodiscoverEpr (or DiscoveryEndpoint), or the svc handler mapping is missing.",
        confirm: &["relationship.target-mismatch:<name>", "partner.discovery:<domain>"],
        fixes: &[("Fix the EPR from the partner's federation information; check the handler mappings.", &["Get-OrganizationRelationship <name> | fl TargetAutodiscoverEpr"])],
    },
    Known {
        refines: false,
        id: "name-not-resolved",
        patterns: &[&["the remote name could not be resolved"]],
        cause: "The TargetAutodiscoverEpr host does not resolve in public DNS.",
        confirm: &["dns.autodiscover:<domain>", "partner.discovery:<domain>", "relationship.target-mismatch:<name>"],
        fixes: &[("Fix DNS or the EPR; as a workaround set TargetSharingEpr to the partner's external EWS URL.", &["Set-OrganizationRelationship <name> -TargetSharingEpr https://<partner host>/EWS/Exchange.asmx"])],
    },
    Known {
        refines: false,
        id: "broker-unreachable",
        patterns: &[
            &["failed to communicate with", "login microsoftonline com"],
            &["extsts srf", "unable to connect to the remote server"],
        ],
        cause: "Outbound HTTPS from the server to the trust broker is blocked (it runs as SYSTEM).",
        confirm: &["test-federationtrust.TokenRequest", "trust.metadata-fresh"],
        fixes: &[("Open https://login.microsoftonline.com, https://nexus.microsoftonline-p.com and https://domains.live.com for SYSTEM, or configure the proxy.", &["Set-ExchangeServer <server> -InternetWebProxy http://<proxy>:<port>"])],
    },
    Known {
        refines: false,
        id: "proxy-unable-to-connect",
        patterns: &[&["proxy web request failed", "unable to connect to the remote server"]],
        cause: "A firewall between the partner (or Exchange Online) and your published endpoints.",
        confirm: &["dns.autodiscover:<domain>", "vdir.wssecurity.ews"],
        fixes: &[("Open inbound HTTPS to the published CAS for /autodiscover and /ews.", &[])],
    },
    Known {
        refines: false,
        id: "no-relationship-for-domain",
        patterns: &[&["configuration information for forest domain", "could not be found in active directory"]],
        cause: "No organization relationship (or availability address space) covers the requested domain.",
        confirm: &["relationship.dispatchable:<name>", "partner.discovery:<domain>"],
        fixes: &[("Add the domain to the relationship's DomainNames.", &["$o = Get-OrganizationRelationship <name>; $o.DomainNames += '<domain>'; Set-OrganizationRelationship <name> -DomainNames $o.DomainNames"])],
    },
    Known {
        refines: false,
        id: "request-timed-out",
        patterns: &[&["the request timed out"], &["waiting for request completion"]],
        cause: "A network or transient problem on the way to the partner.",
        confirm: &["test-organizationrelationship.run:<name>", "test-federationtrust.run", "test-federationtrustcertificate.distribution"],
        fixes: &[("Run the three tests and check the server's Internet access as SYSTEM.", &["Test-OrganizationRelationship -Identity <name> -UserIdentity <mailbox>", "Test-FederationTrust -UserIdentity <mailbox>", "Test-FederationTrustCertificate"])],
    },
    Known {
        refines: false,
        id: "hybrid-partner-cloud-users",
        patterns: &[&["cloud users"], &["exo users"]],
        cause: "The partner is hybrid: a relationship with its on-premises organization cannot reach its Exchange Online users, and Exchange 2013 does not proxy.",
        confirm: &["partner.exchange-online:<domain>"],
        fixes: &[("Add a relationship with the partner's Exchange Online side (outlook.com, autodiscover-s.outlook.com, <tenant>.mail.onmicrosoft.com).", &[])],
    },
    Known {
        refines: false,
        id: "exchange-2007-interval",
        patterns: &[&["maximumqueryintervaldays"], &["exchange 2007", "62 days"]],
        cause: "Exchange 2013 asks for 62 days of free/busy; Exchange 2007 allows 42 by default.",
        confirm: &[],
        fixes: &[("Raise maximumQueryIntervalDays in the 2007 EWS web.config.", &[])],
    },
    Known {
        refines: false,
        id: "windows-live-tls",
        patterns: &[&["an error occurred accessing windows live"], &["underlying connection was closed"]],
        cause: "TLS 1.2 is not fully enabled for .NET on the Exchange server, so calls to the broker fail.",
        confirm: &["test-federationtrust.TokenRequest"],
        fixes: &[("Enable TLS 1.2 for .NET (SchUseStrongCrypto, SystemDefaultTlsVersions) and restart.", &[])],
    },
    Known {
        refines: false,
        id: "domain-in-another-relationship",
        patterns: &[&["already exist in another organization relationship"], &["DuplicateOrganizationRelationshipDomainException"]],
        cause: "The domain is already in another organization relationship.",
        confirm: &["relationship.duplicate-domain"],
        fixes: &[("Remove the domain from the other relationship (or remove a left-over relationship).", &["Get-OrganizationRelationship | fl Name,DomainNames"])],
    },
    Known {
        refines: false,
        id: "user-context-ambiguous",
        patterns: &[&["user specified by the user context in the token is ambiguous"], &["LID 43532"], &["43532"]],
        cause: "Duplicate UPN, SMTP or SIP addresses on-premises make the token's user ambiguous.",
        confirm: &[],
        fixes: &[("Find and remove the duplicate address.", &["Get-Recipient -ResultSize Unlimited | ? {$_.EmailAddresses -match '<address>'}"])],
    },
    Known {
        refines: false,
        id: "connection-forcibly-closed",
        patterns: &[&["an existing connection was forcibly closed by the remote host"]],
        cause: "A firewall blocks the partner's (or Exchange Online's) addresses; see ASAutoDiscover/CrossForest and ASProxy/CrossForest in the HttpProxy logs.",
        confirm: &["dns.autodiscover:<domain>"],
        fixes: &[("Allow the partner's addresses to the published CAS.", &[])],
    },
    Known {
        refines: false,
        id: "clock-skew",
        patterns: &[&["time", "5 minutes"], &["clock skew"], &["time skew"], &["clock", "more than 5 minutes"]],
        cause: "The server clock is more than 5 minutes off, so the broker's tokens are refused.",
        confirm: &["clock.skew", "test-federationtrust.TokenRequest"],
        fixes: &[("Synchronise the clock.", &["w32tm /resync /rediscover"])],
    },
    Known {
        refines: false,
        id: "relationship-targets-differ",
        patterns: &[&["ApplicationUrisDiffer"], &["AutodiscoverUrlsDiffer"]],
        cause: "The relationship's targets no longer match what the partner publishes.",
        confirm: &["relationship.target-mismatch:<name>"],
        fixes: &[("Update the relationship from the partner's federation information.", &["$fi = Get-FederationInformation -DomainName <domain>; Set-OrganizationRelationship <name> -TargetApplicationUri $fi.TargetApplicationUri -TargetAutodiscoverEpr $fi.TargetAutodiscoverEpr"])],
    },
    Known {
        refines: false,
        id: "windows-dns-record-exists",
        patterns: &[&["WIN32 9711"], &["failed to create resource record"]],
        cause: "Windows DNS Server already has this record, or another record at a name that gets a CNAME (a CNAME must be alone at its name).",
        confirm: &["dns.autodiscover:<domain>", "domain.proof:<domain>"],
        fixes: &[(
            "Look at what is there; remove the old record if it is wrong, then publish again.",
            &[
                "Get-DnsServerResourceRecord -ZoneName <zone> -Name <name>",
                "Remove-DnsServerResourceRecord -ZoneName <zone> -Name <name> -RRType CName -Force",
            ],
        )],
    },
    Known {
        refines: false,
        id: "windows-dns-zone-missing",
        patterns: &[&["WIN32 9601"], &["failed to get the zone information"]],
        cause: "The zone is not on that DNS server: a wrong zone in the plan's [dns] zones (or --zone), or the wrong server (-ComputerName).",
        confirm: &["domain.proof:<domain>"],
        fixes: &[(
            "List the zones the server holds and use the one that contains the record.",
            &["Get-DnsServerZone -ComputerName <server> | Where-Object { -not $_.IsReverseLookupZone }"],
        )],
    },
    Known {
        refines: false,
        id: "windows-dns-tools-missing",
        patterns: &[&["Fedshare NotAvailable"], &["is not available on this computer", "DNS Server Tools"]],
        cause: "The DnsServer module is not installed on the computer Fedshare runs on, so it cannot create records in Windows DNS.",
        confirm: &[],
        fixes: &[(
            "Install the DNS Server Tools, or publish the records by hand (mode = \"manual\").",
            &[
                "Add-WindowsCapability -Online -Name Rsat.Dns.Tools~~~~0.0.1.0",
                "Install-WindowsFeature RSAT-DNS-Server",
            ],
        )],
    },
    Known {
        refines: false,
        id: "mail-recipient-not-found",
        patterns: &[&["ErrorMailRecipientNotFound"], &["MailRecipientNotFoundException"], &["unable to resolve e mail address", "to an active directory object"], &["5009"]],
        cause: "Our Exchange found no organization relationship that allows free/busy for the target domain (availability code 5009), so the partner address is an unknown recipient.",
        confirm: &["relationship.dispatchable:<name>"],
        fixes: &[("Create or enable the organization relationship for the partner domain with free/busy on, then prove it with fedshare freebusy.", &["Set-OrganizationRelationship <name> -Enabled $true -FreeBusyAccessEnabled $true"])],
    },
    Known {
        refines: true,
        id: "relationship-not-dispatchable",
        patterns: &[&["InvalidOrganizationRelationshipForRequestDispatcherException"], &["organization relationship", "can t be used", "configured correctly"], &["52108"], &["5047"]],
        cause: "The organization relationship cannot be used for free/busy (availability code 5047): TargetApplicationUri, or both TargetAutodiscoverEpr and TargetSharingEpr, are missing or wrong.",
        confirm: &["relationship.dispatchable:<name>", "relationship.target-mismatch:<name>"],
        fixes: &[("Set the targets from the partner's federation information.", &["$fi = Get-FederationInformation -DomainName <domain>; Set-OrganizationRelationship <name> -TargetApplicationUri $fi.TargetApplicationUri -TargetAutodiscoverEpr $fi.TargetAutodiscoverEpr"])],
    },
    Known {
        refines: false,
        id: "requester-not-federated",
        patterns: &[&["ErrorUserWithoutFederatedProxyAddress"], &["does not have any smtp proxy addresses with one of the federated domains"]],
        cause: "The requesting mailbox has no SMTP address in a federated domain, so no delegation token can be requested for it.",
        confirm: &["domain.active:<domain>"],
        fixes: &[("Ask from a mailbox with an address in a federated domain, or add one to this mailbox.", &["Set-Mailbox <mailbox> -EmailAddresses @{add='smtp:<user>@<federated domain>'}"])],
    },
    Known {
        refines: false,
        id: "requester-not-provisioned",
        patterns: &[&["provision is needed before federated account can be logged in"], &["ErrorWin32InteropError"], &["5014"]],
        cause: "The trust broker has not provisioned the requester's identity (availability code 5014).",
        confirm: &["test-federationtrust.TokenRequest"],
        fixes: &[("Change the user's UPN and back so the broker provisions it; call Microsoft Support when many users are affected.", &["Test-FederationTrust -UserIdentity <mailbox>"])],
    },
    Known {
        refines: false,
        id: "cross-organization-proxy-refused",
        patterns: &[&["CrossOrganizationProxyNotAllowedForExternalOrganization"], &["the cross organization request for mailbox", "is not allowed"], &["39660"]],
        cause: "The partner's Autodiscover for that address points at another premises of a hybrid mesh, which refuses requests from outside its organization.",
        confirm: &["partner.autodiscover:<domain>"],
        fixes: &[("Query an address whose Autodiscover points where the mailbox is; the partner corrects Autodiscover for that domain.", &[])],
    },
    Known {
        refines: false,
        id: "proxy-request-not-allowed",
        patterns: &[&["ErrorProxyRequestNotAllowed"], &["5015"]],
        cause: "Another Client Access server refused an availability request proxied to it: a configuration or rights error between our servers.",
        confirm: &["vdir.ews-wssecurity"],
        fixes: &[("Check the availability address spaces and the EWS virtual directories' authentication on every server.", &["Get-AvailabilityAddressSpace | fl", "Get-WebServicesVirtualDirectory | fl Server,*Authentication*"])],
    },
    Known {
        refines: false,
        id: "availability-config-missing",
        patterns: &[&["ErrorAvailabilityConfigNotFound"], &["LocalForestConfigurationNotFound"], &["availability configuration information for the local forest is missing"], &["5024"]],
        cause: "The availability configuration of the local forest is missing from Active Directory (availability code 5024, event 4005).",
        confirm: &[],
        fixes: &[("Recreate the availability configuration and recycle the EWS application pool.", &["Get-AvailabilityConfig", "Set-AvailabilityConfig -OrgWideAccount <account>"])],
    },
    Known {
        refines: false,
        id: "availability-timeout",
        patterns: &[&["ErrorTimeoutExpired"], &["request could not be processed in time"], &["5027"]],
        cause: "A hop of the federated chain (the trust broker, the partner's Autodiscover or EWS) did not answer in time (availability code 5027).",
        confirm: &["clock.skew", "test-federationtrust.TokenRequest"],
        fixes: &[("Repeat the proof; test the token request and the server's Internet access as SYSTEM.", &["Test-FederationTrust -UserIdentity <mailbox>", "Get-ExchangeServer | fl Name,InternetWebProxy"])],
    },
    Known {
        refines: false,
        id: "event-availability-autodiscover",
        patterns: &[&["MSExchange Availability", "4001"], &["event", "4001"], &["AutoDiscoverFailed", "4001"]],
        cause: "Event 4001 (MSExchange Availability, AutoDiscoverFailed): our server could not discover the partner (no enabled relationship for the domain, a refused token, or the partner's Autodiscover failing). The event text names the exception; it is logged periodically, so its absence proves nothing.",
        confirm: &["relationship.dispatchable:<name>", "test-federationtrust.TokenRequest"],
        fixes: &[("Read the exception in the event and run the free/busy proof for that partner.", &["fedshare freebusy --from <user>@<our domain> --to <user>@<partner domain>"])],
    },
    Known {
        refines: false,
        id: "event-availability-proxy",
        patterns: &[&["MSExchange Availability", "4002"], &["event", "4002"], &["ProxyWebRequestFailed", "4002"]],
        cause: "Event 4002 (MSExchange Availability, ProxyWebRequestFailed): the request to the partner's EWS failed (the partner refused the token or WS-Security, pre-authentication, network). The exception in the event says which.",
        confirm: &["clock.skew", "trust.metadata-current"],
        fixes: &[("Read the exception in the event and run the free/busy proof; the partner checks WS-Security on its EWS virtual directory.", &["fedshare freebusy --from <user>@<our domain> --to <user>@<partner domain>"])],
    },
    Known {
        refines: false,
        id: "event-availability-other",
        patterns: &[
            &["MSExchange Availability", "4003"], &["MSExchange Availability", "4005"], &["MSExchange Availability", "4009"],
            &["MSExchange Availability", "4010"], &["MSExchange Availability", "4012"], &["MSExchange Availability", "4013"],
            &["MSExchange Availability", "4016"], &["MSExchange Availability", "4017"], &["MSExchange Availability", "4018"],
            &["MSExchange Availability", "4019"], &["MSExchange Availability", "4023"],
            &["WebRequestFailedSecurityChecks"], &["InvalidCredentialsForCrossForestProxying"], &["NoCASFoundForRequest"],
            &["DuplicateAvailabilityAddressSpace"], &["MailboxLogonFailed"], &["CalendarQueryFailed"],
        ],
        cause: "An MSExchange Availability event of our server: 4003 public folder request failed, 4005 local forest configuration missing, 4009 mailbox logon failed, 4010 a request failed security checks, 4012 invalid cross-forest credentials, 4013 calendar query failed, 4016 logon as Network Service failed, 4017 no Client Access server for the request, 4018 CAS discovery error handled, 4019 working hours failed, 4023 duplicate availability address space.",
        confirm: &[],
        fixes: &[("Read the event's exception; for a partner, run the free/busy proof to see the failure as Exchange decodes it.", &["Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='MSExchange Availability'} -MaxEvents 50"])],
    },
    Known {
        refines: false,
        id: "mismatched-sts",
        patterns: &[&["MismatchedSTS"], &["GetFederationInformationTokenIssuerDoesntMatchAny"], &["uri windowsliveid"]],
        cause: "The two organizations use different instances of the trust broker (business vs consumer).",
        confirm: &["trust.token-issuer", "partner.token-issuer:<domain>"],
        fixes: &[("The organization on the consumer instance re-creates its trust on the business instance.", &[])],
    },
];

/// Lower-case words separated by single spaces, padded with a space on each side so terms
/// match whole words only.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn term_matches(haystack: &str, term: &str) -> bool {
    haystack.contains(&normalize(term))
}

/// The known causes matching `text`, most specific (refinements, then longest match) first.
pub fn explain(text: &str) -> Vec<Explanation> {
    let haystack = normalize(text);
    let mut found: Vec<((bool, usize), Explanation)> = Vec::new();
    for k in KNOWN {
        let best = k
            .patterns
            .iter()
            .filter(|terms| terms.iter().all(|t| term_matches(&haystack, t)))
            .max_by_key(|terms| terms.iter().map(|t| t.len()).sum::<usize>());
        let Some(terms) = best else { continue };
        let weight = (k.refines, terms.iter().map(|t| t.len()).sum());
        found.push((
            weight,
            Explanation {
                id: k.id.to_owned(),
                cause: k.cause.to_owned(),
                confirm_with: k.confirm.iter().map(|c| (*c).to_owned()).collect(),
                fixes: k
                    .fixes
                    .iter()
                    .map(|(summary, commands)| Fix {
                        summary: (*summary).to_owned(),
                        commands: commands.iter().map(|c| (*c).to_owned()).collect(),
                    })
                    .collect(),
                matched: terms.join(" … "),
            },
        ));
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, e)| e).collect()
}

/// Every cause id the explainer knows.
pub fn known_causes() -> Vec<&'static str> {
    KNOWN.iter().map(|k| k.id).collect()
}
