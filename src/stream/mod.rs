//! Streaming: [`StreamScrubber`] scrubs text that arrives in chunks (a request body being
//! uploaded, a prompt assembled on the fly) and [`StreamRestorer`] restores vault placeholders
//! in a model response while it streams.
//!
//! ```
//! use lastgate::policy::{Action, Policy};
//! use lastgate::pseudonymize::{Vault, VaultKey};
//! use lastgate::stream::{StreamRestorer, StreamScrubber};
//! use lastgate::Scanner;
//!
//! let scanner = Scanner::builtin();
//! let policy = Policy::builder().default(Action::Pseudonymize).build()?;
//! let mut vault = Vault::new(VaultKey::new([1; 32]));
//!
//! let text = "Please mail ann@corp.example and bob@corp.example today.";
//! let mut s = StreamScrubber::new(&scanner, &policy, Some(&mut vault));
//! let mut out = String::new();
//! for piece in ["Please mail ann@co", "rp.example and bob", "@corp.example today."] {
//!     out.push_str(&s.push(piece));
//! }
//! out.push_str(&s.finish());
//! assert_eq!(out, "Please mail [EMAIL_1] and [EMAIL_2] today.");
//!
//! // The model answers with placeholders, split anywhere; the restorer puts values back.
//! let mut r = StreamRestorer::new(&vault);
//! let mut answer = String::new();
//! for piece in ["Sent to [EMA", "IL_2", "] and [EMAIL_1", "]."] {
//!     answer.push_str(&r.push(piece));
//! }
//! answer.push_str(&r.finish());
//! assert_eq!(answer, "Sent to bob@corp.example and ann@corp.example.");
//! # Ok::<(), lastgate::policy::PolicyError>(())
//! ```
//!
//! # The guarantee
//!
//! For the built-in detectors and realistic text, the concatenation of everything
//! [`StreamScrubber::push`] and [`StreamScrubber::finish`] return is **byte-identical to
//! [`Policy::apply`] on the whole text, for every way of cutting it into chunks** (property-tested
//! over random chunkings, including cuts inside multi-byte characters' neighbours and right next
//! to findings, and fuzzed). It rests on three rules:
//!
//! 1. **Hold-back derived from the scanner.** Output is only committed up to a point at least
//!    `hold_back = max_finding_len() + 2 × context_window() + 64` bytes behind the newest input,
//!    so every finding that could touch the committed region, and the context words that score
//!    it, have fully arrived.
//! 2. **Safe cut points.** A commit point sits right after ASCII whitespace, outside every
//!    finding, and not between two digit-ish characters (digit runs may span single spaces), so
//!    no token the detectors look at is cut.
//! 3. **Look-behind.** The next scan starts `hold_back` bytes before the commit point, so
//!    detectors see the same left context as in the whole text.
//!
//! Scans run only when `step = clamp(16 × hold_back, 8 KiB, 256 KiB)` new bytes have arrived (and at
//! `finish`), so the total scanning work is about `1 + 2 × hold_back / step` times a whole-text
//! scan (at most 1.125 while the step is 16 × hold_back; about 1.26 with today's built-in
//! detectors, whose hold-back is about 33 KB because a private-key block may be 32 KiB long and
//! the step is capped at 256 KiB), and the buffer is bounded by `look_behind + hold_back + step`
//! (about 320 KB with the built-in detectors) plus the cap below.
//!
//! **Latency.** Output trails input by at most `hold_back + step` bytes (plus the rest of a
//! finding). The default step favours throughput (measured: 1.18–1.26× the whole-text time for
//! chunks of 64 B and more); for interactive streams choose a smaller step with
//! [`StreamScrubber::with_scan_step`] (e.g. 256 bytes) and pay more scanning per byte.
//!
//! # Limits (what happens past the cap)
//!
//! - The hold-back is capped at [`HOLD_BACK_CAP`] (64 KiB). A detector that declares a longer
//!   `max_len` (a huge PEM bundle) is exact only for findings within the cap.
//! - When no safe cut point exists (64 KiB of text without whitespace, or whitespace only inside
//!   findings) and more than `hold_back + step + 64 KiB` bytes are pending, the scrubber forces
//!   a cut: preferably right after punctuation (`,` `;` quotes, brackets) between non-word bytes
//!   (minified JSON stays exact this way, as a test shows), otherwise `hold_back` bytes behind
//!   the newest input, moved to the end of any finding it would split, so a finding the scanner
//!   sees is never emitted half in clear. [`StreamScrubber::forced_cuts`] counts them. Output past a forced
//!   cut may then differ from the whole-text result (a finding longer than the pending cap, such
//!   as a PEM block whose `END` line arrives more than 64 KiB later, can be missed).
//! - Host detectors are exact when their matches are no longer than their declared
//!   [`max_len`](crate::Detector::max_len) and cannot chain across whitespace (a regex such as
//!   `\w+ \w+` whose matches depend on where the previous one ended can start differently in a
//!   window than in the whole text).
//!
//! [`StreamRestorer`] is exact for every chunking: it holds back only a trailing `[` that may
//! still become an issued placeholder (at most [`Vault::max_placeholder_len`] bytes).

use std::fmt;

use crate::detect::{ceil_char_boundary, floor_char_boundary};
use crate::finding::{Finding, Span};
use crate::policy::{Acc, Applied, Policy, Summary, Verdict};
use crate::pseudonymize::Vault;
use crate::Scanner;

/// The largest hold-back a [`StreamScrubber`] uses, in bytes.
pub const HOLD_BACK_CAP: usize = 64 * 1024;

/// Extra pending bytes allowed before a forced cut (see the module docs).
const PENDING_SLACK: usize = 64 * 1024;

#[cfg(feature = "json")]
pub mod sse;

/// The smallest number of new bytes that triggers a scan.
const MIN_STEP: usize = 8192;

/// The largest default scan step. With private-key blocks the hold-back is about 33 KB, and
/// 16 times that would delay all output by half a megabyte; at 256 KiB the look-behind and
/// hold-back re-scans cost about a quarter of the text (256 + 2 × 33 KB scanned per 256 KB).
const MAX_STEP: usize = 256 * 1024;

/// The hold-back a scrubber derives from `scanner`: the longest finding plus context on both
/// sides plus a margin, capped at [`HOLD_BACK_CAP`].
pub fn hold_back_for(scanner: &Scanner) -> usize {
    scanner
        .max_finding_len()
        .saturating_add(2 * scanner.context_window())
        .saturating_add(64)
        .min(HOLD_BACK_CAP)
}

/// Scrubs a text that arrives in chunks; the output equals [`Policy::apply`] on the whole text.
/// See the [module docs](self) for the guarantee and its limits.
pub struct StreamScrubber<'a> {
    scanner: &'a Scanner,
    policy: &'a Policy,
    vault: Option<&'a mut Vault>,
    /// Input from absolute offset `base`.
    buf: String,
    base: usize,
    /// Absolute input offset up to which output was emitted.
    done: usize,
    /// Output bytes emitted so far.
    emitted: usize,
    hold_back: usize,
    step: usize,
    /// Pending bytes at the last scan that found no cut (avoid rescanning every push).
    next_scan_at: usize,
    findings: Vec<Finding>,
    acc: Acc,
    forced_cuts: usize,
    peak_buffer: usize,
    utf8: Utf8Carry,
}

impl fmt::Debug for StreamScrubber<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamScrubber")
            .field("consumed", &(self.base + self.buf.len()))
            .field("emitted", &self.emitted)
            .field("buffered", &self.buf.len())
            .field("hold_back", &self.hold_back)
            .field("forced_cuts", &self.forced_cuts)
            .finish()
    }
}

impl<'a> StreamScrubber<'a> {
    /// A scrubber applying `policy` to what `scanner` finds. Without a vault, `Pseudonymize`
    /// falls back to `Redact` (as [`Policy::apply_without_vault`]).
    pub fn new(
        scanner: &'a Scanner,
        policy: &'a Policy,
        vault: Option<&'a mut Vault>,
    ) -> StreamScrubber<'a> {
        let hold_back = hold_back_for(scanner);
        let step = (16 * hold_back).clamp(MIN_STEP, MAX_STEP);
        StreamScrubber {
            scanner,
            policy,
            vault,
            buf: String::new(),
            base: 0,
            done: 0,
            emitted: 0,
            hold_back,
            step,
            next_scan_at: hold_back + step,
            findings: Vec::new(),
            acc: Acc::default(),
            forced_cuts: 0,
            peak_buffer: 0,
            utf8: Utf8Carry::default(),
        }
    }

    /// Scans once this many new bytes (beyond the hold-back) have arrived, instead of the default
    /// `clamp(16 × hold_back, 8 KiB, 256 KiB)`. Smaller steps emit output sooner and cost more scanning (each
    /// scan re-reads the look-behind and the hold-back); the output is the same for every step.
    pub fn with_scan_step(mut self, bytes: usize) -> StreamScrubber<'a> {
        self.step = bytes.max(1);
        self.next_scan_at = self.hold_back + self.step;
        self
    }

    /// The hold-back in bytes (see [`hold_back_for`]).
    pub fn hold_back(&self) -> usize {
        self.hold_back
    }

    /// The most input bytes this scrubber has buffered at once.
    pub fn peak_buffer(&self) -> usize {
        self.peak_buffer
    }

    /// How many times the pending cap forced a cut (0 means the output is exact).
    pub fn forced_cuts(&self) -> usize {
        self.forced_cuts
    }

    /// Feeds a chunk; returns the output that became safe to send (often empty).
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        self.push_into(chunk, &mut out);
        out
    }

    /// Like [`StreamScrubber::push`], appending to `out`.
    pub fn push_into(&mut self, chunk: &str, out: &mut String) {
        self.buf.push_str(chunk);
        self.peak_buffer = self.peak_buffer.max(self.buf.len());
        let end = self.base + self.buf.len();
        if end - self.done >= self.next_scan_at {
            self.process(false, out);
        }
    }

    /// Feeds raw bytes (e.g. from the network): UTF-8 sequences may be split across chunks and
    /// invalid bytes become U+FFFD, exactly as `String::from_utf8_lossy` on the whole input.
    pub fn push_bytes(&mut self, chunk: &[u8]) -> String {
        let mut text = String::new();
        self.utf8.feed(chunk, &mut text);
        let mut out = String::new();
        self.push_into(&text, &mut out);
        out
    }

    /// Ends the stream; returns the rest of the output.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        self.finish_into(&mut out);
        out
    }

    /// Like [`StreamScrubber::finish`], appending to `out`.
    pub fn finish_into(&mut self, out: &mut String) {
        let mut tail = String::new();
        self.utf8.finish(&mut tail);
        if !tail.is_empty() {
            self.buf.push_str(&tail);
        }
        self.process(true, out);
    }

    /// Allowed or blocked, for everything committed so far.
    pub fn verdict(&self) -> Verdict {
        self.acc.verdict()
    }

    /// Counts without values, for everything committed so far.
    pub fn summary(&self) -> Summary {
        self.acc.summary()
    }

    /// Provenance (absolute input and output offsets of the whole stream) so far.
    pub fn applied(&self) -> &[Applied] {
        &self.acc.applied
    }

    fn process(&mut self, last: bool, out: &mut String) {
        let end = self.base + self.buf.len();
        if self.done >= end {
            return;
        }
        self.scanner.scan_into(&self.buf, &mut self.findings);
        let base = self.base;
        let cut = if last {
            Some(end)
        } else {
            self.find_cut(end).or_else(|| {
                if end - self.done > self.hold_back + self.step + PENDING_SLACK {
                    self.forced_cuts += 1;
                    Some(self.forced_cut(end))
                } else {
                    None
                }
            })
        };
        let Some(cut) = cut else {
            // Try again once another step has arrived.
            self.next_scan_at = end - self.done + self.step;
            return;
        };
        self.commit(cut, out);
        // Keep `hold_back` bytes of look-behind.
        let keep_from = floor_char_boundary(
            &self.buf,
            cut.saturating_sub(self.hold_back).saturating_sub(base),
        );
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.base += keep_from;
        }
        self.next_scan_at = self.hold_back + self.step;
    }

    /// The latest safe cut in `(done, end - hold_back]`, as an absolute offset.
    fn find_cut(&self, end: usize) -> Option<usize> {
        let b = self.buf.as_bytes();
        let hi = end.checked_sub(self.hold_back)?;
        let lo = self.done + 1;
        let mut p = hi;
        while p >= lo && p > self.base + 1 {
            let r = p - self.base;
            // Inside (or at the start of) a finding? Jump before it.
            let k = self.findings.partition_point(|f| f.start() < r);
            if let Some(f) = k.checked_sub(1).and_then(|k| self.findings.get(k)) {
                if f.end() > r {
                    p = self.base + f.start();
                    continue;
                }
            }
            if is_safe_cut(b, r) {
                return Some(p);
            }
            p -= 1;
        }
        None
    }

    fn forced_cut(&self, end: usize) -> usize {
        let hi = floor_char_boundary(&self.buf, end - self.hold_back - self.base);
        // Prefer a punctuation boundary (`,` `;` quotes, brackets) outside every finding, within
        // one hold-back of the target: whitespace-free text such as minified JSON usually has
        // one, and such a cut is almost always where the whole-text scan would not look across.
        let b = self.buf.as_bytes();
        let lo = hi
            .saturating_sub(self.hold_back)
            .max(self.done - self.base + 1);
        let mut r = hi;
        while r > lo {
            let k = self.findings.partition_point(|f| f.start() < r);
            if let Some(f) = k.checked_sub(1).and_then(|k| self.findings.get(k)) {
                if f.end() > r {
                    r = f.start();
                    continue;
                }
            }
            if is_punct_cut(b, r) {
                return (self.base + r).max(self.done);
            }
            r -= 1;
        }
        let k = self.findings.partition_point(|f| f.start() < hi);
        let r = match k.checked_sub(1).and_then(|k| self.findings.get(k)) {
            Some(f) if f.end() > hi => f.end(),
            _ => hi,
        };
        (self.base + r).max(self.done)
    }

    /// Emits output for input `[done, cut)`.
    fn commit(&mut self, cut: usize, out: &mut String) {
        let base = self.base;
        let (lo, hi) = (self.done - base, cut - base);
        let Some(seg) = self.buf.get(lo..hi) else {
            return;
        };
        // Findings inside the segment, rebased. A finding crossing `done` is only possible after
        // a forced cut; the policy then acts on its remainder (never emitted in clear unless the
        // policy allows the kind).
        let mut fs: Vec<Finding> = Vec::new();
        for f in &self.findings {
            if f.end() <= lo || f.start() >= hi {
                continue;
            }
            if f.end() > hi {
                break;
            }
            let s = f.start().max(lo);
            let e = ceil_char_boundary(&self.buf, f.end());
            fs.push(Finding::new(
                f.kind(),
                Span::new(s - lo, e - lo),
                f.score(),
                f.detector(),
            ));
        }
        let before = out.len();
        self.policy.rewrite(
            seg,
            &fs,
            self.done,
            self.emitted,
            out,
            self.vault.as_deref_mut(),
            &mut self.acc,
        );
        self.emitted += out.len() - before;
        self.done = cut;
    }
}

/// Decodes bytes that may split UTF-8 sequences across chunks, exactly as
/// `String::from_utf8_lossy` decodes their concatenation.
#[derive(Clone, Debug, Default)]
struct Utf8Carry {
    partial: Vec<u8>,
}

impl Utf8Carry {
    fn feed(&mut self, bytes: &[u8], out: &mut String) {
        let joined;
        let mut rest: &[u8] = if self.partial.is_empty() {
            bytes
        } else {
            let mut v = std::mem::take(&mut self.partial);
            v.extend_from_slice(bytes);
            joined = v;
            &joined
        };
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    return;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        Some(n) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            rest = bad.get(n..).unwrap_or_default();
                        }
                        None => {
                            // An incomplete sequence at the end: wait for the next chunk.
                            self.partial.extend_from_slice(bad);
                            return;
                        }
                    }
                }
            }
        }
    }

    fn finish(&mut self, out: &mut String) {
        if !self.partial.is_empty() {
            self.partial.clear();
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// A cut at `r` (relative) is safe when the byte before it is ASCII whitespace and it does not
/// sit between two digit-ish bytes (digit runs join groups with single spaces).
fn is_safe_cut(b: &[u8], r: usize) -> bool {
    let Some(&prev) = r.checked_sub(1).and_then(|i| b.get(i)) else {
        return false;
    };
    if !matches!(prev, b' ' | b'\n' | b'\t' | b'\r') {
        return false;
    }
    let Some(&next) = b.get(r) else {
        return false;
    };
    let digitish = |c: u8| c.is_ascii_digit() || b"-./:()+#".contains(&c);
    let before = r
        .checked_sub(2)
        .and_then(|i| b.get(i))
        .copied()
        .unwrap_or(b' ');
    !(digitish(before) || digitish(next))
}

/// A fallback cut after `,;"'<>{}[]|` between two bytes that are neither word characters nor
/// digit-ish.
fn is_punct_cut(b: &[u8], r: usize) -> bool {
    let (Some(&prev), Some(&next)) = (r.checked_sub(1).and_then(|i| b.get(i)), b.get(r)) else {
        return false;
    };
    if !b",;\"'<>{}[]|".contains(&prev) {
        return false;
    }
    let plain = |c: u8| !(c.is_ascii_alphanumeric() || b"_-./:()+#@%".contains(&c));
    let before = r
        .checked_sub(2)
        .and_then(|i| b.get(i))
        .copied()
        .unwrap_or(b' ');
    plain(next) && plain(before)
}

/// Restores vault placeholders in a streamed response: exact for every chunking, holding back at
/// most one partial placeholder.
pub struct StreamRestorer<'v> {
    vault: &'v Vault,
    pending: String,
    json: bool,
    utf8: Utf8Carry,
}

impl fmt::Debug for StreamRestorer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRestorer")
            .field("pending", &self.pending.len())
            .finish()
    }
}

impl<'v> StreamRestorer<'v> {
    /// A restorer for placeholders issued by `vault`.
    pub fn new(vault: &'v Vault) -> StreamRestorer<'v> {
        StreamRestorer {
            vault,
            pending: String::new(),
            json: false,
            utf8: Utf8Carry::default(),
        }
    }

    /// A restorer for streamed JSON text (tool-call `arguments` or `partial_json` deltas):
    /// values are written JSON-string-escaped, as [`Vault::restore_json_fragment`] does.
    pub fn json(vault: &'v Vault) -> StreamRestorer<'v> {
        StreamRestorer {
            vault,
            pending: String::new(),
            json: true,
            utf8: Utf8Carry::default(),
        }
    }

    /// Feeds a chunk of model output; returns the restored text that is final.
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        self.push_into(chunk, &mut out);
        out
    }

    /// Like [`StreamRestorer::push`], appending to `out`.
    pub fn push_into(&mut self, chunk: &str, out: &mut String) {
        if self.pending.is_empty() && !chunk.contains('[') {
            out.push_str(chunk);
            return;
        }
        self.pending.push_str(chunk);
        let (stop, _) = self.vault.restore_with(&self.pending, true, self.json, out);
        self.pending.drain(..stop.min(self.pending.len()));
    }

    /// Feeds raw bytes of model output (UTF-8 sequences may be split across chunks; invalid
    /// bytes become U+FFFD as with `String::from_utf8_lossy`).
    pub fn push_bytes(&mut self, chunk: &[u8]) -> String {
        let mut text = String::new();
        self.utf8.feed(chunk, &mut text);
        self.push(&text)
    }

    /// Ends the stream; returns whatever was held back (restored if complete).
    pub fn finish(&mut self) -> String {
        let mut text = std::mem::take(&mut self.pending);
        self.utf8.finish(&mut text);
        if self.json {
            self.vault.restore_json_fragment(&text).into_owned()
        } else {
            self.vault.restore(&text).into_owned()
        }
    }

    /// Bytes currently held back.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Action, VaultKey};
    use crate::{Detector, Kind};

    fn whole(scanner: &Scanner, policy: &Policy, text: &str) -> String {
        let mut v = Vault::new(VaultKey::new([1; 32]));
        policy.apply(scanner, text, &mut v).into_text().into_owned()
    }

    fn streamed(scanner: &Scanner, policy: &Policy, text: &str, n: usize) -> String {
        let mut v = Vault::new(VaultKey::new([1; 32]));
        let mut s = StreamScrubber::new(scanner, policy, Some(&mut v));
        let mut out = String::new();
        let mut i = 0;
        while i < text.len() {
            let j = floor_char_boundary(text, i + n).max(ceil_char_boundary(text, i + 1));
            s.push_into(&text[i..j], &mut out);
            i = j;
        }
        s.finish_into(&mut out);
        assert_eq!(s.forced_cuts(), 0);
        out
    }

    #[test]
    fn long_text_equal_for_many_chunk_sizes() {
        let scanner = Scanner::builder()
            .detector(
                Detector::regex("employee_id", r"\bEMP-\d{6}\b")
                    .unwrap()
                    .keywords(["EMP-"]),
            )
            .build()
            .unwrap();
        let policy = Policy::builder()
            .on(Kind::EMAIL, Action::Pseudonymize)
            .on(Kind::CREDIT_CARD, Action::Mask { keep_last: 4 })
            .build()
            .unwrap();
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!(
                "Ligne {i}: écrire à user{}@corp.example, carte 4111 1111 1111 1111, staff EMP-{:06} — ok.\n",
                i % 37,
                i * 7
            ));
        }
        let want = whole(&scanner, &policy, &text);
        assert!(want.contains("[EMAIL_37]") && !want.contains("[EMAIL_38]"));
        for n in [1, 2, 3, 7, 64, 511, 4096, 10_000, 1 << 20] {
            assert_eq!(streamed(&scanner, &policy, &text, n), want, "chunk {n}");
        }
    }

    #[test]
    fn buffer_is_bounded() {
        let scanner = Scanner::builtin();
        let policy = Policy::default();
        let text = "word a@b.example ".repeat(40_000);
        let mut s = StreamScrubber::new(&scanner, &policy, None);
        let mut out = String::new();
        for c in text.as_bytes().chunks(100) {
            s.push_into(std::str::from_utf8(c).unwrap(), &mut out);
        }
        s.finish_into(&mut out);
        let hb = s.hold_back();
        assert!(s.peak_buffer() <= 2 * hb + s.step + 100, "{s:?}");
        assert_eq!(out, whole(&scanner, &policy, &text));
    }

    #[test]
    fn forced_cut_never_splits_a_finding() {
        let scanner = Scanner::builtin();
        let policy = Policy::default();
        // 560 KB without whitespace, with emails glued in by commas: past hold-back + step +
        // slack, so cuts must be forced.
        let text = "x,a@b.example,".repeat(40_000);
        let mut s = StreamScrubber::new(&scanner, &policy, None);
        let mut out = String::new();
        for c in text.as_bytes().chunks(1000) {
            s.push_into(std::str::from_utf8(c).unwrap(), &mut out);
        }
        s.finish_into(&mut out);
        assert!(s.forced_cuts() > 0);
        assert!(!out.contains('@'), "no email half-emitted");
        assert_eq!(out, whole(&scanner, &policy, &text));
    }

    #[test]
    fn minified_json_without_whitespace_stays_exact() {
        let scanner = Scanner::builtin();
        let policy = Policy::default();
        let mut text = String::from("[");
        for i in 0..12_000 {
            text.push_str(&format!(
                "{{\"id\":{i},\"mail\":\"u{i}@corp.example\",\"note\":\"ok\"}},"
            ));
        }
        text.push(']');
        let mut s = StreamScrubber::new(&scanner, &policy, None);
        let mut out = String::new();
        for c in text.as_bytes().chunks(777) {
            s.push_into(std::str::from_utf8(c).unwrap(), &mut out);
        }
        s.finish_into(&mut out);
        assert!(s.forced_cuts() > 0, "no whitespace at all: cuts are forced");
        assert_eq!(out, whole(&scanner, &policy, &text));
    }

    #[test]
    fn push_bytes_matches_lossy_whole_text() {
        let scanner = Scanner::builtin();
        let policy = Policy::default();
        let mut raw = "é ann@corp.example 日本 🙂 x\n".repeat(400).into_bytes();
        raw.extend_from_slice(&[0xff, b'a', 0xe6, 0x97, b' ', 0xf0, 0x9f]);
        raw.extend_from_slice(" bob@corp.example".as_bytes());
        raw.extend_from_slice(&[0xe6, 0x97]); // truncated at the very end
        let text = String::from_utf8_lossy(&raw).into_owned();
        let want = whole(&scanner, &policy, &text);
        for n in [1, 2, 3, 5, 64, 4099] {
            let mut s = StreamScrubber::new(&scanner, &policy, None);
            let mut out = String::new();
            for c in raw.chunks(n) {
                out.push_str(&s.push_bytes(c));
            }
            out.push_str(&s.finish());
            assert_eq!(out, want, "chunk {n}");
        }
        let mut v = Vault::new(VaultKey::new([1; 32]));
        v.placeholder(Kind::EMAIL, "ann@corp.example");
        let reply = "日本 [EMAIL_1] 🙂".as_bytes();
        for n in 1..6 {
            let mut r = StreamRestorer::new(&v);
            let mut out = String::new();
            for c in reply.chunks(n) {
                out.push_str(&r.push_bytes(c));
            }
            out.push_str(&r.finish());
            assert_eq!(out, "日本 ann@corp.example 🙂");
        }
    }

    #[test]
    fn restorer_holds_only_partial_tokens() {
        let mut v = Vault::new(VaultKey::new([1; 32]));
        let p = v.placeholder(Kind::EMAIL, "a@b.example");
        assert_eq!(p, "[EMAIL_1]");
        let text = "x [EMAIL_1] [EMAIL_10] [EMAIL_1][ [EMAIL_1";
        let want = v.restore(text).into_owned();
        for n in 1..text.len() {
            let mut r = StreamRestorer::new(&v);
            let mut out = String::new();
            for c in text.as_bytes().chunks(n) {
                out.push_str(&r.push(std::str::from_utf8(c).unwrap()));
                assert!(r.pending() < v.max_placeholder_len());
            }
            out.push_str(&r.finish());
            assert_eq!(out, want, "chunk {n}");
        }
    }
}
