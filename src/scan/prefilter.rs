//! The passes that decide where detectors look.
//!
//! Cheap passes cover every built-in trigger: Aho-Corasick automata over the literal anchors,
//! `memchr` for `@`, a scan for ASCII digits sixteen bytes at a time ([`crate::block`]) and the
//! long-token pass for token prefixes. Detectors run only at their hits, so prose without
//! anchors, digits or `@` costs little more than the passes.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::block::{window_bits, Block};
use crate::detect::DigitRun;
use crate::swar::{lanes_in, word_at, HIGH};

/// Where one literal of the shared automaton should be dispatched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LiteralTarget {
    /// Index of the detector in the scanner.
    pub(crate) detector: usize,
    /// Index of the literal in that detector's list.
    pub(crate) literal: usize,
    /// Offset of that literal inside the matched automaton pattern (non-zero when a shorter
    /// literal of one detector is contained in a longer literal of another).
    pub(crate) offset: usize,
    /// Length of that literal.
    pub(crate) len: usize,
}

/// The automata over every detector's literal anchors.
///
/// Matching is case-sensitive over explicit case variants of each literal (see
/// [`case_variants`]): aho-corasick's SIMD prefilter does not work with ASCII case folding,
/// and with it the automaton runs several times faster (measured: 56 keyword variants at about
/// 2 GB/s on prose, against about 0.3-0.5 GB/s for the same keywords case-folded).
///
/// Literals are split by length into two automata. Teddy, the SIMD prefilter, fingerprints
/// `min(4, shortest pattern)` bytes of every pattern, so one three-byte literal (`Key`, `://`)
/// makes every pattern match on three bytes, and common trigrams (`pas`, `sec`, `acc`) flood the
/// verification step. Measured on the 4 MiB bench corpora with the 63 built-in patterns: one
/// automaton 3.9 ms (prose) and 4.8 ms (code); the 54 longer patterns alone 1.35 / 1.56 ms and
/// the 9 short ones alone 0.30 / 0.47 ms.
///
/// Each automaton reports leftmost, non-overlapping matches, longest pattern first. A literal
/// that is contained in a longer one of the same automaton (`sk-` in `sk-ant-`) would then never
/// be seen where the longer one matches, so each pattern carries the targets of every literal of
/// its automaton that it contains. A literal of the other automaton is found by that automaton.
#[derive(Clone, Debug)]
pub(crate) struct Literals {
    pub(crate) sets: Vec<LiteralSet>,
}

/// One automaton and where its matches go.
#[derive(Clone, Debug)]
pub(crate) struct LiteralSet {
    pub(crate) ac: AhoCorasick,
    pub(crate) targets: Vec<Vec<LiteralTarget>>,
    /// Number of distinct patterns in the automaton (checked against the budget in tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) patterns: usize,
}

/// Literals shorter than this go to the short automaton (see [`Literals`]).
const LONG_LITERAL: usize = 4;

/// The spellings a literal is matched in. A keyword (lower-case letters, `_`, `-` and spaces,
/// starting with a letter or `_`, such as `password`, `_key` or `api key`) is matched as
/// written, in upper case and capitalized; anything else (`eyJ`, `AKIA`, `AccountKey=`, `://`,
/// `-u `) exactly.
pub(crate) fn case_variants(lit: &str) -> Vec<String> {
    let b = lit.as_bytes();
    let keyword = b
        .first()
        .is_some_and(|c| c.is_ascii_lowercase() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || matches!(*c, b'_' | b'-' | b' '))
        && b.iter().any(u8::is_ascii_lowercase);
    if !keyword {
        return vec![lit.to_string()];
    }
    let mut cap = lit.to_string();
    if let Some(first) = cap.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let mut v = vec![lit.to_string(), lit.to_ascii_uppercase(), cap];
    v.sort();
    v.dedup();
    v
}

/// aho-corasick's SIMD (Teddy) prefilter handles at most 64 patterns; past that an automaton
/// runs byte by byte, several times slower. The built-in detectors stay within it in each
/// automaton (a unit test checks).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const PREFILTER_PATTERN_BUDGET: usize = 64;

impl Literals {
    /// `lits[i] = (detector, literal index, literal, exact)`. Returns `None` when there are none.
    pub(crate) fn build(lits: &[(usize, usize, String, bool)]) -> Option<Literals> {
        let expanded: Vec<(usize, usize, String)> = lits
            .iter()
            .flat_map(|(d, li, l, exact)| {
                let vs = if *exact {
                    vec![l.clone()]
                } else {
                    case_variants(l)
                };
                vs.into_iter().map(move |v| (*d, *li, v))
            })
            .collect();
        let (short, long): (Vec<_>, Vec<_>) = expanded
            .into_iter()
            .partition(|(_, _, v)| v.len() < LONG_LITERAL);
        let sets: Vec<LiteralSet> = [short, long]
            .iter()
            .filter(|g| !g.is_empty())
            .filter_map(|g| LiteralSet::build(g))
            .collect();
        (!sets.is_empty()).then_some(Literals { sets })
    }
}

impl LiteralSet {
    fn build(expanded: &[(usize, usize, String)]) -> Option<LiteralSet> {
        let mut patterns: Vec<String> = expanded.iter().map(|(_, _, v)| v.clone()).collect();
        // Longest first: with leftmost-first semantics that prefers the longest pattern among
        // those starting at the same position.
        patterns.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        patterns.dedup();
        let mut targets: Vec<Vec<LiteralTarget>> = vec![Vec::new(); patterns.len()];
        for (pi, p) in patterns.iter().enumerate() {
            for (det, li, v) in expanded {
                let mut from = 0;
                while let Some(off) = p.get(from..).and_then(|rest| rest.find(v.as_str())) {
                    let offset = from + off;
                    let t = LiteralTarget {
                        detector: *det,
                        literal: *li,
                        offset,
                        len: v.len(),
                    };
                    if !targets[pi].iter().any(|x| {
                        (x.detector, x.literal, x.offset) == (t.detector, t.literal, t.offset)
                    }) {
                        targets[pi].push(t);
                    }
                    from = offset + 1;
                }
            }
            targets[pi].sort_by_key(|t| (t.offset, t.detector, t.literal));
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&patterns)
            .ok()?;
        Some(LiteralSet {
            ac,
            targets,
            patterns: patterns.len(),
        })
    }
}

/// A prefix and where its matches go.
#[derive(Clone, Debug)]
struct PrefixEntry {
    prefix: Box<[u8]>,
    /// The first (up to) eight bytes of `prefix` as a little-endian word, and the mask of the
    /// bytes it has: most prefixes are decided by one masked compare.
    head: u64,
    head_mask: u64,
    detector: usize,
    literal: usize,
}

impl PrefixEntry {
    fn new(prefix: &[u8], detector: usize, literal: usize) -> PrefixEntry {
        let n = prefix.len().min(8);
        let mut w = [0u8; 8];
        w[..n].copy_from_slice(&prefix[..n]);
        PrefixEntry {
            prefix: prefix.into(),
            head: u64::from_le_bytes(w),
            head_mask: if n == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            },
            detector,
            literal,
        }
    }

    /// Whether `token`, whose first eight bytes (zero-padded) are `word`, starts with the
    /// prefix.
    #[inline(always)]
    fn starts(&self, word: u64, token: &[u8]) -> bool {
        word & self.head_mask == self.head
            && token.len() >= self.prefix.len()
            && (self.prefix.len() <= 8 || token.starts_with(&self.prefix))
    }
}

/// Exact prefixes looked up at the start of long tokens (see [`long_tokens`]).
#[derive(Clone, Debug)]
pub(crate) struct Prefixes {
    /// By first byte: `(prefix, detector, literal index)`.
    by_first: Vec<Vec<PrefixEntry>>,
    /// One bit per possible first two bytes of a prefix (65,536 bits): most token starts are
    /// rejected by one load.
    pairs: Vec<u64>,
    pub(crate) min_len: usize,
}

impl Prefixes {
    pub(crate) fn build(prefixes: &[(usize, usize, String)], min_len: usize) -> Option<Prefixes> {
        if prefixes.is_empty() {
            return None;
        }
        let mut by_first: Vec<Vec<PrefixEntry>> = vec![Vec::new(); 256];
        for (d, li, p) in prefixes {
            if let Some(&b) = p.as_bytes().first() {
                by_first[usize::from(b)].push(PrefixEntry::new(p.as_bytes(), *d, *li));
            }
        }
        let mut pairs = vec![0u64; 65536 / 64];
        for list in &mut by_first {
            // Longest first, so a detector sees its most specific prefix.
            list.sort_by(|a, b| {
                (b.prefix.len().cmp(&a.prefix.len())).then(a.detector.cmp(&b.detector))
            });
            for e in list.iter() {
                match *e.prefix {
                    [a, b, ..] => {
                        let i = usize::from(a) << 8 | usize::from(b);
                        pairs[i / 64] |= 1 << (i % 64);
                    }
                    // A one-byte prefix: every second byte.
                    [a] => {
                        for b in 0..=255usize {
                            let i = usize::from(a) << 8 | b;
                            pairs[i / 64] |= 1 << (i % 64);
                        }
                    }
                    [] => {}
                }
            }
        }
        Some(Prefixes {
            by_first,
            pairs,
            min_len,
        })
    }

    /// True when some prefix may start with these two bytes (`second` is 0 at the end).
    #[inline]
    pub(crate) fn may_start(&self, first: u8, second: u8) -> bool {
        let i = usize::from(first) << 8 | usize::from(second);
        self.pairs[i / 64] & (1 << (i % 64)) != 0
    }

    /// The prefixes that `token` starts with.
    #[inline]
    pub(crate) fn matching<'a>(
        &'a self,
        token: &'a [u8],
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let list: &[PrefixEntry] = token
            .first()
            .map(|b| self.by_first[usize::from(*b)].as_slice())
            .unwrap_or(&[]);
        let mut w = [0u8; 8];
        let n = token.len().min(8);
        w[..n].copy_from_slice(&token[..n]);
        let word = u64::from_le_bytes(w);
        list.iter()
            .filter(move |e| e.starts(word, token))
            .map(|e| (e.detector, e.literal, e.prefix.len()))
    }
}

/// A byte that can be inside a token's body: a token byte or base64's `+`, `/`, `=`. The
/// window masks ([`masks`]) run the same test on sixteen bytes at once; the proptests compare
/// the pass with a byte-by-byte one built on this function.
///
/// `(b | 0x20) - b'a' < 26` folds the two letter ranges into one (setting bit 5 maps `A..=Z`
/// onto `a..=z` and nothing else onto `a..=z`); `b - b'-' < 13` is `-`, `.`, `/` and `0..=9`.
#[inline(always)]
fn is_body_byte(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let dash_dot_slash_digit = b.wrapping_sub(b'-') < 13;
    letter | dash_dot_slash_digit | (b == b'+') | (b == b'=') | (b == b'_')
}

/// An ASCII letter or digit (see [`is_body_byte`] for the letter test).
#[inline(always)]
fn is_alnum(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit
}

/// Bytes per window of the long-token pass: one bit of a `u64` per byte.
const WINDOW: usize = 64;

/// The 64 bytes at `pos`, or, near the end of `bytes`, the bytes left copied into `pad` and
/// followed by zero bytes (neither body nor alphanumeric).
#[inline(always)]
fn window<'a>(bytes: &'a [u8], pos: usize, pad: &'a mut [u8; WINDOW]) -> &'a [u8; WINDOW] {
    match bytes
        .get(pos..pos + WINDOW)
        .and_then(|s| <&[u8; WINDOW]>::try_from(s).ok())
    {
        Some(w) => w,
        None => {
            let rest = bytes.get(pos..).unwrap_or(&[]);
            *pad = [0u8; WINDOW];
            pad[..rest.len()].copy_from_slice(rest);
            pad
        }
    }
}

/// The body mask and the alphanumeric mask of a window: bit `i` set when byte `i` is a body
/// byte (see [`is_body_byte`]), resp. an ASCII letter or digit.
#[inline(always)]
fn masks(w: &[u8; WINDOW]) -> (u64, u64) {
    let body = window_bits(w, |b| {
        // `-`, `.`, `/` and the digits are `0x2D..=0x39`.
        b.letters() | b.in_range(b'-', b'9') | b.eq(b'+') | b.eq(b'=') | b.eq(b'_')
    });
    (body, alnum_mask(w))
}

/// The alphanumeric mask of a window (see [`masks`]).
#[inline(always)]
fn alnum_mask(w: &[u8; WINDOW]) -> u64 {
    window_bits(w, |b| b.letters() | b.digits())
}

/// Bit `i` set when byte `i` of the window is in `0x2B..=0x7A`, the range that holds every body
/// byte: a superset of the body mask that costs one comparison per byte.
#[inline(always)]
fn range_mask(w: &[u8; WINDOW]) -> u64 {
    window_bits(w, |b| b.in_range(0x2B, 0x7A))
}

/// The lowest `k` bits (all 64 when `k >= 64`).
#[inline(always)]
fn low_bits(k: usize) -> u64 {
    if k >= 64 {
        u64::MAX
    } else {
        (1u64 << k) - 1
    }
}

/// Finds runs of at least `len` set bits in a `u64` with a fixed sequence of shifts.
#[derive(Clone, Copy)]
struct Runs {
    /// Shift amounts; a shift by 0 changes nothing.
    shifts: [u32; 7],
    len: usize,
}

impl Runs {
    /// `len >= 1`.
    ///
    /// Doubling: after `r &= r << k` for `k = 1, 2, 4, …` each set bit of `r` ends `2k` set
    /// bits of the mask; with `k` the largest power of two `<= len`, one more `r &= r << (len -
    /// k)` covers `len` bits (two overlapping stretches of `k` bits, since `len - k < k`). At
    /// most six doublings (k = 32 covers 64 bits) and the last shift.
    fn new(len: usize) -> Runs {
        let mut shifts = [0u32; 7];
        let mut i = 0;
        let mut k = 1usize;
        while 2 * k <= len.min(64) {
            shifts[i] = k as u32;
            i += 1;
            k *= 2;
        }
        shifts[i] = (len.min(64) - k) as u32;
        Runs { shifts, len }
    }

    /// Bit `i` set when bits `i + 1 - len ..= i` of `m` are all set (bits below 0 count as
    /// unset).
    #[inline(always)]
    fn within(&self, m: u64) -> u64 {
        if self.len > 64 {
            return 0;
        }
        let mut r = m;
        for s in self.shifts {
            r &= r << s;
        }
        r
    }

    /// Bit `i` set when the run of set bits of `m` that ends at bit `i` is at least `len` long,
    /// counting the `before` set bits (`before < len`) just below bit 0 as part of a run that
    /// starts at bit 0: runs inside `m`, and the leading set bits of `m`, which reach `len` from
    /// bit `len - 1 - before`.
    #[inline(always)]
    fn reaching(&self, m: u64, before: usize) -> u64 {
        let t = m.trailing_ones() as usize;
        let leading = if before > 0 && t + before >= self.len {
            low_bits(t) & !low_bits(self.len.saturating_sub(1 + before))
        } else {
            0
        };
        self.within(m) | leading
    }
}

/// Token starts of a long run whose end is not known yet; past [`Pending::CAP`] of them only
/// the fact is kept, and they are found again from the run's start when it ends.
struct Pending {
    starts: Vec<usize>,
    overflow: bool,
}

impl Pending {
    const CAP: usize = 256;

    /// Adds the set bits of `mask` as positions `pos + bit`, those that `keep` accepts.
    #[inline]
    fn push_mask(&mut self, pos: usize, mut mask: u64, keep: &impl Fn(usize) -> bool) {
        while mask != 0 {
            let t = pos + mask.trailing_zeros() as usize;
            if keep(t) {
                self.push(t);
            }
            mask &= mask - 1;
        }
    }

    #[inline]
    fn push(&mut self, t: usize) {
        if self.starts.len() < Self::CAP {
            self.starts.push(t);
        } else {
            self.overflow = true;
        }
    }

    /// Calls `f(t, end)` for the token starts of the run `start..end` that `keep` accepts (all
    /// of them: after an overflow they are found again), and empties the list.
    fn flush(
        &mut self,
        bytes: &[u8],
        start: usize,
        end: usize,
        keep: &impl Fn(usize) -> bool,
        f: &mut impl FnMut(usize, usize),
    ) {
        if self.overflow {
            emit_range(bytes, start, end, keep, f);
            self.overflow = false;
        } else {
            for &t in &self.starts {
                f(t, end);
            }
        }
        self.starts.clear();
    }
}

/// Calls `f(t, end)` for every token start `t` in `start..end` that `keep` accepts, in a run of
/// body bytes that is not preceded by one.
fn emit_range(
    bytes: &[u8],
    start: usize,
    end: usize,
    keep: &impl Fn(usize) -> bool,
    f: &mut impl FnMut(usize, usize),
) {
    let mut pad = [0u8; WINDOW];
    let mut w = start;
    // The byte before `start` is not a body byte, so not alphanumeric.
    let mut carry = 0u64;
    while w < end {
        let a = alnum_mask(window(bytes, w, &mut pad));
        let mut starts = a & !(a << 1 | carry) & low_bits(end - w);
        while starts != 0 {
            let t = w + starts.trailing_zeros() as usize;
            if keep(t) {
                f(t, end);
            }
            starts &= starts - 1;
        }
        carry = a >> 63;
        w += WINDOW;
    }
}

/// Calls `f(start, run_end)` for every token start inside every maximal run of body bytes (see
/// [`is_body_byte`]) of at least `min_len` bytes, in order. A token start is an ASCII letter or
/// digit whose predecessor is not one, so `key=ghp_…` offers `key` and `ghp_…`, and
/// `secrets.pypi-…` offers `secrets` and `pypi-…`. Only starts that `keep` accepts are offered:
/// the caller's cheap test of a start's first bytes runs before the start is queued.
///
/// The text is read in 64-byte windows. A window where no run of bytes in `0x2B..=0x7A` (see
/// [`range_mask`]; prose has a space or a newline every few bytes) reaches `min_len` is skipped
/// unless a long run is open. Otherwise the window is turned into two bit masks (body and
/// alphanumeric bytes), runs of `min_len` set bits are found with shifts, and token starts are
/// the alphanumeric bits whose lower neighbour is clear. A long run that goes on past the
/// window keeps its token starts in a [`Pending`] list until its end is found.
pub(crate) fn long_tokens(
    bytes: &[u8],
    min_len: usize,
    keep: impl Fn(usize) -> bool,
    mut f: impl FnMut(usize, usize),
) {
    let min_len = min_len.max(1);
    let n = bytes.len();
    let mut pos = 0;
    // Number of body bytes just before `pos`, when known (after a skipped window it is counted
    // again when needed). Always less than `min_len`: a longer run has been handled.
    let mut run_len = Some(0usize);
    // At least the number of body bytes just before `pos`, and less than `min_len`: the run of
    // in-range bytes there after a skipped window, `run_len` after another.
    let mut range_len = 0usize;
    // Start of a long run that goes on at `pos`; its token starts before `pos` are in `pending`.
    let mut open: Option<usize> = None;
    let mut pending = Pending {
        starts: Vec::new(),
        overflow: false,
    };
    let mut pad = [0u8; WINDOW];
    let runs = Runs::new(min_len);
    // Whether to try skipping the window: not right after a window with a long run (code has
    // long runs in most windows, prose in few).
    let mut try_skip = true;
    while pos < n {
        if open.is_none() && try_skip {
            // A body run that reaches min_len bytes in this window is inside a run of in-range
            // bytes that does: without one, skip the window.
            let r = range_mask(window(bytes, pos, &mut pad));
            if runs.reaching(r, range_len) == 0 {
                run_len = None;
                range_len = if r == u64::MAX {
                    range_len + WINDOW
                } else {
                    r.leading_ones() as usize
                };
                pos += WINDOW;
                continue;
            }
        }
        let (b, a) = masks(window(bytes, pos, &mut pad));
        // Token starts: letters or digits after a byte that is not one.
        let carry = u64::from(pos > 0 && is_alnum(bytes[pos - 1]));
        let starts = a & !(a << 1 | carry);
        // Bits below `done` belong to a run that has been handled.
        let mut done = 0;
        if let Some(start) = open {
            let t = b.trailing_ones() as usize;
            if t == WINDOW {
                pending.push_mask(pos, starts, &keep);
                pos += WINDOW;
                continue;
            }
            let end = pos + t;
            pending.push_mask(pos, starts & low_bits(t), &keep);
            pending.flush(bytes, start, end, &keep, &mut f);
            open = None;
            done = t;
        }
        let before = match run_len {
            _ if done > 0 || b & 1 == 0 => 0,
            Some(r) => r,
            None => bytes[..pos]
                .iter()
                .rev()
                .take(min_len - 1)
                .take_while(|&&c| is_body_byte(c))
                .count(),
        };
        let mut long = runs.reaching(b, before) & !low_bits(done);
        try_skip = long == 0 && done == 0;
        while long != 0 {
            // The lowest set bit is where its run reaches min_len bytes: the run starts min_len
            // - 1 bytes earlier (before `pos` for the leading run).
            let p = long.trailing_zeros() as usize;
            let start = pos + p + 1 - min_len;
            let from = start.max(pos) - pos;
            if start < pos {
                for t in start..pos {
                    if is_alnum(bytes[t]) && (t == start || !is_alnum(bytes[t - 1])) && keep(t) {
                        pending.push(t);
                    }
                }
            }
            let after = !b & !low_bits(p);
            if after == 0 {
                // The run goes on past the window.
                pending.push_mask(pos, starts & !low_bits(from), &keep);
                open = Some(start);
                break;
            }
            let e = after.trailing_zeros() as usize;
            pending.flush(bytes, start, pos + e, &keep, &mut f);
            let mut s = starts & !low_bits(from) & low_bits(e);
            while s != 0 {
                let t = pos + s.trailing_zeros() as usize;
                if keep(t) {
                    f(t, pos + e);
                }
                s &= s - 1;
            }
            long &= !low_bits(e);
        }
        // With no run open, the body bytes at the top of the window are fewer than min_len.
        let top = if b == u64::MAX {
            before + WINDOW
        } else {
            b.leading_ones() as usize
        };
        run_len = Some(top);
        range_len = top;
        pos += WINDOW;
    }
    if let Some(start) = open {
        pending.flush(bytes, start, n, &keep, &mut f);
    }
}

/// The high bit of every byte lane of `x` that holds an ASCII digit.
#[inline(always)]
fn digit_lanes(x: u64) -> u64 {
    lanes_in(x, b'0', b'9')
}

/// The digit runs of a text in order, as the digit pass dispatches them: a run starts at the
/// first digit at or after the end of the one before (see [`digit_run`]).
///
/// Digits are found through the digit mask of a 64-byte window (four [`Block`]s). Code and
/// logs have a digit run every few bytes: the mask serves every run that starts in its window,
/// and a digit group that ends inside it is measured on the mask, without reading the bytes
/// again.
pub(crate) struct DigitRuns<'a> {
    bytes: &'a [u8],
    /// Start of the window.
    base: usize,
    /// Bit `i` set when byte `base + i` is an ASCII digit (none past the end of the text).
    win: u64,
    /// The bits of `win` where the next run may start.
    todo: u64,
    /// Runs that start before `until` with fewer than `min_digits` digits are not reported
    /// (see [`DigitRuns::skip_short`]).
    until: usize,
    min_digits: usize,
}

impl<'a> DigitRuns<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> DigitRuns<'a> {
        let mut r = DigitRuns {
            bytes,
            base: 0,
            win: 0,
            todo: 0,
            until: 0,
            min_digits: 0,
        };
        r.load(0);
        r
    }

    /// From now on, runs that start before `until` with fewer than `min_digits` digits are
    /// passed over without being expanded, when the mask shows them whole: a digit group that
    /// ends inside the window with no separator after it. (The engine passes the resume offset
    /// of the detectors that take the shortest runs: nothing else wants such a run.) The runs
    /// that are reported, and where the next one starts, do not change otherwise.
    #[inline]
    pub(crate) fn skip_short(&mut self, until: usize, min_digits: usize) {
        self.until = until;
        self.min_digits = min_digits;
    }

    /// Moves the window to `base`.
    #[inline(always)]
    fn load(&mut self, base: usize) {
        let mut pad = [0u8; WINDOW];
        self.base = base;
        self.win = window_bits(window(self.bytes, base, &mut pad), Block::digits);
        self.todo = self.win;
    }

    /// The end of the digit group that goes on at `i` (see [`digits_end`]), read off the window
    /// when the group ends inside it.
    #[inline(always)]
    fn group_end(&self, i: usize) -> usize {
        let off = i.wrapping_sub(self.base);
        if off < WINDOW {
            // Ones above the window: the count stops at its end at the latest.
            let t = (!(self.win >> off)).trailing_zeros() as usize;
            if off + t < WINDOW {
                return i + t;
            }
        }
        digits_end(self.bytes, i)
    }
}

impl Iterator for DigitRuns<'_> {
    type Item = DigitRun;

    #[inline]
    fn next(&mut self) -> Option<DigitRun> {
        let b = self.bytes;
        loop {
            while self.todo == 0 {
                let next = self.base + WINDOW;
                if next >= b.len() {
                    return None;
                }
                self.load(next);
            }
            let off = self.todo.trailing_zeros() as usize;
            let p = self.base + off;
            // The digit group at `p`. When it ends inside the window with no separator after
            // it, it is the whole run (see `digit_run_by`), read off the mask: most runs.
            let t = (!(self.win >> off)).trailing_zeros() as usize;
            let after = b.get(p + t).copied();
            if off + t < WINDOW && after.is_none_or(|c| sep_bit(c) == 0) {
                self.todo &= !low_bits(off + t);
                if p < self.until && t < self.min_digits {
                    continue;
                }
                return Some(DigitRun {
                    start: p,
                    end: p + t,
                    digits: t,
                    groups: 1,
                    seps: 0,
                    word_before: p > 0 && is_word(b.get(p - 1)),
                    word_after: is_word(after.as_ref()),
                });
            }
            let run = digit_run_by(b, p, |i| self.group_end(i));
            // The next run starts at a digit at or after the end of this one.
            let from = run.end.max(p + 1);
            let off = from - self.base;
            if off < WINDOW {
                self.todo &= !low_bits(off);
            } else if from < b.len() {
                self.load(from);
            } else {
                self.todo = 0;
                self.base = b.len();
            }
            return Some(run);
        }
    }
}

/// The end of the run of ASCII digits that starts at or before `i`: the first position at or
/// after `i` that does not hold a digit. Eight bytes at a time while there are eight.
#[inline(always)]
fn digits_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(x) = word_at(bytes, i) {
        let other = !digit_lanes(x) & HIGH;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// Byte classes for the digit pass: the separator's `DigitRun::SEP_*` bit (bits 0-6), and
/// [`WORD`] for a word byte (see [`crate::detect::is_word_byte`]).
static DIGIT_CLASS: [u8; 256] = byte_table!(|b| {
    let sep = match b {
        b'-' => DigitRun::SEP_DASH,
        b'.' => DigitRun::SEP_DOT,
        b'/' => DigitRun::SEP_SLASH,
        b' ' => DigitRun::SEP_SPACE,
        b':' => DigitRun::SEP_COLON,
        b'(' | b')' => DigitRun::SEP_PAREN,
        b'+' => DigitRun::SEP_PLUS,
        _ => 0,
    };
    let word = b.is_ascii_alphanumeric() || b == b'_';
    sep | if word { WORD } else { 0 }
});

/// [`DIGIT_CLASS`] bit of word bytes (the `SEP_*` bits use bits 0-6).
const WORD: u8 = 0x80;

#[inline(always)]
fn sep_bit(b: u8) -> u8 {
    DIGIT_CLASS[usize::from(b)] & !WORD
}

#[inline(always)]
fn is_word(b: Option<&u8>) -> bool {
    b.is_some_and(|&b| DIGIT_CLASS[usize::from(b)] & WORD != 0)
}

/// Expands the digit run that starts at `start` (which must hold a digit).
///
/// A separator joins two digit groups when a digit follows it directly or after one more
/// separator (`") 5"`, `"- 5"`). Linear in the run's length.
#[cfg(test)]
pub(crate) fn digit_run(bytes: &[u8], start: usize) -> DigitRun {
    digit_run_by(bytes, start, |i| digits_end(bytes, i))
}

/// [`digit_run`], with `group_end(i)` for [`digits_end`]`(bytes, i)`.
#[inline(always)]
fn digit_run_by(bytes: &[u8], start: usize, group_end: impl Fn(usize) -> usize) -> DigitRun {
    let mut i = start;
    let mut digits = 0usize;
    let mut groups = 0usize;
    let mut seps = 0u8;
    let mut end = start;
    loop {
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            let g = i;
            i = group_end(i + 1);
            digits += i - g;
            groups += 1;
            end = i;
        }
        // bytes[i] is not a digit here.
        let Some(&s1) = bytes.get(i) else { break };
        let b1 = sep_bit(s1);
        if b1 == 0 {
            break;
        }
        match bytes.get(i + 1) {
            Some(d) if d.is_ascii_digit() => {
                seps |= b1;
                i += 1;
            }
            // Two separators join groups, but not a sentence's end: `ITIN 957-74-4877. 1099-NEC`.
            Some(&s2) if sep_bit(s2) != 0 && s2 != s1 && !(s1 == b'.' && s2 == b' ') => {
                if bytes.get(i + 2).is_some_and(u8::is_ascii_digit) {
                    seps |= b1 | sep_bit(s2);
                    i += 2;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    DigitRun {
        start,
        end,
        digits,
        groups,
        seps,
        word_before: start > 0 && is_word(bytes.get(start - 1)),
        word_after: is_word(bytes.get(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_long_tokens(b: &[u8], min: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if is_body_byte(b[i]) {
                let s = i;
                while i < b.len() && is_body_byte(b[i]) {
                    i += 1;
                }
                if i - s >= min {
                    for t in s..i {
                        if b[t].is_ascii_alphanumeric()
                            && (t == s || !b[t - 1].is_ascii_alphanumeric())
                        {
                            out.push((t, i));
                        }
                    }
                }
            } else {
                i += 1;
            }
        }
        out
    }

    fn got_long_tokens(b: &[u8], min: usize) -> Vec<(usize, usize)> {
        let mut got = Vec::new();
        long_tokens(b, min, |_| true, |s, e| got.push((s, e)));
        got
    }

    /// A `keep` filter that depends on the start's bytes, as the scanner's does.
    fn some_starts(b: &[u8], t: usize) -> bool {
        (u32::from(b[t]) + u32::from(b.get(t + 1).copied().unwrap_or(7))) % 3 != 0
    }

    /// With that filter: the naive list, filtered.
    fn filtered_matches_naive(b: &[u8], min: usize) -> Result<(), TestCaseError> {
        let mut got = Vec::new();
        long_tokens(b, min, |t| some_starts(b, t), |s, e| got.push((s, e)));
        let mut want = naive_long_tokens(b, min);
        want.retain(|&(s, _)| some_starts(b, s));
        prop_assert_eq!(got, want);
        Ok(())
    }

    /// Bytes that make runs of body bytes of every length likely, with every kind of byte in
    /// and around them.
    fn token_bytes() -> impl Strategy<Value = u8> {
        prop_oneof![
            8 => prop::sample::select(b"abcXYZ0189".to_vec()),
            3 => prop::sample::select(b"_-.+/=".to_vec()),
            1 => prop::sample::select(b" ,;:\n\"'@[]`^\\<>?".to_vec()),
            1 => any::<u8>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn long_tokens_match_naive(
            text in "([a-z0-9_.-]{0,40}[ ,;:/=+\n\"'é]{0,3}){0,12}",
            min in 15usize..24,
        ) {
            prop_assert_eq!(got_long_tokens(text.as_bytes(), min), naive_long_tokens(text.as_bytes(), min));
            filtered_matches_naive(text.as_bytes(), min)?;
        }

        /// Runs of up to several windows, crossing 64-byte boundaries at every offset.
        #[test]
        fn long_tokens_match_naive_long_runs(
            text in "([a-zA-Z0-9_.+/=-]{0,200}[ ,;:\n\"'é@]{1,3}){0,8}[a-zA-Z0-9_.+/=-]{0,140}",
            min in prop_oneof![15usize..24, 24usize..140],
        ) {
            prop_assert_eq!(got_long_tokens(text.as_bytes(), min), naive_long_tokens(text.as_bytes(), min));
            filtered_matches_naive(text.as_bytes(), min)?;
        }

        #[test]
        fn long_tokens_match_naive_bytes(
            bytes in proptest::collection::vec(token_bytes(), 0..700),
            min in prop_oneof![15usize..20, 1usize..15, 20usize..200],
        ) {
            prop_assert_eq!(got_long_tokens(&bytes, min), naive_long_tokens(&bytes, min));
            filtered_matches_naive(&bytes, min)?;
        }
    }

    #[test]
    fn long_tokens_pending_overflow() {
        // More token starts in one run than `Pending` keeps, at several offsets and lengths.
        for lead in ["", "x", " ", "ab c", &" ".repeat(63)] {
            for reps in [100, 255, 256, 257, 300, 700, 1000] {
                for tail in ["", " ", "q", "a-b "] {
                    let text = format!("{lead}{}{tail}", "a.".repeat(reps));
                    for min in [1, 15, 16, 64, 65, 300] {
                        let b = text.as_bytes();
                        let want = naive_long_tokens(b, min);
                        assert_eq!(
                            got_long_tokens(b, min),
                            want,
                            "{lead:?} {reps} {tail:?} {min}"
                        );
                        // Past the overflow the starts are found again: filtered there too.
                        let mut got = Vec::new();
                        long_tokens(b, min, |t| t % 3 == 0, |s, e| got.push((s, e)));
                        let want: Vec<_> = want.into_iter().filter(|(s, _)| s % 3 == 0).collect();
                        assert_eq!(got, want, "{lead:?} {reps} {tail:?} {min} filtered");
                    }
                }
            }
        }
    }

    #[test]
    fn variants() {
        assert_eq!(case_variants("apiKey"), ["apiKey"]);
        assert_eq!(
            case_variants("password"),
            ["PASSWORD", "Password", "password"]
        );
        assert_eq!(case_variants("_key"), ["_KEY", "_key"]);
        assert_eq!(case_variants("-u "), ["-u "]);
        assert_eq!(case_variants("://"), ["://"]);
        assert_eq!(case_variants("hooks.slack.com/"), ["hooks.slack.com/"]);
    }

    #[test]
    fn digit_class_table() {
        for b in 0u8..=255 {
            assert_eq!(
                is_word(Some(&b)),
                crate::detect::is_word_byte(b),
                "byte {b}"
            );
            assert_eq!(sep_bit(b), old_sep_bit(b), "byte {b}");
        }
    }

    /// The byte-at-a-time `digit_run` that the word-at-a-time one replaced: the reference.
    fn old_sep_bit(b: u8) -> u8 {
        match b {
            b'-' => DigitRun::SEP_DASH,
            b'.' => DigitRun::SEP_DOT,
            b'/' => DigitRun::SEP_SLASH,
            b' ' => DigitRun::SEP_SPACE,
            b':' => DigitRun::SEP_COLON,
            b'(' | b')' => DigitRun::SEP_PAREN,
            b'+' => DigitRun::SEP_PLUS,
            _ => 0,
        }
    }

    fn old_digit_run(bytes: &[u8], start: usize) -> DigitRun {
        let n = bytes.len();
        let mut i = start;
        let mut digits = 0usize;
        let mut groups = 0usize;
        let mut seps = 0u8;
        let mut end = start;
        while i < n {
            if bytes[i].is_ascii_digit() {
                let g = i;
                while i < n && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                digits += i - g;
                groups += 1;
                end = i;
                continue;
            }
            let b1 = old_sep_bit(bytes[i]);
            if b1 == 0 {
                break;
            }
            match bytes.get(i + 1) {
                Some(d) if d.is_ascii_digit() => {
                    seps |= b1;
                    i += 1;
                }
                Some(&s2)
                    if old_sep_bit(s2) != 0
                        && s2 != bytes[i]
                        && !(bytes[i] == b'.' && s2 == b' ') =>
                {
                    if bytes.get(i + 2).is_some_and(|d| d.is_ascii_digit()) {
                        seps |= b1 | old_sep_bit(s2);
                        i += 2;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        DigitRun {
            start,
            end,
            digits,
            groups,
            seps,
            word_before: start > 0
                && bytes
                    .get(start - 1)
                    .is_some_and(|b| crate::detect::is_word_byte(*b)),
            word_after: bytes
                .get(end)
                .is_some_and(|b| crate::detect::is_word_byte(*b)),
        }
    }

    /// The digit pass byte by byte: each run from the first digit at or after the end of the
    /// one before, expanded by [`old_digit_run`].
    fn old_digit_pass(bytes: &[u8]) -> Vec<DigitRun> {
        let mut runs = Vec::new();
        let mut i = 0;
        while let Some(p) = bytes
            .iter()
            .skip(i)
            .position(u8::is_ascii_digit)
            .map(|k| k + i)
        {
            let run = old_digit_run(bytes, p);
            runs.push(run);
            i = run.end.max(p + 1);
        }
        runs
    }

    /// Digits, every separator, word and other bytes.
    fn digit_text_bytes() -> impl Strategy<Value = u8> {
        prop_oneof![
            8 => prop::sample::select(b"0123456789".to_vec()),
            4 => prop::sample::select(b"-./ :()+".to_vec()),
            2 => prop::sample::select(b"aZ_,#\n".to_vec()),
            1 => any::<u8>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn digit_run_matches_old(
            bytes in proptest::collection::vec(digit_text_bytes(), 0..80),
            start in 0usize..80,
        ) {
            // Any start in bounds (not only digits), so the two agree beyond the contract.
            if start < bytes.len() {
                prop_assert_eq!(digit_run(&bytes, start), old_digit_run(&bytes, start));
            }
        }

        /// The whole digit pass, as `Scanner::collect` drives it.
        #[test]
        fn digit_pass_matches_old(bytes in proptest::collection::vec(digit_text_bytes(), 0..300)) {
            prop_assert_eq!(DigitRuns::new(&bytes).collect::<Vec<_>>(), old_digit_pass(&bytes));
        }

        /// Passing over short runs before a position reports every other run, unchanged.
        #[test]
        fn digit_pass_skips_only_short_runs_before_until(
            bytes in proptest::collection::vec(digit_text_bytes(), 0..300),
            until in 0usize..320,
            min_digits in 0usize..6,
        ) {
            let mut runs = DigitRuns::new(&bytes);
            runs.skip_short(until, min_digits);
            let got: Vec<DigitRun> = runs.collect();
            let all = old_digit_pass(&bytes);
            // The runs reported are runs of the full pass, in order...
            let mut rest = all.iter();
            for r in &got {
                prop_assert!(rest.any(|x| x == r), "not a run of the full pass: {:?}", r);
            }
            // ...and only runs that the rule allows to pass over are missing.
            for r in all.iter().filter(|r| r.start >= until || r.digits >= min_digits) {
                prop_assert!(got.contains(r), "passed over: {:?}", r);
            }
        }

        /// Few digits, long runs of them and long gaps: windows without digits, groups that
        /// cross a window's end, runs that end exactly at one.
        #[test]
        fn digit_pass_matches_old_sparse_and_long(
            parts in proptest::collection::vec(prop_oneof![
                4 => "[a-z ]{0,150}",
                2 => "[0-9]{1,140}",
                2 => "[0-9]{1,6}([-./ :()+]{1,2}[0-9]{1,6}){0,4}",
                1 => "[^0-9]{0,70}",
            ], 0..12),
        ) {
            let bytes = parts.concat().into_bytes();
            prop_assert_eq!(DigitRuns::new(&bytes).collect::<Vec<_>>(), old_digit_pass(&bytes));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The masked-word test finds exactly the prefixes a token starts with.
        #[test]
        fn prefix_matching_is_starts_with(
            prefixes in proptest::collection::vec("[ab_][ab_-]{0,11}", 1..12),
            token in "[ab_][ab_-]{0,20}",
        ) {
            let list: Vec<(usize, usize, String)> =
                prefixes.iter().enumerate().map(|(i, p)| (i % 3, i, p.clone())).collect();
            let Some(px) = Prefixes::build(&list, 1) else {
                return Err(TestCaseError::fail("no prefixes"));
            };
            let mut got: Vec<(usize, usize, usize)> = px.matching(token.as_bytes()).collect();
            let mut want: Vec<(usize, usize, usize)> = list
                .iter()
                .filter(|(_, _, p)| token.starts_with(p.as_str()))
                .map(|(d, li, p)| (*d, *li, p.len()))
                .collect();
            got.sort_unstable();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn short_runs_before_until_are_passed_over() {
        let t = b"a1b22c333_4444-55 x 12345678_9";
        let starts = |until, min| {
            let mut runs = DigitRuns::new(t);
            runs.skip_short(until, min);
            runs.map(|r| r.start).collect::<Vec<_>>()
        };
        assert_eq!(starts(0, 7), [1, 3, 6, 10, 20, 29]);
        // `4444-55` has six digits in two groups: not whole in the mask, so still reported.
        assert_eq!(starts(usize::MAX, 7), [10, 20]);
        assert_eq!(starts(7, 3), [6, 10, 20, 29]);
        assert_eq!(starts(30, 2), [3, 6, 10, 20]);
    }

    #[test]
    fn runs() {
        let t = b"call (555) 123-4567 now";
        let r = digit_run(t, 6);
        assert_eq!(&t[r.start..r.end], b"555) 123-4567");
        assert_eq!(r.digits, 10);
        assert_eq!(r.groups, 3);
        assert!(r.has_sep(DigitRun::SEP_PAREN) && r.has_sep(DigitRun::SEP_DASH));
        let t = b"v1.2.3a";
        let r = digit_run(t, 1);
        assert_eq!(&t[r.start..r.end], b"1.2.3");
        assert!(r.word_before && r.word_after);
        let t = b"4111 1111 1111 1111.";
        let r = digit_run(t, 0);
        assert_eq!(r.digits, 16);
        assert_eq!(r.end, 19);
        let t = b"12 .. 34";
        assert_eq!(digit_run(t, 0).end, 2);
    }
}
