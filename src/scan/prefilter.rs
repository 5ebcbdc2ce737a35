//! The passes that decide where detectors look.
//!
//! Three cheap passes cover every built-in trigger: one Aho-Corasick automaton over all literal
//! anchors, `memchr` for `@`, and a word-at-a-time scan for ASCII digits. Detectors run only at
//! their hits, so prose without anchors, digits or `@` costs little more than the passes.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

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

/// One automaton for every detector's literal anchors.
///
/// The automaton reports leftmost-longest, non-overlapping matches. A literal that is contained
/// in a longer one (`sk-` in `sk-ant-`) would then never be seen where the longer one matches,
/// so each pattern carries the targets of every literal it contains.
#[derive(Clone, Debug)]
pub(crate) struct Literals {
    pub(crate) ac: AhoCorasick,
    pub(crate) targets: Vec<Vec<LiteralTarget>>,
}

impl Literals {
    /// `lits[i] = (detector, literal index, literal)`. Returns `None` when there are none.
    pub(crate) fn build(lits: &[(usize, usize, String)]) -> Option<Literals> {
        if lits.is_empty() {
            return None;
        }
        // Distinct patterns, compared ASCII case-insensitively.
        let mut patterns: Vec<String> = Vec::new();
        for (_, _, l) in lits {
            let low = l.to_ascii_lowercase();
            if !patterns.contains(&low) {
                patterns.push(low);
            }
        }
        let mut targets: Vec<Vec<LiteralTarget>> = vec![Vec::new(); patterns.len()];
        for (pi, p) in patterns.iter().enumerate() {
            for (det, li, l) in lits {
                let low = l.to_ascii_lowercase();
                // Every occurrence of the literal inside the pattern (usually one, at 0).
                let mut from = 0;
                while let Some(off) = p.get(from..).and_then(|rest| rest.find(low.as_str())) {
                    let offset = from + off;
                    targets[pi].push(LiteralTarget {
                        detector: *det,
                        literal: *li,
                        offset,
                        len: low.len(),
                    });
                    from = offset + 1;
                }
            }
            targets[pi].sort_by_key(|t| (t.offset, t.detector, t.literal));
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .or_else(|_| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
            })
            .ok()?;
        Some(Literals { ac, targets })
    }
}

const ONES: u64 = u64::MAX / 255;
const HIGH: u64 = ONES * 128;
const LOW7: u64 = ONES * 127;

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
