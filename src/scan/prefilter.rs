//! The passes that decide where detectors look.
//!
//! Three cheap passes cover every built-in trigger: one Aho-Corasick automaton over all literal
//! anchors, `memchr` for `@`, and a word-at-a-time scan for ASCII digits. Detectors run only at
//! their hits, so prose without anchors, digits or `@` costs little more than the passes.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::detect::{is_word_byte, DigitRun};

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

/// `(prefix, detector, literal index)`.
type PrefixEntry = (Box<[u8]>, usize, usize);

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
                by_first[usize::from(b)].push((p.as_bytes().into(), *d, *li));
            }
        }
        let mut pairs = vec![0u64; 65536 / 64];
        for list in &mut by_first {
            // Longest first, so a detector sees its most specific prefix.
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
            for (p, _, _) in list.iter() {
                match **p {
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
        list.iter()
            .filter(move |(p, _, _)| token.starts_with(p))
            .map(|(p, d, li)| (*d, *li, p.len()))
    }
}

/// Byte classes for the long-token pass: bit 0 = body byte (a token byte or base64's `+`, `/`,
/// `=`), bit 1 = ASCII letter or digit. One table load instead of a chain of comparisons.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        let body = alnum || matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'=');
        t[i] = (body as u8) | ((alnum as u8) << 1);
        i += 1;
    }
    t
};

/// A byte that can be inside a token's body: a token byte or base64's `+`, `/`, `=`.
#[inline(always)]
fn is_body_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & 1 != 0
}

#[inline(always)]
fn is_alnum(b: u8) -> bool {
    CLASS[usize::from(b)] & 2 != 0
}

/// Calls `f(start, run_end)` for every token start inside every maximal run of body bytes (see
/// [`is_body_byte`]) of at least `min_len` bytes, in order. A token start is an ASCII letter or
/// digit whose predecessor is not one, so `key=ghp_…` offers `key` and `ghp_…`, and
/// `secrets.pypi-…` offers `secrets` and `pypi-…`.
///
/// `min_len` must be at least 15: every such run then contains a whole 8-byte-aligned block, so
/// the scan only stops at blocks whose bytes all lie in `0x2B..=0x7A` (no space, newline, comma,
/// quote or non-ASCII byte), which prose rarely has.
pub(crate) fn long_tokens(bytes: &[u8], min_len: usize, mut f: impl FnMut(usize, usize)) {
    debug_assert!(min_len >= 15);
    let n = bytes.len();
    let mut i = 0;
    let mut done = 0; // everything before this offset has been examined
    while i + 8 <= n {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        let x = u64::from_le_bytes(w);
        if has_less(x, 0x2B) || has_more(x, 0x7A) {
            i += 8;
            continue;
        }
        let mut p = i.max(done);
        while p < i + 8 {
            if !is_body_byte(bytes[p]) {
                p += 1;
                continue;
            }
            let mut s = p;
            while s > done && is_body_byte(bytes[s - 1]) {
                s -= 1;
            }
            let mut e = p;
            while e < n && is_body_byte(bytes[e]) {
                e += 1;
            }
            if e - s >= min_len && (s == 0 || !is_body_byte(bytes[s - 1])) {
                let mut prev_alnum = false;
                for (t, &b) in bytes.iter().enumerate().take(e).skip(s) {
                    let alnum = is_alnum(b);
                    if alnum && !prev_alnum {
                        f(t, e);
                    }
                    prev_alnum = alnum;
                }
            }
            done = e;
            p = e;
        }
        done = done.max(i + 8);
        i = (done + 7) & !7;
    }
}

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES * 128;
const LOW7: u64 = ONES * 127;

/// True when some byte of `x` is less than `n` (`n <= 128`; exact).
#[inline(always)]
fn has_less(x: u64, n: u8) -> bool {
    (x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH) != 0
}

/// True when some byte of `x` is greater than `n` (`n <= 127`; exact).
#[inline(always)]
fn has_more(x: u64, n: u8) -> bool {
    ((x.wrapping_add(ONES * (127 - u64::from(n))) | x) & HIGH) != 0
}

/// True when some byte of `x` is an ASCII digit (exact; "hasbetween" from Bit Twiddling Hacks
/// with m = b'0' - 1 and n = b'9' + 1; no byte lane can carry or borrow into the next).
#[inline(always)]
fn has_digit(x: u64) -> bool {
    let low = x & LOW7;
    ((ONES * (127 + b':' as u64)).wrapping_sub(low)
        & !x
        & low.wrapping_add(ONES * (127 - b'/' as u64))
        & HIGH)
        != 0
}

/// The position of the first ASCII digit at or after `from`.
#[inline]
pub(crate) fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut base = from;
    for chunk in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        if has_digit(u64::from_le_bytes(w)) {
            // The chunk has a digit: find it.
            for (k, b) in chunk.iter().enumerate() {
                if b.is_ascii_digit() {
                    return Some(base + k);
                }
            }
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| b.is_ascii_digit())
        .map(|k| base + k)
}

#[inline]
fn sep_bit(b: u8) -> u8 {
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

/// Expands the digit run that starts at `start` (which must hold a digit).
///
/// A separator joins two digit groups when a digit follows it directly or after one more
/// separator (`") 5"`, `"- 5"`). Linear in the run's length.
pub(crate) fn digit_run(bytes: &[u8], start: usize) -> DigitRun {
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
        let b1 = sep_bit(bytes[i]);
        if b1 == 0 {
            break;
        }
        match bytes.get(i + 1) {
            Some(d) if d.is_ascii_digit() => {
                seps |= b1;
                i += 1;
            }
            Some(&s2) if sep_bit(s2) != 0 && s2 != bytes[i] => {
                if bytes.get(i + 2).is_some_and(|d| d.is_ascii_digit()) {
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
        word_before: start > 0 && bytes.get(start - 1).is_some_and(|b| is_word_byte(*b)),
        word_after: bytes.get(end).is_some_and(|b| is_word_byte(*b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_next_digit(b: &[u8], from: usize) -> Option<usize> {
        b.iter()
            .skip(from)
            .position(|c| c.is_ascii_digit())
            .map(|p| p + from)
    }

    proptest! {
        #[test]
        fn next_digit_matches_naive(bytes in proptest::collection::vec(any::<u8>(), 0..64), from in 0usize..70) {
            prop_assert_eq!(next_digit(&bytes, from), naive_next_digit(&bytes, from));
        }
    }

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

    proptest! {
        #[test]
        fn long_tokens_match_naive(
            text in "([a-z0-9_.-]{0,40}[ ,;:/=+\n\"'é]{0,3}){0,12}",
            min in 15usize..24,
        ) {
            let mut got = Vec::new();
            long_tokens(text.as_bytes(), min, |s, e| got.push((s, e)));
            prop_assert_eq!(got, naive_long_tokens(text.as_bytes(), min));
        }
    }

    #[test]
    fn has_less_more_exact() {
        for b in 0u8..=255 {
            for lane in 0..8 {
                let mut w = [b'a'; 8];
                w[lane] = b;
                let x = u64::from_le_bytes(w);
                assert_eq!(has_less(x, 0x2D), b < 0x2D, "byte {b}");
                assert_eq!(has_more(x, 0x7A), b > 0x7A, "byte {b}");
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
    fn has_digit_exact_for_every_byte() {
        for b in 0u8..=255 {
            for lane in 0..8 {
                let mut w = [b'a'; 8];
                w[lane] = b;
                assert_eq!(
                    has_digit(u64::from_le_bytes(w)),
                    b.is_ascii_digit(),
                    "byte {b}"
                );
                let mut w = [0xFFu8; 8];
                w[lane] = b;
                assert_eq!(
                    has_digit(u64::from_le_bytes(w)),
                    b.is_ascii_digit(),
                    "byte {b} in 0xff"
                );
            }
        }
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
