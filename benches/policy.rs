//! Policy benches: scrub of a 2 KB prompt (scan + policy + rewrite) and restore throughput.

// criterion_group! generates an undocumented function.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::{Kind, Scanner};

/// A realistic ~2 KB support prompt with about one finding per 500 bytes.
fn prompt_2k() -> String {
    let para = "Hi team, the customer wrote again about the failed renewal. Their account was \
        migrated last week and the billing page still shows the old plan. Please check the \
        invoice history, compare it with the contract terms we agreed in March, and draft a \
        short, friendly reply that explains the next steps and the expected timeline. ";
    let mut s = String::new();
    let extras = [
        "Contact: maria.gonzalez@example-corp.com. ",
        "They paid with card 4111 1111 1111 1111 last time. ",
        "CC their manager at d.smith@example-corp.com as well. ",
        "Old ticket mentions backup address m.g@mailbox.example. ",
    ];
    let mut i = 0;
    while s.len() < 2048 {
        s.push_str(para);
        s.push_str(extras[i % extras.len()]);
        i += 1;
    }
    let mut end = 2048;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::builtin();
    let text = prompt_2k();
    let found = scanner.scan(&text).len();
    assert!(found >= 3, "the prompt should carry findings, got {found}");

    let mut g = c.benchmark_group("policy");
    g.measurement_time(Duration::from_secs(3)).sample_size(30);
    g.throughput(Throughput::Bytes(text.len() as u64));

    // Baseline: the scan alone, to show what policy + rewrite add.
    let mut buf = Vec::new();
    g.bench_function("scan_2k_only", |b| {
        b.iter(|| {
            scanner.scan_into(black_box(&text), &mut buf);
            black_box(buf.len())
        })
    });

    let default = Policy::default();
    g.bench_function("scrub_2k_default", |b| {
        b.iter(|| {
            let out = default.apply_without_vault(&scanner, black_box(&text));
            black_box(out.text().len())
        })
    });

    let pseudo = Policy::builder()
        .on(Kind::EMAIL, Action::Pseudonymize)
        .on(Kind::CREDIT_CARD, Action::Mask { keep_last: 4 })
        .build()
        .unwrap();
    let mut vault = Vault::new(VaultKey::new([1; 32]));
    g.bench_function("scrub_2k_pseudonymize", |b| {
        b.iter(|| {
            let out = pseudo.apply(&scanner, black_box(&text), &mut vault);
            black_box(out.text().len())
        })
    });
    g.finish();

    // Restore: 1 MiB of model output with a placeholder every ~200 bytes.
    let mut v = Vault::new(VaultKey::new([2; 32]));
    let toks: Vec<String> = (0..50)
        .map(|i| v.placeholder(Kind::EMAIL, &format!("user{i}@example.com")))
        .collect();
    let mut answer = String::new();
    let mut i = 0;
    while answer.len() < 1 << 20 {
        answer.push_str("The customer asked us to follow up [with] the account owner soon, so ");
        answer.push_str("please write to ");
        answer.push_str(&toks[i % toks.len()]);
        answer.push_str(" and keep [NOTE_1] in mind (not a placeholder). ");
        i += 1;
    }
    let mut g = c.benchmark_group("restore");
    g.measurement_time(Duration::from_secs(3)).sample_size(30);
    g.throughput(Throughput::Bytes(answer.len() as u64));
    g.bench_function("restore_1mib", |b| {
        b.iter(|| black_box(v.restore(black_box(&answer)).len()))
    });
    g.bench_function("stream_restore_1mib_64b_chunks", |b| {
        b.iter(|| {
            let mut r = lastgate::stream::StreamRestorer::new(&v);
            let mut out = String::with_capacity(answer.len() + 4096);
            let bytes = answer.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let mut j = (i + 64).min(bytes.len());
                while !answer.is_char_boundary(j) {
                    j -= 1;
                }
                r.push_into(&answer[i..j], &mut out);
                i = j;
            }
            out.push_str(&r.finish());
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
