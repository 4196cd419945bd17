//! The benchmark's native run: the same `evaluate` as the wasm build, on the same roster and
//! contract, timed the same way (median of runs after a warm-up). Prints JSON.
//! Usage: cargo run --release --example bench_native -- ROSTER.csv CONTRACT.json [RUNS]
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_native ROSTER.csv CONTRACT.json [RUNS]");
        std::process::exit(2);
    }
    let roster = std::fs::read(&args[1]).expect("the roster file is readable");
    let contract: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&args[2]).expect("the contract file is readable"),
    )
    .expect("the contract is JSON");
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(5);
    let run = || {
        let start = Instant::now();
        let result = evidence_check::evaluate_json(&contract, &roster, &mut |_| {})
            .expect("the roster evaluates");
        (
            start.elapsed().as_secs_f64() * 1000.0,
            result.payment.total_cents,
        )
    };
    run();
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..runs {
        let (ms, cents) = run();
        times.push(ms);
        total = cents;
    }
    println!(
        "{}",
        serde_json::json!({ "times": times, "totalCents": total })
    );
}
