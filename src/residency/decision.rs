//! [`Request`] in, [`Decision`] out.

use core::fmt;

use super::bits::Ones;
use super::compile::{Entry, Policy, PolicyHash, RuleC};
use super::spec::Effect;
use crate::{Finding, Kind};

#[derive(Clone, Copy, Debug, Default)]
enum Kinds<'a> {
    #[default]
    None,
    List(&'a [Kind]),
    Findings(&'a [Finding]),
}

/// What a decision is made from: the user's region, the declared data classification and the
/// kinds the scanner found. Borrowed, `Copy`, built per request.
///
/// Every field is optional. A missing field, or a value the catalog does not know, is decided
/// fail-closed (see [`Decision::missing_attributes`]).
///
/// ```
/// use lastgate::residency::Request;
/// use lastgate::Kind;
///
/// let kinds = [Kind::MRN];
/// let req = Request::new().user_region("US").data_classification("personal").kinds(&kinds);
/// # let _ = req;
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    user_region: Option<&'a str>,
    data_classification: Option<&'a str>,
    kinds: Kinds<'a>,
}

impl<'a> Request<'a> {
    /// A request with no attributes (every attribute missing).
    pub fn new() -> Request<'a> {
        Request::default()
    }

    /// Sets the user's region (a catalog region name; case-sensitive).
    pub fn user_region(mut self, region: &'a str) -> Request<'a> {
        self.user_region = Some(region);
        self
    }

    /// Sets the declared data classification (a catalog classification name).
    pub fn data_classification(mut self, classification: &'a str) -> Request<'a> {
        self.data_classification = Some(classification);
        self
    }

    /// Sets the kinds the scanner found; they can raise the classification.
    pub fn kinds(mut self, kinds: &'a [Kind]) -> Request<'a> {
        self.kinds = Kinds::List(kinds);
        self
    }

    /// Sets the scanner's findings; their kinds can raise the classification.
    pub fn findings(mut self, findings: &'a [Finding]) -> Request<'a> {
        self.kinds = Kinds::Findings(findings);
        self
    }
}

/// Whether any provider may receive the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Outcome {
    /// At least one provider is allowed. Route only to [`Decision::allowed_providers`].
    Allowed,
    /// The rules leave no provider. The request must not be sent anywhere: there is no
    /// fallback and no "no restriction".
    Unroutable,
}

/// A rule as it appears in decisions and analyses: id, effect, reason and canonical conditions.
#[derive(Clone, Copy)]
pub struct RuleRef<'p> {
    rule: &'p RuleC,
}

impl<'p> RuleRef<'p> {
    pub(crate) fn new(rule: &'p RuleC) -> RuleRef<'p> {
        RuleRef { rule }
    }

    /// The rule id.
    pub fn id(&self) -> &'p str {
        &self.rule.id
    }

    /// Permit or forbid.
    pub fn effect(&self) -> Effect {
        self.rule.effect
    }

    /// Why the rule exists.
    pub fn reason(&self) -> &'p str {
        &self.rule.reason
    }

    /// The request condition in canonical form (`true` when the rule had none).
    pub fn when(&self) -> &'p str {
        &self.rule.when_text
    }

    /// The provider condition in canonical form (`true` when the rule had none).
    pub fn providers(&self) -> &'p str {
        &self.rule.providers_text
    }
}

impl fmt::Debug for RuleRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleRef")
            .field("id", &self.id())
            .field("effect", &self.effect())
            .field("reason", &self.reason())
            .finish()
    }
}

impl PartialEq for RuleRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.rule, other.rule)
    }
}

/// Why one provider was allowed or denied.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Explanation<'p> {
    /// Allowed by these permits (sorted by id); no forbid applied to it.
    Allowed(Vec<RuleRef<'p>>),
    /// Denied by these forbids (sorted by id), whatever the permits said.
    Forbidden(Vec<RuleRef<'p>>),
    /// Denied because no permit applied to it (default deny).
    NoPermit,
}

/// Which providers may receive a request, and why.
///
/// Only [`Policy::decide`] makes one: a function that takes a `&Decision` can rely on the rules
/// having been evaluated. It borrows the policy and allocates nothing; turn it into an owned
/// [`DecisionRecord`] for an audit log with [`Decision::record`].
#[must_use = "a decision must be checked: route only to its allowed providers"]
#[derive(Clone, Copy)]
pub struct Decision<'p> {
    policy: &'p Policy,
    entry: &'p Entry,
    region: Option<u8>,
    class: Option<u8>,
    declared: Option<u8>,
    raised: bool,
    /// Bit 0: region missing or unknown; bit 1: classification missing or unknown.
    missing: u8,
}

const REGION_MISSING: u8 = 1;
const CLASS_MISSING: u8 = 2;

impl<'p> Decision<'p> {
    #[inline]
    pub(crate) fn new(policy: &'p Policy, req: &Request<'_>) -> Decision<'p> {
        // An unknown name is treated exactly like a missing one.
        let region = req.user_region.and_then(|r| policy.region_index(r));
        let declared = req.data_classification.and_then(|c| policy.class_index(c));
        let missing = if region.is_none() { REGION_MISSING } else { 0 }
            | if declared.is_none() { CLASS_MISSING } else { 0 };
        // A missing classification stays unknown: unknown is already the most restrictive
        // reading, and a lower bound from the kinds could only widen the result.
        let (class, raised) = match declared {
            None => (None, false),
            Some(d) => {
                let mut c = d;
                let mut raise = |k: Kind| {
                    if let Some(r) = policy.raise_for(k) {
                        c = c.max(r);
                    }
                };
                match req.kinds {
                    Kinds::None => {}
                    Kinds::List(ks) => ks.iter().for_each(|k| raise(*k)),
                    Kinds::Findings(fs) => fs.iter().for_each(|f| raise(f.kind())),
                }
                (Some(c), c != d)
            }
        };
        let entry = policy.entry(region, class);
        Decision {
            policy,
            entry,
            region,
            class,
            declared,
            raised,
            missing,
        }
    }

    /// [`Outcome::Allowed`] or [`Outcome::Unroutable`].
    #[inline]
    pub fn outcome(&self) -> Outcome {
        if self.entry.allowed.is_empty() {
            Outcome::Unroutable
        } else {
            Outcome::Allowed
        }
    }

    /// True when no provider may receive the request.
    #[inline]
    pub fn is_unroutable(&self) -> bool {
        self.outcome() == Outcome::Unroutable
    }

    /// The providers that may receive the request, sorted by name. Empty when unroutable.
    #[inline]
    pub fn allowed_providers(&self) -> AllowedProviders<'p> {
        AllowedProviders {
            policy: self.policy,
            ones: self.entry.allowed.iter(),
        }
    }

    /// How many providers are allowed.
    pub fn allowed_count(&self) -> usize {
        self.entry.allowed.count()
    }

    /// Whether the named provider may receive the request (false for unknown names).
    pub fn is_allowed(&self, provider: &str) -> bool {
        self.policy
            .provider_index(provider)
            .is_some_and(|i| self.entry.allowed.get(i))
    }

    /// The rules that decided this request, sorted by id: permits that allow an allowed
    /// provider and forbids that deny a provider. For an unroutable decision these are the
    /// rules that caused it; when it is empty, no permit applied at all (default deny).
    pub fn determining_rules(&self) -> impl ExactSizeIterator<Item = RuleRef<'p>> + 'p {
        let policy = self.policy;
        self.entry
            .determining
            .iter()
            // Indices were produced by the compiler from this policy's own rule list.
            .map(move |&i| RuleRef::new(&policy.rules[i as usize]))
    }

    /// Why `provider` was allowed or denied; `None` for a name the catalog does not have.
    pub fn explain(&self, provider: &str) -> Option<Explanation<'p>> {
        let p = self.policy.provider_index(provider)?;
        let mut permits = Vec::new();
        let mut forbids = Vec::new();
        for &i in self.entry.applied.iter() {
            let Some(rule) = self.policy.rules.get(i as usize) else {
                continue;
            };
            if rule.targets.get(p) {
                match rule.effect {
                    Effect::Permit => permits.push(RuleRef::new(rule)),
                    Effect::Forbid => forbids.push(RuleRef::new(rule)),
                }
            }
        }
        Some(if !forbids.is_empty() {
            Explanation::Forbidden(forbids)
        } else if !permits.is_empty() {
            Explanation::Allowed(permits)
        } else {
            Explanation::NoPermit
        })
    }

    /// The user region the rules saw; `None` when it was missing or not in the catalog.
    pub fn user_region(&self) -> Option<&'p str> {
        self.region
            .and_then(|r| self.policy.regions.get(r as usize))
            .map(|s| &**s)
    }

    /// The classification the rules saw, after raising by kinds; `None` when it was missing or
    /// not in the catalog.
    pub fn data_classification(&self) -> Option<&'p str> {
        self.class
            .and_then(|c| self.policy.classes.get(c as usize))
            .map(|s| &**s)
    }

    /// The classification the request declared, before raising by kinds.
    pub fn declared_classification(&self) -> Option<&'p str> {
        self.declared
            .and_then(|c| self.policy.classes.get(c as usize))
            .map(|s| &**s)
    }

    /// True when the kinds the scanner found raised the classification.
    pub fn classification_raised(&self) -> bool {
        self.raised
    }

    /// The request attributes that were missing or named a value the catalog lacks:
    /// `"user_region"`, `"data_classification"`. Each was read fail-closed: a condition that
    /// depends on it is *unknown*, a permit applies only when its condition is true, and a
    /// forbid applies unless its condition is false.
    pub fn missing_attributes(&self) -> impl Iterator<Item = &'static str> {
        let m = self.missing;
        [
            (m & REGION_MISSING != 0).then_some("user_region"),
            (m & CLASS_MISSING != 0).then_some("data_classification"),
        ]
        .into_iter()
        .flatten()
    }

    /// The hash of the policy that made the decision.
    pub fn policy_hash(&self) -> &'p PolicyHash {
        &self.policy.hash
    }

    /// An owned copy for an audit record: outcome, allowed providers, determining rules with
    /// reasons, policy hash and the attributes as the rules saw them. It holds catalog names
    /// only, never the raw strings the request carried.
    pub fn record(&self) -> DecisionRecord {
        DecisionRecord {
            outcome: self.outcome(),
            allowed: self.allowed_providers().map(str::to_string).collect(),
            determining_rules: self
                .determining_rules()
                .map(|r| RuleRecord {
                    id: r.id().to_string(),
                    effect: r.effect(),
                    reason: r.reason().to_string(),
                })
                .collect(),
            policy_hash: self.policy.hash.to_hex(),
            user_region: self.user_region().map(str::to_string),
            data_classification: self.data_classification().map(str::to_string),
            declared_classification: self.declared_classification().map(str::to_string),
            missing_attributes: self.missing_attributes().map(str::to_string).collect(),
        }
    }
}

impl fmt::Debug for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decision")
            .field("outcome", &self.outcome())
            .field("allowed", &self.allowed_providers().collect::<Vec<_>>())
            .field(
                "determining_rules",
                &self.determining_rules().map(|r| r.id()).collect::<Vec<_>>(),
            )
            .field("user_region", &self.user_region())
            .field("data_classification", &self.data_classification())
            .field("missing", &self.missing_attributes().collect::<Vec<_>>())
            .field("policy_hash", &self.policy.hash)
            .finish()
    }
}

/// Iterator over the names of the allowed providers, sorted.
#[derive(Clone, Debug)]
pub struct AllowedProviders<'p> {
    policy: &'p Policy,
    ones: Ones<'p>,
}

impl<'p> Iterator for AllowedProviders<'p> {
    type Item = &'p str;

    #[inline]
    fn next(&mut self) -> Option<&'p str> {
        let i = self.ones.next()?;
        self.policy.providers.get(i).map(|p| &*p.name)
    }
}

/// A rule in a [`DecisionRecord`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RuleRecord {
    /// The rule id.
    pub id: String,
    /// Permit or forbid.
    pub effect: Effect,
    /// The rule's reason.
    pub reason: String,
}

/// An owned, serializable copy of a [`Decision`], ready for an audit record.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DecisionRecord {
    /// Allowed or unroutable.
    pub outcome: Outcome,
    /// Allowed provider names, sorted.
    pub allowed: Vec<String>,
    /// The determining rules with their reasons, sorted by id.
    pub determining_rules: Vec<RuleRecord>,
    /// The policy hash, lower-case hex.
    pub policy_hash: String,
    /// The user region the rules saw (`None`: missing or unknown).
    pub user_region: Option<String>,
    /// The classification the rules saw, after raising (`None`: missing or unknown).
    pub data_classification: Option<String>,
    /// The classification the request declared.
    pub declared_classification: Option<String>,
    /// Attributes that were missing or unknown and were read fail-closed.
    pub missing_attributes: Vec<String>,
}
