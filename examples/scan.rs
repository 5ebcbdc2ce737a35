//! The scan CLI: a demonstration and the interface outside evaluations use (DESIGN.md §6).
//!
//! ```text
//! cargo run --release --example scan -- --jsonl < in.jsonl > out.jsonl
//! cargo run --release --example scan < file.txt
//! ```
//!
//! `--jsonl`: each input line is a JSON object with a `"text"` string; each output line, in the
//! same order, is `{"findings":[{"kind":"email","start":10,"end":27,"score":0.9,"detector":"email"}]}`
//! with UTF-8 byte offsets, from the default built-in scanner. A line that is not such an object
//! yields `{"findings":[],"error":"..."}` so that output lines stay aligned with input lines.
//!
//! Without `--jsonl`: stdin is one text; each finding is printed as one JSON line, and a summary
//! (bytes, findings, MB/s) goes to stderr.

use std::io::{self, BufRead, Read, Write};
use std::time::Instant;

use lastgate::{Finding, Scanner};
use serde_json::{json, Value};

fn finding_json(f: &Finding) -> Value {
    json!({
        "kind": f.kind().as_str(),
        "start": f.start(),
        "end": f.end(),
        // Scores are f32; print them at the precision they carry, not as widened f64 noise.
        "score": (f64::from(f.score()) * 10_000.0).round() / 10_000.0,
        "detector": f.detector(),
    })
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let jsonl = args.iter().any(|a| a == "--jsonl");
    if let Some(bad) = args.iter().find(|a| a.as_str() != "--jsonl") {
        eprintln!("unknown argument {bad:?}; usage: scan [--jsonl] < input");
        std::process::exit(2);
    }
    let scanner = Scanner::builtin();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if jsonl {
        let stdin = io::stdin();
        let mut findings = Vec::new();
        for line in stdin.lock().split(b'\n') {
            let line = line?;
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let row = match serde_json::from_str::<Value>(line) {
                Ok(v) => match v.get("text").and_then(Value::as_str) {
                    Some(text) => {
                        scanner.scan_into(text, &mut findings);
                        json!({ "findings": findings.iter().map(finding_json).collect::<Vec<_>>() })
                    }
                    None => json!({ "findings": [], "error": "no \"text\" string" }),
                },
                Err(e) => json!({ "findings": [], "error": format!("invalid JSON: {e}") }),
            };
            serde_json::to_writer(&mut out, &row)?;
            out.write_all(b"\n")?;
        }
    } else {
        let mut raw = Vec::new();
        io::stdin().read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let t0 = Instant::now();
        let findings = scanner.scan(&text);
        let secs = t0.elapsed().as_secs_f64();
        for f in &findings {
            serde_json::to_writer(&mut out, &finding_json(f))?;
            out.write_all(b"\n")?;
        }
        eprintln!(
            "{} bytes, {} findings, {:.1} MB/s",
            text.len(),
            findings.len(),
            text.len() as f64 / 1e6 / secs.max(1e-9)
        );
    }
    out.flush()
}
