//! Throughput of the scanner on one input, with every built-in detector, with the secret
//! detectors only, and with one single-anchor secret kind (to separate the cost of the shared
//! literal automaton from the cost of the detectors).
//!
//! ```text
//! cargo run --release --example secrets_throughput < big.txt
//! ```

use std::io::Read;
use std::time::Instant;

use lastgate::{Category, Kind, Scanner};

fn best_mb_s(scanner: &Scanner, text: &str) -> (f64, usize) {
    let mut best = 0.0f64;
    let mut n = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        n = scanner.scan(text).len();
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        best = best.max(text.len() as f64 / 1e6 / secs);
    }
    (best, n)
}

fn main() -> std::io::Result<()> {
    let mut raw = Vec::new();
    std::io::stdin().read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let configs: Vec<(&str, Scanner)> = vec![
        ("all built-in detectors", Scanner::builtin()),
        (
            "secret detectors only",
            Scanner::builder()
                .categories([Category::Secret])
                .build()
                .expect("builds"),
        ),
        (
            "jwt only (one anchor)",
            Scanner::builder()
                .kinds([Kind::JWT])
                .build()
                .expect("builds"),
        ),
        (
            "non-secret detectors",
            Scanner::builder()
                .categories([Category::Pii, Category::Phi, Category::Financial])
                .build()
                .expect("builds"),
        ),
    ];
    for (name, scanner) in &configs {
        let (mb_s, n) = best_mb_s(scanner, &text);
        println!(
            "{name:<26} {:>10} bytes {n:>7} findings {mb_s:>8.1} MB/s (best of 5)",
            text.len()
        );
    }
    Ok(())
}
