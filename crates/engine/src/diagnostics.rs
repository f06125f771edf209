//! "Copy diagnostics": what support needs to help, and nothing secret.

use crate::{AppInfo, AppPaths, ConnectionInfo};

/// How many log lines the diagnostics text carries.
const LOG_LINES: usize = 40;

/// A plain-text block for a ticket: version, OS, the connection (no credentials are ever part
/// of [`ConnectionInfo`]) and the last log lines.
pub fn gather(paths: &AppPaths, connection: Option<&ConnectionInfo>) -> String {
    let info = AppInfo::new(paths);
    let mut out = format!(
        "Fedshare {}\nOS: {}\nData: {}\nLogs: {}\n",
        info.version, info.os, info.data_dir, info.log_dir
    );
    match connection {
        Some(c) => out.push_str(&format!(
            "Profile: {}\nOrganization: {}{}\nExchange: {}\nHost: {} {}\n",
            c.profile,
            c.organization,
            if c.is_lab { " (LAB)" } else { "" },
            c.exchange_version,
            c.host,
            c.host_version
        )),
        None => out.push_str("Profile: not connected\n"),
    }
    out.push_str(&format!("\nLast {LOG_LINES} log lines:\n"));
    for line in crate::logging::tail(&paths.log_dir, LOG_LINES) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_connection_and_log_tail() {
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(dir.path().to_path_buf());
        std::fs::create_dir_all(&paths.log_dir).unwrap();
        std::fs::write(paths.log_dir.join("fedshare.log.x"), "connected to lab\n").unwrap();
        let conn = ConnectionInfo {
            profile: "Lab".into(),
            organization: "Contoso".into(),
            is_lab: true,
            host: "lab".into(),
            host_version: "0.1.0".into(),
            exchange_version: "15.0 (Build 1497.2)".into(),
            connection_notes: None,
        };
        let text = gather(&paths, Some(&conn));
        assert!(text.contains("Organization: Contoso (LAB)"), "{text}");
        assert!(text.contains("connected to lab"), "{text}");
    }
}
