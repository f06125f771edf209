//! The trust broker (the Microsoft Federation Gateway) as the lab plays it: its token-signing
//! certificate and the federation metadata document it publishes at the trust's
//! `TokenIssuerMetadataEpr`. A trust keeps copies of the signing certificates
//! (`TokenIssuerCertificate`, `TokenIssuerPrevCertificate`) from its last metadata download;
//! when the broker signs with a certificate the trust does not have, its metadata is stale
//! (Test-FederationTrust's `FederationMetadata` error) until `Set-FederationTrust
//! -RefreshMetadata` downloads it again.

use base64::Engine as _;
use sha1::{Digest, Sha1};

use crate::breaks::Break;
use crate::world::{Trust, World};

/// Where the business instance publishes its metadata (TokenIssuerMetadataEpr).
pub const METADATA_URL: &str =
    "https://nexus.microsoftonline-p.com/FederationMetadata/2006-12/FederationMetadata.xml";
pub const METADATA_HOST: &str = "nexus.microsoftonline-p.com";

/// One token-signing certificate of the broker (self-signed RSA 2048, made for the lab).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningCertificate {
    /// The DER, base64, in pieces (as the metadata's `X509Certificate` carries it).
    der_b64: &'static [&'static str],
    pub subject: &'static str,
    pub not_before: &'static str,
    pub not_after: &'static str,
    pub serial_number: &'static str,
}

impl SigningCertificate {
    pub fn der_base64(&self) -> String {
        self.der_b64.concat()
    }

    /// SHA-1 of the DER, upper-case hex: the thumbprint Exchange shows.
    pub fn thumbprint(&self) -> String {
        let der = base64::engine::general_purpose::STANDARD
            .decode(self.der_base64())
            .unwrap_or_default();
        Sha1::digest(der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}

/// The certificate the broker signs with in a fresh lab.
pub const ORIGINAL: SigningCertificate = SigningCertificate {
    der_b64: &[
    "MIIDKTCCAhGgAwIBAgICEJMwDQYJKoZIhvcNAQELBQAwLTErMCkGA1UEAwwidG9rZW5zaWduaW5nLm1pY3Jvc29mdG",
    "9ubGluZS1wLmNvbTAeFw0yNjEyMDQxNTM2MjhaFw00NjExMjkxNTM2MjhaMC0xKzApBgNVBAMMInRva2Vuc2lnbmlu",
    "Zy5taWNyb3NvZnRvbmxpbmUtcC5jb20wggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDJw9Wx64i8k9Pj1C",
    "0IX3sO3Cb9bXL8yWlXdwxDc8idN4sZ+zU72SAThQTOJW05COYjAy0/h4SGblYWTm2ehXfjlrLfYA1Me4XsVU3p06VG",
    "7vgazs10+ojinXqhIgqrkK7aE8mE7+vIRE7cgbiuNkewIsd4aNKsSTjqLDYfxcSuOe6YbBAbY3zxZAcWdSVp7NE1QH",
    "sTFx0apEeDvdSkb+VKjMngBj8c2LhlWlzV48nPGdBzlwTjErJW3a6ONWjpEOTVilt9p1bq3BL/2MwY6CNZcIINr1pk",
    "9wE2/LCJtbCZq9ItnU/IceWuxkwaHMOSEF9e4junmmyZGsL/F9DyVYplAgMBAAGjUzBRMB0GA1UdDgQWBBQfCNqPw4",
    "5K5/os5l7x1BP2WLrGfzAfBgNVHSMEGDAWgBQfCNqPw45K5/os5l7x1BP2WLrGfzAPBgNVHRMBAf8EBTADAQH/MA0G",
    "CSqGSIb3DQEBCwUAA4IBAQBHSL2n040m5FqO67WAPyIJG9R3KBUYIcu9jMgzTfXM+16ag0dzXDec+GRtDryV1rLRMG",
    "S5Ec+CBWWrz6lvo028ckO5DqeFEkLh75+oZAyK95zf8BU0OseG7vz6Zb6rQve//wK8XoVmGgO8IdEs2zYC7TxShtlv",
    "hd5mlHOT+a/Ih7/1+QVOzPwXDzqimJT5c5Jg/Dht4LvQfIuDFMFvnfJcXl97D+QFokxVNFGp9NV1IHuckrKT6+g8+z",
    "KKiPdi0oRXj9v6kkS707GnSR8HBLSEb2qP2at1DJPx8otFrYMKY9qTK5dxEWzKFuNBIkle9c1035UdeidEjJ77fQie",
    "njYT",
    ],
    subject: "CN=tokensigning.microsoftonline-p.com",
    not_before: "2026-12-04T15:36:28Z",
    not_after: "2046-11-29T15:36:28Z",
    serial_number: "1093",
};

/// The certificate the broker has rolled over to under the `metadata-stale` break.
pub const ROTATED: SigningCertificate = SigningCertificate {
    der_b64: &[
    "MIIDKTCCAhGgAwIBAgICEJQwDQYJKoZIhvcNAQELBQAwLTErMCkGA1UEAwwidG9rZW5zaWduaW5nLm1pY3Jvc29mdG",
    "9ubGluZS1wLmNvbTAeFw0yNjEyMDQxNTM2MjhaFw00NjExMjkxNTM2MjhaMC0xKzApBgNVBAMMInRva2Vuc2lnbmlu",
    "Zy5taWNyb3NvZnRvbmxpbmUtcC5jb20wggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDywk3G8PsSP82Yqy",
    "Zr17WNSCZ8uNIDIs6djOO7aEAVHKwwQ/9KHjbLtSJbid6NaD+t5F6ek534JKeR9i16Nta1150+o2NUPez3ACslDwRW",
    "EKmKn68LrUqtbUznjcLHtmNoQD7S9tpBVgYJ4If3UuF5phhBqsTK1e6SaGtq2Yr8R2A6rnXBnZixPKcQtAKvhnvKB1",
    "u4Zok549fsWyg8Kq7vpApxuTQZAUXDDI+7tzDJewKP993oCpKq/TALuTwBO4TMRyh6Nt6WRCpxwsBmY0TT347xzZzW",
    "5vY8uOtXhzwTzhysOTiZoTGwj8VDpLUhCge5orD8HpcM1agO6Cetoom7AgMBAAGjUzBRMB0GA1UdDgQWBBR3iH8ApB",
    "8/3/5FJQugXkk4KDSxiTAfBgNVHSMEGDAWgBR3iH8ApB8/3/5FJQugXkk4KDSxiTAPBgNVHRMBAf8EBTADAQH/MA0G",
    "CSqGSIb3DQEBCwUAA4IBAQAuIXgwMRhZDIW7axhEZ+eIeLLeqc78cHhZK/kT00fSy8aER2YwOhmC77eGkeI6Zv4dCY",
    "BoK8pFYdz6jHm6SQxNSfWGSVdM1aXdahWPV3Cn/8TfzX6auO2P2O+EzSlm6xuVyJBc7fhE6w6I2xCD5vk0lt9rPoH4",
    "q+WsMwj6cPNQK4AKLbv4tnNVsvhUOcOndk3YVEDmTE1h4FdcilvSmJsozERha6QgsEYzqF9mgesEpHOwoi4TlRgA8m",
    "g9PwVyO5IFeprelDg5n/uoxD9NVlnQMAltBOFlvNnwuKFyc3jn44qRpaOQqu1DqQCU1ZRd/0RnxHWbsBlrCWg+0Zb/",
    "iPTo",
    ],
    subject: "CN=tokensigning.microsoftonline-p.com",
    not_before: "2026-12-04T15:36:28Z",
    not_after: "2046-11-29T15:36:28Z",
    serial_number: "1094",
};

/// The certificate the broker signs with now: rolled over under the `metadata-stale` break.
pub fn signing(world: &World) -> SigningCertificate {
    if world.has_break(Break::MetadataStale) {
        ROTATED
    } else {
        ORIGINAL
    }
}

/// The lab certificate with this thumbprint, if it is one of the broker's.
pub fn by_thumbprint(thumbprint: &str) -> Option<SigningCertificate> {
    [ORIGINAL, ROTATED]
        .into_iter()
        .find(|c| c.thumbprint().eq_ignore_ascii_case(thumbprint))
}

/// What a metadata download writes into the trust: the broker's current signing certificate,
/// the one it replaces kept as the previous one.
pub fn refresh(world: &World, trust: &mut Trust) {
    let current = signing(world).thumbprint();
    if trust.token_issuer_certificate.as_deref() != Some(current.as_str()) {
        trust.token_issuer_prev_certificate = trust.token_issuer_certificate.take();
        trust.token_issuer_certificate = Some(current);
    }
}

/// Whether the trust holds the certificate the broker signs with (Test-FederationTrust step 3).
pub fn trust_is_current(world: &World, trust: &Trust) -> bool {
    let current = signing(world).thumbprint();
    [
        &trust.token_issuer_certificate,
        &trust.token_issuer_prev_certificate,
    ]
    .into_iter()
    .flatten()
    .any(|t| t.eq_ignore_ascii_case(&current))
}

/// The WS-Federation metadata document (2006-12) the broker serves: its issuer name and
/// endpoint, and the token-signing certificate.
pub fn metadata_document(world: &World) -> String {
    let cert = signing(world).der_base64();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<fed:FederationMetadata xmlns:fed=\"http://schemas.xmlsoap.org/ws/2006/12/federation\" \
xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" \
xmlns:dsig=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">\
<fed:Federation>\
<fed:TokenSigningKeyInfo><wsse:SecurityTokenReference><dsig:X509Data>\
<dsig:X509Certificate>{cert}</dsig:X509Certificate>\
</dsig:X509Data></wsse:SecurityTokenReference></fed:TokenSigningKeyInfo>\
<fed:TokenIssuerName>urn:federation:MicrosoftOnline</fed:TokenIssuerName>\
<fed:TokenIssuerEndpoint><wsa:Address>https://login.microsoftonline.com/extSTS.srf</wsa:Address></fed:TokenIssuerEndpoint>\
</fed:Federation>\
</fed:FederationMetadata>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_are_the_sha1_of_the_certificates() {
        assert_eq!(
            ORIGINAL.thumbprint(),
            "20781905ABF5662F948C04B5B4A9FD3E8F14B469"
        );
        assert_eq!(
            ROTATED.thumbprint(),
            "36719C1D6B64367FC71F76AC9D43FB4A6C58D299"
        );
    }

    #[test]
    fn the_break_rotates_what_the_metadata_carries_and_a_refresh_catches_up() {
        let mut world = World::contoso(0);
        let mut trust = World::new_trust("T", "AB");
        refresh(&world, &mut trust);
        assert!(trust_is_current(&world, &trust));
        assert!(metadata_document(&world).contains(&ORIGINAL.der_base64()));
        world.breaks.push(Break::MetadataStale);
        assert!(metadata_document(&world).contains(&ROTATED.der_base64()));
        assert!(!trust_is_current(&world, &trust));
        refresh(&world, &mut trust);
        assert!(trust_is_current(&world, &trust));
        assert_eq!(
            trust.token_issuer_prev_certificate,
            Some(ORIGINAL.thumbprint())
        );
    }
}
