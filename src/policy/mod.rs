//! Acting on findings: a [`Policy`] maps kinds and categories to [`Action`]s and
//! [`Policy::apply`] rewrites the text, decides a [`Verdict`] and records provenance.
//!
//! ```
//! use lastgate::policy::{Action, Policy, Verdict};
//! use lastgate::pseudonymize::{Vault, VaultKey};
//! use lastgate::{Category, Kind, Scanner};
//!
//! let scanner = Scanner::builtin();
//! let policy = Policy::builder()
//!     .on(Category::Secret, Action::Block)
//!     .on(Kind::EMAIL, Action::Pseudonymize)
//!     .on(Kind::CREDIT_CARD, Action::Mask { keep_last: 4 })
//!     .default(Action::Redact)
//!     .build()?;
//! let mut vault = Vault::new(VaultKey::new([42; 32]));
//!
//! let out = policy.apply(&scanner, "Mail jane@corp.example, card 4111 1111 1111 1111.", &mut vault);
//! assert_eq!(out.text(), "Mail [EMAIL_1], card **** **** **** 1111.");
//! assert_eq!(out.verdict(), &Verdict::Allowed);
//! assert_eq!(vault.restore("Hi [EMAIL_1]!"), "Hi jane@corp.example!");
//! # Ok::<(), lastgate::policy::PolicyError>(())
//! ```
//!
//! # Actions
//!
//! | action | writes | verdict |
//! |---|---|---|
//! | [`Action::Allow`] | the original text | allowed, not reported as a warning |
//! | [`Action::Warn`] | the original text | allowed, counted as a warning in the [`Summary`] |
//! | [`Action::Redact`] | a label, `[EMAIL]` by default (`[` + kind id upper-cased + `]`), customisable per kind | allowed |
//! | [`Action::Mask`] | the value with every letter and digit but the last `keep_last` replaced by the mask character (`*` by default); separators are kept | allowed |
//! | [`Action::Hash`] | `[EMAIL:` + 16 hex digits + `]`: a truncated HMAC-SHA256 of the kind and value under the host's [`HashKey`] | allowed |
//! | [`Action::Pseudonymize`] | a [`Vault`](crate::pseudonymize::Vault) placeholder, `[EMAIL_1]` | allowed |
//! | [`Action::Block`] | the redact label (a blocked value never reaches the output) | **blocked**, with the kinds and counts |
//!
//! [`Policy::apply`] always returns the rewritten text; with a blocked verdict the host decides
//! whether to send it, refuse the request or ask the user.
//!
//! # Rule resolution
//!
//! A rule for the finding's kind wins over a rule for its category, which wins over the default.
//! [`Policy::default`] follows common gateway practice: block every secret, US SSNs and payment
//! cards; redact everything else.
//!
//! # Loading with serde (feature `serde`)
//!
//! ```
//! # #[cfg(feature = "json")] {
//! use lastgate::policy::{Action, Policy};
//! use lastgate::Kind;
//!
//! let policy: Policy = serde_json::from_str(r##"{
//!     "default": "redact",
//!     "categories": { "secret": "block" },
//!     "kinds": { "email": "pseudonymize", "phone": "mask:4", "ip_address": "hash" },
//!     "labels": { "email": "<email>" },
//!     "mask_char": "#"
//! }"##)?;
//! assert_eq!(policy.action_for(Kind::PHONE), Action::Mask { keep_last: 4 });
//!
//! let err = serde_json::from_str::<Policy>(r#"{"kinds": {"emial": "redact"}}"#).unwrap_err();
//! assert!(err.to_string().contains("kinds.emial"));
//! # }
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Actions are written as stable strings: `allow`, `warn`, `redact`, `mask:N` (`mask` alone keeps
//! 4), `hash`, `pseudonymize`, `block`. Unknown fields, unknown kinds or categories and bad
//! action strings are rejected with an error naming the field (`kinds.emial`,
//! `categories.secrets`, `default`). Custom kinds are accepted when listed in `custom_kinds`.
//! A `Hash` action needs a [`HashKey`], which is never part of the serialized form: attach it
//! with [`Policy::with_hash_key`] after loading, or `apply` fails closed by redacting instead.
//!
//! # Security notes
//!
//! - [`Summary`], [`Applied`] and [`Verdict`] never hold a matched value: they are safe for
//!   logs and audit records. The rewritten text is only as safe as the policy that produced it.
//! - `Hash` tags are keyed (HMAC-SHA256, 64-bit tags). Without the key, a tag reveals nothing
//!   practical about a low-entropy value; with it, equal values give equal tags, which is the
//!   point (joins in analytics) and also means the key must be guarded like a password pepper.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;

use crate::finding::{Category, Kind};

mod apply;
mod key;

pub(crate) use apply::Acc;
pub use apply::{Applied, KindCount, Outcome, Summary, Verdict};
pub use key::{HashKey, KeyError, VaultKey, MIN_KEY_LEN};

/// What to do with a finding. See the [module docs](self) for what each action writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Action {
    /// Keep the value; do not report it as a warning.
    Allow,
    /// Keep the value; report it.
    Warn,
    /// Replace the value with its label (`[EMAIL]`).
    Redact,
    /// Mask every letter and digit except the last `keep_last`; keep separators.
    Mask {
        /// How many trailing letters or digits stay readable.
        keep_last: usize,
    },
    /// Replace the value with a keyed, truncated HMAC-SHA256 tag.
    Hash,
    /// Replace the value with a vault placeholder (`[EMAIL_1]`), restorable in responses.
    Pseudonymize,
    /// Replace the value with its label and mark the outcome as blocked.
    Block,
}

impl Action {
    /// The stable string form: `allow`, `warn`, `redact`, `mask:N`, `hash`, `pseudonymize`,
    /// `block`.
    pub fn as_string(&self) -> String {
        match self {
            Action::Mask { keep_last } => format!("mask:{keep_last}"),
            other => other.name().to_string(),
        }
    }

    /// The action's name without parameters (`mask` for every mask).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Redact => "redact",
            Action::Mask { .. } => "mask",
            Action::Hash => "hash",
            Action::Pseudonymize => "pseudonymize",
            Action::Block => "block",
        }
    }

    /// Parses the stable string form. `mask` alone keeps the last 4 characters.
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "allow" => Action::Allow,
            "warn" => Action::Warn,
            "redact" => Action::Redact,
            "mask" => Action::Mask { keep_last: 4 },
            "hash" => Action::Hash,
            "pseudonymize" => Action::Pseudonymize,
            "block" => Action::Block,
            _ => {
                let n = s.strip_prefix("mask:")?;
                if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                Action::Mask {
                    keep_last: n.parse().ok()?,
                }
            }
        })
    }

    /// True for the actions that leave the value in the output (`Allow`, `Warn`).
    pub fn keeps_value(&self) -> bool {
        matches!(self, Action::Allow | Action::Warn)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Action::parse(&s).ok_or_else(|| serde::de::Error::custom(bad_action(&s)))
    }
}

#[cfg_attr(not(feature = "serde"), allow(dead_code))]
fn bad_action(s: &str) -> String {
    // The action string is configuration, not scanned text; cap it all the same.
    let shown: String = s.chars().take(32).collect();
    format!(
        "unknown action `{shown}` (expected allow, warn, redact, mask, mask:N, hash, pseudonymize or block)"
    )
}

/// Why a policy was refused. Names the offending field; never holds scanned text or keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    field: String,
    reason: String,
}

impl PolicyError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> PolicyError {
        PolicyError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The field that was rejected (`kinds.emial`, `default`, `hash_key`, …).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// A human-readable reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy field `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for PolicyError {}

/// Maps kinds and categories to actions. Build one with [`Policy::builder`], take
/// [`Policy::default`], or load one with serde (feature `serde`). Immutable once built; cheap to
/// share behind an `Arc`.
#[derive(Clone)]
pub struct Policy {
    /// Rules by kind id (custom kinds are matched by id too).
    kinds: HashMap<String, Action>,
    categories: [Option<Action>; 5],
    default: Action,
    labels: HashMap<String, String>,
    mask_char: char,
    hash_key: Option<HashKey>,
    /// Custom kind ids accepted by serde; kept to round-trip.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    custom_kinds: Vec<String>,
}

fn cat_index(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

impl Default for Policy {
    /// Block every secret, US SSNs and payment cards; redact everything else.
    fn default() -> Policy {
        let mut p = Policy::empty(Action::Redact);
        p.categories[cat_index(Category::Secret)] = Some(Action::Block);
        p.kinds
            .insert(Kind::US_SSN.as_str().to_string(), Action::Block);
        p.kinds
            .insert(Kind::CREDIT_CARD.as_str().to_string(), Action::Block);
        p
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: BTreeMap<&str, String> = self
            .kinds
            .iter()
            .map(|(k, a)| (k.as_str(), a.as_string()))
            .collect();
        let cats: BTreeMap<&str, String> = Category::ALL
            .iter()
            .filter_map(|c| Some((c.as_str(), self.categories[cat_index(*c)]?.as_string())))
            .collect();
        f.debug_struct("Policy")
            .field("default", &self.default.as_string())
            .field("categories", &cats)
            .field("kinds", &kinds)
            .field("labels", &self.labels.len())
            .field("mask_char", &self.mask_char)
            .field("hash_key", &self.hash_key.is_some())
            .finish()
    }
}

impl Policy {
    fn empty(default: Action) -> Policy {
        Policy {
            kinds: HashMap::new(),
            categories: [None; 5],
            default,
            labels: HashMap::new(),
            mask_char: '*',
            hash_key: None,
            custom_kinds: Vec::new(),
        }
    }

    /// A builder starting from an empty policy whose default is [`Action::Redact`].
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder {
            policy: Policy::empty(Action::Redact),
            error: None,
        }
    }

    /// A policy that redacts every finding with its label.
    pub fn redact_all() -> Policy {
        Policy::empty(Action::Redact)
    }

    /// The action for `kind`: its kind rule, else its category rule, else the default.
    pub fn action_for(&self, kind: Kind) -> Action {
        if let Some(a) = self.kinds.get(kind.as_str()) {
            return *a;
        }
        self.categories[cat_index(kind.category())].unwrap_or(self.default)
    }

    /// The default action.
    pub fn default_action(&self) -> Action {
        self.default
    }

    /// The label written for `kind` by `Redact` and `Block`: the custom one, or `[` + kind id
    /// upper-cased + `]`.
    pub fn label(&self, kind: Kind) -> String {
        let mut s = String::new();
        self.push_label(kind, &mut s);
        s
    }

    pub(crate) fn push_label(&self, kind: Kind, out: &mut String) {
        if self.labels.is_empty() {
            push_default_label(kind.as_str(), out);
            return;
        }
        match self.labels.get(kind.as_str()) {
            Some(l) => out.push_str(l),
            None => push_default_label(kind.as_str(), out),
        }
    }

    /// The mask character of `Mask`.
    pub fn mask_char(&self) -> char {
        self.mask_char
    }

    /// True when a [`HashKey`] is attached.
    pub fn has_hash_key(&self) -> bool {
        self.hash_key.is_some()
    }

    /// Attaches (or replaces) the key of the `Hash` action, e.g. after loading with serde.
    pub fn with_hash_key(mut self, key: HashKey) -> Policy {
        self.hash_key = Some(key);
        self
    }

    /// This policy with every action turned into `Redact`, labels kept: what the scan CLI's
    /// `--scrub` prints.
    pub fn as_redact_only(&self) -> Policy {
        let mut p = Policy::empty(Action::Redact);
        p.labels = self.labels.clone();
        p
    }

    /// True when some rule (or the default) uses `action`'s variant.
    pub fn uses(&self, action: Action) -> bool {
        let same = |a: &Action| a.name() == action.name();
        same(&self.default)
            || self.kinds.values().any(same)
            || self.categories.iter().flatten().any(same)
    }

    pub(crate) fn hash_key(&self) -> Option<&HashKey> {
        self.hash_key.as_ref()
    }
}

fn push_default_label(id: &str, out: &mut String) {
    out.push('[');
    for c in id.chars() {
        out.push(c.to_ascii_uppercase());
    }
    out.push(']');
}

/// Builds a [`Policy`]. Errors are collected and reported by [`PolicyBuilder::build`].
#[derive(Debug)]
pub struct PolicyBuilder {
    policy: Policy,
    error: Option<PolicyError>,
}

/// What a rule applies to: a [`Kind`] or a [`Category`]. Used by [`PolicyBuilder::on`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One kind (built-in or custom).
    Kind(Kind),
    /// Every kind of a category.
    Category(Category),
}

impl From<Kind> for Target {
    fn from(k: Kind) -> Target {
        Target::Kind(k)
    }
}

impl From<Category> for Target {
    fn from(c: Category) -> Target {
        Target::Category(c)
    }
}

impl PolicyBuilder {
    /// Sets the action for a kind or a category (the last call for the same target wins).
    pub fn on(mut self, target: impl Into<Target>, action: Action) -> PolicyBuilder {
        match target.into() {
            Target::Kind(k) => {
                if !Kind::is_valid_id(k.as_str()) && self.error.is_none() {
                    self.error = Some(PolicyError::new(
                        format!("kinds.{}", k.as_str()),
                        "kind ids must be snake_case",
                    ));
                }
                self.policy.kinds.insert(k.as_str().to_string(), action);
            }
            Target::Category(c) => self.policy.categories[cat_index(c)] = Some(action),
        }
        self
    }

    /// The action for findings no rule matches (default [`Action::Redact`]).
    pub fn default(mut self, action: Action) -> PolicyBuilder {
        self.policy.default = action;
        self
    }

    /// A custom label for `Redact` and `Block` of `kind`. Labels must be non-empty and at most
    /// 64 bytes.
    pub fn label(mut self, kind: Kind, label: impl Into<String>) -> PolicyBuilder {
        let label = label.into();
        if (label.is_empty() || label.len() > 64) && self.error.is_none() {
            self.error = Some(PolicyError::new(
                format!("labels.{}", kind.as_str()),
                "labels must be 1 to 64 bytes",
            ));
        }
        self.policy.labels.insert(kind.as_str().to_string(), label);
        self
    }

    /// The character `Mask` writes (default `*`).
    pub fn mask_char(mut self, c: char) -> PolicyBuilder {
        self.policy.mask_char = c;
        self
    }

    /// The key of the `Hash` action. Required when any rule uses `Hash`.
    pub fn hash_key(mut self, key: HashKey) -> PolicyBuilder {
        self.policy.hash_key = Some(key);
        self
    }

    /// Checks and returns the policy. Fails with an error naming the field when a kind id is not
    /// snake_case, a label is empty or too long, or a `Hash` rule has no [`HashKey`].
    pub fn build(self) -> Result<Policy, PolicyError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.policy.uses(Action::Hash) && self.policy.hash_key.is_none() {
            return Err(PolicyError::new(
                "hash_key",
                "a rule uses `hash` but no HashKey was given",
            ));
        }
        Ok(self.policy)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;

    #[derive(serde::Deserialize, serde::Serialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        categories: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        kinds: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        labels: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mask_char: Option<char>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        custom_kinds: Vec<String>,
    }

    fn action(field: String, s: &str) -> Result<Action, PolicyError> {
        Action::parse(s).ok_or_else(|| PolicyError::new(field, bad_action(s)))
    }

    fn known_kind(id: &str, custom: &[String]) -> bool {
        Kind::from_builtin_id(id).is_some() || custom.iter().any(|c| c == id)
    }

    fn shown(s: &str) -> String {
        s.chars().take(64).collect()
    }

    impl TryFrom<Spec> for Policy {
        type Error = PolicyError;

        fn try_from(spec: Spec) -> Result<Policy, PolicyError> {
            let mut p = Policy::empty(Action::Redact);
            for c in &spec.custom_kinds {
                if !Kind::is_valid_id(c) {
                    return Err(PolicyError::new(
                        format!("custom_kinds.{}", shown(c)),
                        "kind ids must be snake_case",
                    ));
                }
            }
            if let Some(d) = &spec.default {
                p.default = action("default".into(), d)?;
            }
            for (c, a) in &spec.categories {
                let field = format!("categories.{}", shown(c));
                let cat = Category::from_id(c).ok_or_else(|| {
                    PolicyError::new(
                        field.clone(),
                        "unknown category (expected pii, phi, financial, secret or custom)",
                    )
                })?;
                p.categories[cat_index(cat)] = Some(action(field, a)?);
            }
            for (k, a) in &spec.kinds {
                let field = format!("kinds.{}", shown(k));
                if !known_kind(k, &spec.custom_kinds) {
                    return Err(PolicyError::new(
                        field,
                        "unknown kind (list custom kinds in `custom_kinds`)",
                    ));
                }
                p.kinds.insert(k.clone(), action(field, a)?);
            }
            for (k, l) in &spec.labels {
                let field = format!("labels.{}", shown(k));
                if !known_kind(k, &spec.custom_kinds) {
                    return Err(PolicyError::new(field, "unknown kind"));
                }
                if l.is_empty() || l.len() > 64 {
                    return Err(PolicyError::new(field, "labels must be 1 to 64 bytes"));
                }
                p.labels.insert(k.clone(), l.clone());
            }
            if let Some(c) = spec.mask_char {
                p.mask_char = c;
            }
            p.custom_kinds = spec.custom_kinds;
            Ok(p)
        }
    }

    impl serde::Serialize for Policy {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let spec = Spec {
                default: Some(self.default.as_string()),
                categories: Category::ALL
                    .iter()
                    .filter_map(|c| {
                        Some((
                            c.as_str().to_string(),
                            self.categories[cat_index(*c)]?.as_string(),
                        ))
                    })
                    .collect(),
                kinds: self
                    .kinds
                    .iter()
                    .map(|(k, a)| (k.clone(), a.as_string()))
                    .collect(),
                labels: self
                    .labels
                    .iter()
                    .map(|(k, l)| (k.clone(), l.clone()))
                    .collect(),
                mask_char: Some(self.mask_char),
                custom_kinds: {
                    let mut v: Vec<String> = self
                        .kinds
                        .keys()
                        .chain(self.labels.keys())
                        .filter(|k| Kind::from_builtin_id(k).is_none())
                        .cloned()
                        .collect();
                    v.extend(self.custom_kinds.iter().cloned());
                    v.sort();
                    v.dedup();
                    v
                },
            };
            spec.serialize(s)
        }
    }

    /// Deserializes a policy, rejecting unknown fields, kinds, categories and actions with an
    /// error that names the field. The `Hash` key is never serialized: attach it with
    /// [`Policy::with_hash_key`].
    impl<'de> serde::Deserialize<'de> for Policy {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
            let spec = Spec::deserialize(d)?;
            Policy::try_from(spec).map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_strings_round_trip() {
        for a in [
            Action::Allow,
            Action::Warn,
            Action::Redact,
            Action::Mask { keep_last: 0 },
            Action::Mask { keep_last: 12 },
            Action::Hash,
            Action::Pseudonymize,
            Action::Block,
        ] {
            assert_eq!(Action::parse(&a.as_string()), Some(a));
        }
        assert_eq!(Action::parse("mask"), Some(Action::Mask { keep_last: 4 }));
        for bad in [
            "",
            "Mask",
            "mask:",
            "mask:x",
            "mask:99999",
            "mask:-1",
            "deny",
        ] {
            assert_eq!(Action::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn resolution_kind_over_category_over_default() {
        let p = Policy::builder()
            .on(Category::Pii, Action::Warn)
            .on(Kind::EMAIL, Action::Pseudonymize)
            .on(Kind::custom("employee_id"), Action::Block)
            .default(Action::Mask { keep_last: 2 })
            .build()
            .unwrap();
        assert_eq!(p.action_for(Kind::EMAIL), Action::Pseudonymize);
        assert_eq!(p.action_for(Kind::PHONE), Action::Warn);
        assert_eq!(p.action_for(Kind::IBAN), Action::Mask { keep_last: 2 });
        assert_eq!(p.action_for(Kind::custom("employee_id")), Action::Block);
    }

    #[test]
    fn default_policy_blocks_secrets_ssn_cards() {
        let p = Policy::default();
        assert_eq!(p.action_for(Kind::AWS_ACCESS_KEY_ID), Action::Block);
        assert_eq!(p.action_for(Kind::US_SSN), Action::Block);
        assert_eq!(p.action_for(Kind::CREDIT_CARD), Action::Block);
        assert_eq!(p.action_for(Kind::EMAIL), Action::Redact);
        assert_eq!(p.action_for(Kind::custom("x")), Action::Redact);
        assert_eq!(p.label(Kind::CREDIT_CARD), "[CREDIT_CARD]");
    }

    #[test]
    fn builder_errors_name_the_field() {
        let e = Policy::builder()
            .on(Kind::IP_ADDRESS, Action::Hash)
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "hash_key");
        let e = Policy::builder()
            .label(Kind::EMAIL, "")
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "labels.email");
        let e = Policy::builder()
            .on(Kind::custom("Bad"), Action::Redact)
            .build()
            .unwrap_err();
        assert_eq!(e.field(), "kinds.Bad");
    }

    #[cfg(feature = "json")]
    #[test]
    fn serde_rejects_bad_fields_and_round_trips() {
        let cases = [
            (r#"{"kinds":{"emial":"redact"}}"#, "kinds.emial"),
            (r#"{"kinds":{"email":"rdact"}}"#, "kinds.email"),
            (
                r#"{"categories":{"secrets":"block"}}"#,
                "categories.secrets",
            ),
            (r#"{"default":"nope"}"#, "default"),
            (r#"{"labels":{"email":""}}"#, "labels.email"),
            (r#"{"defualt":"redact"}"#, "defualt"),
        ];
        for (json, field) in cases {
            let e = serde_json::from_str::<Policy>(json)
                .unwrap_err()
                .to_string();
            assert!(e.contains(field), "{json}: {e}");
        }
        let p: Policy = serde_json::from_str(
            r##"{"default":"warn","categories":{"phi":"block"},"kinds":{"email":"mask:3","employee_id":"hash"},"custom_kinds":["employee_id"],"labels":{"email":"<e>"},"mask_char":"#"}"##,
        )
        .unwrap();
        assert_eq!(p.action_for(Kind::EMAIL), Action::Mask { keep_last: 3 });
        assert_eq!(p.action_for(Kind::custom("employee_id")), Action::Hash);
        assert_eq!(p.action_for(Kind::NPI), Action::Block);
        assert_eq!(p.label(Kind::EMAIL), "<e>");
        assert!(!p.has_hash_key());
        let back: Policy = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{p:?}"));
        let d: Policy =
            serde_json::from_str(&serde_json::to_string(&Policy::default()).unwrap()).unwrap();
        assert_eq!(format!("{d:?}"), format!("{:?}", Policy::default()));
    }
}
