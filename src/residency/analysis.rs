//! Load-time analysis ([`Analysis`]) and version comparison ([`PolicyDiff`]).
//!
//! The domain is finite (regions × classifications, each plus "missing"), so every question is
//! answered by enumeration, exactly: no sampling, no solver.

use super::bits::Bits;
use super::compile::{Policy, PolicyHash};
use super::spec::Effect;

/// One region × classification combination the rules leave without any provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unroutable {
    region: String,
    classification: String,
    rules: Vec<String>,
}

impl Unroutable {
    /// The user region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The data classification.
    pub fn classification(&self) -> &str {
        &self.classification
    }

    /// Ids of the rules that caused it (the forbids that applied), sorted. Empty when no
    /// permit applied at all.
    pub fn rules(&self) -> &[String] {
        &self.rules
    }
}

/// Why a rule never takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ineffective {
    /// Its `when` condition applies to no combination (including missing attributes).
    NeverApplies,
    /// Its `providers` condition matches no provider in the catalog.
    TargetsNoProvider,
    /// It applies, but removing it would change no decision: every provider it allows is also
    /// allowed by another permit (or forbidden anyway), every provider it forbids is also
    /// forbidden by another forbid (or never permitted).
    NeverChangesOutcome,
}

/// A rule that never takes effect, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IneffectiveRule {
    id: String,
    why: Ineffective,
}

impl IneffectiveRule {
    /// The rule id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Why it never takes effect.
    pub fn why(&self) -> Ineffective {
        self.why
    }
}

/// What [`Policy::analysis`] found when the policy was compiled.
///
/// Both lists are worth showing to whoever edits the rules: an unroutable combination is a
/// request class that will always be refused, and an ineffective rule is usually a mistake
/// (a typo in a region list, a forbid fully covered by another).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    unroutable: Vec<Unroutable>,
    ineffective: Vec<IneffectiveRule>,
}

impl Analysis {
    /// Every known region × known classification combination with no allowed provider, in
    /// catalog order. (Combinations with a missing attribute are decided fail-closed and are
    /// usually unroutable by design; they are not listed.)
    pub fn unroutable(&self) -> &[Unroutable] {
        &self.unroutable
    }

    /// Rules that never take effect, sorted by id. Combinations with missing attributes count:
    /// a forbid that only matters when the region is missing is effective.
    pub fn ineffective_rules(&self) -> &[IneffectiveRule] {
        &self.ineffective
    }
}

pub(crate) fn analyze(policy: &Policy) -> Analysis {
    let nr = policy.regions.len();
    let nc = policy.classes.len();
    let np = policy.providers.len();
    let nrules = policy.rules.len();

    let mut unroutable = Vec::new();
    let mut applies = vec![false; nrules];
    let mut effective = vec![false; nrules];
    for r in 0..=nr {
        for c in 0..=nc {
            let entry = policy.entry((r < nr).then_some(r as u8), (c < nc).then_some(c as u8));
            if r < nr && c < nc && entry.allowed.is_empty() {
                unroutable.push(Unroutable {
                    region: policy.regions[r].to_string(),
                    classification: policy.classes[c].to_string(),
                    rules: entry
                        .determining
                        .iter()
                        .filter_map(|&i| policy.rules.get(i as usize))
                        .map(|rule| rule.id.to_string())
                        .collect(),
                });
            }
            // Providers targeted by exactly one applied permit / forbid.
            let (mut p1, mut p2) = (Bits::empty(np), Bits::empty(np));
            let (mut f1, mut f2) = (Bits::empty(np), Bits::empty(np));
            for &i in entry.applied.iter() {
                let rule = &policy.rules[i as usize];
                match rule.effect {
                    Effect::Permit => Bits::count_into(&rule.targets, &mut p1, &mut p2),
                    Effect::Forbid => Bits::count_into(&rule.targets, &mut f1, &mut f2),
                }
            }
            // A permit matters where it is the only permit for a provider nothing forbids; a
            // forbid matters where it is the only forbid for a provider some permit allows.
            let mut permit_matters = p1.clone();
            permit_matters.and_not_assign(&p2);
            permit_matters.and_not_assign(&f1);
            let mut forbid_matters = f1;
            forbid_matters.and_not_assign(&f2);
            forbid_matters.and_not_assign(&complement(&p1, np));
            for &i in entry.applied.iter() {
                let i = i as usize;
                applies[i] = true;
                if !effective[i] {
                    let rule = &policy.rules[i];
                    effective[i] = match rule.effect {
                        Effect::Permit => rule.targets.intersects(&permit_matters),
                        Effect::Forbid => rule.targets.intersects(&forbid_matters),
                    };
                }
            }
        }
    }
    let ineffective = policy
        .rules
        .iter()
        .enumerate()
        .filter(|(i, _)| !effective[*i])
        .map(|(i, rule)| IneffectiveRule {
            id: rule.id.to_string(),
            why: if !applies[i] {
                Ineffective::NeverApplies
            } else if rule.targets.is_empty() {
                Ineffective::TargetsNoProvider
            } else {
                Ineffective::NeverChangesOutcome
            },
        })
        .collect();
    Analysis {
        unroutable,
        ineffective,
    }
}

fn complement(b: &Bits, n: usize) -> Bits {
    let mut all = Bits::full(n);
    all.and_not_assign(b);
    all
}

/// How one region × classification combination changes between two policy versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CombinationChange {
    region: Option<String>,
    classification: Option<String>,
    gained: Vec<String>,
    lost: Vec<String>,
}

impl CombinationChange {
    pub(crate) fn new(
        region: Option<String>,
        classification: Option<String>,
        gained: Vec<String>,
        lost: Vec<String>,
    ) -> CombinationChange {
        CombinationChange {
            region,
            classification,
            gained,
            lost,
        }
    }

    /// The user region (`None`: missing or unknown).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The classification (`None`: missing or unknown).
    pub fn classification(&self) -> Option<&str> {
        self.classification.as_deref()
    }

    /// Providers the newer policy allows and the older did not, sorted. Non-empty means the
    /// change *widens* where this data may go: review it.
    pub fn gained(&self) -> &[String] {
        &self.gained
    }

    /// Providers the older policy allowed and the newer does not, sorted.
    pub fn lost(&self) -> &[String] {
        &self.lost
    }
}

/// The exact difference in decisions between two policy versions ([`Policy::diff`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDiff {
    changes: Vec<CombinationChange>,
    old: PolicyHash,
    new: PolicyHash,
}

impl PolicyDiff {
    pub(crate) fn new(
        changes: Vec<CombinationChange>,
        old: PolicyHash,
        new: PolicyHash,
    ) -> PolicyDiff {
        PolicyDiff { changes, old, new }
    }

    /// Every combination whose allowed set changed.
    pub fn changes(&self) -> &[CombinationChange] {
        &self.changes
    }

    /// True when no decision changes (the rule sets are equivalent on every combination).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// True when some combination gains a provider.
    pub fn widens(&self) -> bool {
        self.changes.iter().any(|c| !c.gained.is_empty())
    }

    /// The hash of the older policy.
    pub fn old_hash(&self) -> &PolicyHash {
        &self.old
    }

    /// The hash of the newer policy.
    pub fn new_hash(&self) -> &PolicyHash {
        &self.new
    }
}
