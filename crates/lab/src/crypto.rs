//! Keys, federation certificates, thumbprints and the domain proof.
//!
//! Thumbprints are real: each federation certificate is an X.509 certificate generated with
//! rcgen from the RSA key, self-signed (RSA PKCS#1 v1.5 with SHA-256), and its thumbprint is
//! the upper-case hex SHA-1 of the certificate DER, as Windows computes it.

use base64::Engine as _;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::{Digest as _, Sha1};
use sha2::Sha512;
use time::OffsetDateTime;

use crate::error::LabError;

/// Where new RSA private keys come from. The real source generates them; a fixed supply lets
/// tests skip RSA key generation, which is slow in unoptimised builds.
pub trait KeySource: Send + Sync {
    /// A new RSA private key of `bits` bits as PKCS#8 PEM.
    fn rsa_private_key_pem(&self, bits: usize) -> Result<String, LabError>;
}

/// Generates a fresh RSA key with the operating system's random source.
#[derive(Debug, Default, Clone, Copy)]
pub struct GeneratedKeys;

impl KeySource for GeneratedKeys {
    fn rsa_private_key_pem(&self, bits: usize) -> Result<String, LabError> {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, bits)
            .map_err(|e| LabError::Crypto(e.to_string()))?;
        pem_of(&key)
    }
}

/// Hands out keys from a fixed list in turn (cycling), for tests and reproducible demos.
#[derive(Debug)]
pub struct FixedKeys {
    pems: Vec<String>,
    next: std::sync::atomic::AtomicUsize,
}

impl FixedKeys {
    pub fn new(pems: Vec<String>) -> Self {
        Self {
            pems,
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl KeySource for FixedKeys {
    fn rsa_private_key_pem(&self, _bits: usize) -> Result<String, LabError> {
        if self.pems.is_empty() {
            return Err(LabError::Crypto("the fixed key list is empty".into()));
        }
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.pems[i % self.pems.len()].clone())
    }
}

fn pem_of(key: &RsaPrivateKey) -> Result<String, LabError> {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|p| p.to_string())
        .map_err(|e| LabError::Crypto(e.to_string()))
}

fn parse_key(pem: &str) -> Result<RsaPrivateKey, LabError> {
    RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| LabError::Crypto(e.to_string()))
}

/// What a new self-signed certificate should say.
#[derive(Debug, Clone)]
pub struct CertRequest<'a> {
    pub key_pem: &'a str,
    pub subject_cn: &'a str,
    pub dns_names: &'a [String],
    pub subject_key_identifier: Option<Vec<u8>>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

/// A generated certificate: PEM text plus its Windows-style thumbprint.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub pem: String,
    pub thumbprint: String,
    pub serial_number: String,
}

/// Builds the self-signed certificate `New-ExchangeCertificate` would create.
pub fn self_signed(req: &CertRequest<'_>) -> Result<IssuedCert, LabError> {
    let crypto = |e: rcgen::Error| LabError::Crypto(e.to_string());
    let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(req.key_pem, &rcgen::PKCS_RSA_SHA256)
        .map_err(crypto)?;
    let mut params = rcgen::CertificateParams::new(req.dns_names.to_vec()).map_err(crypto)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, req.subject_cn);
    params.not_before = req.not_before;
    params.not_after = req.not_after;
    let serial: [u8; 16] = rand::random();
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    // rcgen writes the Subject Key Identifier only for ExplicitNoCa/Ca; federation needs it.
    if let Some(ski) = &req.subject_key_identifier {
        params.is_ca = rcgen::IsCa::ExplicitNoCa;
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(ski.clone());
    }
    let cert = params.self_signed(&key).map_err(crypto)?;
    Ok(IssuedCert {
        pem: cert.pem(),
        thumbprint: thumbprint(cert.der()),
        serial_number: hex_upper(&serial),
    })
}

/// Upper-case hex SHA-1 of the DER, the form `Get-ExchangeCertificate` prints.
pub fn thumbprint(der: &[u8]) -> String {
    hex_upper(&Sha1::digest(der))
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Parses hex (as typed for `-SubjectKeyIdentifier`, e.g. a GUID in "N" format).
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.is_empty() || !clean.len().is_multiple_of(2) {
        return None;
    }
    (0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).ok())
        .collect()
}

/// Exchange's domain proof:
/// `Base64(SHA-512(RSA-PKCS#1-v1.5-Sign-SHA1(key, UTF8(lowercase(trim(domain))))))`.
pub fn domain_proof(key_pem: &str, domain: &str) -> Result<String, LabError> {
    let key = parse_key(key_pem)?;
    let normalized = domain.trim().to_lowercase();
    let digest = Sha1::digest(normalized.as_bytes());
    let signature = key
        .sign(Pkcs1v15Sign::new::<Sha1>(), &digest)
        .map_err(|e| LabError::Crypto(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&signature)))
}

/// The key size in bits of a stored key, for `PublicKeySize`.
pub fn key_bits(key_pem: &str) -> Result<usize, LabError> {
    use rsa::traits::PublicKeyParts as _;
    Ok(parse_key(key_pem)?.size() * 8)
}

/// A random secret for the lab's TSIG key (HMAC-SHA256), Base64.
pub fn random_tsig_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const TEST_KEY: &str = include_str!("../testdata/federation-test-key.pem");

    /// Computed independently with `openssl dgst -sha1 -sign key | openssl dgst -sha512 -binary | base64`.
    const OPENSSL_PROOF_CONTOSO: &str =
        "l1faLNfVp3BU0Nb90CPh0gKliN41hvJ0TVm+YY67UL/1WfvCCp1dGD2VcYt5YEa6IUP+7w9s6B+57pLd1aueMg==";

    #[test]
    fn proof_matches_an_independent_openssl_computation() {
        assert_eq!(
            domain_proof(TEST_KEY, "contoso.com").expect("proof"),
            OPENSSL_PROOF_CONTOSO
        );
        // Exchange trims and lower-cases the domain before signing.
        assert_eq!(
            domain_proof(TEST_KEY, "  Contoso.COM ").expect("proof"),
            OPENSSL_PROOF_CONTOSO
        );
        assert_ne!(
            domain_proof(TEST_KEY, "sales.contoso.com").expect("proof"),
            OPENSSL_PROOF_CONTOSO
        );
    }

    #[test]
    fn thumbprint_is_sha1_of_the_der_and_ski_is_written() {
        let now = OffsetDateTime::now_utc();
        let cert = self_signed(&CertRequest {
            key_pem: TEST_KEY,
            subject_cn: "Federation",
            dns_names: &["Federation".to_string()],
            subject_key_identifier: Some(vec![0xAB; 16]),
            not_before: now,
            not_after: now + time::Duration::days(365 * 5),
        })
        .expect("certificate");
        assert_eq!(cert.thumbprint.len(), 40);
        let der = pem_body(&cert.pem);
        assert_eq!(cert.thumbprint, thumbprint(&der));
        // The SKI extension (OID 2.5.29.14 = 06 03 55 1D 0E) carries our 16 bytes.
        let mut ski_ext = vec![0x06, 0x03, 0x55, 0x1D, 0x0E, 0x04, 0x12, 0x04, 0x10];
        ski_ext.extend([0xAB; 16]);
        assert!(der.windows(ski_ext.len()).any(|w| w == ski_ext.as_slice()));
        assert_eq!(key_bits(TEST_KEY).expect("bits"), 2048);
    }

    fn pem_body(pem: &str) -> Vec<u8> {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64")
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(parse_hex("0aFF"), Some(vec![0x0A, 0xFF]));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(hex_upper(&[0x0A, 0xFF]), "0AFF");
    }
}
