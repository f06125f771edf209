//! End-to-end: every page of the real window, light and dark, at 1024x700 and 1400x900, kept as
//! screenshots under target/tmp/e2e/screens/, and no text cut or running off its box.
//!
//! The theme follows the OS (`prefers-color-scheme`); WebKitGTK takes it from the GTK theme, so
//! the dark pass starts a second app with `GTK_THEME=Adwaita:dark`: one app per theme, resized
//! for the two sizes. A label counts as cut when its text is wider than a box that clips it
//! (overflow hidden or clip, or text-overflow ellipsis): what a person sees as "LimitedDetai…";
//! text runs off its box when a block's own text is wider than the block and not clipped.

mod support;

use std::time::Duration;

use fantoccini::Client;
use serde_json::Value;
use support::{click, open_app, screenshot, start_driver, wait_for_text};

const PAGES: [&str; 9] = [
    "before-you-begin",
    "federation-trust",
    "organization-relationships",
    "sharing-policies",
    "autodiscover-dns",
    "verify",
    "map",
    "report",
    "connection",
];

const SIZES: [(u32, u32); 2] = [(1024, 700), (1400, 900)];

/// Elements whose text is wider than the box that clips it ("cut"), or wider than its block and
/// drawn over what is beside it ("runs off"), as "cut tag 'text' (scroll > client)".
const CUT_LABELS: &str = r#"
const cut = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('svg') || el.children.length > 0 && el.textContent.trim() === '') continue;
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
  if (!own) continue;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden') continue;
  const clips = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
  const scrolls = ['auto', 'scroll'].includes(s.overflowX);
  // Plain inline boxes have no client width (0): their block is measured instead.
  if (!scrolls && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
    const how = clips ? 'cut' : 'runs off';
    cut.push(`${how} ${el.tagName.toLowerCase()} '${el.textContent.trim().slice(0, 60)}' (${el.scrollWidth} > ${el.clientWidth})`);
  }
}
return cut;
"#;

/// WebKitGTK's screenshot waits for the view's next presentation update
/// (`callAfterNextPresentationUpdate`), and a page that has finished painting may not present
/// again: the command then waits forever, with the app and the web process both idle (seen
/// under Xvfb on random pages, so after a few of them). A 1-pixel, nearly transparent dot in
/// the corner that changes shade every 50 ms for a few seconds keeps frames coming until the
/// screenshot is taken, then removes itself. It has no text, so the measurement ignores it.
const KEEP_PAINTING: &str = r#"
let dot = document.getElementById('e2e-paint-nudge');
if (!dot) {
  dot = document.createElement('div');
  dot.id = 'e2e-paint-nudge';
  dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
  document.body.appendChild(dot);
}
clearInterval(window.__e2eNudge);
const until = Date.now() + 4000;
let on = false;
window.__e2eNudge = setInterval(() => {
  on = !on;
  dot.style.background = on ? 'rgba(0,0,0,0.01)' : 'rgba(0,0,0,0.02)';
  if (Date.now() > until) {
    clearInterval(window.__e2eNudge);
    dot.remove();
  }
}, 50);
"#;

/// Fails naming the page and the step instead of hanging the whole group.
async fn within<T>(what: String, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|_| panic!("{what} took over 30 s"))
}

async fn sweep(client: &Client, theme: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (w, h) in SIZES {
        client
            .set_window_size(w, h)
            .await
            .expect("resize the window");
        for page in PAGES {
            let at = |step: &str| format!("{page} {theme} {w}x{h}: {step}");
            within(at("open"), click(client, &format!("rail-{page}"))).await;
            // Let the page's first data arrive (lists, the map) before judging it.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let name = format!("screens/{page}-{theme}-{w}x{h}");
            within(at("keep painting"), client.execute(KEEP_PAINTING, vec![]))
                .await
                .expect("start the paint nudge");
            within(at("screenshot"), screenshot(client, &name)).await;
            let cut = within(at("measure"), client.execute(CUT_LABELS, vec![]))
                .await
                .expect("measure the labels");
            if let Value::Array(items) = cut {
                problems.extend(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|c| format!("{page} {theme} {w}x{h}: {c}")),
                );
            }
        }
    }
    problems
}

/// The measurement must see cut and overflowing text where there is some, or a clean sweep
/// proves nothing: two probes, one clipped and one spilling, measured and removed.
async fn measurement_sees_probes(client: &Client) {
    let add = r#"
for (const overflow of ['hidden', 'visible']) {
  const probe = document.createElement('div');
  probe.className = 'e2e-probe';
  probe.style.cssText = `width:40px;overflow:${overflow};white-space:nowrap`;
  probe.textContent = `LimitedDetails ${overflow}`;
  document.body.appendChild(probe);
}
"#;
    client.execute(add, vec![]).await.expect("add the probes");
    let found = client
        .execute(CUT_LABELS, vec![])
        .await
        .expect("measure the probes");
    let remove = "document.querySelectorAll('.e2e-probe').forEach((p) => p.remove());";
    client
        .execute(remove, vec![])
        .await
        .expect("remove the probes");
    let found = found.to_string();
    assert!(
        found.contains("cut div 'LimitedDetails hidden'")
            && found.contains("runs off div 'LimitedDetails visible'"),
        "the measurement missed a probe: {found}"
    );
}

async fn pass(theme: &str) -> Vec<String> {
    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;
    within(format!("{theme}: probes"), measurement_sees_probes(&client)).await;
    let problems = sweep(&client, theme).await;
    client.close().await.expect("close the session");
    drop(driver);
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_light_and_dark_at_two_sizes_without_cut_labels() {
    support::isolate_home();
    let screens = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e/screens");
    std::fs::create_dir_all(&screens).expect("screens folder");
    let mut problems = pass("light").await;
    // One test function, one app at a time: the theme is process environment the driver and
    // the app it starts inherit.
    std::env::set_var("GTK_THEME", "Adwaita:dark");
    problems.extend(pass("dark").await);
    std::env::remove_var("GTK_THEME");
    assert!(
        problems.is_empty(),
        "cut or overflowing text:\n{}",
        problems.join("\n")
    );
}
