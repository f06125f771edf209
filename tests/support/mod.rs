//! Drives the real desktop binary through tauri-driver and WebKitWebDriver.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// A running tauri-driver; killed when dropped so a failed test leaves nothing behind.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// Gives this test process (and the app tauri-driver starts for it) its own empty data,
/// config and cache folders, so each end-to-end test starts from a fresh lab organization
/// whatever the tests before it did. Idempotent; call it before anything reads the paths.
pub fn isolate_home() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = tempfile::tempdir().expect("a temp folder for the app's files");
        for (var, sub) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            let dir = home.path().join(sub);
            std::fs::create_dir_all(&dir).expect("create the folder");
            std::env::set_var(var, &dir);
        }
        // Exports go here without the native Save as dialog, which would wait for a person.
        let exports = home.path().join("exports");
        std::fs::create_dir_all(&exports).expect("create the folder");
        std::env::set_var("FEDSHARE_EXPORT_DIR", &exports);
        home
    })
    .path()
}

/// Starts tauri-driver on free ports and waits until it accepts connections.
pub fn start_driver() -> Driver {
    isolate_home();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the end-to-end tests need an X display: run them through `make test` (Xvfb)"
    );
    let port = free_port();
    let native = free_port();
    let child = Command::new("tauri-driver")
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver is not installed: run `make deps` (cargo install tauri-driver)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "tauri-driver did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// Opens the app in a new WebDriver session.
pub async fn open_app(driver: &Driver) -> Client {
    // Several rustls providers are compiled into the workspace; pick one explicitly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let app = env!("CARGO_BIN_EXE_fedshare-app");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app }),
    );
    ClientBuilder::rustls()
        .expect("rustls client")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("could not open a WebDriver session with the app")
}

/// Waits for an element by test id and returns its text.
pub async fn text_of(client: &Client, test_id: &str) -> String {
    let css = format!("[data-testid='{test_id}']");
    let el = client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("element {test_id} did not appear: {e}"));
    el.text().await.expect("element text")
}

/// Waits until the element's text contains `needle` (data arrives asynchronously).
pub async fn wait_for_text(client: &Client, test_id: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = text_of(client, test_id).await;
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{test_id} never showed {needle:?}; last text: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click(client: &Client, test_id: &str) {
    let css = format!("[data-testid='{test_id}']");
    client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("element {test_id} did not appear: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("could not click {test_id}: {e}"));
}

/// Saves a PNG screenshot under target/tmp/e2e/ and returns its path.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("write screenshot");
    path
}

/// Applying (a certificate, DNS re-checks) and a full verification run take far longer than
/// a page read.
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

/// Waits until the element shows `needle`, for as long as a whole run may take, failing early
/// when the run stops or an error panel appears.
pub async fn wait_long(client: &Client, test_id: &str, needle: &str) -> String {
    let deadline = Instant::now() + RUN_TIMEOUT;
    let css = format!("[data-testid='{test_id}']");
    loop {
        if let Ok(el) = client.find(Locator::Css(&css)).await {
            if let Ok(text) = el.text().await {
                if text.contains(needle) {
                    return text;
                }
                assert!(!text.contains("Stopped at step"), "the run failed: {text}");
            }
        }
        if let Ok(err) = client.find(Locator::Css("[data-testid='error']")).await {
            let text = err.text().await.unwrap_or_default();
            panic!("an error was shown while waiting for {test_id}: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "{test_id} never showed {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
