//! The domain model shared by every Fedshare crate.
//!
//! Types here mirror what Exchange 2013 reports (property names are Exchange's own, in
//! PascalCase) so an administrator sees the same names in the app, the CLI and the shell.

pub mod account;
pub mod check;
pub mod clixml;
pub mod error;
pub mod exchange_output;
pub mod journal;
pub mod state;

pub use account::signed_in_user;
pub use check::*;
pub use error::{ErrorCode, ErrorPayload};
pub use journal::*;
pub use state::*;
