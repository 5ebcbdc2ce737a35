//! Data-residency rules: which providers may receive a request, and why.
//!
//! GDPR, HIPAA and contracts decide where a prompt may go: EU users' data stays in EU
//! endpoints, PHI goes only to providers under a BAA, confidential data stays on premises. This
//! module evaluates such rules as **data**: a closed condition language, no `eval`, no I/O.
//!
//! 1. Describe the world in a [`Catalog`]: regions, classifications (ordered, lowest first),
//!    certifications and providers.
//! 2. Write [`Rule`]s: an [`Effect`] (permit or forbid), a non-empty reason, a `when` condition
//!    over the request and a `providers` condition over the providers.
//! 3. [`RuleSet::compile`] validates everything and returns a [`Policy`]; do this once per rule
//!    set version (with the `serde` feature a [`RuleSet`] loads from JSON or any serde format).
//! 4. [`Policy::decide`] turns a [`Request`] (user region, classification, the kinds the
//!    scanner found) into a [`Decision`]: the allowed providers, the determining rules with
//!    their reasons, and the [`PolicyHash`]. [`Decision::record`] is the audit-record form.
//!
//! ```
//! use lastgate::residency::{Catalog, Outcome, Provider, Request, Rule, RuleSet};
//! use lastgate::{Category, Kind};
//!
//! let catalog = Catalog::new()
//!     .regions(["EU", "EEA", "UK", "US"])
//!     .classifications(["public", "personal", "PHI", "confidential"])
//!     .certifications(["baa"])
//!     .provider(Provider::new("mistral-eu", "EU"))
//!     .provider(Provider::new("openai-us", "US").certification("baa"))
//!     .provider(Provider::new("llama-onprem", "EU").certification("baa").on_prem(true));
//! let policy = RuleSet::new(catalog)
//!     .rule(Rule::permit("default", "any provider in the catalog may serve public data"))
//!     .rule(Rule::forbid("gdpr", "GDPR: EU/EEA/UK users' data stays in the EU")
//!         .when("user_region in ['EU', 'EEA', 'UK']")
//!         .providers("provider.region != 'EU'"))
//!     .rule(Rule::forbid("hipaa", "HIPAA: PHI only to providers under a BAA")
//!         .when("data_classification == 'PHI'")
//!         .providers("not provider.certifications contains 'baa'"))
//!     .rule(Rule::forbid("on-prem", "confidential data stays on premises")
//!         .when("data_classification >= 'confidential'")
//!         .providers("not provider.on_prem"))
//!     .raise_category(Category::Phi, "PHI")
//!     .raise_category(Category::Secret, "confidential")
//!     .compile()?;
//!
//! // A US user whose prompt carries a medical record number: PHI, so BAA providers only.
//! let kinds = [Kind::MRN];
//! let d = policy.decide(&Request::new().user_region("US").data_classification("personal").kinds(&kinds));
//! assert_eq!(d.data_classification(), Some("PHI"));
//! assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["llama-onprem", "openai-us"]);
//! assert_eq!(d.determining_rules().map(|r| r.id()).collect::<Vec<_>>(), ["default", "hipaa"]);
//!
//! // No classification given: fail closed, every forbid that tests it applies.
//! let d = policy.decide(&Request::new().user_region("EU"));
//! assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["llama-onprem"]);
//! assert_eq!(d.missing_attributes().collect::<Vec<_>>(), ["data_classification"]);
//! # Ok::<(), lastgate::residency::ResidencyError>(())
//! ```
//!
//! # Semantics
//!
//! - **Default deny.** A provider is allowed only when at least one permit that applies to the
//!   request targets it.
//! - **Forbid beats permit.** A provider targeted by any applying forbid is denied, whatever the
//!   permits say.
//! - **Order never matters.** Rules are kept sorted by id; permuting them changes nothing, not
//!   even the policy hash.
//! - **Unroutable, never a fallback.** When the rules leave no provider, the outcome is
//!   [`Outcome::Unroutable`] and [`Decision::determining_rules`] names the forbids that caused
//!   it (empty: no permit applied). There is no "no restriction" answer and no default provider.
//! - **Explained.** [`Decision::explain`] says for each provider which permits allowed it, which
//!   forbids denied it, or that no permit applied.
//!
//! ## Missing and unknown attributes
//!
//! A request attribute that is absent, or names a value the catalog does not have, is
//! *unknown*. Conditions are evaluated in three-valued logic (as SQL treats `NULL`): a test on
//! an unknown attribute is unknown, `not unknown` is unknown, `and`/`or` follow Kleene's
//! tables. A **permit applies only when its condition is true; a forbid applies unless its
//! condition is false.** So an unknown attribute always takes the most restrictive reading,
//! including under `not` (the classic failure of treating an error as `false` and negating
//! it). The allowed set for an unknown value is a subset of the allowed set for every known
//! value. A missing classification stays unknown even when kinds were found.
//!
//! ## Kinds raise classification
//!
//! [`RuleSet::raise_category`] and [`RuleSet::raise_kind`] map scanner findings to
//! classifications (PHI kinds → `PHI`, secrets → `confidential`). The classification the rules
//! see is the highest of the declared one and every mapped one; it is never lowered.
//!
//! # The condition language
//!
//! ```text
//! user_region in ['EU', 'EEA', 'UK']          data_classification == 'PHI'
//! data_classification >= 'confidential'       user_region not in ['US']
//! provider.region == 'EU'                     provider.name in ['llama-onprem']
//! provider.certifications contains 'baa'      provider.on_prem
//! not (a or b) and c                          true / false
//! ```
//!
//! `when` may use `user_region` and `data_classification`; `providers` may use `provider.name`,
//! `provider.region`, `provider.certifications` and `provider.on_prem`. Only
//! `data_classification` is ordered (by catalog order). Values are compared exactly: no
//! substring or pattern matching, so `'eu'` never matches `'eu-west-1'`. Strings take single or
//! double quotes and have no escapes. [`Condition`] parses and prints the canonical form.
//!
//! # Validation and analysis at load
//!
//! [`RuleSet::compile`] refuses unknown attributes, values, providers, regions, classifications,
//! certifications, categories and kind ids; duplicate names and rule ids; empty reasons; an
//! empty rule list; and anything over the size limits ([`MAX_RULES`], [`MAX_PROVIDERS`],
//! [`MAX_REGIONS`], [`MAX_CLASSIFICATIONS`], [`MAX_CERTIFICATIONS`], [`MAX_REASON_LEN`],
//! [`MAX_CONDITION_LEN`], [`MAX_DEPTH`], [`MAX_LIST_LEN`]). Errors say where (rule id and field)
//! and, inside a condition, at which byte.
//!
//! It then decides every region × classification combination (each plus "missing") ahead of
//! time. [`Policy::analysis`] reports the combinations no provider may serve and the rules that
//! never take effect; [`Policy::diff`] compares two versions exactly, listing per combination
//! the providers gained and lost.
//!
//! # Guarantees and security notes
//!
//! - Compiling never panics on any rule set, and [`Condition::parse`] never panics on any text:
//!   parsing is a bounded recursive descent (nesting depth capped at 32, input at 4096 bytes,
//!   so 100 000 `(` is a positioned error, not a stack overflow). A fuzz target holds this.
//! - [`Policy::decide`] never fails, never panics and does not allocate: it resolves two names,
//!   folds the kinds and reads one precomputed table entry.
//! - A [`Decision`] can only be made by [`Policy::decide`]; code that takes `&Decision` knows
//!   the rules ran.
//! - The [`PolicyHash`] is SHA-256 over a domain-separated, length-prefixed canonical encoding
//!   of the catalog, the raise configuration and the rules sorted by id. The catalog is part of
//!   the hash: a provider that moves region is a new policy.
//! - Decisions and records hold catalog names only, never raw request strings, so a client
//!   cannot inject text into audit logs through an unknown region name.

mod analysis;
mod bits;
mod compile;
mod cond;
mod decision;
mod error;
mod spec;

pub use analysis::{
    Analysis, CombinationChange, Ineffective, IneffectiveRule, PolicyDiff, Unroutable,
};
pub use compile::{
    Policy, PolicyHash, MAX_CERTIFICATIONS, MAX_CLASSIFICATIONS, MAX_PROVIDERS, MAX_REASON_LEN,
    MAX_REGIONS, MAX_RULES,
};
pub use cond::{Condition, MAX_CONDITION_LEN, MAX_DEPTH, MAX_LIST_LEN};
pub use decision::{
    AllowedProviders, Decision, DecisionRecord, Explanation, Outcome, Request, RuleRecord, RuleRef,
};
pub use error::{ErrorKind, ResidencyError};
pub use spec::{Catalog, Effect, Provider, Raise, Rule, RuleSet};
