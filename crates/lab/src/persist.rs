//! The lab state file shared between processes: a running lab host (`lab-host`, `lab serve`)
//! keeps the world in memory while `fedshare lab break` / `lab fix` edit the file.
//!
//! The rules:
//! - Every read-modify-write of the file, and every save of a running host, happens under an
//!   advisory lock on [`LOCK_FILE`] next to it ([`StateLock`]). The state file cannot carry the
//!   lock itself: each save replaces it (temp file + rename), and a lock on the replaced file
//!   would guard nothing.
//! - A running host owns the configuration and adopts only the file's `breaks`. Anything else
//!   another process writes there is overwritten by the host's next save.
//! - The host notices a change by the file's [`Stamp`] before it answers (a cmdlet, a DNS
//!   query, a GetFederationInformation request), and reads the file again under the lock
//!   before every save, merging the breaks three ways ([`crate::breaks::merge`]) so neither
//!   side loses the other's change.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;

use crate::breaks::Break;
use crate::error::LabError;
use crate::world::{io_error, World};

/// The advisory lock file beside the state file. It is never removed: removing it would let
/// two processes lock two different files.
pub(crate) const LOCK_FILE: &str = "lab-world.lock";
/// How long a writer waits for the lock. Holders keep it for one read and one write, so only
/// a hung process holds it this long, and the writer then fails rather than hangs with it.
const LOCK_WAIT: Duration = Duration::from_secs(5);
const LOCK_RETRY: Duration = Duration::from_millis(5);
/// File systems keep modification times at a coarse tick (a kernel jiffy on Linux, 2 s on
/// FAT): a stamp younger than this may hide a second write in the same tick.
const RACY: Duration = Duration::from_secs(2);

/// The exclusive lock on the lab state of one directory, released on drop.
#[derive(Debug)]
pub(crate) struct StateLock {
    _file: File,
}

impl StateLock {
    /// [`StateLock::acquire`], creating `data_dir` first (for creating the lab there).
    pub(crate) fn create(data_dir: &Path) -> Result<StateLock, LabError> {
        std::fs::create_dir_all(data_dir).map_err(|e| io_error(data_dir, e))?;
        Self::acquire(data_dir)
    }

    /// Waits up to [`LOCK_WAIT`] for the lock. A directory without a lab (no lock file can be
    /// created in it) is [`LabError::NotInitialized`].
    pub(crate) fn acquire(data_dir: &Path) -> Result<StateLock, LabError> {
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => {
                    LabError::NotInitialized(data_dir.display().to_string())
                }
                _ => io_error(&path, source),
            })?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StateLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(LOCK_RETRY);
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(LabError::StateLocked(path.display().to_string()))
                }
                Err(std::fs::TryLockError::Error(source)) => return Err(io_error(&path, source)),
            }
        }
    }
}

/// What a `stat` of the state file tells: enough to see that it changed without reading it.
///
/// Length and modification time rather than a generation counter inside the file: a counter
/// costs a read and a parse on every check, and the host checks before every answer. Every
/// writer replaces the file, so a change moves its modification time, except within one
/// timestamp tick; a stamp younger than [`RACY`] is therefore never trusted and the file is
/// read again (git's "racily clean" rule), which only costs reads in the seconds after a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(meta: &Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    /// The state file's stamp now; `None` when there is no file (or it cannot be seen).
    fn current(data_dir: &Path) -> Option<Stamp> {
        std::fs::metadata(World::state_path(data_dir))
            .ok()
            .map(|m| Stamp::of(&m))
    }

    /// Whether a later write would certainly have changed this stamp.
    fn settled(&self) -> bool {
        self.modified
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age >= RACY)
    }
}

/// The state file as this process last read or wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Synced {
    pub(crate) stamp: Option<Stamp>,
    pub(crate) breaks: Vec<Break>,
    /// The lab clock's advance in the file (`lab clock`); `None` when not read from it.
    pub(crate) clock_days: Option<i64>,
}

impl Synced {
    /// After our own save, under the lock (so the stamp is that of what we wrote).
    pub(crate) fn written(data_dir: &Path, breaks: &[Break]) -> Synced {
        Synced {
            stamp: Stamp::current(data_dir),
            breaks: breaks.to_vec(),
            clock_days: None,
        }
    }

    /// The file could not be read: it counts as seen until it changes again (so a damaged file
    /// is reported once per write, not before every answer), our breaks as its breaks.
    pub(crate) fn unreadable(data_dir: &Path, ours: &[Break]) -> Synced {
        Self::written(data_dir, ours)
    }

    /// True when the file certainly still holds what we last saw: one `stat`, no read.
    pub(crate) fn unchanged(&self, data_dir: &Path) -> bool {
        match (Stamp::current(data_dir), self.stamp) {
            (None, None) => true,
            (Some(now), Some(seen)) => now == seen && now.settled(),
            _ => false,
        }
    }
}

/// Only the part of the state a running host adopts; the rest of the file is skipped.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BreaksOnly {
    breaks: Vec<Break>,
    /// Only `lab clock` moves the clock, so a running host takes the file's value as it is.
    #[serde(default)]
    clock_days: i64,
}

/// The file's breaks with the stamp of the very file read (taken from the open handle, so a
/// replacement in between cannot pair one file's stamp with another's content); `None` when
/// there is no file.
pub(crate) fn read_breaks(data_dir: &Path) -> Result<Option<Synced>, LabError> {
    let path = World::state_path(data_dir);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(io_error(&path, source)),
    };
    let meta = file.metadata().map_err(|e| io_error(&path, e))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| io_error(&path, e))?;
    let parsed: BreaksOnly =
        serde_json::from_str(&text).map_err(|source| LabError::StateCorrupt {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Some(Synced {
        stamp: Some(Stamp::of(&meta)),
        breaks: parsed.breaks,
        clock_days: Some(parsed.clock_days),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = StateLock::acquire(dir.path()).expect("lock");
        let waiter = {
            let dir = dir.path().to_owned();
            std::thread::spawn(move || {
                let started = Instant::now();
                StateLock::acquire(&dir).map(|_| started.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
        let waited = waiter
            .join()
            .expect("joined")
            .expect("locked after release");
        assert!(waited >= Duration::from_millis(90), "{waited:?}");
    }

    #[test]
    fn no_lab_directory_is_not_initialised() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = StateLock::acquire(&dir.path().join("missing")).expect_err("no directory");
        assert!(matches!(err, LabError::NotInitialized(_)));
    }

    /// Sets the state file's modification time `age` into the past.
    fn age(dir: &Path, age: Duration) {
        let file = File::options()
            .write(true)
            .open(World::state_path(dir))
            .expect("state file");
        file.set_modified(SystemTime::now() - age)
            .expect("set mtime");
    }

    #[test]
    fn only_a_settled_unchanged_stamp_spares_the_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut world = World::contoso(0);
        world.save(dir.path()).expect("save");
        let seen = read_breaks(dir.path()).expect("read").expect("a file");
        assert!(seen.breaks.is_empty());
        assert!(!seen.unchanged(dir.path()), "written just now: racy");

        age(dir.path(), RACY * 2);
        let settled = Synced::written(dir.path(), &[]);
        assert!(settled.unchanged(dir.path()));
        world.breaks.push(Break::ClockSkew);
        world.save(dir.path()).expect("save");
        assert!(!settled.unchanged(dir.path()), "a new write is seen");
        let now = read_breaks(dir.path()).expect("read").expect("a file");
        assert_eq!(now.breaks, [Break::ClockSkew]);

        std::fs::remove_file(World::state_path(dir.path())).expect("remove");
        assert!(!now.unchanged(dir.path()), "a removed file is a change");
        assert_eq!(read_breaks(dir.path()).expect("no error"), None);
        assert!(Synced::written(dir.path(), &[]).unchanged(dir.path()));
    }
}
