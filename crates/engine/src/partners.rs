//! Partner discovery for both front ends: what a partner's Autodiscover publishes
//! (GetFederationInformation, in the order of URLs Exchange uses), before a relationship to it
//! is created or to compare with one that exists.

use fedshare_dns::{Discoverer, PartnerDiscovery};

use crate::network::{Network, NetworkChoice};
use crate::{EngineError, Session};

/// Runs discovery for `domain` in the session's world (see [`Network::of_session`]). A failed
/// discovery is a result, not an error: its attempts say where it stopped.
pub async fn discover(
    session: &Session,
    domain: &str,
    choice: &NetworkChoice,
) -> Result<PartnerDiscovery, EngineError> {
    let network = Network::of_session(session, choice.clone()).await?;
    discover_in(&network, domain).await
}

/// Runs discovery for `domain` in the world of `network`, which needs no Exchange shell.
pub async fn discover_in(network: &Network, domain: &str) -> Result<PartnerDiscovery, EngineError> {
    let domain = normalise(domain)?;
    let opts = network.discovery_options()?;
    Ok(Discoverer::new(opts)?.discover(&domain).await)
}

/// The domain as a DNS name, or an error: the text becomes part of URLs and a SOAP body, so
/// anything but letters, digits, '-' and dots between non-empty labels is refused here.
pub fn normalise(domain: &str) -> Result<String, EngineError> {
    let name = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if name.len() > 253 || !name.contains('.') || !name.split('.').all(label_ok) {
        return Err(EngineError::PartnerDomain(domain.trim().to_owned()));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_domain_names_in_any_case() {
        assert_eq!(normalise(" Fabrikam.Test. ").unwrap(), "fabrikam.test");
        assert_eq!(
            normalise("eu-1.fabrikam.test").unwrap(),
            "eu-1.fabrikam.test"
        );
    }

    #[test]
    fn refuses_text_that_is_not_a_domain() {
        for bad in [
            "",
            "fabrikam",
            "fabrikam..test",
            "fab/rikam.test",
            "a.test/../x",
            "-a.test",
            "a b.test",
            "x.test?q=1",
            "<a>.test",
        ] {
            assert!(
                matches!(normalise(bad), Err(EngineError::PartnerDomain(_))),
                "{bad:?} accepted"
            );
        }
    }
}
