//! Streaming cost against the whole-text path, on the same text and policy.

// criterion_group! generates an undocumented function.
#![allow(missing_docs)]

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lastgate::policy::Policy;
use lastgate::stream::StreamScrubber;
use lastgate::Scanner;

/// ~256 KiB of chat-like prose with about one finding per 500 bytes.
fn corpus() -> String {
    let lines = [
        "Can you summarise the attached meeting notes and list the action items for the team? ",
        "The rollout is planned for next Tuesday; please double-check the migration scripts. ",
        "Reach the on-call engineer at oncall.lead@example.org if the dashboard turns red. ",
        "Customer says the renewal failed twice and wants a call back before Friday noon. ",
        "Their card on file is 5500 0000 0000 0004 according to the billing export. ",
        "Thanks! Also, draft a polite reply explaining the delay — merci, 谢谢, danke. ",
    ];
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 256 * 1024 {
        s.push_str(lines[i % lines.len()]);
        if i % 5 == 4 {
            s.push('\n');
        }
        i += 1;
    }
    s
}

fn stream(scanner: &Scanner, policy: &Policy, text: &str, n: usize) -> usize {
    let mut s = StreamScrubber::new(scanner, policy, None);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let mut j = (i + n).min(text.len());
        while !text.is_char_boundary(j) {
            j -= 1;
        }
        s.push_into(&text[i..j], &mut out);
        i = j;
    }
    s.finish_into(&mut out);
    out.len()
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::builtin();
    let policy = Policy::default();
    let text = corpus();
    let whole = policy
        .apply_without_vault(&scanner, &text)
        .into_text()
        .into_owned();
    assert_eq!(stream(&scanner, &policy, &text, 64), whole.len());

    let mut g = c.benchmark_group("stream");
    g.measurement_time(Duration::from_secs(3)).sample_size(30);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("whole_256k", |b| {
        b.iter(|| {
            black_box(
                policy
                    .apply_without_vault(&scanner, black_box(&text))
                    .text()
                    .len(),
            )
        })
    });
    for n in [16usize, 64, 1024, 16 * 1024] {
        g.bench_with_input(BenchmarkId::new("chunks_256k", n), &n, |b, &n| {
            b.iter(|| black_box(stream(&scanner, &policy, black_box(&text), n)))
        });
    }
    g.finish();

    let mut s = StreamScrubber::new(&scanner, &policy, None);
    let mut sink = String::new();
    let mut i = 0;
    while i < text.len() {
        let mut j = (i + 64).min(text.len());
        while !text.is_char_boundary(j) {
            j -= 1;
        }
        s.push_into(&text[i..j], &mut sink);
        i = j;
    }
    s.finish_into(&mut sink);
    assert_eq!(sink, whole);
    // Interleaved medians: on a shared machine, sequential criterion groups see different load;
    // alternating the two paths in one loop compares them under the same conditions.
    for n in [16usize, 64, 1024, 16 * 1024] {
        let mut tw = Vec::new();
        let mut ts = Vec::new();
        for _ in 0..41 {
            let t0 = std::time::Instant::now();
            black_box(
                policy
                    .apply_without_vault(&scanner, black_box(&text))
                    .text()
                    .len(),
            );
            tw.push(t0.elapsed().as_secs_f64());
            let t0 = std::time::Instant::now();
            black_box(stream(&scanner, &policy, black_box(&text), n));
            ts.push(t0.elapsed().as_secs_f64());
        }
        tw.sort_by(f64::total_cmp);
        ts.sort_by(f64::total_cmp);
        eprintln!(
            "interleaved medians, 256 KiB, {n}-byte chunks: whole {:.1} us, stream {:.1} us, ratio {:.3}",
            tw[20] * 1e6,
            ts[20] * 1e6,
            ts[20] / tw[20]
        );
    }
    eprintln!(
        "stream memory: hold_back {} B, peak buffer {} B for {} B of input",
        s.hold_back(),
        s.peak_buffer(),
        text.len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
