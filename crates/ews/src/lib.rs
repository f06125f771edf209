//! EWS `GetUserAvailability` (MS-OXWSAVAIL) as Exchange 2013 speaks it, for the free/busy proof:
//! the read-only request (the `FreeBusy` view over one day), the response with its per-mailbox
//! results, and the decoder that turns Exchange's availability codes into a cause and a fix.
//!
//! No network here: the HTTP client lives in `fedshare-dns` (its verified-TLS client), the lab's
//! servers in `fedshare-labnet`. Both sides use these types, so the lab answers in exactly the
//! shape the client reads. Nothing here ever reads a subject, location or body: the parser skips
//! `CalendarEventDetails`.

mod decode;
mod error;
mod request;
mod response;
mod xml;

pub use decode::{diagnose, exception_name, Diagnosis, Side, EXCEPTION_CODES};
pub use error::EwsError;
pub use request::{is_smtp_address, AvailabilityQuery, RequestedView, SecurityHeader};
pub use response::{
    parse_response, render_fault, render_response, AvailabilityError, BusySlot, FreeBusyData,
    MailboxAnswer,
};

pub const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The wire values are `http://`: the docs that print `https://` are wrong (MS-OXWSAVAIL).
pub const MESSAGES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
pub const TYPES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
pub const ERRORS_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";
/// The WSDL binding's action (the header is optional for EWS, sent as Outlook does).
pub const SOAP_ACTION: &str =
    "\"http://schemas.microsoft.com/exchange/services/2006/messages/GetUserAvailability\"";
/// WS-Security (the token partners send to `/EWS/Exchange.asmx/WSSecurity`).
pub const WSSE_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
pub const WSU_NS: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
