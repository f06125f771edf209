//! The lab certificate authority: trusted only by lab clients, issuing one leaf per host.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::error::LabNetError;

/// A CA certificate and its private key in PEM, for a CA that stays stable across restarts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaMaterial {
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for CaMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaMaterial")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"<redacted>")
            .finish()
    }
}

/// Whether a leaf is currently valid or deliberately expired (a hostile partner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validity {
    Current,
    Expired,
}

pub(crate) struct LabCa {
    issuer: Issuer<'static, KeyPair>,
    material: CaMaterial,
    cert_der: CertificateDer<'static>,
}

impl std::fmt::Debug for LabCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabCa").finish_non_exhaustive()
    }
}

impl LabCa {
    pub(crate) fn generate() -> Result<Self, LabNetError> {
        let key = KeyPair::generate().map_err(LabNetError::Certificate)?;
        let mut params =
            CertificateParams::new(Vec::<String>::new()).map_err(LabNetError::Certificate)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "Fedshare Lab CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Fedshare lab (not a real CA)");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let cert = params.self_signed(&key).map_err(LabNetError::Certificate)?;
        let material = CaMaterial {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        };
        let cert_der = cert.der().clone();
        Ok(LabCa {
            issuer: Issuer::new(params, key),
            material,
            cert_der,
        })
    }

    pub(crate) fn from_material(material: &CaMaterial) -> Result<Self, LabNetError> {
        let key = KeyPair::from_pem(&material.key_pem).map_err(LabNetError::Certificate)?;
        let issuer =
            Issuer::from_ca_cert_pem(&material.cert_pem, key).map_err(LabNetError::Certificate)?;
        let cert_der = rustls_pemfile::certs(&mut material.cert_pem.as_bytes())
            .next()
            .and_then(Result::ok)
            .ok_or(LabNetError::Certificate(
                rcgen::Error::CouldNotParseCertificate,
            ))?;
        Ok(LabCa {
            issuer,
            material: material.clone(),
            cert_der,
        })
    }

    pub(crate) fn material(&self) -> &CaMaterial {
        &self.material
    }

    /// Issues a server certificate for `names` (the first is also the subject CN).
    pub(crate) fn issue(
        &self,
        names: &[String],
        validity: Validity,
    ) -> Result<Arc<CertifiedKey>, LabNetError> {
        let key = KeyPair::generate().map_err(LabNetError::Certificate)?;
        let mut params =
            CertificateParams::new(names.to_vec()).map_err(LabNetError::Certificate)?;
        if let Some(first) = names.first() {
            params
                .distinguished_name
                .push(DnType::CommonName, first.as_str());
        }
        params.is_ca = IsCa::NoCa;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let now = OffsetDateTime::now_utc();
        (params.not_before, params.not_after) = match validity {
            Validity::Current => (now - Duration::days(1), now + Duration::days(825)),
            Validity::Expired => (now - Duration::days(30), now - Duration::days(1)),
        };
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(LabNetError::Certificate)?;
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing_key =
            rustls::crypto::ring::sign::any_supported_type(&key_der).map_err(LabNetError::Tls)?;
        Ok(Arc::new(CertifiedKey::new(
            vec![cert.der().clone(), self.cert_der.clone()],
            signing_key,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reloaded_ca_keeps_its_certificate_and_can_issue() {
        let ca = LabCa::generate().unwrap();
        let again = LabCa::from_material(ca.material()).unwrap();
        assert_eq!(again.material().cert_pem, ca.material().cert_pem);
        let leaf = again
            .issue(&["autodiscover.fabrikam.com".into()], Validity::Current)
            .unwrap();
        assert_eq!(leaf.cert.len(), 2, "leaf plus CA");
        assert_eq!(leaf.cert[1], ca.cert_der);
        let debug = format!("{:?}", ca.material());
        assert!(
            !debug.contains("PRIVATE KEY"),
            "the key never reaches Debug output"
        );
    }

    #[test]
    fn garbage_material_is_a_certificate_error() {
        let bad = CaMaterial {
            cert_pem: "nope".into(),
            key_pem: "nope".into(),
        };
        let err = LabCa::from_material(&bad).unwrap_err();
        assert_eq!(fedshare_model::ErrorCode::code(&err), "labnet.certificate");
    }
}
