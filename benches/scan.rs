//! Scanner throughput on the deterministic corpora of `benches/common` and scanner build time.
//!
//! `cargo bench --bench scan` — figures are single-threaded (criterion runs one thread).

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lastgate::{Scanner, ScannerBuilder};

mod common;

const SIZE: usize = 4 << 20;

fn scan(c: &mut Criterion) {
    // Cold build (first use compiles the lazily built detector tables), measured once.
    let t0 = Instant::now();
    let scanner = Scanner::builtin();
    println!("scanner cold build: {:?}", t0.elapsed());

    let prose = common::prose(SIZE, 42);
    let code = common::code(SIZE, 7);
    println!(
        "corpus findings: prose {} in {} bytes, code {} in {} bytes",
        scanner.scan(&prose).len(),
        prose.len(),
        scanner.scan(&code).len(),
        code.len()
    );

    let mut g = c.benchmark_group("scan");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Bytes(prose.len() as u64));
    g.bench_function("prose_4MiB", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            scanner.scan_into(black_box(&prose), &mut out);
            out.len()
        })
    });
    g.throughput(Throughput::Bytes(code.len() as u64));
    g.bench_function("code_4MiB", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            scanner.scan_into(black_box(&code), &mut out);
            out.len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("build");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.bench_function("scanner_builder_all_builtins", |b| {
        b.iter(|| {
            ScannerBuilder::new()
                .build()
                .map(|s| s.detector_ids().len())
        })
    });
    g.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
