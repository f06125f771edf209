use fedshare_model::ErrorCode;

/// An answer that is not a readable `GetUserAvailability` response. Per-mailbox errors are
/// not errors here: they are [`crate::MailboxAnswer::Error`] results.
#[derive(Debug, thiserror::Error)]
pub enum EwsError {
    #[error("the answer declares a DTD, which EWS never sends; it was not read")]
    Dtd,
    #[error("the answer is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the answer is XML but not a GetUserAvailability response: {0}")]
    Unexpected(String),
    #[error("the server answered with a SOAP fault {code}: {message}")]
    SoapFault { code: String, message: String },
    #[error("'{0}' is not an SMTP address (name@domain)")]
    InvalidAddress(String),
}

impl ErrorCode for EwsError {
    fn code(&self) -> &'static str {
        match self {
            EwsError::Dtd => "ews.dtd",
            EwsError::Malformed(_) => "ews.malformed",
            EwsError::Unexpected(_) => "ews.unexpected",
            EwsError::SoapFault { .. } => "ews.soap_fault",
            EwsError::InvalidAddress(_) => "ews.invalid_address",
        }
    }
}
