//! The invocations the lab tests build again and again, shared by the integration tests
//! (`tests/common`) and the cmdlet unit tests (`src/cmdlets/testkit.rs` includes this file),
//! so both drive the lab with the same federation certificate, trust and OrgID parameters.

use fedshare_exchange::{Invocation, ParamValue};

pub const TRUST: &str = "Azure AD Authentication";

/// `New-ExchangeCertificate` as the federation wizard runs it.
pub fn certificate() -> Invocation {
    Invocation::new("New-ExchangeCertificate")
        .string("FriendlyName", "Exchange Delegation Federation")
        .list("DomainName", vec!["Federation".into()])
        .enumeration("Services", "Federation")
        .param("KeySize", ParamValue::Int(2048))
        .bool("PrivateKeyExportable", true)
        .string("SubjectKeyIdentifier", "6d5c4b3a29184f7e8d6c5b4a39281706")
}

pub fn trust(thumbprint: &str) -> Invocation {
    Invocation::new("New-FederationTrust")
        .string("Name", TRUST)
        .string("Thumbprint", thumbprint)
}

pub fn proof(domain: &str) -> Invocation {
    Invocation::new("Get-FederatedDomainProof").string("DomainName", domain)
}

pub fn set_orgid(domain: &str) -> Invocation {
    Invocation::new("Set-FederatedOrganizationIdentifier")
        .string("DelegationFederationTrust", TRUST)
        .string("AccountNamespace", domain)
        .bool("Enabled", true)
}

/// The proof values of `Get-FederatedDomainProof` output.
pub fn proofs(output: &[serde_json::Value]) -> Vec<String> {
    output
        .iter()
        .map(|o| o["Proof"].as_str().expect("Proof").to_owned())
        .collect()
}
