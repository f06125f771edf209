fn main() {
    // Declaring the app's commands makes Tauri generate one `allow-<command>` permission per
    // command, so the capability file grants exactly these and nothing else.
    let commands = &[
        "app_info",
        "connection_status",
        "org_status",
        "copy_diagnostics",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script failed");
}
