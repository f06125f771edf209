fn main() {
    // Declaring the app's commands makes Tauri generate one `allow-<command>` permission per
    // command, so the capability file grants exactly these and nothing else.
    let commands = &[
        "app_info",
        "window_ready",
        "connection_status",
        "org_status",
        "plan_document",
        "save_plan_document",
        "check_plan_document",
        "plan_preview",
        "apply_plan",
        "undo_changes",
        "apply_review",
        "undo_review",
        "run_status",
        "cancel_run",
        "last_verification",
        "prerequisites",
        "verify_plan",
        "domain_proofs",
        "autodiscover_records",
        "sharing_actions",
        "copy_diagnostics",
        "map_svg",
        "export_map",
        "export_report",
        "partner_domains",
        "partner_kit",
        "list_profiles",
        "save_profile",
        "remove_profile",
        "test_profile",
        "use_profile",
        "active_profile",
        "run_verification",
        "acknowledge",
        "remove_acknowledgement",
        "explain_error",
        "partner_preview",
        "keychain_status",
        "set_credential",
        "test_credential",
        "forget_credential",
        "prove_free_busy",
        "free_busy_proofs",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script failed");
}
