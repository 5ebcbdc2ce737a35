//! The `gateway_key` detector: lastgate's own gateway API keys pasted into text.
//!
//! Triggered by `_live_` / `_test_`; the brand before it and the 50 Base62 characters after it
//! are checked by [`KeyFormat::check_any_brand`](crate::keys::KeyFormat::check_any_brand),
//! including the CRC-32, so a look-alike with a wrong checksum is never reported.

use std::sync::Arc;

use super::{priority, Cx, Detect, Hit, Trigger, SCORE_CONFIRMED};
use crate::finding::Kind;
use crate::keys::{KeyFormat, BODY_LEN, BRAND_MAX_LEN, BRAND_MIN_LEN};

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(GatewayKey)]
}

struct GatewayKey;

/// `_live_` and `_test_`: the separator, environment and separator.
const MARKER_LEN: usize = 6;

impl Detect for GatewayKey {
    fn id(&self) -> &'static str {
        "gateway_key"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::GATEWAY_KEY]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::LiteralsExact(vec![
            "_live_".into(),
            "_test_".into(),
        ])]
    }

    fn max_len(&self) -> usize {
        BRAND_MAX_LEN + MARKER_LEN + BODY_LEN
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let marker = hit.start;
        let end = marker + MARKER_LEN + BODY_LEN;
        // The literal is matched case-insensitively; keys use lower case.
        if b.get(marker + 1..marker + 5)
            .is_none_or(|env| env != b"live" && env != b"test")
        {
            return hit.end;
        }
        // Exactly 50 Base62 characters, then a non-alphanumeric byte (or the end).
        let Some(body) = b.get(marker + MARKER_LEN..end) else {
            return hit.end;
        };
        if !body.iter().all(u8::is_ascii_alphanumeric)
            || b.get(end).is_some_and(u8::is_ascii_alphanumeric)
        {
            return hit.end;
        }
        // The brand: lower-case letters and digits before the marker. The CRC covers it, so only
        // the true start validates; try each possible start, longest first.
        let mut lo = marker;
        while lo > 0
            && marker - lo < BRAND_MAX_LEN + 1
            && matches!(b[lo - 1], b'a'..=b'z' | b'0'..=b'9')
        {
            lo -= 1;
        }
        for start in lo..=marker.saturating_sub(BRAND_MIN_LEN) {
            if start > 0 && b[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            if cx
                .text
                .get(start..end)
                .is_some_and(|t| KeyFormat::check_any_brand(t).is_ok())
            {
                cx.emit(
                    Kind::GATEWAY_KEY,
                    start,
                    end,
                    SCORE_CONFIRMED,
                    priority::PREFIXED_TOKEN,
                );
                return end;
            }
        }
        hit.end
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::keys::{
        Entropy, EntropyError, Environment, KeyManager, KeySpec, Owner, Pepper, PepperSet,
        Timestamp,
    };
    use crate::Kind;

    struct Counter(u8);
    impl Entropy for Counter {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), EntropyError> {
            for x in buf {
                self.0 = self.0.wrapping_mul(31).wrapping_add(7);
                *x = self.0;
            }
            Ok(())
        }
    }

    fn issue(brand: &str) -> String {
        let peppers = PepperSet::new(Pepper::new(1, &[7u8; 32]).unwrap());
        let mgr = KeyManager::new(crate::keys::KeyFormat::new(brand).unwrap(), peppers);
        let spec = KeySpec::new(Owner::new("team", "app"), Environment::Test);
        let issued = mgr
            .issue(&spec, Timestamp::from_unix_millis(1), &mut Counter(1))
            .unwrap();
        issued.key.expose_secret().to_string()
    }

    #[test]
    fn finds_issued_keys_in_text() {
        for brand in ["lg", "acme", "x9"] {
            let key = issue(brand);
            for text in [
                format!("my key is {key}, thanks"),
                format!("Authorization: Bearer {key}"),
                format!("LASTGATE_KEY={key}"),
                format!("\"api_key\": \"{key}\""),
                format!("pre_{key}"),
            ] {
                assert_eq!(found(Kind::GATEWAY_KEY, &text), [key.as_str()], "{text}");
            }
        }
    }

    #[test]
    fn rejects_look_alikes() {
        let key = issue("lg");
        let mut bad = key.clone().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
        let bad = String::from_utf8(bad).unwrap();
        for text in [
            bad.clone(),
            format!("{key}x"),
            format!("X{key}"),
            key[..key.len() - 1].to_string(),
            "def test_parser_test_cases_test_everything(): pass".to_string(),
            format!("lg_test_{}", "A".repeat(50)),
        ] {
            assert!(found(Kind::GATEWAY_KEY, &text).is_empty(), "{text}");
        }
    }
}
