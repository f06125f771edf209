//! Delegation tokens as the lab's trust broker issues them: the requester, the audience (the
//! partner's ApplicationUri) and a lifetime, signed with a key bound to the broker's signing
//! certificate, so a partner that knows the broker's metadata can check them. Only the lab
//! reads them; their form is the lab's own (a real broker issues SAML tokens).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::gateway::SigningCertificate;

/// The broker's tokens live 15 minutes.
pub const LIFETIME_SECONDS: i64 = 15 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The requester's federated SMTP address.
    pub sub: String,
    /// The target organization's ApplicationUri.
    pub aud: String,
    /// Unix seconds (the broker's clock).
    pub exp: i64,
}

fn mac(signing: &SigningCertificate, payload: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(signing.der_base64().as_bytes()).ok()?;
    mac.update(payload.as_bytes());
    Some(mac)
}

pub fn issue(signing: &SigningCertificate, claims: &Claims) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = b64.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signature = mac(signing, &payload)
        .map(|m| b64.encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("{payload}.{signature}")
}

/// The claims of a token this broker signed, or `None` (a token the partner cannot process).
pub fn verify(signing: &SigningCertificate, token: &str) -> Option<Claims> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (payload, signature) = token.split_once('.')?;
    let signature = b64.decode(signature).ok()?;
    mac(signing, payload)?.verify_slice(&signature).ok()?;
    serde_json::from_slice(&b64.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{ORIGINAL, ROTATED};

    #[test]
    fn a_token_verifies_only_with_the_broker_that_signed_it() {
        let claims = Claims {
            sub: "alexw@contoso.com".into(),
            aud: "FYDIBOHF25SPDLT.fabrikam.com".into(),
            exp: 1,
        };
        let token = issue(&ORIGINAL, &claims);
        assert_eq!(verify(&ORIGINAL, &token), Some(claims));
        assert_eq!(verify(&ROTATED, &token), None);
        let tampered = token.replacen('e', "f", 1);
        assert_eq!(verify(&ORIGINAL, &tampered), None);
    }
}
