//! The pseudonymization vault: one per conversation, `[EMAIL_1]`-style placeholders that are
//! stable across messages, tool calls and turns, and exact restoration in model output.
//!
//! ```
//! use lastgate::policy::{Action, Policy};
//! use lastgate::pseudonymize::{Vault, VaultKey};
//! use lastgate::Scanner;
//!
//! let scanner = Scanner::builtin();
//! let policy = Policy::builder().default(Action::Pseudonymize).build()?;
//! let mut vault = Vault::new(VaultKey::new([7; 32]));
//!
//! let turn1 = policy.apply(&scanner, "I am ann@corp.example, cc bob@corp.example", &mut vault);
//! assert_eq!(turn1.text(), "I am [EMAIL_1], cc [EMAIL_2]");
//! let turn2 = policy.apply(&scanner, "again: bob@corp.example", &mut vault);
//! assert_eq!(turn2.text(), "again: [EMAIL_2]"); // same value, same placeholder
//!
//! // Only placeholders this vault issued are restored; look-alikes stay as they are.
//! let answer = vault.restore("Dear [EMAIL_2], not [EMAIL_3] nor [EMAIL_20].");
//! assert_eq!(answer, "Dear bob@corp.example, not [EMAIL_3] nor [EMAIL_20].");
//! # Ok::<(), lastgate::policy::PolicyError>(())
//! ```
//!
//! # Guarantees
//!
//! - **Stable**: within one vault the same `(kind, value)` always gets the same placeholder.
//!   Values are looked up through HMAC-SHA256 under the vault's [`VaultKey`].
//! - **Distinct**: different values never share a placeholder; numbering is per kind, by first
//!   appearance (`[EMAIL_1]`, `[EMAIL_2]`, `[PHONE_1]`).
//! - **Prefix-free**: every placeholder ends with `]` and contains no `[`, so no placeholder is a
//!   prefix of another (`[EMAIL_1]` vs `[EMAIL_10]`). [`Vault::restore`] matches whole tokens
//!   only: it never turns `[EMAIL_10]` into the value of `[EMAIL_1]` followed by `0`.
//! - **Exact**: restore replaces issued placeholders by their original value, byte for byte, and
//!   leaves every other byte untouched (look-alikes, regex metacharacters, unissued numbers).
//!   [`StreamRestorer`](crate::stream::StreamRestorer) does the same across chunk boundaries.
//!
//! # Security notes
//!
//! - `Debug` of a [`Vault`] or [`VaultState`] shows counts only, never values or the key.
//! - [`Vault::export`] **contains the original values** (restore needs them). Treat it like the
//!   data itself: encrypt it at rest, scope it to one conversation and delete it with the
//!   conversation. The key is not part of the export.
//! - Two vaults with different keys never share state; keep one per conversation (or per
//!   tenant and session) so that two tenants' identical values never meet.
//! - If a user's own text already contains a string equal to a placeholder the vault later
//!   issues, restore treats it as that placeholder.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use zeroize::Zeroize;

use crate::finding::Kind;
pub use crate::policy::VaultKey;

/// One issued placeholder.
struct Entry {
    kind: String,
    token: String,
    value: String,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

/// Placeholder ↔ value map for one conversation. See the [module docs](self).
pub struct Vault {
    key: VaultKey,
    by_mac: HashMap<[u8; 32], usize>,
    by_token: HashMap<String, usize>,
    entries: Vec<Entry>,
    counters: HashMap<String, u64>,
    max_token_len: usize,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("placeholders", &self.entries.len())
            .field("key", &self.key)
            .finish()
    }
}

/// Why [`Vault::import`] refused a state. Never holds a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultError {
    entry: usize,
    reason: &'static str,
}

impl VaultError {
    /// Index of the offending entry in the state.
    pub fn entry(&self) -> usize {
        self.entry
    }

    /// A human-readable reason.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vault entry {}: {}", self.entry, self.reason)
    }
}

impl std::error::Error for VaultError {}

/// The exportable contents of a [`Vault`]: placeholders with their kinds and **original
/// values**. Serializable (feature `serde`) so a host can keep it between requests; sensitive
/// (see the module's security notes). `Debug` shows the count only.
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct VaultState {
    /// Format version (1).
    pub version: u32,
    /// Issued placeholders in issue order.
    pub entries: Vec<VaultEntry>,
}

/// One placeholder in a [`VaultState`].
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct VaultEntry {
    /// The kind id (`email`).
    pub kind: String,
    /// The placeholder (`[EMAIL_1]`).
    pub placeholder: String,
    /// The original value.
    pub value: String,
}

impl fmt::Debug for VaultState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultState")
            .field("version", &self.version)
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl fmt::Debug for VaultEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultEntry")
            .field("kind", &self.kind)
            .field("placeholder", &self.placeholder)
            .field("value", &"<redacted>")
            .finish()
    }
}

impl Drop for VaultEntry {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

/// True for a byte that may appear between the brackets of a placeholder.
#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'
}

/// The placeholder prefix of a kind id: upper-cased, with any byte outside `[A-Z0-9_]` turned
/// into `_` and a leading `K` when it would not start with a letter (only host kinds that skip
/// the builder's id check can need this).
fn placeholder_prefix(id: &str) -> String {
    let mut p: String = id
        .bytes()
        .map(|b| {
            let u = b.to_ascii_uppercase();
            if is_token_byte(u) {
                char::from(u)
            } else {
                '_'
            }
        })
        .collect();
    if !p.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        p.insert(0, 'K');
    }
    p
}

/// Splits `[PREFIX_N]` into `(PREFIX, N)` when well formed.
fn parse_token(t: &str) -> Option<(&str, u64)> {
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    if !inner.bytes().all(is_token_byte) {
        return None;
    }
    let (prefix, n) = inner.rsplit_once('_')?;
    if prefix.is_empty()
        || !prefix.as_bytes()[0].is_ascii_uppercase()
        || n.is_empty()
        || n.len() > 19
        || n.starts_with('0')
        || !n.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((prefix, n.parse().ok()?))
}

/// Appends `s` escaped for the inside of a JSON string.
fn push_json_escaped(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

impl Vault {
    /// An empty vault keyed by `key`.
    pub fn new(key: VaultKey) -> Vault {
        Vault {
            key,
            by_mac: HashMap::new(),
            by_token: HashMap::new(),
            entries: Vec::new(),
            counters: HashMap::new(),
            max_token_len: 0,
        }
    }

    /// Number of placeholders issued.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no placeholder was issued.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The length in bytes of the longest issued placeholder (0 when empty).
    pub fn max_placeholder_len(&self) -> usize {
        self.max_token_len
    }

    /// The placeholder of `value` as `kind`, issuing a new one on first sight.
    pub fn placeholder(&mut self, kind: Kind, value: &str) -> String {
        let mut s = String::new();
        self.placeholder_into(kind, value, &mut s);
        s
    }

    /// Like [`Vault::placeholder`], appending to `out`.
    pub fn placeholder_into(&mut self, kind: Kind, value: &str, out: &mut String) {
        let mac = self.key.mac(&[kind.as_str().as_bytes(), value.as_bytes()]);
        if let Some(&i) = self.by_mac.get(&mac) {
            if let Some(e) = self.entries.get(i) {
                out.push_str(&e.token);
                return;
            }
        }
        let prefix = placeholder_prefix(kind.as_str());
        let n = self.counters.entry(prefix.clone()).or_insert(0);
        *n += 1;
        let mut token = format!("[{prefix}_{n}]");
        // A host kind whose id already ends in `_<digits>` could in principle meet another
        // kind's numbering (`a_1` #2 and `a` #… never do, but imported states are checked too):
        // skip numbers that are taken.
        while self.by_token.contains_key(&token) {
            *n += 1;
            token = format!("[{prefix}_{n}]");
        }
        self.insert(kind.as_str().to_string(), token, value.to_string(), mac);
        if let Some(e) = self.entries.last() {
            out.push_str(&e.token);
        }
    }

    fn insert(&mut self, kind: String, token: String, value: String, mac: [u8; 32]) {
        let i = self.entries.len();
        self.max_token_len = self.max_token_len.max(token.len());
        self.by_mac.insert(mac, i);
        self.by_token.insert(token.clone(), i);
        self.entries.push(Entry { kind, token, value });
    }

    /// The original value behind an issued placeholder.
    pub fn lookup(&self, placeholder: &str) -> Option<&str> {
        let i = *self.by_token.get(placeholder)?;
        self.entries.get(i).map(|e| e.value.as_str())
    }

    /// Puts original values back in place of the placeholders this vault issued. Anything else
    /// is left byte for byte (borrowed when nothing changed).
    pub fn restore<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = String::new();
        let (done, _) = self.restore_into(text, false, &mut out);
        if done == usize::MAX {
            return Cow::Borrowed(text);
        }
        Cow::Owned(out)
    }

    /// Restores `text` into `out`. With `partial`, stops before a trailing `[` that may still
    /// become a placeholder and returns its offset; otherwise processes everything. Returns
    /// `(usize::MAX, _)` when nothing was replaced and `partial` is false (so `out` is unused).
    pub(crate) fn restore_into(
        &self,
        text: &str,
        partial: bool,
        out: &mut String,
    ) -> (usize, bool) {
        self.restore_with(text, partial, false, out)
    }

    /// Like [`Vault::restore`] for JSON text (tool-call `arguments`, `partial_json` deltas):
    /// values are written JSON-string-escaped, so a value holding `"` or `\` keeps the JSON
    /// valid where the placeholder sat inside a string.
    pub fn restore_json_fragment<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = String::new();
        let (done, _) = self.restore_with(text, false, true, &mut out);
        if done == usize::MAX {
            return Cow::Borrowed(text);
        }
        Cow::Owned(out)
    }

    pub(crate) fn restore_with(
        &self,
        text: &str,
        partial: bool,
        escape: bool,
        out: &mut String,
    ) -> (usize, bool) {
        let b = text.as_bytes();
        let mut last = 0usize;
        let mut replaced = false;
        let max = self.max_token_len;
        if max == 0 {
            if !partial {
                return (usize::MAX, false);
            }
            out.push_str(text);
            return (text.len(), false);
        }
        for i in memchr::memchr_iter(b'[', b) {
            if i < last {
                continue;
            }
            let mut j = i + 1;
            while j < b.len() && j - i < max && is_token_byte(b[j]) {
                j += 1;
            }
            if j >= b.len() {
                // Ran off the end while the token could still complete.
                if partial && j - i < max {
                    out.push_str(&text[last..i]);
                    return (i, replaced);
                }
                continue;
            }
            if b[j] != b']' {
                continue;
            }
            let tok = &text[i..=j];
            if let Some(&k) = self.by_token.get(tok) {
                if let Some(e) = self.entries.get(k) {
                    if !replaced && !partial {
                        out.reserve(text.len() + 64);
                    }
                    out.push_str(&text[last..i]);
                    if escape {
                        push_json_escaped(&e.value, out);
                    } else {
                        out.push_str(&e.value);
                    }
                    last = j + 1;
                    replaced = true;
                }
            }
        }
        if !partial && !replaced {
            return (usize::MAX, false);
        }
        out.push_str(&text[last..]);
        (text.len(), replaced)
    }

    /// A snapshot of the vault's placeholders and values (sensitive: see the module docs).
    pub fn export(&self) -> VaultState {
        VaultState {
            version: 1,
            entries: self
                .entries
                .iter()
                .map(|e| VaultEntry {
                    kind: e.kind.clone(),
                    placeholder: e.token.clone(),
                    value: e.value.clone(),
                })
                .collect(),
        }
    }

    /// A vault with `key` and the placeholders of `state` (exported with the same key or any
    /// other: lookups are re-keyed). Fails when an entry is malformed: an unknown version, a kind
    /// id that is not snake_case, a placeholder that is not `[KIND_N]` for its kind, a duplicate
    /// placeholder, an empty value, or the same value twice for one kind.
    pub fn import(key: VaultKey, state: &VaultState) -> Result<Vault, VaultError> {
        if state.version != 1 {
            return Err(VaultError {
                entry: 0,
                reason: "unsupported vault state version",
            });
        }
        let mut v = Vault::new(key);
        for (i, e) in state.entries.iter().enumerate() {
            let err = |reason| VaultError { entry: i, reason };
            if !Kind::is_valid_id(&e.kind) {
                return Err(err("kind id is not snake_case"));
            }
            let (prefix, n) =
                parse_token(&e.placeholder).ok_or_else(|| err("malformed placeholder"))?;
            if prefix != placeholder_prefix(&e.kind) {
                return Err(err("placeholder does not match its kind"));
            }
            if e.value.is_empty() {
                return Err(err("empty value"));
            }
            if v.by_token.contains_key(&e.placeholder) {
                return Err(err("duplicate placeholder"));
            }
            let mac = v.key.mac(&[e.kind.as_bytes(), e.value.as_bytes()]);
            if v.by_mac.contains_key(&mac) {
                return Err(err("duplicate value for one kind"));
            }
            let c = v.counters.entry(prefix.to_string()).or_insert(0);
            *c = (*c).max(n);
            v.insert(e.kind.clone(), e.placeholder.clone(), e.value.clone(), mac);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vault {
        Vault::new(VaultKey::new([3; 32]))
    }

    #[test]
    fn stable_distinct_numbered_per_kind() {
        let mut v = v();
        assert_eq!(v.placeholder(Kind::EMAIL, "a@x.io"), "[EMAIL_1]");
        assert_eq!(v.placeholder(Kind::PHONE, "555"), "[PHONE_1]");
        assert_eq!(v.placeholder(Kind::EMAIL, "b@x.io"), "[EMAIL_2]");
        assert_eq!(v.placeholder(Kind::EMAIL, "a@x.io"), "[EMAIL_1]");
        assert_eq!(v.placeholder(Kind::PHONE, "a@x.io"), "[PHONE_2]");
        assert_eq!(v.len(), 4);
        assert!(!format!("{v:?}").contains("x.io"));
    }

    #[test]
    fn restore_is_exact_and_prefix_safe() {
        let mut v = v();
        let mut toks = Vec::new();
        for i in 0..12 {
            toks.push(v.placeholder(Kind::EMAIL, &format!("u{i}@x.io")));
        }
        assert_eq!(toks[9], "[EMAIL_10]");
        assert_eq!(v.restore("[EMAIL_10][EMAIL_1]"), "u9@x.io\u{75}0@x.io");
        assert_eq!(
            v.restore("[EMAIL_13] [EMAIL_01] [email_1] [EMAIL_1"),
            "[EMAIL_13] [EMAIL_01] [email_1] [EMAIL_1"
        );
        assert_eq!(v.restore("[[EMAIL_2]]"), "[u1@x.io]");
        assert_eq!(v.restore(".*+?[EMAIL_2]$^\\"), ".*+?u1@x.io$^\\");
        assert!(matches!(v.restore("no placeholders"), Cow::Borrowed(_)));
        assert_eq!(v.restore("é[EMAIL_3]é"), "éu2@x.ioé");
    }

    #[test]
    fn json_fragment_restore_escapes() {
        let mut v = v();
        let t = v.placeholder(Kind::PASSWORD, "p\"a\\s\n");
        let frag = format!("{{\"pw\":\"{t}\"}}");
        let r = v.restore_json_fragment(&frag);
        assert_eq!(r, "{\"pw\":\"p\\\"a\\\\s\\n\"}");
        assert!(matches!(v.restore_json_fragment("{}"), Cow::Borrowed(_)));
    }

    #[test]
    fn odd_host_kind_ids_still_restore() {
        let mut v = v();
        let t = v.placeholder(Kind::custom("Emp-Id"), "E-1");
        assert_eq!(t, "[EMP_ID_1]");
        let u = v.placeholder(Kind::custom("9x"), "nine");
        assert_eq!(u, "[K9X_1]");
        assert_eq!(v.restore(&format!("{t} {u}")), "E-1 nine");
    }

    #[test]
    fn values_with_brackets_round_trip() {
        let mut v = v();
        let t = v.placeholder(Kind::custom("odd"), "[EMAIL_1]");
        let e = v.placeholder(Kind::EMAIL, "real@x.io");
        assert_eq!(v.restore(&format!("{t} {e}")), "[EMAIL_1] real@x.io");
    }

    #[test]
    fn export_import_round_trip_and_checks() {
        let mut a = v();
        a.placeholder(Kind::EMAIL, "a@x.io");
        a.placeholder(Kind::EMAIL, "b@x.io");
        let st = a.export();
        assert!(!format!("{st:?}").contains("x.io"));
        let mut b = Vault::import(VaultKey::new([5; 32]), &st).unwrap();
        assert_eq!(b.placeholder(Kind::EMAIL, "b@x.io"), "[EMAIL_2]");
        assert_eq!(b.placeholder(Kind::EMAIL, "c@x.io"), "[EMAIL_3]");
        let mut bad = st.clone();
        bad.entries[1].placeholder = "[EMAIL_1]".into();
        assert_eq!(
            Vault::import(VaultKey::new([5; 32]), &bad)
                .unwrap_err()
                .entry(),
            1
        );
        let mut bad = st.clone();
        bad.entries[0].placeholder = "[PHONE_1]".into();
        assert!(Vault::import(VaultKey::new([5; 32]), &bad).is_err());
        let mut bad = st;
        bad.entries[0].placeholder = "[EMAIL_01]".into();
        assert!(Vault::import(VaultKey::new([5; 32]), &bad).is_err());
    }
}
