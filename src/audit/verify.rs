//! The streaming verifier: a push-style state machine in constant memory.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use hmac::Hmac;
use sha2::Sha256;

use super::canon::ObjWriter;
use super::chain::{chain_hash, digest_eq, event_hash, genesis, Checkpoint, MacKey};
use super::record::{parse_line_into, EventType, RecordMac, SealedRecord};
use super::AuditError;

/// How far back (in sequence numbers) duplicates are compared by content.
const RECENT: usize = 1024;
/// Most pending gaps held at once; older ones are reported as deletions.
const MAX_GAPS: usize = 64;
/// A gap this far behind the newest record can no longer be a reordering.
const REORDER_WINDOW: u64 = 4096;
/// Older epoch keys kept for records that arrive out of order.
const KEY_CACHE: usize = 8;
/// Most key evolutions tried for one record.
const MAX_EPOCH_STEP: u64 = 4096;

/// What kind of problem the verifier found. Ids (`as_str`) are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemKind {
    /// `malformed`: the line is not a canonical record (invalid JSON, not UTF-8, non-canonical
    /// bytes, unknown fields, out-of-range values).
    Malformed,
    /// `unknown_version`: the record declares a schema version this verifier does not know.
    UnknownVersion,
    /// `modified`: the content does not match its own event hash, or the chain hash does not
    /// match `prev`, `seq` and the event hash.
    Modified,
    /// `bad_mac`: keyed mode, the MAC is missing, wrong, or at an impossible epoch.
    BadMac,
    /// `chain_broken`: a self-consistent record whose `prev` does not link to its predecessor
    /// (a record replaced with recomputed hashes, or a rewritten chain).
    ChainBroken,
    /// `deleted`: sequence numbers `seq..=to_seq` never arrived.
    Deleted,
    /// `reordered`: a record arrived after records that follow it.
    Reordered,
    /// `duplicate`: a record that was already seen (same sequence number, same chain hash, or
    /// a reused sequence number beyond the comparison window).
    Duplicate,
    /// `inserted`: a record that does not belong: another record with the same sequence
    /// number was seen, or it comes from another log.
    Inserted,
    /// `checkpoint_mismatch`: the chain head at a trusted checkpoint's size differs from it (or
    /// two trusted checkpoints disagree).
    CheckpointMismatch,
    /// `truncated`: a trusted checkpoint covers `seq..=to_seq`, which never arrived.
    Truncated,
    /// `tail_unprotected`: records `seq..=to_seq` come after the last trusted checkpoint and the
    /// log was not closed by `log.stopped`, so cutting them would not be detectable.
    TailUnprotected,
    /// `timestamp_regression`: a warning; the host clock went backwards between consecutive
    /// records (chain order is append order, not time order).
    TimestampRegression,
    /// `empty`: no records at all and no checkpoint to compare with.
    Empty,
}

impl ProblemKind {
    /// The stable snake_case id.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Malformed => "malformed",
            ProblemKind::UnknownVersion => "unknown_version",
            ProblemKind::Modified => "modified",
            ProblemKind::BadMac => "bad_mac",
            ProblemKind::ChainBroken => "chain_broken",
            ProblemKind::Deleted => "deleted",
            ProblemKind::Reordered => "reordered",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Inserted => "inserted",
            ProblemKind::CheckpointMismatch => "checkpoint_mismatch",
            ProblemKind::Truncated => "truncated",
            ProblemKind::TailUnprotected => "tail_unprotected",
            ProblemKind::TimestampRegression => "timestamp_regression",
            ProblemKind::Empty => "empty",
        }
    }

    /// True for kinds that are warnings rather than evidence of tampering.
    pub fn is_warning(self) -> bool {
        matches!(self, ProblemKind::TimestampRegression)
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, located by input line (1-based; `None` = at the end of the input) and, where
/// known, by sequence number or range. Never quotes record content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    kind: ProblemKind,
    line: Option<u64>,
    seq: Option<u64>,
    to_seq: Option<u64>,
    detail: &'static str,
}

impl Problem {
    /// The kind.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }
    /// The input line (1-based) where it was found; `None` for end-of-input findings.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
    /// The sequence number concerned, or the first of a range.
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }
    /// The last sequence number of a range (`deleted`, `truncated`, `tail_unprotected`).
    pub fn to_seq(&self) -> Option<u64> {
        self.to_seq
    }
    /// A fixed explanatory phrase.
    pub fn detail(&self) -> &'static str {
        self.detail
    }

    /// One canonical JSON line for SIEM ingestion:
    /// `{"detail":…,"kind":…,"line":…,"seq":…,"to_seq":…}` (absent fields omitted).
    pub fn to_json_line(&self) -> String {
        let mut s = String::with_capacity(128);
        ObjWriter::new(&mut s)
            .str("detail", self.detail)
            .str("kind", self.kind.as_str())
            .opt_uint("line", self.line)
            .opt_uint("seq", self.seq)
            .opt_uint("to_seq", self.to_seq)
            .end();
        s
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.kind)?,
            None => write!(f, "end of input: {}", self.kind)?,
        }
        match (self.seq, self.to_seq) {
            (Some(a), Some(b)) if a != b => write!(f, " seq {a}..={b}")?,
            (Some(a), _) => write!(f, " seq {a}")?,
            _ => {}
        }
        write!(f, " ({})", self.detail)
    }
}

/// The verifier's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    problems: Vec<Problem>,
    lines: u64,
    records: u64,
    next_seq: u64,
    closed: bool,
    anchored: u64,
}

impl Report {
    /// True when nothing, not even a warning, was found.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
    /// Every problem not already taken with [`Verifier::take_problems`], sorted by line
    /// (end-of-input findings last).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
    /// The problems, by value.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
    /// Lines (or records) pushed.
    pub fn lines(&self) -> u64 {
        self.lines
    }
    /// Records whose content, event hash and chain hash agreed.
    pub fn consistent_records(&self) -> u64 {
        self.records
    }
    /// One past the last sequence number reached in order.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
    /// True when the last in-order record was `log.stopped`.
    pub fn closed(&self) -> bool {
        self.closed
    }
    /// The largest trusted checkpoint size (0 without checkpoints).
    pub fn anchored_size(&self) -> u64 {
        self.anchored
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    /// Expect the genesis hash of the log (resolved once the log id is known).
    Genesis,
    Hash([u8; 32]),
    Unknown,
}

#[derive(Clone, Debug)]
struct Gap {
    from: u64,
    to: u64,
    line: u64,
    /// Chain hash of record `from - 1`, if known.
    before: Link,
    /// `prev` of record `to + 1` (= chain hash record `to` must have), if known.
    after: Option<[u8; 32]>,
}

/// Lines that could not be read as records; each is assumed to stand for one record until the
/// next readable record says otherwise.
#[derive(Clone, Debug)]
struct Pending {
    base: u64,
    count: u64,
    link_before: Link,
}

#[derive(Clone, Debug)]
struct Keys {
    cur: MacKey,
    /// `cur`'s HMAC state, prepared once per epoch. The verifier holds the root key anyway, so
    /// keeping this key-equivalent state costs it no forward security.
    cur_state: Hmac<Sha256>,
    cur_seq: Option<u64>,
    older: VecDeque<MacKey>,
    last_in_order_epoch: u32,
}

impl Keys {
    fn check(
        &mut self,
        seq: u64,
        mac: Option<&RecordMac>,
        ch: &[u8; 32],
        in_order: bool,
    ) -> Result<(), &'static str> {
        let Some(m) = mac else {
            return Err("record has no MAC but the log is keyed");
        };
        if in_order && m.epoch < self.last_in_order_epoch {
            return Err("MAC epoch went backwards");
        }
        let ok = if m.epoch == self.cur.epoch() {
            MacKey::check_prepared(&self.cur_state, ch, &m.tag)
        } else if m.epoch < self.cur.epoch() {
            match self.older.iter().find(|k| k.epoch() == m.epoch) {
                Some(k) => k.check(ch, &m.tag),
                None => return Err("MAC epoch is older than the verifier's key window"),
            }
        } else {
            let step = u64::from(m.epoch - self.cur.epoch());
            let allowed = match self.cur_seq {
                // One evolution per record, plus one of slack for a writer that evolved,
                // persisted and resumed before sealing again.
                Some(cs) => seq.saturating_sub(cs).saturating_add(1),
                None => seq.saturating_add(1),
            }
            .min(MAX_EPOCH_STEP);
            if step > allowed {
                return Err("MAC epoch advanced faster than the writer may evolve its key");
            }
            let mut k = self.cur.clone();
            let mut passed = VecDeque::with_capacity(KEY_CACHE);
            while k.epoch() < m.epoch {
                if passed.len() == KEY_CACHE {
                    passed.pop_front();
                }
                passed.push_back(k.clone());
                k.evolve();
            }
            if !k.check(ch, &m.tag) {
                return Err("MAC does not verify");
            }
            // `older` holds the newest epochs first.
            for p in passed {
                self.older.push_front(p);
            }
            self.older.truncate(KEY_CACHE);
            self.cur_state = k.prepared();
            self.cur = k;
            self.cur_seq = Some(seq);
            true
        };
        if !ok {
            return Err("MAC does not verify");
        }
        if in_order {
            self.last_in_order_epoch = m.epoch;
            if m.epoch == self.cur.epoch() {
                self.cur_seq = Some(self.cur_seq.map_or(seq, |c| c.max(seq)));
            }
        }
        Ok(())
    }
}

/// Verifies a log read in any number of pieces, in constant memory.
///
/// Push lines ([`Verifier::push_line`], [`Verifier::push_line_bytes`]) or parsed records
/// ([`Verifier::push`]) in stored order, then call [`Verifier::finish`]. Every problem is
/// reported with its kind and position; the verifier never stops at the first one, and after a
/// damaged line it resynchronises on the next readable record. Memory stays bounded whatever
/// the log length (a window of 1,024 recent chain hashes, at most 64 pending gaps, 8 older
/// epoch keys), except for the problems themselves: take them as you go with
/// [`Verifier::take_problems`] to keep that bounded too.
#[derive(Clone, Debug)]
pub struct Verifier {
    keys: Option<Keys>,
    log_id: Option<String>,
    checkpoints: BTreeMap<u64, [u8; 32]>,
    resumed: Option<u64>,
    lines: u64,
    records: u64,
    expected: u64,
    link: Link,
    pending: Option<Pending>,
    gaps: VecDeque<Gap>,
    recent: Vec<Option<(u64, [u8; 32])>>,
    last_ts: Option<i64>,
    closed: bool,
    problems: Vec<Problem>,
    buf: String,
    scratch: SealedRecord,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    /// An unkeyed verifier for a log that starts at `seq` 0. The log id is taken from the first
    /// consistent record unless set with [`Verifier::expect_log_id`].
    pub fn new() -> Verifier {
        Verifier {
            keys: None,
            log_id: None,
            checkpoints: BTreeMap::new(),
            resumed: None,
            lines: 0,
            records: 0,
            expected: 0,
            link: Link::Genesis,
            pending: None,
            gaps: VecDeque::new(),
            recent: vec![None; RECENT],
            last_ts: None,
            closed: false,
            problems: Vec::new(),
            buf: String::with_capacity(512),
            scratch: SealedRecord::empty(),
        }
    }

    /// A verifier for a keyed log: every record must carry a valid MAC. `key` is the writer's
    /// epoch-0 key (or a later epoch's key, derived offline, when resuming).
    pub fn with_key(key: MacKey) -> Verifier {
        let mut v = Verifier::new();
        v.keys = Some(Keys {
            last_in_order_epoch: key.epoch(),
            cur_state: key.prepared(),
            cur: key,
            cur_seq: None,
            older: VecDeque::new(),
        });
        v
    }

    /// Only records of this log are accepted; others are reported as `inserted`.
    pub fn expect_log_id(mut self, log_id: &str) -> Verifier {
        self.log_id = Some(log_id.to_string());
        self
    }

    /// Starts from a trusted checkpoint instead of the genesis (e.g. after retention pruned the
    /// records before it): the first record expected is `checkpoint.size()`, linking to its
    /// head. Call before pushing anything.
    pub fn resume_from(mut self, checkpoint: &Checkpoint) -> Verifier {
        self.log_id = Some(checkpoint.log_id().to_string());
        self.expected = checkpoint.size();
        self.link = if checkpoint.size() == 0 {
            Link::Genesis
        } else {
            Link::Hash(*checkpoint.head())
        };
        self.resumed = Some(checkpoint.size());
        self.checkpoints
            .insert(checkpoint.size(), *checkpoint.head());
        if let Some(k) = &mut self.keys {
            k.cur_seq = checkpoint.size().checked_sub(1);
        }
        self
    }

    /// Adds a checkpoint the host trusts (its signature already checked, e.g. with
    /// [`SignedCheckpoint::verify`](super::SignedCheckpoint::verify)). Records up to its size
    /// must be present and end at its head. Add checkpoints before pushing the records they
    /// cover.
    pub fn add_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), AuditError> {
        match &self.log_id {
            Some(l) if l != checkpoint.log_id() => {
                return Err(AuditError::new(
                    "checkpoint",
                    "checkpoint belongs to another log",
                ))
            }
            Some(_) => {}
            None => self.log_id = Some(checkpoint.log_id().to_string()),
        }
        if checkpoint.size() == 0 {
            if !digest_eq(checkpoint.head(), &genesis(checkpoint.log_id())) {
                self.report(
                    ProblemKind::CheckpointMismatch,
                    None,
                    Some(0),
                    None,
                    "size-0 checkpoint is not the genesis hash",
                );
            }
            return Ok(());
        }
        match self.checkpoints.get(&checkpoint.size()) {
            Some(h) if !digest_eq(h, checkpoint.head()) => {
                self.report(
                    ProblemKind::CheckpointMismatch,
                    None,
                    Some(checkpoint.size() - 1),
                    None,
                    "two trusted checkpoints disagree (fork)",
                );
            }
            Some(_) => {}
            None => {
                self.checkpoints
                    .insert(checkpoint.size(), *checkpoint.head());
            }
        }
        Ok(())
    }

    /// Pushes one line (without its newline).
    pub fn push_line(&mut self, line: &str) {
        self.lines += 1;
        // One scratch record is reused line after line (its buffers too); `empty` allocates
        // nothing.
        let mut rec = std::mem::replace(&mut self.scratch, SealedRecord::empty());
        match parse_line_into(line, &mut rec) {
            Ok(eh) => self.check(&rec, Some(eh)),
            Err(e) => match e.unknown_version() {
                Some(_) => self.unreadable(
                    ProblemKind::UnknownVersion,
                    "record schema version not supported",
                ),
                None => self.unreadable(ProblemKind::Malformed, e.reason()),
            },
        }
        self.scratch = rec;
    }

    /// Pushes one line of raw bytes (without its newline); invalid UTF-8 is `malformed`.
    pub fn push_line_bytes(&mut self, line: &[u8]) {
        match std::str::from_utf8(line) {
            Ok(s) => self.push_line(s),
            Err(_) => {
                self.lines += 1;
                self.unreadable(ProblemKind::Malformed, "line is not UTF-8");
            }
        }
    }

    /// Pushes an already parsed record (counts as one line).
    pub fn push(&mut self, record: &SealedRecord) {
        self.lines += 1;
        self.check(record, None);
    }

    /// Removes and returns the problems found so far (for streaming hosts).
    pub fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    /// Problems found so far, not yet taken.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Ends the input: reports pending deletions, truncation against the checkpoints and an
    /// unprotected tail.
    pub fn finish(mut self) -> Report {
        while let Some(g) = self.gaps.pop_front() {
            self.report_gap(g);
        }
        let anchored = self
            .checkpoints
            .keys()
            .next_back()
            .copied()
            .unwrap_or(0)
            .max(self.resumed.unwrap_or(0));
        let found = self.expected;
        if self.lines == 0 && self.checkpoints.is_empty() && self.resumed.is_none() {
            self.report(
                ProblemKind::Empty,
                None,
                None,
                None,
                "no records and no checkpoint",
            );
        } else if anchored > found {
            self.report(
                ProblemKind::Truncated,
                None,
                Some(found),
                Some(anchored - 1),
                "a trusted checkpoint covers records that are missing at the end",
            );
        } else if !self.closed && found > anchored {
            self.report(
                ProblemKind::TailUnprotected,
                None,
                Some(anchored),
                Some(found - 1),
                "records after the last trusted checkpoint, log not closed: a cut here is undetectable",
            );
        }
        // Stable: same-line problems keep their discovery order.
        self.problems.sort_by_key(|p| p.line.unwrap_or(u64::MAX));
        Report {
            problems: self.problems,
            lines: self.lines,
            records: self.records,
            next_seq: self.expected,
            closed: self.closed,
            anchored,
        }
    }

    fn report(
        &mut self,
        kind: ProblemKind,
        line: Option<u64>,
        seq: Option<u64>,
        to_seq: Option<u64>,
        detail: &'static str,
    ) {
        self.problems.push(Problem {
            kind,
            line,
            seq,
            to_seq,
            detail,
        });
    }

    fn here(&mut self, kind: ProblemKind, seq: Option<u64>, detail: &'static str) {
        let line = Some(self.lines);
        self.report(kind, line, seq, None, detail);
    }

    fn report_gap(&mut self, g: Gap) {
        self.report(
            ProblemKind::Deleted,
            Some(g.line),
            Some(g.from),
            Some(g.to),
            "records missing before this line",
        );
    }

    fn resolve(&self, link: Link, log_id: &str) -> Option<[u8; 32]> {
        match link {
            Link::Genesis => Some(genesis(log_id)),
            Link::Hash(h) => Some(h),
            Link::Unknown => None,
        }
    }

    /// A line that stands for a record we cannot trust: it occupies the next position.
    fn unreadable(&mut self, kind: ProblemKind, detail: &'static str) {
        self.here(kind, None, detail);
        match &mut self.pending {
            Some(p) => p.count = p.count.saturating_add(1),
            None => {
                self.pending = Some(Pending {
                    base: self.expected,
                    count: 1,
                    link_before: self.link,
                })
            }
        }
        self.expected = self.expected.saturating_add(1);
        self.link = Link::Unknown;
        self.closed = false;
    }

    fn check(&mut self, rec: &SealedRecord, line_hash: Option<[u8; 32]>) {
        // 1. Self-consistency: content ↔ event hash ↔ chain hash.
        let eh = match line_hash {
            Some(h) => h,
            None => {
                self.buf.clear();
                rec.write_event_preimage(&mut self.buf);
                event_hash(self.buf.as_bytes())
            }
        };
        if !digest_eq(&eh, rec.event_hash()) {
            return self.unreadable(
                ProblemKind::Modified,
                "content does not match its event hash",
            );
        }
        let ch = chain_hash(rec.prev(), rec.seq(), &eh);
        if !digest_eq(&ch, rec.chain_hash()) {
            return self.unreadable(
                ProblemKind::Modified,
                "chain hash does not match prev, seq and event hash",
            );
        }
        self.records += 1;
        // 2. The right log.
        match &self.log_id {
            None => self.log_id = Some(rec.log_id().to_string()),
            Some(l) if l != rec.log_id() => {
                return self.here(
                    ProblemKind::Inserted,
                    Some(rec.seq()),
                    "record belongs to another log",
                );
            }
            Some(_) => {}
        }
        // 3. Sequencing.
        let s = rec.seq();
        let mut link = self.link;
        if let Some(p) = self.pending.take() {
            let end = p.base.saturating_add(p.count);
            if s >= p.base && s < end {
                // Some unreadable lines were extra lines, not replaced records.
                self.expected = s;
                link = if s == p.base {
                    p.link_before
                } else {
                    Link::Unknown
                };
            }
        }
        if s == self.expected {
            self.in_order(rec, link);
        } else if s > self.expected {
            let log_id = rec.log_id();
            let before = match self.resolve(link, log_id) {
                Some(h) => Link::Hash(h),
                None => Link::Unknown,
            };
            self.gaps.push_back(Gap {
                from: self.expected,
                to: s - 1,
                line: self.lines,
                before,
                after: Some(*rec.prev()),
            });
            if self.gaps.len() > MAX_GAPS {
                if let Some(g) = self.gaps.pop_front() {
                    self.report_gap(g);
                }
            }
            self.in_order(rec, Link::Unknown);
        } else {
            self.out_of_order(rec);
        }
    }

    fn check_mac(&mut self, rec: &SealedRecord, in_order: bool) {
        if let Some(k) = &mut self.keys {
            if let Err(detail) = k.check(rec.seq(), rec.mac(), rec.chain_hash(), in_order) {
                self.here(ProblemKind::BadMac, Some(rec.seq()), detail);
            }
        }
    }

    fn check_checkpoint(&mut self, rec: &SealedRecord) {
        if let Some(h) = self.checkpoints.get(&(rec.seq() + 1)) {
            if !digest_eq(h, rec.chain_hash()) {
                self.here(
                    ProblemKind::CheckpointMismatch,
                    Some(rec.seq()),
                    "chain head differs from the trusted checkpoint (history rewritten)",
                );
            }
        }
    }

    fn in_order(&mut self, rec: &SealedRecord, link: Link) {
        let s = rec.seq();
        if let Some(h) = self.resolve(link, rec.log_id()) {
            if !digest_eq(&h, rec.prev()) {
                self.here(
                    ProblemKind::ChainBroken,
                    Some(s),
                    "prev does not link to the previous record (record replaced or chain rewritten)",
                );
            }
        }
        self.check_mac(rec, true);
        let ts = rec.record().ts_ms();
        if self.last_ts.is_some_and(|t| ts < t) {
            self.here(
                ProblemKind::TimestampRegression,
                Some(s),
                "host clock went backwards",
            );
        }
        self.last_ts = Some(ts);
        self.check_checkpoint(rec);
        if let Some(slot) = self.recent.get_mut((s % RECENT as u64) as usize) {
            *slot = Some((s, *rec.chain_hash()));
        }
        self.link = Link::Hash(*rec.chain_hash());
        self.expected = s + 1;
        self.closed = *rec.record().event() == EventType::LogStopped;
        while let Some(g) = self.gaps.front() {
            if g.to.saturating_add(REORDER_WINDOW) >= self.expected {
                break;
            }
            if let Some(g) = self.gaps.pop_front() {
                self.report_gap(g);
            }
        }
    }

    fn out_of_order(&mut self, rec: &SealedRecord) {
        let s = rec.seq();
        if let Some(i) = self.gaps.iter().position(|g| g.from <= s && s <= g.to) {
            self.here(
                ProblemKind::Reordered,
                Some(s),
                "record arrived after records that follow it",
            );
            let Some(g) = self.gaps.get(i).cloned() else {
                return;
            };
            let mut linked = true;
            if s == g.from {
                if let Some(h) = self.resolve(g.before, rec.log_id()) {
                    linked &= digest_eq(&h, rec.prev());
                }
            }
            if s == g.to {
                if let Some(a) = g.after {
                    linked &= digest_eq(&a, rec.chain_hash());
                }
            }
            if !linked {
                self.here(
                    ProblemKind::ChainBroken,
                    Some(s),
                    "moved record does not link to its neighbours",
                );
            }
            let ch = Link::Hash(*rec.chain_hash());
            let left = (s > g.from).then(|| Gap {
                to: s - 1,
                after: Some(*rec.prev()),
                ..g.clone()
            });
            let right = (s < g.to).then(|| Gap {
                from: s + 1,
                before: ch,
                ..g.clone()
            });
            self.gaps.remove(i);
            if let Some(r) = right {
                self.gaps.insert(i, r);
            }
            if let Some(l) = left {
                self.gaps.insert(i, l);
            }
            if self.gaps.len() > MAX_GAPS {
                if let Some(g) = self.gaps.pop_front() {
                    self.report_gap(g);
                }
            }
            self.check_mac(rec, false);
            self.check_checkpoint(rec);
            return;
        }
        match self
            .recent
            .get((s % RECENT as u64) as usize)
            .copied()
            .flatten()
        {
            Some((seen, h)) if seen == s && digest_eq(&h, rec.chain_hash()) => self.here(
                ProblemKind::Duplicate,
                Some(s),
                "the same record appears again",
            ),
            Some((seen, _)) if seen == s => self.here(
                ProblemKind::Inserted,
                Some(s),
                "a different record reuses an already used sequence number",
            ),
            _ => self.here(
                ProblemKind::Duplicate,
                Some(s),
                "sequence number already used (too far back to compare content)",
            ),
        }
        self.check_mac(rec, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Chain, Record};

    fn log(n: u64) -> Vec<String> {
        let mut c = Chain::new("t").unwrap();
        (0..n)
            .map(|i| {
                let ev = if i + 1 == n {
                    EventType::LogStopped
                } else {
                    EventType::LogHeartbeat
                };
                c.seal(Record::builder(ev, "x", i as i64).build().unwrap())
                    .unwrap()
                    .to_line()
            })
            .collect()
    }

    fn run(lines: &[&String]) -> Vec<(ProblemKind, Option<u64>, Option<u64>)> {
        let mut v = Verifier::new();
        lines.iter().for_each(|l| v.push_line(l));
        v.finish()
            .into_problems()
            .iter()
            .map(|p| (p.kind(), p.line(), p.seq()))
            .collect()
    }

    #[test]
    fn rotation_of_three_fills_a_split_gap() {
        let l = log(6);
        // 0, 3, 1, 2, 4, 5: record 3 moved up; 1 and 2 arrive late.
        let p = run(&[&l[0], &l[3], &l[1], &l[2], &l[4], &l[5]]);
        assert_eq!(
            p,
            vec![
                (ProblemKind::Reordered, Some(3), Some(1)),
                (ProblemKind::Reordered, Some(4), Some(2))
            ]
        );
        // 0, 4, 2, 5: record 2 fills the middle of the gap 1..=3, which splits.
        let p = run(&[&l[0], &l[4], &l[2], &l[5]]);
        assert_eq!(
            p,
            vec![
                (ProblemKind::Deleted, Some(2), Some(1)),
                (ProblemKind::Deleted, Some(2), Some(3)),
                (ProblemKind::Reordered, Some(3), Some(2)),
            ]
        );
    }

    #[test]
    fn garbage_lines_are_extra_or_replacements() {
        let l = log(4);
        let junk = String::from("{}");
        // Inserted junk: only the junk is reported; the chain links across it.
        assert_eq!(
            run(&[&l[0], &junk, &l[1], &l[2], &l[3]]),
            vec![(ProblemKind::Malformed, Some(2), None)]
        );
        // Replaced record: only the replacement is reported.
        assert_eq!(
            run(&[&l[0], &junk, &l[2], &l[3]]),
            vec![(ProblemKind::Malformed, Some(2), None)]
        );
        // Two junk lines replacing one record.
        assert_eq!(
            run(&[&l[0], &junk, &junk, &l[2], &l[3]]),
            vec![
                (ProblemKind::Malformed, Some(2), None),
                (ProblemKind::Malformed, Some(3), None)
            ]
        );
    }

    #[test]
    fn problem_json_is_canonical() {
        let p = Problem {
            kind: ProblemKind::Deleted,
            line: Some(3),
            seq: Some(1),
            to_seq: Some(2),
            detail: "x",
        };
        assert_eq!(
            p.to_json_line(),
            r#"{"detail":"x","kind":"deleted","line":3,"seq":1,"to_seq":2}"#
        );
        assert_eq!(p.to_string(), "line 3: deleted seq 1..=2 (x)");
    }
}
