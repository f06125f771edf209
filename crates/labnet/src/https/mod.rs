//! The lab's HTTPS (Autodiscover) and plain-HTTP (redirect probe) servers.

mod body;
pub(crate) mod ews;
mod exchange;
mod hostile;
pub(crate) mod server;
pub(crate) mod sites;
pub mod soap;
pub(crate) mod tls;
