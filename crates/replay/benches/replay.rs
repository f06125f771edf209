//! Exchange round trips and wall time of status, plan and verify against a replayed remote
//! session at 150 ms a cmdlet: a large organization (200 partner relationships, 5,000
//! mailboxes) beside a small one (2 partners). Prints `BENCH replay key=value ...` for
//! tests/bench.sh and a table for people; never fails on a figure.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use fedshare_engine::verification;
use fedshare_engine::{status, workflow};
use fedshare_replay::generate::{self, Size};
use support::{verify_as, Replay};

/// A remote PowerShell session's round trip per cmdlet.
const LATENCY_MS: u64 = 150;

#[derive(Debug, Default)]
struct Figure {
    round_trips: usize,
    seconds: f64,
    unexpected: Vec<String>,
    /// Cmdlets sent more than once, with their count: the reads that grow with the organization.
    repeated: Vec<(String, usize)>,
}

fn repeated(lines: &[&str]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in lines {
        let cmdlet = line.split(' ').next().unwrap_or_default();
        match counts.iter_mut().find(|(c, _)| c == cmdlet) {
            Some((_, n)) => *n += 1,
            None => counts.push((cmdlet.to_owned(), 1)),
        }
    }
    counts.retain(|(_, n)| *n > 1);
    counts
}

#[derive(Debug)]
struct Figures {
    status: Figure,
    plan: Figure,
    verify: Figure,
}

async fn measure<T, E: std::fmt::Display>(
    r: &Replay,
    what: &str,
    run: impl std::future::Future<Output = Result<T, E>>,
) -> Figure {
    let mark = r.transcript().round_trips();
    let started = Instant::now();
    if let Err(e) = run.await {
        eprintln!("replay bench: {what} failed: {e}");
    }
    let seconds = started.elapsed().as_secs_f64();
    let sent = r.transcript().since(mark);
    Figure {
        round_trips: sent.round_trips(),
        seconds,
        unexpected: sent.unexpected().iter().map(|s| s.to_string()).collect(),
        repeated: repeated(&sent.lines()),
    }
}

async fn organization(size: Size) -> Figures {
    let dir = tempfile::tempdir().expect("tempdir");
    let g = generate::write_organization(dir.path(), size).expect("generated organization");
    let r = Replay::start(&g.scenario, LATENCY_MS);
    // The hello (opening the remote session) is not part of any figure.
    if let Err(e) = r.session.connection().await {
        eprintln!("replay bench: the replay host did not start: {e}");
    }
    let status = measure(&r, "status", status::read(&r.session)).await;
    let plan_file = workflow::load_plan(&g.plan).expect("generated plan");
    let plan = measure(&r, "plan", async {
        workflow::preview(&r.session, &plan_file)
            .await
            .map(|(p, _)| {
                if !p.steps.is_empty() {
                    eprintln!("replay bench: the plan proposes {} step(s)", p.steps.len());
                }
            })
    })
    .await;
    let request = verify_as(&g.test_user);
    let verify = measure(
        &r,
        "verify",
        verification::run(&r.session, &r.paths, &request, |_| {}),
    )
    .await;
    Figures {
        status,
        plan,
        verify,
    }
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let small = runtime.block_on(organization(Size {
        partners: 2,
        mailboxes: 10,
    }));
    let large = runtime.block_on(organization(Size {
        partners: 200,
        mailboxes: 5_000,
    }));
    println!("\nreplayed Exchange 2013, {LATENCY_MS} ms a cmdlet: round trips and wall time");
    println!(
        "{:<10} {:>22} {:>28}",
        "", "2 partners, 10 mbx", "200 partners, 5,000 mbx"
    );
    let mut keys = Vec::new();
    for (name, s, l) in [
        ("status", &small.status, &large.status),
        ("plan", &small.plan, &large.plan),
        ("verify", &small.verify, &large.verify),
    ] {
        println!(
            "{name:<10} {:>10} rt {:>7.2} s {:>14} rt {:>8.2} s",
            s.round_trips, s.seconds, l.round_trips, l.seconds
        );
        keys.push(format!("small_{name}_rt={}", s.round_trips));
        keys.push(format!("small_{name}_s={:.2}", s.seconds));
        keys.push(format!("large_{name}_rt={}", l.round_trips));
        keys.push(format!("large_{name}_s={:.2}", l.seconds));
        for u in s.unexpected.iter().chain(&l.unexpected) {
            println!("  {name}: the scenario did not expect `{u}`");
        }
        for (cmdlet, n) in &l.repeated {
            println!("  {name}, 200 partners: {cmdlet} x{n}");
        }
    }
    println!("BENCH replay {}", keys.join(" "));
    // Let the hosts' last answers drain before the runtime drops the sessions.
    std::thread::sleep(Duration::from_millis(50));
}
