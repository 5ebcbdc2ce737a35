//! Accuracy on the labelled corpus in `tests/corpus/*.jsonl`.
//!
//! Each line: `{"id": "...", "text": "...", "labels": [{"kind": "email", "value": "..."}]}`.
//! Every sensitive item in a text is labelled, so anything else the scanner reports is a false
//! positive. Findings and labels are matched as multisets of `(kind, matched text)`. The test
//! prints precision and recall per kind and fails below the floors at the bottom of this file.

use std::collections::BTreeMap;
use std::path::Path;

use lastgate::Scanner;
use serde_json::Value;

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// `(id, text, labels as (kind, value))`.
type Case = (String, String, Vec<(String, String)>);

fn load() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/corpus exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let body = std::fs::read_to_string(&f).expect("readable corpus file");
        for (n, line) in body.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), n + 1));
            let id = v["id"].as_str().map(str::to_string).unwrap_or_else(|| {
                format!("{}:{}", f.file_name().unwrap().to_string_lossy(), n + 1)
            });
            let text = v["text"].as_str().expect("text").to_string();
            let mut labels = Vec::new();
            for l in v["labels"].as_array().expect("labels array") {
                let kind = l["kind"].as_str().expect("label kind").to_string();
                let value = l["value"].as_str().expect("label value").to_string();
                assert!(
                    lastgate::Kind::from_builtin_id(&kind).is_some(),
                    "{id}: unknown kind {kind}"
                );
                assert!(text.contains(&value), "{id}: label value not in text");
                labels.push((kind, value));
            }
            cases.push((id, text, labels));
        }
    }
    cases
}

#[test]
fn corpus_precision_and_recall() {
    let scanner = Scanner::builtin();
    let cases = load();
    assert!(!cases.is_empty(), "the corpus is empty");
    let mut per: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    for (id, text, labels) in &cases {
        let mut expected = labels.clone();
        for f in scanner.find_iter(text) {
            let got = (
                f.kind().as_str().to_string(),
                f.text(text).unwrap().to_string(),
            );
            if let Some(i) = expected.iter().position(|e| *e == got) {
                expected.swap_remove(i);
                per.entry(got.0).or_default().tp += 1;
            } else {
                misses.push(format!("{id}: false positive {} {:?}", got.0, got.1));
                per.entry(got.0).or_default().fp += 1;
            }
        }
        for (kind, value) in expected {
            misses.push(format!("{id}: missed {kind} {value:?}"));
            per.entry(kind).or_default().fn_ += 1;
        }
    }
    println!("corpus: {} texts", cases.len());
    println!(
        "{:<24} {:>5} {:>5} {:>5} {:>9} {:>9}",
        "kind", "tp", "fp", "fn", "precision", "recall"
    );
    let mut total = Counts::default();
    let mut failures = Vec::new();
    for (kind, c) in &per {
        let p = c.tp as f64 / (c.tp + c.fp).max(1) as f64;
        let r = c.tp as f64 / (c.tp + c.fn_).max(1) as f64;
        println!(
            "{kind:<24} {:>5} {:>5} {:>5} {p:>9.3} {r:>9.3}",
            c.tp, c.fp, c.fn_
        );
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
        if (c.tp + c.fp > 0 && p < PRECISION_FLOOR) || (c.tp + c.fn_ > 0 && r < RECALL_FLOOR) {
            failures.push(kind.clone());
        }
    }
    let p = total.tp as f64 / (total.tp + total.fp).max(1) as f64;
    let r = total.tp as f64 / (total.tp + total.fn_).max(1) as f64;
    println!(
        "{:<24} {:>5} {:>5} {:>5} {p:>9.3} {r:>9.3}",
        "ALL", total.tp, total.fp, total.fn_
    );
    for m in &misses {
        println!("  {m}");
    }
    assert!(
        failures.is_empty(),
        "kinds below the floors (precision {PRECISION_FLOOR}, recall {RECALL_FLOOR}): {failures:?}"
    );
}

/// Floors every kind must meet on this corpus. Raise them as detection improves.
const PRECISION_FLOOR: f64 = 0.95;
const RECALL_FLOOR: f64 = 0.95;
