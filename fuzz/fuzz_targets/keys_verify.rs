//! `KeyManager::verify` on arbitrary tokens, requests and record variations: a verdict for
//! everything, never a panic, and nothing but the real key is ever `valid`.
#![no_main]

use std::net::{IpAddr, Ipv6Addr};
use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::Arbitrary;
use lastgate::keys::{
    rate, Entropy, EntropyError, Environment, KeyFormat, KeyManager, KeyRecord, KeySpec, Owner,
    Pepper, PepperSet, RateLimit, RateState, Request, Timestamp, VerdictCode,
};
use libfuzzer_sys::fuzz_target;

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

struct Fixture {
    manager: KeyManager,
    key: String,
    record: KeyRecord,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let manager = KeyManager::new(
            KeyFormat::default(),
            PepperSet::new(Pepper::new(2, &[7u8; 32]).unwrap())
                .with_previous(Pepper::new(1, &[8u8; 32]).unwrap())
                .unwrap(),
        );
        let spec = KeySpec::new(Owner::new("t", "a"), Environment::Test)
            .scopes(["chat:*", "models:read"])
            .models(["gpt-4o*"])
            .ip_allow([
                "10.0.0.0/8".parse().unwrap(),
                "2001:db8::/32".parse().unwrap(),
            ])
            .rate_limit(RateLimit::new(10, Duration::from_secs(1), 3).unwrap());
        let issued = manager
            .issue(
                &spec,
                Timestamp::from_unix_secs(1_767_225_600),
                &mut Seeded(9),
            )
            .unwrap();
        Fixture {
            manager,
            key: issued.key.expose_secret().to_string(),
            record: issued.record,
        }
    })
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// 0: token as given; 1: the real key with one byte replaced; 2: the real key.
    mode: u8,
    token: &'a str,
    pos: u8,
    byte: u8,
    now: u64,
    ip: [u8; 16],
    v4: bool,
    scopes: Vec<&'a str>,
    model: Option<&'a str>,
    cost: u32,
    pepper_version: u32,
    tat: u64,
    revoked: bool,
    expires: Option<u64>,
    not_before: u64,
    no_record: bool,
    rate: (u32, u64, u32),
}

fuzz_target!(|input: Input<'_>| {
    let f = fixture();
    let mut record = f.record.clone();
    record.rate_state = RateState::from_tat_micros(input.tat);
    record.not_before = Timestamp::from_unix_millis(input.not_before);
    record.expires_at = input.expires.map(Timestamp::from_unix_millis);
    if input.revoked {
        record.revoked_at = Some(Timestamp::EPOCH);
    }
    if input.pepper_version % 4 == 0 {
        record.pepper_version = input.pepper_version;
    }
    if let Ok(l) = RateLimit::new(
        input.rate.0,
        Duration::from_millis(input.rate.1),
        input.rate.2,
    ) {
        record.rate_limit = Some(l);
        let _ = rate::step(
            &l,
            record.rate_state,
            Timestamp::from_unix_millis(input.now),
            input.cost,
        );
    }

    let mutated;
    let token: &str = match input.mode % 3 {
        0 => input.token,
        1 => {
            let mut b = f.key.clone().into_bytes();
            let i = usize::from(input.pos) % b.len();
            if b[i] == input.byte {
                return;
            }
            b[i] = input.byte;
            mutated = String::from_utf8_lossy(&b).into_owned();
            &mutated
        }
        _ => &f.key,
    };

    let ip = if input.v4 {
        IpAddr::V4([input.ip[0], input.ip[1], input.ip[2], input.ip[3]].into())
    } else {
        IpAddr::V6(Ipv6Addr::from(input.ip))
    };
    let req = Request::new(Timestamp::from_unix_millis(input.now))
        .peer_ip(ip)
        .scopes(&input.scopes)
        .cost(input.cost);
    let req = match input.model {
        Some(m) => req.model(m),
        None => req,
    };
    let rec = if input.no_record { None } else { Some(&record) };
    let v = f.manager.verify(token, rec, &req);
    if v.code() == VerdictCode::Valid {
        assert_eq!(token, f.key, "only the real key can be valid");
    }
    if token != f.key {
        assert!(matches!(
            v.code(),
            VerdictCode::Malformed | VerdictCode::NotFound
        ));
        assert!(v.effects().is_empty());
    }
    let mut after = record.clone();
    v.effects().apply_to(&mut after);
    let _ = format!("{v:?} {v}");
});
