//! Residency decision and compile benchmarks.
//!
//! Target (DESIGN.md §7): a decision over all providers ≤ 1 µs. "Decision" here means
//! `Policy::decide` plus walking the whole allowed set and the determining rules, which is what
//! a gateway does before it routes and writes the audit record.

// criterion_group! generates an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use lastgate::residency::{Catalog, Policy, Provider, Request, Rule, RuleSet};
use lastgate::{Category, Kind};

/// A tiny deterministic generator, so every run benchmarks the same rule set.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const CLASSES: [&str; 8] = [
    "public",
    "internal",
    "personal",
    "sensitive",
    "financial",
    "PHI",
    "confidential",
    "secret",
];

/// `regions` regions, 8 classifications, `providers` providers, `rules` rules: a GDPR-like
/// region forbid per few regions, certification forbids per classification and region permits.
fn synthetic(regions: usize, providers: usize, rules: usize) -> RuleSet {
    let mut rng = Lcg(0x5eed);
    let region_names: Vec<String> = (0..regions).map(|i| format!("R{i:02}")).collect();
    let certs = ["baa", "soc2", "zdr", "iso27001", "pci"];
    let mut cat = Catalog::new()
        .regions(region_names.iter().cloned())
        .classifications(CLASSES)
        .certifications(certs);
    for i in 0..providers {
        let mut p = Provider::new(format!("p{i:03}"), region_names[rng.next(regions)].clone());
        for c in certs {
            if rng.next(3) == 0 {
                p = p.certification(c);
            }
        }
        cat = cat.provider(p.on_prem(rng.next(10) == 0));
    }
    let mut set = RuleSet::new(cat)
        .raise_category(Category::Pii, "personal")
        .raise_category(Category::Financial, "financial")
        .raise_category(Category::Phi, "PHI")
        .raise_category(Category::Secret, "confidential");
    for i in 0..rules {
        let r1 = &region_names[rng.next(regions)];
        let r2 = &region_names[rng.next(regions)];
        let r3 = &region_names[rng.next(regions)];
        let class = CLASSES[rng.next(CLASSES.len())];
        let cert = certs[rng.next(certs.len())];
        let rule = match i % 4 {
            0 => Rule::permit(format!("permit-{i}"), "regional approval")
                .when(format!("user_region in ['{r1}', '{r2}']"))
                .providers(format!("provider.region in ['{r1}', '{r2}', '{r3}']")),
            1 => Rule::forbid(format!("residency-{i}"), "data stays in region")
                .when(format!("user_region == '{r1}'"))
                .providers(format!("provider.region not in ['{r1}', '{r2}']")),
            // Certification requirements start at the sensitive end of the scale.
            2 => Rule::forbid(format!("cert-{i}"), "needs a certification")
                .when(format!(
                    "data_classification >= '{}'",
                    CLASSES[5 + rng.next(3)]
                ))
                .providers(format!("not provider.certifications contains '{cert}'")),
            _ => Rule::permit(format!("global-{i}"), "approved for low classifications")
                .when(format!(
                    "data_classification <= '{class}' and not user_region in ['{r3}']"
                ))
                .providers(format!(
                    "provider.certifications contains '{cert}' or provider.on_prem"
                )),
        };
        set = set.rule(rule);
    }
    set
}

fn decide_all(policy: &Policy, req: &Request<'_>) -> usize {
    let d = policy.decide(req);
    let mut n = 0;
    for p in d.allowed_providers() {
        n += p.len();
    }
    for r in d.determining_rules() {
        n += r.id().len();
    }
    n + d.policy_hash().as_bytes()[0] as usize
}

fn bench_decide(c: &mut Criterion) {
    let mut g = c.benchmark_group("residency_decide");
    g.measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(30);
    let kinds = [Kind::EMAIL, Kind::IP_ADDRESS];
    for (regions, providers, rules) in [(4, 8, 8), (30, 64, 200), (64, 512, 1000)] {
        let policy = synthetic(regions, providers, rules).compile().unwrap();
        // Benchmark the user region with the largest allowed set: walking it is the work.
        let region = policy
            .regions()
            .max_by_key(|r| {
                let req = Request::new()
                    .user_region(r)
                    .data_classification("internal")
                    .kinds(&kinds);
                policy.decide(&req).allowed_count()
            })
            .unwrap()
            .to_string();
        let req = Request::new()
            .user_region(&region)
            .data_classification("internal")
            .kinds(&kinds);
        let d = policy.decide(&req);
        assert_eq!(d.data_classification(), Some("personal"));
        assert!(d.allowed_count() > 0);
        eprintln!(
            "[{regions} regions, {providers} providers, {rules} rules] region {region}: allowed {}, determining {}",
            d.allowed_count(),
            d.determining_rules().len()
        );
        let id = format!("{providers}p_{rules}r");
        g.bench_with_input(BenchmarkId::new("decide_walk_all", &id), &req, |b, req| {
            b.iter(|| decide_all(&policy, black_box(req)))
        });
        g.bench_with_input(BenchmarkId::new("decide_only", &id), &req, |b, req| {
            b.iter(|| policy.decide(black_box(req)).allowed_count())
        });
    }
    let policy = synthetic(30, 64, 200).compile().unwrap();
    let req = Request::new()
        .user_region("R00")
        .data_classification("internal")
        .kinds(&kinds);
    g.bench_function("record_64p_200r", |b| {
        b.iter(|| policy.decide(black_box(&req)).record())
    });
    g.finish();
}

fn bench_compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("residency_compile");
    g.measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(10);
    // The research goal: load + validate + analyse 500 rules x 30 regions x 8 classes x 64
    // providers in < 100 ms.
    let set = synthetic(30, 64, 500);
    g.bench_function("compile_500r_30reg_8cls_64p", |b| {
        b.iter(|| black_box(&set).compile().unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_decide, bench_compile);
criterion_main!(benches);
