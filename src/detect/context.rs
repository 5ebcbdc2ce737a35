//! Context words: cues that make an ambiguous match believable ("SSN" before nine digits) or
//! doubtful ("order", "tracking", "ISBN").

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{ceil_char_boundary, floor_char_boundary, is_word_byte};

/// A set of cue words, matched ASCII case-insensitively as whole words.
///
/// A cue that begins (ends) with a word character must not be preceded (followed) by one, so
/// `dob` matches in "DOB: 1/2/80" but not in "adobe". Cues may contain spaces and punctuation
/// ("date of birth", "d.o.b").
#[derive(Clone, Debug)]
pub(crate) struct Cues {
    ac: Option<AhoCorasick>,
}

impl Cues {
    /// Builds the set. An empty list never matches.
    pub(crate) fn new<I, S>(words: I) -> Cues
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let words: Vec<String> = words
            .into_iter()
            .map(|w| w.as_ref().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Cues { ac: None };
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .ok();
        Cues { ac }
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
        let Some(ac) = &self.ac else { return false };
        let start = floor_char_boundary(text, start);
        let end = ceil_char_boundary(text, end.max(start));
        let lo = floor_char_boundary(text, start.saturating_sub(before));
        if lo < start && Self::any_in(ac, text, lo, start) {
            return true;
        }
        let hi = ceil_char_boundary(text, end.saturating_add(after));
        end < hi && Self::any_in(ac, text, end, hi)
    }

    fn any_in(ac: &AhoCorasick, text: &str, lo: usize, hi: usize) -> bool {
        let bytes = text.as_bytes();
        let Some(window) = text.get(lo..hi) else {
            return false;
        };
        ac.find_iter(window).any(|m| {
            let (s, e) = (lo + m.start(), lo + m.end());
            let first_word = bytes.get(s).is_some_and(|b| is_word_byte(*b));
            let last_word = e > s && bytes.get(e - 1).is_some_and(|b| is_word_byte(*b));
            let ok_before =
                !first_word || s == 0 || !bytes.get(s - 1).is_some_and(|b| is_word_byte(*b));
            let ok_after = !last_word || !bytes.get(e).is_some_and(|b| is_word_byte(*b));
            ok_before && ok_after
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
