//! Context words: cues that make an ambiguous match believable ("SSN" before nine digits) or
//! doubtful ("order", "tracking", "ISBN").

use super::{ceil_char_boundary, escape_letter, floor_char_boundary, is_word_byte};

/// A set of cue words, matched ASCII case-insensitively as whole words.
///
/// A cue that begins (ends) with a word character must not be preceded (followed) by one, so
/// `dob` matches in "DOB: 1/2/80" but not in "adobe". Cues may contain spaces and punctuation
/// ("date of birth", "d.o.b").
///
/// A window is searched word by word: a cue that begins with a word character can only start
/// where a word does, so the candidates are the word starts of a 64-bit mask of the window's
/// word bytes, and each is compared with the few cues that share its first byte. (An
/// Aho-Corasick automaton, which this replaced, has no prefilter for a case-insensitive set and
/// walks every byte of the window; it also let a longer cue that failed the word test hide a
/// shorter one that passed, as "bank routing" hid "routing" in "mybank routing".)
#[derive(Clone, Debug)]
pub(crate) struct Cues {
    /// The cues, ASCII lower-cased, sorted by first byte.
    words: Vec<Box<[u8]>>,
    /// The cues that begin with byte `c` are `words[first[c]..first[c + 1]]`.
    first: Box<[u32; 257]>,
    /// Bit `d % 32` of `second[c]` is set when a cue begins with bytes `c`, `d` (or is the
    /// one byte `c`, which sets every bit): most word starts fail here, before any compare.
    second: Box<[u32; 256]>,
    /// Some cue begins with a byte that is not a word byte: such a cue may start anywhere.
    any_start: bool,
}

impl Cues {
    /// Builds the set. An empty list never matches.
    pub(crate) fn new<I, S>(words: I) -> Cues
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut words: Vec<Box<[u8]>> = words
            .into_iter()
            .map(|w| {
                w.as_ref()
                    .to_ascii_lowercase()
                    .into_bytes()
                    .into_boxed_slice()
            })
            .filter(|w| !w.is_empty())
            .collect();
        words.sort_by_key(|w| w[0]);
        let mut first = Box::new([0u32; 257]);
        for w in &words {
            first[usize::from(w[0]) + 1] += 1;
        }
        for c in 0..256 {
            first[c + 1] += first[c];
        }
        let mut second = Box::new([0u32; 256]);
        for w in &words {
            second[usize::from(w[0])] |= match w.get(1) {
                Some(&d) => 1 << (d % 32),
                None => u32::MAX,
            };
        }
        let any_start = words.iter().any(|w| !is_word_byte(w[0]));
        Cues {
            words,
            first,
            second,
            any_start,
        }
    }

    /// True when a cue occurs as a whole word in `text[start - before .. start]` or in
    /// `text[end .. end + after]` (windows clamped to the text and to char boundaries).
    pub(crate) fn near(
        &self,
        text: &str,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let start = floor_char_boundary(text, start);
        let end = ceil_char_boundary(text, end.max(start));
        let lo = floor_char_boundary(text, start.saturating_sub(before));
        let b = text.as_bytes();
        if lo < start && self.any_in(b, lo, start) {
            return true;
        }
        let hi = ceil_char_boundary(text, end.saturating_add(after));
        end < hi && self.any_in(b, end, hi)
    }

    /// True when a cue lies in `b[lo..hi]` as a whole word (the bytes around it may be outside
    /// the window).
    fn any_in(&self, b: &[u8], lo: usize, hi: usize) -> bool {
        let hi = hi.min(b.len());
        let mut i = lo;
        while i < hi {
            let n = (hi - i).min(64);
            let (w, bs) = crate::block::word_and_backslash_bits(&b[i..i + n]);
            // Word starts: word bytes after a byte that is not one (before the chunk, the
            // byte before it in the text).
            let before = u64::from(i > 0 && is_word_byte(b[i - 1]) && !escape_letter(b, i - 1));
            let mut cand = w & !(w << 1 | before);
            // A word that starts with an escape's letter (`\nNPI`) also starts after it.
            let esc = cand & (bs << 1 | u64::from(i > 0 && b[i - 1] == b'\\'));
            if esc != 0 {
                let mut e = esc;
                while e != 0 {
                    let k = e.trailing_zeros() as usize;
                    e &= e - 1;
                    if escape_letter(b, i + k) {
                        cand |= (1u64 << k << 1) & w;
                    }
                }
            }
            if self.any_start {
                let in_chunk = if n == 64 { u64::MAX } else { (1 << n) - 1 };
                cand |= !w & in_chunk;
            }
            while cand != 0 {
                let p = i + cand.trailing_zeros() as usize;
                cand &= cand - 1;
                if self.starts_at(b, p, hi) {
                    return true;
                }
            }
            i += n;
        }
        false
    }

    /// A cue starts at `p` (a word start, or any byte that is not a word byte) and ends by `hi`,
    /// not followed by a word byte when it ends with one.
    #[inline]
    fn starts_at(&self, b: &[u8], p: usize, hi: usize) -> bool {
        let c = usize::from(b[p].to_ascii_lowercase());
        let d = b.get(p + 1).map_or(0, u8::to_ascii_lowercase);
        if self.second[c] & (1 << (d % 32)) == 0 {
            return false;
        }
        let (from, to) = (self.first[c] as usize, self.first[c + 1] as usize);
        self.words[from..to].iter().any(|w| {
            let e = p + w.len();
            e <= hi
                && b[p..e].eq_ignore_ascii_case(w)
                && !(is_word_byte(w[w.len() - 1]) && b.get(e).is_some_and(|&x| is_word_byte(x)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_words_only() {
        let c = Cues::new(["dob", "date of birth"]);
        assert!(c.near("DOB: 01/02/1980", 5, 15, 64, 0));
        assert!(!c.near("adobe 01/02/1980", 6, 16, 64, 0));
        assert!(c.near("Date of Birth 01/02/1980", 14, 24, 64, 0));
        assert!(c.near("01/02/1980 (dob)", 0, 10, 0, 32));
        assert!(!c.near("01/02/1980 (dob)", 0, 10, 0, 3));
    }

    #[test]
    fn windows_clamp_on_multibyte_text() {
        let c = Cues::new(["ssn"]);
        let t = "é ssn é 123";
        for s in 0..=t.len() {
            for e in s..=t.len() {
                let _ = c.near(t, s, e, 3, 3);
            }
        }
        assert!(!Cues::new(Vec::<String>::new()).near(t, 0, 1, 10, 10));
    }

    #[test]
    fn a_failed_longer_cue_does_not_hide_a_shorter_one() {
        let c = Cues::new(["bank routing", "routing"]);
        assert!(c.near("mybank routing 12345", 15, 20, 64, 0));
        assert!(!c.near("mybank routingx 12345", 16, 21, 64, 0));
    }

    #[test]
    fn cues_may_start_with_punctuation_and_hold_capitals() {
        let c = Cues::new(["#ID", "Acct."]);
        assert!(c.near("ref #id 42", 8, 10, 64, 0));
        assert!(c.near("x#id 42", 5, 7, 64, 0));
        assert!(!c.near("ref #idx 42", 9, 11, 64, 0));
        assert!(c.near("ACCT.42", 5, 7, 64, 0));
        assert!(!c.near("xacct. 42", 7, 9, 64, 0));
    }

    /// The specification: some cue occurs in `text[lo..hi]`, ignoring ASCII case, not glued to
    /// a word byte on a side where the cue itself has one.
    fn naive_any_in(words: &[&str], b: &[u8], lo: usize, hi: usize) -> bool {
        let word = |i: usize| b.get(i).is_some_and(|&x| is_word_byte(x));
        (lo..hi).any(|p| {
            words.iter().any(|w| {
                let w = w.as_bytes();
                let e = p + w.len();
                !w.is_empty()
                    && e <= hi
                    && b[p..e].eq_ignore_ascii_case(w)
                    && !(is_word_byte(w[0]) && p > 0 && word(p - 1) && !escape_letter(b, p - 1))
                    && !(is_word_byte(w[w.len() - 1]) && word(e))
            })
        })
    }

    /// The Aho-Corasick search this replaced (leftmost-longest, non-overlapping matches).
    fn old_any_in(words: &[&str], text: &str, lo: usize, hi: usize) -> bool {
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(words.iter().filter(|w| !w.is_empty()))
            .expect("test cues build");
        let b = text.as_bytes();
        let word = |i: usize| b.get(i).is_some_and(|&x| is_word_byte(x));
        let Some(window) = text.get(lo..hi) else {
            return false;
        };
        ac.find_iter(window).any(|m| {
            let (s, e) = (lo + m.start(), lo + m.end());
            let first_word = word(s);
            let last_word = e > s && word(e - 1);
            (!first_word || s == 0 || !word(s - 1)) && (!last_word || !word(e))
        })
    }

    const WORDS: &[&str] = &[
        "card",
        "cc",
        "dob",
        "date of birth",
        "d.o.b",
        "dea#",
        "routing",
        "bank routing",
        "#id",
        "x-ray",
        "é",
        "q",
        "",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Cue-like text: pieces of cues, word bytes, separators and multi-byte characters.
        #[test]
        fn any_in_matches_the_specification(
            parts in proptest::collection::vec(prop_oneof![
                proptest::sample::select(WORDS.to_vec()).prop_map(String::from),
                proptest::sample::select(WORDS.to_vec()).prop_map(|w| w.to_uppercase()),
                "[a-zA-Z0-9_ #.:\\-]{0,4}",
                Just("é".to_string()),
                proptest::sample::select(vec!["\\", "\\n", "\\\\n", "\\t"]).prop_map(String::from),
            ], 0..40),
            lo in 0usize..200,
            len in 0usize..200,
        ) {
            let text = parts.concat();
            let cues = Cues::new(WORDS);
            let lo = floor_char_boundary(&text, lo.min(text.len()));
            let hi = ceil_char_boundary(&text, (lo + len).min(text.len()));
            let b = text.as_bytes();
            let got = cues.any_in(b, lo, hi);
            prop_assert_eq!(got, naive_any_in(WORDS, b, lo, hi));
            // The old search found a subset: a failed longer cue could hide a shorter one.
            prop_assert!(got || !old_any_in(WORDS, &text, lo, hi));
        }
    }
}
