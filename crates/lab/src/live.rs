//! The running lab world: one lock around the shell (and so the world), shared by the cmdlet
//! loop and the lab DNS server, persisting after every change.
//!
//! DNS updates arrive on the network runtime while a cmdlet may be running, and a cmdlet may
//! itself be waiting on the lab DNS server (the proof check). The update hook therefore never
//! blocks on the world lock: it queues the server's new zone data and applies it only if the
//! lock is free; otherwise the current holder applies the queue before it lets go. Every lock
//! holder re-checks the queue after unlocking, so no update is ever left behind.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::ParamValue;
use fedshare_labnet::{FederationInfoTable, PartnerSite, ZoneData};

use crate::cmdlets::{Outcome, Shell};
use crate::error::LabError;
use crate::served::{fold_into, Served};
use crate::world::World;

/// The shell and the lab network's view of it.
#[derive(Debug)]
pub(crate) struct Live {
    pub(crate) shell: Shell,
    /// What the lab DNS server served when we last looked (for folding its changes back).
    pub(crate) served: Served,
    /// Where the lab network reads `GetFederationInformation` answers, once it runs.
    pub(crate) published: Option<(FederationInfoTable, Vec<PartnerSite>)>,
    /// A save failed: the next change retries it.
    unsaved: bool,
}

/// The world of a running lab host, safe to share between threads.
#[derive(Debug)]
pub struct LiveWorld {
    state: Mutex<Live>,
    pending: Mutex<Vec<Vec<ZoneData>>>,
    data_dir: PathBuf,
}

impl LiveWorld {
    pub fn new(shell: Shell, data_dir: &Path) -> Self {
        LiveWorld {
            state: Mutex::new(Live {
                shell,
                served: Served::default(),
                published: None,
                unsaved: false,
            }),
            pending: Mutex::new(Vec::new()),
            data_dir: data_dir.to_owned(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A copy of the current world.
    pub fn snapshot(&self) -> World {
        self.with(|live| live.shell.world.clone())
    }

    /// Runs one cmdlet under the world lock and persists the world when it changed. A failed
    /// save is reported as the `IOException` the PowerShell host would give.
    pub fn invoke(
        &self,
        cmdlet: &str,
        params: &[(String, ParamValue)],
    ) -> Result<Outcome, ShellError> {
        self.with(|live| {
            let outcome = live.shell.invoke(cmdlet, params)?;
            if outcome.mutated || live.unsaved {
                live.republish();
                live.save(&self.data_dir)
                    .map_err(|e| crate::host::host_error("IOException", &e.to_string()))?;
            }
            Ok(outcome)
        })
    }

    /// The lab DNS server's hook: called with every zone after an applied update.
    pub fn zones_changed(&self, zones: Vec<ZoneData>) {
        lock(&self.pending).push(zones);
        self.drain();
    }

    /// Runs `f` under the world lock, with queued DNS changes applied before and after.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Live) -> R) -> R {
        let result = {
            let mut live = lock(&self.state);
            self.apply_pending(&mut live);
            let result = f(&mut live);
            self.apply_pending(&mut live);
            result
        };
        self.drain();
        result
    }

    /// Applies queued changes whenever the lock is free; when it is not, its holder will.
    fn drain(&self) {
        while !lock(&self.pending).is_empty() {
            let mut live = match self.state.try_lock() {
                Ok(live) => live,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            self.apply_pending(&mut live);
        }
    }

    fn apply_pending(&self, live: &mut Live) {
        let queued = std::mem::take(&mut *lock(&self.pending));
        if queued.is_empty() {
            return;
        }
        let mut changed = false;
        for zones in queued {
            let after = Served::of(&zones);
            changed |= fold_into(&mut live.shell.world, &live.served, &after);
            live.served = after;
        }
        if changed || live.unsaved {
            if let Err(e) = live.save(&self.data_dir) {
                // Kept in memory and retried with the next change; the server already answered.
                tracing::error!(error = %e, "could not persist a lab DNS update");
            }
        }
    }
}

impl Live {
    fn save(&mut self, data_dir: &Path) -> Result<(), LabError> {
        let saved = self.shell.world.save(data_dir);
        self.unsaved = saved.is_err();
        saved
    }

    /// Puts the current `GetFederationInformation` answers where the lab network reads them.
    pub(crate) fn republish(&self) {
        if let Some((table, sites)) = &self.published {
            crate::sites::publish(&self.shell.world, sites, table);
        }
    }
}

/// A panic while holding a lock must not take the lab host down with it: the shell leaves the
/// world unchanged on errors, and the next save writes whatever state is current.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
