//! The trust broker's federation metadata, fetched the way Exchange fetches it for
//! `Set-FederationTrust -RefreshMetadata` and Test-FederationTrust: https, verified TLS, from
//! the trust's `TokenIssuerMetadataEpr`. What the checks need from it is the broker's
//! token-signing certificates, compared by thumbprint with the trust's copies.

use base64::Engine as _;
use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use url::Url;

use crate::discovery::Discoverer;

/// One signing certificate the metadata publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetadataCertificate {
    /// SHA-1 of the DER, upper-case hex (the thumbprint Exchange shows).
    pub thumbprint: String,
    pub subject: String,
    pub not_after: String,
}

/// The broker's metadata as this computer read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FederationMetadata {
    pub url: String,
    pub signing_certificates: Vec<MetadataCertificate>,
}

/// The token-signing certificates of a WS-Federation metadata document: every
/// `X509Certificate` element (any prefix), each once.
pub fn signing_certificates(xml: &[u8]) -> Result<Vec<MetadataCertificate>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut inside = false;
    let mut out: Vec<MetadataCertificate> = Vec::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => inside = e.local_name().into_inner() == "X509Certificate",
            Ok(Event::End(_)) => inside = false,
            Ok(Event::Text(t)) if inside => {
                let text = t.into_inner().to_string();
                let cert = certificate(&text)?;
                if !out.iter().any(|c| c.thumbprint == cert.thumbprint) {
                    out.push(cert);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("the metadata is not well-formed XML: {e}")),
        }
        buf.clear();
    }
    if out.is_empty() {
        return Err("the metadata names no X509Certificate (no token-signing certificate)".into());
    }
    Ok(out)
}

fn certificate(base64_text: &str) -> Result<MetadataCertificate, String> {
    let compact: String = base64_text.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|e| format!("an X509Certificate that is not base64: {e}"))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| format!("an X509Certificate that is not a certificate: {e}"))?;
    Ok(MetadataCertificate {
        thumbprint: Sha1::digest(&der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect(),
        subject: parsed.subject().to_string(),
        not_after: parsed.validity().not_after.to_rfc2822().unwrap_or_default(),
    })
}

impl Discoverer {
    /// Fetches the metadata at `url` (https only) through the shared client: the system's
    /// trust store and proxy, the listed resolver, and the lab's port when the lab serves it.
    pub async fn federation_metadata(&self, url: &str) -> Result<FederationMetadata, String> {
        let mut target = Url::parse(url.trim()).map_err(|e| format!("{url} is not a URL: {e}"))?;
        if target.scheme() != "https" {
            return Err(format!("{url} is not an https:// URL"));
        }
        let port = self.http().options().https_port;
        if port != 443 {
            target
                .set_port(Some(port))
                .map_err(|()| format!("{url} cannot take a port"))?;
        }
        let fetched = self
            .http()
            .fetch(self.http().client.get(target))
            .await
            .map_err(|f| format!("{url}: {f}"))?;
        if fetched.status != 200 {
            return Err(format!("{url} answered HTTP {}", fetched.status));
        }
        Ok(FederationMetadata {
            url: url.trim().to_owned(),
            signing_certificates: signing_certificates(&fetched.body)
                .map_err(|e| format!("{url}: {e}"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_signed() -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["tokensigning.example".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().to_vec();
        let thumbprint = Sha1::digest(&der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        (
            base64::engine::general_purpose::STANDARD.encode(der),
            thumbprint,
        )
    }

    #[test]
    fn every_signing_certificate_is_read_once_by_thumbprint() {
        let (a, ta) = self_signed();
        let (b, tb) = self_signed();
        let xml = format!(
            "<fed:FederationMetadata xmlns:fed=\"f\" xmlns:dsig=\"d\"><fed:Federation>\
             <fed:TokenSigningKeyInfo><dsig:X509Data><dsig:X509Certificate>{a}</dsig:X509Certificate></dsig:X509Data></fed:TokenSigningKeyInfo>\
             <fed:TokenSigningKeyInfo><dsig:X509Data><dsig:X509Certificate>\n{b}\n</dsig:X509Certificate></dsig:X509Data></fed:TokenSigningKeyInfo>\
             <X509Certificate>{a}</X509Certificate></fed:Federation></fed:FederationMetadata>"
        );
        let certs = signing_certificates(xml.as_bytes()).unwrap();
        let thumbprints: Vec<&str> = certs.iter().map(|c| c.thumbprint.as_str()).collect();
        assert_eq!(thumbprints, [ta.as_str(), tb.as_str()]);
        assert!(certs[0].subject.contains("rcgen"), "{:?}", certs[0]);
    }

    #[test]
    fn documents_without_certificates_or_xml_are_refused() {
        assert!(signing_certificates(b"<a><b/></a>")
            .unwrap_err()
            .contains("no X509Certificate"));
        assert!(
            signing_certificates(b"<a><X509Certificate>!!</X509Certificate></a>")
                .unwrap_err()
                .contains("base64")
        );
        assert!(signing_certificates(b"<a></b>").is_err());
    }
}
