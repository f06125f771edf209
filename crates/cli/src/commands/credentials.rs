//! `fedshare credentials set | test | forget`: secrets in the OS keychain. The secret is read
//! from a prompt without echo, or from stdin, never from an argument.

use clap::{Args, Subcommand};
use fedshare_credentials::{
    forget_credential, keychain_status, read_secret_from_terminal_or_stdin, set_credential,
    test_credential, CredentialError, Purpose, Store,
};
use fedshare_model::ErrorCode;

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Store a credential; the secret is prompted for (no echo) or read from stdin.
    Set(SetArgs),
    /// Check that the credential can be read back from the keychain.
    Test(KeyArgs),
    /// Remove the credential from the keychain.
    Forget(KeyArgs),
    /// Which keychain is available here, and whether it is locked.
    Status,
}

/// The profile comes from the global `--profile`.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// exchange (the admin account) or dns (a TSIG update key).
    #[arg(long)]
    pub purpose: Purpose,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub key: KeyArgs,
    /// The account name (DOMAIN\user or user@domain), or the TSIG key name for dns.
    #[arg(long)]
    pub user: String,
}

pub fn run(global: &Global, cmd: CredentialsCommand) -> Outcome {
    let result = match cmd {
        CredentialsCommand::Set(args) => set(&global.profile, &args),
        CredentialsCommand::Test(k) => test_credential(&global.profile, k.purpose, Store::Keychain)
            .map(|r| {
                Output::new(
                    &r,
                    format!(
                        "The {} credential of {} is readable.\n",
                        k.purpose, global.profile
                    ),
                )
            }),
        CredentialsCommand::Forget(k) => {
            forget_credential(&global.profile, k.purpose, Store::Keychain).map(|r| {
                Output::new(
                    &r,
                    format!(
                        "Forgot the {} credential of {}.\n",
                        k.purpose, global.profile
                    ),
                )
            })
        }
        CredentialsCommand::Status => {
            let status = keychain_status();
            let text = match (&status.backend, status.available, status.locked) {
                (Some(b), true, false) => format!("Keychain: {b}, unlocked\n"),
                (Some(b), _, true) => {
                    format!("Keychain: {b} is locked: unlock it and try again\n")
                }
                _ => format!(
                    "No keychain available: {}\n",
                    status.reason.clone().unwrap_or_default()
                ),
            };
            Ok(Output::new(&status, text))
        }
    };
    Outcome::from(global.json, result.map_err(explain_session_only))
}

fn set(profile: &str, args: &SetArgs) -> Result<Output, CredentialError> {
    let prompt = format!("Secret for {} ({}): ", args.user, args.key.purpose);
    let secret = read_secret_from_terminal_or_stdin(&prompt)?;
    let report = set_credential(
        profile,
        args.key.purpose,
        &args.user,
        secret,
        Store::Keychain,
    )?;
    let text = format!(
        "Stored the {} credential of {} for {}.\n",
        args.key.purpose, profile, args.user
    );
    Ok(Output::new(&report, text))
}

/// A CLI run ends with the command, so a session-only credential would be gone at once: say
/// what to do instead of offering it.
fn explain_session_only(err: CredentialError) -> CredentialError {
    if err.offers_session_only() {
        tracing::warn!(code = err.code(), "keychain unavailable for the CLI");
    }
    err
}
