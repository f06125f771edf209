//! TLS trust as an enterprise workstation has it: the operating system's roots (so a corporate
//! CA or a TLS-inspecting proxy is trusted the way the OS trusts it) plus an optional extra CA
//! for one run. Verification is never switched off.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use serde::{Deserialize, Serialize};

use crate::error::{DnsError, Result};

/// Trust settings for one run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TlsOptions {
    /// PEM text of one or more CA certificates to trust in addition to the OS store
    /// (`--ca-file`).
    pub extra_ca_pem: Option<String>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The OS-store verifier, augmented with the extra CA when one is given.
pub(crate) fn verifier(opts: &TlsOptions) -> Result<Arc<dyn ServerCertVerifier>> {
    let extra = match &opts.extra_ca_pem {
        Some(pem) => parse_pem(pem)?,
        None => Vec::new(),
    };
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider())
        .map_err(DnsError::TlsSetup)?;
    Ok(Arc::new(verifier))
}

fn parse_pem(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| DnsError::InvalidCaPem)?;
    if certs.is_empty() {
        return Err(DnsError::InvalidCaPem);
    }
    Ok(certs)
}

/// A client configuration using `verifier` (HTTP/1.1 only: Autodiscover is plain SOAP).
pub(crate) fn client_config(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig> {
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(DnsError::TlsSetup)?
        // "dangerous" is rustls' name for supplying any verifier; this one fully verifies.
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Delegates every decision to the real verifier and remembers the chain the server
/// presented, so a probe can show names and expiry even when verification fails.
#[derive(Debug)]
pub(crate) struct RecordingVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    pub(crate) seen: Mutex<Vec<CertificateDer<'static>>>,
    /// The inner verifier accepted the last chain.
    accepted: AtomicBool,
}

impl RecordingVerifier {
    pub(crate) fn new(inner: Arc<dyn ServerCertVerifier>) -> Self {
        Self {
            inner,
            seen: Mutex::new(Vec::new()),
            accepted: AtomicBool::new(false),
        }
    }

    pub(crate) fn accepted(&self) -> bool {
        self.accepted.load(Ordering::Relaxed)
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        self.accepted.store(verdict.is_ok(), Ordering::Relaxed);
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Turns a rustls certificate error into a sentence a person can act on.
pub(crate) fn describe_tls_error(err: &rustls::Error) -> (TlsProblem, String) {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => (
            TlsProblem::NameMismatch,
            format!("the certificate is not valid for this host name ({err})"),
        ),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => (
            TlsProblem::Expired,
            format!("the certificate has expired ({err})"),
        ),
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => (
            TlsProblem::NotYetValid,
            format!("the certificate is not valid yet ({err})"),
        ),
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => (
            TlsProblem::UntrustedIssuer,
            "the certificate is issued by a CA this machine does not trust (add it with --ca-file)"
                .into(),
        ),
        rustls::Error::InvalidCertificate(C::Revoked) => {
            (TlsProblem::Revoked, "the certificate is revoked".into())
        }
        other => (TlsProblem::Other, format!("TLS failed: {other}")),
    }
}

/// A TLS failure class, stable for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TlsProblem {
    NameMismatch,
    Expired,
    NotYetValid,
    UntrustedIssuer,
    Revoked,
    Other,
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsProblem::NameMismatch => "the certificate is for another name",
            TlsProblem::Expired => "the certificate has expired",
            TlsProblem::NotYetValid => "the certificate is not valid yet",
            TlsProblem::UntrustedIssuer => "the certificate's issuer is not trusted",
            TlsProblem::Revoked => "the certificate is revoked",
            TlsProblem::Other => "the handshake failed",
        })
    }
}

/// Finds a rustls error anywhere in an error's source chain (reqwest and hyper wrap it in
/// io errors).
pub(crate) fn find_rustls_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(r) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Some(r);
            }
        }
        current = e.source();
    }
    None
}
