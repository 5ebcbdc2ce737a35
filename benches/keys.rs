//! Key verification and issuance benchmarks.
//!
//! Criterion reports medians. Afterwards a plain timed loop reports p50/p99/p99.9 of single
//! verifications (each timed with its own `Instant` pair, so the figures include ~20–30 ns of
//! clock overhead). The host's lookup is excluded: the record is already in memory.
//!
//! `cargo bench --bench keys` for the figures; `cargo bench --bench keys -- --test` runs
//! every benchmark once, and a short percentile loop, as a smoke test.

use std::hint::black_box;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use criterion::Criterion;
use lastgate::keys::{
    Entropy, EntropyError, Environment, KeyDigest, KeyFormat, KeyManager, KeyRecord, KeySpec,
    Owner, Pepper, PepperSet, RateLimit, Request, Timestamp, VerdictCode,
};

const NOW: Timestamp = Timestamp::from_unix_secs(1_767_225_600);

struct Fixture {
    manager: KeyManager,
    key: String,
    record: KeyRecord,
    other_key: String,
    wrong_secret_record: KeyRecord,
    peer: IpAddr,
}

/// Deterministic entropy so every run verifies the same key shape.
struct Seeded(u64);
impl Entropy for Seeded {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        for b in dest {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (self.0 >> 56) as u8;
        }
        Ok(())
    }
}

fn fixture() -> Fixture {
    let manager = KeyManager::new(
        KeyFormat::default(),
        PepperSet::new(Pepper::new(2, &[7u8; 32]).unwrap())
            .with_previous(Pepper::new(1, &[8u8; 32]).unwrap())
            .unwrap(),
    );
    // A realistic record: 4 scopes, 3 model patterns, 8 CIDRs, a rate limit.
    let nets = [
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "2001:db8::/32",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "10.0.0.0/8",
    ];
    let spec = KeySpec::new(Owner::new("team-a", "support-bot"), Environment::Live)
        .scopes(["models:read", "embeddings:write", "files:read", "chat:*"])
        .models(["claude-*", "o3*", "gpt-4o*"])
        .ip_allow(nets.iter().map(|n| n.parse().unwrap()))
        .rate_limit(RateLimit::per(1_000_000, Duration::from_secs(60)).unwrap());
    let issued = manager.issue(&spec, NOW, &mut Seeded(1)).unwrap();
    let other = manager.issue(&spec, NOW, &mut Seeded(2)).unwrap();
    let mut wrong_secret_record = issued.record.clone();
    wrong_secret_record.digest = KeyDigest::from_bytes([0x5A; 32]);
    Fixture {
        manager,
        key: issued.key.expose_secret().to_string(),
        record: issued.record,
        other_key: other.key.expose_secret().to_string(),
        wrong_secret_record,
        peer: "::ffff:10.20.30.40".parse().unwrap(),
    }
}

fn request(f: &Fixture) -> Request<'static> {
    Request::new(NOW)
        .peer_ip(f.peer)
        .scopes(&["chat:write", "models:read"])
        .model("gpt-4o-mini")
}

fn bench_verify(c: &mut Criterion) {
    let f = fixture();
    let req = request(&f);
    assert_eq!(
        f.manager.verify(&f.key, Some(&f.record), &req).code(),
        VerdictCode::Valid
    );
    assert_eq!(
        f.manager.verify(&f.other_key, None, &req).code(),
        VerdictCode::NotFound
    );
    assert_eq!(
        f.manager
            .verify(&f.key, Some(&f.wrong_secret_record), &req)
            .code(),
        VerdictCode::NotFound
    );

    let mut g = c.benchmark_group("keys");
    g.measurement_time(Duration::from_secs(3)).sample_size(30);
    g.bench_function("verify_valid", |b| {
        b.iter(|| {
            f.manager
                .verify(black_box(&f.key), Some(black_box(&f.record)), &req)
        })
    });
    g.bench_function("verify_unknown_id", |b| {
        b.iter(|| f.manager.verify(black_box(&f.other_key), None, &req))
    });
    g.bench_function("verify_wrong_secret", |b| {
        b.iter(|| {
            f.manager.verify(
                black_box(&f.key),
                Some(black_box(&f.wrong_secret_record)),
                &req,
            )
        })
    });
    let typo = f.key.replacen("_live_", "_lvie_", 1);
    g.bench_function("verify_malformed", |b| {
        b.iter(|| f.manager.verify(black_box(&typo), None, &req))
    });
    g.bench_function("check_any_brand", |b| {
        b.iter(|| KeyFormat::check_any_brand(black_box(&f.key)).is_ok())
    });
    #[cfg(feature = "os-rng")]
    {
        let spec = KeySpec::new(Owner::new("t", "a"), Environment::Test).scopes(["chat:*"]);
        g.bench_function("issue_os_entropy", |b| {
            b.iter(|| {
                f.manager
                    .issue(black_box(&spec), NOW, &mut lastgate::keys::OsEntropy)
                    .unwrap()
            })
        });
    }
    g.finish();
}

/// Percentiles of single calls, timed one by one.
fn percentiles(name: &str, iters: usize, mut op: impl FnMut()) {
    for _ in 0..iters / 10 {
        op();
    }
    let mut ns: Vec<u64> = Vec::with_capacity(iters);
    for _ in 0..iters {
        let t = Instant::now();
        op();
        ns.push(t.elapsed().as_nanos() as u64);
    }
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() as f64 - 1.0) * q) as usize];
    println!(
        "keys/{name:<22} n={iters:<7} p50 {:>6} ns  p99 {:>6} ns  p99.9 {:>6} ns  max {:>8} ns",
        at(0.50),
        at(0.99),
        at(0.999),
        ns[ns.len() - 1]
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_verify(&mut c);
    c.final_summary();

    let smoke = std::env::args().any(|a| a == "--test");
    let iters = if smoke { 1_000 } else { 200_000 };
    let f = fixture();
    let req = request(&f);
    println!("\nsingle-call percentiles (host lookup excluded; includes Instant overhead):");
    percentiles("verify_valid", iters, || {
        black_box(f.manager.verify(black_box(&f.key), Some(&f.record), &req));
    });
    percentiles("verify_unknown_id", iters, || {
        black_box(f.manager.verify(black_box(&f.other_key), None, &req));
    });
    percentiles("verify_wrong_secret", iters, || {
        black_box(
            f.manager
                .verify(black_box(&f.key), Some(&f.wrong_secret_record), &req),
        );
    });
    percentiles("empty (clock overhead)", iters, || {
        black_box(());
    });
}
