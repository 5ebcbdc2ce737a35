//! `Policy::apply`: the rewrite, the verdict, provenance and the summary.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Action, Policy};
use crate::finding::{Finding, Kind, Span};
use crate::pseudonymize::Vault;
use crate::Scanner;

/// Whether the text may go out as is, per the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Verdict {
    /// No finding had a `Block` action.
    Allowed,
    /// Some findings had a `Block` action: the kinds and how many of each, sorted by kind.
    Blocked(Vec<KindCount>),
}

impl Verdict {
    /// True for [`Verdict::Blocked`].
    pub fn is_blocked(&self) -> bool {
        matches!(self, Verdict::Blocked(_))
    }
}

/// How many findings of one kind got one action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KindCount {
    /// The kind.
    pub kind: Kind,
    /// The action taken.
    pub action: Action,
    /// How many findings.
    pub count: usize,
}

/// Provenance of one action: what was found, by which detector, what was done and where.
/// Holds no matched value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Applied {
    /// The finding's kind.
    pub kind: Kind,
    /// The detector that found it.
    pub detector: &'static str,
    /// The action actually taken (a `Hash` without a key or a `Pseudonymize` without a vault
    /// is recorded as the `Redact` it fell back to).
    pub action: Action,
    /// Where the value was in the input.
    pub input: Span,
    /// Where its replacement (or the kept value) is in the output.
    pub output: Span,
}

/// What [`Policy::apply`] did, without any matched value: safe for logs and audit records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Summary {
    /// Number of findings acted on.
    pub findings: usize,
    /// True when a `Block` action fired.
    pub blocked: bool,
    /// Number of findings with a `Warn` action.
    pub warned: usize,
    /// Counts per kind and action, sorted by kind then action.
    pub actions: Vec<KindCount>,
}

/// The result of [`Policy::apply`].
#[derive(Clone, Debug)]
pub struct Outcome<'t> {
    text: Cow<'t, str>,
    verdict: Verdict,
    applied: Vec<Applied>,
    summary: Summary,
}

impl<'t> Outcome<'t> {
    /// The rewritten text (borrowed from the input when nothing changed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The rewritten text, owned or borrowed.
    pub fn into_text(self) -> Cow<'t, str> {
        self.text
    }

    /// Allowed or blocked (with kinds and counts).
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// Provenance of every action, in input order.
    pub fn applied(&self) -> &[Applied] {
        &self.applied
    }

    /// Counts without values.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// True when the text changed.
    pub fn is_modified(&self) -> bool {
        matches!(self.text, Cow::Owned(_))
    }
}

/// Accumulates provenance and counts across calls (whole text, stream pushes, chat fields).
#[derive(Clone, Debug, Default)]
pub(crate) struct Acc {
    pub(crate) applied: Vec<Applied>,
    counts: BTreeMap<(Kind, Action), usize>,
}

impl Acc {
    pub(crate) fn record(&mut self, a: Applied) {
        *self.counts.entry((a.kind, a.action)).or_insert(0) += 1;
        self.applied.push(a);
    }

    pub(crate) fn summary(&self) -> Summary {
        let actions: Vec<KindCount> = self
            .counts
            .iter()
            .map(|(&(kind, action), &count)| KindCount {
                kind,
                action,
                count,
            })
            .collect();
        Summary {
            findings: actions.iter().map(|k| k.count).sum(),
            blocked: actions.iter().any(|k| k.action == Action::Block),
            warned: actions
                .iter()
                .filter(|k| k.action == Action::Warn)
                .map(|k| k.count)
                .sum(),
            actions,
        }
    }

    pub(crate) fn verdict(&self) -> Verdict {
        let blocked: Vec<KindCount> = self
            .counts
            .iter()
            .filter(|((_, a), _)| *a == Action::Block)
            .map(|(&(kind, action), &count)| KindCount {
                kind,
                action,
                count,
            })
            .collect();
        if blocked.is_empty() {
            Verdict::Allowed
        } else {
            Verdict::Blocked(blocked)
        }
    }
}

impl Policy {
    /// Scans `text` and applies the policy. Pseudonyms come from (and go into) `vault`.
    pub fn apply<'t>(&self, scanner: &Scanner, text: &'t str, vault: &mut Vault) -> Outcome<'t> {
        let findings = scanner.scan(text);
        self.apply_findings(text, &findings, Some(vault))
    }

    /// Like [`Policy::apply`] without a vault: `Pseudonymize` falls back to `Redact`.
    pub fn apply_without_vault<'t>(&self, scanner: &Scanner, text: &'t str) -> Outcome<'t> {
        let findings = scanner.scan(text);
        self.apply_findings(text, &findings, None)
    }

    /// Applies the policy to findings the caller already has (sorted by start and
    /// non-overlapping, as [`Scanner::scan`] returns them). Findings that are out of bounds, off a
    /// char boundary or overlap an earlier one are skipped, never a panic.
    pub fn apply_findings<'t>(
        &self,
        text: &'t str,
        findings: &[Finding],
        vault: Option<&mut Vault>,
    ) -> Outcome<'t> {
        let mut acc = Acc::default();
        let mut out = String::new();
        let changed = self.rewrite(text, findings, 0, 0, &mut out, vault, &mut acc);
        Outcome {
            text: if changed {
                Cow::Owned(out)
            } else {
                Cow::Borrowed(text)
            },
            verdict: acc.verdict(),
            summary: acc.summary(),
            applied: acc.applied,
        }
    }

    /// Writes `seg` rewritten into `out` and returns whether anything changed. `findings` are
    /// relative to `seg`; provenance spans are `in_base + …` and `out_base + out.len()`-based.
    /// When nothing changes `out` still receives the segment unless it would be unused: callers
    /// that only want a `Cow` check the return value.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn rewrite(
        &self,
        seg: &str,
        findings: &[Finding],
        in_base: usize,
        out_base: usize,
        out: &mut String,
        mut vault: Option<&mut Vault>,
        acc: &mut Acc,
    ) -> bool {
        let start_len = out.len();
        let mut changed = false;
        let mut last = 0usize;
        out.reserve(seg.len() + 16 * findings.len());
        for f in findings {
            let s = f.span();
            let Some(value) = seg.get(s.range()) else {
                continue;
            };
            if s.start < last || s.is_empty() {
                continue;
            }
            out.push_str(&seg[last..s.start]);
            let o0 = out.len();
            let taken = self.write_replacement(f.kind(), value, vault.as_deref_mut(), out);
            if !taken.keeps_value() {
                changed = true;
            }
            acc.record(Applied {
                kind: f.kind(),
                detector: f.detector(),
                action: taken,
                input: Span::new(in_base + s.start, in_base + s.end),
                output: Span::new(out_base + o0 - start_len, out_base + out.len() - start_len),
            });
            last = s.end;
        }
        out.push_str(&seg[last..]);
        changed
    }

    /// Writes the replacement of one value and returns the action actually taken.
    fn write_replacement(
        &self,
        kind: Kind,
        value: &str,
        vault: Option<&mut Vault>,
        out: &mut String,
    ) -> Action {
        let action = self.action_for(kind);
        match action {
            Action::Allow | Action::Warn => {
                out.push_str(value);
                action
            }
            Action::Redact | Action::Block => {
                self.push_label(kind, out);
                action
            }
            Action::Mask { keep_last } => {
                mask_into(value, keep_last, self.mask_char, out);
                action
            }
            Action::Hash => match self.hash_key() {
                Some(key) => {
                    let tag = key.mac(&[kind.as_str().as_bytes(), value.as_bytes()]);
                    out.push('[');
                    for c in kind.as_str().chars() {
                        out.push(c.to_ascii_uppercase());
                    }
                    out.push(':');
                    for b in &tag[..8] {
                        let _ = write!(out, "{b:02x}");
                    }
                    out.push(']');
                    action
                }
                None => {
                    self.push_label(kind, out);
                    Action::Redact
                }
            },
            Action::Pseudonymize => match vault {
                Some(v) => {
                    v.placeholder_into(kind, value, out);
                    action
                }
                None => {
                    self.push_label(kind, out);
                    Action::Redact
                }
            },
        }
    }
}

/// Masks every letter and digit except the last `keep_last`; other characters are kept.
fn mask_into(value: &str, keep_last: usize, mask: char, out: &mut String) {
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    let masked = total.saturating_sub(keep_last);
    let mut seen = 0usize;
    for c in value.chars() {
        if c.is_alphanumeric() {
            seen += 1;
            out.push(if seen <= masked { mask } else { c });
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{HashKey, VaultKey};
    use crate::{Category, Detector};

    fn vault() -> Vault {
        Vault::new(VaultKey::new([9; 32]))
    }

    #[test]
    fn mask_keeps_separators_and_tail() {
        let mut s = String::new();
        mask_into("4111 1111 1111 1234", 4, '*', &mut s);
        assert_eq!(s, "**** **** **** 1234");
        s.clear();
        mask_into("ab", 4, '#', &mut s);
        assert_eq!(s, "ab");
        s.clear();
        mask_into("jane@x.org", 0, '•', &mut s);
        assert_eq!(s, "••••@•.•••");
    }

    #[test]
    fn nothing_found_borrows() {
        let p = Policy::default();
        let out = p.apply(&Scanner::builtin(), "nothing to see here", &mut vault());
        assert!(matches!(out.into_text(), Cow::Borrowed(_)));
    }

    #[test]
    fn block_replaces_and_reports() {
        let p = Policy::default();
        let t = "card 4111 1111 1111 1111 and a@b.example and 5500 0000 0000 0004";
        let out = p.apply(&Scanner::builtin(), t, &mut vault());
        assert_eq!(
            out.text(),
            "card [CREDIT_CARD] and [EMAIL] and [CREDIT_CARD]"
        );
        assert_eq!(
            out.verdict(),
            &Verdict::Blocked(vec![KindCount {
                kind: Kind::CREDIT_CARD,
                action: Action::Block,
                count: 2
            }])
        );
        let s = out.summary();
        assert_eq!(s.findings, 3);
        assert!(s.blocked);
        // Provenance spans point at the value in the input and the label in the output.
        for a in out.applied() {
            let label = p.label(a.kind);
            assert_eq!(&out.text()[a.output.range()], label);
            assert!(t[a.input.range()].len() >= 10);
        }
    }

    #[test]
    fn warn_and_allow_keep_text() {
        let p = Policy::builder()
            .on(Kind::EMAIL, Action::Warn)
            .default(Action::Allow)
            .build()
            .unwrap();
        let t = "x a@b.example 4111 1111 1111 1111";
        let out = p.apply(&Scanner::builtin(), t, &mut vault());
        assert_eq!(out.text(), t);
        assert!(!out.is_modified());
        assert_eq!(out.summary().warned, 1);
        assert_eq!(out.verdict(), &Verdict::Allowed);
    }

    #[test]
    fn hash_is_keyed_stable_and_falls_back_without_key() {
        let k1 = HashKey::new([1; 32]);
        let p1 = Policy::builder()
            .default(Action::Hash)
            .hash_key(k1)
            .build()
            .unwrap();
        let p2 = p1.clone().with_hash_key(HashKey::new([2; 32]));
        let s = Scanner::builtin();
        let t = "a@b.example a@b.example c@d.example";
        let o1 = p1.apply_without_vault(&s, t).into_text().into_owned();
        let o2 = p2.apply_without_vault(&s, t).into_text().into_owned();
        let tags: Vec<&str> = o1.split(' ').collect();
        assert_eq!(tags[0], tags[1]);
        assert_ne!(tags[0], tags[2]);
        assert!(tags[0].starts_with("[EMAIL:") && tags[0].len() == "[EMAIL:]".len() + 16);
        assert_ne!(o1, o2);
        assert!(!o1.contains("a@b"));
        // Loaded without a key: fail closed to the label.
        let nokey = Policy {
            hash_key: None,
            ..p1.clone()
        };
        let o = nokey.apply_without_vault(&s, t);
        assert_eq!(o.text(), "[EMAIL] [EMAIL] [EMAIL]");
        assert_eq!(o.applied()[0].action, Action::Redact);
    }

    #[test]
    fn custom_kinds_and_labels() {
        let s = Scanner::builder()
            .detector(Detector::regex("employee_id", r"\bEMP-\d{6}\b").unwrap())
            .build()
            .unwrap();
        let p = Policy::builder()
            .on(Category::Custom, Action::Block)
            .label(Kind::custom("employee_id"), "<staff>")
            .build()
            .unwrap();
        let out = p.apply(&s, "id EMP-123456 ok", &mut vault());
        assert_eq!(out.text(), "id <staff> ok");
        assert!(out.verdict().is_blocked());
    }

    #[test]
    fn bad_findings_are_skipped_not_panics() {
        let p = Policy::default();
        let t = "héllo a@b.example";
        let bad = [
            Finding::new(Kind::EMAIL, Span::new(2, 3), 0.9, "x"), // inside é
            Finding::new(Kind::EMAIL, Span::new(7, 18), 0.9, "x"),
            Finding::new(Kind::EMAIL, Span::new(8, 9), 0.9, "x"), // overlaps
            Finding::new(Kind::EMAIL, Span::new(17, 99), 0.9, "x"),
        ];
        let out = p.apply_findings(t, &bad, None);
        assert_eq!(out.text(), "héllo [EMAIL]");
        assert_eq!(out.applied().len(), 1);
    }
}
