//! Fuzzes whole residency rule sets built from structured input: compiling must never panic,
//! and a compiled policy must be order-independent, fail closed on unknown attributes, agree
//! with its own analysis and diff to nothing against itself.
#![no_main]

use arbitrary::Arbitrary;
use lastgate::residency::{Catalog, Effect, Provider, Request, Rule, RuleSet};
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 4] = ["EU", "UK", "US", "APAC"];
const CLASSES: [&str; 4] = ["public", "personal", "PHI", "confidential"];
const CERTS: [&str; 2] = ["baa", "soc2"];
const TOKENS: [&str; 28] = [
    "(",
    ")",
    "not",
    "and",
    "or",
    "true",
    "false",
    "user_region",
    "data_classification",
    "provider.name",
    "provider.region",
    "provider.certifications",
    "provider.on_prem",
    "==",
    "!=",
    ">=",
    "<",
    "in",
    "contains",
    "['EU', 'US']",
    "'EU'",
    "'UK'",
    "'PHI'",
    "'public'",
    "'baa'",
    "'p0'",
    "['p1', 'p2']",
    "'APAC'",
];

#[derive(Arbitrary, Debug)]
struct In {
    providers: Vec<(u8, u8, bool)>,
    rules: Vec<(bool, u8, Vec<u8>, Vec<u8>)>,
    raise_phi: bool,
}

fn cond(tokens: &[u8]) -> Option<String> {
    if tokens.is_empty() {
        return None;
    }
    let words: Vec<&str> = tokens
        .iter()
        .take(40)
        .map(|t| TOKENS[*t as usize % TOKENS.len()])
        .collect();
    Some(words.join(" "))
}

fn build(input: &In, reverse: bool) -> RuleSet {
    let mut cat = Catalog::new()
        .regions(REGIONS)
        .classifications(CLASSES)
        .certifications(CERTS);
    for (i, (region, certs, on_prem)) in input.providers.iter().take(12).enumerate() {
        let mut p = Provider::new(format!("p{i}"), REGIONS[*region as usize % REGIONS.len()]);
        for (j, c) in CERTS.iter().enumerate() {
            if certs >> j & 1 == 1 {
                p = p.certification(*c);
            }
        }
        cat = cat.provider(p.on_prem(*on_prem));
    }
    let mut rules: Vec<Rule> = input
        .rules
        .iter()
        .take(16)
        .map(|(permit, id, when, providers)| {
            let effect = if *permit {
                Effect::Permit
            } else {
                Effect::Forbid
            };
            let mut r = Rule::new(format!("r{}", id % 24), effect, "fuzz");
            if let Some(w) = cond(when) {
                r = r.when(w);
            }
            if let Some(p) = cond(providers) {
                r = r.providers(p);
            }
            r
        })
        .collect();
    if reverse {
        rules.reverse();
    }
    let mut set = RuleSet::new(cat);
    for r in rules {
        set = set.rule(r);
    }
    if input.raise_phi {
        set = set.raise_category(lastgate::Category::Phi, "PHI");
    }
    set
}

fuzz_target!(|input: In| {
    let Ok(policy) = build(&input, false).compile() else {
        return;
    };
    let reversed = build(&input, true)
        .compile()
        .expect("order never matters for validity");
    assert_eq!(policy.hash(), reversed.hash());
    assert!(policy.diff(&reversed).is_empty());
    let kinds = [lastgate::Kind::MRN];
    for class in CLASSES.iter().copied().map(Some).chain([None]) {
        let mut base = Request::new().kinds(&kinds);
        if let Some(c) = class {
            base = base.data_classification(c);
        }
        let unknown: Vec<&str> = policy.decide(&base).allowed_providers().collect();
        for region in REGIONS {
            let d = policy.decide(&base.user_region(region));
            let allowed: Vec<&str> = d.allowed_providers().collect();
            assert!(unknown.iter().all(|p| allowed.contains(p)));
            assert_eq!(d.is_unroutable(), allowed.is_empty());
            assert_eq!(
                d.record(),
                reversed.decide(&base.user_region(region)).record()
            );
            if let Some(c) = class {
                let listed = policy.analysis().unroutable().iter().any(|u| {
                    u.region() == region
                        && u.classification() == d.data_classification().unwrap_or(c)
                });
                assert_eq!(d.is_unroutable(), listed);
            }
        }
    }
});
