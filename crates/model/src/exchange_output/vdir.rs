//! Virtual directories as `Get-WebServicesVirtualDirectory` and
//! `Get-AutodiscoverVirtualDirectory` deliver them.

use serde_json::Value;

use crate::state::VirtualDirectory;

/// One virtual directory object (as [`super::to_json`] gives it). `Identity` and `Server` are
/// their text (`SOLO-E16A\EWS (Default Web Site)`, `SOLO-E16A` in
/// Get-WebServicesVirtualDirectory.xml); a missing value reads as empty or false rather than
/// failing the read, so one odd directory does not hide the others.
pub fn virtual_directory(v: &Value) -> VirtualDirectory {
    VirtualDirectory {
        identity: text(v, "Identity"),
        server: text(v, "Server"),
        external_url: v
            .get("ExternalUrl")
            .and_then(Value::as_str)
            .map(str::to_owned),
        // Exchange spells it WSSecurityAuthentication; the model's own JSON WsSecurity….
        ws_security_authentication: flag(
            v,
            &["WSSecurityAuthentication", "WsSecurityAuthentication"],
        ),
        windows_authentication: flag(v, &["WindowsAuthentication"]),
    }
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn flag(v: &Value, keys: &[&str]) -> bool {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_bool))
        .unwrap_or(false)
}
