//! The Exchange layer. The engine only ever produces [`Invocation`]s (data, never code); one
//! JSON-lines [`protocol`] carries them to whichever interpreter runs them: the Windows
//! PowerShell host against a real organization, or the lab host.
//!
//! - [`catalog`]: the allowlist of cmdlets and the schema invocations are validated against;
//! - [`script`]: export of a plan as a `.ps1`, and reading such a script back;
//! - [`host_ps`]: the Windows PowerShell host script and how to start it;
//! - [`rbac`]: which management role grants each cmdlet (said when one is missing);
//! - [`client`]: the async client that drives a host process;
//! - [`windows_dns`]: records in Windows DNS Server through the same host (DnsServer module).

pub mod catalog;
pub mod client;
pub mod error;
pub mod host_ps;
pub mod invocation;
pub mod protocol;
pub mod rbac;
pub mod script;
pub mod syntax;
pub mod timeouts;
mod uri;
pub mod windows_dns;

pub use client::{ClientOptions, CmdletOutput, HostCommand, ShellClient};
pub use error::ExchangeError;
pub use invocation::{Invocation, ParamValue};
pub use uri::ws_security_url;
