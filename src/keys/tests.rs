//! Unit tests of the manager: issuance, verification order, rotation, effects.

use core::time::Duration;
use std::net::IpAddr;

use super::*;

/// Deterministic test entropy (SplitMix64). Tests only: not a CSPRNG.
pub(crate) struct TestEntropy(pub u64);

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

struct Failing;
impl Entropy for Failing {
    fn fill(&mut self, _: &mut [u8]) -> Result<(), EntropyError> {
        Err(EntropyError)
    }
}

const NOW: Timestamp = Timestamp::from_unix_secs(1_767_225_600);

fn manager() -> KeyManager {
    KeyManager::new(
        KeyFormat::default(),
        PepperSet::new(Pepper::new(1, &[0x11; 32]).unwrap()),
    )
}

fn spec() -> KeySpec {
    KeySpec::new(Owner::new("team", "app"), Environment::Test)
        .scopes(["chat:*", "models:read"])
        .models(["gpt-4o*", "claude-sonnet-4"])
        .ip_allow([
            "10.0.0.0/8".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
        ])
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn ok_request<'a>() -> Request<'a> {
    Request::new(NOW)
        .peer_ip(ip("10.1.2.3"))
        .scopes(&["chat:write"])
        .model("gpt-4o")
}

#[test]
fn issue_produces_a_parsable_key_and_a_matching_record() {
    let m = manager();
    let issued = m.issue(&spec(), NOW, &mut TestEntropy(1)).unwrap();
    let key = issued.key.expose_secret();
    assert_eq!(key.len(), 58);
    assert!(key.starts_with("lg_test_"));
    let parsed = m.parse(key).unwrap();
    assert_eq!(parsed.key_id(), issued.record.key_id);
    assert_eq!(issued.key.key_id(), issued.record.key_id);
    let r = &issued.record;
    assert_eq!(r.pepper_version, 1);
    assert_eq!(r.not_before, NOW);
    assert_eq!(r.expires_at, Some(NOW.saturating_add(DEFAULT_TTL)));
    assert_eq!(r.created_at, NOW);
    assert!(r.revoked_at.is_none() && r.last_used_at.is_none());
    // Two keys from the same source differ.
    let other = m.issue(&spec(), NOW, &mut TestEntropy(2)).unwrap();
    assert_ne!(other.key.expose_secret(), key);
    assert_ne!(other.record.digest, r.digest);
}

#[test]
fn nothing_secret_is_printed() {
    let m = manager();
    let issued = m.issue(&spec(), NOW, &mut TestEntropy(3)).unwrap();
    let key = issued.key.expose_secret().to_string();
    let secret = &key[20..52];
    let printed = format!(
        "{:?} {:?} {:?} {:?} {:?}",
        issued,
        m,
        m.parse(&key).unwrap(),
        m.verify(&key, Some(&issued.record), &ok_request()),
        issued.record.digest
    );
    assert!(!printed.contains(secret), "{printed}");
    assert!(!printed.contains(&issued.record.digest.to_hex()));
    assert!(printed.contains(issued.record.key_id.as_str()));
}

#[test]
fn issuance_validates_the_spec() {
    let m = manager();
    let e = &mut TestEntropy(4);
    let bad_scope = spec().scopes(["chat:write", "Chat"]);
    assert_eq!(
        m.issue(&bad_scope, NOW, e).unwrap_err().code(),
        "invalid_scope"
    );
    let bad_model = spec().models(["g*t"]);
    assert_eq!(
        m.issue(&bad_model, NOW, e).unwrap_err().code(),
        "invalid_model"
    );
    let zero_ttl = spec().ttl(Duration::ZERO);
    assert_eq!(
        m.issue(&zero_ttl, NOW, e).unwrap_err().code(),
        "invalid_lifetime"
    );
    let past = spec()
        .not_before(Timestamp::from_unix_secs(1))
        .ttl(Duration::from_secs(10));
    assert_eq!(
        m.issue(&past, NOW, e).unwrap_err().code(),
        "invalid_lifetime"
    );
    assert_eq!(
        m.issue(&spec(), NOW, &mut Failing).unwrap_err().code(),
        "entropy_unavailable"
    );
    let forever = m.issue(&spec().never_expires(), NOW, e).unwrap();
    assert_eq!(forever.record.expires_at, None);
}

#[test]
fn verification_order() {
    let m = manager();
    let issued = m.issue(&spec(), NOW, &mut TestEntropy(5)).unwrap();
    let key = issued.key.expose_secret();
    let rec = issued.record;
    let req = ok_request();

    let v = m.verify(key, Some(&rec), &req);
    assert_eq!(v.code(), VerdictCode::Valid);
    assert!(v.is_valid());
    assert_eq!(v.key_id(), Some(rec.key_id));

    // 1. malformed, before lookup.
    let mut looked_up = false;
    let v = m.verify_with(
        "lg_test_nope",
        |_| {
            looked_up = true;
            Some(&rec)
        },
        &req,
    );
    assert_eq!(v.code(), VerdictCode::Malformed);
    assert_eq!(v.format_error(), Some(FormatError::Length));
    assert!(!looked_up);

    // 2. not found.
    assert_eq!(m.verify(key, None, &req).code(), VerdictCode::NotFound);
    // A record for another id is not this key's record.
    let mut other = rec.clone();
    other.key_id = KeyId::parse("000000000000").unwrap();
    assert_eq!(
        m.verify(key, Some(&other), &req).code(),
        VerdictCode::NotFound
    );

    // 3. wrong secret (a valid token with the same id) → not_found as well.
    let forged = {
        let fmt = KeyFormat::default();
        let mut s = String::new();
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(rec.key_id.as_str().as_bytes());
        super::format::assemble(&fmt, Environment::Test, &id, &[b'A'; SECRET_LEN], &mut s);
        s
    };
    assert_eq!(m.parse(&forged).unwrap().key_id(), rec.key_id);
    assert_eq!(
        m.verify(&forged, Some(&rec), &req).code(),
        VerdictCode::NotFound
    );
    // Unknown pepper version → not_found.
    let mut unknown_pepper = rec.clone();
    unknown_pepper.pepper_version = 9;
    assert_eq!(
        m.verify(key, Some(&unknown_pepper), &req).code(),
        VerdictCode::NotFound
    );

    // 4. revoked beats expired and everything after.
    let mut r = rec.clone();
    r.revoked_at = Some(NOW);
    r.expires_at = Some(NOW);
    r.ip_allow = vec!["192.0.2.0/24".parse().unwrap()];
    assert_eq!(m.verify(key, Some(&r), &req).code(), VerdictCode::Revoked);

    let mut r = rec.clone();
    r.revoke(NOW);
    r.revoke(NOW.saturating_add(Duration::from_secs(5)));
    assert_eq!(r.revoked_at, Some(NOW));
    assert_eq!(m.verify(key, Some(&r), &req).code(), VerdictCode::Revoked);

    // 5. not yet valid / expired (the expiry instant is already expired).
    let mut r = rec.clone();
    r.not_before = Timestamp::from_unix_millis(NOW.as_unix_millis() + 1);
    assert_eq!(
        m.verify(key, Some(&r), &req).code(),
        VerdictCode::NotYetValid
    );
    let mut r = rec.clone();
    r.expires_at = Some(NOW);
    r.ip_allow = vec!["192.0.2.0/24".parse().unwrap()];
    assert_eq!(m.verify(key, Some(&r), &req).code(), VerdictCode::Expired);
    let later = Request::new(NOW.saturating_add(DEFAULT_TTL)).peer_ip(ip("10.0.0.1"));
    assert_eq!(
        m.verify(key, Some(&rec), &later).code(),
        VerdictCode::Expired
    );

    // 6. IP.
    let v6 = Request::new(NOW).peer_ip(ip("2001:db8::7"));
    assert_eq!(m.verify(key, Some(&rec), &v6).code(), VerdictCode::Valid);
    let mapped = Request::new(NOW).peer_ip(ip("::ffff:10.9.9.9"));
    assert_eq!(
        m.verify(key, Some(&rec), &mapped).code(),
        VerdictCode::Valid
    );
    let outside = Request::new(NOW)
        .peer_ip(ip("11.0.0.1"))
        .scopes(&["nope:x"]);
    assert_eq!(
        m.verify(key, Some(&rec), &outside).code(),
        VerdictCode::IpForbidden
    );
    let no_ip = Request::new(NOW);
    assert_eq!(
        m.verify(key, Some(&rec), &no_ip).code(),
        VerdictCode::IpForbidden
    );
    let mut open = rec.clone();
    open.ip_allow.clear();
    assert_eq!(
        m.verify(key, Some(&open), &no_ip).code(),
        VerdictCode::Valid
    );

    // 7. scopes (all must be covered).
    let base = Request::new(NOW).peer_ip(ip("10.0.0.1"));
    let s = base.scopes(&["chat:write", "models:read"]);
    assert_eq!(m.verify(key, Some(&rec), &s).code(), VerdictCode::Valid);
    let s = base.scopes(&["chat:write", "models:write"]).model("nope");
    assert_eq!(
        m.verify(key, Some(&rec), &s).code(),
        VerdictCode::InsufficientScope
    );
    let s = base.scopes(&["*"]);
    assert_eq!(
        m.verify(key, Some(&rec), &s).code(),
        VerdictCode::InsufficientScope
    );

    // 8. models.
    for (model, code) in [
        ("gpt-4o-mini", VerdictCode::Valid),
        ("claude-sonnet-4", VerdictCode::Valid),
        ("claude-sonnet-4-5", VerdictCode::ModelForbidden),
        ("gpt-4", VerdictCode::ModelForbidden),
    ] {
        assert_eq!(
            m.verify(key, Some(&rec), &base.model(model)).code(),
            code,
            "{model}"
        );
    }
    let mut any_model = rec.clone();
    any_model.models.clear();
    assert_eq!(
        m.verify(key, Some(&any_model), &base.model("x")).code(),
        VerdictCode::Valid
    );
}

#[test]
fn rate_limit_and_effects() {
    let m = manager();
    let limit = RateLimit::per(2, Duration::from_secs(60)).unwrap();
    let issued = m
        .issue(&spec().rate_limit(limit), NOW, &mut TestEntropy(6))
        .unwrap();
    let key = issued.key.expose_secret();
    let mut rec = issued.record;
    let req = ok_request();
    for _ in 0..2 {
        let v = m.verify(key, Some(&rec), &req);
        assert_eq!(v.code(), VerdictCode::Valid);
        let effects: Vec<Effect> = v.effects().iter().collect();
        assert_eq!(effects.len(), 2, "{effects:?}");
        v.effects().apply_to(&mut rec);
    }
    assert_eq!(rec.last_used_at, Some(NOW));
    let v = m.verify(key, Some(&rec), &req);
    assert_eq!(v.code(), VerdictCode::RateLimited);
    assert_eq!(v.retry_after_ms(), Some(30_000));
    assert!(v.effects().is_empty());
    assert_eq!(v.code().http_status(), 429);
    // Rate limiting comes last: a model failure wins over it.
    let v = m.verify(key, Some(&rec), &req.model("nope"));
    assert_eq!(v.code(), VerdictCode::ModelForbidden);
    let later = Request::new(NOW.saturating_add(Duration::from_secs(30))).peer_ip(ip("10.0.0.1"));
    assert_eq!(m.verify(key, Some(&rec), &later).code(), VerdictCode::Valid);
}

#[test]
fn old_pepper_verifies_and_asks_for_a_redigest() {
    let old = manager();
    let issued = old.issue(&spec(), NOW, &mut TestEntropy(7)).unwrap();
    let key = issued.key.expose_secret();
    let mut rec = issued.record;
    let new_set = PepperSet::new(Pepper::new(2, &[0x22; 32]).unwrap())
        .with_previous(Pepper::new(1, &[0x11; 32]).unwrap())
        .unwrap();
    let m = KeyManager::new(KeyFormat::default(), new_set);
    let v = m.verify(key, Some(&rec), &ok_request());
    assert!(v.is_valid());
    let redigest: Vec<Effect> = v
        .effects()
        .iter()
        .filter(|e| matches!(e, Effect::Redigest { .. }))
        .collect();
    assert_eq!(redigest.len(), 1);
    v.effects().apply_to(&mut rec);
    assert_eq!(rec.pepper_version, 2);
    let v = m.verify(key, Some(&rec), &ok_request());
    assert!(v.is_valid());
    assert!(!v
        .effects()
        .iter()
        .any(|e| matches!(e, Effect::Redigest { .. })));
    // A manager that dropped pepper 1 no longer accepts an un-migrated record.
    let only_new = KeyManager::new(
        KeyFormat::default(),
        PepperSet::new(Pepper::new(2, &[0x22; 32]).unwrap()),
    );
    let fresh = old.issue(&spec(), NOW, &mut TestEntropy(8)).unwrap();
    assert_eq!(
        only_new
            .verify(
                fresh.key.expose_secret(),
                Some(&fresh.record),
                &ok_request()
            )
            .code(),
        VerdictCode::NotFound
    );
}

#[test]
fn environments_policy() {
    let m = manager().accept_environments([Environment::Live]);
    let issued = m.issue(&spec(), NOW, &mut TestEntropy(9)).unwrap();
    let key = issued.key.expose_secret();
    assert_eq!(
        m.parse(key).unwrap_err(),
        FormatError::EnvironmentNotAccepted
    );
    let v = m.verify(key, Some(&issued.record), &ok_request());
    assert_eq!(v.code(), VerdictCode::Malformed);
    assert_eq!(v.format_error(), Some(FormatError::EnvironmentNotAccepted));
}

#[test]
fn brands_are_separate() {
    let acme = KeyManager::new(
        KeyFormat::new("acme").unwrap(),
        PepperSet::new(Pepper::new(1, &[0x11; 32]).unwrap()),
    );
    let issued = acme.issue(&spec(), NOW, &mut TestEntropy(10)).unwrap();
    let key = issued.key.expose_secret();
    assert!(key.starts_with("acme_test_"));
    assert_eq!(key.len(), 60);
    assert!(acme
        .verify(key, Some(&issued.record), &ok_request())
        .is_valid());
    let v = manager().verify(key, Some(&issued.record), &ok_request());
    assert_eq!(v.format_error(), Some(FormatError::Brand));
    assert!(KeyFormat::check_any_brand(key).is_ok());
}

#[test]
fn rotation() {
    let m = manager();
    let issued = m
        .issue(
            &spec().ttl(Duration::from_secs(3600 * 24 * 10)),
            NOW,
            &mut TestEntropy(11),
        )
        .unwrap();
    let old_key = issued.key.expose_secret();
    let rot_at = NOW.saturating_add(Duration::from_secs(3600));
    let rot = m
        .rotate(
            &issued.record,
            rot_at,
            DEFAULT_ROTATION_GRACE,
            &mut TestEntropy(12),
        )
        .unwrap();
    assert_eq!(rot.grace, DEFAULT_ROTATION_GRACE);
    assert_eq!(rot.record.rotated_from, Some(issued.record.key_id));
    assert_eq!(rot.previous.rotated_to, Some(rot.record.key_id));
    assert_eq!(rot.record.scopes, issued.record.scopes);
    assert_eq!(rot.record.models, issued.record.models);
    assert_eq!(rot.record.ip_allow, issued.record.ip_allow);
    assert_eq!(rot.record.owner, issued.record.owner);
    assert_eq!(rot.record.environment, issued.record.environment);
    assert_eq!(
        rot.record.expires_at,
        Some(rot_at.saturating_add(Duration::from_secs(3600 * 24 * 10)))
    );
    let grace_end = rot_at.saturating_add(DEFAULT_ROTATION_GRACE);
    assert_eq!(rot.previous.expires_at, Some(grace_end));

    let at = |t: Timestamp| Request::new(t).peer_ip(ip("10.0.0.1"));
    let new_key = rot.key.expose_secret();
    assert!(m.verify(new_key, Some(&rot.record), &at(rot_at)).is_valid());
    assert!(m
        .verify(old_key, Some(&rot.previous), &at(rot_at))
        .is_valid());
    let just_before = Timestamp::from_unix_millis(grace_end.as_unix_millis() - 1);
    assert!(m
        .verify(old_key, Some(&rot.previous), &at(just_before))
        .is_valid());
    assert_eq!(
        m.verify(old_key, Some(&rot.previous), &at(grace_end))
            .code(),
        VerdictCode::Expired
    );

    // The grace never extends the old key's life.
    let short = m
        .issue(
            &spec().ttl(Duration::from_secs(60)),
            NOW,
            &mut TestEntropy(13),
        )
        .unwrap();
    let r = m
        .rotate(
            &short.record,
            NOW,
            DEFAULT_ROTATION_GRACE,
            &mut TestEntropy(14),
        )
        .unwrap();
    assert_eq!(r.previous.expires_at, short.record.expires_at);

    // Capped.
    let capped = manager().max_rotation_grace(Duration::from_secs(3600));
    let r = capped
        .rotate(
            &issued.record,
            rot_at,
            Duration::from_secs(999_999),
            &mut TestEntropy(15),
        )
        .unwrap();
    assert_eq!(r.grace, Duration::from_secs(3600));
    let ceiling = manager().max_rotation_grace(Duration::MAX);
    let r = ceiling
        .rotate(&issued.record, rot_at, Duration::MAX, &mut TestEntropy(16))
        .unwrap();
    assert_eq!(r.grace, ROTATION_GRACE_CEILING);

    // Zero grace revokes at once.
    let r = m
        .rotate(&issued.record, rot_at, Duration::ZERO, &mut TestEntropy(17))
        .unwrap();
    assert_eq!(r.previous.revoked_at, Some(rot_at));
    assert_eq!(
        m.verify(old_key, Some(&r.previous), &at(rot_at)).code(),
        VerdictCode::Revoked
    );

    // Revoked or expired keys are not rotated.
    assert_eq!(
        m.rotate(&r.previous, rot_at, Duration::ZERO, &mut TestEntropy(18))
            .unwrap_err()
            .code(),
        "not_rotatable"
    );
    let end = issued.record.expires_at.unwrap();
    assert_eq!(
        m.rotate(&issued.record, end, Duration::ZERO, &mut TestEntropy(19))
            .unwrap_err()
            .code(),
        "not_rotatable"
    );
}

#[test]
fn verdict_codes_are_stable() {
    let all = [
        (VerdictCode::Valid, "valid", 200),
        (VerdictCode::Malformed, "malformed", 401),
        (VerdictCode::NotFound, "not_found", 401),
        (VerdictCode::Revoked, "revoked", 401),
        (VerdictCode::NotYetValid, "not_yet_valid", 401),
        (VerdictCode::Expired, "expired", 401),
        (VerdictCode::IpForbidden, "ip_forbidden", 403),
        (VerdictCode::InsufficientScope, "insufficient_scope", 403),
        (VerdictCode::ModelForbidden, "model_forbidden", 403),
        (VerdictCode::RateLimited, "rate_limited", 429),
    ];
    for (c, s, h) in all {
        assert_eq!(c.as_str(), s);
        assert_eq!(c.to_string(), s);
        assert_eq!(c.http_status(), h);
    }
}

#[cfg(feature = "serde")]
#[test]
fn record_serde_roundtrip() {
    let m = manager();
    let issued = m
        .issue(
            &spec().rate_limit(RateLimit::per(5, Duration::from_secs(1)).unwrap()),
            NOW,
            &mut TestEntropy(20),
        )
        .unwrap();
    let json = serde_json::to_string(&issued.record).unwrap();
    assert!(json.contains(&issued.record.digest.to_hex()));
    assert!(json.contains("\"10.0.0.0/8\""));
    assert!(json.contains("\"environment\":\"test\""));
    assert!(!json.contains(&issued.key.expose_secret()[20..52]));
    let back: KeyRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, issued.record);
    assert!(m
        .verify(issued.key.expose_secret(), Some(&back), &ok_request())
        .is_valid());
    // Invalid ids and CIDRs are refused at deserialization.
    let bad = json.replace(issued.record.key_id.as_str(), "short");
    assert!(serde_json::from_str::<KeyRecord>(&bad).is_err());
    let bad = json.replace("10.0.0.0/8", "10.1.0.0/8");
    assert!(serde_json::from_str::<KeyRecord>(&bad).is_err());
}

#[test]
fn send_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<KeyManager>();
    check::<KeyRecord>();
    check::<Verdict>();
}
