//! Detectors: the built-in families and the host-defined ones.
//!
//! A detector never scans a whole text on its own. The engine runs one cheap pass per trigger
//! class (an Aho-Corasick automaton over every detector's literal anchors, `memchr` for `@`, a
//! 16-byte SIMD scan for ASCII digit runs) and calls a detector only where one of its triggers
//! fired. The detector then looks at a bounded window around the trigger, validates what it finds
//! (checksums, structure, context words) and emits candidates. Overlaps between detectors are
//! resolved afterwards by the scanner (the most specific finding wins).
//!
//! Hosts add their own detectors with [`Detector::regex`]; the built-in ones are internal and
//! selected through [`ScannerBuilder`](crate::ScannerBuilder) by [`Kind`] or
//! [`Category`](crate::Category).

use std::sync::Arc;

use crate::error::BuildError;
use crate::finding::{Finding, Kind, Span};

pub(crate) mod context;
mod custom;
pub(crate) mod financial;
pub(crate) mod phi;
pub(crate) mod pii;
pub(crate) mod secrets;
mod table;
mod x12;
// -- detect modules: extra families --
mod gateway;

pub(crate) use custom::DenyTerms;
pub use custom::Detector;

/// Score that built-in detectors give a structurally valid, checksum-confirmed match.
pub(crate) const SCORE_CONFIRMED: f32 = 0.95;
/// Score for a match whose structure is distinctive but carries no checksum.
pub(crate) const SCORE_STRONG: f32 = 0.85;
/// Score for a match that needs its context word to be believed.
pub(crate) const SCORE_WITH_CUE: f32 = 0.8;
/// Score for a plausible match without confirming context: below the default threshold.
pub(crate) const SCORE_WEAK: f32 = 0.3;

/// The default minimum score of a scanner.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;

/// The shortest run that [`Trigger::TokenPrefixes`] looks in, in bytes (the pass needs 15+).
pub(crate) const MIN_PREFIXED_TOKEN: usize = 15;

/// How far before a candidate the built-in detectors look for context words, in bytes.
pub(crate) const CONTEXT_BEFORE: usize = 64;
/// How far after a candidate the built-in detectors look for context words, in bytes.
pub(crate) const CONTEXT_AFTER: usize = 32;

/// Where the engine should call a detector.
#[derive(Clone, Debug)]
pub(crate) enum Trigger {
    /// At every occurrence of one of these literals. A keyword (lower-case letters, `_`, `-`,
    /// such as `password`) is also matched in upper case and capitalized (`PASSWORD`,
    /// `Password`); any other literal (`eyJ`, `AKIA`, `://`) exactly. List other spellings
    /// (`apiKey`) explicitly. Matching is case-sensitive so that the shared automaton keeps its SIMD
    /// prefilter: keep literals at least three bytes long and few (tens, not hundreds).
    Literals(Vec<String>),
    /// At every token start (an ASCII letter or digit not preceded by one) inside a run of at
    /// least [`MIN_PREFIXED_TOKEN`] letters, digits, `_`, `-`, `.` or base64's `+`, `/`, `=`,
    /// where the text begins with one of these prefixes, matched exactly. Prefixes must begin
    /// with a letter or digit. This is the trigger for vendor tokens: hundreds of prefixes cost one cheap pass
    /// that only stops at long tokens. `Hit::literal` numbers prefixes after any `Literals` of
    /// the same detector, in trigger order.
    TokenPrefixes(Vec<String>),
    /// Like [`Trigger::Literals`], always matched exactly as written.
    LiteralsExact(Vec<String>),
    /// Once per run of ASCII digits (digits joined by single separators, see [`DigitRun`]) with
    /// at least `min_digits` digits.
    Digits {
        /// Runs with fewer digits are not worth a call.
        min_digits: usize,
    },
    /// At every `@`.
    At,
    /// Once per scan, with the whole text.
    Whole,
}

/// A run of ASCII digits joined by single separators (`-./ :()+`), as found by the engine.
///
/// It is only a reason to look: a detector decides what, if anything, inside or around it is a
/// finding. `start` is the first digit; `end` is one past the last digit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DigitRun {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Number of ASCII digits in the run.
    pub(crate) digits: usize,
    /// Number of digit groups (runs of digits between separators).
    pub(crate) groups: usize,
    /// Bit set of the separators seen: see the `SEP_*` constants.
    pub(crate) seps: u8,
    /// The byte before `start` is an ASCII letter, digit or `_`.
    pub(crate) word_before: bool,
    /// The byte at `end` is an ASCII letter, digit or `_`.
    pub(crate) word_after: bool,
}

#[allow(dead_code)]
impl DigitRun {
    pub(crate) const SEP_DASH: u8 = 1;
    pub(crate) const SEP_DOT: u8 = 2;
    pub(crate) const SEP_SLASH: u8 = 4;
    pub(crate) const SEP_SPACE: u8 = 8;
    pub(crate) const SEP_COLON: u8 = 16;
    pub(crate) const SEP_PAREN: u8 = 32;
    pub(crate) const SEP_PLUS: u8 = 64;

    /// True when the run touches no other word characters on either side.
    pub(crate) fn is_standalone(&self) -> bool {
        !self.word_before && !self.word_after
    }

    /// True when some separator in `mask` occurs in the run.
    pub(crate) fn has_sep(&self, mask: u8) -> bool {
        self.seps & mask != 0
    }
}

/// Why the engine called a detector.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    /// Start of the trigger: the literal, the `@`, the first digit of the run, or 0.
    pub(crate) start: usize,
    /// End of the trigger: end of the literal, the byte after `@`, end of the run, or the text
    /// length.
    pub(crate) end: usize,
    /// For [`Trigger::Literals`] and [`Trigger::TokenPrefixes`]: the index of the literal in
    /// the detector's literals, counted across its triggers in order.
    pub(crate) literal: usize,
    /// For [`Trigger::Digits`]: the run.
    pub(crate) run: DigitRun,
}

/// A candidate finding with the specificity used to resolve overlaps.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    pub(crate) finding: Finding,
    /// Higher wins an overlap. See [`priority`].
    pub(crate) priority: u8,
}

/// Overlap priorities: the more specific a detector, the higher. A finding that structurally
/// contains others (a PEM block, a URI with credentials) outranks what it contains.
#[allow(dead_code)]
pub(crate) mod priority {
    /// A PEM block, a service-account JSON: contains anything.
    pub(crate) const CONTAINER: u8 = 100;
    /// A URI or connection string with credentials: contains emails, hosts, passwords.
    pub(crate) const CONNECTION: u8 = 95;
    /// A vendor token with a distinctive prefix (and often a checksum).
    pub(crate) const PREFIXED_TOKEN: u8 = 90;
    /// A JWT.
    pub(crate) const JWT: u8 = 88;
    /// A checksum-validated structured id (IBAN, card, NPI, DEA, ABA).
    pub(crate) const CHECKSUMMED: u8 = 80;
    /// A keyword-assigned secret (`password = …`, `api_key: …`).
    pub(crate) const ASSIGNED_SECRET: u8 = 70;
    /// An email address.
    pub(crate) const EMAIL: u8 = 65;
    /// A structured id validated by number rules (SSN, ITIN, IP, MAC).
    pub(crate) const STRUCTURED: u8 = 60;
    /// Host-defined detectors and deny-terms, unless they say otherwise.
    pub(crate) const CUSTOM: u8 = 55;
    /// A phone number.
    pub(crate) const PHONE: u8 = 50;
    /// An id believed through its context word only (MRN, account, passport, DOB).
    pub(crate) const CONTEXTUAL: u8 = 40;
    /// A high-entropy string with a weak name.
    pub(crate) const GENERIC: u8 = 20;
}

/// The engine's view of one detector. Internal: hosts use [`Detector`].
pub(crate) trait Detect:
    Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe + 'static
{
    /// Stable id, reported in [`Finding::detector`].
    fn id(&self) -> &'static str;
    /// Every kind this detector may emit.
    fn kinds(&self) -> Vec<Kind>;
    /// Where to call it.
    fn triggers(&self) -> Vec<Trigger>;
    /// An upper bound on the length in bytes of what it reports (streaming uses it to size the
    /// hold-back). Context words add [`CONTEXT_BEFORE`] / [`CONTEXT_AFTER`] on top.
    fn max_len(&self) -> usize;
    /// Looks around `hit`, pushes candidates through `cx` and returns a byte offset: the engine
    /// skips this detector's later hits that start before it (return `hit.start + 1` for no
    /// skipping). Work per call must be bounded by the window it reads, and windows must not be
    /// re-read by later calls more than a constant number of times, so that scans stay linear.
    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize;
}

/// What a detector sees of a scan: the text and a sink for candidates.
pub(crate) struct Cx<'a> {
    pub(crate) text: &'a str,
    pub(crate) bytes: &'a [u8],
    detector: &'static str,
    out: &'a mut Vec<Candidate>,
}

#[allow(dead_code)]
impl<'a> Cx<'a> {
    pub(crate) fn new(
        text: &'a str,
        detector: &'static str,
        out: &'a mut Vec<Candidate>,
    ) -> Cx<'a> {
        Cx {
            text,
            bytes: text.as_bytes(),
            detector,
            out,
        }
    }

    /// Makes the candidates emitted from now on those of `detector` (one context serves a
    /// whole pass).
    #[inline]
    pub(crate) fn set_detector(&mut self, detector: &'static str) {
        self.detector = detector;
    }

    /// Emits a candidate. Spans that are empty, out of bounds or not on char boundaries are
    /// dropped (a detector bug must never become a panic or a bad offset downstream).
    pub(crate) fn emit(&mut self, kind: Kind, start: usize, end: usize, score: f32, prio: u8) {
        if start >= end
            || end > self.text.len()
            || !self.text.is_char_boundary(start)
            || !self.text.is_char_boundary(end)
        {
            debug_assert!(
                start < end,
                "detector {} emitted an empty span",
                self.detector
            );
            return;
        }
        self.out.push(Candidate {
            finding: Finding::new(kind, Span::new(start, end), score, self.detector),
            priority: prio,
        });
    }

    /// The largest char boundary `<= i` (clamped to the text).
    #[inline]
    pub(crate) fn floor(&self, i: usize) -> usize {
        floor_char_boundary(self.text, i)
    }

    /// The smallest char boundary `>= i` (clamped to the text).
    #[inline]
    pub(crate) fn ceil(&self, i: usize) -> usize {
        ceil_char_boundary(self.text, i)
    }

    /// Leftmost match of `re` that starts in `lo..` and ends by `hi`, with the text before `lo`
    /// visible to look-behind assertions such as `\b`. `hi` is the end of the window: a match
    /// ending exactly at `hi` may have been cut short, so callers check [`Cx::word_at`] when
    /// that matters. Bounds are moved to char boundaries.
    pub(crate) fn find_in(
        &self,
        re: &regex::Regex,
        lo: usize,
        hi: usize,
    ) -> Option<(usize, usize)> {
        let hi = self.floor(hi.min(self.text.len()));
        let lo = self.floor(lo.min(hi));
        re.find_at(&self.text[..hi], lo)
            .map(|m| (m.start(), m.end()))
    }

    /// Like [`Cx::find_in`], for every non-overlapping match in the window.
    pub(crate) fn find_iter_in<'r>(
        &self,
        re: &'r regex::Regex,
        lo: usize,
        hi: usize,
    ) -> impl Iterator<Item = regex::Captures<'a>> + 'r
    where
        'a: 'r,
    {
        let hi = self.floor(hi.min(self.text.len()));
        let lo = self.floor(lo.min(hi));
        let hay: &'a str = &self.text[..hi];
        let mut at = lo;
        std::iter::from_fn(move || {
            if at > hay.len() {
                return None;
            }
            let caps = re.captures_at(hay, at)?;
            let m = caps.get(0)?;
            at = if m.end() > m.start() {
                m.end()
            } else {
                ceil_char_boundary(hay, m.end() + 1).max(m.end() + 1)
            };
            Some(caps)
        })
    }

    /// True when the byte at `i` is an ASCII letter, digit or `_` (false out of bounds), and not
    /// the letter of an escape ([`escape_letter`]: `\t4111…` in a JSON string read raw).
    #[inline]
    pub(crate) fn word_at(&self, i: usize) -> bool {
        self.bytes.get(i).is_some_and(|b| is_word_byte(*b)) && !escape_letter(self.bytes, i)
    }

    /// True when one of `cues` occurs as a whole word in the `CONTEXT_BEFORE` bytes before
    /// `start` or the `CONTEXT_AFTER` bytes after `end`.
    pub(crate) fn cue_near(&self, cues: &context::Cues, start: usize, end: usize) -> bool {
        cues.near(self.text, start, end, CONTEXT_BEFORE, CONTEXT_AFTER)
    }

    /// True when one of `cues` occurs as a whole word in the `before` bytes before `start`.
    pub(crate) fn cue_before(&self, cues: &context::Cues, start: usize, before: usize) -> bool {
        cues.near(self.text, start, start, before, 0)
    }
}

/// True when the byte at `i` is the letter of a backslash escape: the `n` of `\n`, the `t` of
/// `\t`, the `r` of `\r`. JSON bodies and escaped strings read raw (`"…\nMRN: 123…"`) put
/// those letters right before words and values; they separate, like the whitespace they stand
/// for. An even run of backslashes escapes itself: in `\\nancy`, `n` is a letter.
#[inline(always)]
pub(crate) fn escape_letter(b: &[u8], i: usize) -> bool {
    // The backslash first: it is rare, the letters are not.
    i > 0 && b.get(i - 1) == Some(&b'\\') && escape_after_backslash(b, i)
}

/// True when a backslash at `i` starts an escape (`\n`, `\t`, `\r`; see [`escape_letter`]).
#[inline]
pub(crate) fn escape_at(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&b'\\') && escape_letter(b, i + 1)
}

/// [`escape_letter`] past its first test: the letter, and an odd run of backslashes before it
/// (counting at most eight).
#[cold]
#[inline(never)]
fn escape_after_backslash(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), Some(b'n' | b't' | b'r'))
        && b[..i]
            .iter()
            .rev()
            .take(8)
            .take_while(|&&c| c == b'\\')
            .count()
            % 2
            == 1
}

/// ASCII letter, digit or underscore.
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The largest char boundary `<= i`, clamped to `s.len()`.
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary `>= i`, clamped to `s.len()`.
pub(crate) fn ceil_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Every built-in detector, in a fixed order.
pub(crate) fn builtin() -> Vec<Arc<dyn Detect>> {
    let mut all: Vec<Arc<dyn Detect>> = Vec::new();
    all.extend(pii::detectors());
    all.extend(phi::detectors());
    all.extend(financial::detectors());
    all.extend(secrets::detectors());
    all.extend(table::detectors());
    all.extend(x12::detectors());
    // -- detect registry: extra families --
    all.extend(gateway::detectors());
    all
}

/// Compiles a built-in pattern. Built-in patterns are tested, so failure is a bug in this crate;
/// it is reported through `BuildError` rather than a panic all the same.
#[allow(dead_code)]
pub(crate) fn compile(name: &str, pattern: &str) -> Result<regex::Regex, BuildError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| BuildError::pattern(name, &e))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for detector unit tests: run one detector through the real engine.
    use super::{Candidate, Cx, Hit};
    use crate::{Finding, Kind, Scanner};
    use proptest::prelude::*;

    /// One detector entry point: `Detect::detect`, or a reference version of it.
    pub(crate) type DetectFn = fn(&mut Cx<'_>, &Hit) -> usize;

    /// What one dispatch does: its resume offset and the candidates it emits.
    fn dispatch(text: &str, hit: &Hit, f: DetectFn) -> (usize, String) {
        let mut out: Vec<Candidate> = Vec::new();
        let mut cx = Cx::new(text, "test", &mut out);
        let r = f(&mut cx, hit);
        (r, format!("{out:?}"))
    }

    /// Every digit run of `text`, offered alone, gets the same resume offset and the same
    /// candidates from `new` as from `old`: for fast paths checked against the code they skip.
    pub(crate) fn same_on_every_run(
        text: &str,
        new: DetectFn,
        old: DetectFn,
    ) -> Result<(), TestCaseError> {
        for run in crate::scan::DigitRuns::new(text.as_bytes()) {
            let hit = Hit {
                start: run.start,
                end: run.end,
                literal: 0,
                run,
            };
            prop_assert_eq!(
                dispatch(text, &hit, new),
                dispatch(text, &hit, old),
                "run at {}",
                run.start
            );
        }
        Ok(())
    }

    /// Findings of the built-in scanner restricted to `kind`, as `(kind id, matched text)`.
    pub(crate) fn found(kind: Kind, text: &str) -> Vec<String> {
        let scanner = Scanner::builder().kinds([kind]).build().expect("builds");
        scanner
            .find_iter(text)
            .map(|f: Finding| f.text(text).unwrap_or_default().to_string())
            .collect()
    }

    /// Kinds found by the full built-in scanner, with their texts.
    pub(crate) fn all(text: &str) -> Vec<(&'static str, String)> {
        Scanner::builtin()
            .find_iter(text)
            .map(|f| {
                (
                    f.kind().as_str(),
                    f.text(text).unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod escape_tests {
    use super::escape_letter;
    use super::testing::found;
    use crate::Kind;

    #[test]
    fn escape_letters() {
        let b = br"a\nb \tc \\d n \r \\nancy";
        let got: Vec<usize> = (0..b.len()).filter(|&i| escape_letter(b, i)).collect();
        assert_eq!(got, [2, 6, 16]);
        assert!(!escape_letter(b"n", 0));
    }

    /// A JSON body read raw: `\n` and `\t` escapes, and `\"` around keys and values, separate
    /// labels and values as the characters they stand for do.
    #[test]
    fn json_escaped_text_read_raw() {
        let body = r#"{"content":"Discharge summary\nMRN: 7196460\nNPI 2159251018\nSSN : 372-92-8030\nAccount number : 495272519\npassword = C5z~mGfmbapgOoZ\n\n[smtp]\njane@corp.example\n576\t4365679478495643\t03/29"}"#;
        for (kind, want) in [
            (Kind::MRN, "7196460"),
            (Kind::NPI, "2159251018"),
            (Kind::US_SSN, "372-92-8030"),
            (Kind::BANK_ACCOUNT, "495272519"),
            (Kind::PASSWORD, "C5z~mGfmbapgOoZ"),
            (Kind::EMAIL, "jane@corp.example"),
            (Kind::CREDIT_CARD, "4365679478495643"),
        ] {
            assert_eq!(found(kind, body), [want], "{kind}");
        }
        let nested =
            r#"{"arguments": "{\"mrn\": \"23078470\", \"date_of_birth\": \"1972-06-17\"}"}"#;
        assert_eq!(found(Kind::MRN, nested), ["23078470"]);
        assert_eq!(found(Kind::DATE_OF_BIRTH, nested), ["1972-06-17"]);
        // A decorator after an escaped newline is no address.
        assert!(found(Kind::EMAIL, r"x\n@pytest.fixture\ndef").is_empty());
        // Letters glued to a value still glue: `\x`, and `n` after a plain letter.
        assert!(found(Kind::CREDIT_CARD, r"id:n4365679478495643").is_empty());
    }
}
