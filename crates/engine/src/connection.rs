//! How a profile reaches a real organization's remote PowerShell, checked before anything
//! starts: the URL forms Exchange administrators use, the authentication that fits each, the
//! certificate checks relaxed only by an explicit choice, and the host start failures (Group
//! Policy execution policy, Constrained Language Mode, the session itself) as typed errors
//! with what to do.
//!
//! Microsoft documents `http://<server FQDN>/PowerShell/` with Kerberos (Kerberos encrypts the
//! WinRM traffic); https works once the workstation trusts the server's certificate. Basic sends
//! the password as is, so it is refused over http.

use fedshare_exchange::protocol::Authentication;
use fedshare_exchange::ExchangeError;
use fedshare_model::ErrorCode;
use url::{Host, Url};

/// First labels of the names that usually point at a load balancer, not at one server.
const SHARED_NAMES: [&str; 8] = [
    "mail",
    "outlook",
    "webmail",
    "owa",
    "autodiscover",
    "exchange",
    "ews",
    "remote",
];

/// The connection settings of a remote PowerShell profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteSettings<'a> {
    pub connection_uri: &'a str,
    /// The keychain's credential rather than the current Windows identity.
    pub stored_credential: bool,
    pub authentication: Authentication,
    pub skip_ca_check: bool,
    pub skip_cn_check: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("'{uri}' is not a remote PowerShell URL ({reason}); use http://<server FQDN>/PowerShell/ (Kerberos, Microsoft's documented form) or https://<name>/PowerShell/")]
    BadUri { uri: String, reason: String },

    #[error("Basic authentication over http:// would send the password readable on the network; use https://{host}/PowerShell/ with Basic, or Kerberos or Negotiate over http")]
    BasicOverHttp { host: String },

    #[error("Basic authentication sends a user name and password, and this profile uses the current Windows identity; choose \"Stored credential\" and store one, or use Kerberos or Negotiate")]
    BasicNeedsCredential,

    #[error("SkipCACheck and SkipCNCheck relax the checks of an https certificate, and '{uri}' is http; turn them off, or use https://")]
    CertificateChecksWithoutTls { uri: String },

    #[error("Windows PowerShell (powershell.exe) could not be started; a real organization is reached from a Windows administration workstation with Windows PowerShell 5.1 and the WinRM client (the lab and the DNS commands work anywhere)")]
    PowerShellMissing,

    #[error("a Group Policy execution policy blocks the Exchange commands on this workstation: {detail}")]
    ExecutionPolicy { detail: String },

    #[error("Windows PowerShell runs in Constrained Language Mode here, which blocks the Fedshare host: {detail}")]
    ConstrainedLanguage { detail: String },

    #[error("could not open the Exchange session: {detail}; {hint}")]
    SessionFailed { detail: String, hint: String },
}

impl ErrorCode for ConnectionError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadUri { .. } => "engine.connection_uri",
            Self::BasicOverHttp { .. } => "engine.basic_over_http",
            Self::BasicNeedsCredential => "engine.basic_needs_credential",
            Self::CertificateChecksWithoutTls { .. } => "engine.certificate_checks_without_tls",
            Self::PowerShellMissing => "engine.powershell_missing",
            Self::ExecutionPolicy { .. } => "engine.host_execution_policy",
            Self::ConstrainedLanguage { .. } => "engine.host_constrained_language",
            Self::SessionFailed { .. } => "engine.session_failed",
        }
    }
}

/// Checks the settings; returns the warnings worth showing (a name that is not a server's,
/// relaxed certificate checks), or the error that makes them unusable.
pub fn review(settings: &RemoteSettings<'_>) -> Result<Vec<String>, ConnectionError> {
    let uri = settings.connection_uri.trim();
    let bad = |reason: &str| ConnectionError::BadUri {
        uri: uri.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(uri).map_err(|e| bad(&e.to_string()))?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(bad(&format!("{other}: is not http or https"))),
    };
    let host = url.host().ok_or_else(|| bad("it names no server"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "a user name or password does not belong in the URL; store the credential instead",
        ));
    }
    if !https && settings.authentication == Authentication::Basic {
        return Err(ConnectionError::BasicOverHttp {
            host: host.to_string(),
        });
    }
    if settings.authentication == Authentication::Basic && !settings.stored_credential {
        return Err(ConnectionError::BasicNeedsCredential);
    }
    if !https && (settings.skip_ca_check || settings.skip_cn_check) {
        return Err(ConnectionError::CertificateChecksWithoutTls {
            uri: uri.to_owned(),
        });
    }
    let mut warnings = Vec::new();
    if !url
        .path()
        .trim_end_matches('/')
        .eq_ignore_ascii_case("/powershell")
    {
        warnings.push(format!(
            "the path is {}, and Exchange's remote PowerShell endpoint is /PowerShell/",
            url.path()
        ));
    }
    if settings.authentication != Authentication::Basic {
        warnings.extend(name_warning(&host));
    }
    warnings.extend(certificate_notes(settings));
    Ok(warnings)
}

/// The relaxed certificate checks, in words, for the profile list and the connection status.
pub fn certificate_notes(settings: &RemoteSettings<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    if settings.skip_ca_check {
        notes.push("SkipCACheck: the server's certificate authority is not checked".to_owned());
    }
    if settings.skip_cn_check {
        notes.push("SkipCNCheck: the certificate does not have to name the server".to_owned());
    }
    notes
}

/// Kerberos needs the server's own name: an address, a short name or a load-balanced name
/// fails unless set up for it.
fn name_warning(host: &Host<&str>) -> Option<String> {
    let name = match host {
        Host::Ipv4(_) | Host::Ipv6(_) => {
            return Some(format!(
                "{host} is an address: Kerberos needs a name; use the server's FQDN, or Negotiate (which then uses NTLM and needs the address in WinRM's TrustedHosts)"
            ))
        }
        Host::Domain(name) => name.trim_end_matches('.'),
    };
    let first = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    if !name.contains('.') {
        return Some(format!(
            "'{name}' is a single-label name, not a server FQDN: Kerberos may not find the server's service name; use its full name, e.g. {name}.contoso.com"
        ));
    }
    SHARED_NAMES.contains(&first.as_str()).then(|| format!(
        "'{name}' looks like a load-balanced name, not a server FQDN: Kerberos to it needs an alternate service account (ASA) on the Client Access servers; without one, use a server's FQDN (e.g. ex01.{})",
        name.split_once('.').map(|(_, d)| d).unwrap_or(name)
    ))
}

/// Turns a failure to start the host into what the administrator can act on. The host writes
/// `fedshare-host: <reason>: <text>` to stderr before it exits; the bootstrap's Constrained
/// Language check may only reach stderr through PowerShell's error formatting.
pub fn host_failure(err: ExchangeError) -> crate::EngineError {
    match err {
        ExchangeError::HostStart { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            ConnectionError::PowerShellMissing.into()
        }
        ExchangeError::HostExited {
            status,
            stderr_tail,
        } => match reason_line(&stderr_tail).or_else(|| reason_of_exit(&status)) {
            Some(("execution-policy", detail)) => {
                ConnectionError::ExecutionPolicy { detail }.into()
            }
            Some(("constrained-language", detail)) => {
                ConnectionError::ConstrainedLanguage { detail }.into()
            }
            Some(("session", detail)) => ConnectionError::SessionFailed {
                hint: session_hint(&detail).to_owned(),
                detail,
            }
            .into(),
            _ => ExchangeError::HostExited {
                status,
                stderr_tail,
            }
            .into(),
        },
        other => other.into(),
    }
}

/// The reason and text of the host's `fedshare-host: <reason>: <text>` line, if it wrote one.
fn reason_line(stderr: &str) -> Option<(&str, String)> {
    stderr.lines().find_map(|line| {
        let rest = &line[line.find("fedshare-host: ")? + "fedshare-host: ".len()..];
        let (reason, text) = rest.split_once(": ")?;
        let known = ["execution-policy", "constrained-language", "session"];
        known
            .iter()
            .find(|k| **k == reason)
            .map(|k| (*k, text.trim().to_owned()))
    })
}

/// The reason behind the host's own exit codes, for when its stderr line did not arrive
/// (the bootstrap's Constrained Language check can only use PowerShell's error output).
fn reason_of_exit(status: &str) -> Option<(&'static str, String)> {
    let code = status
        .rsplit([' ', ':'])
        .next()?
        .trim()
        .parse::<i32>()
        .ok()?;
    let what = format!("the host stopped with exit code {code}");
    match code {
        77 => Some(("execution-policy", format!("{what}; Get-ExecutionPolicy -List shows the MachinePolicy and UserPolicy that Group Policy sets"))),
        78 => Some(("constrained-language", format!("{what}; $ExecutionContext.SessionState.LanguageMode shows the mode"))),
        _ => None,
    }
}

/// What usually fixes a session that would not open, from WinRM's own words.
fn session_hint(detail: &str) -> &'static str {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("ssl") {
        "the server's certificate is not trusted here or does not carry this name: trust its certificate authority on this workstation, connect with the name it carries, use http://<server FQDN>/PowerShell/ with Kerberos, or choose SkipCACheck/SkipCNCheck in the profile"
    } else if lower.contains("kerberos")
        || lower.contains("0x80090322")
        || lower.contains("0x8009030e")
    {
        "Kerberos needs a domain-joined workstation and the server's own FQDN (or an alternate service account for a load-balanced name): use http://<server FQDN>/PowerShell/, or Negotiate, or Basic over https"
    } else if lower.contains("access is denied")
        || lower.contains("access denied")
        || lower.contains("logon failure")
    {
        "the server refused the account: check the stored user name and password (DOMAIN\\user), that the account has remote PowerShell enabled (Set-User -RemotePowerShellEnabled $true), and that it is in an Exchange role group"
    } else if lower.contains("cannot connect")
        || lower.contains("cannot find the computer")
        || lower.contains("winrm")
    {
        "the server could not be reached: check the name and that TCP 80 (http) or 443 (https) is open to it, and that the WinRM service runs on this workstation (Start-Service WinRM)"
    } else {
        "check the URL, the authentication and the account in the profile"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(uri: &str, authentication: Authentication) -> RemoteSettings<'_> {
        RemoteSettings {
            connection_uri: uri,
            stored_credential: true,
            authentication,
            skip_ca_check: false,
            skip_cn_check: false,
        }
    }

    #[test]
    fn microsofts_documented_form_is_accepted_without_warnings() {
        let ok = review(&settings(
            "http://ex01.contoso.com/PowerShell/",
            Authentication::Kerberos,
        ));
        assert_eq!(ok.expect("accepted"), Vec::<String>::new());
        let ok = review(&settings(
            "https://ex01.contoso.com/powershell",
            Authentication::Negotiate,
        ));
        assert_eq!(ok.expect("accepted"), Vec::<String>::new());
        let ok = review(&settings(
            "https://mail.contoso.com/PowerShell/",
            Authentication::Basic,
        ));
        assert_eq!(ok.expect("basic over https"), Vec::<String>::new());
    }

    #[test]
    fn basic_over_http_and_certificate_choices_over_http_are_refused_with_words() {
        let err = review(&settings(
            "http://ex01.contoso.com/PowerShell/",
            Authentication::Basic,
        ))
        .expect_err("basic over http");
        assert_eq!(err.code(), "engine.basic_over_http");
        assert!(
            err.to_string()
                .contains("https://ex01.contoso.com/PowerShell/"),
            "{err}"
        );
        let mut relaxed = settings(
            "http://ex01.contoso.com/PowerShell/",
            Authentication::Kerberos,
        );
        relaxed.skip_ca_check = true;
        assert_eq!(
            review(&relaxed).expect_err("no TLS").code(),
            "engine.certificate_checks_without_tls"
        );
        for bad in [
            "ftp://ex01/PowerShell/",
            "ex01.contoso.com",
            "https://",
            "https://u:p@ex01.contoso.com/PowerShell/",
        ] {
            let err = review(&settings(bad, Authentication::Kerberos)).expect_err(bad);
            assert_eq!(err.code(), "engine.connection_uri", "{bad}");
        }
    }

    #[test]
    fn names_that_are_not_a_servers_fqdn_are_warned_about() {
        let warn = |uri| review(&settings(uri, Authentication::Kerberos)).expect("accepted");
        let single = warn("http://ex01/PowerShell/");
        assert!(single[0].contains("single-label"), "{single:?}");
        for shared in [
            "https://mail.contoso.com/PowerShell/",
            "https://Outlook.contoso.com/PowerShell/",
            "https://webmail.contoso.com/PowerShell/",
        ] {
            let w = warn(shared);
            assert!(w[0].contains("alternate service account"), "{w:?}");
        }
        assert!(warn("https://192.0.2.10/PowerShell/")[0].contains("address"));
        assert!(warn("https://ex01.contoso.com/ecp/")[0].contains("/PowerShell/"));
        // Basic does not care which name the server has.
        let basic = review(&settings(
            "https://mail.contoso.com/PowerShell/",
            Authentication::Basic,
        ));
        assert!(basic.expect("accepted").is_empty());
    }

    #[test]
    fn basic_needs_the_stored_credential() {
        let mut identity = settings(
            "https://ex01.contoso.com/PowerShell/",
            Authentication::Basic,
        );
        identity.stored_credential = false;
        assert_eq!(
            review(&identity).expect_err("no credential").code(),
            "engine.basic_needs_credential"
        );
    }

    #[test]
    fn relaxed_certificate_checks_are_said_in_words() {
        let mut relaxed = settings(
            "https://ex01.contoso.com/PowerShell/",
            Authentication::Kerberos,
        );
        relaxed.skip_ca_check = true;
        relaxed.skip_cn_check = true;
        let notes = review(&relaxed).expect("accepted");
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with("SkipCACheck") && notes[1].starts_with("SkipCNCheck"));
    }

    /// Every `Stop-Host '<reason>' "..." <code>` of the host script, and the bootstrap's line.
    fn host_stops() -> Vec<(String, i32)> {
        use fedshare_exchange::host_ps::{BOOTSTRAP, HOST_SCRIPT};
        let mut stops: Vec<(String, i32)> = HOST_SCRIPT
            .lines()
            .filter_map(|line| {
                let call = &line[line.find("Stop-Host '")? + "Stop-Host '".len()..];
                let (reason, rest) = call.split_once('\'')?;
                let code = rest.trim().rsplit(' ').next()?.parse().ok()?;
                Some((reason.to_owned(), code))
            })
            .collect();
        assert!(BOOTSTRAP.contains("fedshare-host: constrained-language: "));
        assert!(BOOTSTRAP.contains("exit 78"));
        stops.push(("constrained-language".to_owned(), 78));
        stops
    }

    #[test]
    fn the_engine_knows_every_reason_the_host_stops_with() {
        let stops = host_stops();
        let reasons: Vec<&str> = stops.iter().map(|(r, _)| r.as_str()).collect();
        assert!(
            reasons.contains(&"execution-policy") && reasons.contains(&"session"),
            "{stops:?}"
        );
        for (reason, code) in &stops {
            // 'hello' means the engine itself broke the protocol: no advice for the user.
            if reason == "hello" {
                continue;
            }
            let err = host_failure(exited(&format!("fedshare-host: {reason}: details")));
            assert_ne!(
                err.code(),
                "exchange.host_exited",
                "{reason} is not recognised"
            );
            if *code >= 77 {
                let by_code = reason_of_exit(&format!("exit code: {code}")).expect("known code");
                assert_eq!(by_code.0, reason, "exit code {code}");
            }
        }
    }

    fn exited(stderr: &str) -> ExchangeError {
        ExchangeError::HostExited {
            status: "exit code: 1".into(),
            stderr_tail: stderr.into(),
        }
    }

    #[test]
    fn host_start_failures_become_typed_errors_with_guidance() {
        let policy = host_failure(exited("fedshare-host: execution-policy: Group Policy sets the MachinePolicy execution policy to AllSigned, which stops Import-PSSession"));
        assert_eq!(policy.code(), "engine.host_execution_policy");
        assert!(policy.to_string().contains("AllSigned"), "{policy}");
        // The bootstrap's line arrives through PowerShell's error formatting.
        let clm = host_failure(exited("Write-Error: fedshare-host: constrained-language: PowerShell runs in ConstrainedLanguage mode\n+ CategoryInfo : NotSpecified"));
        assert_eq!(clm.code(), "engine.host_constrained_language");
        let session = host_failure(exited("fedshare-host: session: could not open the Exchange session to https://mail.contoso.com/PowerShell/: Connecting to remote server mail.contoso.com failed with the following error message : WinRM cannot process the request. The following error occurred while using Kerberos authentication"));
        assert_eq!(session.code(), "engine.session_failed");
        assert!(
            session.to_string().contains("alternate service account"),
            "{session}"
        );
        let cert = host_failure(exited("fedshare-host: session: x: The SSL certificate contains a common name (CN) that does not match the hostname."));
        assert!(
            cert.to_string().contains("SkipCACheck/SkipCNCheck"),
            "{cert}"
        );
        let missing = host_failure(ExchangeError::HostStart {
            program: "powershell.exe".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
        assert_eq!(missing.code(), "engine.powershell_missing");
        // Without the line, the host's own exit codes still say it.
        let quiet = |status: &str| ExchangeError::HostExited {
            status: status.into(),
            stderr_tail: String::new(),
        };
        assert_eq!(
            host_failure(quiet("exit code: 78")).code(),
            "engine.host_constrained_language"
        );
        assert_eq!(
            host_failure(quiet("exit status: 77")).code(),
            "engine.host_execution_policy"
        );
        assert_eq!(
            host_failure(quiet("exit status: 1")).code(),
            "exchange.host_exited"
        );
        // Anything else keeps its own code.
        assert_eq!(host_failure(exited("boom")).code(), "exchange.host_exited");
    }
}
