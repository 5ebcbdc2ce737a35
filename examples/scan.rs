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
//!
//! `--scrub`: print the input rewritten under the default policy (every finding replaced by its
//! `[KIND]` label) instead of findings. With `--chunk N` the same text goes through the streaming
//! scrubber in N-byte pieces (each cut moved back to a char boundary); the output is
//! byte-identical for every N. With `--jsonl`, each output line is `{"text":"<scrubbed>"}`.
//!
//! ```text
//! cargo run --release --example scan -- --scrub < file.txt
//! cargo run --release --example scan -- --scrub --chunk 7 < file.txt
//! ```

use std::io::{self, BufRead, Read, Write};
use std::time::Instant;

use lastgate::stream::StreamScrubber;
use lastgate::{Finding, Policy, Scanner};
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

/// `--scrub` and `--chunk N`: `None` when `--scrub` is absent.
fn scrub_args(args: &[String]) -> Option<Option<usize>> {
    let usage = || -> ! {
        eprintln!("usage: scan [--jsonl] [--scrub [--chunk N]] < input");
        std::process::exit(2);
    };
    let mut scrub = false;
    let mut chunk = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--jsonl" => {}
            "--scrub" => scrub = true,
            "--chunk" => {
                i += 1;
                match args.get(i).and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) if n > 0 => chunk = Some(n),
                    _ => usage(),
                }
            }
            bad => {
                eprintln!("unknown argument {bad:?}");
                usage()
            }
        }
        i += 1;
    }
    if chunk.is_some() && !scrub {
        usage()
    }
    scrub.then_some(chunk)
}

/// `text` rewritten under the default policy (labels only), whole or streamed in `chunk`-byte
/// pieces cut back to char boundaries.
fn scrub(scanner: &Scanner, policy: &Policy, text: &str, chunk: Option<usize>) -> (String, usize) {
    match chunk {
        None => {
            let out = policy.apply_without_vault(scanner, text);
            let n = out.summary().findings;
            (out.into_text().into_owned(), n)
        }
        Some(n) => {
            let mut s = StreamScrubber::new(scanner, policy, None);
            let mut out = String::with_capacity(text.len());
            let mut i = 0;
            while i < text.len() {
                let mut j = (i + n).min(text.len());
                while !text.is_char_boundary(j) {
                    j -= 1;
                }
                if j == i {
                    // N is smaller than this character: send the whole character.
                    j = i + 1;
                    while !text.is_char_boundary(j) {
                        j += 1;
                    }
                }
                s.push_into(&text[i..j], &mut out);
                i = j;
            }
            s.finish_into(&mut out);
            (out, s.summary().findings)
        }
    }
}

fn run_scrub(scanner: &Scanner, jsonl: bool, chunk: Option<usize>) -> io::Result<()> {
    // The default policy, every action written as its redact label (DESIGN.md §6).
    let policy = Policy::default().as_redact_only();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if jsonl {
        for line in io::stdin().lock().split(b'\n') {
            let line = line?;
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let row = match serde_json::from_str::<Value>(line) {
                Ok(v) => match v.get("text").and_then(Value::as_str) {
                    Some(text) => json!({ "text": scrub(scanner, &policy, text, chunk).0 }),
                    None => json!({ "text": null, "error": "no \"text\" string" }),
                },
                Err(e) => json!({ "text": null, "error": format!("invalid JSON: {e}") }),
            };
            serde_json::to_writer(&mut out, &row)?;
            out.write_all(b"\n")?;
        }
    } else {
        let mut raw = Vec::new();
        io::stdin().read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let t0 = Instant::now();
        let (scrubbed, findings) = scrub(scanner, &policy, &text, chunk);
        let secs = t0.elapsed().as_secs_f64();
        out.write_all(scrubbed.as_bytes())?;
        eprintln!(
            "{} bytes, {} findings, {:.1} MB/s",
            text.len(),
            findings,
            text.len() as f64 / 1e6 / secs.max(1e-9)
        );
    }
    out.flush()
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let jsonl = args.iter().any(|a| a == "--jsonl");
    if let Some(chunk) = scrub_args(&args) {
        return run_scrub(&Scanner::builtin(), jsonl, chunk);
    }
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
