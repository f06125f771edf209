//! `fedshare lab ...` and the hidden `fedshare lab-host`.

use std::path::{Path, PathBuf};

use fedshare_lab::{LabError, World};
use serde_json::json;

use crate::args::{Global, LabCommand};
use crate::output::{Outcome, Output};

/// Serves the lab organization over the shell protocol on stdin/stdout until `bye` or EOF.
pub fn host(global: &Global, data_dir: Option<PathBuf>) -> Outcome {
    let dir = data_dir.unwrap_or_else(|| super::paths(global).lab_dir);
    let result = fedshare_lab::host::run_stdio(&dir).map(|()| Output::new(&(), String::new()));
    Outcome::from(global.json, result)
}

/// Runs the lab's DNS and HTTPS servers in the foreground until Ctrl-C; the lab starts its own
/// runtime, so this is called before the CLI's.
pub fn serve(global: &Global, ports: fedshare_lab::network::Ports) -> Outcome {
    let dir = super::paths(global).lab_dir;
    let result = fedshare_lab::admin::serve(&dir, ports).map(|()| Output::new(&(), String::new()));
    Outcome::from(global.json, result)
}

pub async fn run(global: &Global, cmd: LabCommand) -> Outcome {
    let dir = super::paths(global).lab_dir;
    let result = match cmd {
        LabCommand::Init { reset, partners } => {
            fedshare_lab::admin::init(&dir, reset, partners).map(|w| summary(&dir, &w))
        }
        LabCommand::Break { what } => {
            fedshare_lab::admin::apply_break(&dir, what).map(|w| breaks(&w))
        }
        LabCommand::Fix {
            what: Some(what), ..
        } => fedshare_lab::admin::clear_break(&dir, what).map(|w| breaks(&w)),
        LabCommand::Fix { what: None, .. } => {
            fedshare_lab::admin::clear_all_breaks(&dir).map(|w| breaks(&w))
        }
        LabCommand::Breaks => fedshare_lab::admin::load(&dir).map(|w| breaks(&w)),
        LabCommand::Clock {
            offset: None,
            reset: false,
        } => fedshare_lab::admin::load(&dir).map(|w| clock(&w)),
        LabCommand::Clock { offset, reset } => {
            fedshare_lab::admin::move_clock(&dir, offset.unwrap_or(0), reset).map(|w| clock(&w))
        }
        LabCommand::Serve { .. } => unreachable!("lab serve starts before the async runtime"),
    };
    Outcome::from::<LabError>(global.json, result)
}

fn summary(dir: &Path, world: &World) -> Output {
    let text = format!(
        "Lab organization {} ready in {}\n  {} accepted domains, {} mailboxes, {} partner organizations\n",
        world.organization,
        dir.display(),
        world.accepted_domains.len(),
        world.mailboxes.len(),
        world.partners.len(),
    );
    let value = json!({
        "dataDir": dir,
        "organization": world.organization,
        "acceptedDomains": world.accepted_domains.len(),
        "mailboxes": world.mailboxes.len(),
        "partners": world.partners.len(),
    });
    Output::new(&value, text)
}

fn clock(world: &World) -> Output {
    let days = world.clock_days;
    let text = if days == 0 {
        "The lab clock shows real time.\n".to_owned()
    } else {
        format!("The lab clock runs {days:+} days from real time: certificates made before it moved are {days} days older.\n")
    };
    Output::new(&json!({ "clockDays": days }), text)
}

fn breaks(world: &World) -> Output {
    let names: Vec<&str> = world.breaks.iter().map(|b| b.name()).collect();
    let text = if names.is_empty() {
        "The lab is healthy: no breaks applied.\n".to_owned()
    } else {
        format!("Breaks applied: {}\n", names.join(", "))
    };
    Output::new(&json!({ "breaks": names }), text)
}
