//! The scanner: prefilter passes → detectors → allow-list and score filter → overlap
//! resolution.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use once_cell::sync::Lazy;
use regex::RegexSet;

use crate::detect::{self, Candidate, Cx, DenyTerms, Detect, Detector, Hit, Trigger};
use crate::error::BuildError;
use crate::finding::{Category, Finding, Kind};

mod prefilter;

pub(crate) use prefilter::DigitRuns;

/// Finds sensitive data in text.
///
/// Build one with [`Scanner::builtin`] (every built-in detector, default settings) or
/// [`Scanner::builder`]. A scanner is compiled once, is `Send + Sync`, and is cheap to clone (an
/// `Arc` bump): share it across threads and requests.
///
/// ```
/// use lastgate::{Category, Kind, Scanner};
///
/// let scanner = Scanner::builder()
///     .categories([Category::Pii])
///     .disable(Kind::IP_ADDRESS)
///     .allow_values(["support@example.com"])
///     .build()?;
/// let text = "Write to support@example.com or to jane@corp.example from 10.1.2.3";
/// let found: Vec<&str> = scanner.find_iter(text).filter_map(|f| f.text(text)).collect();
/// assert_eq!(found, ["jane@corp.example"]);
/// # Ok::<(), lastgate::BuildError>(())
/// ```
///
/// # Results
///
/// Findings come sorted by start offset and never overlap. When detectors disagree about a
/// region, the most specific one wins (a connection string over the email-shaped `user@host`
/// inside it, an IBAN over the account number inside it); ties go to the higher score, then the
/// longer span, then the earlier start, then the detector id, so results are deterministic.
/// [`Scanner::candidates`] returns everything the detectors proposed, before resolution.
///
/// # Cost
///
/// Scanning is linear in the length of the text. The scanner allocates per finding, never per
/// byte; [`Scanner::scan_into`] reuses the caller's buffer.
#[derive(Clone)]
pub struct Scanner {
    inner: Arc<Inner>,
}

struct Inner {
    detectors: Vec<Arc<dyn Detect>>,
    /// `detectors[d].id()`, read without a dynamic call on every dispatch.
    ids: Vec<&'static str>,
    literals: Option<prefilter::Literals>,
    prefixes: Option<prefilter::Prefixes>,
    at: Vec<usize>,
    /// `(detector, min_digits)`, sorted by `min_digits`.
    digits: Vec<(usize, usize)>,
    min_digits: usize,
    whole: Vec<usize>,
    enabled: HashSet<Kind>,
    /// False when every kind that a detector declares is enabled: the per-candidate lookup in
    /// `enabled` (a string hash) is then skipped.
    filter_kinds: bool,
    allow_values: HashSet<String>,
    allow_patterns: Option<RegexSet>,
    min_score: f32,
    max_len: usize,
}

static BUILTIN: Lazy<Scanner> = Lazy::new(|| {
    // The built-in configuration is tested; if it ever failed to build, an empty scanner would
    // hide everything, so fall back to the detectors that do build.
    ScannerBuilder::new()
        .build()
        .unwrap_or_else(|_| ScannerBuilder::new().build_lenient())
});

impl Scanner {
    /// Every built-in detector with default settings (minimum score 0.5).
    ///
    /// The first call compiles the detector tables; later calls clone the same scanner.
    pub fn builtin() -> Scanner {
        BUILTIN.clone()
    }

    /// A builder that starts from every built-in detector.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::new()
    }

    /// Findings in `text`, sorted and non-overlapping.
    pub fn find_iter<'s>(&'s self, text: &str) -> FindIter<'s> {
        FindIter {
            findings: self.scan(text).into_iter(),
            _scanner: self,
        }
    }

    /// Findings in `text` as a vector, sorted and non-overlapping.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.scan_into(text, &mut out);
        out
    }

    /// Like [`Scanner::scan`], reusing `out` (which is cleared first).
    pub fn scan_into(&self, text: &str, out: &mut Vec<Finding>) {
        out.clear();
        let mut cands = Vec::new();
        self.collect(text, &mut cands);
        resolve(&mut cands, out);
    }

    /// Every candidate the detectors proposed that passed validation, the allow-list and the
    /// minimum score, before overlap resolution: possibly overlapping, sorted by start.
    pub fn candidates(&self, text: &str) -> Vec<Finding> {
        let mut cands = Vec::new();
        self.collect(text, &mut cands);
        let mut v: Vec<Finding> = cands.into_iter().map(|c| c.finding).collect();
        v.sort_by(|a, b| {
            (a.start(), a.end(), a.kind().as_str(), a.detector()).cmp(&(
                b.start(),
                b.end(),
                b.kind().as_str(),
                b.detector(),
            ))
        });
        v
    }

    /// True when `text` holds at least one finding.
    pub fn is_match(&self, text: &str) -> bool {
        let mut cands = Vec::new();
        self.collect(text, &mut cands);
        !cands.is_empty()
    }

    /// The minimum score of reported findings.
    pub fn min_score(&self) -> f32 {
        self.inner.min_score
    }

    /// The kinds this scanner can report.
    pub fn kinds(&self) -> Vec<Kind> {
        let mut v: Vec<Kind> = self.inner.enabled.iter().copied().collect();
        v.sort();
        v
    }

    /// An upper bound on the length in bytes of any finding this scanner reports.
    pub fn max_finding_len(&self) -> usize {
        self.inner.max_len
    }

    /// How many bytes of context around a candidate can change its score: a finding's verdict
    /// depends on at most this many bytes before its start and after its end.
    pub fn context_window(&self) -> usize {
        detect::CONTEXT_BEFORE.max(detect::CONTEXT_AFTER)
    }

    /// The ids of the detectors in this scanner, in their fixed order.
    pub fn detector_ids(&self) -> Vec<&'static str> {
        self.inner.detectors.iter().map(|d| d.id()).collect()
    }

    fn collect(&self, text: &str, cands: &mut Vec<Candidate>) {
        let inner = &*self.inner;
        let ids = &inner.ids;
        let bytes = text.as_bytes();
        let mut raw: Vec<Candidate> = Vec::new();
        // resume[d]: hits of detector d that start before this offset are skipped.
        let mut resume = vec![0usize; inner.detectors.len()];

        {
            // One context serves every pass; each dispatch names its detector.
            let mut cx = Cx::new(text, "", &mut raw);
            for lits in inner.literals.iter().flat_map(|l| &l.sets) {
                resume.iter_mut().for_each(|r| *r = 0);
                for m in lits.ac.find_iter(text) {
                    for t in &lits.targets[m.pattern().as_usize()] {
                        let start = m.start() + t.offset;
                        if start < resume[t.detector] {
                            continue;
                        }
                        let det = &inner.detectors[t.detector];
                        let hit = Hit {
                            start,
                            end: start + t.len,
                            literal: t.literal,
                            run: Default::default(),
                        };
                        cx.set_detector(ids[t.detector]);
                        resume[t.detector] = det.detect(&mut cx, &hit).max(start + 1);
                    }
                }
            }

            // Each pass delivers its hits in increasing order; a detector fed by two passes starts
            // each with a fresh resume offset (duplicates are removed below).
            if let Some(prefixes) = &inner.prefixes {
                resume.iter_mut().for_each(|r| *r = 0);
                // Most token starts fail on their first two bytes: test them before they are queued.
                let keep =
                    |s: usize| prefixes.may_start(bytes[s], bytes.get(s + 1).copied().unwrap_or(0));
                prefilter::long_tokens(bytes, prefixes.min_len, keep, |s, e| {
                    let token = &bytes[s..e];
                    for (d, literal, len) in prefixes.matching(token) {
                        if s < resume[d] {
                            continue;
                        }
                        let det = &inner.detectors[d];
                        let hit = Hit {
                            start: s,
                            end: s + len,
                            literal,
                            run: Default::default(),
                        };
                        cx.set_detector(ids[d]);
                        resume[d] = det.detect(&mut cx, &hit).max(s + 1);
                    }
                });
            }

            if !inner.at.is_empty() {
                resume.iter_mut().for_each(|r| *r = 0);
                for pos in memchr::memchr_iter(b'@', bytes) {
                    for &d in &inner.at {
                        if pos < resume[d] {
                            continue;
                        }
                        let det = &inner.detectors[d];
                        let hit = Hit {
                            start: pos,
                            end: pos + 1,
                            literal: 0,
                            run: Default::default(),
                        };
                        cx.set_detector(ids[d]);
                        resume[d] = det.detect(&mut cx, &hit).max(pos + 1);
                    }
                }
            }

            if !inner.digits.is_empty() {
                resume.iter_mut().for_each(|r| *r = 0);
                // `inner.digits` is sorted by minimum length. The detectors that take the
                // shortest runs come first; the next minimum is what any other one needs.
                let lead = inner.digits[0].1;
                let first = inner.digits.iter().take_while(|x| x.1 == lead).count();
                let next_min = inner.digits.get(first).map_or(usize::MAX, |x| x.1);
                let mut runs = DigitRuns::new(bytes);
                // One hit per run: runs come every few bytes in code.
                while let Some(run) = runs.next() {
                    if run.digits >= inner.min_digits {
                        let hit = Hit {
                            start: run.start,
                            end: run.end,
                            literal: 0,
                            run,
                        };
                        for &(d, min) in &inner.digits {
                            if run.digits < min {
                                break;
                            }
                            if run.start < resume[d] {
                                continue;
                            }
                            cx.set_detector(ids[d]);
                            resume[d] = inner.detectors[d].detect(&mut cx, &hit).max(run.start + 1);
                        }
                        // Until the first detectors resume (past an address or a hex token,
                        // say), a run shorter than `next_min` has no taker.
                        let until = inner.digits[..first]
                            .iter()
                            .map(|&(d, _)| resume[d])
                            .min()
                            .unwrap_or(0);
                        runs.skip_short(until, next_min);
                    }
                }
            }

            for &d in &inner.whole {
                let det = &inner.detectors[d];
                let hit = Hit {
                    start: 0,
                    end: text.len(),
                    literal: 0,
                    run: Default::default(),
                };
                cx.set_detector(ids[d]);
                det.detect(&mut cx, &hit);
            }
        }

        // The same candidate reached through two passes counts once.
        raw.sort_by(|a, b| {
            let (fa, fb) = (&a.finding, &b.finding);
            (fa.start(), fa.end(), fa.kind().as_str(), fa.detector())
                .cmp(&(fb.start(), fb.end(), fb.kind().as_str(), fb.detector()))
                .then(b.finding.score().total_cmp(&a.finding.score()))
        });
        raw.dedup_by(|b, a| {
            (
                a.finding.start(),
                a.finding.end(),
                a.finding.kind(),
                a.finding.detector(),
            ) == (
                b.finding.start(),
                b.finding.end(),
                b.finding.kind(),
                b.finding.detector(),
            )
        });
        cands.reserve(raw.len());
        for c in raw {
            let f = c.finding;
            debug_assert!(
                inner.filter_kinds || inner.enabled.contains(&f.kind()),
                "detector {} emitted a kind it does not declare: {}",
                f.detector(),
                f.kind().as_str()
            );
            if f.score() < inner.min_score
                || (inner.filter_kinds && !inner.enabled.contains(&f.kind()))
            {
                continue;
            }
            if !inner.allow_values.is_empty() || inner.allow_patterns.is_some() {
                let value = f.text(text).unwrap_or_default();
                if inner.allow_values.contains(value) {
                    continue;
                }
                if inner
                    .allow_patterns
                    .as_ref()
                    .is_some_and(|s| s.is_match(value))
                {
                    continue;
                }
            }
            cands.push(c);
        }
    }
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field("detectors", &self.detector_ids())
            .field("min_score", &self.inner.min_score)
            .field("allow_values", &self.inner.allow_values.len())
            .finish()
    }
}

/// Sorts candidates and keeps the winners of every overlap, in start order.
///
/// Candidates that overlap nothing are kept as they are; each cluster of transitively
/// overlapping candidates is resolved on its own (the winners of one cluster never depend on
/// another), so a text with one overlap somewhere does not pay for a full re-sort.
fn resolve(cands: &mut [Candidate], out: &mut Vec<Finding>) {
    cands.sort_unstable_by(|a, b| {
        (a.finding.start(), a.finding.end()).cmp(&(b.finding.start(), b.finding.end()))
    });
    let mut i = 0;
    while i < cands.len() {
        let mut end = cands[i].finding.end();
        let mut j = i + 1;
        while j < cands.len() && cands[j].finding.start() < end {
            end = end.max(cands[j].finding.end());
            j += 1;
        }
        if j == i + 1 {
            out.push(cands[i].finding);
        } else {
            resolve_cluster(&mut cands[i..j], out);
        }
        i = j;
    }
}

/// Keeps the winners of one cluster of overlapping candidates, in start order.
fn resolve_cluster(cands: &mut [Candidate], out: &mut Vec<Finding>) {
    cands.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(b.finding.score().total_cmp(&a.finding.score()))
            .then(b.finding.span().len().cmp(&a.finding.span().len()))
            .then(a.finding.start().cmp(&b.finding.start()))
            .then(a.finding.detector().cmp(b.finding.detector()))
            .then(a.finding.kind().as_str().cmp(b.finding.kind().as_str()))
    });
    // Chosen spans, keyed by start; disjoint, so one neighbour on each side decides.
    let mut chosen: BTreeMap<usize, (usize, Finding)> = BTreeMap::new();
    for c in cands.iter() {
        let s = c.finding.span();
        let clash_before = chosen
            .range(..s.end)
            .next_back()
            .is_some_and(|(_, (end, _))| *end > s.start);
        if clash_before {
            continue;
        }
        chosen.insert(s.start, (s.end, c.finding));
    }
    out.extend(chosen.into_values().map(|(_, f)| f));
}

/// Findings of one scan, in start order. Created by [`Scanner::find_iter`].
#[derive(Debug)]
pub struct FindIter<'s> {
    findings: std::vec::IntoIter<Finding>,
    _scanner: &'s Scanner,
}

impl Iterator for FindIter<'_> {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        self.findings.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.findings.size_hint()
    }
}

impl ExactSizeIterator for FindIter<'_> {}

/// Configures a [`Scanner`]. Starts from every built-in detector.
///
/// Selection happens by kind: [`categories`](ScannerBuilder::categories) and
/// [`kinds`](ScannerBuilder::kinds) narrow the built-in kinds (the last call wins),
/// [`disable`](ScannerBuilder::disable) removes kinds, and host detectors and deny-terms always
/// add their own kinds.
#[derive(Clone)]
pub struct ScannerBuilder {
    builtin: bool,
    selection: Option<Vec<Kind>>,
    disabled: Vec<Kind>,
    custom: Vec<Detector>,
    deny: Vec<(Kind, Vec<String>, bool)>,
    allow_values: Vec<String>,
    allow_patterns: Vec<String>,
    min_score: f32,
}

impl fmt::Debug for ScannerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScannerBuilder")
            .field("builtin", &self.builtin)
            .field("selection", &self.selection)
            .field("disabled", &self.disabled)
            .field("custom", &self.custom)
            .field("deny_lists", &self.deny.len())
            .field("allow_values", &self.allow_values.len())
            .field("allow_patterns", &self.allow_patterns.len())
            .field("min_score", &self.min_score)
            .finish()
    }
}

impl Default for ScannerBuilder {
    fn default() -> Self {
        ScannerBuilder::new()
    }
}

impl ScannerBuilder {
    /// Every built-in detector, minimum score 0.5, no allow-list.
    pub fn new() -> ScannerBuilder {
        ScannerBuilder {
            builtin: true,
            selection: None,
            disabled: Vec::new(),
            custom: Vec::new(),
            deny: Vec::new(),
            allow_values: Vec::new(),
            allow_patterns: Vec::new(),
            min_score: detect::DEFAULT_MIN_SCORE,
        }
    }

    /// Starts from no built-in detector at all (only host detectors and deny-terms).
    pub fn no_builtins(mut self) -> ScannerBuilder {
        self.builtin = false;
        self
    }

    /// Keeps only the built-in kinds of these categories.
    pub fn categories<I: IntoIterator<Item = Category>>(mut self, categories: I) -> ScannerBuilder {
        let cats: Vec<Category> = categories.into_iter().collect();
        self.selection = Some(
            Kind::builtin_kinds()
                .iter()
                .copied()
                .filter(|k| cats.contains(&k.category()))
                .collect(),
        );
        self
    }

    /// Keeps only these built-in kinds.
    pub fn kinds<I: IntoIterator<Item = Kind>>(mut self, kinds: I) -> ScannerBuilder {
        self.selection = Some(kinds.into_iter().collect());
        self
    }

    /// Never reports this kind (built-in or custom).
    pub fn disable(mut self, kind: Kind) -> ScannerBuilder {
        self.disabled.push(kind);
        self
    }

    /// Adds a host detector.
    pub fn detector(mut self, detector: Detector) -> ScannerBuilder {
        self.custom.push(detector);
        self
    }

    /// Values that are never reported, compared exactly with the matched text.
    pub fn allow_values<I, S>(mut self, values: I) -> ScannerBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allow_values
            .extend(values.into_iter().map(|v| v.as_ref().to_string()));
        self
    }

    /// A regex that, when it matches a finding's whole text, suppresses that finding. A bad
    /// pattern fails the build with an error named `allow_pattern`.
    pub fn allow_pattern(mut self, pattern: &str) -> ScannerBuilder {
        self.allow_patterns.push(pattern.to_string());
        self
    }

    /// Dictionary terms reported as `kind`, matched as whole words (case-sensitively).
    pub fn deny_terms<I, S>(mut self, kind: Kind, terms: I) -> ScannerBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.deny.push((
            kind,
            terms.into_iter().map(|t| t.as_ref().to_string()).collect(),
            false,
        ));
        self
    }

    /// Like [`ScannerBuilder::deny_terms`], ignoring ASCII case.
    pub fn deny_terms_ignore_case<I, S>(mut self, kind: Kind, terms: I) -> ScannerBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.deny.push((
            kind,
            terms.into_iter().map(|t| t.as_ref().to_string()).collect(),
            true,
        ));
        self
    }

    /// Reports only findings scoring at least `min` (clamped into `[0, 1]`; default 0.5).
    pub fn min_score(mut self, min: f32) -> ScannerBuilder {
        self.min_score = if min.is_nan() {
            0.0
        } else {
            min.clamp(0.0, 1.0)
        };
        self
    }

    /// Compiles the scanner.
    ///
    /// Fails with a [`BuildError`] naming the offending item when a custom kind id is not
    /// snake_case, a deny list is empty, two host detectors share an id, or an allow pattern does
    /// not compile.
    pub fn build(self) -> Result<Scanner, BuildError> {
        let mut detectors: Vec<Arc<dyn Detect>> = Vec::new();
        let mut enabled: HashSet<Kind> = HashSet::new();
        if self.builtin {
            let builtin_kinds: Vec<Kind> = match &self.selection {
                Some(sel) => sel.iter().copied().filter(|k| k.is_builtin()).collect(),
                None => Kind::builtin_kinds().to_vec(),
            };
            enabled.extend(builtin_kinds.iter().copied());
            for d in detect::builtin() {
                if d.kinds().iter().any(|k| builtin_kinds.contains(k)) {
                    detectors.push(d);
                }
            }
        }
        let mut ids: HashSet<&'static str> = HashSet::new();
        for c in self.custom {
            if !ids.insert(c.id()) {
                return Err(BuildError::duplicate(c.id()));
            }
            let d = c.into_detect();
            for k in d.kinds() {
                if !Kind::is_valid_id(k.as_str()) {
                    return Err(BuildError::invalid_id(k.as_str()));
                }
                enabled.insert(k);
            }
            detectors.push(d);
        }
        for (kind, terms, ci) in self.deny {
            if !Kind::is_valid_id(kind.as_str()) {
                return Err(BuildError::invalid_id(kind.as_str()));
            }
            enabled.insert(kind);
            detectors.push(Arc::new(DenyTerms::new(kind, terms, ci)?));
        }
        for k in &self.disabled {
            enabled.remove(k);
        }
        let allow_patterns = if self.allow_patterns.is_empty() {
            None
        } else {
            let anchored: Vec<String> = self
                .allow_patterns
                .iter()
                .map(|p| format!("^(?:{p})$"))
                .collect();
            Some(
                regex::RegexSetBuilder::new(&anchored)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| BuildError::pattern("allow_pattern", &e))?,
            )
        };
        Ok(assemble(
            detectors,
            enabled,
            self.allow_values.into_iter().collect(),
            allow_patterns,
            self.min_score,
        ))
    }

    /// The built-in configuration without host additions; never fails.
    fn build_lenient(self) -> Scanner {
        let detectors = detect::builtin();
        let enabled = Kind::builtin_kinds().iter().copied().collect();
        assemble(detectors, enabled, HashSet::new(), None, self.min_score)
    }
}

fn assemble(
    detectors: Vec<Arc<dyn Detect>>,
    enabled: HashSet<Kind>,
    allow_values: HashSet<String>,
    allow_patterns: Option<RegexSet>,
    min_score: f32,
) -> Scanner {
    // Only keep detectors that can still report an enabled kind.
    let detectors: Vec<Arc<dyn Detect>> = detectors
        .into_iter()
        .filter(|d| d.kinds().iter().any(|k| enabled.contains(k)))
        .collect();
    let mut lits = Vec::new();
    let mut prefixes = Vec::new();
    let mut at = Vec::new();
    let mut digits = Vec::new();
    let mut whole = Vec::new();
    let mut max_len = 1;
    for (i, d) in detectors.iter().enumerate() {
        max_len = max_len.max(d.max_len());
        // Literal indices run across all of a detector's literal-bearing triggers.
        let mut li = 0;
        for t in d.triggers() {
            match t {
                Trigger::Literals(ls) => {
                    for l in ls {
                        if !l.is_empty() {
                            lits.push((i, li, l, false));
                        }
                        li += 1;
                    }
                }
                Trigger::LiteralsExact(ls) => {
                    for l in ls {
                        if !l.is_empty() {
                            lits.push((i, li, l, true));
                        }
                        li += 1;
                    }
                }
                Trigger::TokenPrefixes(ps) => {
                    for p in ps {
                        if !p.is_empty() {
                            prefixes.push((i, li, p));
                        }
                        li += 1;
                    }
                }
                Trigger::At => at.push(i),
                Trigger::Digits { min_digits } => digits.push((i, min_digits.max(1))),
                Trigger::Whole => whole.push(i),
            }
        }
    }
    digits.sort_by_key(|&(i, m)| (m, i));
    let min_digits = digits.first().map(|&(_, m)| m).unwrap_or(usize::MAX);
    let filter_kinds = !detectors
        .iter()
        .all(|d| d.kinds().iter().all(|k| enabled.contains(k)));
    Scanner {
        inner: Arc::new(Inner {
            literals: prefilter::Literals::build(&lits),
            prefixes: prefilter::Prefixes::build(&prefixes, detect::MIN_PREFIXED_TOKEN),
            ids: detectors.iter().map(|d| d.id()).collect(),
            detectors,
            at,
            digits,
            min_digits,
            whole,
            enabled,
            filter_kinds,
            allow_values,
            allow_patterns,
            min_score,
            max_len,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn cand(kind: Kind, s: usize, e: usize, score: f32, prio: u8) -> Candidate {
        Candidate {
            finding: Finding::new(kind, Span::new(s, e), score, "t"),
            priority: prio,
        }
    }

    #[test]
    fn resolve_prefers_priority_then_score_then_length() {
        let mut c = vec![
            cand(Kind::EMAIL, 10, 20, 0.9, 65),
            cand(Kind::CONNECTION_STRING, 0, 30, 0.9, 95),
            cand(Kind::PHONE, 40, 50, 0.6, 50),
            cand(Kind::US_SSN, 42, 51, 0.9, 50),
        ];
        let mut out = Vec::new();
        resolve(&mut c, &mut out);
        let got: Vec<(Kind, usize)> = out.iter().map(|f| (f.kind(), f.start())).collect();
        assert_eq!(got, [(Kind::CONNECTION_STRING, 0), (Kind::US_SSN, 42)]);
    }

    #[test]
    fn resolve_is_order_independent() {
        let base = vec![
            cand(Kind::EMAIL, 10, 20, 0.9, 65),
            cand(Kind::PHONE, 15, 25, 0.9, 65),
            cand(Kind::US_SSN, 15, 25, 0.9, 65),
            cand(Kind::IBAN, 0, 12, 0.9, 65),
        ];
        let mut first = Vec::new();
        resolve(&mut base.clone(), &mut first);
        let mut rev = base.clone();
        rev.reverse();
        let mut second = Vec::new();
        resolve(&mut rev, &mut second);
        assert_eq!(first, second);
    }

    #[test]
    fn builtin_literals_fit_the_simd_prefilter() {
        let s = Scanner::builtin();
        for n in s
            .inner
            .literals
            .iter()
            .flat_map(|l| &l.sets)
            .map(|l| l.patterns)
        {
            assert!(
                n <= prefilter::PREFILTER_PATTERN_BUDGET,
                "{n} literal patterns: past {} the shared automaton loses its SIMD prefilter and \
             every scan slows down several times; move vendor prefixes to TokenPrefixes or use \
             fewer keywords",
                prefilter::PREFILTER_PATTERN_BUDGET
            );
        }
    }

    #[test]
    fn scanner_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Scanner>();
        let a = Scanner::builtin();
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.inner, &b.inner));
    }

    #[test]
    fn build_errors_name_the_culprit() {
        let e = Detector::regex("bad_one", "(").unwrap_err();
        assert_eq!(e.name(), "bad_one");
        let e = Detector::regex("Bad", "x").unwrap_err();
        assert_eq!(e.name(), "Bad");
        let e = Scanner::builder()
            .deny_terms(Kind::custom("codename"), Vec::<String>::new())
            .build()
            .unwrap_err();
        assert_eq!(e.name(), "codename");
        let e = Scanner::builder().allow_pattern("(").build().unwrap_err();
        assert_eq!(e.name(), "allow_pattern");
        let d = Detector::regex("dup", "x").unwrap();
        let e = Scanner::builder()
            .detector(d.clone())
            .detector(d)
            .build()
            .unwrap_err();
        assert_eq!(e.name(), "dup");
    }

    #[test]
    fn contained_literals_are_dispatched_too() {
        // Leftmost-longest matching sees only "sk-ant-" here; the "sk-" and "ant" detectors
        // must still be called.
        let a = Detector::regex("short_anchor", r"sk-[a-z]+")
            .unwrap()
            .keywords(["sk-"]);
        let b = Detector::regex("long_anchor", r"sk-ant-[a-z]+")
            .unwrap()
            .keywords(["sk-ant-"]);
        let c = Detector::regex("inner_anchor", r"ant-[a-z]+")
            .unwrap()
            .keywords(["ant"]);
        let s = Scanner::builder()
            .no_builtins()
            .detector(a)
            .detector(b)
            .detector(c)
            .build()
            .unwrap();
        let ids: Vec<&str> = s
            .candidates("key sk-ant-xyz")
            .iter()
            .map(|f| f.detector())
            .collect();
        assert!(ids.contains(&"short_anchor"), "{ids:?}");
        assert!(ids.contains(&"long_anchor"), "{ids:?}");
        assert!(ids.contains(&"inner_anchor"), "{ids:?}");
        // Resolution keeps one: the longest at equal priority and score.
        let f = s.scan("key sk-ant-xyz");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].detector(), "long_anchor");
    }

    /// A detector fed by a literal and by token prefixes, reporting what it was called with.
    struct Probe;

    impl Detect for Probe {
        fn id(&self) -> &'static str {
            "probe"
        }
        fn kinds(&self) -> Vec<Kind> {
            vec![Kind::custom("probe")]
        }
        fn triggers(&self) -> Vec<Trigger> {
            vec![
                Trigger::Literals(vec!["marker".into()]),
                Trigger::TokenPrefixes(vec!["tok_".into(), "tok_long_".into()]),
            ]
        }
        fn max_len(&self) -> usize {
            64
        }
        fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
            // Encode the literal index in the score: 0.1 per index step.
            let score = 0.5 + 0.1 * hit.literal as f32;
            cx.emit(Kind::custom("probe"), hit.start, hit.end, score, 50);
            hit.end
        }
    }

    #[test]
    fn token_prefixes_fire_at_long_token_starts_only() {
        let mut enabled = HashSet::new();
        enabled.insert(Kind::custom("probe"));
        let s = assemble(vec![Arc::new(Probe)], enabled, HashSet::new(), None, 0.0);
        let text = "x tok_0123456789abcdef, tok_short, Marker; a.tok_0123456789abcdef \
                    tok_long_0123456789 mid-tok_0123456789abcdef";
        let got: Vec<(&str, f32)> = s
            .candidates(text)
            .iter()
            .map(|f| (f.text(text).unwrap(), (f.score() * 10.0).round() / 10.0))
            .collect();
        // "tok_short" is too short; "a.tok_…" and "mid-tok_…" start tokens after punctuation;
        // "tok_long_…" is offered its longest prefix first (index 2, after the literal at 0
        // and "tok_" at 1), whose resume offset then covers the shorter one.
        assert_eq!(
            got,
            [
                ("tok_", 0.6),
                ("Marker", 0.5),
                ("tok_", 0.6),
                ("tok_long_", 0.7),
                ("tok_", 0.6)
            ]
        );
    }

    #[test]
    fn deny_terms_whole_words() {
        let s = Scanner::builder()
            .no_builtins()
            .deny_terms_ignore_case(Kind::custom("codename"), ["Project Falcon"])
            .build()
            .unwrap();
        let t = "about project falcon, not Project Falconry";
        let f = s.scan(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].text(t), Some("project falcon"));
    }
}
