//! Tamper-evident audit records: a record builder, canonical bytes, a hash chain with an
//! optional forward-secure MAC, signed checkpoints, and a streaming verifier.
//!
//! SOC 2 and HIPAA want every gateway interaction recorded, immutable and verifiable, without
//! the prompt itself. This module builds the records and the chain; the host writes the lines
//! wherever it likes (files, a SIEM, object storage) and keeps checkpoints somewhere the writer
//! cannot rewrite. Nothing here does I/O, reads a clock or draws randomness: the host passes
//! ids and timestamps in.
//!
//! # Example
//!
//! ```
//! use lastgate::audit::{Chain, EventType, MacKey, Record, ScanSummary, Verifier, ProblemKind};
//! use lastgate::Kind;
//!
//! let root = [7u8; 32]; // the host's secret epoch-0 key
//! let mut chain = Chain::keyed("gw-prod/eu-1/node-3", MacKey::new(root))?;
//! let mut lines = Vec::new();
//! for (i, event) in [EventType::LogStarted, EventType::RequestCompleted, EventType::LogStopped]
//!     .into_iter()
//!     .enumerate()
//! {
//!     let rec = Record::builder(event, &format!("01J{i}"), 1_700_000_000_000 + i as i64)
//!         .team("payments")
//!         .model("gpt-4o")
//!         .tokens_in(812)
//!         .cost(1_250, "USD") // 0.00125 USD as integer micro-units
//!         .scan(ScanSummary::from_counts(&[(Kind::EMAIL, 2)]).actions(["pseudonymize"]))
//!         .build()?;
//!     lines.push(chain.seal(rec)?.to_line());
//! }
//!
//! // Anyone holding the root key verifies, in constant memory.
//! let mut v = Verifier::with_key(MacKey::new(root));
//! for l in &lines {
//!     v.push_line(l);
//! }
//! assert!(v.finish().is_clean());
//!
//! // Drop the middle record: reported as a deletion, by position.
//! let mut v = Verifier::with_key(MacKey::new(root));
//! v.push_line(&lines[0]);
//! v.push_line(&lines[2]);
//! let report = v.finish();
//! assert_eq!(report.problems()[0].kind(), ProblemKind::Deleted);
//! assert_eq!(report.problems()[0].seq(), Some(1));
//! # Ok::<(), lastgate::audit::AuditError>(())
//! ```
//!
//! A writer that only stores lines can call [`Chain::append`] instead of
//! [`Chain::seal`]`(…)`[`.to_line()`](SealedRecord::to_line): it encodes the record once and
//! splices the chain fields into the hashed bytes.
//!
//! # The record
//!
//! One JSON object per line with: `v` (schema version, 1), `log_id` (one per writer), `seq`
//! (0, 1, 2, …), `id` (host audit id), `ts_ms` (host clock, Unix ms), `event`
//! (`request.completed`, `request.blocked`, `request.failed`, `request.rate_limited`,
//! `key.created`, `key.rotated`, `key.revoked`, `policy.loaded`, `log.started`,
//! `log.heartbeat`, `log.stopped`, or a host `x-…` id), and optionally `team`, `user`, `app`,
//! `key_id` (the public key id, never key material), `source_ip` (IPv4-mapped IPv6 stored as
//! IPv4), `model`, `provider`, `tokens_in`, `tokens_out`, `cost_micros` + `currency`,
//! `latency_ms`, `status`, `scan` (kind ids with counts, actions, blocked — never values),
//! `residency` (policy hash and rule ids) and `prompt_hmac` (a keyed tag, see [`PromptKey`]).
//! The chain adds `prev`, `event_hash`, `chain_hash` and, in keyed mode, `mac`.
//!
//! # Canonical bytes
//!
//! The hashed bytes are a strict subset of RFC 8785 (JCS): ASCII keys sorted bytewise, no
//! whitespace, integers only (|n| ≤ 2^53 − 1, so no floats and no `-0`), no duplicate keys,
//! strings escaped exactly as JCS does. Any JCS implementation — or Python's
//! `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` — reproduces
//! them; `serde_json` output is never what gets hashed. A stored line is itself canonical, and
//! the parser accepts nothing else.
//!
//! # Hashes
//!
//! ```text
//! event_hash = SHA-256("lastgate/audit/v1/event\0"   ‖ canon(record without prev, event_hash, chain_hash, mac))
//! genesis    = SHA-256("lastgate/audit/v1/genesis\0" ‖ log_id)                      // prev of seq 0
//! chain_hash = SHA-256("lastgate/audit/v1/chain\0"   ‖ prev ‖ be64(seq) ‖ event_hash)
//! mac        = HMAC-SHA-256(K_e, "lastgate/audit/v1/mac\0" ‖ chain_hash)           // keyed mode
//! K_{e+1}    = HMAC-SHA-256(K_e, "lastgate/audit/v1/evolve\0" ‖ be32(e+1))         // K_e erased
//! ```
//!
//! # Verifier
//!
//! [`Verifier`] is a push-style state machine: feed lines (or parsed records) in stored order,
//! then [`Verifier::finish`]. It reports every problem with a [`ProblemKind`] and its line:
//! `malformed`, `unknown_version`, `modified`, `bad_mac`, `chain_broken`, `deleted`,
//! `reordered`, `duplicate`, `inserted`, `checkpoint_mismatch`, `truncated`,
//! `tail_unprotected`, `timestamp_regression` (a warning) and `empty`. It never stops at the
//! first problem; after a damaged line it resynchronises on the next readable record, so one
//! flipped byte yields one report at that line. [`Problem::to_json_line`] gives JSON Lines for
//! SIEM ingestion.
//!
//! # Guarantees and limits
//!
//! - Any change to a stored line is reported (hash, MAC or syntax), at that line.
//! - Deletions, duplicates, insertions and reorderings in the middle are classified from the
//!   sequence numbers, checked against the chain links.
//! - **A hash chain alone cannot detect a recomputed suffix or a cut tail.** Keyed mode stops
//!   anyone without the key from recomputing; forward-secure evolution keeps earlier epochs
//!   safe if the writer is compromised later. Tail cuts are detected only against a trusted
//!   [`Checkpoint`] (signed through [`CheckpointSigner`], stored out of the writer's reach) or a
//!   closing `log.stopped` record; anything after the last checkpoint of an open log is
//!   reported as `tail_unprotected` rather than silently passed.
//! - Emit checkpoints every N records **and** every T seconds, with `log.heartbeat` records
//!   when idle, so the unprotected window stays short.
//! - Keyed mode: the writer may evolve its key at most once between two records
//!   ([`Chain::evolve_key`] enforces it), which bounds the verifier's key derivations.
//! - Constant memory: a 1,024-entry window of recent chain hashes for duplicate comparison, at
//!   most 64 pending gaps (a reordering must close within 4,096 records, else it is reported
//!   as a deletion), 8 older epoch keys.
//!
//! # Security notes
//!
//! - Records never hold prompt text, key material or scanned values. `prompt_hmac` is
//!   HMAC-SHA-256 under a per-tenant [`PromptKey`] (never a plain hash, which a dictionary
//!   would reverse); destroying the key crypto-shreds the tags.
//! - `Debug` of [`MacKey`], [`PromptKey`] and [`HmacCheckpointKey`] never prints key bytes;
//!   problems and parse errors never quote record content.
//! - One writer per `log_id`: several writers appending to one chain fork it.
//! - After a crash, persist the [`ChainState`] atomically with each line, or rebuild it from
//!   the last verified record with [`ChainState::after`].

mod canon;
mod chain;
mod hex;
mod record;
mod verify;

use std::fmt;

pub use chain::{
    chain_hash, event_hash, genesis, Chain, ChainState, Checkpoint, CheckpointSigner,
    CheckpointVerifier, HmacCheckpointKey, MacKey, SignedCheckpoint,
};
pub use record::{
    EventType, PromptHmac, PromptKey, Record, RecordBuilder, RecordMac, RecordParseError,
    ResidencyRef, ScanSummary, SealedRecord, MAX_LINE_LEN, RECORD_VERSION,
};
pub use verify::{Problem, ProblemKind, Report, Verifier};

/// Why a record, key or checkpoint was refused. Names the field, never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditError {
    field: &'static str,
    pub(crate) reason: &'static str,
}

impl AuditError {
    pub(crate) fn new(field: &'static str, reason: &'static str) -> AuditError {
        AuditError { field, reason }
    }

    /// The field concerned (`"tokens_in"`, `"log_id"`, `"checkpoint"`, …).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// A fixed phrase saying what is wrong.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid audit {}: {}", self.field, self.reason)
    }
}

impl std::error::Error for AuditError {}
