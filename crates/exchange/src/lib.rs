//! The Exchange layer. The engine only ever produces [`Invocation`]s (data, never code); one
//! JSON-lines [`protocol`] carries them to whichever interpreter runs them: the Windows
//! PowerShell host against a real organization, or the lab host.

pub mod invocation;
pub mod protocol;

pub use invocation::{Invocation, ParamValue};
