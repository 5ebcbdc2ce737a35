//! Validation and compilation of a [`RuleSet`] into a [`Policy`]: names resolved to indices,
//! provider conditions to bitsets, and every (region, classification) combination, including
//! "missing", decided ahead of time into a table.

use core::fmt;
use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use super::analysis::{self, Analysis, CombinationChange, PolicyDiff};
use super::bits::Bits;
use super::cond::{Attr, CmpOp, Condition, Expr, Lit};
use super::decision::{Decision, Request, RuleRef};
use super::error::{quote, ErrorKind, ResidencyError};
use super::spec::{Effect, RuleSet};
use crate::{Category, Kind};

/// At most this many regions in a catalog.
pub const MAX_REGIONS: usize = 64;
/// At most this many classifications in a catalog.
pub const MAX_CLASSIFICATIONS: usize = 32;
/// At most this many certifications in a catalog.
pub const MAX_CERTIFICATIONS: usize = 64;
/// At most this many providers in a catalog.
pub const MAX_PROVIDERS: usize = 512;
/// At most this many rules in a rule set.
pub const MAX_RULES: usize = 1024;
/// Longest rule reason, in bytes.
pub const MAX_REASON_LEN: usize = 1024;

const HASH_DOMAIN: &[u8] = b"lastgate.residency.policy.v1\0";

/// Three-valued logic: a condition that reads a missing request attribute is `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }

    fn of(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// A condition with every name resolved: comparisons became membership masks.
#[derive(Clone, Debug)]
pub(crate) enum RExpr {
    Bool(bool),
    Not(Box<RExpr>),
    All(Vec<RExpr>),
    Any(Vec<RExpr>),
    UserRegion(u64),
    Class(u32),
    ProviderName(Bits),
    ProviderRegion(u64),
    Cert(u64),
    OnPrem,
}

impl RExpr {
    /// Evaluates a request condition. `None` means the attribute is missing or unknown.
    pub(crate) fn eval_request(&self, region: Option<u8>, class: Option<u8>) -> Tri {
        match self {
            RExpr::Bool(b) => Tri::of(*b),
            RExpr::Not(e) => e.eval_request(region, class).not(),
            RExpr::All(es) => es
                .iter()
                .map(|e| e.eval_request(region, class))
                .min()
                .unwrap_or(Tri::True),
            RExpr::Any(es) => es
                .iter()
                .map(|e| e.eval_request(region, class))
                .max()
                .unwrap_or(Tri::False),
            RExpr::UserRegion(mask) => match region {
                Some(r) => Tri::of(mask >> r & 1 == 1),
                None => Tri::Unknown,
            },
            RExpr::Class(mask) => match class {
                Some(c) => Tri::of(mask >> c & 1 == 1),
                None => Tri::Unknown,
            },
            // Validation keeps provider attributes out of `when`; were one to slip through, it
            // must not be read as either answer.
            _ => Tri::Unknown,
        }
    }

    /// Evaluates a provider condition for provider `index`.
    pub(crate) fn eval_provider(&self, p: &ProviderC, index: usize) -> bool {
        match self {
            RExpr::Bool(b) => *b,
            RExpr::Not(e) => !e.eval_provider(p, index),
            RExpr::All(es) => es.iter().all(|e| e.eval_provider(p, index)),
            RExpr::Any(es) => es.iter().any(|e| e.eval_provider(p, index)),
            RExpr::ProviderName(set) => set.get(index),
            RExpr::ProviderRegion(mask) => mask >> p.region & 1 == 1,
            RExpr::Cert(mask) => p.certs & mask != 0,
            RExpr::OnPrem => p.on_prem,
            // Request attributes are kept out of `providers` by validation.
            RExpr::UserRegion(_) | RExpr::Class(_) => false,
        }
    }
}

/// A provider with its attributes resolved.
#[derive(Clone, Debug)]
pub(crate) struct ProviderC {
    pub(crate) name: Box<str>,
    pub(crate) region: u8,
    pub(crate) certs: u64,
    pub(crate) on_prem: bool,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub(crate) struct RuleC {
    pub(crate) id: Box<str>,
    pub(crate) effect: Effect,
    pub(crate) reason: Box<str>,
    pub(crate) when_text: Box<str>,
    pub(crate) providers_text: Box<str>,
    pub(crate) when: RExpr,
    pub(crate) targets: Bits,
}

impl RuleC {
    /// Whether the rule applies to a request, fail-closed: a permit only when its condition is
    /// true, a forbid unless its condition is false.
    pub(crate) fn applies(&self, region: Option<u8>, class: Option<u8>) -> bool {
        let t = self.when.eval_request(region, class);
        match self.effect {
            Effect::Permit => t == Tri::True,
            Effect::Forbid => t != Tri::False,
        }
    }
}

/// The decision for one (region slot, classification slot) combination.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) allowed: Bits,
    /// Rules (indices into `Policy::rules`, ascending = by id) that apply to the request.
    pub(crate) applied: Box<[u32]>,
    /// Applied rules that decide at least one provider.
    pub(crate) determining: Box<[u32]>,
}

/// The SHA-256 fingerprint of a compiled policy: catalog, raise configuration and rules in a
/// canonical, order-independent encoding (rules sorted by id, conditions in canonical text).
///
/// Two rule sets that differ only in rule order, catalog order of regions, certifications or
/// providers, or condition whitespace have the same hash; any change to a name, a reason, the
/// classification order or a condition's meaning-bearing text changes it. Record it with every
/// decision so an auditor can tie a decision to the exact rule set.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyHash([u8; 32]);

impl PolicyHash {
    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(HEX[(b >> 4) as usize] as char);
            s.push(HEX[(b & 15) as usize] as char);
        }
        s
    }
}

impl fmt::Display for PolicyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PolicyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyHash({})", self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PolicyHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// A validated, compiled rule set: the only thing that can make a [`Decision`].
///
/// Immutable, `Send + Sync`, cheap to share behind an `Arc`. Compile once when the rule set
/// changes; [`Policy::decide`] is then a table look-up (no parsing, no allocation).
#[derive(Clone)]
pub struct Policy {
    pub(crate) hash: PolicyHash,
    pub(crate) regions: Vec<Box<str>>,
    region_lookup: Lookup,
    pub(crate) classes: Vec<Box<str>>,
    class_lookup: Lookup,
    pub(crate) providers: Vec<ProviderC>,
    pub(crate) rules: Vec<RuleC>,
    raise_category: [Option<u8>; 5],
    raise_kind: Lookup,
    table: Vec<Entry>,
    analysis: Analysis,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("hash", &self.hash)
            .field("regions", &self.regions.len())
            .field("classifications", &self.classes.len())
            .field("providers", &self.providers.len())
            .field("rules", &self.rules.len())
            .finish()
    }
}

fn check_name(name: &str, what: &str) -> Result<(), ResidencyError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ResidencyError::new(
            ErrorKind::InvalidName,
            format!(
                "{what} {} must be 1-64 characters from [A-Za-z0-9_.:-]",
                quote(name)
            ),
        ))
    }
}

/// Names sorted for binary search, with their catalog index.
type Lookup = Vec<(Box<str>, u8)>;

/// Checks a list of names and returns them with a sorted look-up table.
fn name_list(
    names: &[String],
    what: &str,
    field: &str,
    max: usize,
) -> Result<(Vec<Box<str>>, Lookup), ResidencyError> {
    if names.len() > max {
        return Err(
            ResidencyError::new(ErrorKind::Limit, format!("at most {max} {what}s"))
                .in_location(|| format!("catalog.{field}")),
        );
    }
    let mut lookup: Lookup = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        check_name(n, what).map_err(|e| e.in_location(|| format!("catalog.{field}[{i}]")))?;
        // `max` is at most 255, so the index fits.
        lookup.push((n.as_str().into(), i as u8));
    }
    lookup.sort_unstable();
    if let Some(w) = lookup.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(ResidencyError::new(
            ErrorKind::DuplicateName,
            format!("{what} {} is listed twice", quote(&w[0].0)),
        )
        .in_location(|| format!("catalog.{field}")));
    }
    Ok((names.iter().map(|n| n.as_str().into()).collect(), lookup))
}

fn find<T: Copy>(lookup: &[(Box<str>, T)], name: &str) -> Option<T> {
    lookup
        .binary_search_by(|(n, _)| (**n).cmp(name))
        .ok()
        .and_then(|i| lookup.get(i))
        .map(|(_, v)| *v)
}

fn category_slot(c: Category) -> usize {
    match c {
        Category::Pii => 0,
        Category::Phi => 1,
        Category::Financial => 2,
        Category::Secret => 3,
        Category::Custom => 4,
    }
}

struct Resolver<'a> {
    regions: &'a [(Box<str>, u8)],
    nregions: usize,
    classes: &'a [(Box<str>, u8)],
    nclasses: usize,
    certs: &'a [(Box<str>, u8)],
    providers: &'a [(Box<str>, u16)],
    nproviders: usize,
}

impl Resolver<'_> {
    fn value<T: Copy>(
        &self,
        lookup: &[(Box<str>, T)],
        lit: &Lit,
        what: &str,
    ) -> Result<T, ResidencyError> {
        find(lookup, &lit.text).ok_or_else(|| {
            let mut known: Vec<&str> = lookup.iter().map(|(n, _)| &**n).take(12).collect();
            if lookup.len() > 12 {
                known.push("…");
            }
            ResidencyError::at(
                ErrorKind::UnknownValue,
                lit.pos,
                format!(
                    "unknown {what} {} (catalog: {})",
                    quote(&lit.text),
                    known.join(", ")
                ),
            )
        })
    }

    fn mask_of(&self, attr: Attr, values: &[&Lit]) -> Result<Vec<usize>, ResidencyError> {
        let one = |l: &Lit| -> Result<usize, ResidencyError> {
            Ok(match attr {
                Attr::UserRegion | Attr::ProviderRegion => {
                    usize::from(self.value(self.regions, l, "region")?)
                }
                Attr::DataClassification => {
                    usize::from(self.value(self.classes, l, "classification")?)
                }
                _ => usize::from(self.value(self.providers, l, "provider")?),
            })
        };
        values.iter().map(|l| one(l)).collect()
    }

    /// Turns a set of indices (with "negated" meaning the complement) into the attribute's
    /// resolved form.
    fn set(&self, attr: Attr, idx: &[usize], negated: bool) -> RExpr {
        match attr {
            Attr::UserRegion | Attr::ProviderRegion => {
                let mut m = idx.iter().fold(0u64, |m, i| m | 1u64 << i);
                if negated {
                    m = !m & low_bits(self.nregions);
                }
                if attr == Attr::UserRegion {
                    RExpr::UserRegion(m)
                } else {
                    RExpr::ProviderRegion(m)
                }
            }
            Attr::DataClassification => {
                let mut m = idx.iter().fold(0u32, |m, i| m | 1u32 << i);
                if negated {
                    m = !m & (low_bits(self.nclasses) as u32);
                }
                RExpr::Class(m)
            }
            _ => {
                let mut b = Bits::empty(self.nproviders);
                for i in idx {
                    b.set(*i);
                }
                if negated {
                    let mut all = Bits::full(self.nproviders);
                    all.and_not_assign(&b);
                    b = all;
                }
                RExpr::ProviderName(b)
            }
        }
    }

    fn resolve(&self, e: &Expr) -> Result<RExpr, ResidencyError> {
        Ok(match e {
            Expr::Bool(b) => RExpr::Bool(*b),
            Expr::Not(inner) => RExpr::Not(Box::new(self.resolve(inner)?)),
            Expr::All(es) => RExpr::All(
                es.iter()
                    .map(|e| self.resolve(e))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Any(es) => RExpr::Any(
                es.iter()
                    .map(|e| self.resolve(e))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Cmp {
                attr, op, value, ..
            } => {
                let idx = self.mask_of(*attr, &[value])?;
                let v = idx.first().copied().unwrap_or(0);
                match op {
                    CmpOp::Eq => self.set(*attr, &idx, false),
                    CmpOp::Ne => self.set(*attr, &idx, true),
                    // Ordered comparisons only parse for data_classification.
                    _ => {
                        let ok: Vec<usize> = (0..self.nclasses)
                            .filter(|c| match op {
                                CmpOp::Lt => *c < v,
                                CmpOp::Le => *c <= v,
                                CmpOp::Gt => *c > v,
                                _ => *c >= v,
                            })
                            .collect();
                        self.set(*attr, &ok, false)
                    }
                }
            }
            Expr::In {
                attr,
                negated,
                values,
                ..
            } => {
                let refs: Vec<&Lit> = values.iter().collect();
                let idx = self.mask_of(*attr, &refs)?;
                self.set(*attr, &idx, *negated)
            }
            Expr::Contains { value } => {
                let c = self.value(self.certs, value, "certification")?;
                RExpr::Cert(1u64 << c)
            }
            Expr::OnPrem(_) => RExpr::OnPrem,
        })
    }
}

fn low_bits(n: usize) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// Parses and resolves one condition of a rule; `request` says which side it is on.
fn condition(
    text: Option<&str>,
    request: bool,
    r: &Resolver<'_>,
) -> Result<(RExpr, Box<str>), ResidencyError> {
    let Some(text) = text else {
        return Ok((RExpr::Bool(true), "true".into()));
    };
    let cond = Condition::parse(text)?;
    let mut wrong = None;
    cond.expr.attrs(&mut |a, pos| {
        if a.is_request() != request && wrong.is_none() {
            wrong = Some((a, pos));
        }
    });
    if let Some((a, pos)) = wrong {
        let msg = if request {
            format!(
                "`{}` is a provider attribute; `when` tests the request (user_region, data_classification)",
                a.as_str()
            )
        } else {
            format!(
                "`{}` is a request attribute; `providers` tests the provider (provider.name, provider.region, provider.certifications, provider.on_prem)",
                a.as_str()
            )
        };
        return Err(ResidencyError::at(ErrorKind::UnknownAttribute, pos, msg));
    }
    let resolved = r.resolve(&cond.expr)?;
    Ok((resolved, cond.to_string().into_boxed_str()))
}

struct Hasher(Sha256);

impl Hasher {
    fn count(&mut self, n: usize) {
        self.0.update((n as u32).to_be_bytes());
    }
    fn str(&mut self, s: &str) {
        self.count(s.len());
        self.0.update(s.as_bytes());
    }
    fn tag(&mut self, t: u8) {
        self.0.update([t]);
    }
}

impl Policy {
    pub(crate) fn compile(set: &RuleSet) -> Result<Policy, ResidencyError> {
        let cat = set.catalog();
        let empty = |what: &str| {
            ResidencyError::new(ErrorKind::Empty, format!("the catalog lists no {what}"))
                .in_location(|| format!("catalog.{what}"))
        };
        if cat.region_names().is_empty() {
            return Err(empty("regions"));
        }
        if cat.classification_names().is_empty() {
            return Err(empty("classifications"));
        }
        if cat.providers().is_empty() {
            return Err(empty("providers"));
        }
        let (regions, region_lookup) =
            name_list(cat.region_names(), "region", "regions", MAX_REGIONS)?;
        let (classes, class_lookup) = name_list(
            cat.classification_names(),
            "classification",
            "classifications",
            MAX_CLASSIFICATIONS,
        )?;
        let (_, cert_lookup) = name_list(
            cat.certification_names(),
            "certification",
            "certifications",
            MAX_CERTIFICATIONS,
        )?;
        let cert_names: Vec<&str> = cat
            .certification_names()
            .iter()
            .map(|s| s.as_str())
            .collect();

        // Providers, sorted by name so every output is independent of catalog order.
        if cat.providers().len() > MAX_PROVIDERS {
            return Err(ResidencyError::new(
                ErrorKind::Limit,
                format!("at most {MAX_PROVIDERS} providers"),
            )
            .in_location(|| "catalog.providers".into()));
        }
        let mut providers = Vec::with_capacity(cat.providers().len());
        for (i, p) in cat.providers().iter().enumerate() {
            let loc = || format!("catalog.providers[{i}]");
            check_name(p.name(), "provider").map_err(|e| e.in_location(loc))?;
            let region = find(&region_lookup, p.region()).ok_or_else(|| {
                ResidencyError::new(
                    ErrorKind::UnknownValue,
                    format!("unknown region {}", quote(p.region())),
                )
                .in_location(loc)
            })?;
            let mut certs = 0u64;
            for c in p.certifications() {
                let ci = find(&cert_lookup, c).ok_or_else(|| {
                    ResidencyError::new(
                        ErrorKind::UnknownValue,
                        format!("unknown certification {}", quote(c)),
                    )
                    .in_location(loc)
                })?;
                certs |= 1u64 << ci;
            }
            providers.push(ProviderC {
                name: p.name().into(),
                region,
                certs,
                on_prem: p.is_on_prem(),
            });
        }
        providers.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(w) = providers.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(ResidencyError::new(
                ErrorKind::DuplicateName,
                format!("provider {} is listed twice", quote(&w[0].name)),
            )
            .in_location(|| "catalog.providers".into()));
        }
        // Sorted by name already, as the look-up needs; at most MAX_PROVIDERS, so u16 fits.
        let provider_lookup: Vec<(Box<str>, u16)> = providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i as u16))
            .collect();
        let np = providers.len();

        // Raise configuration.
        let mut raise_category = [None; 5];
        for (cat_id, class) in set.raise().categories() {
            let loc = || format!("raise.categories.{cat_id}");
            let c = Category::from_id(cat_id).ok_or_else(|| {
                ResidencyError::new(
                    ErrorKind::UnknownValue,
                    format!(
                        "unknown category {} (pii, phi, financial, secret, custom)",
                        quote(cat_id)
                    ),
                )
                .in_location(loc)
            })?;
            let ci = find(&class_lookup, class).ok_or_else(|| {
                ResidencyError::new(
                    ErrorKind::UnknownValue,
                    format!("unknown classification {}", quote(class)),
                )
                .in_location(loc)
            })?;
            raise_category[category_slot(c)] = Some(ci);
        }
        let mut raise_kind = Vec::new();
        for (kind_id, class) in set.raise().kinds() {
            let loc = || format!("raise.kinds.{kind_id}");
            if !Kind::is_valid_id(kind_id) {
                return Err(ResidencyError::new(
                    ErrorKind::InvalidName,
                    format!(
                        "kind id {} must be snake_case ([a-z][a-z0-9_]*)",
                        quote(kind_id)
                    ),
                )
                .in_location(loc));
            }
            let ci = find(&class_lookup, class).ok_or_else(|| {
                ResidencyError::new(
                    ErrorKind::UnknownValue,
                    format!("unknown classification {}", quote(class)),
                )
                .in_location(loc)
            })?;
            raise_kind.push((Box::<str>::from(kind_id.as_str()), ci));
        }
        // BTreeMap iteration is sorted already; keep it explicit for the binary search.
        raise_kind.sort_unstable();

        // Rules.
        if set.rules().is_empty() {
            return Err(ResidencyError::new(
                ErrorKind::Empty,
                "the rule set has no rules (with none, nothing could ever be routed)",
            )
            .in_location(|| "rules".into()));
        }
        if set.rules().len() > MAX_RULES {
            return Err(ResidencyError::new(
                ErrorKind::Limit,
                format!("at most {MAX_RULES} rules"),
            )
            .in_location(|| "rules".into()));
        }
        let resolver = Resolver {
            regions: &region_lookup,
            nregions: regions.len(),
            classes: &class_lookup,
            nclasses: classes.len(),
            certs: &cert_lookup,
            providers: &provider_lookup,
            nproviders: np,
        };
        let mut rules = Vec::with_capacity(set.rules().len());
        for (i, r) in set.rules().iter().enumerate() {
            let id = r.id();
            let loc_rule = || {
                if check_name(id, "rule id").is_ok() {
                    format!("rule `{id}`")
                } else {
                    format!("rules[{i}]")
                }
            };
            check_name(id, "rule id").map_err(|e| e.in_location(loc_rule))?;
            if r.reason().trim().is_empty() {
                return Err(ResidencyError::new(
                    ErrorKind::EmptyReason,
                    "every rule needs a non-empty reason",
                )
                .in_location(loc_rule));
            }
            if r.reason().len() > MAX_REASON_LEN {
                return Err(ResidencyError::new(
                    ErrorKind::Limit,
                    format!("reasons are at most {MAX_REASON_LEN} bytes"),
                )
                .in_location(loc_rule));
            }
            let (when, when_text) = condition(r.when_text(), true, &resolver)
                .map_err(|e| e.in_location(|| format!("rule `{id}`, field `when`")))?;
            let (prov, providers_text) = condition(r.providers_text(), false, &resolver)
                .map_err(|e| e.in_location(|| format!("rule `{id}`, field `providers`")))?;
            let mut targets = Bits::empty(np);
            for (pi, p) in providers.iter().enumerate() {
                if prov.eval_provider(p, pi) {
                    targets.set(pi);
                }
            }
            rules.push(RuleC {
                id: id.into(),
                effect: r.effect(),
                reason: r.reason().into(),
                when_text,
                providers_text,
                when,
                targets,
            });
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(w) = rules.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(ResidencyError::new(
                ErrorKind::DuplicateRuleId,
                format!("two rules have the id {}", quote(&w[0].id)),
            )
            .in_location(|| "rules".into()));
        }

        let hash = policy_hash(set, &classes, &providers, &cert_names, &rules);

        let mut policy = Policy {
            hash,
            regions,
            region_lookup,
            classes,
            class_lookup,
            providers,
            rules,
            raise_category,
            raise_kind,
            table: Vec::new(),
            analysis: Analysis::default(),
        };
        policy.table = policy.build_table();
        policy.analysis = analysis::analyze(&policy);
        Ok(policy)
    }

    /// Decides every (region slot, class slot) combination; the last slot of each is "missing".
    fn build_table(&self) -> Vec<Entry> {
        let (nr, nc) = (self.regions.len(), self.classes.len());
        let mut table = Vec::with_capacity((nr + 1) * (nc + 1));
        for r in 0..=nr {
            for c in 0..=nc {
                let region = (r < nr).then_some(r as u8);
                let class = (c < nc).then_some(c as u8);
                table.push(self.evaluate(region, class));
            }
        }
        table
    }

    /// The reference evaluation of one combination, straight from the rules.
    pub(crate) fn evaluate(&self, region: Option<u8>, class: Option<u8>) -> Entry {
        let np = self.providers.len();
        let mut permitted = Bits::empty(np);
        let mut forbidden = Bits::empty(np);
        let mut applied = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.applies(region, class) {
                applied.push(i as u32);
                match rule.effect {
                    Effect::Permit => permitted.or_assign(&rule.targets),
                    Effect::Forbid => forbidden.or_assign(&rule.targets),
                }
            }
        }
        let mut allowed = permitted;
        allowed.and_not_assign(&forbidden);
        let determining = applied
            .iter()
            .copied()
            .filter(|&i| {
                let rule = &self.rules[i as usize];
                match rule.effect {
                    // A permit decides the providers it allows.
                    Effect::Permit => rule.targets.intersects(&allowed),
                    // A forbid decides every provider it targets.
                    Effect::Forbid => !rule.targets.is_empty(),
                }
            })
            .collect();
        Entry {
            allowed,
            applied: applied.into_boxed_slice(),
            determining,
        }
    }

    /// The table index of a combination; `None` (and anything out of range) is the "missing"
    /// slot, so the result is always below `(regions + 1) * (classes + 1)`, the table length.
    pub(crate) fn slot(&self, region: Option<u8>, class: Option<u8>) -> usize {
        let nr = self.regions.len();
        let nc = self.classes.len();
        let r = region.map_or(nr, usize::from).min(nr);
        let c = class.map_or(nc, usize::from).min(nc);
        r * (nc + 1) + c
    }

    /// The precomputed decision of a combination.
    #[inline]
    pub(crate) fn entry(&self, region: Option<u8>, class: Option<u8>) -> &Entry {
        // In bounds by construction: `build_table` pushes one entry per slot (see `slot`).
        &self.table[self.slot(region, class)]
    }

    pub(crate) fn region_index(&self, name: &str) -> Option<u8> {
        find(&self.region_lookup, name)
    }

    pub(crate) fn class_index(&self, name: &str) -> Option<u8> {
        find(&self.class_lookup, name)
    }

    pub(crate) fn provider_index(&self, name: &str) -> Option<usize> {
        self.providers
            .binary_search_by(|p| (*p.name).cmp(name))
            .ok()
    }

    /// The highest classification the kind maps to, if any.
    #[inline]
    pub(crate) fn raise_for(&self, kind: Kind) -> Option<u8> {
        let by_cat = self
            .raise_category
            .get(category_slot(kind.category()))
            .copied()
            .flatten();
        if self.raise_kind.is_empty() {
            return by_cat;
        }
        let by_kind = find(&self.raise_kind, kind.as_str());
        by_cat.max(by_kind)
    }

    /// Decides which providers may receive `request`.
    ///
    /// Never fails and never panics: a missing or unknown region or classification is
    /// evaluated fail-closed (see the [module docs](super#missing-and-unknown-attributes)).
    pub fn decide(&self, request: &Request<'_>) -> Decision<'_> {
        Decision::new(self, request)
    }

    /// The policy hash, for audit records.
    pub fn hash(&self) -> &PolicyHash {
        &self.hash
    }

    /// Provider names, sorted.
    pub fn providers(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.providers.iter().map(|p| &*p.name)
    }

    /// Region names, in catalog order.
    pub fn regions(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.regions.iter().map(|r| &**r)
    }

    /// Classification names, lowest first.
    pub fn classifications(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.classes.iter().map(|c| &**c)
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = RuleRef<'_>> + '_ {
        self.rules.iter().map(RuleRef::new)
    }

    /// The load-time analysis: unroutable combinations and rules that never take effect.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Compares this (older) policy with `newer`: for every region × classification
    /// combination (names from either catalog, plus "missing"), which providers the newer
    /// policy allows that this one does not (gained), and the reverse (lost).
    ///
    /// A region or classification that only one side knows is, on the other side, decided as
    /// an unknown (missing) value, exactly as that policy would decide a request naming it.
    pub fn diff(&self, newer: &Policy) -> PolicyDiff {
        let union = |a: &[Box<str>], b: &[Box<str>]| {
            let mut v: Vec<Option<Box<str>>> = a.iter().cloned().map(Some).collect();
            for x in b {
                if !a.contains(x) {
                    v.push(Some(x.clone()));
                }
            }
            v.push(None);
            v
        };
        let regions = union(&self.regions, &newer.regions);
        let classes = union(&self.classes, &newer.classes);
        let allowed = |p: &Policy, r: &Option<Box<str>>, c: &Option<Box<str>>| {
            let ri = r.as_deref().and_then(|r| p.region_index(r));
            let ci = c.as_deref().and_then(|c| p.class_index(c));
            p.entry(ri, ci)
                .allowed
                .iter()
                .filter_map(|i| p.providers.get(i).map(|p| p.name.to_string()))
                .collect::<BTreeSet<String>>()
        };
        let mut changes = Vec::new();
        for r in &regions {
            for c in &classes {
                let old = allowed(self, r, c);
                let new = allowed(newer, r, c);
                if old != new {
                    changes.push(CombinationChange::new(
                        r.as_deref().map(str::to_string),
                        c.as_deref().map(str::to_string),
                        new.difference(&old).cloned().collect(),
                        old.difference(&new).cloned().collect(),
                    ));
                }
            }
        }
        PolicyDiff::new(changes, self.hash, newer.hash)
    }
}

fn policy_hash(
    set: &RuleSet,
    classes: &[Box<str>],
    providers: &[ProviderC],
    cert_names: &[&str],
    rules: &[RuleC],
) -> PolicyHash {
    let mut h = Hasher(Sha256::new());
    h.0.update(HASH_DOMAIN);
    let mut regions: Vec<&str> = set
        .catalog()
        .region_names()
        .iter()
        .map(|s| s.as_str())
        .collect();
    regions.sort_unstable();
    h.tag(b'R');
    h.count(regions.len());
    regions.iter().for_each(|r| h.str(r));
    // Classification order carries meaning: hashed as given.
    h.tag(b'C');
    h.count(classes.len());
    classes.iter().for_each(|c| h.str(c));
    let mut certs: Vec<&str> = cert_names.to_vec();
    certs.sort_unstable();
    h.tag(b'T');
    h.count(certs.len());
    certs.iter().for_each(|c| h.str(c));
    let region_names = set.catalog().region_names();
    h.tag(b'P');
    h.count(providers.len());
    for p in providers {
        h.str(&p.name);
        h.str(
            region_names
                .get(p.region as usize)
                .map_or("", |s| s.as_str()),
        );
        let mut pc: Vec<&str> = cert_names
            .iter()
            .enumerate()
            .filter(|(i, _)| p.certs >> i & 1 == 1)
            .map(|(_, c)| *c)
            .collect();
        pc.sort_unstable();
        h.count(pc.len());
        pc.iter().for_each(|c| h.str(c));
        h.tag(p.on_prem as u8);
    }
    h.tag(b'K');
    h.count(set.raise().categories().len());
    for (k, v) in set.raise().categories() {
        h.str(k);
        h.str(v);
    }
    h.count(set.raise().kinds().len());
    for (k, v) in set.raise().kinds() {
        h.str(k);
        h.str(v);
    }
    h.tag(b'U');
    h.count(rules.len());
    for r in rules {
        h.str(&r.id);
        h.str(r.effect.as_str());
        h.str(&r.reason);
        h.str(&r.when_text);
        h.str(&r.providers_text);
    }
    PolicyHash(h.0.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residency::{Catalog, Explanation, Outcome, Provider, Request, Rule};
    use proptest::prelude::*;

    fn catalog() -> Catalog {
        Catalog::new()
            .regions(["EU", "UK", "US", "APAC"])
            .classifications(["public", "internal", "personal", "PHI", "confidential"])
            .certifications(["baa", "soc2"])
            .provider(Provider::new("mistral-eu", "EU").certification("soc2"))
            .provider(
                Provider::new("azure-eu", "EU")
                    .certification("baa")
                    .certification("soc2"),
            )
            .provider(Provider::new("openai-us", "US").certification("baa"))
            .provider(Provider::new("cheap-apac", "APAC"))
            .provider(
                Provider::new("llama-onprem", "UK")
                    .certification("baa")
                    .on_prem(true),
            )
    }

    fn example() -> RuleSet {
        RuleSet::new(catalog())
            .rule(Rule::permit("any", "public data may go anywhere"))
            .rule(
                Rule::forbid("gdpr", "GDPR: EU/UK data stays in EU/UK")
                    .when("user_region in ['EU', 'UK']")
                    .providers("provider.region not in ['EU', 'UK']"),
            )
            .rule(
                Rule::forbid("hipaa", "HIPAA: PHI needs a BAA")
                    .when("data_classification == 'PHI'")
                    .providers("not provider.certifications contains 'baa'"),
            )
            .rule(
                Rule::forbid("onprem", "confidential stays on premises")
                    .when("data_classification >= 'confidential'")
                    .providers("not provider.on_prem"),
            )
            .raise_category(Category::Phi, "PHI")
            .raise_category(Category::Secret, "confidential")
    }

    fn allowed<'a>(p: &'a Policy, req: Request<'_>) -> Vec<&'a str> {
        p.decide(&req).allowed_providers().collect()
    }

    #[test]
    fn semantics_of_the_example() {
        let p = example().compile().unwrap();
        let eu = Request::new()
            .user_region("EU")
            .data_classification("personal");
        assert_eq!(allowed(&p, eu), ["azure-eu", "llama-onprem", "mistral-eu"]);
        let us_phi = Request::new().user_region("US").data_classification("PHI");
        assert_eq!(
            allowed(&p, us_phi),
            ["azure-eu", "llama-onprem", "openai-us"]
        );
        let kinds = [Kind::AWS_ACCESS_KEY_ID, Kind::EMAIL];
        let d = p.decide(
            &Request::new()
                .user_region("US")
                .data_classification("public")
                .kinds(&kinds),
        );
        assert_eq!(d.data_classification(), Some("confidential"));
        assert_eq!(d.declared_classification(), Some("public"));
        assert!(d.classification_raised());
        assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["llama-onprem"]);
        match d.explain("openai-us").unwrap() {
            Explanation::Forbidden(rules) => {
                assert_eq!(rules.iter().map(|r| r.id()).collect::<Vec<_>>(), ["onprem"])
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            d.explain("llama-onprem"),
            Some(Explanation::Allowed(_))
        ));
        assert!(d.explain("nope").is_none());
        assert!(d.is_allowed("llama-onprem") && !d.is_allowed("openai-us"));
    }

    #[test]
    fn unroutable_names_its_causes_and_never_falls_back() {
        // EU users, PHI, and no EU/UK provider with a BAA.
        let set = RuleSet::new(
            Catalog::new()
                .regions(["EU", "US"])
                .classifications(["personal", "PHI"])
                .certifications(["baa"])
                .provider(Provider::new("mistral-eu", "EU"))
                .provider(Provider::new("openai-us", "US").certification("baa")),
        )
        .rule(Rule::permit("any", "default"))
        .rule(
            Rule::forbid("gdpr", "EU data stays in the EU")
                .when("user_region == 'EU'")
                .providers("provider.region != 'EU'"),
        )
        .rule(
            Rule::forbid("hipaa", "PHI needs a BAA")
                .when("data_classification == 'PHI'")
                .providers("not provider.certifications contains 'baa'"),
        );
        let p = set.compile().unwrap();
        let d = p.decide(&Request::new().user_region("EU").data_classification("PHI"));
        assert_eq!(d.outcome(), Outcome::Unroutable);
        assert_eq!(d.allowed_providers().count(), 0);
        let ids: Vec<_> = d.determining_rules().map(|r| r.id()).collect();
        assert_eq!(ids, ["gdpr", "hipaa"]);
        let rec = d.record();
        assert_eq!(rec.outcome, Outcome::Unroutable);
        assert!(rec.allowed.is_empty());
        assert_eq!(rec.policy_hash, p.hash().to_hex());
        // And the analysis found the same combination.
        let un = p.analysis().unroutable();
        assert_eq!(un.len(), 1);
        assert_eq!((un[0].region(), un[0].classification()), ("EU", "PHI"));
        assert_eq!(un[0].rules(), ["gdpr", "hipaa"]);
    }

    #[test]
    fn no_permit_is_default_deny_with_no_rules_named() {
        let set = RuleSet::new(catalog()).rule(
            Rule::permit("eu", "EU only")
                .when("user_region == 'EU'")
                .providers("provider.region == 'EU'"),
        );
        let p = set.compile().unwrap();
        let d = p.decide(
            &Request::new()
                .user_region("US")
                .data_classification("public"),
        );
        assert!(d.is_unroutable());
        assert_eq!(d.determining_rules().count(), 0);
        assert_eq!(d.explain("openai-us"), Some(Explanation::NoPermit));
    }

    #[test]
    fn missing_and_unknown_attributes_fail_closed() {
        let set = RuleSet::new(catalog())
            .rule(
                Rule::permit("not-us", "anything but US users")
                    .when("user_region != 'US'")
                    .providers("true"),
            )
            .rule(
                Rule::forbid("no-phi-offprem", "PHI on premises")
                    .when("not (data_classification != 'PHI')")
                    .providers("not provider.on_prem"),
            );
        let p = set.compile().unwrap();
        // Known region: permit applies.
        let d = p.decide(
            &Request::new()
                .user_region("EU")
                .data_classification("public"),
        );
        assert_eq!(d.allowed_count(), 5);
        // Missing region: `!=` on unknown is unknown, so the permit does not apply.
        let d = p.decide(&Request::new().data_classification("public"));
        assert!(d.is_unroutable());
        assert_eq!(d.missing_attributes().collect::<Vec<_>>(), ["user_region"]);
        // Unknown region string: same, and the record never carries the raw string.
        let d = p.decide(
            &Request::new()
                .user_region("eu\n<script>")
                .data_classification("public"),
        );
        assert!(d.is_unroutable());
        assert_eq!(d.user_region(), None);
        assert!(!format!("{:?}", d.record()).contains("script"));
        // Missing classification: the doubly negated forbid still applies.
        let d = p.decide(&Request::new().user_region("EU"));
        assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["llama-onprem"]);
        // Kinds cannot lift an unknown classification to something known.
        let kinds = [Kind::EMAIL];
        let d = p.decide(
            &Request::new()
                .user_region("EU")
                .data_classification("Public")
                .kinds(&kinds),
        );
        assert_eq!(d.data_classification(), None);
        assert_eq!(
            d.missing_attributes().collect::<Vec<_>>(),
            ["data_classification"]
        );
    }

    #[test]
    fn raise_by_kind_id_and_findings() {
        let set = example().raise_kind("iban", "confidential");
        let p = set.compile().unwrap();
        let f = [crate::Finding::new(
            Kind::IBAN,
            crate::Span::new(0, 4),
            1.0,
            "iban",
        )];
        let d = p.decide(
            &Request::new()
                .user_region("US")
                .data_classification("internal")
                .findings(&f),
        );
        assert_eq!(d.data_classification(), Some("confidential"));
        // PHI kinds raise to PHI, but never lower a higher declared classification.
        let k = [Kind::MRN];
        let d = p.decide(
            &Request::new()
                .user_region("US")
                .data_classification("confidential")
                .kinds(&k),
        );
        assert_eq!(d.data_classification(), Some("confidential"));
        assert!(!d.classification_raised());
    }

    fn err_of(set: RuleSet) -> ResidencyError {
        set.compile().unwrap_err()
    }

    #[test]
    fn validation_rejects_bad_rule_sets() {
        let base = || RuleSet::new(catalog());
        let e = err_of(base());
        assert_eq!(e.kind(), ErrorKind::Empty);

        let e = err_of(
            base()
                .rule(Rule::permit("a", "x"))
                .rule(Rule::forbid("a", "y")),
        );
        assert_eq!(e.kind(), ErrorKind::DuplicateRuleId);
        assert!(e.to_string().contains("`a`"), "{e}");

        let e = err_of(base().rule(Rule::permit("a", "  ")));
        assert_eq!(e.kind(), ErrorKind::EmptyReason);
        assert_eq!(e.location(), Some("rule `a`"));

        let e = err_of(base().rule(Rule::permit("a", "x").when("user_region == 'Mars'")));
        assert_eq!(e.kind(), ErrorKind::UnknownValue);
        assert_eq!(e.offset(), Some(15));
        assert_eq!(e.location(), Some("rule `a`, field `when`"));
        assert!(
            e.to_string()
                .starts_with("rule `a`, field `when`: at byte 15: unknown region `Mars`"),
            "{e}"
        );

        let e = err_of(base().rule(Rule::permit("a", "x").when("provider.region == 'EU'")));
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::UnknownAttribute, Some(0))
        );

        let e = err_of(base().rule(Rule::permit("a", "x").providers("user_region == 'EU'")));
        assert_eq!(e.kind(), ErrorKind::UnknownAttribute);

        let e = err_of(base().rule(Rule::permit("a", "x").when("true and provider.on_prem")));
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::UnknownAttribute, Some(9))
        );

        let e = err_of(
            base().rule(Rule::permit("a", "x").providers("provider.name in ['azure-eu', 'gpt']")),
        );
        assert_eq!((e.kind(), e.offset()), (ErrorKind::UnknownValue, Some(30)));

        let e = err_of(
            base().rule(Rule::permit("a", "x").providers("provider.certifications contains 'iso'")),
        );
        assert_eq!(e.kind(), ErrorKind::UnknownValue);

        let e = err_of(base().rule(Rule::permit("a", "x").when("user_region in ['EU'")));
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Syntax, Some(20)));

        let e = err_of(base().rule(Rule::permit("bad id", "x")));
        assert_eq!(e.kind(), ErrorKind::InvalidName);
        assert_eq!(e.location(), Some("rules[0]"));

        let e = err_of(
            base()
                .rule(Rule::permit("a", "x"))
                .raise_category(Category::Phi, "HIPAA"),
        );
        assert_eq!(e.kind(), ErrorKind::UnknownValue);
        let e = err_of(
            base()
                .rule(Rule::permit("a", "x"))
                .raise_kind("Not-A-Kind", "PHI"),
        );
        assert_eq!(e.kind(), ErrorKind::InvalidName);

        let dup = Catalog::new()
            .regions(["EU", "EU"])
            .classifications(["c"])
            .provider(Provider::new("p", "EU"));
        let e = err_of(RuleSet::new(dup).rule(Rule::permit("a", "x")));
        assert_eq!(e.kind(), ErrorKind::DuplicateName);

        let bad_provider = Catalog::new()
            .regions(["EU"])
            .classifications(["c"])
            .provider(Provider::new("p", "US"));
        let e = err_of(RuleSet::new(bad_provider).rule(Rule::permit("a", "x")));
        assert_eq!(e.kind(), ErrorKind::UnknownValue);
        assert_eq!(e.location(), Some("catalog.providers[0]"));

        let many = Catalog::new()
            .regions((0..65).map(|i| format!("r{i}")))
            .classifications(["c"])
            .provider(Provider::new("p", "r0"));
        let e = err_of(RuleSet::new(many).rule(Rule::permit("a", "x")));
        assert_eq!(e.kind(), ErrorKind::Limit);

        let e = err_of(
            RuleSet::new(Catalog::new().regions(["EU"]).classifications(["c"]))
                .rule(Rule::permit("a", "x")),
        );
        assert_eq!(e.kind(), ErrorKind::Empty);
    }

    #[test]
    fn many_providers_use_wide_bitsets() {
        let mut cat = Catalog::new().regions(["EU", "US"]).classifications(["c"]);
        for i in 0..MAX_PROVIDERS {
            cat = cat.provider(Provider::new(
                format!("p{i:03}"),
                if i % 2 == 0 { "EU" } else { "US" },
            ));
        }
        let p = RuleSet::new(cat)
            .rule(
                Rule::permit("eu", "x")
                    .when("user_region == 'EU'")
                    .providers("provider.region == 'EU'"),
            )
            .rule(Rule::forbid("one", "x").providers("provider.name in ['p500', 'p301']"))
            .compile()
            .unwrap();
        let d = p.decide(&Request::new().user_region("EU").data_classification("c"));
        assert_eq!(d.allowed_count(), 255);
        assert!(d.is_allowed("p498") && !d.is_allowed("p500") && !d.is_allowed("p001"));
    }

    #[test]
    fn hash_is_order_and_whitespace_independent_but_content_sensitive() {
        let a = example().compile().unwrap();
        let mut rules: Vec<Rule> = example().rules().to_vec();
        rules.reverse();
        let mut cat = Catalog::new()
            .regions(["APAC", "US", "UK", "EU"])
            .classifications(["public", "internal", "personal", "PHI", "confidential"])
            .certifications(["soc2", "baa"]);
        let mut provs = catalog().providers().to_vec();
        provs.reverse();
        for p in provs {
            cat = cat.provider(p);
        }
        let mut b = RuleSet::new(cat)
            .raise_category(Category::Secret, "confidential")
            .raise_category(Category::Phi, "PHI");
        for r in rules {
            // Same meaning, different spacing.
            let r = match r.when_text() {
                Some(w) => r.clone().when(format!("  {}  ", w.replace(' ', "   "))),
                None => r,
            };
            b = b.rule(r);
        }
        let b = b.compile().unwrap();
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.hash().to_hex().len(), 64);

        let changed = example()
            .rule(Rule::permit("zz", "x").when("false"))
            .compile()
            .unwrap();
        assert_ne!(a.hash(), changed.hash());
        let reordered_classes = RuleSet::new(
            Catalog::new()
                .regions(["EU", "UK", "US", "APAC"])
                .classifications(["internal", "public", "personal", "PHI", "confidential"])
                .certifications(["baa", "soc2"]),
        );
        let mut c = reordered_classes;
        for p in catalog().providers() {
            c = RuleSet::new(c.catalog().clone().provider(p.clone()));
        }
        for r in example().rules() {
            c = c.rule(r.clone());
        }
        let c = c
            .raise_category(Category::Phi, "PHI")
            .raise_category(Category::Secret, "confidential")
            .compile()
            .unwrap();
        assert_ne!(a.hash(), c.hash());
        let moved = example();
        let mut cat = Catalog::new()
            .regions(["EU", "UK", "US", "APAC"])
            .classifications(["public", "internal", "personal", "PHI", "confidential"])
            .certifications(["baa", "soc2"]);
        for p in moved.catalog().providers() {
            let p = if p.name() == "cheap-apac" {
                Provider::new("cheap-apac", "US")
            } else {
                p.clone()
            };
            cat = cat.provider(p);
        }
        let mut m = RuleSet::new(cat)
            .raise_category(Category::Phi, "PHI")
            .raise_category(Category::Secret, "confidential");
        for r in moved.rules() {
            m = m.rule(r.clone());
        }
        assert_ne!(
            a.hash(),
            m.compile().unwrap().hash(),
            "catalog drift must change the hash"
        );
    }

    #[test]
    fn analysis_finds_ineffective_rules() {
        let set = example()
            .rule(Rule::permit("never", "x").when("user_region == 'EU' and user_region == 'US'"))
            .rule(
                Rule::permit("nobody", "x")
                    .providers("provider.region == 'UK' and not provider.on_prem"),
            )
            .rule(Rule::permit("dup-any", "x").providers("provider.name == 'azure-eu'"))
            .rule(
                Rule::forbid("gdpr-again", "x")
                    .when("user_region == 'EU'")
                    .providers("provider.region == 'US'"),
            );
        let p = set.compile().unwrap();
        let got: Vec<(&str, Ineffective)> = p
            .analysis()
            .ineffective_rules()
            .iter()
            .map(|r| (r.id(), r.why()))
            .collect();
        use crate::residency::Ineffective;
        assert_eq!(
            got,
            [
                ("dup-any", Ineffective::NeverChangesOutcome),
                ("gdpr-again", Ineffective::NeverChangesOutcome),
                ("never", Ineffective::NeverApplies),
                ("nobody", Ineffective::TargetsNoProvider),
            ]
        );
        assert!(p.analysis().unroutable().is_empty());
    }

    #[test]
    fn diff_reports_gains_and_losses() {
        let old = example().compile().unwrap();
        let same = example().compile().unwrap();
        assert!(old.diff(&same).is_empty());
        let stricter = example()
            .rule(Rule::forbid("no-apac", "x").providers("provider.region == 'APAC'"))
            .compile()
            .unwrap();
        let d = old.diff(&stricter);
        assert!(!d.is_empty() && !d.widens());
        let c = d
            .changes()
            .iter()
            .find(|c| c.region() == Some("US") && c.classification() == Some("public"))
            .unwrap();
        assert_eq!(c.lost(), ["cheap-apac"]);
        assert!(c.gained().is_empty());
        let back = stricter.diff(&old);
        assert!(back.widens());
        assert_eq!(back.changes().len(), d.changes().len());
        assert_eq!(back.old_hash(), stricter.hash());
    }

    // ----- differential test: the compiled table against a naive interpreter over names -----

    fn naive_when(e: &Expr, region: Option<&str>, class: Option<&str>, classes: &[String]) -> Tri {
        let rank = |c: &str| classes.iter().position(|x| x == c);
        match e {
            Expr::Bool(b) => Tri::of(*b),
            Expr::Not(i) => naive_when(i, region, class, classes).not(),
            Expr::All(es) => es
                .iter()
                .map(|e| naive_when(e, region, class, classes))
                .min()
                .unwrap(),
            Expr::Any(es) => es
                .iter()
                .map(|e| naive_when(e, region, class, classes))
                .max()
                .unwrap(),
            Expr::Cmp {
                attr, op, value, ..
            } => {
                let v = if *attr == Attr::UserRegion {
                    region
                } else {
                    class
                };
                let Some(v) = v else { return Tri::Unknown };
                Tri::of(match op {
                    CmpOp::Eq => v == value.text,
                    CmpOp::Ne => v != value.text,
                    CmpOp::Lt => rank(v) < rank(&value.text),
                    CmpOp::Le => rank(v) <= rank(&value.text),
                    CmpOp::Gt => rank(v) > rank(&value.text),
                    CmpOp::Ge => rank(v) >= rank(&value.text),
                })
            }
            Expr::In {
                attr,
                negated,
                values,
                ..
            } => {
                let v = if *attr == Attr::UserRegion {
                    region
                } else {
                    class
                };
                let Some(v) = v else { return Tri::Unknown };
                Tri::of(values.iter().any(|l| l.text == v) != *negated)
            }
            _ => unreachable!("provider attribute in when"),
        }
    }

    fn naive_provider(e: &Expr, p: &Provider) -> bool {
        match e {
            Expr::Bool(b) => *b,
            Expr::Not(i) => !naive_provider(i, p),
            Expr::All(es) => es.iter().all(|e| naive_provider(e, p)),
            Expr::Any(es) => es.iter().any(|e| naive_provider(e, p)),
            Expr::Cmp {
                attr, op, value, ..
            } => {
                let v = if *attr == Attr::ProviderName {
                    p.name()
                } else {
                    p.region()
                };
                (v == value.text) == (*op == CmpOp::Eq)
            }
            Expr::In {
                attr,
                negated,
                values,
                ..
            } => {
                let v = if *attr == Attr::ProviderName {
                    p.name()
                } else {
                    p.region()
                };
                values.iter().any(|l| l.text == v) != *negated
            }
            Expr::Contains { value } => p.certifications().contains(&value.text),
            Expr::OnPrem(_) => p.is_on_prem(),
        }
    }

    fn naive_allowed(set: &RuleSet, region: Option<&str>, class: Option<&str>) -> Vec<String> {
        let classes = set.catalog().classification_names();
        let mut out: Vec<String> = set
            .catalog()
            .providers()
            .iter()
            .filter(|p| {
                let mut permitted = false;
                for r in set.rules() {
                    let w = Condition::parse(r.when_text().unwrap_or("true")).unwrap();
                    let t = naive_when(&w.expr, region, class, classes);
                    let pc = Condition::parse(r.providers_text().unwrap_or("true")).unwrap();
                    if !naive_provider(&pc.expr, p) {
                        continue;
                    }
                    match r.effect() {
                        Effect::Forbid if t != Tri::False => return false,
                        Effect::Permit if t == Tri::True => permitted = true,
                        _ => {}
                    }
                }
                permitted
            })
            .map(|p| p.name().to_string())
            .collect();
        out.sort();
        out
    }

    fn when_cond() -> impl Strategy<Value = String> {
        let region = prop::sample::select(vec!["EU", "UK", "US", "APAC"]);
        let class = prop::sample::select(vec![
            "public",
            "internal",
            "personal",
            "PHI",
            "confidential",
        ]);
        let op = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
        let leaf = prop_oneof![
            Just("true".to_string()),
            Just("false".to_string()),
            region.clone().prop_map(|r| format!("user_region == '{r}'")),
            region.clone().prop_map(|r| format!("user_region != '{r}'")),
            prop::collection::vec(region, 1..3)
                .prop_map(|v| format!("user_region in ['{}']", v.join("','"))),
            (op, class.clone()).prop_map(|(o, c)| format!("data_classification {o} '{c}'")),
            prop::collection::vec(class, 1..3)
                .prop_map(|v| format!("data_classification not in ['{}']", v.join("','"))),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| format!("not ({e})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
                (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
            ]
        })
    }

    fn provider_cond() -> impl Strategy<Value = String> {
        let region = prop::sample::select(vec!["EU", "UK", "US", "APAC"]);
        let name = prop::sample::select(vec![
            "mistral-eu",
            "azure-eu",
            "openai-us",
            "cheap-apac",
            "llama-onprem",
        ]);
        let leaf = prop_oneof![
            Just("true".to_string()),
            Just("provider.on_prem".to_string()),
            Just("provider.certifications contains 'baa'".to_string()),
            Just("provider.certifications contains 'soc2'".to_string()),
            region.prop_map(|r| format!("provider.region == '{r}'")),
            prop::collection::vec(name, 1..3)
                .prop_map(|v| format!("provider.name not in ['{}']", v.join("','"))),
        ];
        leaf.prop_recursive(2, 6, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| format!("not ({e})")),
                (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
            ]
        })
    }

    fn rule_strategy() -> impl Strategy<Value = (bool, String, String)> {
        (any::<bool>(), when_cond(), provider_cond())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn table_matches_naive_interpreter(rules in prop::collection::vec(rule_strategy(), 1..10)) {
            let mut set = RuleSet::new(catalog());
            for (i, (permit, w, p)) in rules.iter().enumerate() {
                let effect = if *permit { Effect::Permit } else { Effect::Forbid };
                set = set.rule(Rule::new(format!("r{i}"), effect, "because").when(w.clone()).providers(p.clone()));
            }
            let policy = set.compile().unwrap();
            let regions = [Some("EU"), Some("UK"), Some("US"), Some("APAC"), None];
            let classes = [Some("public"), Some("internal"), Some("personal"), Some("PHI"), Some("confidential"), None];
            for r in regions {
                for c in classes {
                    let mut req = Request::new();
                    if let Some(r) = r { req = req.user_region(r); }
                    if let Some(c) = c { req = req.data_classification(c); }
                    let got: Vec<String> = policy.decide(&req).allowed_providers().map(String::from).collect();
                    prop_assert_eq!(got, naive_allowed(&set, r, c), "region {:?} class {:?}", r, c);
                }
            }
            // Fail-closed: unknown is never wider than any known value.
            for c in classes {
                let unknown: Vec<String> = naive_allowed(&set, None, c);
                for r in regions.iter().flatten() {
                    let known = naive_allowed(&set, Some(r), c);
                    prop_assert!(unknown.iter().all(|p| known.contains(p)));
                }
            }
        }
    }
}
