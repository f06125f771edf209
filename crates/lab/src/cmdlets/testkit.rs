//! Helpers for the cmdlet rule tests: a shell over a fresh world with a fixed key supply.

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::Invocation;

use super::{Outcome, Shell};
use crate::crypto::FixedKeys;
use crate::proof::ZoneDataVerifier;
use crate::world::World;

pub use invocations::*;

// The invocation builders are shared with the integration tests (tests/common).
#[path = "../../tests/common/invocations.rs"]
mod invocations;

pub fn shell() -> Shell {
    Shell::new(
        World::contoso(1),
        Box::new(ZoneDataVerifier),
        Box::new(FixedKeys::new(vec![
            crate::crypto::tests::TEST_KEY.to_owned()
        ])),
    )
}

pub fn exec(shell: &mut Shell, inv: Invocation) -> Result<Outcome, ShellError> {
    shell.invoke(&inv.cmdlet, &inv.params)
}

pub fn ok(shell: &mut Shell, inv: Invocation) -> Outcome {
    let cmdlet = inv.cmdlet.clone();
    exec(shell, inv).unwrap_or_else(|e| panic!("{cmdlet} failed: {e:?}"))
}

/// Asserts the call failed with Exchange's exception name, in both fields.
pub fn fails_with(shell: &mut Shell, inv: Invocation, exception: &str) -> ShellError {
    let cmdlet = inv.cmdlet.clone();
    let before = shell.world.clone();
    match exec(shell, inv) {
        Ok(o) => panic!("{cmdlet} succeeded, expected {exception}: {:?}", o.output),
        Err(e) => {
            assert_eq!(e.exception, exception, "{e:?}");
            // PowerShell's own errors carry their reason (e.g. NamedParameterNotFound) instead,
            // and CIM errors (the DnsServer module) their Win32 code.
            if !matches!(
                exception,
                "ParameterBindingException"
                    | "ParameterBindingValidationException"
                    | "CommandNotFoundException"
                    | "CimException"
            ) {
                assert!(e.error_id.contains(exception), "{e:?}");
            }
            assert_eq!(
                shell.world, before,
                "a failed {cmdlet} must not change the world"
            );
            e
        }
    }
}

pub fn federation_certificate(shell: &mut Shell) -> String {
    let out = ok(shell, certificate());
    out.output[0]["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_owned()
}

pub fn with_trust(shell: &mut Shell) -> String {
    let tp = federation_certificate(shell);
    ok(shell, trust(&tp));
    tp
}

pub fn publish_proof(shell: &mut Shell, domain: &str) {
    let out = ok(shell, proof(domain));
    assert!(shell.world.set_records(domain, "TXT", &proofs(&out.output)));
}

/// Trust, proof and OrgID for contoso.com.
pub fn federated(shell: &mut Shell) -> String {
    let tp = with_trust(shell);
    publish_proof(shell, "contoso.com");
    ok(shell, set_orgid("contoso.com"));
    tp
}
