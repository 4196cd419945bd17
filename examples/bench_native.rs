//! The benchmark's native run: the same `evaluate` as the wasm build, on the same roster and
//! contract, timed the same way (median of runs after a warm-up). Prints JSON.
//! With THREADS above 1, the roster is read in that many parts at once (`evaluate_json_on_threads`).
//! Usage: cargo run --release --example bench_native -- ROSTER.csv CONTRACT.json [RUNS] [THREADS]
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_native ROSTER.csv CONTRACT.json [RUNS] [THREADS]");
        std::process::exit(2);
    }
    let roster = std::fs::read(&args[1]).expect("the roster file is readable");
    let contract: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&args[2]).expect("the contract file is readable"),
    )
    .expect("the contract is JSON");
    let runs: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(5);
    let threads: usize = args.get(4).and_then(|t| t.parse().ok()).unwrap_or(1);
    let run = || {
        let start = Instant::now();
        let result = match threads {
            1 => evidence_check::evaluate_json(&contract, &roster, &mut |_| {}),
            _ => evidence_check::evaluate_json_on_threads(&contract, &roster, threads),
        }
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
