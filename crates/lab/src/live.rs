//! The running lab world: one lock around the shell (and so the world), shared by the cmdlet
//! loop and the lab network, persisting after every change.
//!
//! DNS updates arrive on the network runtime while a cmdlet may be running, and a cmdlet may
//! itself be waiting on the lab DNS server (the proof check). The update hook therefore never
//! blocks on the world lock: it queues the server's new zone data and applies it only if the
//! lock is free; otherwise the current holder applies the queue before it lets go. Every lock
//! holder re-checks the queue after unlocking, so no update is ever left behind.
//!
//! Another process may change the breaks in the state file (`fedshare lab break` / `lab fix`;
//! the rules are in [`crate::persist`]). Every lock holder takes them in before it begins and
//! after it is done, and so does the network before each answer, republishing the zones and
//! the federation answers when the breaks change what is served. The answer hook only tries
//! the lock, for the same reason as the update hook: a holder that took the breaks in before
//! it began may be the cmdlet waiting on that very answer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

use fedshare_exchange::protocol::ShellError;
use fedshare_exchange::ParamValue;
use fedshare_labnet::{FederationInfoTable, PartnerSite, ServedZones, UpdatesHeld, ZoneData};

use crate::breaks::Break;
use crate::cmdlets::{Outcome, Shell};
use crate::error::LabError;
use crate::persist::{self, StateLock, Synced};
use crate::served::{fold_into, to_labnet, Served};
use crate::views::effective_zones;

/// DNS changes reported by the lab DNS server, not yet folded into the world.
type Queue = Arc<Mutex<Vec<Vec<ZoneData>>>>;

/// The shell and the lab network's view of it.
#[derive(Debug)]
pub(crate) struct Live {
    pub(crate) shell: Shell,
    /// What the lab DNS server served when we last looked (for folding its changes back).
    pub(crate) served: Served,
    /// Where the lab network reads `GetFederationInformation` answers, once it runs.
    pub(crate) published: Option<(FederationInfoTable, Vec<PartnerSite>)>,
    /// The zones the lab DNS server serves, once it runs.
    pub(crate) dns: Option<ServedZones>,
    /// The state file as we last read or wrote it.
    synced: Synced,
    pending: Queue,
    /// Breaks were taken in where the network could not be republished (during a DNS
    /// update): the next lock holder republishes.
    stale: bool,
    /// A save failed: the next change retries it.
    unsaved: bool,
}

/// The world of a running lab host, safe to share between threads.
#[derive(Debug)]
pub struct LiveWorld {
    state: Mutex<Live>,
    pending: Queue,
    data_dir: PathBuf,
}

impl LiveWorld {
    /// The live world of `shell`, persisted in `data_dir`. The shell's world counts as the
    /// current one: breaks written to the state file from now on are taken in, whatever it
    /// held before is overwritten by the first save.
    pub fn new(shell: Shell, data_dir: &Path) -> Self {
        let pending = Queue::default();
        LiveWorld {
            state: Mutex::new(Live {
                synced: first_sync(data_dir, &shell.world.breaks),
                shell,
                served: Served::default(),
                published: None,
                dns: None,
                pending: Arc::clone(&pending),
                stale: false,
                unsaved: false,
            }),
            pending,
            data_dir: data_dir.to_owned(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A copy of the current world.
    pub fn snapshot(&self) -> crate::world::World {
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
                live.publish();
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

    /// The lab network's hook before it answers: takes in breaks changed in the state file
    /// and republishes, unless a lock holder is at work (see the module documentation).
    pub fn before_answer(&self) {
        let mut live = match self.state.try_lock() {
            Ok(live) => live,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        self.settle(&mut live);
        drop(live);
        self.drain();
    }

    /// Runs `f` under the world lock, settled (see [`LiveWorld::settle`]) before and after.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Live) -> R) -> R {
        let result = {
            let mut live = lock(&self.state);
            self.settle(&mut live);
            let result = f(&mut live);
            self.settle(&mut live);
            result
        };
        self.drain();
        result
    }

    /// Takes in what changed around the lock holder (queued DNS updates, breaks in the state
    /// file), republishes when that changes what is served, and persists. Breaks taken in by
    /// the save itself are republished by the next holder (or answer).
    fn settle(&self, live: &mut Live) {
        let mut changed = live.fold_pending();
        live.take_in_breaks(&self.data_dir, false);
        if live.stale {
            changed |= live.publish();
        }
        if changed || live.unsaved {
            live.save_or_log(&self.data_dir);
        }
    }

    /// Applies queued changes whenever the lock is free; when it is not, its holder will.
    /// It may run inside the DNS server's update ([`LiveWorld::zones_changed`]), so it
    /// persists but never republishes: holding updates off there would wait for itself. A
    /// world its save left stale is republished by the next holder or answer.
    fn drain(&self) {
        while !lock(&self.pending).is_empty() {
            let mut live = match self.state.try_lock() {
                Ok(live) => live,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            if live.fold_pending() || live.unsaved {
                live.save_or_log(&self.data_dir);
            }
        }
    }
}

impl Live {
    /// Folds the queued DNS changes into the world; returns whether it changed.
    fn fold_pending(&mut self) -> bool {
        let queued = std::mem::take(&mut *lock(&self.pending));
        let mut changed = false;
        for zones in queued {
            let after = Served::of(&zones);
            changed |= fold_into(&mut self.shell.world, &self.served, &after);
            self.served = after;
        }
        changed
    }

    /// Takes in the breaks another process wrote to the state file since we last read or
    /// wrote it, merged with our own changes since. `force` reads the file even when its
    /// stamp looks unchanged (under the lock, before a save). A file that cannot be read is
    /// left for our next save to replace.
    fn take_in_breaks(&mut self, data_dir: &Path, force: bool) {
        if !force && self.synced.unchanged(data_dir) {
            return;
        }
        let file = match persist::read_breaks(data_dir) {
            Ok(Some(file)) => file,
            Ok(None) => {
                // Nothing to take in; our next save writes the file again.
                self.synced.stamp = None;
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the lab breaks from the state file");
                self.synced = Synced::unreadable(data_dir, &self.shell.world.breaks);
                return;
            }
        };
        let merged =
            crate::breaks::merge(&self.synced.breaks, &self.shell.world.breaks, &file.breaks);
        if let Some(days) = file
            .clock_days
            .filter(|d| *d != self.shell.world.clock_days)
        {
            tracing::info!(days, "the lab clock moved in the state file");
            self.shell.world.clock_days = days;
            self.stale = true;
        }
        self.synced = file;
        self.adopt(merged);
    }

    fn adopt(&mut self, breaks: Vec<Break>) {
        if breaks != self.shell.world.breaks {
            tracing::info!(?breaks, "the lab breaks changed in the state file");
            self.shell.world.breaks = breaks;
            self.stale = true;
        }
    }

    /// Brings what the lab network serves in line with the world: the federation answers,
    /// and the zones, replaced while updates are held off after folding those already
    /// applied (a replacement computed without them would undo them). Returns whether that
    /// fold changed the world, which then needs a save.
    pub(crate) fn publish(&mut self) -> bool {
        self.stale = false;
        let Some(dns) = self.dns.clone() else {
            self.republish();
            return false;
        };
        let held = dns.hold_updates();
        let folded = self.fold_pending();
        self.republish();
        self.replace_zones(&held);
        folded
    }

    fn replace_zones(&mut self, held: &UpdatesHeld<'_>) {
        let zones = match to_labnet(&effective_zones(&self.shell.world)) {
            Ok(zones) => zones,
            Err(e) => {
                tracing::error!(error = %e, "the lab zones cannot be served");
                return;
            }
        };
        let served = Served::of(&zones);
        if served == self.served {
            return;
        }
        match held.replace(zones) {
            Ok(()) => self.served = served,
            Err(e) => tracing::error!(error = %e, "the lab DNS server refused the lab zones"),
        }
    }

    /// Saves the world under the state lock, after taking in the breaks written since we
    /// last looked (our save would drop them otherwise).
    pub(crate) fn save(&mut self, data_dir: &Path) -> Result<(), LabError> {
        let saved = self.save_locked(data_dir);
        self.unsaved = saved.is_err();
        saved
    }

    fn save_locked(&mut self, data_dir: &Path) -> Result<(), LabError> {
        let _lock = StateLock::create(data_dir)?;
        self.take_in_breaks(data_dir, true);
        self.shell.world.save(data_dir)?;
        self.synced = Synced::written(data_dir, &self.shell.world.breaks);
        Ok(())
    }

    fn save_or_log(&mut self, data_dir: &Path) {
        if let Err(e) = self.save(data_dir) {
            // Kept in memory and retried with the next change; the server already answered.
            tracing::error!(error = %e, "could not persist the lab world");
        }
    }

    /// Puts the current `GetFederationInformation` answers where the lab network reads them.
    pub(crate) fn republish(&self) {
        if let Some((table, sites)) = &self.published {
            crate::sites::publish(&self.shell.world, sites, table);
        }
    }
}

/// The state file's breaks as the base for taking in later changes; without a readable
/// file, the world's own.
fn first_sync(data_dir: &Path, ours: &[Break]) -> Synced {
    match persist::read_breaks(data_dir) {
        Ok(Some(file)) => file,
        Ok(None) => Synced {
            stamp: None,
            breaks: ours.to_vec(),
            clock_days: None,
        },
        Err(e) => {
            tracing::warn!(error = %e, "could not read the lab breaks from the state file");
            Synced::unreadable(data_dir, ours)
        }
    }
}

/// A panic while holding a lock must not take the lab host down with it: the shell leaves the
/// world unchanged on errors, and the next save writes whatever state is current.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::FixedKeys;
    use crate::proof::ZoneDataVerifier;
    use crate::world::World;

    fn live_world(dir: &Path) -> LiveWorld {
        let world = World::contoso(0);
        world.save(dir).expect("save");
        let shell = Shell::new(
            world,
            Box::new(ZoneDataVerifier),
            Box::new(FixedKeys::new(Vec::new())),
        );
        LiveWorld::new(shell, dir)
    }

    /// The window the stamp check cannot close: a break written after the holder settled
    /// and before it saves. The save reads the file again under the lock.
    #[test]
    fn a_save_keeps_a_break_written_after_the_holder_settled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let world = live_world(dir.path());
        world.with(|live| {
            crate::admin::apply_break(dir.path(), Break::ClockSkew).expect("break");
            live.shell.world.organization = "Contoso Ltd".into();
            live.shell.world.breaks.retain(|b| *b != Break::ClockSkew);
            live.save(dir.path()).expect("save");
        });
        let on_disk = World::load(dir.path()).expect("state");
        assert_eq!(on_disk.breaks, [Break::ClockSkew]);
        assert_eq!(on_disk.organization, "Contoso Ltd");
        assert_eq!(world.snapshot(), on_disk);
    }

    /// The shell's world is the current one: what the file held before is not taken in.
    #[test]
    fn breaks_in_the_file_before_the_host_started_are_not_taken_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut before = World::contoso(0);
        before.breaks.push(Break::CertExpired);
        before.save(dir.path()).expect("save");
        let shell = Shell::new(
            World::contoso(0),
            Box::new(ZoneDataVerifier),
            Box::new(FixedKeys::new(Vec::new())),
        );
        let world = LiveWorld::new(shell, dir.path());
        assert!(world.snapshot().breaks.is_empty());
        crate::admin::apply_break(dir.path(), Break::ClockSkew).expect("break");
        assert_eq!(
            world.snapshot().breaks,
            [Break::ClockSkew],
            "only the change since is"
        );
    }
}
