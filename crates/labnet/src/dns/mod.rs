//! The lab's authoritative DNS server.

pub(crate) mod handler;
mod query;
pub(crate) mod served;
pub(crate) mod server;
pub(crate) mod store;
mod tsig;
mod update;
