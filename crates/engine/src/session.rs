//! One session with one Exchange shell: started on first use, kept for the whole run, and
//! restarted by the client when the interpreter dies.

use std::path::PathBuf;
use std::time::Duration;

use fedshare_credentials::{load_credential, CredentialKey, Purpose, Store, StoredCredential};
use fedshare_exchange::client::{ClientOptions, HostCommand, ShellClient};
use fedshare_exchange::host_ps::{self, PowerShell};
use fedshare_exchange::protocol::{HelloRequest, HostCredential, LabEndpoints, PROTOCOL_VERSION};
use fedshare_exchange::Invocation;
use fedshare_model::ErrorCode;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::connection;
use crate::profile::{Backend, Profile};
use crate::{AppPaths, ConnectionInfo, EngineError};

/// How long one cmdlet may run before the host is considered hung; cmdlets that wait on
/// other servers get longer (`fedshare_exchange::timeouts`).
const INVOKE_TIMEOUT: Duration = Duration::from_secs(120);
/// Remote PowerShell needs time to open its session and import the Exchange commands.
const HELLO_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug)]
pub struct Session {
    profile: Profile,
    paths: AppPaths,
    /// The executable that serves `lab-host` (the CLI or the desktop app itself).
    host_program: PathBuf,
    client: Mutex<Option<ShellClient>>,
    /// A credential the user chose to keep for this session only (no usable keychain).
    session_credential: Option<StoredCredential>,
    /// A host to start instead of the profile's (tests: the replay host of a real organization).
    host_override: Option<HostCommand>,
}

impl Session {
    pub fn new(profile: Profile, paths: AppPaths, host_program: PathBuf) -> Self {
        Self {
            profile,
            paths,
            host_program,
            client: Mutex::new(None),
            session_credential: None,
            host_override: None,
        }
    }

    /// Starts this host instead of the one the profile names. For tests that run a real
    /// organization's profile against a stand-in (`fedshare-replay-host`); the hello and
    /// everything after it stay the profile's.
    pub fn with_host_command(mut self, command: HostCommand) -> Self {
        self.host_override = Some(command);
        self
    }

    /// Uses this credential instead of the keychain's: the "for this session only" choice
    /// when the keychain is unavailable or locked. It lives in memory only.
    pub fn with_session_credential(mut self, credential: Option<StoredCredential>) -> Self {
        self.session_credential = credential;
        self
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    fn host_command(&self) -> HostCommand {
        if let Some(command) = &self.host_override {
            return command.clone();
        }
        match &self.profile.backend {
            Backend::Lab => HostCommand {
                program: self.host_program.display().to_string(),
                args: vec![
                    "lab-host".into(),
                    "--data-dir".into(),
                    self.paths.lab_dir.display().to_string(),
                ],
                env_clear_secrets: true,
                preamble: None,
            },
            Backend::RemotePowerShell { .. } => host_ps::host_command(PowerShell::Windows),
        }
    }

    fn hello(&self) -> Result<HelloRequest, EngineError> {
        let Some(remote) = self.profile.backend.remote_settings() else {
            return Ok(HelloRequest {
                protocol: PROTOCOL_VERSION,
                credential: self.exchange_credential(false)?,
                ..HelloRequest::default()
            });
        };
        // Refused settings (Basic over http, ...) never start a host.
        for warning in connection::review(&remote)? {
            tracing::warn!(profile = %self.profile.name, "{warning}");
        }
        // The current Windows identity means no credential at all, even if one is stored.
        let credential = if remote.stored_credential {
            self.exchange_credential(true)?
        } else {
            self.session_credential.as_ref().map(host_credential)
        };
        Ok(HelloRequest {
            protocol: PROTOCOL_VERSION,
            connection_uri: Some(remote.connection_uri.trim().to_owned()),
            authentication: Some(remote.authentication),
            skip_ca_check: remote.skip_ca_check,
            skip_cn_check: remote.skip_cn_check,
            credential,
        })
    }

    /// The profile's Exchange credential from the keychain. It travels once, in the hello over
    /// the host's stdin. Without one, a real organization uses the current Windows identity
    /// (Kerberos) unless the profile asks for a stored credential; the lab accepts either.
    fn exchange_credential(&self, required: bool) -> Result<Option<HostCredential>, EngineError> {
        if let Some(stored) = &self.session_credential {
            return Ok(Some(host_credential(stored)));
        }
        let key = CredentialKey::new(&self.profile.name, Purpose::Exchange)?;
        match load_credential(&key, Store::Keychain) {
            Ok(stored) => Ok(Some(host_credential(&stored))),
            Err(e) if required => Err(e.into()),
            Err(e) => {
                tracing::debug!(
                    code = e.code(),
                    "no stored Exchange credential; connecting without one"
                );
                Ok(None)
            }
        }
    }

    async fn ensure_client<'a>(
        &self,
        guard: &'a mut Option<ShellClient>,
    ) -> Result<&'a mut ShellClient, EngineError> {
        if guard.is_none() {
            let opts = ClientOptions {
                invoke_timeout: INVOKE_TIMEOUT,
                hello_timeout: HELLO_TIMEOUT,
            };
            let spawned = ShellClient::spawn(self.host_command(), self.hello()?, opts).await;
            // A real organization's start failures (policy, language mode, WinRM) in words.
            let client = match spawned {
                Err(e) if !self.profile.is_lab() => return Err(connection::host_failure(e)),
                other => other?,
            };
            *guard = Some(client);
        }
        Ok(guard.as_mut().expect("client was just set"))
    }

    /// Which organization this session is connected to (connects on first use).
    pub async fn connection(&self) -> Result<ConnectionInfo, EngineError> {
        let mut guard = self.client.lock().await;
        let client = self.ensure_client(&mut guard).await?;
        let hello = client.hello_reply();
        Ok(ConnectionInfo {
            profile: self.profile.name.clone(),
            organization: hello.organization.clone(),
            is_lab: hello.host == "lab",
            host: hello.host.clone(),
            host_version: hello.host_version.clone(),
            exchange_version: hello
                .exchange_version
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            connection_notes: self.connection_notes(),
        })
    }

    /// What the status shows beside a real organization's connection: relaxed certificate
    /// checks and a name that is not a server's.
    fn connection_notes(&self) -> Option<Vec<String>> {
        let remote = self.profile.backend.remote_settings()?;
        let notes = connection::review(&remote).unwrap_or_default();
        (!notes.is_empty()).then_some(notes)
    }

    /// The lab's DNS and HTTPS endpoints when the session is the lab organization.
    pub async fn lab_endpoints(&self) -> Result<Option<LabEndpoints>, EngineError> {
        let mut guard = self.client.lock().await;
        let client = self.ensure_client(&mut guard).await?;
        Ok(client.hello_reply().lab.clone())
    }

    /// The lab's own TSIG key (a lab-only key kept in the lab state, not a user secret).
    pub fn lab_tsig_key(&self) -> Result<String, EngineError> {
        if !self.profile.is_lab() {
            return Err(EngineError::NotLab);
        }
        Ok(fedshare_lab::admin::load(&self.paths.lab_dir)?.tsig.secret)
    }

    /// The DNS update key of this profile, from the OS keychain.
    pub fn dns_key_secret(&self) -> Result<String, EngineError> {
        let key = CredentialKey::new(&self.profile.name, Purpose::Dns)?;
        let stored = load_credential(&key, Store::Keychain)?;
        Ok(stored.secret.expose().to_owned())
    }

    /// Runs one invocation and returns its output objects; a cmdlet error keeps Exchange's
    /// exception name (`exchange.cmdlet_failed`) for the explainer.
    pub async fn invoke(&self, invocation: &Invocation) -> Result<Vec<Value>, EngineError> {
        let mut guard = self.client.lock().await;
        let client = self.ensure_client(&mut guard).await?;
        Ok(client.invoke(invocation).await?.output)
    }

    /// The Exchange credential other sign-ins use (EWS for the free/busy proof): the one kept
    /// for this session, else the keychain's; `None` means the current Windows identity.
    pub(crate) fn stored_exchange_credential(&self) -> Option<StoredCredential> {
        if let Some(stored) = &self.session_credential {
            return Some(stored.clone());
        }
        let key = CredentialKey::new(&self.profile.name, Purpose::Exchange).ok()?;
        load_credential(&key, Store::Keychain).ok()
    }
}

/// The hello's form of a stored credential; the secret is copied only into that message.
fn host_credential(stored: &StoredCredential) -> HostCredential {
    HostCredential {
        user_name: stored.user_name.clone(),
        password: stored.secret.expose().to_owned(),
    }
}
