//! What the engine sent, in order: one JSON line per invocation, written by the replay host
//! as it answers (flushed at once, so a killed host leaves a complete record).

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ReplayError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// A rule answered with output objects.
    Answered,
    /// A rule answered with Exchange's error.
    Failed,
    /// No rule expected this invocation: it was answered with `ReplayUnexpectedInvocation`.
    Unexpected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The phase the scenario was in when the invocation arrived.
    pub phase: String,
    /// The invocation as one PowerShell line.
    pub invoke: String,
    pub outcome: Outcome,
    /// Output objects sent back.
    pub objects: usize,
}

/// Appends entries to the transcript file.
#[derive(Debug)]
pub struct Writer {
    file: std::fs::File,
}

impl Writer {
    pub fn create(path: &Path) -> Result<Writer, ReplayError> {
        let file = std::fs::File::create(path).map_err(|source| ReplayError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok(Writer { file })
    }

    pub fn record(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()
    }
}

/// A transcript read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    pub entries: Vec<Entry>,
}

impl Transcript {
    /// Reads a transcript; a missing file is an empty transcript (the host never started).
    pub fn read(path: &Path) -> Result<Transcript, ReplayError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ReplayError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        let entries = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| ReplayError::Transcript {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Transcript { entries })
    }

    /// The invocations no rule expected, as lines.
    pub fn unexpected(&self) -> Vec<&str> {
        self.lines_where(|e| e.outcome == Outcome::Unexpected)
    }

    /// The invocations that change the organization, in the order they were sent.
    pub fn writes(&self) -> Vec<&str> {
        self.lines_where(|e| crate::scenario::is_write(&e.invoke))
    }

    /// Every invocation, in order.
    pub fn lines(&self) -> Vec<&str> {
        self.lines_where(|_| true)
    }

    /// Round trips to Exchange: one per invocation.
    pub fn round_trips(&self) -> usize {
        self.entries.len()
    }

    /// The entries after the first `skip` (what one operation sent, given the count before it).
    pub fn since(&self, skip: usize) -> Transcript {
        Transcript {
            entries: self.entries.iter().skip(skip).cloned().collect(),
        }
    }

    fn lines_where(&self, keep: impl Fn(&Entry) -> bool) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| keep(e))
            .map(|e| e.invoke.as_str())
            .collect()
    }
}
