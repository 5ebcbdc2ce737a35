//! [`KeyRecord`] (what the host stores), [`Owner`] and [`KeySpec`] (what to issue).

use core::time::Duration;

use super::cidr::IpCidr;
use super::format::{Environment, KeyId};
use super::rate::{RateLimit, RateState};
use super::secret::KeyDigest;
use super::time::Timestamp;

/// Default key lifetime: 90 days.
pub const DEFAULT_TTL: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// Who a key belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Owner {
    /// The team (tenant) that pays for and administers the key.
    pub team: String,
    /// The application that uses it.
    pub app: String,
}

impl Owner {
    /// An owner.
    pub fn new(team: impl Into<String>, app: impl Into<String>) -> Owner {
        Owner {
            team: team.into(),
            app: app.into(),
        }
    }
}

/// What the host stores for a key, indexed (uniquely) by [`KeyRecord::key_id`].
///
/// It holds no secret: only an HMAC-SHA256 digest under a pepper the database does not hold,
/// so a dump of the records does not let anyone use or confirm a key. `Debug` redacts the
/// digest. Fields are public so that hosts can map them to their storage; the functions of
/// this module treat any field values (including deserialized, inconsistent ones) without
/// panicking.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KeyRecord {
    /// The public key id (the lookup key).
    pub key_id: KeyId,
    /// `live` or `test`.
    pub environment: Environment,
    /// HMAC-SHA256 of the whole key under pepper [`KeyRecord::pepper_version`].
    pub digest: KeyDigest,
    /// Version of the pepper the digest was made with.
    pub pepper_version: u32,
    /// Who the key belongs to.
    pub owner: Owner,
    /// Granted scopes (see [`is_valid_scope`](super::is_valid_scope)). Requests naming a scope
    /// need a grant that covers it.
    pub scopes: Vec<String>,
    /// Allowed model patterns (see [`model_allowed`](super::model_allowed)); empty = any model.
    pub models: Vec<String>,
    /// IP allow-list; empty = any address.
    pub ip_allow: Vec<IpCidr>,
    /// When the key was issued.
    pub created_at: Timestamp,
    /// The key is refused before this time (`not_yet_valid`).
    pub not_before: Timestamp,
    /// The key is refused from this time on (`expired`); `None` = never expires.
    pub expires_at: Option<Timestamp>,
    /// Set when the key was revoked; a revoked key is refused (`revoked`).
    pub revoked_at: Option<Timestamp>,
    /// Optional rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Limiter state, updated through [`Effect::SetRateState`](super::Effect::SetRateState).
    pub rate_state: RateState,
    /// Last successful verification, updated through
    /// [`Effect::TouchLastUsed`](super::Effect::TouchLastUsed).
    pub last_used_at: Option<Timestamp>,
    /// The key this one replaced.
    pub rotated_from: Option<KeyId>,
    /// The key that replaced this one.
    pub rotated_to: Option<KeyId>,
}

impl KeyRecord {
    /// Revokes the key at `now` (keeps an earlier revocation time). Verification answers
    /// `revoked` from then on; store the updated record.
    pub fn revoke(&mut self, now: Timestamp) {
        self.revoked_at = Some(self.revoked_at.map_or(now, |t| t.min(now)));
    }
}

/// What to issue: owner, environment and grants. Built with chained setters.
///
/// ```
/// use core::time::Duration;
/// use lastgate::keys::{Environment, KeySpec, Owner};
///
/// let spec = KeySpec::new(Owner::new("team-a", "support-bot"), Environment::Live)
///     .scopes(["chat:write", "models:read"])
///     .models(["gpt-4o*"])
///     .ip_allow(["10.0.0.0/8".parse()?])
///     .ttl(Duration::from_secs(30 * 24 * 3600));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub(crate) owner: Owner,
    pub(crate) environment: Environment,
    pub(crate) scopes: Vec<String>,
    pub(crate) models: Vec<String>,
    pub(crate) ip_allow: Vec<IpCidr>,
    pub(crate) not_before: Option<Timestamp>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl KeySpec {
    /// A key for `owner` in `environment`, with no scopes, any model, any IP, valid from issuance
    /// for [`DEFAULT_TTL`] (90 days), no rate limit.
    pub fn new(owner: Owner, environment: Environment) -> KeySpec {
        KeySpec {
            owner,
            environment,
            scopes: Vec::new(),
            models: Vec::new(),
            ip_allow: Vec::new(),
            not_before: None,
            ttl: Some(DEFAULT_TTL),
            rate_limit: None,
        }
    }

    /// Granted scopes (checked at issuance).
    pub fn scopes<I, S>(mut self, scopes: I) -> KeySpec
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Allowed model patterns (checked at issuance); empty = any model.
    pub fn models<I, S>(mut self, models: I) -> KeySpec
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.models = models.into_iter().map(Into::into).collect();
        self
    }

    /// IP allow-list; empty = any address.
    pub fn ip_allow(mut self, nets: impl IntoIterator<Item = IpCidr>) -> KeySpec {
        self.ip_allow = nets.into_iter().collect();
        self
    }

    /// The key is refused before `t` (default: the issuance time).
    pub fn not_before(mut self, t: Timestamp) -> KeySpec {
        self.not_before = Some(t);
        self
    }

    /// Lifetime from not-before to expiry (default [`DEFAULT_TTL`], 90 days; must be positive).
    pub fn ttl(mut self, ttl: Duration) -> KeySpec {
        self.ttl = Some(ttl);
        self
    }

    /// A key that never expires. Prefer a lifetime; use this only for keys you rotate by other
    /// means.
    pub fn never_expires(mut self) -> KeySpec {
        self.ttl = None;
        self
    }

    /// A rate limit.
    pub fn rate_limit(mut self, limit: RateLimit) -> KeySpec {
        self.rate_limit = Some(limit);
        self
    }
}
