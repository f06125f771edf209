//! The EWS availability service as the lab plays it. The lab (which owns the world) decides;
//! labnet carries the HTTP: our organization's `/EWS/Exchange.asmx` asks the service what to
//! do with a signed-in user's `GetUserAvailability`, and sends what must go to a partner over
//! real HTTPS to that partner's `/EWS/Exchange.asmx/WSSecurity`, whose answer the service gives
//! again. Exchange's own failure shapes for the proxy hop (HTTP 401, a SOAP security fault, no
//! connection) are made here, where that hop is.

use fedshare_ews::{AvailabilityQuery, MailboxAnswer};

/// Who signed in to our EWS (Basic over https). The password is only checked for presence
/// and never kept: the lab, like its shell, needs none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: String,
}

/// What our EWS does with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum LocalStep {
    /// This host is not an EWS of the lab's organization.
    NotServed,
    /// No or an unknown account: 401 with the schemes the virtual directory offers.
    Unauthorized,
    /// One step per requested mailbox, in request order.
    Mailboxes(Vec<MailboxStep>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MailboxStep {
    /// Decided here (a local error, or a local mailbox).
    Answer(MailboxAnswer),
    /// Send `query` (with its WS-Security header) to the partner's EWS at `url`.
    Proxy {
        url: String,
        query: AvailabilityQuery,
        /// Our server's name, for `ExceptionServerName` when the hop fails.
        server_name: String,
    },
}

/// What a partner's `/EWS/Exchange.asmx/WSSecurity` answers.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteStep {
    NotServed,
    Answer(Vec<MailboxAnswer>),
    /// The WCF security layer refused the message (500, SOAP fault `InvalidSecurity`).
    SecurityFault(String),
}

/// The lab's availability service.
pub trait AvailabilityService: Send + Sync {
    fn local(&self, host: &str, caller: Option<&Caller>, query: &AvailabilityQuery) -> LocalStep;
    /// `domain` is the organization that owns the host.
    fn remote(&self, domain: &str, query: &AvailabilityQuery) -> RemoteStep;
}
