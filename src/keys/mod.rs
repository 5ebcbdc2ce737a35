//! Gateway API keys: issue, hash, verify, rotate.
//!
//! Applications get gateway keys, never provider keys. This module gives a host the whole key
//! life cycle as pure functions: the host stores [`KeyRecord`]s, supplies the clock
//! ([`Timestamp`]) and, optionally, the entropy ([`Entropy`]; `OsEntropy` with the default
//! feature `os-rng`). Nothing here does I/O or reads the time.
//!
//! # The key format
//!
//! ```text
//! lg_test_r6WpB9uyTpbzlTYREiwNtxo5gmfmS5MKh9gdVix58SyL2EWe8n
//! └┘ └──┘ └──────────┘└──────────────────────────────┘└────┘
//!    env
//! brand   key id (12) secret (32, Base62)             CRC-32
//! ```
//!
//! (a real, checksum-valid test key: [`KeyFormat::check_any_brand`] accepts it, but no
//! deployment holds its record.)
//!
//! `<brand>_<live|test>_` + a 12-character public key id + a 32-character Base62 secret
//! (≈ 190 bits) + 6 Base62 characters of CRC-32 over everything before them, the prefix
//! included. The brand is configurable ([`KeyFormat::new`]; default `"lg"`); the exact grammar
//! is on [`KeyFormat`]. The checksum lets anyone — the gateway, a secret scanner, this crate's
//! `gateway_key` detector through [`KeyFormat::check_any_brand`] — reject typos and random
//! strings without a database lookup (false acceptance about 2^-32), and the `_` separators
//! keep the whole key selected on a double click.
//!
//! # Example
//!
//! ```
//! use std::net::IpAddr;
//! use lastgate::keys::{
//!     Entropy, EntropyError, Environment, KeyFormat, KeyManager, KeySpec, Owner, Pepper,
//!     PepperSet, Request, Timestamp, VerdictCode,
//! };
//!
//! # struct Demo(u64);
//! # impl Entropy for Demo {
//! #     fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
//! #         for b in dest { self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); *b = (self.0 >> 56) as u8; }
//! #         Ok(())
//! #     }
//! # }
//! # let mut entropy = Demo(7); // use `lastgate::keys::OsEntropy` (feature `os-rng`) in real code
//! // The pepper comes from a secret store, never from the database that holds the records.
//! let peppers = PepperSet::new(Pepper::new(1, &[0x42; 32])?);
//! let keys = KeyManager::new(KeyFormat::default(), peppers);
//! let now = Timestamp::from_unix_secs(1_767_225_600);
//!
//! // Issue: show `issued.key` to the user once, store `issued.record`.
//! let spec = KeySpec::new(Owner::new("team-a", "support-bot"), Environment::Test)
//!     .scopes(["chat:*"])
//!     .models(["gpt-4o*"])
//!     .ip_allow(["10.0.0.0/8".parse()?]);
//! let issued = keys.issue(&spec, now, &mut entropy)?;
//! let mut record = issued.record;
//! let presented = issued.key.expose_secret().to_string();
//!
//! // Verify: parse, look up by the public key id, then verify against the record.
//! let id = keys.parse(&presented)?.key_id();
//! assert_eq!(id, record.key_id);
//! let peer: IpAddr = "::ffff:10.1.2.3".parse()?;
//! let request = Request::new(now).peer_ip(peer).scopes(&["chat:write"]).model("gpt-4o-mini");
//! let verdict = keys.verify(&presented, Some(&record), &request);
//! assert_eq!(verdict.code(), VerdictCode::Valid);
//! verdict.effects().apply_to(&mut record); // last used, rate state, re-digest
//!
//! // A typo never reaches the database.
//! let typo = presented.replacen("lg_test_", "lg_tset_", 1);
//! assert_eq!(keys.verify(&typo, None, &request).code(), VerdictCode::Malformed);
//!
//! // Secret scanners check any brand, without allocating.
//! assert!(KeyFormat::check_any_brand("lg_test_r6WpB9uyTpbzlTYREiwNtxo5gmfmS5MKh9gdVix58SyL2EWe8n").is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Verification
//!
//! [`KeyManager::verify`] is a pure function of (presented key, record, [`Request`]) with a
//! fixed order: `malformed` → `not_found` → constant-time digest compare (a mismatch is also
//! `not_found`) → `revoked` → `not_yet_valid` / `expired` → `ip_forbidden` →
//! `insufficient_scope` → `model_forbidden` → `rate_limited` → `valid`. It returns a
//! [`Verdict`] with a stable snake_case [`VerdictCode`] and the [`Effects`] the host must write
//! back: `last_used_at`, the new rate-limiter state, and a re-digest under the current pepper
//! when the key matched under an older one. The effects of a verdict touch disjoint fields, so
//! the order in which the host applies them does not matter.
//!
//! # Rotation
//!
//! [`KeyManager::rotate`] issues a key with the same grants and lifetime and shortens the old
//! key's life to a grace period (default [`DEFAULT_ROTATION_GRACE`], 24 h; capped at 7 days by
//! default, never above 30 days). A grace of zero revokes the old key at once.
//!
//! # Rate limiting
//!
//! [`rate::step`] is a pure GCRA step: `(limit, state, now, cost) → (allowed, new state,
//! retry-after)`. The host owns the state.
//!
//! # Security notes
//!
//! - **Storage** is `HMAC-SHA256(pepper, domain ‖ key)` with a versioned [`Pepper`] (≥ 32
//!   bytes) kept outside the database. A key has ≈ 190 random bits, so a fast keyed hash is
//!   the right tool (a password KDF would only make verification a CPU amplifier); the pepper
//!   makes a database dump useless, even for confirming a key found elsewhere.
//! - **Randomness** is drawn by rejection sampling (each byte masked to 6 bits, values 62 and
//!   63 discarded): every Base62 character is uniform, no modulo bias. The key id is random too.
//! - **Timing.** An unknown key id and a wrong secret both cost one HMAC and one 32-byte
//!   constant-time comparison (`subtle`), against a dummy digest when there is no record, and
//!   both answer `not_found`.
//! - **No leaks.** [`PlaintextKey`] zeroizes on drop, has no `Display` and a redacted `Debug`;
//!   [`Pepper`], [`KeyDigest`] and [`ParsedKey`] redact themselves; errors never quote input.
//! - **Environments.** Test keys can be refused in production before any lookup
//!   ([`KeyManager::accept_environments`]).
//! - **IP allow-lists** use [`IpCidr`]: CIDR ranges, IPv6, and IPv4-mapped IPv6 addresses
//!   folded to IPv4 on both sides; host bits after the prefix are an error, not a silent
//!   widening. Pass the peer address your trusted proxy chain established, never a raw
//!   `X-Forwarded-For`.
//! - **Untrusted input.** Every function that takes a presented key, a scope, a model or a
//!   CIDR string accepts any `&str` and answers; none panics (fuzzed and property-tested).

mod cidr;
mod entropy;
mod error;
mod format;
mod grants;
mod manager;
pub mod rate;
mod record;
mod secret;
mod time;

pub use cidr::{CidrError, IpCidr};
#[cfg(feature = "os-rng")]
pub use entropy::OsEntropy;
pub use entropy::{Entropy, EntropyError};
pub use error::KeyError;
pub use format::{
    Environment, FormatError, KeyFormat, KeyId, ParsedKey, BODY_LEN, BRAND_MAX_LEN, BRAND_MIN_LEN,
    CANDIDATE_PATTERN, CHECKSUM_LEN, DEFAULT_BRAND, KEY_ID_LEN, MAX_TOKEN_LEN, MIN_TOKEN_LEN,
    SECRET_LEN,
};
pub use grants::{
    is_valid_model_pattern, is_valid_scope, model_allowed, scope_covers, MAX_GRANT_LEN,
};
pub use manager::{
    Effect, Effects, IssuedKey, KeyManager, Request, Rotation, Verdict, VerdictCode,
    DEFAULT_MAX_ROTATION_GRACE, DEFAULT_ROTATION_GRACE, ROTATION_GRACE_CEILING,
};
pub use rate::{RateDecision, RateLimit, RateState};
pub use record::{KeyRecord, KeySpec, Owner, DEFAULT_TTL};
pub use secret::{KeyDigest, Pepper, PepperSet, PlaintextKey, MIN_PEPPER_LEN};
pub use time::Timestamp;

#[cfg(test)]
mod tests;
