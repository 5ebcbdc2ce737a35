//! Host-defined detectors and deny-terms.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use super::context::Cues;
use super::{priority, Cx, Detect, Hit, Trigger, CONTEXT_AFTER, CONTEXT_BEFORE};
use crate::error::BuildError;
use crate::finding::Kind;

/// Compiled size limit for host patterns (the same order as relay-pii's, with headroom).
const HOST_PATTERN_SIZE_LIMIT: usize = 1 << 20;

type Validator = Arc<dyn Fn(&str) -> bool + Send + Sync + RefUnwindSafe + UnwindSafe>;

/// A host-defined detector: a regex that proposes, an optional validator that confirms, and
/// optional keywords and context words.
///
/// ```
/// use lastgate::{Detector, Kind, Scanner};
///
/// let emp = Detector::regex("employee_id", r"\bEMP-\d{6}\b")?
///     .keywords(["EMP-"])
///     .validator(|s| !s.ends_with("000000"))
///     .context(["employee", "staff"]);
/// let scanner = Scanner::builder().detector(emp).build()?;
/// let found: Vec<_> = scanner.find_iter("staff id EMP-123456, not EMP-000000").collect();
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].kind(), Kind::custom("employee_id"));
/// # Ok::<(), lastgate::BuildError>(())
/// ```
///
/// # Semantics
///
/// - With keywords, the regex runs only on texts that contain one of them (exactly when the
///   keyword has an upper-case letter; as written, upper-cased or capitalized when it is all
///   lower case). Without keywords it runs on every text; the `regex`
///   crate's own literal optimisations apply.
/// - A match is reported with the detector's score (0.8 by default). When context words are
///   given, a match with a context word within 64 bytes before or 32 bytes after it keeps that
///   score and one without is lowered to 0.4, under the default minimum score of 0.5.
/// - The validator receives the matched text and must be fast and must not panic; a `false`
///   drops the match.
#[derive(Clone)]
pub struct Detector {
    id: &'static str,
    kind: Kind,
    regex: Regex,
    keywords: Vec<String>,
    validator: Option<Validator>,
    context: Option<Arc<Cues>>,
    score: f32,
    priority: u8,
    max_len: usize,
}

impl Detector {
    /// A regex detector whose id is also the id of the custom kind it reports.
    ///
    /// Fails with a [`BuildError`] naming the detector when `id` is not snake_case or the
    /// pattern does not compile (or compiles to more than 1 MiB).
    pub fn regex(id: &'static str, pattern: &str) -> Result<Detector, BuildError> {
        if !Kind::is_valid_id(id) {
            return Err(BuildError::invalid_id(id));
        }
        if pattern.is_empty() {
            return Err(BuildError::empty(id));
        }
        let regex = RegexBuilder::new(pattern)
            .size_limit(HOST_PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| BuildError::pattern(id, &e))?;
        Ok(Detector {
            id,
            kind: Kind::custom(id),
            regex,
            keywords: Vec::new(),
            validator: None,
            context: None,
            score: 0.8,
            priority: priority::CUSTOM,
            max_len: 256,
        })
    }

    /// Reports `kind` instead of `Kind::custom(id)`.
    pub fn kind(mut self, kind: Kind) -> Detector {
        self.kind = kind;
        self
    }

    /// Runs the regex only on texts that contain one of these literals. A keyword with an
    /// upper-case letter is matched exactly; an all-lower-case one also in upper case and
    /// capitalized. Empty strings are ignored.
    pub fn keywords<I, S>(mut self, keywords: I) -> Detector
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.keywords = keywords
            .into_iter()
            .map(|k| k.as_ref().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        self
    }

    /// Confirms each match; `false` drops it.
    pub fn validator<F>(mut self, f: F) -> Detector
    where
        F: Fn(&str) -> bool + Send + Sync + RefUnwindSafe + UnwindSafe + 'static,
    {
        self.validator = Some(Arc::new(f));
        self
    }

    /// Context words (whole words, ASCII case-insensitive) that a match needs nearby to keep its
    /// score.
    pub fn context<I, S>(mut self, words: I) -> Detector
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.context = Some(Arc::new(Cues::new(words)));
        self
    }

    /// The score of a match (clamped into `[0, 1]`).
    pub fn score(mut self, score: f32) -> Detector {
        self.score = if score.is_nan() {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        };
        self
    }

    /// Overlap priority against other detectors (higher wins; built-in values run from 20 for
    /// generic secrets to 100 for private-key blocks; the default is 55).
    pub fn priority(mut self, priority: u8) -> Detector {
        self.priority = priority;
        self
    }

    /// An upper bound on the length of a match, in bytes (default 256). Streaming uses it to
    /// size its hold-back; longer matches may be missed when they straddle chunks.
    pub fn max_len(mut self, max_len: usize) -> Detector {
        self.max_len = max_len.max(1);
        self
    }

    /// The detector's id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    pub(crate) fn into_detect(self) -> Arc<dyn Detect> {
        Arc::new(self)
    }
}

impl fmt::Debug for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detector")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("pattern", &self.regex.as_str())
            .field("keywords", &self.keywords)
            .field("validator", &self.validator.is_some())
            .field("context", &self.context.is_some())
            .field("score", &self.score)
            .finish()
    }
}

impl Detect for Detector {
    fn id(&self) -> &'static str {
        self.id
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![self.kind]
    }

    fn triggers(&self) -> Vec<Trigger> {
        if self.keywords.is_empty() {
            vec![Trigger::Whole]
        } else {
            vec![Trigger::Literals(self.keywords.clone())]
        }
    }

    fn max_len(&self) -> usize {
        self.max_len
    }

    fn detect(&self, cx: &mut Cx<'_>, _hit: &Hit) -> usize {
        // One pass over the whole text, once: later keyword hits are skipped.
        let text = cx.text;
        for m in self.regex.find_iter(text) {
            if m.start() == m.end() {
                continue;
            }
            if let Some(v) = &self.validator {
                if !v(m.as_str()) {
                    continue;
                }
            }
            let mut score = self.score;
            if let Some(cues) = &self.context {
                if !cues.near(text, m.start(), m.end(), CONTEXT_BEFORE, CONTEXT_AFTER) {
                    score = score.min(0.4);
                }
            }
            cx.emit(self.kind, m.start(), m.end(), score, self.priority);
        }
        usize::MAX
    }
}

/// Dictionary terms reported as one kind (`deny_terms`), matched with Aho-Corasick as whole
/// words.
#[derive(Clone, Debug)]
pub(crate) struct DenyTerms {
    id: &'static str,
    kind: Kind,
    ac: AhoCorasick,
    max_len: usize,
}

impl DenyTerms {
    pub(crate) fn new<I, S>(
        kind: Kind,
        terms: I,
        case_insensitive: bool,
    ) -> Result<DenyTerms, BuildError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let terms: Vec<String> = terms
            .into_iter()
            .map(|t| t.as_ref().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if terms.is_empty() {
            return Err(BuildError::empty(kind.as_str()));
        }
        let max_len = terms.iter().map(|t| t.len()).max().unwrap_or(1);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(case_insensitive)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&terms)
            .map_err(|_| BuildError::empty(kind.as_str()))?;
        Ok(DenyTerms {
            id: "deny_terms",
            kind,
            ac,
            max_len,
        })
    }
}

impl Detect for DenyTerms {
    fn id(&self) -> &'static str {
        self.id
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![self.kind]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Whole]
    }

    fn max_len(&self) -> usize {
        self.max_len
    }

    fn detect(&self, cx: &mut Cx<'_>, _hit: &Hit) -> usize {
        let text = cx.text;
        for m in self.ac.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let bytes = cx.bytes;
            let starts_word = bytes.get(s).is_some_and(|b| super::is_word_byte(*b));
            let ends_word = e > s && bytes.get(e - 1).is_some_and(|b| super::is_word_byte(*b));
            if starts_word && s > 0 && cx.word_at(s - 1) {
                continue;
            }
            if ends_word && cx.word_at(e) {
                continue;
            }
            cx.emit(self.kind, s, e, 0.9, priority::CUSTOM);
        }
        usize::MAX
    }
}
