//! TSIG keys: credentials. The secret never appears in Debug output or serialised reports.

use base64::Engine;
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::TSigner;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::check::parse_name;
use crate::error::{DnsError, Result};

/// The HMAC algorithms hickory can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum TsigAlgo {
    #[serde(rename = "hmac-sha256")]
    HmacSha256,
    #[serde(rename = "hmac-sha384")]
    HmacSha384,
    #[serde(rename = "hmac-sha512")]
    HmacSha512,
}

impl TsigAlgo {
    fn to_hickory(self) -> TsigAlgorithm {
        match self {
            TsigAlgo::HmacSha256 => TsigAlgorithm::HmacSha256,
            TsigAlgo::HmacSha384 => TsigAlgorithm::HmacSha384,
            TsigAlgo::HmacSha512 => TsigAlgorithm::HmacSha512,
        }
    }
}

/// A TSIG key as BIND/Knot print it: name, algorithm and base64 secret. Deserialisable (it
/// comes from the keychain) but deliberately not Serialize, so it cannot leak into a report.
#[derive(Clone, Deserialize)]
pub struct TsigKey {
    pub name: String,
    pub algorithm: TsigAlgo,
    /// Base64, as in `keymgr -t` output.
    pub secret: String,
}

impl std::fmt::Debug for TsigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TsigKey")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Clock skew TSIG tolerates, as BIND's default.
const FUDGE_SECONDS: u16 = 300;

impl TsigKey {
    pub(crate) fn signer(&self) -> Result<TSigner> {
        let secret = base64::engine::general_purpose::STANDARD
            .decode(self.secret.trim())
            .map_err(|_| DnsError::InvalidTsigSecret(self.name.clone()))?;
        let name = parse_name(&self.name)?;
        TSigner::new(secret, self.algorithm.to_hickory(), name, FUDGE_SECONDS)
            .map_err(|_| DnsError::UnsupportedTsigAlgorithm(format!("{:?}", self.algorithm)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_secret() {
        let key = TsigKey {
            name: "k".into(),
            algorithm: TsigAlgo::HmacSha256,
            secret: "c2VjcmV0LXZhbHVl".into(),
        };
        let shown = format!("{key:?}");
        assert!(!shown.contains("c2VjcmV0LXZhbHVl"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn bad_base64_is_a_typed_error() {
        let key = TsigKey {
            name: "k".into(),
            algorithm: TsigAlgo::HmacSha256,
            secret: "%%%".into(),
        };
        assert!(matches!(key.signer(), Err(DnsError::InvalidTsigSecret(_))));
    }
}
