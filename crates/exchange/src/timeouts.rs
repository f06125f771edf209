//! How long each cmdlet may run before the host is considered hung: above Exchange's own
//! worst case for the cmdlets that reach out from the server, the session's default for the
//! rest. Too short a limit kills a host whose command would have finished, and a change
//! stopped that way may still complete on the server.

use std::time::Duration;

use crate::Invocation;

/// Exchange's Autodiscover client gives each discovery request 30 s
/// (`AutodiscoverClient`: `binding.Timeout = 30000`).
const DISCOVERY_REQUEST: Duration = Duration::from_secs(30);
/// Discovery tries four URLs per domain (autodiscover.<domain>, <domain>, and the HTTP
/// redirect of each).
const DISCOVERY_URLS: u32 = 4;
/// `Get-FederationInformation` discovers each additional domain the partner returns again
/// (`GetValidatedAdditionalDomains`); room for this many besides the requested one.
const ADDITIONAL_DOMAINS: u32 = 7;
/// A call to the trust broker (metadata download, token request, domain provisioning):
/// .NET's default web request timeout of 100 s.
const BROKER_CALL: Duration = Duration::from_secs(100);
/// Time for the remote session itself around the work (serialization, the round trip).
const MARGIN: Duration = Duration::from_secs(60);

/// One domain's discovery at its worst: every URL waits out its timeout.
fn discovery() -> Duration {
    DISCOVERY_REQUEST * DISCOVERY_URLS
}

/// The limit for `invocation`: the longer of `default` and the cmdlet's own worst case.
pub fn limit(invocation: &Invocation, default: Duration) -> Duration {
    worst_case(invocation).map_or(default, |w| w.max(default))
}

/// Exchange's worst case for the cmdlets that wait on other servers.
pub fn worst_case(invocation: &Invocation) -> Option<Duration> {
    let cmdlet = invocation.cmdlet.as_str();
    let switch = |name: &str| {
        invocation.params.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case(name) && !matches!(v, crate::ParamValue::Switch(false))
        })
    };
    let w = match cmdlet {
        "Get-FederationInformation" if switch("BypassAdditionalDomainValidation") => discovery(),
        "Get-FederationInformation" => discovery() * (1 + ADDITIONAL_DOMAINS),
        // Discovery of the partner, then a delegation token and the partner's free/busy.
        "Test-OrganizationRelationship" => discovery() + BROKER_CALL * 2,
        // The broker's metadata, then a delegation token requested and validated.
        "Test-FederationTrust" => BROKER_CALL * 3,
        // The broker's metadata is downloaded (New-, Set- -RefreshMetadata).
        "New-FederationTrust" | "Set-FederationTrust" => BROKER_CALL,
        // Domain provisioning with the broker (ManageDelegation2): the proof check and the
        // namespace, per domain.
        "Set-FederatedOrganizationIdentifier"
        | "Add-FederatedDomain"
        | "Remove-FederatedDomain" => BROKER_CALL * 2,
        // Every federated domain's state asked of the broker.
        "Get-FederatedOrganizationIdentifier" if switch("IncludeExtendedDomainInfo") => {
            BROKER_CALL * 2
        }
        // Reads the certificate on every server of the organization.
        "Test-FederationTrustCertificate" => BROKER_CALL * 2,
        _ => return None,
    };
    Some(w + MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Duration = Duration::from_secs(120);

    #[test]
    fn discovery_gets_four_urls_at_thirty_seconds_per_domain_and_more_for_extra_domains() {
        let gfi = Invocation::new("Get-FederationInformation").string("DomainName", "fabrikam.com");
        // 4 × 30 s for the domain and for each of 7 further domains, plus the margin.
        assert_eq!(limit(&gfi, DEFAULT), Duration::from_secs(4 * 30 * 8 + 60));
        let bypass = gfi.clone().switch("BypassAdditionalDomainValidation");
        assert_eq!(limit(&bypass, DEFAULT), Duration::from_secs(180));
        let test = Invocation::new("Test-OrganizationRelationship").string("Identity", "F");
        assert!(limit(&test, DEFAULT) > Duration::from_secs(4 * 30));
    }

    #[test]
    fn other_cmdlets_keep_the_default_and_no_limit_drops_below_it() {
        assert_eq!(
            limit(&Invocation::new("Get-AcceptedDomain"), DEFAULT),
            DEFAULT
        );
        let plain = Invocation::new("Get-FederatedOrganizationIdentifier");
        assert_eq!(limit(&plain, DEFAULT), DEFAULT);
        let extended = plain.switch("IncludeExtendedDomainInfo");
        assert!(limit(&extended, DEFAULT) > DEFAULT);
        let long = Duration::from_secs(3600);
        let gfi = Invocation::new("Get-FederationInformation").string("DomainName", "x.com");
        assert_eq!(limit(&gfi, long), long);
    }
}
