//! The journal: one JSON line per event, synced to disk after each write so it survives a
//! crash. `Started` is written before a step runs (with the before-state of what it changes),
//! `Applied`/`Failed` after; undo appends `Undone`.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use fedshare_model::{JournalEntry, JournalOutcome};
use serde::{Deserialize, Serialize};

use crate::error::PlanError;
use crate::step::Action;

/// What Fedshare keeps in [`JournalEntry::before`]: the observed objects and the actions that
/// reverse the step (resolved, once the step has applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BeforeState {
    pub state: serde_json::Value,
    pub undo: Vec<Action>,
}

/// The open journal of one profile. While it is open, no other process (or second apply in
/// this one) can open it: two runs interleaving steps would each plan from a state the other
/// is changing, and undo would reverse the wrong things.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    /// Holds the exclusive lock for as long as the journal is open (released on drop, also
    /// when the process dies).
    _lock: File,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> PlanError + '_ {
    move |source| PlanError::Journal {
        path: path.display().to_string(),
        source,
    }
}

impl Journal {
    /// Opens (or creates) the journal for appending; earlier runs' entries stay.
    pub fn open(path: &Path) -> Result<Journal, PlanError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(path))?;
        }
        let lock = lock(path)?;
        drop_torn_tail(path)?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io(path))?;
        Ok(Journal {
            path: path.to_owned(),
            file,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&mut self, entry: &JournalEntry) -> Result<(), PlanError> {
        let mut line = serde_json::to_string(entry).map_err(|e| PlanError::Journal {
            path: self.path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(io(&self.path))?;
        self.file.sync_data().map_err(io(&self.path))
    }

    pub fn entries(&self) -> Result<Vec<JournalEntry>, PlanError> {
        read(&self.path)
    }
}

/// The lock beside the journal (`<journal>.lock`), taken without waiting. The file says who
/// holds it, for the message the next run shows; the lock itself is the OS file lock, so a
/// crashed run never leaves a stale one behind.
fn lock(path: &Path) -> Result<File, PlanError> {
    let lock_path = lock_path(path);
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&lock_path).unwrap_or_default();
            return Err(PlanError::JournalBusy {
                path: path.display().to_string(),
                holder: holder.trim().to_owned(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
    }
    let holder = format!(
        "process {} since {}",
        std::process::id(),
        crate::apply::now()
    );
    file.set_len(0).map_err(io(&lock_path))?;
    file.write_all(holder.as_bytes()).map_err(io(&lock_path))?;
    Ok(file)
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// A crash mid-write leaves a line without its newline; cut it so new entries start clean.
fn drop_torn_tail(path: &Path) -> Result<(), PlanError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(path)(e)),
    };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(());
    }
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io(path))?;
    file.set_len(keep as u64).map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

/// All entries; a missing journal is empty. A torn last line (a crash mid-write) is ignored;
/// an unreadable line elsewhere is an error.
pub fn read(path: &Path) -> Result<Vec<JournalEntry>, PlanError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(path)(e)),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(entry) => out.push(entry),
            Err(_) if n + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(_) => {
                return Err(PlanError::JournalCorrupt {
                    path: path.display().to_string(),
                    line: n + 1,
                })
            }
        }
    }
    Ok(out)
}

/// Applied steps not yet undone, oldest first (each `Undone` cancels the latest `Applied` of
/// the same step).
pub fn outstanding(entries: &[JournalEntry]) -> Vec<&JournalEntry> {
    let mut stack: Vec<&JournalEntry> = Vec::new();
    for e in entries {
        match e.outcome {
            JournalOutcome::Applied => stack.push(e),
            JournalOutcome::Undone => {
                if let Some(i) = stack.iter().rposition(|a| a.step_id == e.step_id) {
                    stack.remove(i);
                }
            }
            JournalOutcome::Started | JournalOutcome::Failed => {}
        }
    }
    stack
}

/// The undo actions recorded with an `Applied` entry.
pub fn undo_actions(entry: &JournalEntry) -> Vec<Action> {
    entry
        .before
        .clone()
        .and_then(|b| serde_json::from_value::<BeforeState>(b).ok())
        .map(|b| b.undo)
        .unwrap_or_default()
}

/// The federated domains that undoing the outstanding entries removes, newest step first
/// (the order undo runs in).
pub fn undo_removed_domains(entries: &[JournalEntry]) -> Vec<String> {
    outstanding(entries)
        .into_iter()
        .rev()
        .flat_map(undo_actions)
        .filter_map(|a| match a {
            Action::Invoke(inv) if inv.cmdlet.eq_ignore_ascii_case("Remove-FederatedDomain") => {
                match inv.get("DomainName") {
                    Some(fedshare_exchange::ParamValue::String(d)) => Some(d.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(step: &str, outcome: JournalOutcome) -> JournalEntry {
        JournalEntry {
            at: "2025-01-01T00:00:00Z".into(),
            by: "test".into(),
            step_id: step.into(),
            title: step.into(),
            commands: vec![],
            outcome,
            before: None,
            error: None,
        }
    }

    #[test]
    fn a_second_run_cannot_open_the_journal_while_one_has_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let first = Journal::open(&path).unwrap();
        let err = Journal::open(&path).expect_err("the journal is taken");
        match &err {
            PlanError::JournalBusy { holder, .. } => {
                assert!(holder.contains(&format!("process {}", std::process::id())));
            }
            other => panic!("expected JournalBusy, got {other:?}"),
        }
        assert_eq!(fedshare_model::ErrorCode::code(&err), "plan.journal_busy");
        assert!(err.to_string().contains("wait for it to finish"));
        drop(first);
        Journal::open(&path).expect("free again once the first run is done");
    }

    #[test]
    fn survives_a_torn_last_line_and_tracks_outstanding_steps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j/journal.jsonl");
        let mut j = Journal::open(&path).unwrap();
        j.append(&entry("a", JournalOutcome::Started)).unwrap();
        j.append(&entry("a", JournalOutcome::Applied)).unwrap();
        j.append(&entry("b", JournalOutcome::Applied)).unwrap();
        j.append(&entry("b", JournalOutcome::Undone)).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"at\":\"2025").unwrap();
        let all = read(&path).unwrap();
        assert_eq!(all.len(), 4);
        let out: Vec<_> = outstanding(&all)
            .iter()
            .map(|e| e.step_id.clone())
            .collect();
        assert_eq!(out, ["a"]);
        // Reopening cuts the torn line, so the journal stays readable.
        let mut j = Journal::open(&path).unwrap();
        j.append(&entry("c", JournalOutcome::Applied)).unwrap();
        assert_eq!(read(&path).unwrap().len(), 5);
        std::fs::write(&path, "not json\n{}\n").unwrap();
        assert!(matches!(
            read(&path),
            Err(PlanError::JournalCorrupt { line: 1, .. })
        ));
        assert!(read(&dir.path().join("none")).unwrap().is_empty());
    }
}
