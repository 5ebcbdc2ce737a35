//! Audit records: the builder, the field types, the canonical encoding and the strict parser.

use std::fmt;
use std::net::IpAddr;

use hmac::{Hmac, Mac as _};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::canon::{self, ObjWriter, Parser, Value, MAX_SAFE_INT};
use super::chain::EVENT_DOMAIN;
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
            .hex32("tag", &self.tag)
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
    ///
    /// Returns, for the preimage, the offsets (from the start of what was appended) where the
    /// seal members `chain_hash`, `event_hash`, `mac` and `prev` belong: each is always followed
    /// by another member, so it is inserted as `"key":value,` at that offset.
    pub(crate) fn encode(
        &self,
        out: &mut String,
        log_id: &str,
        seq: u64,
        seal: Option<&Seal>,
    ) -> [usize; 4] {
        let base = out.len();
        let mut w = ObjWriter::new(out);
        w.opt_str("app", self.app.as_deref());
        match seal {
            Some(s) => {
                w.hex32("chain_hash", &s.chain_hash);
            }
            None => w.mark(0),
        }
        w.opt_uint("cost_micros", self.cost_micros)
            .opt_str("currency", self.currency.as_deref())
            .str("event", self.event.as_str());
        match seal {
            Some(s) => {
                w.hex32("event_hash", &s.event_hash);
            }
            None => w.mark(1),
        }
        w.str("id", &self.id)
            .opt_str("key_id", self.key_id.as_deref())
            .opt_uint("latency_ms", self.latency_ms)
            .str("log_id", log_id);
        if seal.is_none() {
            w.mark(2);
        }
        if let Some(Seal { mac: Some(m), .. }) = seal {
            w.nested("mac", |out| {
                ObjWriter::new(out)
                    .uint("epoch", u64::from(m.epoch))
                    .hex32("tag", &m.tag)
                    .end();
            });
        }
        w.opt_str("model", self.model.as_deref());
        match seal {
            Some(s) => {
                w.hex32("prev", &s.prev);
            }
            None => w.mark(3),
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
            w.display("source_ip", ip);
        }
        w.opt_uint("status", self.status.map(u64::from))
            .opt_str("team", self.team.as_deref())
            .opt_uint("tokens_in", self.tokens_in)
            .opt_uint("tokens_out", self.tokens_out)
            .int("ts_ms", self.ts_ms)
            .opt_str("user", self.user.as_deref())
            .uint("v", RECORD_VERSION)
            .end();
        w.marks().map(|m| m.saturating_sub(base))
    }
}

/// Builds the sealed line from the event preimage and the marks [`Record::encode`] returned,
/// without encoding the record again.
pub(crate) fn splice_line(pre: &str, marks: [usize; 4], seal: &Seal, out: &mut String) {
    let mut last = 0;
    for (i, &m) in marks.iter().enumerate() {
        out.push_str(pre.get(last..m).unwrap_or_default());
        let mut w = ObjWriter::continuing(out);
        match i {
            0 => {
                w.hex32("chain_hash", &seal.chain_hash);
            }
            1 => {
                w.hex32("event_hash", &seal.event_hash);
            }
            2 => match &seal.mac {
                Some(mac) => {
                    w.nested("mac", |out| {
                        ObjWriter::new(out)
                            .uint("epoch", u64::from(mac.epoch))
                            .hex32("tag", &mac.tag)
                            .end();
                    });
                }
                None => {
                    last = m;
                    continue;
                }
            },
            _ => {
                w.hex32("prev", &seal.prev);
            }
        }
        out.push(',');
        last = m;
    }
    out.push_str(pre.get(last..).unwrap_or_default());
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
    // `char::is_control` is C0, DEL and C1 (U+0080..=U+009F, UTF-8 `C2 80..=C2 9F`); test the
    // bytes branch-free and look at C1 only when a 0xC2 lead byte is present.
    let b = s.as_bytes();
    let c0 = b
        .iter()
        .fold(false, |acc, &x| acc | (x < 0x20) | (x == 0x7f));
    let c1 = memchr::memchr(0xc2, b).is_some() && s.chars().any(char::is_control);
    if c0 || c1 {
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
    /// A placeholder for [`parse_line_into`] to fill.
    pub(crate) fn empty() -> SealedRecord {
        SealedRecord {
            record: Record::builder(EventType::LogHeartbeat, "", 0).rec,
            log_id: String::new(),
            seq: 0,
            seal: Seal {
                prev: [0; 32],
                event_hash: [0; 32],
                chain_hash: [0; 32],
                mac: None,
            },
        }
    }

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
        parse_line(line).map(|(rec, _)| rec)
    }
}

/// Parses a line and hashes its event preimage straight from the line's bytes (the members
/// other than the seal fields, in their canonical order), without re-encoding.
///
/// Single pass: members must come in canonical key order, nested objects in their fixed
/// canonical shape, so only the encoder's exact output is accepted.
pub(crate) fn parse_line(line: &str) -> Result<(SealedRecord, [u8; 32]), RecordParseError> {
    let mut rec = SealedRecord::empty();
    let eh = parse_line_into(line, &mut rec)?;
    Ok((rec, eh))
}

/// [`parse_line`] into a reused record (see [`parse_into`]).
pub(crate) fn parse_line_into(
    line: &str,
    out: &mut SealedRecord,
) -> Result<[u8; 32], RecordParseError> {
    if line.len() > MAX_LINE_LEN {
        return Err(RecordParseError::malformed(MAX_LINE_LEN, "line too long"));
    }
    match parse_into(line, out) {
        Ok(eh) => {
            // Every value is canonical (the parser enforces it) and the record-level rules are
            // checked, so the line is exactly what the encoder writes.
            debug_assert_eq!(out.to_line(), line);
            Ok(eh)
        }
        Err(e) => {
            // Classify: a well-formed object declaring another version is `unknown_version`.
            if let Ok(members) = canon::parse_members(line) {
                if let Some((_, Value::Int(v), ..)) = members.iter().find(|(k, ..)| *k == "v") {
                    if *v >= 0 && *v != RECORD_VERSION as i64 {
                        return Err(RecordParseError {
                            kind: ParseErrorKind::UnknownVersion(*v as u64),
                        });
                    }
                }
            }
            Err(e)
        }
    }
}

/// Parses into `out`, reusing its string buffers (the verifier keeps one scratch record, so
/// steady-state verification does not allocate). On error `out` holds garbage.
fn parse_into(line: &str, out: &mut SealedRecord) -> Result<[u8; 32], RecordParseError> {
    let mal = |p: &Parser<'_>, reason: &'static str| RecordParseError::malformed(p.i, reason);
    let syn = |e: canon::SyntaxError| RecordParseError::malformed(e.offset, e.reason);
    let mut p = Parser::new(line);
    let rec = &mut out.record;
    // Spare buffers from the previous record; fields absent from this line end up None.
    let mut spare = [
        take_spare(&mut rec.app),
        take_spare(&mut rec.currency),
        take_spare(&mut rec.key_id),
        take_spare(&mut rec.model),
        take_spare(&mut rec.provider),
        take_spare(&mut rec.team),
        take_spare(&mut rec.user),
    ];
    let mut old_prompt = rec.prompt_hmac.take();
    let mut old_residency = rec.residency.take();
    let mut old_scan = rec.scan.take();
    rec.cost_micros = None;
    rec.latency_ms = None;
    rec.tokens_in = None;
    rec.tokens_out = None;
    rec.status = None;
    rec.source_ip = None;
    let (mut have_log_id, mut seq, mut prev, mut eh, mut ch, mut mac) =
        (false, None, None, None, None, None);
    let (mut have_id, mut have_ts, mut have_event, mut version) = (false, false, false, None);
    let mut h = Sha256::new();
    h.update(EVENT_DOMAIN);
    h.update(b"{");
    let mut first_hashed = true;
    let mut last_key: Option<&str> = None;
    p.expect(b'{', "expected an object").map_err(syn)?;
    if p.peek() == Some(b'}') {
        return Err(mal(&p, "empty object"));
    }
    loop {
        let start = p.i;
        let k = p.key().map_err(syn)?;
        if last_key.is_some_and(|l| k.as_bytes() <= l.as_bytes()) {
            return Err(mal(&p, "object keys not strictly sorted (or duplicated)"));
        }
        last_key = Some(k);
        p.expect(b':', "expected ':'").map_err(syn)?;
        match k {
            "app" => rec.app = Some(fill(&mut spare[0], &p.str_value().map_err(syn)?)),
            "chain_hash" => ch = Some(hex_value(&mut p)?),
            "cost_micros" => rec.cost_micros = Some(p.uint_value().map_err(syn)?),
            "currency" => rec.currency = Some(fill(&mut spare[1], &p.str_value().map_err(syn)?)),
            "event" => {
                let id = p.str_value().map_err(syn)?;
                rec.event = EventType::from_id(&id).ok_or_else(|| mal(&p, "unknown event type"))?;
                have_event = true;
            }
            "event_hash" => eh = Some(hex_value(&mut p)?),
            "id" => {
                let v = p.str_value().map_err(syn)?;
                rec.id.clear();
                rec.id.push_str(&v);
                have_id = true;
            }
            "key_id" => rec.key_id = Some(fill(&mut spare[2], &p.str_value().map_err(syn)?)),
            "latency_ms" => rec.latency_ms = Some(p.uint_value().map_err(syn)?),
            "log_id" => {
                let v = p.str_value().map_err(syn)?;
                out.log_id.clear();
                out.log_id.push_str(&v);
                have_log_id = true;
            }
            "mac" => {
                p.literal("{\"epoch\":").map_err(syn)?;
                let epoch = u32::try_from(p.uint_value().map_err(syn)?)
                    .map_err(|_| mal(&p, "mac epoch too large"))?;
                p.literal(",\"tag\":").map_err(syn)?;
                let tag = hex_value(&mut p)?;
                p.literal("}").map_err(syn)?;
                mac = Some(RecordMac { epoch, tag });
            }
            "model" => rec.model = Some(fill(&mut spare[3], &p.str_value().map_err(syn)?)),
            "prev" => prev = Some(hex_value(&mut p)?),
            "prompt_hmac" => {
                p.literal("{\"key_id\":").map_err(syn)?;
                let mut key_id = old_prompt.take().map(|o| o.key_id).unwrap_or_default();
                key_id.clear();
                key_id.push_str(&p.str_value().map_err(syn)?);
                p.literal(",\"tag\":").map_err(syn)?;
                let tag = hex_value(&mut p)?;
                p.literal("}").map_err(syn)?;
                rec.prompt_hmac = Some(PromptHmac { key_id, tag });
            }
            "provider" => rec.provider = Some(fill(&mut spare[4], &p.str_value().map_err(syn)?)),
            "residency" => {
                p.literal("{\"policy_hash\":").map_err(syn)?;
                let ResidencyRef {
                    mut policy_hash,
                    mut rules,
                } = old_residency
                    .take()
                    .unwrap_or_else(|| ResidencyRef::new("", [""; 0]));
                policy_hash.clear();
                policy_hash.push_str(&p.str_value().map_err(syn)?);
                p.literal(",\"rules\":").map_err(syn)?;
                p.str_array_into(&mut rules).map_err(syn)?;
                p.literal("}").map_err(syn)?;
                rec.residency = Some(ResidencyRef { policy_hash, rules });
            }
            "scan" => {
                p.literal("{\"actions\":").map_err(syn)?;
                let ScanSummary {
                    mut actions,
                    mut kinds,
                    ..
                } = old_scan.take().unwrap_or_default();
                p.str_array_into(&mut actions).map_err(syn)?;
                p.literal(",\"blocked\":").map_err(syn)?;
                let blocked = match p.peek() {
                    Some(b't') => p.literal("true").map(|_| true),
                    _ => p.literal("false").map(|_| false),
                }
                .map_err(syn)?;
                p.literal(",\"kinds\":[").map_err(syn)?;
                let mut nk = 0;
                if p.peek() == Some(b']') {
                    p.i += 1;
                } else {
                    loop {
                        p.literal("{\"count\":").map_err(syn)?;
                        let n = u32::try_from(p.uint_value().map_err(syn)?)
                            .map_err(|_| mal(&p, "count too large"))?;
                        p.literal(",\"kind\":").map_err(syn)?;
                        let kind = p.str_value().map_err(syn)?;
                        p.literal("}").map_err(syn)?;
                        match kinds.get_mut(nk) {
                            Some(slot) => {
                                slot.0.clear();
                                slot.0.push_str(&kind);
                                slot.1 = n;
                            }
                            None => kinds.push((kind.into_owned(), n)),
                        }
                        nk += 1;
                        match p.peek() {
                            Some(b',') => p.i += 1,
                            Some(b']') => {
                                p.i += 1;
                                break;
                            }
                            _ => return Err(mal(&p, "expected ',' or ']'")),
                        }
                    }
                }
                kinds.truncate(nk);
                p.literal("}").map_err(syn)?;
                if !kinds.windows(2).all(|w| w[0].0 < w[1].0) || kinds.iter().any(|(_, n)| *n == 0)
                {
                    return Err(mal(&p, "scan kinds not sorted, unique and non-zero"));
                }
                if !actions.windows(2).all(|w| w[0] < w[1]) {
                    return Err(mal(&p, "scan actions not sorted and unique"));
                }
                rec.scan = Some(ScanSummary {
                    kinds,
                    actions,
                    blocked,
                });
            }
            "seq" => seq = Some(p.uint_value().map_err(syn)?),
            "source_ip" => {
                let t = p.str_value().map_err(syn)?;
                let ip: IpAddr = t
                    .parse()
                    .map_err(|_| mal(&p, "source_ip is not an IP address"))?;
                if !display_eq(&ip, &t) {
                    return Err(mal(&p, "source_ip is not in canonical text form"));
                }
                rec.source_ip = Some(ip);
            }
            "status" => {
                rec.status = Some(
                    u16::try_from(p.uint_value().map_err(syn)?)
                        .map_err(|_| mal(&p, "status too large"))?,
                )
            }
            "team" => rec.team = Some(fill(&mut spare[5], &p.str_value().map_err(syn)?)),
            "tokens_in" => rec.tokens_in = Some(p.uint_value().map_err(syn)?),
            "tokens_out" => rec.tokens_out = Some(p.uint_value().map_err(syn)?),
            "ts_ms" => {
                rec.ts_ms = p.int_value().map_err(syn)?;
                have_ts = true;
            }
            "user" => rec.user = Some(fill(&mut spare[6], &p.str_value().map_err(syn)?)),
            "v" => version = Some(p.uint_value().map_err(syn)?),
            _ => return Err(mal(&p, "unknown field")),
        }
        if !matches!(k, "chain_hash" | "event_hash" | "mac" | "prev") {
            if !first_hashed {
                h.update(b",");
            }
            first_hashed = false;
            h.update(line.get(start..p.i).unwrap_or_default().as_bytes());
        }
        match p.peek() {
            Some(b',') => p.i += 1,
            Some(b'}') => {
                p.i += 1;
                break;
            }
            _ => return Err(mal(&p, "expected ',' or '}'")),
        }
    }
    if !p.at_end() {
        return Err(mal(&p, "trailing bytes after the record"));
    }
    if version != Some(RECORD_VERSION) {
        return Err(RecordParseError::malformed(0, "missing or invalid version"));
    }
    h.update(b"}");
    if !(have_id && have_ts && have_event) {
        return Err(RecordParseError::malformed(0, "missing id, ts_ms or event"));
    }
    let bad = |r: &'static str| RecordParseError::malformed(0, r);
    if !have_log_id {
        return Err(bad("missing log_id"));
    }
    check_log_id(&out.log_id).map_err(|e| bad(e.reason))?;
    rec.validate().map_err(|e| bad(e.reason))?;
    out.seq = seq.ok_or_else(|| bad("missing seq"))?;
    out.seal = Seal {
        prev: prev.ok_or_else(|| bad("missing prev"))?,
        event_hash: eh.ok_or_else(|| bad("missing event_hash"))?,
        chain_hash: ch.ok_or_else(|| bad("missing chain_hash"))?,
        mac,
    };
    Ok(h.finalize().into())
}

fn take_spare(slot: &mut Option<String>) -> String {
    let mut s = slot.take().unwrap_or_default();
    s.clear();
    s
}

/// Moves `v` into the spare buffer's allocation and hands the buffer out.
fn fill(spare: &mut String, v: &str) -> String {
    spare.push_str(v);
    std::mem::take(spare)
}

fn hex_value(p: &mut Parser<'_>) -> Result<[u8; 32], RecordParseError> {
    // A digest is `"` + 64 lowercase hex digits + `"`: no escapes can occur.
    let at = p.i;
    let bad = || RecordParseError::malformed(at, "expected 64 lowercase hex digits");
    let raw = p.bytes_at(at, 66).ok_or_else(bad)?;
    match raw {
        [b'"', hex @ .., b'"'] => {
            let d = hex::decode32_bytes(hex).ok_or_else(bad)?;
            p.i = at + 66;
            Ok(d)
        }
        _ => Err(bad()),
    }
}

/// True when `v` displays as exactly `s` (without allocating).
fn display_eq(v: &dyn fmt::Display, s: &str) -> bool {
    struct Cmp<'s>(&'s str, bool);
    impl fmt::Write for Cmp<'_> {
        fn write_str(&mut self, part: &str) -> fmt::Result {
            match self.0.strip_prefix(part) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(())
                }
                None => {
                    self.1 = false;
                    Err(fmt::Error)
                }
            }
        }
    }
    let mut c = Cmp(s, true);
    let ok = fmt::write(&mut c, format_args!("{v}")).is_ok();
    ok && c.1 && c.0.is_empty()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Chain;

    fn line() -> String {
        let rec = Record::builder(EventType::RequestCompleted, "id-1", 5)
            .team("t")
            .source_ip("::ffff:10.1.2.3".parse().unwrap())
            .cost(7, "EUR")
            .scan(
                ScanSummary::from_counts(&[(Kind::PHONE, 1), (Kind::EMAIL, 2)]).actions(["redact"]),
            )
            .build()
            .unwrap();
        Chain::new("log").unwrap().seal(rec).unwrap().to_line()
    }

    #[test]
    fn canonical_line_roundtrips_and_ip_is_canonicalized() {
        let l = line();
        assert!(l.contains("\"source_ip\":\"10.1.2.3\""));
        let r = SealedRecord::parse(&l).unwrap();
        assert_eq!(r.to_line(), l);
        let (_, eh) = parse_line(&l).unwrap();
        assert_eq!(&eh, r.event_hash());
    }

    #[test]
    fn rejects_every_non_canonical_variant() {
        let l = line();
        let variants = [
            l.replace("\"team\":\"t\",", "")
                .replace("\"v\":1}", "\"v\":1,\"team\":\"t\"}"), // order
            l.replace("\"team\":\"t\"", "\"team\":null"),
            l.replace("\"team\":\"t\"", "\"team\":\"t\",\"team\":\"t\""),
            l.replace("\"team\":\"t\"", "\"teams\":\"t\""),
            l.replace("10.1.2.3", "010.1.2.3"),
            l.replace("\"EUR\"", "\"eur\""),
            l.replace(
                "{\"count\":2,\"kind\":\"email\"},{\"count\":1,\"kind\":\"phone\"}",
                "{\"count\":1,\"kind\":\"phone\"},{\"count\":2,\"kind\":\"email\"}",
            ),
            l.replace("\"seq\":0", "\"seq\":0.0"),
            l.replace("\"seq\":0", "\"seq\":-0"),
            l.replace(",\"v\":1}", ",\"v\":1} "),
            l.replace("\"t\"", "\"\\u0074\""),
        ];
        for v in variants {
            assert_ne!(v, l);
            let e = SealedRecord::parse(&v).unwrap_err();
            assert_eq!(e.unknown_version(), None, "{v}");
        }
        let v2 = l.replace(",\"v\":1}", ",\"v\":2}");
        assert_eq!(
            SealedRecord::parse(&v2).unwrap_err().unknown_version(),
            Some(2)
        );
        let v2_new_field = l.replace(",\"v\":1}", ",\"v\":2,\"zz\":[1.5]}");
        assert!(SealedRecord::parse(&v2_new_field).is_err());
    }

    #[test]
    fn control_characters_are_refused_c0_del_and_c1() {
        for bad in ["a\u{0}b", "a\u{1f}", "x\u{7f}", "x\u{85}y", "\u{9f}"] {
            let r = Record::builder(EventType::RequestCompleted, "id", 0)
                .team(bad)
                .build();
            assert_eq!(r.unwrap_err().field(), "team", "{bad:?}");
        }
        for ok in ["\u{a0}", "é", "Ä\u{c2}", "😂"] {
            let r = Record::builder(EventType::RequestCompleted, "id", 0)
                .team(ok)
                .build();
            assert!(r.is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn errors_never_quote_input() {
        let secret = "sk-live-verysecretvalue";
        let l = line().replace("\"t\"", &format!("\"{secret}\n\""));
        let e = SealedRecord::parse(&l).unwrap_err();
        assert!(!e.to_string().contains("verysecret") && !format!("{e:?}").contains("verysecret"));
    }
}

/// The scan part of an audit record, from the [`Summary`](crate::policy::Summary) that
/// [`Policy::apply`](crate::policy::Policy::apply) returns: kinds with their counts, the action
/// names (`redact`, `mask`, `hash`, `pseudonymize`, `block`, `warn`, `allow`) and the blocked
/// flag. Like the summary, it holds no matched value.
impl From<&crate::policy::Summary> for ScanSummary {
    fn from(s: &crate::policy::Summary) -> ScanSummary {
        use crate::policy::Action;
        let mut counts: Vec<(Kind, u32)> = Vec::new();
        for a in &s.actions {
            let n = u32::try_from(a.count).unwrap_or(u32::MAX);
            counts.push((a.kind, n));
        }
        let actions = s.actions.iter().map(|a| match a.action {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Redact => "redact",
            Action::Mask { .. } => "mask",
            Action::Hash => "hash",
            Action::Pseudonymize => "pseudonymize",
            Action::Block => "block",
        });
        ScanSummary::from_counts(&counts)
            .actions(actions)
            .blocked(s.blocked)
    }
}

#[cfg(test)]
mod from_policy_tests {
    use super::*;
    use crate::policy::Policy;
    use crate::Scanner;

    #[test]
    fn policy_summary_converts_without_values() {
        let text = "mail jane@example.org and bob@example.org, card 4111 1111 1111 1111";
        let out = Policy::default().apply_without_vault(&Scanner::builtin(), text);
        let scan = ScanSummary::from(out.summary());
        assert!(scan.is_blocked());
        assert_eq!(
            scan.kinds(),
            [("credit_card".to_string(), 1), ("email".to_string(), 2)]
        );
        assert_eq!(scan.action_ids(), ["block", "redact"]);
        let dbg = format!("{scan:?}");
        assert!(!dbg.contains("jane") && !dbg.contains("4111"));
    }
}
