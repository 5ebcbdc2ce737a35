//! Realistic text generators shared by the policy, stream and chat property tests.
#![allow(dead_code)]

use proptest::prelude::*;

/// A Luhn-valid 16-digit Visa-style number in groups.
fn card(seed: u64, sep: &str) -> String {
    let mut d: Vec<u32> = vec![4];
    let mut x = seed;
    for _ in 0..14 {
        d.push((x % 10) as u32);
        x = x / 10 + 7919 * (x % 13);
    }
    // Luhn check digit.
    let mut sum = 0;
    for (i, v) in d.iter().rev().enumerate() {
        let mut v = *v;
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    d.push((10 - sum % 10) % 10);
    let s: String = d.iter().map(|v| char::from(b'0' + *v as u8)).collect();
    format!(
        "{}{sep}{}{sep}{}{sep}{}",
        &s[0..4],
        &s[4..8],
        &s[8..12],
        &s[12..16]
    )
}

/// One realistic token: words (some multi-byte), emails, Luhn-valid cards, custom ids, a
/// deny-term, digits and near misses.
pub fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "the", "quick", "report", "Hello", "café", "naïve", "日本語", "données", "🙂", "ok",
            "version", "SSN", "call", "order", "meeting", "Ελληνικά", "x", "a", "-", "(", ")",
        ]).prop_map(str::to_string),
        2 => (0u32..50, 0u32..5).prop_map(|(u, d)| format!("user{u}@mail{d}.example.com")),
        1 => (0u32..9).prop_map(|u| format!("j.doe+{u}@corp.example")),
        1 => (any::<u64>(), prop::sample::select(vec![" ", "-", ""]))
            .prop_map(|(s, sep)| card(s % 1000, sep)),
        1 => (0u32..1_000_000).prop_map(|n| format!("EMP-{n:06}")),
        1 => Just("Project Falcon".to_string()),
        1 => (100u32..999, 10u32..99, 1000u32..9999).prop_map(|(a, b, c)| format!("{a}-{b}-{c}")),
        1 => (0u32..10000).prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec!["a@b", "@x.io", "4111 1111", "user@localhost", "[EMAIL]"])
            .prop_map(str::to_string),
    ]
}

/// A separator, sometimes empty so that tokens glue together.
pub fn sep() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        " ", " ", " ", "\n", ", ", ". ", "  ", "\t", ": ", "", "é ",
    ])
    .prop_map(str::to_string)
}

/// A text of up to `max` tokens.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((token(), sep()), 0..max).prop_map(|v| {
        let mut s = String::new();
        for (t, p) in v {
            s.push_str(&t);
            s.push_str(&p);
        }
        s
    })
}

/// Cuts `text` into pieces of the given sizes (cycled), each moved back to a char boundary
/// (and forward when that would be empty).
pub fn chunks<'t>(text: &'t str, sizes: &[usize]) -> Vec<&'t str> {
    let mut v = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < text.len() {
        let n = sizes
            .get(k % sizes.len().max(1))
            .copied()
            .unwrap_or(7)
            .max(1);
        k += 1;
        let mut j = (i + n).min(text.len());
        while !text.is_char_boundary(j) {
            j -= 1;
        }
        if j == i {
            j = i + 1;
            while !text.is_char_boundary(j) {
                j += 1;
            }
        }
        v.push(&text[i..j]);
        i = j;
    }
    v
}

/// A proptest config with `default` cases, overridable with `PROPTEST_CASES`.
pub fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig::with_cases(cases)
}
