//! Exchange's availability failures turned into a cause and a fix.
//!
//! Keyed on `ExceptionCode` (the `ErrorConstants` value) and `ExceptionType` first, then
//! `ResponseCode`, then the documented message texts that tell one cause of a code from
//! another (operations-after-setup §5.4). The confirmed pairs from captures are
//! ErrorNoFreeBusyAccess/5037, ErrorProxyRequestProcessingFailed/5016 and
//! ErrorMailRecipientNotFound/5009 (also for the inner 5047); the rest follow the exception
//! names.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AvailabilityError;

/// Exchange's availability `ErrorConstants` codes and their names.
pub const EXCEPTION_CODES: &[(u32, &str)] = &[
    (5003, "TimeIntervalTooBig"),
    (5006, "ResultSetTooBig"),
    (5009, "MailRecipientNotFound"),
    (5014, "Win32InteropError"),
    (5015, "ProxyRequestNotAllowed"),
    (5016, "ProxyRequestProcessingFailed"),
    (5021, "ServiceDiscoveryFailed"),
    (5023, "AddressSpaceNotFound"),
    (5024, "AvailabilityConfigNotFound"),
    (5025, "InvalidCrossForestCredentials"),
    (5027, "TimeoutExpired"),
    (5035, "InvalidSmtpAddress"),
    (5036, "IndividualMailboxLimitReached"),
    (5037, "NoFreeBusyAccess"),
    (5039, "AutoDiscoverFailed"),
    (5047, "InvalidOrganizationRelationshipForFreeBusy"),
];

pub fn exception_name(code: u32) -> Option<&'static str> {
    EXCEPTION_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// Where in the chain it broke: our Exchange, the trust broker (the delegation token), the
/// partner's Exchange, or the network between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Side {
    Local,
    Broker,
    Partner,
    Network,
    Unknown,
}

/// A decoded failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Diagnosis {
    /// A stable id for the cause (`freebusy.no_access` ...), also an explainer key.
    pub id: String,
    /// Exchange's own code (`ExceptionCode`), when it sent one.
    pub exchange_code: Option<u32>,
    /// `ResponseCode` as Exchange sent it.
    pub response_code: String,
    pub side: Side,
    pub cause: String,
    pub fix: String,
    /// The `MSExchange Availability` event to look for on our server, when one is logged.
    pub event_id: Option<u32>,
}

struct Rule {
    id: &'static str,
    side: Side,
    cause: &'static str,
    fix: &'static str,
    event_id: Option<u32>,
}

const fn rule(
    id: &'static str,
    side: Side,
    cause: &'static str,
    fix: &'static str,
    event_id: Option<u32>,
) -> Rule {
    Rule {
        id,
        side,
        cause,
        fix,
        event_id,
    }
}

/// The cause and fix of one mailbox's error.
pub fn diagnose(error: &AvailabilityError) -> Diagnosis {
    let rule = pick(error);
    Diagnosis {
        id: rule.id.to_owned(),
        exchange_code: error.exception_code,
        response_code: error.response_code.clone(),
        side: rule.side,
        cause: rule.cause.to_owned(),
        fix: rule.fix.to_owned(),
        event_id: rule.event_id,
    }
}

fn pick(e: &AvailabilityError) -> Rule {
    let text = e.message_text.to_ascii_lowercase();
    let has = |needle: &str| text.contains(needle);
    let kind = e.exception_type.as_deref().unwrap_or_default();
    let code = e
        .exception_code
        .or_else(|| code_of_response(&e.response_code));
    if kind.contains("InvalidOrganizationRelationshipForRequestDispatcher")
        || code == Some(5047)
        || has("can't be used. please confirm that the organization relationship")
    {
        return rule(
            "freebusy.relationship_invalid",
            Side::Local,
            "Our organization relationship for this domain cannot be used for free/busy: its TargetApplicationUri, or both TargetAutodiscoverEpr and TargetSharingEpr, are missing or wrong.",
            "Read the partner again with Get-FederationInformation (fedshare partner info DOMAIN) and set TargetApplicationUri and TargetAutodiscoverEpr with Set-OrganizationRelationship.",
            None,
        );
    }
    if e.response_code == "ErrorUserWithoutFederatedProxyAddress" {
        return rule(
            "freebusy.requester_not_federated",
            Side::Local,
            "The requesting mailbox has no SMTP address in one of our federated domains, so no delegation token can be asked for it.",
            "Run the proof from a mailbox whose address is in a federated domain, or add such an address to this one.",
            None,
        );
    }
    if e.response_code == "ErrorImpersonateUserDenied" {
        return rule(
            "freebusy.impersonation_denied",
            Side::Local,
            "The signed-in account may not ask on behalf of the --from mailbox (EWS impersonation needs the ApplicationImpersonation role).",
            "Sign in as the --from mailbox itself (store its credential), or grant the account ApplicationImpersonation for the proof.",
            None,
        );
    }
    if has("cross-organization request for mailbox") {
        return rule(
            "freebusy.cross_organization_mesh",
            Side::Partner,
            "The partner's Autodiscover for this address points at another organization's premises (a hybrid mesh), which refuses requests from outside its organization.",
            "Query an address whose Autodiscover points to where the mailbox really is, or ask the partner to correct its Autodiscover for that domain.",
            None,
        );
    }
    match code {
        Some(5037) => rule(
            "freebusy.no_access",
            Side::Partner,
            "The partner's Exchange refused to share free/busy with us: our domain is not in the DomainNames of its organization relationship (or free/busy is off there), or the target calendar's Default permission is None.",
            "Ask the partner to add our domain to their organization relationship with FreeBusyAccessEnabled $true (the partner kit says how), or to set Set-MailboxFolderPermission <mailbox>:\\Calendar -User Default -AccessRights AvailabilityOnly.",
            None,
        ),
        Some(5039) => autodiscover_failed(&has),
        Some(5009) => rule(
            "freebusy.no_relationship",
            Side::Local,
            "Our Exchange found no organization relationship that allows free/busy for this domain, so it treated the address as an unknown recipient.",
            "Create or enable the organization relationship for the partner domain with FreeBusyAccessEnabled $true.",
            None,
        ),
        Some(5016) => proxy_failed(&has),
        Some(5027) => rule(
            "freebusy.timeout",
            Side::Network,
            "A hop in the chain (the trust broker, the partner's Autodiscover or EWS) did not answer in time.",
            "Repeat the proof; if it persists, check that the Exchange server (as SYSTEM, through its proxy) reaches login.microsoftonline.com and the partner's endpoints.",
            Some(4002),
        ),
        Some(5014) => rule(
            "freebusy.requester_not_provisioned",
            Side::Broker,
            "The trust broker has not provisioned the requesting identity (\"Provision is needed before federated account can be logged in\").",
            "Change the mailbox's UPN and back so the broker provisions it; call Microsoft Support if many users are affected.",
            None,
        ),
        Some(5015) => rule(
            "freebusy.proxy_not_allowed",
            Side::Local,
            "Another Client Access server refused the availability request proxied to it (a configuration or rights error between our servers).",
            "Check the availability configuration between sites and forests (Get-AvailabilityAddressSpace) and the servers' EWS authentication.",
            Some(4010),
        ),
        Some(5024) => rule(
            "freebusy.availability_config_missing",
            Side::Local,
            "The availability configuration of our forest is missing from Active Directory (event 4005 LocalForestConfigurationNotFound).",
            "Recreate the availability configuration (Set-AvailabilityConfig) and restart the availability service's application pool.",
            Some(4005),
        ),
        Some(5003) => rule(
            "freebusy.window_too_big",
            Side::Local,
            "The requested time window is longer than the server allows (42 days by default).",
            "Ask for a shorter window; the proof asks for one day.",
            None,
        ),
        Some(5006) => rule(
            "freebusy.too_many_entries",
            Side::Partner,
            "The calendar has more than 1,000 entries in the window.",
            "Ask for a shorter window or another mailbox.",
            None,
        ),
        Some(5021) => rule(
            "freebusy.service_discovery_failed",
            Side::Local,
            "Our Exchange found no Client Access server to serve the target mailbox.",
            "Check our servers' EWS virtual directories and their InternalUrl/ExternalUrl.",
            Some(4017),
        ),
        Some(5023) => rule(
            "freebusy.address_space_not_found",
            Side::Local,
            "No availability address space or organization relationship covers the target domain.",
            "Add the domain to the organization relationship's DomainNames.",
            None,
        ),
        Some(5025) => rule(
            "freebusy.cross_forest_credentials",
            Side::Local,
            "The credentials of a cross-forest availability address space are wrong.",
            "Correct them with Add-AvailabilityAddressSpace -Credentials (federated partners use the organization relationship instead).",
            Some(4012),
        ),
        Some(5035) => rule(
            "freebusy.invalid_address",
            Side::Local,
            "The target address is not a valid SMTP address.",
            "Check the --to address.",
            None,
        ),
        Some(5036) => rule(
            "freebusy.mailbox_limit",
            Side::Local,
            "Too many mailboxes were asked for in one request (100 at most).",
            "Ask for fewer mailboxes at a time.",
            None,
        ),
        _ => rule(
            "freebusy.unknown",
            Side::Unknown,
            "Exchange refused the request with an error this version of Fedshare does not decode.",
            "Read Exchange's message and code below, and the MSExchange Availability events (4001, 4002) on our server.",
            None,
        ),
    }
}

fn autodiscover_failed(has: &dyn Fn(&str) -> bool) -> Rule {
    if has("could not be found in active directory") {
        return rule(
            "freebusy.no_enabled_relationship",
            Side::Local,
            "Our Exchange has no enabled organization relationship with free/busy for the target domain (\"Configuration information for forest/domain ... could not be found in Active Directory\").",
            "Add the domain to the relationship's DomainNames and make sure the relationship is Enabled with FreeBusyAccessEnabled $true (Set-OrganizationRelationship).",
            Some(4001),
        );
    }
    if has("soap fault") || has("extsts") || has("token") || has("wstrust") {
        return rule(
            "freebusy.token_refused",
            Side::Broker,
            "The trust broker (Microsoft Federation Gateway) refused our delegation token request, so nothing could be sent to the partner: typically an expired or unpublished federation certificate, or a stale trust.",
            "Run Test-FederationTrust -UserIdentity <mailbox>; check the federation certificate's dates (fedshare verify), renew or rebuild it, then Set-FederationTrust -RefreshMetadata.",
            Some(4001),
        );
    }
    if has("401") {
        return rule(
            "freebusy.partner_autodiscover_preauth",
            Side::Partner,
            "The partner's Autodiscover answered 401: a reverse proxy or firewall pre-authenticates /autodiscover/autodiscover.svc/WSSecurity.",
            "Ask the partner to pass /autodiscover/autodiscover.svc/WSSecurity through without pre-authentication.",
            Some(4001),
        );
    }
    if has("verifying security") {
        return rule(
            "freebusy.partner_autodiscover_wssecurity",
            Side::Partner,
            "The partner's Autodiscover refused our token: WS-Security is off on its Autodiscover virtual directory, or its trust or clock is off.",
            "Ask the partner to enable WSSecurityAuthentication on the Autodiscover virtual directory (iisreset after) and to refresh its federation metadata twice.",
            Some(4001),
        );
    }
    rule(
        "freebusy.partner_autodiscover_failed",
        Side::Partner,
        "Our Exchange could not read the partner's Autodiscover (wrong TargetAutodiscoverEpr, DNS, or the service is down).",
        "Check the relationship's TargetAutodiscoverEpr against fedshare partner info, the partner's DNS, or set TargetSharingEpr to the partner's EWS URL.",
        Some(4001),
    )
}

fn proxy_failed(has: &dyn Fn(&str) -> bool) -> Rule {
    if has("processing the security tokens") {
        return rule(
            "freebusy.partner_rejected_token",
            Side::Partner,
            "The partner's Exchange could not validate our token: its copy of the trust broker's metadata or certificates is out of date.",
            "Ask the partner to run Get-FederationTrust | Set-FederationTrust -RefreshMetadata twice and check its certificates; do the same here if our side changed.",
            Some(4002),
        );
    }
    if has("verifying security for the message") {
        return rule(
            "freebusy.partner_security_check_failed",
            Side::Partner,
            "The partner's EWS refused the message's security: WS-Security is off or needs a reset on its EWS virtual directory, a certificate was just renewed, or the two servers' clocks are more than 5 minutes apart.",
            "Compare both servers' clocks with a time source; ask the partner to toggle WSSecurityAuthentication on its EWS virtual directory (iisreset after) and refresh its metadata twice.",
            Some(4002),
        );
    }
    if has("ambiguous") {
        return rule(
            "freebusy.partner_ambiguous_user",
            Side::Partner,
            "The partner has more than one object with our requester's address (duplicate UPN, SMTP or SIP).",
            "Ask the partner to remove the duplicate.",
            Some(4002),
        );
    }
    if has("401") {
        return rule(
            "freebusy.partner_ews_preauth",
            Side::Partner,
            "The partner's EWS answered 401: WS-Security authentication is off on its EWS virtual directory, or a reverse proxy pre-authenticates /EWS/Exchange.asmx/WSSecurity.",
            "Ask the partner to enable WSSecurityAuthentication on its EWS virtual directory and to pass /EWS/Exchange.asmx/WSSecurity through without pre-authentication.",
            Some(4002),
        );
    }
    if has("login.microsoftonline.com") || has("extsts") {
        return rule(
            "freebusy.broker_unreachable",
            Side::Network,
            "Our Exchange server could not reach the trust broker (login.microsoftonline.com) to get a token.",
            "Set the server's proxy with Set-ExchangeServer -InternetWebProxy, and test the connection as SYSTEM.",
            Some(4002),
        );
    }
    if has("unable to connect")
        || has("forcibly closed")
        || has("not well-formed")
        || has("object moved")
        || has("503")
    {
        return rule(
            "freebusy.partner_unreachable",
            Side::Network,
            "Our Exchange could not get a usable answer from the partner's EWS: a firewall, a device in the path, a wrong TargetSharingEpr, or the partner's service is down.",
            "Check that our server reaches the partner's /EWS/Exchange.asmx/WSSecurity on 443 and that TargetSharingEpr (when set) is right.",
            Some(4002),
        );
    }
    rule(
        "freebusy.proxy_failed",
        Side::Partner,
        "The request to the partner's EWS failed.",
        "Read the inner exception in Exchange's message; event 4002 on our server has the detail.",
        Some(4002),
    )
}

/// The code Exchange pairs with a `ResponseCode`, for answers without `MessageXml`.
fn code_of_response(response_code: &str) -> Option<u32> {
    let name = response_code.strip_prefix("Error")?;
    EXCEPTION_CODES
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: Option<u32>, response: &str, text: &str) -> AvailabilityError {
        AvailabilityError {
            response_code: response.into(),
            message_text: text.into(),
            exception_type: None,
            exception_code: code,
            exception_server_name: Some("EX01".into()),
            response_source: None,
        }
    }

    fn id(code: Option<u32>, response: &str, text: &str) -> String {
        diagnose(&error(code, response, text)).id
    }

    #[test]
    fn each_documented_code_has_its_own_cause() {
        assert_eq!(
            id(
                Some(5037),
                "ErrorNoFreeBusyAccess",
                "The caller does not have access to free/busy data."
            ),
            "freebusy.no_access"
        );
        assert_eq!(
            id(
                Some(5009),
                "ErrorMailRecipientNotFound",
                "Unable to resolve e-mail address x to an Active Directory object."
            ),
            "freebusy.no_relationship"
        );
        assert_eq!(
            id(Some(5047), "ErrorMailRecipientNotFound", ""),
            "freebusy.relationship_invalid"
        );
        assert_eq!(
            id(
                Some(5027),
                "ErrorTimeoutExpired",
                "Request could not be processed in time."
            ),
            "freebusy.timeout"
        );
        assert_eq!(
            id(
                Some(5014),
                "ErrorWin32InteropError",
                "Provision is needed before federated account can be logged in."
            ),
            "freebusy.requester_not_provisioned"
        );
        assert_eq!(
            id(Some(5024), "ErrorAvailabilityConfigNotFound", ""),
            "freebusy.availability_config_missing"
        );
        assert_eq!(
            id(Some(5015), "ErrorProxyRequestNotAllowed", ""),
            "freebusy.proxy_not_allowed"
        );
        for (code, _) in EXCEPTION_CODES {
            let d = diagnose(&error(Some(*code), "", ""));
            assert_ne!(
                d.id, "freebusy.unknown",
                "{code} is documented and must decode"
            );
            assert_eq!(d.exchange_code, Some(*code));
        }
        assert_eq!(id(Some(4999), "ErrorSomethingNew", ""), "freebusy.unknown");
    }

    #[test]
    fn the_message_tells_one_cause_of_a_code_from_another() {
        assert_eq!(id(Some(5039), "ErrorAutoDiscoverFailed", "Configuration information for forest/domain fabrikam.com could not be found in Active Directory."), "freebusy.no_enabled_relationship");
        assert_eq!(id(Some(5039), "ErrorAutoDiscoverFailed", "Autodiscover failed for email address a@b.com with error Microsoft.Exchange.Net.WSTrust.SoapFaultException: Soap fault exception received."), "freebusy.token_refused");
        assert_eq!(
            id(
                Some(5039),
                "ErrorAutoDiscoverFailed",
                "The request failed with HTTP status code 404 Not Found."
            ),
            "freebusy.partner_autodiscover_failed"
        );
        assert_eq!(id(Some(5016), "ErrorProxyRequestProcessingFailed", "Proxy web request failed. , inner exception: An error occurred when processing the security tokens in the message."), "freebusy.partner_rejected_token");
        assert_eq!(id(Some(5016), "ErrorProxyRequestProcessingFailed", "Proxy web request failed. Inner exception: An error occurred when verifying security for the message."), "freebusy.partner_security_check_failed");
        assert_eq!(id(Some(5016), "ErrorProxyRequestProcessingFailed", "Proxy web request failed. ,inner exception: The request failed with HTTP status 401: Unauthorized."), "freebusy.partner_ews_preauth");
        assert_eq!(id(Some(5016), "ErrorProxyRequestProcessingFailed", "... 401 ... reason=\"The user specified by the user-context in the token is ambiguous.\""), "freebusy.partner_ambiguous_user");
        assert_eq!(id(Some(5016), "ErrorProxyRequestProcessingFailed", "Proxy web request failed. , inner exception: System.Net.WebException: Unable to connect to the remote server"), "freebusy.partner_unreachable");
        assert_eq!(
            id(None, "ErrorUserWithoutFederatedProxyAddress", ""),
            "freebusy.requester_not_federated"
        );
        assert_eq!(
            id(None, "ErrorNoFreeBusyAccess", ""),
            "freebusy.no_access",
            "ResponseCode alone still decodes"
        );
        let inner = AvailabilityError {
            exception_type: Some("Microsoft.Exchange.InfoWorker.Common.Availability.InvalidOrganizationRelationshipForRequestDispatcherException".into()),
            ..error(None, "ErrorMailRecipientNotFound", "")
        };
        assert_eq!(diagnose(&inner).id, "freebusy.relationship_invalid");
    }
}
