//! [`KeyManager`]: issue, verify and rotate, as pure functions over host-supplied records,
//! clock and entropy.

use core::borrow::Borrow;
use core::fmt;
use core::time::Duration;
use std::net::IpAddr;

use zeroize::{Zeroize, Zeroizing};

use super::entropy::{fill_base62, Entropy};
use super::error::KeyError;
use super::format::{
    assemble, Environment, FormatError, KeyFormat, KeyId, ParsedKey, KEY_ID_LEN, SECRET_LEN,
};
use super::grants::{is_valid_model_pattern, is_valid_scope, model_allowed, scope_covers};
use super::rate::{self, RateState};
use super::record::{KeyRecord, KeySpec, DEFAULT_TTL};
use super::secret::{KeyDigest, PepperSet, PlaintextKey};
use super::time::{duration_ms, Timestamp};

/// Default grace period of [`KeyManager::rotate`]: 24 hours.
pub const DEFAULT_ROTATION_GRACE: Duration = Duration::from_secs(24 * 60 * 60);
/// Default cap on the rotation grace period: 7 days.
pub const DEFAULT_MAX_ROTATION_GRACE: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// Hard ceiling for [`KeyManager::max_rotation_grace`]: 30 days.
pub const ROTATION_GRACE_CEILING: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Compared against when there is no record, so that "unknown id" costs the same HMAC and
/// constant-time compare as "wrong secret". No HMAC output is known to equal it.
const DUMMY_DIGEST: KeyDigest = KeyDigest([0u8; 32]);

/// Issues, verifies and rotates keys of one [`KeyFormat`] under one [`PepperSet`].
///
/// Immutable after configuration, `Send + Sync`, cheap to share behind an `Arc`.
#[derive(Clone, Debug)]
pub struct KeyManager {
    format: KeyFormat,
    peppers: PepperSet,
    accept_live: bool,
    accept_test: bool,
    max_grace: Duration,
}

/// A newly issued key: the plaintext (show it once) and the record (store it).
#[derive(Debug)]
pub struct IssuedKey {
    /// The key in clear, zeroized on drop.
    pub key: PlaintextKey,
    /// What the host stores, under a unique index on `key_id`.
    pub record: KeyRecord,
}

/// The result of [`KeyManager::rotate`].
#[derive(Debug)]
pub struct Rotation {
    /// The new key in clear, zeroized on drop.
    pub key: PlaintextKey,
    /// The new key's record (insert it).
    pub record: KeyRecord,
    /// The old key's record with its shortened expiry (or revocation) and `rotated_to` link
    /// (replace the stored one with it).
    pub previous: KeyRecord,
    /// The grace period actually applied, after the cap.
    pub grace: Duration,
}

impl KeyManager {
    /// A manager for `format` with `peppers`. It accepts both environments until
    /// [`KeyManager::accept_environments`] says otherwise; production deployments should accept
    /// only [`Environment::Live`].
    pub fn new(format: KeyFormat, peppers: PepperSet) -> KeyManager {
        KeyManager {
            format,
            peppers,
            accept_live: true,
            accept_test: true,
            max_grace: DEFAULT_MAX_ROTATION_GRACE,
        }
    }

    /// Accept only keys of these environments; others are `malformed`
    /// ([`FormatError::EnvironmentNotAccepted`]) before any lookup.
    pub fn accept_environments(mut self, envs: impl IntoIterator<Item = Environment>) -> Self {
        self.accept_live = false;
        self.accept_test = false;
        for env in envs {
            match env {
                Environment::Live => self.accept_live = true,
                Environment::Test => self.accept_test = true,
            }
        }
        self
    }

    /// The longest grace period [`KeyManager::rotate`] grants (default 7 days, at most 30 days:
    /// larger values are clamped to [`ROTATION_GRACE_CEILING`]).
    pub fn max_rotation_grace(mut self, cap: Duration) -> Self {
        self.max_grace = cap.min(ROTATION_GRACE_CEILING);
        self
    }

    /// The key format.
    pub fn format(&self) -> &KeyFormat {
        &self.format
    }

    /// The peppers.
    pub fn peppers(&self) -> &PepperSet {
        &self.peppers
    }

    /// The format check, plus the environment policy: what runs before any lookup. The host
    /// looks the record up by [`ParsedKey::key_id`].
    pub fn parse<'a>(&self, presented: &'a str) -> Result<ParsedKey<'a>, FormatError> {
        let parsed = self.format.parse(presented)?;
        let accepted = match parsed.environment() {
            Environment::Live => self.accept_live,
            Environment::Test => self.accept_test,
        };
        if accepted {
            Ok(parsed)
        } else {
            Err(FormatError::EnvironmentNotAccepted)
        }
    }

    /// Issues a key for `spec` at `now`, drawing the key id and secret from `entropy`.
    ///
    /// The key id is random too (≈ 71 bits): the host stores the record under a unique index on
    /// `key_id`, and on the (astronomically unlikely) conflict simply issues again.
    pub fn issue<E: Entropy + ?Sized>(
        &self,
        spec: &KeySpec,
        now: Timestamp,
        entropy: &mut E,
    ) -> Result<IssuedKey, KeyError> {
        if let Some(i) = spec.scopes.iter().position(|s| !is_valid_scope(s)) {
            return Err(KeyError::scope(i));
        }
        if let Some(i) = spec.models.iter().position(|m| !is_valid_model_pattern(m)) {
            return Err(KeyError::model(i));
        }
        if spec.rate_limit.is_some_and(|l| !l.is_valid()) {
            return Err(KeyError::rate_limit());
        }
        let not_before = spec.not_before.unwrap_or(now);
        let expires_at = match spec.ttl {
            Some(ttl) if duration_ms(ttl) == 0 => return Err(KeyError::lifetime()),
            Some(ttl) => {
                let e = not_before.saturating_add(ttl);
                if e <= not_before || e <= now {
                    return Err(KeyError::lifetime());
                }
                Some(e)
            }
            None => None,
        };

        let mut random = [0u8; KEY_ID_LEN + SECRET_LEN];
        let drawn = fill_base62(entropy, &mut random);
        if drawn.is_err() {
            random.zeroize();
            return Err(KeyError::entropy());
        }
        let mut id = [0u8; KEY_ID_LEN];
        let mut secret = [0u8; SECRET_LEN];
        let (a, b) = random.split_at(KEY_ID_LEN);
        id.copy_from_slice(a);
        secret.copy_from_slice(b);
        random.zeroize();

        let mut token = Zeroizing::new(String::new());
        assemble(&self.format, spec.environment, &id, &secret, &mut token);
        secret.zeroize();
        let key_id = KeyId::from_validated(id);
        let digest = self.peppers.digest_current(&token);

        let record = KeyRecord {
            key_id,
            environment: spec.environment,
            digest,
            pepper_version: self.peppers.current_version(),
            owner: spec.owner.clone(),
            scopes: spec.scopes.clone(),
            models: spec.models.clone(),
            ip_allow: spec.ip_allow.clone(),
            created_at: now,
            not_before,
            expires_at,
            revoked_at: None,
            rate_limit: spec.rate_limit,
            rate_state: RateState::default(),
            last_used_at: None,
            rotated_from: None,
            rotated_to: None,
        };
        Ok(IssuedKey {
            key: PlaintextKey::new(key_id, token),
            record,
        })
    }

    /// Replaces `old` with a new key that has the same owner, environment, scopes, models, IP
    /// list, rate limit and lifetime; the old key keeps working for `grace` (clamped to the
    /// cap, see [`KeyManager::max_rotation_grace`]), never past its own expiry. A grace of zero
    /// revokes the old key at once (for a leaked key).
    ///
    /// A revoked or expired key cannot be rotated (`not_rotatable`): issue a fresh one.
    pub fn rotate<E: Entropy + ?Sized>(
        &self,
        old: &KeyRecord,
        now: Timestamp,
        grace: Duration,
        entropy: &mut E,
    ) -> Result<Rotation, KeyError> {
        if old.revoked_at.is_some() || old.expires_at.is_some_and(|e| now >= e) {
            return Err(KeyError::not_rotatable());
        }
        let grace = grace.min(self.max_grace);
        let ttl = match old.expires_at {
            Some(e) => match e.millis_since(old.not_before) {
                0 => Some(DEFAULT_TTL),
                ms => Some(Duration::from_millis(ms)),
            },
            None => None,
        };
        let mut spec = KeySpec::new(old.owner.clone(), old.environment)
            .scopes(old.scopes.iter().cloned())
            .models(old.models.iter().cloned())
            .ip_allow(old.ip_allow.iter().copied())
            .not_before(now);
        spec.ttl = ttl;
        spec.rate_limit = old.rate_limit;
        let IssuedKey {
            key,
            record: mut new_record,
        } = self.issue(&spec, now, entropy)?;
        new_record.rotated_from = Some(old.key_id);

        let mut previous = old.clone();
        previous.rotated_to = Some(new_record.key_id);
        if grace.is_zero() {
            previous.revoked_at = Some(now);
            previous.expires_at = Some(old.expires_at.map_or(now, |e| e.min(now)));
        } else {
            let end = now.saturating_add(grace);
            previous.expires_at = Some(old.expires_at.map_or(end, |e| e.min(end)));
        }
        Ok(Rotation {
            key,
            record: new_record,
            previous,
            grace,
        })
    }

    /// Verifies `presented` against the record the host found for its key id (`None` when there
    /// is none), for `request`. See [`KeyManager::verify_with`] for the order of checks.
    pub fn verify(
        &self,
        presented: &str,
        record: Option<&KeyRecord>,
        request: &Request<'_>,
    ) -> Verdict {
        self.verify_with(presented, |_| record, request)
    }

    /// Verifies `presented`, calling `lookup` with its key id only once the format check has
    /// passed. Pure: no clock, no I/O; the writes to make are in [`Verdict::effects`].
    ///
    /// Checks, in this order, stopping at the first failure:
    /// 1. format and accepted environment → `malformed` (no lookup happens);
    /// 2. lookup → `not_found` if there is no record (an HMAC and a constant-time compare
    ///    against a dummy digest still run, so that an unknown id and a wrong secret take the
    ///    same time);
    /// 3. HMAC-SHA256 under the record's pepper version, constant-time compare → `not_found` on
    ///    mismatch (the same code: no oracle for which ids exist);
    /// 4. revocation → `revoked`;
    /// 5. not-before → `not_yet_valid`, expiry → `expired`;
    /// 6. IP allow-list (IPv4-mapped peers folded to IPv4; no peer address with a non-empty list
    ///    fails) → `ip_forbidden`;
    /// 7. every requested scope covered by a grant → `insufficient_scope`;
    /// 8. the requested model allowed → `model_forbidden`;
    /// 9. rate limit → `rate_limited` with a retry-after.
    pub fn verify_with<F, R>(&self, presented: &str, lookup: F, request: &Request<'_>) -> Verdict
    where
        F: FnOnce(KeyId) -> Option<R>,
        R: Borrow<KeyRecord>,
    {
        let parsed = match self.parse(presented) {
            Ok(p) => p,
            Err(e) => return Verdict::malformed(e),
        };
        let key_id = parsed.key_id();
        let found = lookup(key_id);
        let record: Option<&KeyRecord> = found.as_ref().map(Borrow::borrow);

        // Pick the pepper and the digest to compare with. The branch is on public data (is
        // there a record for this public id, and which pepper version does it name), and both
        // arms lead to exactly one HMAC and one 32-byte constant-time compare.
        let current = self.peppers.current();
        let (pepper, expected, usable) = match record {
            Some(r) if r.key_id == key_id => match self.peppers.get(r.pepper_version) {
                Some(p) => (p, r.digest, true),
                None => (current, DUMMY_DIGEST, false),
            },
            _ => (current, DUMMY_DIGEST, false),
        };
        let digest = PepperSet::digest_with(pepper, presented);
        let matched = bool::from(digest.ct_eq(&expected)) & usable;
        let record = match (matched, record) {
            (true, Some(r)) => r,
            _ => return Verdict::plain(VerdictCode::NotFound, Some(key_id)),
        };

        let mut effects = Effects::default();
        if pepper.version() != current.version() {
            effects.redigest = Some((self.peppers.digest_current(presented), current.version()));
        }
        let code = check_record(record, request, &mut effects);
        let retry_after_ms = match code {
            Err((_, retry)) => retry,
            Ok(()) => None,
        };
        let code = match code {
            Ok(()) => {
                effects.last_used = Some(request.now);
                VerdictCode::Valid
            }
            Err((c, _)) => c,
        };
        Verdict {
            code,
            key_id: Some(key_id),
            format_error: None,
            retry_after_ms,
            effects,
        }
    }
}

/// Steps 4–9 of verification, for a record whose digest matched.
fn check_record(
    r: &KeyRecord,
    req: &Request<'_>,
    effects: &mut Effects,
) -> Result<(), (VerdictCode, Option<u64>)> {
    let fail = |c| Err((c, None));
    if r.revoked_at.is_some() {
        return fail(VerdictCode::Revoked);
    }
    if req.now < r.not_before {
        return fail(VerdictCode::NotYetValid);
    }
    if r.expires_at.is_some_and(|e| req.now >= e) {
        return fail(VerdictCode::Expired);
    }
    if !r.ip_allow.is_empty() {
        let ok = req
            .peer_ip
            .is_some_and(|ip| r.ip_allow.iter().any(|net| net.contains(ip)));
        if !ok {
            return fail(VerdictCode::IpForbidden);
        }
    }
    let scopes_ok = req
        .scopes
        .iter()
        .all(|need| r.scopes.iter().any(|g| scope_covers(g, need)));
    if !scopes_ok {
        return fail(VerdictCode::InsufficientScope);
    }
    if let Some(model) = req.model {
        if !r.models.is_empty() && !r.models.iter().any(|p| model_allowed(p, model)) {
            return fail(VerdictCode::ModelForbidden);
        }
    }
    if let Some(limit) = &r.rate_limit {
        let d = rate::step(limit, r.rate_state, req.now, req.cost);
        if !d.allowed {
            return Err((VerdictCode::RateLimited, d.retry_after_ms));
        }
        if d.state != r.rate_state {
            effects.rate_state = Some(d.state);
        }
    }
    Ok(())
}

/// What a request wants from its key: the time, the peer address, scopes, a model and a cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    now: Timestamp,
    peer_ip: Option<IpAddr>,
    scopes: &'a [&'a str],
    model: Option<&'a str>,
    cost: u32,
}

impl<'a> Request<'a> {
    /// A request at `now`, from an unknown address, needing no scope, naming no model, of
    /// cost 1.
    pub fn new(now: Timestamp) -> Request<'a> {
        Request {
            now,
            peer_ip: None,
            scopes: &[],
            model: None,
            cost: 1,
        }
    }

    /// The peer address as the host's trusted proxy chain established it (never a raw
    /// `X-Forwarded-For` value).
    pub fn peer_ip(mut self, ip: IpAddr) -> Self {
        self.peer_ip = Some(ip);
        self
    }

    /// Scopes the request needs (all of them must be covered).
    pub fn scopes(mut self, scopes: &'a [&'a str]) -> Self {
        self.scopes = scopes;
        self
    }

    /// The model the request targets.
    pub fn model(mut self, model: &'a str) -> Self {
        self.model = Some(model);
        self
    }

    /// The rate-limit cost (default 1; 0 does not consume).
    pub fn cost(mut self, cost: u32) -> Self {
        self.cost = cost;
        self
    }

    /// The time of the request.
    pub fn now(&self) -> Timestamp {
        self.now
    }
}

/// The outcome of a verification, with a stable snake_case code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum VerdictCode {
    /// Every check passed.
    Valid,
    /// The token failed the format check; nothing was looked up.
    Malformed,
    /// No such key, or the secret is wrong (deliberately the same code).
    NotFound,
    /// The key was revoked.
    Revoked,
    /// The key's not-before time is in the future.
    NotYetValid,
    /// The key has expired (including the end of a rotation grace period).
    Expired,
    /// The peer address is not on the key's allow-list.
    IpForbidden,
    /// A requested scope is not granted.
    InsufficientScope,
    /// The requested model is not allowed.
    ModelForbidden,
    /// Over the rate limit.
    RateLimited,
}

impl VerdictCode {
    /// The stable code: `valid`, `malformed`, `not_found`, `revoked`, `not_yet_valid`,
    /// `expired`, `ip_forbidden`, `insufficient_scope`, `model_forbidden`, `rate_limited`.
    pub const fn as_str(self) -> &'static str {
        match self {
            VerdictCode::Valid => "valid",
            VerdictCode::Malformed => "malformed",
            VerdictCode::NotFound => "not_found",
            VerdictCode::Revoked => "revoked",
            VerdictCode::NotYetValid => "not_yet_valid",
            VerdictCode::Expired => "expired",
            VerdictCode::IpForbidden => "ip_forbidden",
            VerdictCode::InsufficientScope => "insufficient_scope",
            VerdictCode::ModelForbidden => "model_forbidden",
            VerdictCode::RateLimited => "rate_limited",
        }
    }

    /// The HTTP status a gateway usually answers with: 200, 401 (malformed, not found, revoked,
    /// not yet valid, expired), 403 (IP, scope, model) or 429 (rate limited).
    pub const fn http_status(self) -> u16 {
        match self {
            VerdictCode::Valid => 200,
            VerdictCode::Malformed
            | VerdictCode::NotFound
            | VerdictCode::Revoked
            | VerdictCode::NotYetValid
            | VerdictCode::Expired => 401,
            VerdictCode::IpForbidden
            | VerdictCode::InsufficientScope
            | VerdictCode::ModelForbidden => 403,
            VerdictCode::RateLimited => 429,
        }
    }
}

impl fmt::Display for VerdictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A write the host must apply to the key's record after a verification.
///
/// Effects of one verdict touch disjoint fields and [`Effect::apply_to`] is idempotent, so the
/// order of application does not matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Set `last_used_at` to at least `at` (keep the later of the two).
    TouchLastUsed {
        /// The verification time.
        at: Timestamp,
    },
    /// Store the new rate-limiter state (with compare-and-swap against the state verified
    /// with, when several gateways share the record).
    SetRateState {
        /// The new state.
        state: RateState,
    },
    /// The key matched under an older pepper: replace the digest and its version.
    Redigest {
        /// The digest under the current pepper.
        digest: KeyDigest,
        /// The current pepper version.
        pepper_version: u32,
    },
}

impl Effect {
    /// Applies the effect to a record.
    pub fn apply_to(&self, record: &mut KeyRecord) {
        match *self {
            Effect::TouchLastUsed { at } => {
                record.last_used_at = Some(record.last_used_at.map_or(at, |t| t.max(at)));
            }
            Effect::SetRateState { state } => record.rate_state = state,
            Effect::Redigest {
                digest,
                pepper_version,
            } => {
                record.digest = digest;
                record.pepper_version = pepper_version;
            }
        }
    }
}

/// The effects of one verdict (at most one of each kind). No allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    last_used: Option<Timestamp>,
    rate_state: Option<RateState>,
    redigest: Option<(KeyDigest, u32)>,
}

impl Effects {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The effects, in no meaningful order.
    pub fn iter(&self) -> impl Iterator<Item = Effect> + '_ {
        let touch = self.last_used.map(|at| Effect::TouchLastUsed { at });
        let rate = self.rate_state.map(|state| Effect::SetRateState { state });
        let redigest = self
            .redigest
            .map(|(digest, pepper_version)| Effect::Redigest {
                digest,
                pepper_version,
            });
        touch.into_iter().chain(rate).chain(redigest)
    }

    /// Applies every effect to `record`.
    pub fn apply_to(&self, record: &mut KeyRecord) {
        for e in self.iter() {
            e.apply_to(record);
        }
    }
}

/// The result of [`KeyManager::verify`]: a code, the key id (when the format was valid), the
/// writes to apply and, for `rate_limited`, a retry-after. Holds no secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    code: VerdictCode,
    key_id: Option<KeyId>,
    format_error: Option<FormatError>,
    retry_after_ms: Option<u64>,
    effects: Effects,
}

impl Verdict {
    fn malformed(e: FormatError) -> Verdict {
        Verdict {
            code: VerdictCode::Malformed,
            key_id: None,
            format_error: Some(e),
            retry_after_ms: None,
            effects: Effects::default(),
        }
    }

    fn plain(code: VerdictCode, key_id: Option<KeyId>) -> Verdict {
        Verdict {
            code,
            key_id,
            format_error: None,
            retry_after_ms: None,
            effects: Effects::default(),
        }
    }

    /// The outcome.
    pub fn code(&self) -> VerdictCode {
        self.code
    }

    /// True for [`VerdictCode::Valid`].
    pub fn is_valid(&self) -> bool {
        self.code == VerdictCode::Valid
    }

    /// The key id from the token, when the format check passed (also for `not_found`: it is
    /// what the caller sent, fine to log).
    pub fn key_id(&self) -> Option<KeyId> {
        self.key_id
    }

    /// For `malformed`: which format rule failed. For internal logs; answer clients with the
    /// code only.
    pub fn format_error(&self) -> Option<FormatError> {
        self.format_error
    }

    /// For `rate_limited`: milliseconds until a retry can succeed (`None` if it never can,
    /// e.g. a cost above the burst).
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.retry_after_ms
    }

    /// The writes the host must apply to the record.
    pub fn effects(&self) -> &Effects {
        &self.effects
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())
    }
}
