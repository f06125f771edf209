//! Linux: Secret Service on the session bus first, the kernel keyring where none runs.

use dbus_secret_service::{EncryptionType, Error as SsError, SecretService};
use keyring::credential::CredentialApi;
use keyring::keyutils::KeyutilsCredential;
use keyring::secret_service::SsCredential;
use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

use crate::backend::{BackendKind, BackendProbe};
use crate::key::{CredentialKey, SERVICE};

/// Preference order: the desktop keychain persists and is what people manage; the kernel
/// keyring only lives until reboot.
pub(super) const ORDER: [BackendKind; 2] = [BackendKind::SecretService, BackendKind::KernelKeyring];

/// What to do when no backend works; shown in the `credentials.unavailable` message.
pub(super) const ADVICE: &str =
    "Start gnome-keyring (or another Secret Service) in your desktop session";

pub(super) fn probe(kind: BackendKind) -> BackendProbe {
    match kind {
        BackendKind::SecretService => probe_secret_service(),
        BackendKind::KernelKeyring => probe_kernel_keyring(),
        other => BackendProbe::unavailable(other, "not available on Linux"),
    }
}

/// Reads only the default collection's lock state. keyring would answer a locked collection
/// with an unlock prompt that blocks forever on a headless session, so every operation asks
/// this first and reports `credentials.locked` instead.
fn probe_secret_service() -> BackendProbe {
    let kind = BackendKind::SecretService;
    let service = match SecretService::connect(EncryptionType::Plain) {
        Ok(service) => service,
        Err(err) => {
            return BackendProbe::unavailable(
                kind,
                format!("no Secret Service on the D-Bus session bus: {err}"),
            )
        }
    };
    let collection = match service.get_default_collection() {
        Ok(collection) => collection,
        Err(SsError::NoResult) => {
            return BackendProbe::unavailable(
                kind,
                "the Secret Service has no default keyring (create one, e.g. with Seahorse)",
            )
        }
        Err(err) => {
            return BackendProbe::unavailable(
                kind,
                format!("the Secret Service did not answer: {err}"),
            )
        }
    };
    match collection.is_locked() {
        Ok(false) => BackendProbe::usable(kind),
        Ok(true) => BackendProbe::locked(kind, "its default keyring is locked"),
        Err(err) => {
            BackendProbe::unavailable(kind, format!("the Secret Service did not answer: {err}"))
        }
    }
}

/// The kernel keyring is usable when the process has a session keyring of its own (with only
/// the per-user fallback, keys are added but later reads are refused) and keyring's own
/// keyutils store can write, read back and remove a throwaway key there (containers may
/// block keyctl). The probe key lives in kernel memory only for the duration of the check.
fn probe_kernel_keyring() -> BackendProbe {
    let kind = BackendKind::KernelKeyring;
    match own_session_keyring() {
        Ok(true) => {}
        Ok(false) => {
            return BackendProbe::unavailable(
                kind,
                "this process has no session keyring of its own, only the per-user default, \
                 whose keys it may not read back (log in through PAM, or start the program \
                 under `keyctl session`)",
            )
        }
        Err(err) => {
            return BackendProbe::unavailable(
                kind,
                format!("the kernel keyring refused access: {err:?}"),
            )
        }
    }
    match kernel_round_trip() {
        Ok(()) => BackendProbe::usable(kind),
        Err(err) => {
            BackendProbe::unavailable(kind, format!("the kernel keyring refused access: {err}"))
        }
    }
}

/// False when the session keyring is the kernel's per-user fallback (`_uid_ses.<uid>`),
/// which a process gets when nothing (pam_keyinit, `keyctl session`) gave it one.
fn own_session_keyring() -> Result<bool, KeyError> {
    let ring = KeyRing::from_special_id(KeyRingIdentifier::Session, false)?;
    Ok(!ring.metadata()?.get_description().starts_with("_uid_ses."))
}

fn kernel_round_trip() -> keyring::Result<()> {
    // Unique per probe, not only per process: two threads probing at once (the app's
    // commands, parallel tests) must not delete each other's key mid-check.
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let description = format!("fedshare:probe:{}:{n}", std::process::id());
    let probe = KeyutilsCredential::new_with_target(Some(&description), SERVICE, "probe")?;
    let written = probe.set_secret(b"probe");
    let read_back = written.and_then(|()| probe.get_secret());
    // Remove the key whatever happened above; a failed write may still have added it.
    let removed = probe.delete_credential();
    match read_back?.as_slice() {
        b"probe" => removed,
        _ => Err(keyring::Error::NoEntry),
    }
}

/// The keyring entry of `key` in one backend, constructed explicitly rather than through
/// keyring's process-wide default builder, so two backends can be used side by side.
pub(super) fn entry(kind: BackendKind, key: &CredentialKey) -> keyring::Result<keyring::Entry> {
    let user = key.user();
    let credential: Box<keyring::Credential> = match kind {
        BackendKind::SecretService => {
            Box::new(SsCredential::new_with_target(None, SERVICE, &user)?)
        }
        BackendKind::KernelKeyring => {
            Box::new(KeyutilsCredential::new_with_target(None, SERVICE, &user)?)
        }
        other => {
            return Err(keyring::Error::Invalid(
                "backend".into(),
                format!("{other} is not available on Linux"),
            ))
        }
    };
    Ok(keyring::Entry::new_with_credential(credential))
}
