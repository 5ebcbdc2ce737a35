//! Audit records: the builder, the field types, the canonical encoding and the strict parser.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use hmac::{Hmac, Mac as _};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::canon::{self, ObjWriter, Value, MAX_SAFE_INT};
use super::hex;
use super::AuditError;
use crate::Kind;

/// The record schema version this crate writes and verifies.
pub const RECORD_VERSION: u64 = 1;

/// Longest sealed record line (bytes) the crate writes or parses.
pub const MAX_LINE_LEN: usize = 64 * 1024;

const MAX_ID_LEN: usize = 128;
const MAX_FIELD_LEN: usize = 256;
const MAX_LIST_LEN: usize = 256;

/// What happened. The ids (`as_str`) are stable and part of the hashed record.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum EventType {
    /// `request.completed`: the provider answered.
    RequestCompleted,
    /// `request.blocked`: the gateway refused the request (policy, residency, key).
    RequestBlocked,
    /// `request.failed`: the provider or the gateway failed.
    RequestFailed,
    /// `request.rate_limited`: the request was refused by a rate limit.
    RequestRateLimited,
    /// `key.created`: a gateway API key was issued.
    KeyCreated,
    /// `key.rotated`: a gateway API key was rotated.
    KeyRotated,
    /// `key.revoked`: a gateway API key was revoked.
    KeyRevoked,
    /// `policy.loaded`: a scan or residency policy was (re)loaded.
    PolicyLoaded,
    /// `log.started`: this log (writer) started; makes logging gaps explicit.
    LogStarted,
    /// `log.heartbeat`: nothing else happened; proves the writer was alive.
    LogHeartbeat,
    /// `log.stopped`: the writer closed this log; nothing may follow.
    LogStopped,
    /// A host-defined event: `x-` followed by `[a-z0-9._-]`, at most 64 bytes in all.
    Custom(String),
}

impl EventType {
    const BUILTIN: [(EventType, &'static str); 11] = [
        (EventType::RequestCompleted, "request.completed"),
        (EventType::RequestBlocked, "request.blocked"),
        (EventType::RequestFailed, "request.failed"),
        (EventType::RequestRateLimited, "request.rate_limited"),
        (EventType::KeyCreated, "key.created"),
        (EventType::KeyRotated, "key.rotated"),
        (EventType::KeyRevoked, "key.revoked"),
        (EventType::PolicyLoaded, "policy.loaded"),
        (EventType::LogStarted, "log.started"),
        (EventType::LogHeartbeat, "log.heartbeat"),
        (EventType::LogStopped, "log.stopped"),
    ];

    /// The stable id written into records (`"request.completed"`, `"x-export"`, …).
    pub fn as_str(&self) -> &str {
        match self {
            EventType::RequestCompleted => "request.completed",
            EventType::RequestBlocked => "request.blocked",
            EventType::RequestFailed => "request.failed",
            EventType::RequestRateLimited => "request.rate_limited",
            EventType::KeyCreated => "key.created",
            EventType::KeyRotated => "key.rotated",
            EventType::KeyRevoked => "key.revoked",
            EventType::PolicyLoaded => "policy.loaded",
            EventType::LogStarted => "log.started",
            EventType::LogHeartbeat => "log.heartbeat",
            EventType::LogStopped => "log.stopped",
            EventType::Custom(s) => s,
        }
    }

    /// Parses an id; `None` for anything that is neither built in nor a well-formed `x-` id.
    pub fn from_id(id: &str) -> Option<EventType> {
        if let Some((e, _)) = EventType::BUILTIN.iter().find(|(_, s)| *s == id) {
            return Some(e.clone());
        }
        EventType::custom(id)
    }

    /// A host-defined event type; `None` unless `id` is `x-[a-z0-9._-]+` and at most 64 bytes.
    pub fn custom(id: &str) -> Option<EventType> {
        let rest = id.strip_prefix("x-")?;
        let ok = !rest.is_empty()
            && id.len() <= 64
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        ok.then(|| EventType::Custom(id.to_string()))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the scan found and did, without any value: kind ids with counts, the actions taken, and
/// whether the request was blocked.
///
/// Kinds are kept sorted by id and merged; actions are kept sorted and deduplicated, so the
/// encoding does not depend on the order in which they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScanSummary {
    kinds: Vec<(String, u32)>,
    actions: Vec<String>,
    blocked: bool,
}

impl ScanSummary {
    /// A summary from `(kind, count)` pairs; repeated kinds are summed (saturating), zero counts
    /// dropped. No actions, not blocked.
    pub fn from_counts(counts: &[(Kind, u32)]) -> ScanSummary {
        ScanSummary::from_id_counts(counts.iter().map(|(k, n)| (k.as_str(), *n)))
    }

    /// Like [`ScanSummary::from_counts`] but from kind id strings (for host-side conversions).
    /// Ids are validated when the record is built.
    pub fn from_id_counts<'s>(counts: impl IntoIterator<Item = (&'s str, u32)>) -> ScanSummary {
        let mut kinds: Vec<(String, u32)> = Vec::new();
        for (id, n) in counts {
            if n == 0 {
                continue;
            }
            match kinds.binary_search_by(|(k, _)| k.as_str().cmp(id)) {
                Ok(i) => {
                    if let Some(slot) = kinds.get_mut(i) {
                        slot.1 = slot.1.saturating_add(n);
                    }
                }
                Err(i) => kinds.insert(i, (id.to_string(), n)),
            }
        }
        ScanSummary {
            kinds,
            actions: Vec::new(),
            blocked: false,
        }
    }

    /// Adds the ids of the actions taken (`"redact"`, `"block"`, …; snake_case).
    pub fn actions<S: AsRef<str>>(mut self, actions: impl IntoIterator<Item = S>) -> ScanSummary {
        self.actions
            .extend(actions.into_iter().map(|a| a.as_ref().to_string()));
        self.actions.sort();
        self.actions.dedup();
        self
    }

    /// Marks the request as blocked (or not).
    pub fn blocked(mut self, blocked: bool) -> ScanSummary {
        self.blocked = blocked;
        self
    }

    /// `(kind id, count)` pairs sorted by id.
    pub fn kinds(&self) -> &[(String, u32)] {
        &self.kinds
    }

    /// Action ids, sorted and deduplicated.
    pub fn action_ids(&self) -> &[String] {
        &self.actions
    }

    /// Whether the request was blocked.
    pub fn is_blocked(&self) -> bool {
        self.blocked
    }

    fn validate(&self) -> Result<(), AuditError> {
        if self.kinds.len() > MAX_LIST_LEN || self.actions.len() > MAX_LIST_LEN {
            return Err(AuditError::new("scan", "too many entries"));
        }
        if !self.kinds.iter().all(|(k, _)| Kind::is_valid_id(k)) {
            return Err(AuditError::new("scan", "kind id is not snake_case"));
        }
        if !self.actions.iter().all(|a| Kind::is_valid_id(a)) {
            return Err(AuditError::new("scan", "action id is not snake_case"));
        }
        Ok(())
    }

    fn encode(&self, out: &mut String) {
        ObjWriter::new(out)
            .str_array("actions", self.actions.iter().map(String::as_str))
            .bool("blocked", self.blocked)
            .nested("kinds", |out| {
                out.push('[');
                for (i, (k, n)) in self.kinds.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    ObjWriter::new(out)
                        .uint("count", u64::from(*n))
                        .str("kind", k)
                        .end();
                }
                out.push(']');
            })
            .end();
    }
}

/// The residency decision a request was routed under: its policy hash and determining rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResidencyRef {
    policy_hash: String,
    rules: Vec<String>,
}

impl ResidencyRef {
    /// `policy_hash` must be lowercase hex (16–128 digits); rule ids are kept in the given
    /// order. Both are validated when the record is built.
    pub fn new<S: AsRef<str>>(
        policy_hash: &str,
        rules: impl IntoIterator<Item = S>,
    ) -> ResidencyRef {
        ResidencyRef {
            policy_hash: policy_hash.to_string(),
            rules: rules.into_iter().map(|r| r.as_ref().to_string()).collect(),
        }
    }

    /// The policy hash (lowercase hex).
    pub fn policy_hash(&self) -> &str {
        &self.policy_hash
    }

    /// The determining rule ids.
    pub fn rules(&self) -> &[String] {
        &self.rules
    }

    fn validate(&self) -> Result<(), AuditError> {
        let h = self.policy_hash.as_bytes();
        if !(16..=128).contains(&h.len())
            || !h.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(AuditError::new(
                "residency",
                "policy hash is not 16-128 lowercase hex digits",
            ));
        }
        if self.rules.len() > MAX_LIST_LEN {
            return Err(AuditError::new("residency", "too many rules"));
        }
        for r in &self.rules {
            check_text("residency", r, MAX_FIELD_LEN)?;
        }
        Ok(())
    }

    fn encode(&self, out: &mut String) {
        ObjWriter::new(out)
            .str("policy_hash", &self.policy_hash)
            .str_array("rules", self.rules.iter().map(String::as_str))
            .end();
    }
}

/// A per-tenant key for correlating prompts without storing them: records carry
/// `HMAC-SHA256(key, "lastgate/audit/v1/prompt\0" ‖ prompt)` and the key id.
///
/// Destroying the key ("crypto-shredding") makes the tags meaningless. `Debug` never shows the
/// key.
#[derive(Clone)]
pub struct PromptKey {
    key_id: String,
    key: Zeroizing<Vec<u8>>,
}

const PROMPT_DOMAIN: &[u8] = b"lastgate/audit/v1/prompt\0";

impl PromptKey {
    /// `key_id` names the key in records (1–64 bytes of `[A-Za-z0-9._-]`); `secret` must be at
    /// least 16 bytes.
    pub fn new(key_id: &str, secret: &[u8]) -> Result<PromptKey, AuditError> {
        if key_id.is_empty()
            || key_id.len() > 64
            || !key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            return Err(AuditError::new(
                "prompt_hmac",
                "key id must be 1-64 bytes of [A-Za-z0-9._-]",
            ));
        }
        if secret.len() < 16 {
            return Err(AuditError::new(
                "prompt_hmac",
                "secret shorter than 16 bytes",
            ));
        }
        Ok(PromptKey {
            key_id: key_id.to_string(),
            key: Zeroizing::new(secret.to_vec()),
        })
    }

    /// The key id written into records.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    fn mac(&self, prompt: &str) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        let mut m = <Hmac<Sha256> as hmac::Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!());
        m.update(PROMPT_DOMAIN);
        m.update(prompt.as_bytes());
        m
    }

    /// The correlation tag of `prompt` under this key.
    pub fn tag(&self, prompt: &str) -> PromptHmac {
        PromptHmac {
            key_id: self.key_id.clone(),
            tag: self.mac(prompt).finalize().into_bytes().into(),
        }
    }

    /// True when `tag` was made by this key over `prompt` (constant-time comparison).
    pub fn matches(&self, prompt: &str, tag: &PromptHmac) -> bool {
        tag.key_id == self.key_id && self.mac(prompt).verify_slice(&tag.tag).is_ok()
    }
}

impl fmt::Debug for PromptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromptKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// A keyed prompt tag as stored in a record: `{"key_id": …, "tag": hex}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PromptHmac {
    key_id: String,
    tag: [u8; 32],
}

impl PromptHmac {
    /// The id of the key that made the tag.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The 32-byte HMAC-SHA256 tag.
    pub fn tag(&self) -> &[u8; 32] {
        &self.tag
    }

    fn encode(&self, out: &mut String) {
        ObjWriter::new(out)
            .str("key_id", &self.key_id)
            .str("tag", &hex::encode32(&self.tag))
            .end();
    }
}

/// The content of one audit record, before it is sealed into a chain.
///
/// Build it with [`Record::builder`]. The record never holds prompt text, key material or
/// scanned values: only ids, counts, a keyed prompt tag and the decision references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub(crate) id: String,
    pub(crate) ts_ms: i64,
    pub(crate) event: EventType,
    pub(crate) team: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) app: Option<String>,
    pub(crate) key_id: Option<String>,
    pub(crate) source_ip: Option<IpAddr>,
    pub(crate) model: Option<String>,
    pub(crate) provider: Option<String>,
    pub(crate) tokens_in: Option<u64>,
    pub(crate) tokens_out: Option<u64>,
    pub(crate) cost_micros: Option<u64>,
    pub(crate) currency: Option<String>,
    pub(crate) latency_ms: Option<u64>,
    pub(crate) status: Option<u16>,
    pub(crate) scan: Option<ScanSummary>,
    pub(crate) residency: Option<ResidencyRef>,
    pub(crate) prompt_hmac: Option<PromptHmac>,
}

impl Record {
    /// Starts a record: `id` is the host's audit id (ULID, UUIDv7, …; 1–128 bytes), `ts_ms` the
    /// host clock in Unix milliseconds.
    pub fn builder(event: EventType, id: &str, ts_ms: i64) -> RecordBuilder {
        RecordBuilder {
            rec: Record {
                id: id.to_string(),
                ts_ms,
                event,
                team: None,
                user: None,
                app: None,
                key_id: None,
                source_ip: None,
                model: None,
                provider: None,
                tokens_in: None,
                tokens_out: None,
                cost_micros: None,
                currency: None,
                latency_ms: None,
                status: None,
                scan: None,
                residency: None,
                prompt_hmac: None,
            },
        }
    }

    /// The host's audit id.
    pub fn id(&self) -> &str {
        self.id.as_str()
    }

    /// Host clock, Unix milliseconds.
    pub fn ts_ms(&self) -> i64 {
        self.ts_ms
    }

    /// The event type.
    pub fn event(&self) -> &EventType {
        &self.event
    }

    /// Team id.
    pub fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }

    /// User id.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// Application id.
    pub fn app(&self) -> Option<&str> {
        self.app.as_deref()
    }

    /// Public gateway key id (never key material).
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// Source IP (IPv4-mapped IPv6 stored as IPv4).
    pub fn source_ip(&self) -> Option<IpAddr> {
        self.source_ip
    }

    /// Model name.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// Provider name.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }

    /// Prompt tokens.
    pub fn tokens_in(&self) -> Option<u64> {
        self.tokens_in
    }

    /// Completion tokens.
    pub fn tokens_out(&self) -> Option<u64> {
        self.tokens_out
    }

    /// Cost in micro-units of `currency`.
    pub fn cost_micros(&self) -> Option<u64> {
        self.cost_micros
    }

    /// ISO 4217 currency code of the cost.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// Latency in milliseconds.
    pub fn latency_ms(&self) -> Option<u64> {
        self.latency_ms
    }

    /// HTTP status returned to the client.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Scan summary.
    pub fn scan(&self) -> Option<&ScanSummary> {
        self.scan.as_ref()
    }

    /// Residency decision reference.
    pub fn residency(&self) -> Option<&ResidencyRef> {
        self.residency.as_ref()
    }

    /// Keyed prompt tag.
    pub fn prompt_hmac(&self) -> Option<&PromptHmac> {
        self.prompt_hmac.as_ref()
    }

    /// Writes the canonical form; `seal` adds the chain fields (the full line), `None` gives the
    /// event-hash preimage (which also carries `log_id`, `seq` and `v`).
    pub(crate) fn encode(&self, out: &mut String, log_id: &str, seq: u64, seal: Option<&Seal>) {
        let mut w = ObjWriter::new(out);
        w.opt_str("app", self.app.as_deref());
        if let Some(s) = seal {
            w.str("chain_hash", &hex::encode32(&s.chain_hash));
        }
        w.opt_uint("cost_micros", self.cost_micros)
            .opt_str("currency", self.currency.as_deref())
            .str("event", self.event.as_str());
        if let Some(s) = seal {
            w.str("event_hash", &hex::encode32(&s.event_hash));
        }
        w.str("id", &self.id)
            .opt_str("key_id", self.key_id.as_deref())
            .opt_uint("latency_ms", self.latency_ms)
            .str("log_id", log_id);
        if let Some(Seal { mac: Some(m), .. }) = seal {
            w.nested("mac", |out| {
                ObjWriter::new(out)
                    .uint("epoch", u64::from(m.epoch))
                    .str("tag", &hex::encode32(&m.tag))
                    .end();
            });
        }
        w.opt_str("model", self.model.as_deref());
        if let Some(s) = seal {
            w.str("prev", &hex::encode32(&s.prev));
        }
        if let Some(p) = &self.prompt_hmac {
            w.nested("prompt_hmac", |out| p.encode(out));
        }
        w.opt_str("provider", self.provider.as_deref());
        if let Some(r) = &self.residency {
            w.nested("residency", |out| r.encode(out));
        }
        if let Some(sc) = &self.scan {
            w.nested("scan", |out| sc.encode(out));
        }
        w.uint("seq", seq);
        if let Some(ip) = &self.source_ip {
            w.str("source_ip", &ip.to_string());
        }
        w.opt_uint("status", self.status.map(u64::from))
            .opt_str("team", self.team.as_deref())
            .opt_uint("tokens_in", self.tokens_in)
            .opt_uint("tokens_out", self.tokens_out)
            .int("ts_ms", self.ts_ms)
            .opt_str("user", self.user.as_deref())
            .uint("v", RECORD_VERSION)
            .end();
    }
}

/// Sets the optional fields of a [`Record`]; [`RecordBuilder::build`] validates them.
#[derive(Clone, Debug)]
#[must_use]
pub struct RecordBuilder {
    rec: Record,
}

macro_rules! setters {
    ($( $(#[$doc:meta])* $name:ident ( $ty:ty ) => $field:ident = $conv:expr ;)*) => {
        $( $(#[$doc])* pub fn $name(mut self, v: $ty) -> RecordBuilder { self.rec.$field = Some($conv(v)); self } )*
    };
}

impl RecordBuilder {
    setters! {
        /// Team id (≤ 256 bytes, no control characters).
        team(&str) => team = str::to_string;
        /// User id (≤ 256 bytes, no control characters).
        user(&str) => user = str::to_string;
        /// Application id (≤ 256 bytes, no control characters).
        app(&str) => app = str::to_string;
        /// Public gateway key id (never the key itself).
        key_id(&str) => key_id = str::to_string;
        /// Model name.
        model(&str) => model = str::to_string;
        /// Provider name.
        provider(&str) => provider = str::to_string;
        /// Prompt tokens (≤ 2^53 − 1).
        tokens_in(u64) => tokens_in = core::convert::identity;
        /// Completion tokens (≤ 2^53 − 1).
        tokens_out(u64) => tokens_out = core::convert::identity;
        /// Latency in milliseconds (≤ 2^53 − 1).
        latency_ms(u64) => latency_ms = core::convert::identity;
        /// HTTP status returned to the client.
        status(u16) => status = core::convert::identity;
        /// The scan summary (kinds and counts, actions, blocked).
        scan(ScanSummary) => scan = core::convert::identity;
        /// The residency decision's policy hash and rules.
        residency(ResidencyRef) => residency = core::convert::identity;
        /// The keyed prompt tag ([`PromptKey::tag`]).
        prompt_hmac(PromptHmac) => prompt_hmac = core::convert::identity;
    }

    /// Source IP; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is stored as IPv4.
    pub fn source_ip(mut self, ip: IpAddr) -> RecordBuilder {
        self.rec.source_ip = Some(canonical_ip(ip));
        self
    }

    /// Cost as integer micro-units (≤ 2^53 − 1) of an ISO 4217 currency (three uppercase
    /// letters).
    pub fn cost(mut self, micros: u64, currency: &str) -> RecordBuilder {
        self.rec.cost_micros = Some(micros);
        self.rec.currency = Some(currency.to_string());
        self
    }

    /// Validates every field and returns the record.
    pub fn build(self) -> Result<Record, AuditError> {
        self.rec.validate()?;
        Ok(self.rec)
    }
}

fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn check_text(field: &'static str, s: &str, max: usize) -> Result<(), AuditError> {
    if s.is_empty() || s.len() > max {
        return Err(AuditError::new(field, "empty or too long"));
    }
    if s.chars().any(char::is_control) {
        return Err(AuditError::new(field, "contains control characters"));
    }
    Ok(())
}

fn check_int(field: &'static str, v: Option<u64>) -> Result<(), AuditError> {
    match v {
        Some(v) if v > MAX_SAFE_INT => Err(AuditError::new(field, "exceeds 2^53 - 1")),
        _ => Ok(()),
    }
}

pub(crate) fn check_log_id(log_id: &str) -> Result<(), AuditError> {
    if log_id.is_empty()
        || log_id.len() > MAX_ID_LEN
        || !log_id.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(AuditError::new(
            "log_id",
            "must be 1-128 bytes of printable ASCII without spaces",
        ));
    }
    Ok(())
}

impl Record {
    fn validate(&self) -> Result<(), AuditError> {
        check_text("id", &self.id, MAX_ID_LEN)?;
        if self.ts_ms.unsigned_abs() > MAX_SAFE_INT {
            return Err(AuditError::new("ts_ms", "outside ±(2^53 - 1)"));
        }
        if let EventType::Custom(c) = &self.event {
            if EventType::custom(c).is_none() {
                return Err(AuditError::new(
                    "event",
                    "custom event ids are x-[a-z0-9._-]+, ≤ 64 bytes",
                ));
            }
        }
        for (f, v) in [
            ("team", &self.team),
            ("user", &self.user),
            ("app", &self.app),
            ("key_id", &self.key_id),
            ("model", &self.model),
            ("provider", &self.provider),
        ] {
            if let Some(v) = v {
                check_text(f, v, MAX_FIELD_LEN)?;
            }
        }
        check_int("tokens_in", self.tokens_in)?;
        check_int("tokens_out", self.tokens_out)?;
        check_int("cost_micros", self.cost_micros)?;
        check_int("latency_ms", self.latency_ms)?;
        if let Some(c) = &self.currency {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(AuditError::new(
                    "currency",
                    "must be three uppercase letters",
                ));
            }
        }
        if self.currency.is_some() != self.cost_micros.is_some() {
            return Err(AuditError::new("currency", "cost and currency go together"));
        }
        if let Some(s) = &self.scan {
            s.validate()?;
        }
        if let Some(r) = &self.residency {
            r.validate()?;
        }
        if let Some(p) = &self.prompt_hmac {
            if p.key_id.is_empty() || p.key_id.len() > 64 {
                return Err(AuditError::new("prompt_hmac", "bad key id"));
            }
        }
        if let Some(ip) = self.source_ip {
            if canonical_ip(ip) != ip {
                return Err(AuditError::new(
                    "source_ip",
                    "IPv4-mapped address not canonicalized",
                ));
            }
        }
        Ok(())
    }
}

/// The keyed-mode tag of a sealed record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordMac {
    /// Key epoch the tag was made with.
    pub epoch: u32,
    /// `HMAC-SHA256(K_epoch, "lastgate/audit/v1/mac\0" ‖ chain_hash)`.
    pub tag: [u8; 32],
}

/// The chain fields added when a record is sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seal {
    pub(crate) prev: [u8; 32],
    pub(crate) event_hash: [u8; 32],
    pub(crate) chain_hash: [u8; 32],
    pub(crate) mac: Option<RecordMac>,
}

/// A record sealed into a chain: the content plus `log_id`, `seq`, `prev`, `event_hash`,
/// `chain_hash` and, in keyed mode, `mac`.
///
/// [`SealedRecord::to_line`] gives the canonical JSON line the host stores;
/// [`SealedRecord::parse`] reads one back (strictly: only canonical lines are accepted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    pub(crate) record: Record,
    pub(crate) log_id: String,
    pub(crate) seq: u64,
    pub(crate) seal: Seal,
}

impl SealedRecord {
    /// The record content.
    pub fn record(&self) -> &Record {
        &self.record
    }
    /// The log (writer) this record belongs to.
    pub fn log_id(&self) -> &str {
        &self.log_id
    }
    /// Position in the log: 0, 1, 2, …
    pub fn seq(&self) -> u64 {
        self.seq
    }
    /// Chain hash of the previous record (the genesis hash for `seq == 0`).
    pub fn prev(&self) -> &[u8; 32] {
        &self.seal.prev
    }
    /// Stored event hash.
    pub fn event_hash(&self) -> &[u8; 32] {
        &self.seal.event_hash
    }
    /// Stored chain hash.
    pub fn chain_hash(&self) -> &[u8; 32] {
        &self.seal.chain_hash
    }
    /// Keyed-mode tag, if any.
    pub fn mac(&self) -> Option<&RecordMac> {
        self.seal.mac.as_ref()
    }

    /// The canonical JSON line (no trailing newline).
    pub fn to_line(&self) -> String {
        let mut s = String::with_capacity(512);
        self.write_line(&mut s);
        s
    }

    /// Appends the canonical JSON line (no trailing newline) to `out`.
    pub fn write_line(&self, out: &mut String) {
        self.record
            .encode(out, &self.log_id, self.seq, Some(&self.seal));
    }

    /// The canonical bytes hashed into `event_hash` (appended to `out`).
    pub fn write_event_preimage(&self, out: &mut String) {
        self.record.encode(out, &self.log_id, self.seq, None);
    }

    /// Parses one line. Accepts only what [`SealedRecord::to_line`] produces: any other byte
    /// sequence (whitespace, key order, escapes, unknown fields, out-of-range numbers) is an
    /// error. Hashes are not checked here; that is the verifier's job.
    pub fn parse(line: &str) -> Result<SealedRecord, RecordParseError> {
        if line.len() > MAX_LINE_LEN {
            return Err(RecordParseError::malformed(MAX_LINE_LEN, "line too long"));
        }
        let v = canon::parse(line).map_err(|e| RecordParseError::malformed(e.offset, e.reason))?;
        let Value::Obj(members) = v else {
            return Err(RecordParseError::malformed(0, "not an object"));
        };
        // The version decides how to read everything else.
        match members.iter().find(|(k, _)| *k == "v") {
            Some((_, Value::Int(v))) if *v == RECORD_VERSION as i64 => {}
            Some((_, Value::Int(v))) if *v >= 0 => {
                return Err(RecordParseError {
                    kind: ParseErrorKind::UnknownVersion(*v as u64),
                })
            }
            _ => return Err(RecordParseError::malformed(0, "missing or invalid version")),
        }
        let rec = from_members(members).map_err(|reason| RecordParseError::malformed(0, reason))?;
        // Field values are individually canonical (the parser enforces it); re-encoding checks
        // the record-level rules (no nulls, sorted summaries, canonical IPs, …).
        if rec.to_line() != line {
            return Err(RecordParseError::malformed(0, "not in canonical form"));
        }
        Ok(rec)
    }
}

fn from_members(members: Vec<(&str, Value<'_>)>) -> Result<SealedRecord, &'static str> {
    let mut rec = Record::builder(EventType::LogHeartbeat, "", 0).rec;
    let (mut log_id, mut seq, mut prev, mut eh, mut ch, mut mac) =
        (None, None, None, None, None, None);
    let (mut have_id, mut have_ts, mut have_event) = (false, false, false);
    for (k, v) in members {
        match k {
            "app" => rec.app = Some(text(v)?),
            "chain_hash" => ch = Some(digest(v)?),
            "cost_micros" => rec.cost_micros = Some(uint(v)?),
            "currency" => rec.currency = Some(text(v)?),
            "event" => {
                rec.event = EventType::from_id(&text(v)?).ok_or("unknown event type")?;
                have_event = true;
            }
            "event_hash" => eh = Some(digest(v)?),
            "id" => {
                rec.id = text(v)?;
                have_id = true;
            }
            "key_id" => rec.key_id = Some(text(v)?),
            "latency_ms" => rec.latency_ms = Some(uint(v)?),
            "log_id" => log_id = Some(text(v)?),
            "mac" => {
                let Value::Obj(m) = v else {
                    return Err("mac is not an object");
                };
                let mut it = m.into_iter();
                let (Some(("epoch", e)), Some(("tag", t)), None) =
                    (it.next(), it.next(), it.next())
                else {
                    return Err("mac must be {epoch, tag}");
                };
                let epoch = u32::try_from(uint(e)?).map_err(|_| "mac epoch too large")?;
                mac = Some(RecordMac {
                    epoch,
                    tag: digest(t)?,
                });
            }
            "model" => rec.model = Some(text(v)?),
            "prev" => prev = Some(digest(v)?),
            "prompt_hmac" => {
                let Value::Obj(m) = v else {
                    return Err("prompt_hmac is not an object");
                };
                let mut it = m.into_iter();
                let (Some(("key_id", id)), Some(("tag", t)), None) =
                    (it.next(), it.next(), it.next())
                else {
                    return Err("prompt_hmac must be {key_id, tag}");
                };
                rec.prompt_hmac = Some(PromptHmac {
                    key_id: text(id)?,
                    tag: digest(t)?,
                });
            }
            "provider" => rec.provider = Some(text(v)?),
            "residency" => {
                let Value::Obj(m) = v else {
                    return Err("residency is not an object");
                };
                let mut it = m.into_iter();
                let (Some(("policy_hash", h)), Some(("rules", r)), None) =
                    (it.next(), it.next(), it.next())
                else {
                    return Err("residency must be {policy_hash, rules}");
                };
                rec.residency = Some(ResidencyRef {
                    policy_hash: text(h)?,
                    rules: text_list(r)?,
                });
            }
            "scan" => {
                let Value::Obj(m) = v else {
                    return Err("scan is not an object");
                };
                let mut it = m.into_iter();
                let (
                    Some(("actions", a)),
                    Some(("blocked", Value::Bool(b))),
                    Some(("kinds", ks)),
                    None,
                ) = (it.next(), it.next(), it.next(), it.next())
                else {
                    return Err("scan must be {actions, blocked, kinds}");
                };
                let Value::Arr(ks) = ks else {
                    return Err("scan kinds is not an array");
                };
                let mut kinds = Vec::with_capacity(ks.len());
                for kv in ks {
                    let Value::Obj(kv) = kv else {
                        return Err("scan kind is not an object");
                    };
                    let mut it = kv.into_iter();
                    let (Some(("count", n)), Some(("kind", id)), None) =
                        (it.next(), it.next(), it.next())
                    else {
                        return Err("scan kind must be {count, kind}");
                    };
                    let n = u32::try_from(uint(n)?).map_err(|_| "count too large")?;
                    kinds.push((text(id)?, n));
                }
                rec.scan = Some(ScanSummary {
                    kinds,
                    actions: text_list(a)?,
                    blocked: b,
                });
            }
            "seq" => seq = Some(uint(v)?),
            "source_ip" => {
                rec.source_ip = Some(
                    text(v)?
                        .parse()
                        .map_err(|_| "source_ip is not an IP address")?,
                )
            }
            "status" => rec.status = Some(u16::try_from(uint(v)?).map_err(|_| "status too large")?),
            "team" => rec.team = Some(text(v)?),
            "tokens_in" => rec.tokens_in = Some(uint(v)?),
            "tokens_out" => rec.tokens_out = Some(uint(v)?),
            "ts_ms" => {
                let Value::Int(t) = v else {
                    return Err("ts_ms is not an integer");
                };
                rec.ts_ms = t;
                have_ts = true;
            }
            "user" => rec.user = Some(text(v)?),
            "v" => {}
            _ => return Err("unknown field"),
        }
    }
    if !(have_id && have_ts && have_event) {
        return Err("missing id, ts_ms or event");
    }
    let log_id = log_id.ok_or("missing log_id")?;
    check_log_id(&log_id).map_err(|e| e.reason)?;
    rec.validate().map_err(|e| e.reason)?;
    Ok(SealedRecord {
        record: rec,
        log_id,
        seq: seq.ok_or("missing seq")?,
        seal: Seal {
            prev: prev.ok_or("missing prev")?,
            event_hash: eh.ok_or("missing event_hash")?,
            chain_hash: ch.ok_or("missing chain_hash")?,
            mac,
        },
    })
}

fn text(v: Value<'_>) -> Result<String, &'static str> {
    match v {
        Value::Str(s) => Ok(Cow::into_owned(s)),
        _ => Err("expected a string"),
    }
}

fn text_list(v: Value<'_>) -> Result<Vec<String>, &'static str> {
    match v {
        Value::Arr(items) => items.into_iter().map(text).collect(),
        _ => Err("expected an array of strings"),
    }
}

fn uint(v: Value<'_>) -> Result<u64, &'static str> {
    match v {
        Value::Int(i) if i >= 0 => Ok(i as u64),
        _ => Err("expected a non-negative integer"),
    }
}

fn digest(v: Value<'_>) -> Result<[u8; 32], &'static str> {
    match v {
        Value::Str(s) => hex::decode32(&s).ok_or("expected 64 lowercase hex digits"),
        _ => Err("expected a hex string"),
    }
}

/// Why a line is not a readable record. Never quotes the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordParseError {
    kind: ParseErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ParseErrorKind {
    Malformed { offset: usize, reason: &'static str },
    UnknownVersion(u64),
}

impl RecordParseError {
    fn malformed(offset: usize, reason: &'static str) -> RecordParseError {
        RecordParseError {
            kind: ParseErrorKind::Malformed { offset, reason },
        }
    }

    /// The record declares a schema version this crate does not know.
    pub fn unknown_version(&self) -> Option<u64> {
        match self.kind {
            ParseErrorKind::UnknownVersion(v) => Some(v),
            ParseErrorKind::Malformed { .. } => None,
        }
    }

    /// A short reason (a fixed phrase; never input bytes).
    pub fn reason(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Malformed { reason, .. } => reason,
            ParseErrorKind::UnknownVersion(_) => "unknown record version",
        }
    }
}

impl fmt::Display for RecordParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ParseErrorKind::Malformed { offset, reason } => {
                write!(f, "malformed audit record (byte {offset}): {reason}")
            }
            ParseErrorKind::UnknownVersion(v) => write!(f, "unknown audit record version {v}"),
        }
    }
}

impl std::error::Error for RecordParseError {}
