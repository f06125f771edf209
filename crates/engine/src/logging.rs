//! Logging set-up for both front ends. Secrets never reach a log because the types that hold
//! them redact themselves in `Debug` and are never formatted with `Display`.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, EnvFilter};

/// The file name prefix of the desktop app's daily log files.
const LOG_PREFIX: &str = "fedshare.log";

/// Logs to a daily rolling file in `log_dir` (keeps a week). Keep the guard alive for the
/// lifetime of the process: dropping it flushes and stops the writer.
pub fn init_file(log_dir: &Path) -> std::io::Result<WorkerGuard> {
    std::fs::create_dir_all(log_dir)?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .max_log_files(7)
        .build(log_dir)
        .map_err(std::io::Error::other)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("FEDSHARE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation (tests) is harmless; keep the first subscriber.
    let _ = fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
    Ok(guard)
}

/// Logs to stderr for the CLI: warnings by default, more with each `-v`.
pub fn init_stderr(verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("FEDSHARE_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The newest log file in `log_dir`, if any.
pub fn newest_log(log_dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(log_dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(LOG_PREFIX))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// The last `n` lines of the newest log file (empty when there is none).
pub fn tail(log_dir: &Path, n: usize) -> Vec<String> {
    let Some(path) = newest_log(log_dir) else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| (*l).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_reads_the_newest_file_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fedshare.log.2026-01-01"), "old\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let body: String = (1..=60).map(|i| format!("line {i}\n")).collect();
        std::fs::write(dir.path().join("fedshare.log.2026-01-02"), body).unwrap();
        let last = tail(dir.path(), 3);
        assert_eq!(last, vec!["line 58", "line 59", "line 60"]);
    }

    #[test]
    fn tail_of_missing_dir_is_empty() {
        assert!(tail(Path::new("/nonexistent/fedshare"), 5).is_empty());
    }
}
