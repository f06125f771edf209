//! The desktop shell: a thin layer of Tauri commands over `fedshare-engine`. Each command is a
//! few lines; everything it does lives in the engine so the CLI behaves the same.

mod about;
mod autodiscover;
#[cfg(test)]
mod capability_tests;
mod certificate;
mod connection;
mod credentials;
mod export;
mod freebusy;
mod map;
mod plan;
mod policies;
mod relationships;
mod removal;
mod report;
mod settings;
mod state;
mod trust;
mod verify;
mod webview;

use fedshare_engine::AppPaths;

use crate::state::AppState;

/// Runs the app, or the lab host when started as `fedshare-app lab-host` (the engine starts
/// the lab organization as a child process of this same binary).
pub fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("lab-host") {
        std::process::exit(run_lab_host(&args[2..]));
    }
    run();
}

/// `lab-host --data-dir DIR`: the same contract as `fedshare lab-host`.
fn run_lab_host(args: &[String]) -> i32 {
    // The host's stdout is the protocol; its log goes to stderr, which the engine forwards
    // (redacted) into the app's own log.
    fedshare_engine::logging::init_stderr(0);
    let data_dir = match args {
        [flag, dir] if flag == "--data-dir" => std::path::PathBuf::from(dir),
        _ => AppPaths::from_os().lab_dir,
    };
    match fedshare_lab::host::run_stdio(&data_dir) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("lab host: {e}");
            1
        }
    }
}

fn run() {
    webview::prepare_process();
    let paths = AppPaths::from_os();
    let _log_guard = fedshare_engine::logging::init_file(&paths.log_dir)
        .map_err(|e| eprintln!("logging disabled: {e}"))
        .ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Fedshare starting");
    let state = AppState::new(paths);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(export::Exported::default())
        .setup(|app| {
            about::show_anyway_after(app.handle(), std::time::Duration::from_secs(8));
            Ok(())
        })
        .manage(credentials::SessionSecrets::default())
        .invoke_handler(tauri::generate_handler![
            about::app_info,
            about::copy_diagnostics,
            about::window_ready,
            export::open_export,
            export::reveal_export,
            connection::connection_status,
            connection::org_status,
            plan::plan_document,
            plan::save_plan_document,
            plan::check_plan_document,
            plan::plan_preview,
            plan::apply_plan,
            plan::undo_changes,
            plan::apply_review,
            plan::undo_review,
            plan::run_status,
            plan::cancel_run,
            verify::last_verification,
            plan::prerequisites,
            plan::verify_plan,
            trust::domain_proofs,
            autodiscover::autodiscover_records,
            policies::sharing_actions,
            map::map_svg,
            map::export_map,
            report::export_report,
            report::partner_domains,
            report::partner_kit,
            settings::list_profiles,
            settings::save_profile,
            settings::remove_profile,
            settings::test_profile,
            settings::use_profile,
            settings::active_profile,
            verify::run_verification,
            verify::acknowledge,
            verify::remove_acknowledgement,
            verify::explain_error,
            relationships::partner_preview,
            credentials::keychain_status,
            credentials::set_credential,
            credentials::test_credential,
            credentials::forget_credential,
            freebusy::prove_free_busy,
            freebusy::free_busy_proofs,
            certificate::certificate_status,
            certificate::certificate_roll_preview,
            certificate::certificate_roll,
            removal::removal_preview,
            removal::removal_apply,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the desktop shell stopped");
        eprintln!("Fedshare could not start its window: {e}");
        std::process::exit(1);
    }
}
