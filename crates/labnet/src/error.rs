//! The one error enum of this crate, mapped to stable `labnet.*` codes.

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum LabNetError {
    #[error("could not bind the lab {service} listener on {addr}")]
    Bind {
        service: &'static str,
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the lab zone data is invalid: {0}")]
    InvalidZone(String),
    #[error("the lab TSIG key is invalid: {0}")]
    InvalidTsigKey(String),
    #[error("the lab certificate authority could not be loaded or created")]
    Certificate(#[source] rcgen::Error),
    #[error("the lab TLS configuration is invalid")]
    Tls(#[source] rustls::Error),
    #[error("the lab partner configuration is invalid: {0}")]
    InvalidPartner(String),
    #[error("the lab's availability proxy client could not be built: {0}")]
    ProxyClient(String),
    #[error("the lab network runtime failed")]
    Runtime(#[source] std::io::Error),
}

impl ErrorCode for LabNetError {
    fn code(&self) -> &'static str {
        match self {
            LabNetError::Bind { .. } => "labnet.bind",
            LabNetError::InvalidZone(_) => "labnet.invalid_zone",
            LabNetError::InvalidTsigKey(_) => "labnet.invalid_tsig_key",
            LabNetError::Certificate(_) => "labnet.certificate",
            LabNetError::Tls(_) => "labnet.tls",
            LabNetError::InvalidPartner(_) => "labnet.invalid_partner",
            LabNetError::Runtime(_) => "labnet.runtime",
            LabNetError::ProxyClient(_) => "labnet.proxy_client",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_dotted() {
        let err = LabNetError::InvalidZone("x".into());
        let payload = err.to_payload();
        assert_eq!(payload.code, "labnet.invalid_zone");
        assert_eq!(payload.message, "the lab zone data is invalid: x");
        let bind = LabNetError::Bind {
            service: "dns",
            addr: "127.0.0.1:53".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        assert_eq!(bind.code(), "labnet.bind");
        assert!(bind.detail().is_some());
    }
}
