//! HTML (300 ms budget) and PDF (3 s budget) for a 500-partner organization, with a 1-partner
//! baseline from the same run. `cargo bench -p fedshare-report` (prints; never fails on time).

use std::time::{Duration, Instant};

use fedshare_report::fixtures::with_partners;
use fedshare_report::{render_html, render_markdown, render_pdf};

fn median_of<F: FnMut() -> usize>(runs: usize, mut f: F) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        size = std::hint::black_box(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[runs / 2], size)
}

fn line(
    what: &str,
    n: usize,
    runs: usize,
    (t, bytes): (Duration, usize),
    budget: Option<Duration>,
) {
    let verdict = match budget {
        Some(b) if t <= b => format!("budget {} ms: within", b.as_millis()),
        Some(b) => format!("budget {} ms: OVER", b.as_millis()),
        None => "informational".into(),
    };
    println!(
        "{what:<14} {n:>3} partners: {:>9.2} ms (median of {runs}, {bytes} bytes), {verdict}",
        t.as_secs_f64() * 1e3
    );
}

fn main() {
    // Font loading happens once per process; do it before timing, as the app does at start.
    let _ = render_pdf(&with_partners(1));
    for n in [1, 500] {
        let input = with_partners(n);
        line(
            "report html",
            n,
            11,
            median_of(11, || render_html(&input).len()),
            Some(Duration::from_millis(300)),
        );
        line(
            "report md",
            n,
            11,
            median_of(11, || render_markdown(&input).len()),
            None,
        );
        line(
            "report pdf",
            n,
            5,
            median_of(5, || render_pdf(&input).map(|p| p.len()).unwrap_or(0)),
            Some(Duration::from_secs(3)),
        );
    }
}
