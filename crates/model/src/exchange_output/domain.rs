//! Federated domains as Exchange's output carries them.

use crate::state::FederatedDomainState;

/// A `FederatedDomain`'s text form, `FederatedDomain.ToString()`: `"contoso.com=Active"` with
/// `-IncludeExtendedDomainInfo` (`Domain + "=" + State`), `"contoso.com"` without, when the
/// state is not known. A state name Exchange may add later also reads as unknown.
pub fn federated_domain_text(text: &str) -> (String, FederatedDomainState) {
    let Some((domain, state)) = text.split_once('=') else {
        return (text.trim().to_owned(), FederatedDomainState::Unknown);
    };
    let state = match state.trim() {
        "PendingActivation" => FederatedDomainState::PendingActivation,
        "Active" => FederatedDomainState::Active,
        "PendingRelease" => FederatedDomainState::PendingRelease,
        _ => FederatedDomainState::Unknown,
    };
    (domain.trim().to_owned(), state)
}
