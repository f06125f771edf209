//! The web view's footprint on Linux (WebKitGTK). WebKit's DMA-BUF renderer keeps large
//! GPU-style buffers in the web process even where there is no GPU to share them with (Xvfb,
//! remote desktops, virtual machines): about 90 MB more resident memory, measured with
//! `make bench`, for a window of forms, tables and an SVG map that needs none of it. Windows
//! (WebView2) and macOS (WKWebView) need nothing here.

/// Before any window exists, and while the process still has one thread (environment writes
/// race concurrent readers).
pub fn prepare_process() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // An administrator's own setting wins; unset, the shared-memory renderer is used.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}
