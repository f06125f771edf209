//! Reading a secret from a person or a pipe, never from an argument (which `ps` shows and
//! shells keep in history).

use std::io::{BufRead, IsTerminal};

use zeroize::Zeroizing;

use crate::error::CredentialError;
use crate::secret::Secret;

/// Prompts without echo when stdin is a terminal; otherwise reads one line from stdin (for
/// `printf %s "$PW" | fedshare credentials set ...`).
pub fn read_secret_from_terminal_or_stdin(prompt: &str) -> Result<Secret, CredentialError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let typed =
            Zeroizing::new(rpassword::prompt_password(prompt).map_err(CredentialError::Input)?);
        non_empty(Secret::new(typed.trim_end_matches(['\r', '\n']).to_owned()))
    } else {
        read_secret_line(stdin.lock())
    }
}

/// The first line of `input` without its line ending. Spaces are kept: they may be part of a
/// password.
pub fn read_secret_line(mut input: impl BufRead) -> Result<Secret, CredentialError> {
    // Sized up front so that reading a normal secret never reallocates and leaves an
    // unwiped copy behind.
    let mut line = Zeroizing::new(String::with_capacity(4096));
    input.read_line(&mut line).map_err(CredentialError::Input)?;
    let trimmed = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(trimmed);
    non_empty(Secret::from(line))
}

fn non_empty(secret: Secret) -> Result<Secret, CredentialError> {
    if secret.is_empty() {
        Err(CredentialError::Invalid {
            what: "secret",
            reason: "nothing was entered".into(),
        })
    } else {
        Ok(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_first_line_and_keeps_spaces() {
        let secret = read_secret_line(&b" pass word \r\nsecond\n"[..]).unwrap();
        assert_eq!(secret.expose(), " pass word ");
        let last = read_secret_line(&b"no-newline"[..]).unwrap();
        assert_eq!(last.expose(), "no-newline");
    }

    #[test]
    fn empty_input_is_an_error() {
        let err = read_secret_line(&b"\n"[..]).unwrap_err();
        assert_eq!(fedshare_model::ErrorCode::code(&err), "credentials.invalid");
        assert!(read_secret_line(&b""[..]).is_err());
    }
}
