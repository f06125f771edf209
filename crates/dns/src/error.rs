//! The crate's one error enum. Findings about the *observed* world (a missing record, a
//! partner that does not answer) are data in the reports; these errors are for the cases
//! where the operation itself could not run (bad input, a rejected update, no TLS roots).

use fedshare_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("'{0}' is not a valid DNS name")]
    InvalidName(String),
    #[error("the TSIG secret of key '{0}' is not valid base64")]
    InvalidTsigSecret(String),
    #[error("TSIG algorithm {0} is not supported")]
    UnsupportedTsigAlgorithm(String),
    #[error("the record value is not valid for a {kind} record: {reason}")]
    InvalidRecord { kind: String, reason: String },
    #[error("the DNS server refused the update with {rcode}")]
    UpdateRejected { rcode: String },
    #[error("the dynamic update could not be sent to {server}")]
    UpdateFailed {
        server: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the extra CA file holds no usable PEM certificate")]
    InvalidCaPem,
    #[error("the TLS trust store could not be set up")]
    TlsSetup(#[source] rustls::Error),
    #[error("the HTTP client could not be built")]
    HttpClient(#[source] reqwest::Error),
    #[error("'{0}' is not an https:// EWS URL; Fedshare signs in to EWS only over https")]
    InvalidEwsUrl(String),
    #[error("signing in to EWS as the current Windows identity (Negotiate) is not supported yet; store the Exchange credential with `fedshare credentials set --purpose exchange --user USER` and try again")]
    NegotiateUnsupported,
    #[error("the resolver could not be set up")]
    Resolver(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ErrorCode for DnsError {
    fn code(&self) -> &'static str {
        match self {
            DnsError::InvalidName(_) => "dns.invalid_name",
            DnsError::InvalidTsigSecret(_) => "dns.invalid_tsig_secret",
            DnsError::UnsupportedTsigAlgorithm(_) => "dns.unsupported_tsig_algorithm",
            DnsError::InvalidRecord { .. } => "dns.invalid_record",
            DnsError::UpdateRejected { .. } => "dns.update_rejected",
            DnsError::UpdateFailed { .. } => "dns.update_failed",
            DnsError::InvalidCaPem => "dns.invalid_ca_pem",
            DnsError::TlsSetup(_) => "dns.tls_setup",
            DnsError::HttpClient(_) => "dns.http_client",
            DnsError::Resolver(_) => "dns.resolver",
            DnsError::InvalidEwsUrl(_) => "dns.invalid_ews_url",
            DnsError::NegotiateUnsupported => "dns.negotiate_unsupported",
        }
    }
}

pub type Result<T, E = DnsError> = std::result::Result<T, E>;
