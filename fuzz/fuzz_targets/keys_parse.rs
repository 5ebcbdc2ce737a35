//! Every string parser of `lastgate::keys` on arbitrary input: never a panic, and the format
//! check agrees with itself.
#![no_main]

use lastgate::keys::{
    is_valid_model_pattern, is_valid_scope, model_allowed, scope_covers, IpCidr, KeyDigest,
    KeyFormat, KeyId,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();

    let any = KeyFormat::check_any_brand(s);
    let fixed = KeyFormat::default().parse(s);
    if let Ok(p) = fixed {
        // Whatever passes the branded check passes the brand-agnostic one, with the same parts.
        let a = any.expect("branded parse implies brand-agnostic parse");
        assert_eq!(a.key_id(), p.key_id());
        assert_eq!(p.brand(), "lg");
        assert!(
            s.len() >= lastgate::keys::MIN_TOKEN_LEN && s.len() <= lastgate::keys::MAX_TOKEN_LEN
        );
        assert!(!format!("{p:?}").contains(&s[s.len() - 38..]));
    }
    if let Ok(p) = any {
        assert_eq!(
            KeyFormat::new(p.brand())
                .unwrap()
                .parse(s)
                .map(|q| q.key_id()),
            Ok(p.key_id())
        );
    }

    if let Ok(c) = s.parse::<IpCidr>() {
        // Canonical form round-trips.
        let again: IpCidr = c.to_string().parse().expect("canonical CIDR parses");
        assert_eq!(again, c);
        assert!(c.contains(c.addr()));
    }
    let (a, b) = s.split_at(
        s.char_indices()
            .nth(s.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let _ = is_valid_scope(a);
    if scope_covers(a, b) {
        assert!(is_valid_scope(b) && !b.contains('*'));
    }
    let _ = is_valid_model_pattern(a);
    let _ = model_allowed(a, b);
    let _ = KeyId::parse(s);
    if let Some(d) = KeyDigest::from_hex(s) {
        assert_eq!(KeyDigest::from_hex(&d.to_hex()), Some(d));
    }
});
