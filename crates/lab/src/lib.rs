//! The lab world: a simulated Exchange 2013 organization ("Contoso") that speaks the shell
//! protocol, so the whole product runs offline and tests use the real code path.
//!
//! - [`world`]: the persisted state ([`World::contoso`]), [`zones`] and [`partners`] data.
//! - [`cmdlets`]: the Exchange cmdlets with Exchange's rules and error names ([`Shell`]).
//! - [`host`]: the lab host process loop ([`host::run_stdio`]) and the admin API ([`admin`]).
//! - [`present`]: each cmdlet's output as the CLIXML a remote Exchange session delivers.
//! - [`breaks`]: faults the lab applies to itself for diagnostics.
//! - [`network`]: the lab network (labnet DNS + HTTPS) started from the world; [`live`]: the
//!   world shared between the cmdlet loop and the DNS server; [`served`] and [`sites`]: what
//!   the network serves, derived from the world; `persist`: how a running host and
//!   `fedshare lab break/fix` share the state file.
//!
//! Performance note: RSA key generation (`New-ExchangeCertificate`) is very slow in
//! unoptimised builds. The workspace root should add
//! `[profile.dev.package.rsa] opt-level = 3` and `[profile.dev.package.num-bigint-dig]
//! opt-level = 3`. Tests avoid it with [`crypto::FixedKeys`].

pub mod admin;
pub mod availability;
pub mod breaks;
pub mod cmdlets;
pub mod crypto;
pub mod error;
pub mod fedinfo;
pub mod gateway;
pub mod host;
pub mod live;
pub mod network;
pub mod partners;
pub(crate) mod persist;
pub mod present;
pub mod proof;
pub mod served;
pub mod sites;
pub mod timefmt;
pub mod token;
pub mod views;
pub mod world;
pub mod zones;

pub use breaks::Break;
pub use cmdlets::{Outcome, Shell};
pub use error::LabError;
pub use live::LiveWorld;
pub use network::{LabNetwork, Ports};
pub use proof::{DnsVerifier, ProofVerifier, ZoneDataVerifier};
pub use world::World;
