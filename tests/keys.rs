//! Integration and property tests for `lastgate::keys`.

use std::net::IpAddr;
use std::time::Duration;

use lastgate::keys::{
    Effect, Entropy, EntropyError, Environment, FormatError, IpCidr, KeyFormat, KeyManager,
    KeyRecord, KeySpec, Owner, Pepper, PepperSet, RateLimit, Request, Timestamp, VerdictCode,
};
use proptest::prelude::*;

/// Deterministic entropy for tests (SplitMix64). Not a CSPRNG.
struct TestEntropy(u64);

impl Entropy for TestEntropy {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        for b in dest {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *b = (z ^ (z >> 31)) as u8;
        }
        Ok(())
    }
}

/// The Base62 alphabet, written out independently of the crate.
const BASE62_ALPHABET_FOR_TESTS: &str =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const NOW: Timestamp = Timestamp::from_unix_secs(1_767_225_600);

fn manager() -> KeyManager {
    let set = PepperSet::new(Pepper::new(3, &[0x33; 32]).unwrap())
        .with_previous(Pepper::new(2, &[0x22; 32]).unwrap())
        .unwrap();
    KeyManager::new(KeyFormat::default(), set)
}

fn issue(seed: u64, env: Environment) -> (String, KeyRecord) {
    issue_with(&manager(), seed, env)
}

fn issue_with(m: &KeyManager, seed: u64, env: Environment) -> (String, KeyRecord) {
    let spec = KeySpec::new(Owner::new("t", "a"), env)
        .scopes(["chat:*"])
        .rate_limit(RateLimit::new(5, Duration::from_secs(10), 3).unwrap());
    let issued = m.issue(&spec, NOW, &mut TestEntropy(seed)).unwrap();
    (issued.key.expose_secret().to_string(), issued.record)
}

/// Every byte value a substitution could bring in: the Base62 alphabet plus separators,
/// punctuation, and a few bytes that look like key characters but are not.
fn replacement_chars() -> Vec<char> {
    let mut v: Vec<char> = BASE62_ALPHABET_FOR_TESTS.chars().collect();
    v.extend(['_', '-', ' ', '.', '/', '+', '=', '\0', 'é', 'Ω', '０']);
    v
}

#[test]
fn every_single_character_substitution_is_rejected_by_the_format_check() {
    let m = manager();
    for seed in 0..8 {
        for env in [Environment::Test, Environment::Live] {
            let (key, record) = issue(seed, env);
            let chars: Vec<char> = key.chars().collect();
            for pos in 0..chars.len() {
                for &c in &replacement_chars() {
                    if c == chars[pos] {
                        continue;
                    }
                    let mut changed = chars.clone();
                    changed[pos] = c;
                    let s: String = changed.iter().collect();
                    let v = m.verify(&s, Some(&record), &Request::new(NOW));
                    assert_eq!(v.code(), VerdictCode::Malformed, "pos {pos} char {c:?}");
                }
            }
        }
    }
}

#[test]
fn deletions_insertions_and_swaps_are_rejected() {
    let m = manager();
    let (key, record) = issue(42, Environment::Test);
    let chars: Vec<char> = key.chars().collect();
    for pos in 0..chars.len() {
        let mut del = chars.clone();
        del.remove(pos);
        let s: String = del.iter().collect();
        assert!(!m.verify(&s, Some(&record), &Request::new(NOW)).is_valid());
        let mut ins = chars.clone();
        ins.insert(pos, 'a');
        let s: String = ins.iter().collect();
        assert!(!m.verify(&s, Some(&record), &Request::new(NOW)).is_valid());
        if pos + 1 < chars.len() && chars[pos] != chars[pos + 1] {
            let mut sw = chars.clone();
            sw.swap(pos, pos + 1);
            let s: String = sw.iter().collect();
            assert_eq!(
                m.verify(&s, Some(&record), &Request::new(NOW)).code(),
                VerdictCode::Malformed,
                "swap at {pos}"
            );
        }
    }
}

#[test]
fn the_token_grammar_documented_for_the_detector_holds() {
    // `[a-z][a-z0-9]{1,15}_(?:live|test)_[0-9A-Za-z]{50}`, 58..=72 bytes.
    for (i, brand) in ["lg", "acme", "x9", "abcdefghij012345"].iter().enumerate() {
        let m = KeyManager::new(
            KeyFormat::new(brand).unwrap(),
            PepperSet::new(Pepper::new(1, &[1; 32]).unwrap()),
        );
        let spec = KeySpec::new(Owner::default(), Environment::Live);
        let k = m.issue(&spec, NOW, &mut TestEntropy(i as u64)).unwrap();
        let s = k.key.expose_secret();
        assert_eq!(s.len(), brand.len() + 56);
        assert!((lastgate::keys::MIN_TOKEN_LEN..=lastgate::keys::MAX_TOKEN_LEN).contains(&s.len()));
        let body = &s[brand.len() + 6..];
        assert_eq!(body.len(), lastgate::keys::BODY_LEN);
        assert!(body.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(s.starts_with(&format!("{brand}_live_")));
        let p = KeyFormat::check_any_brand(s).unwrap();
        assert_eq!(p.brand(), *brand);
        assert_eq!(p.key_id(), k.record.key_id);
    }
}

#[test]
fn check_any_brand_rejects_lookalikes() {
    // Shaped like a key, but random: the checksum almost surely fails.
    let fake = "lg_live_AAAAAAAAAAAAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbCCCCCC";
    assert_eq!(fake.len(), 58);
    assert_eq!(
        KeyFormat::check_any_brand(fake).unwrap_err(),
        FormatError::Checksum
    );
    assert_eq!(
        KeyFormat::check_any_brand("LG_live_AAAAAAAAAAAAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbCCCCCC")
            .unwrap_err(),
        FormatError::Prefix
    );
}

#[test]
fn unknown_id_and_wrong_secret_are_indistinguishable() {
    let m = manager();
    let (key, record) = issue(7, Environment::Test);
    let (other_key, _) = issue(8, Environment::Test);
    let a = m.verify(&other_key, None, &Request::new(NOW));
    // Same id as `record`, different secret: craft by issuing from a record copy is not
    // possible, so use `record` with the other key's token (id mismatch) and with a
    // tampered digest (id match).
    let b = m.verify(&other_key, Some(&record), &Request::new(NOW));
    let mut tampered = record.clone();
    tampered.digest = lastgate::keys::KeyDigest::from_bytes([9; 32]);
    let c = m.verify(&key, Some(&tampered), &Request::new(NOW));
    for v in [a, b, c] {
        assert_eq!(v.code(), VerdictCode::NotFound);
        assert!(v.effects().is_empty());
        assert_eq!(v.format_error(), None);
        assert_eq!(v.retry_after_ms(), None);
    }
}

fn all_permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in all_permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

#[derive(Clone, Debug)]
struct Step {
    dt_ms: u64,
    cost: u32,
    ip: u8,
    scope: u8,
}

fn step_strategy() -> impl Strategy<Value = Step> {
    (0u64..5_000, 0u32..4, 0u8..3, 0u8..3).prop_map(|(dt_ms, cost, ip, scope)| Step {
        dt_ms,
        cost,
        ip,
        scope,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_single_substitution_never_valid(seed in any::<u64>(), pos in 0usize..58, c in any::<char>()) {
        let m = manager();
        let (key, record) = issue(seed, Environment::Test);
        let mut chars: Vec<char> = key.chars().collect();
        prop_assume!(chars[pos] != c);
        chars[pos] = c;
        let s: String = chars.iter().collect();
        prop_assert_eq!(m.verify(&s, Some(&record), &Request::new(NOW)).code(), VerdictCode::Malformed);
    }

    /// The host may apply the effects of each verdict in any order: the records, and so every
    /// later verdict, come out the same.
    #[test]
    fn verdicts_do_not_depend_on_effect_order(
        seed in any::<u64>(),
        steps in proptest::collection::vec(step_strategy(), 1..12),
        old_pepper in any::<bool>(),
    ) {
        // With `old_pepper`, the record starts under pepper 2, so the first success also asks
        // for a re-digest under pepper 3.
        let issuer = if old_pepper {
            KeyManager::new(KeyFormat::default(), PepperSet::new(Pepper::new(2, &[0x22; 32]).unwrap()))
        } else {
            manager()
        };
        let (key, mut base) = issue_with(&issuer, seed, Environment::Test);
        base.ip_allow = vec!["10.0.0.0/8".parse().unwrap()];
        let m = manager();
        let ips: [IpAddr; 3] = ["10.1.1.1".parse().unwrap(), "::ffff:10.2.2.2".parse().unwrap(), "192.0.2.1".parse().unwrap()];
        let scopes: [&[&str]; 3] = [&["chat:write"], &[], &["admin:x"]];

        let mut reference: Option<Vec<VerdictCode>> = None;
        for order in all_permutations(3) {
            let mut rec = base.clone();
            let mut t = NOW;
            let mut codes = Vec::new();
            for s in &steps {
                t = Timestamp::from_unix_millis(t.as_unix_millis() + s.dt_ms);
                let req = Request::new(t)
                    .peer_ip(ips[usize::from(s.ip)])
                    .scopes(scopes[usize::from(s.scope)])
                    .cost(s.cost);
                let v = m.verify(&key, Some(&rec), &req);
                codes.push(v.code());
                let effects: Vec<Effect> = v.effects().iter().collect();
                for &i in &order {
                    if let Some(e) = effects.get(i) {
                        e.apply_to(&mut rec);
                    }
                }
                // Applying twice changes nothing either.
                let once = rec.clone();
                for e in &effects { e.apply_to(&mut rec); }
                prop_assert_eq!(&once, &rec);
            }
            match &reference {
                None => reference = Some(codes),
                Some(r) => prop_assert_eq!(r, &codes),
            }
        }
    }

    #[test]
    fn any_string_gets_a_verdict(s in ".{0,120}", bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let m = manager();
        let (_, record) = issue(1, Environment::Test);
        let lossy = String::from_utf8_lossy(&bytes);
        for input in [s.as_str(), lossy.as_ref()] {
            let v = m.verify(input, Some(&record), &Request::new(NOW));
            prop_assert_ne!(v.code(), VerdictCode::Valid);
            let _ = KeyFormat::check_any_brand(input);
            let _ = input.parse::<IpCidr>();
            let _ = lastgate::keys::is_valid_scope(input);
            let _ = lastgate::keys::scope_covers(input, input);
            let _ = lastgate::keys::model_allowed(input, input);
            let _ = lastgate::keys::KeyId::parse(input);
            let _ = lastgate::keys::KeyDigest::from_hex(input);
        }
    }

    #[test]
    fn key_shaped_strings_are_rejected(body in "[0-9A-Za-z]{50}", brand in "[a-z][a-z0-9]{1,15}") {
        // Random strings with a valid shape pass only with the right checksum.
        let s = format!("{brand}_live_{body}");
        match KeyFormat::check_any_brand(&s) {
            Ok(_) => {
                let crc = crc32fast::hash(&s.as_bytes()[..s.len() - 6]);
                prop_assert!(s.ends_with(&lastgate_crc(crc)));
            }
            Err(e) => prop_assert_eq!(e, FormatError::Checksum),
        }
    }

    #[test]
    fn cidr_contains_matches_naive_bits(a in any::<u32>(), p in 0u8..=32, probe in any::<u32>()) {
        let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
        let net: IpCidr = format!("{}/{}", std::net::Ipv4Addr::from(a & mask), p).parse().unwrap();
        let expect = (probe & mask) == (a & mask);
        prop_assert_eq!(net.contains(IpAddr::V4(probe.into())), expect);
        let mapped = std::net::Ipv4Addr::from(probe).to_ipv6_mapped();
        prop_assert_eq!(net.contains(IpAddr::V6(mapped)), expect);
    }
}

/// Independent re-implementation of the checksum encoding (oracle for the property above).
fn lastgate_crc(mut v: u32) -> String {
    let alphabet: Vec<char> = BASE62_ALPHABET_FOR_TESTS.chars().collect();
    let mut out = vec!['0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = alphabet[(v % 62) as usize];
        v /= 62;
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// The documented candidate regex and the format check agree: a full match is exactly a
    /// token that passes every check but (possibly) the checksum.
    #[test]
    fn candidate_pattern_agrees_with_the_format_check(
        brand in "[a-z][a-z0-9]{0,16}|[a-zA-Z0-9_]{0,18}",
        env in "live|test|live|test|prod|tes|lives",
        sep in "_|_|_|-|__|",
        body in "[0-9A-Za-z]{50}|[0-9A-Za-z]{49,51}|[0-9A-Za-z_.é-]{50}",
    ) {
        let s = format!("{brand}_{env}{sep}{body}");
        let re = regex::Regex::new(&format!("^(?:{})$", lastgate::keys::CANDIDATE_PATTERN)).unwrap();
        let shape_ok = matches!(
            KeyFormat::check_any_brand(&s),
            Ok(_) | Err(FormatError::Checksum)
        );
        prop_assert_eq!(re.is_match(&s), shape_ok, "{}", s);
    }
}
