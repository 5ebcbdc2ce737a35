//! Audit chain throughput: append (seal + canonical line) and streaming verification, keyed
//! mode (HMAC per record), typical gateway records (~700-byte lines).
//!
//! `cargo bench --bench audit`; criterion reports records/s (`Throughput::Elements`).

// criterion_group! generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::net::IpAddr;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use lastgate::audit::{
    Chain, EventType, MacKey, PromptKey, Record, ResidencyRef, ScanSummary, Verifier,
};
use lastgate::Kind;

const BATCH: usize = 10_000;

fn records(n: usize) -> Vec<Record> {
    let pk = PromptKey::new("tenant-a", &[5; 32]).unwrap();
    (0..n)
        .map(|i| {
            Record::builder(
                EventType::RequestCompleted,
                &format!("01HZX{i:010}"),
                1_700_000_000_000 + i as i64,
            )
            .team("payments")
            .user(&format!("user-{}", i % 97))
            .app("chat-ui")
            .key_id("lg_live_a1b2c3d4e5f6")
            .source_ip("10.1.2.3".parse::<IpAddr>().unwrap())
            .model("gpt-4o-mini")
            .provider("openai")
            .tokens_in(812)
            .tokens_out(95)
            .cost(1_250, "USD")
            .latency_ms(340)
            .status(200)
            .scan(
                ScanSummary::from_counts(&[(Kind::EMAIL, 2), (Kind::PHONE, 1)]).actions(["redact"]),
            )
            .residency(ResidencyRef::new(
                "9f86d081884c7d659a2feaa0c55ad015",
                ["eu-only"],
            ))
            .prompt_hmac(pk.tag("a prompt"))
            .build()
            .unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let recs = records(BATCH);
    let mut g = c.benchmark_group("audit");
    g.measurement_time(Duration::from_secs(3))
        .sample_size(30)
        .throughput(Throughput::Elements(BATCH as u64));

    // Append: canonical bytes, event hash, chain hash, HMAC, and the JSON line written out.
    g.bench_function("append_keyed", |b| {
        b.iter_batched_ref(
            || Chain::keyed("gw/eu-1/node-1", MacKey::new([7; 32])).unwrap(),
            |chain| {
                let mut line = String::with_capacity(1024);
                let mut bytes = 0usize;
                for r in &recs {
                    line.clear();
                    chain.append(r, &mut line).unwrap();
                    bytes += line.len();
                }
                bytes
            },
            BatchSize::SmallInput,
        )
    });

    let mut chain = Chain::keyed("gw/eu-1/node-1", MacKey::new([7; 32])).unwrap();
    let lines: Vec<String> = recs
        .iter()
        .map(|r| chain.seal(r.clone()).unwrap().to_line())
        .collect();
    let avg = lines.iter().map(String::len).sum::<usize>() / lines.len();
    eprintln!("audit bench: {BATCH} records per iteration, average line {avg} bytes");

    // Verify: strict parse + canonical check + hashes + MAC + sequencing, line by line.
    g.bench_function("verify_keyed", |b| {
        b.iter(|| {
            let mut v = Verifier::with_key(MacKey::new([7; 32]));
            for l in &lines {
                v.push_line(l);
            }
            let r = v.finish();
            assert_eq!(r.next_seq(), BATCH as u64);
            r
        })
    });
    g.finish();

    // The CI machine is shared; criterion's figures are wall-clock and drop when other jobs
    // run. Also report on-CPU time of this thread (Linux `/proc/thread-self/schedstat`), which
    // is what "records/s on one core" means.
    if let Some(t0) = on_cpu_ns() {
        let rounds = 20u64;
        let w0 = std::time::Instant::now();
        for _ in 0..rounds {
            let mut chain = Chain::keyed("gw/eu-1/node-1", MacKey::new([7; 32])).unwrap();
            let mut line = String::with_capacity(1024);
            for r in &recs {
                line.clear();
                chain.append(r, &mut line).unwrap();
            }
            criterion::black_box(&line);
        }
        let (t1, w1) = (on_cpu_ns().unwrap_or(t0), w0.elapsed());
        for _ in 0..rounds {
            let mut v = Verifier::with_key(MacKey::new([7; 32]));
            for l in &lines {
                v.push_line(l);
            }
            assert_eq!(v.finish().next_seq(), BATCH as u64);
        }
        let (t2, w2) = (on_cpu_ns().unwrap_or(t1), w0.elapsed() - w1);
        let n = (rounds * BATCH as u64) as f64;
        let rate = |ns: u64| n / (ns as f64 / 1e9);
        eprintln!(
            "audit on-CPU: append {:.0} records/s (wall {:.0}), verify {:.0} records/s (wall {:.0}), {} records each",
            rate(t1 - t0),
            n / w1.as_secs_f64(),
            rate(t2 - t1),
            n / w2.as_secs_f64(),
            n
        );
    }
}

/// Nanoseconds this thread has spent on a CPU (Linux only).
fn on_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

criterion_group!(benches, bench);
criterion_main!(benches);
