//! The shell protocol: JSON lines over a child process's stdin and stdout.
//!
//! Engine → host: one [`HostMessage`] per line. Host → engine: one [`HostReply`] per line.
//! The first exchange is always `hello`; credentials, when any, travel once in the hello
//! request over stdin and never on a command line or in the environment.
//!
//! Version 2: a result's `output` holds one CLIXML document per output object, exactly as
//! `[System.Management.Automation.PSSerializer]::Serialize($object, 2)` writes it (the lab
//! host writes the same shapes); the engine reads them with
//! `fedshare_model::exchange_output::read_documents`.

use serde::{Deserialize, Serialize};

use crate::invocation::ParamValue;

/// The protocol version both sides must speak.
pub const PROTOCOL_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HostMessage {
    Hello(HelloRequest),
    Invoke(Request),
    /// Asks the host to end its remote session and exit cleanly.
    Bye,
}

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelloRequest {
    pub protocol: u32,
    /// `http(s)://server/PowerShell/` for the Windows host; ignored by the lab host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_uri: Option<String>,
    /// How the Windows host authenticates its remote session (`New-PSSession -Authentication`);
    /// `None` is Kerberos. Ignored by the lab host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    /// `New-PSSessionOption -SkipCACheck`: the profile's explicit choice, never a default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_ca_check: bool,
    /// `New-PSSessionOption -SkipCNCheck`: the profile's explicit choice, never a default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_cn_check: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<HostCredential>,
}

/// The authentication mechanisms Fedshare offers for Exchange's `/PowerShell` endpoint, named
/// as PowerShell's `AuthenticationMechanism` names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum Authentication {
    /// Microsoft's documented way (`http://<server FQDN>/PowerShell/`): needs the server's own
    /// name, or an alternate service account for a load-balanced name.
    #[default]
    Kerberos,
    /// Kerberos when it can, NTLM otherwise (e.g. an IP address or a workstation outside the domain).
    Negotiate,
    /// User name and password as sent; only over https, and only where the virtual directory allows it.
    Basic,
}

impl Authentication {
    /// PowerShell's name of the mechanism.
    pub fn as_str(self) -> &'static str {
        match self {
            Authentication::Kerberos => "Kerberos",
            Authentication::Negotiate => "Negotiate",
            Authentication::Basic => "Basic",
        }
    }
}

impl std::fmt::Debug for HelloRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelloRequest")
            .field("protocol", &self.protocol)
            .field("connection_uri", &self.connection_uri)
            .field("authentication", &self.authentication)
            .field("skip_ca_check", &self.skip_ca_check)
            .field("skip_cn_check", &self.skip_cn_check)
            .field(
                "credential",
                &self.credential.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// A user name and password for the remote session. Debug never prints the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostCredential {
    pub user_name: String,
    pub password: String,
}

impl std::fmt::Debug for HostCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostCredential")
            .field("user_name", &self.user_name)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub cmdlet: String,
    /// Parameter name → typed value. Ordered so scripts and logs are stable.
    pub params: Vec<(String, ParamValue)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HostReply {
    Hello(HelloReply),
    Result(Response),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelloReply {
    pub protocol: u32,
    /// `lab` or `powershell`.
    pub host: String,
    pub host_version: String,
    /// The organization name the session is connected to.
    pub organization: String,
    /// The connected server's `AdminDisplayVersion` as Exchange prints it, e.g.
    /// `Version 15.0 (Build 1497.2)` (`Get-ExchangeServer`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_version: Option<String>,
    /// Lab endpoints (DNS server, HTTPS partners) when the host is the lab world.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<LabEndpoints>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabEndpoints {
    /// `127.0.0.1:port` of the lab DNS server.
    pub dns: String,
    /// `127.0.0.1:port` of the lab HTTPS server that answers for every lab host name.
    pub https: String,
    /// `127.0.0.1:port` of the lab's plain HTTP listener (the Autodiscover redirect probe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<String>,
    /// PEM of the lab certificate authority, trusted only for lab traffic.
    pub ca_pem: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub id: u64,
    pub ok: bool,
    /// One CLIXML `<Objs>` document per output object, in output order.
    #[serde(default)]
    pub output: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ShellError>,
    /// Warnings the cmdlet wrote (e.g. `AnonymousSharingEnabledWarning`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An error as PowerShell reports it, kept verbatim so the explainer can match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShellError {
    /// PowerShell's ErrorCategory, e.g. `InvalidOperation`.
    pub category: String,
    /// The exception type name, e.g. `TrustAlreadyDefinedException`.
    pub exception: String,
    pub message: String,
    /// The FullyQualifiedErrorId.
    pub error_id: String,
}
