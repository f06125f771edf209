//! `fedshare ack CHECK_ID --reason R --expires YYYY-MM-DD`: accept a finding until a date. The
//! finding stays in every report, marked as acknowledged; after the date it counts again.

use std::fmt::Write as _;

use clap::Args;
use fedshare_checks::catalog::is_catalogue_id;
use fedshare_checks::{AckStore, ChecksError};

use crate::args::Global;
use crate::output::{Outcome, Output};

#[derive(Debug, Args)]
pub struct AckArgs {
    /// The check id as `fedshare verify` shows it (e.g. `policy.contradiction`).
    #[arg(required_unless_present = "list")]
    pub check_id: Option<String>,
    /// Why the finding is accepted (shown next to it in every report).
    #[arg(long, required_unless_present_any = ["remove", "list"])]
    pub reason: Option<String>,
    /// Last day the acknowledgement holds (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", required_unless_present_any = ["remove", "list"])]
    pub expires: Option<String>,
    /// Who accepts it (default: the signed-in user).
    #[arg(long)]
    pub by: Option<String>,
    /// Remove the acknowledgement of CHECK_ID instead.
    #[arg(long, conflicts_with_all = ["reason", "expires", "list"])]
    pub remove: bool,
    /// List the acknowledgements of this profile.
    #[arg(long)]
    pub list: bool,
}

pub fn run(global: &Global, args: AckArgs) -> Outcome {
    let path = fedshare_engine::verification::ack_path(&super::paths(global), &global.profile);
    Outcome::from(global.json, apply(&path, args))
}

fn apply(path: &std::path::Path, args: AckArgs) -> Result<Output, ChecksError> {
    let mut store = AckStore::load(path)?;
    if let Some(id) = &args.check_id {
        // Also before a removal: an id no check can have is a typo worth saying.
        if !is_catalogue_id(id) {
            return Err(ChecksError::InvalidCheckId(id.clone()));
        }
    }
    match (args.check_id, args.list, args.remove) {
        (Some(id), _, true) => {
            let removed = store.remove(&id);
            store.save()?;
            let text = if removed {
                format!("Acknowledgement of {id} removed.\n")
            } else {
                format!("{id} was not acknowledged.\n")
            };
            Ok(Output::new(
                &serde_json::json!({ "removed": removed, "checkId": id }),
                text,
            ))
        }
        (Some(id), false, false) => {
            let by = args
                .by
                .or_else(fedshare_model::signed_in_user)
                .unwrap_or_else(|| "unknown".into());
            let ack = store
                .acknowledge(
                    &id,
                    args.reason.as_deref().unwrap_or_default(),
                    args.expires.as_deref().unwrap_or_default(),
                    &by,
                    fedshare_checks::ack::today(),
                )?
                .clone();
            store.save()?;
            let text = format!(
                "{} acknowledged by {} until {}: {}\n",
                ack.check_id, ack.by, ack.expires, ack.reason
            );
            Ok(Output::new(&ack, text))
        }
        _ => {
            let mut text = String::new();
            if store.acks.is_empty() {
                text.push_str("No acknowledgements.\n");
            }
            for a in &store.acks {
                let _ = writeln!(
                    text,
                    "{}  until {}  by {}: {}",
                    a.check_id, a.expires, a.by, a.reason
                );
            }
            Ok(Output::new(&store.acks, text))
        }
    }
}
