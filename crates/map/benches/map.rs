//! Layout + SVG for a 500-partner organization against its 200 ms budget, with a 1-partner
//! baseline from the same run. `cargo bench -p fedshare-map` (prints; never fails on time).

use std::time::{Duration, Instant};

use fedshare_map::fixtures::with_partners;
use fedshare_map::{layout, render_svg, Graph, LayoutOptions};

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

fn main() {
    let budget = Duration::from_millis(200);
    for n in [1, 500] {
        let f = with_partners(n);
        let (t, bytes) = median_of(21, || {
            let g = Graph::build(&f.state, &f.checks, &f.partners);
            render_svg(&layout(&g, &LayoutOptions::default())).len()
        });
        let verdict = if t <= budget { "within" } else { "OVER" };
        println!("map layout+svg, {n:>3} partners: {:>8.2} ms (median of 21, {bytes} bytes), budget {} ms: {verdict}", t.as_secs_f64() * 1e3, budget.as_millis());
    }
    let f = with_partners(500);
    let svg = fedshare_map::map_svg(&f.state, &f.checks, &f.partners);
    let (t, bytes) = median_of(3, || {
        fedshare_map::render_png(&svg, 1.0)
            .map(|p| p.len())
            .unwrap_or(0)
    });
    println!(
        "map png (informational), 500 partners: {:>8.2} ms (median of 3, {bytes} bytes)",
        t.as_secs_f64() * 1e3
    );
}
