//! The data a host writes: [`RuleSet`], [`Catalog`], [`Provider`], [`Rule`], [`Effect`].
//!
//! These are plain values (serde with the `serde` feature). Nothing is checked until
//! [`RuleSet::compile`], which validates everything and returns a [`Policy`].

use std::collections::BTreeMap;

use super::compile::Policy;
use super::error::ResidencyError;
use crate::Category;

/// Whether a rule allows or denies the providers it targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Effect {
    /// The targeted providers may receive the request, unless a forbid also applies.
    Permit,
    /// The targeted providers may not receive the request, whatever any permit says.
    Forbid,
}

impl Effect {
    /// `"permit"` or `"forbid"`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
        }
    }
}

impl core::fmt::Display for Effect {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One LLM endpoint a request could be sent to.
///
/// Model each regional endpoint as its own provider (`azure-openai-eu`, `azure-openai-us`): a
/// provider has exactly one region, the region where it stores and processes data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Provider {
    name: String,
    region: String,
    #[cfg_attr(feature = "serde", serde(default))]
    certifications: Vec<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    on_prem: bool,
}

impl Provider {
    /// A provider called `name` that stores and processes data in `region`.
    pub fn new(name: impl Into<String>, region: impl Into<String>) -> Provider {
        Provider {
            name: name.into(),
            region: region.into(),
            certifications: Vec::new(),
            on_prem: false,
        }
    }

    /// Adds a certification or contractual guarantee the catalog names (`baa`, `soc2`, `zdr`).
    pub fn certification(mut self, cert: impl Into<String>) -> Provider {
        self.certifications.push(cert.into());
        self
    }

    /// Marks the provider as running on the host's own premises.
    pub fn on_prem(mut self, on_prem: bool) -> Provider {
        self.on_prem = on_prem;
        self
    }

    /// The provider's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The provider's region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The provider's certifications, as written.
    pub fn certifications(&self) -> &[String] {
        &self.certifications
    }

    /// Whether the provider runs on premises.
    pub fn is_on_prem(&self) -> bool {
        self.on_prem
    }
}

/// The closed vocabulary rules are checked against: regions, classifications (ordered, lowest
/// first), certifications and providers.
///
/// Names are case-sensitive, 1–64 characters from `[A-Za-z0-9_.:-]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Catalog {
    regions: Vec<String>,
    classifications: Vec<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    certifications: Vec<String>,
    providers: Vec<Provider>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// Adds regions (user regions and provider regions share one list).
    pub fn regions<I, S>(mut self, regions: I) -> Catalog
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.regions.extend(regions.into_iter().map(Into::into));
        self
    }

    /// Adds classifications, **lowest first**: `["public", "internal", "personal", "PHI",
    /// "confidential"]`. The order is what `<`, `>=` and raising by kinds compare.
    pub fn classifications<I, S>(mut self, classifications: I) -> Catalog
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.classifications
            .extend(classifications.into_iter().map(Into::into));
        self
    }

    /// Adds certification names (`baa`, `soc2`, `zdr`, …).
    pub fn certifications<I, S>(mut self, certs: I) -> Catalog
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.certifications
            .extend(certs.into_iter().map(Into::into));
        self
    }

    /// Adds a provider.
    pub fn provider(mut self, provider: Provider) -> Catalog {
        self.providers.push(provider);
        self
    }

    /// The regions, as written.
    pub fn region_names(&self) -> &[String] {
        &self.regions
    }

    /// The classifications, lowest first.
    pub fn classification_names(&self) -> &[String] {
        &self.classifications
    }

    /// The certifications, as written.
    pub fn certification_names(&self) -> &[String] {
        &self.certifications
    }

    /// The providers, as written.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }
}

/// One residency rule: *when* the request matches, the effect applies to the providers that
/// match *providers*.
///
/// `when` tests request attributes (`user_region`, `data_classification`); `providers` tests
/// provider attributes (`provider.name`, `provider.region`, `provider.certifications`,
/// `provider.on_prem`). An omitted `when` always applies; omitted `providers` targets every
/// provider. Every rule needs a non-empty reason: it is what an auditor reads.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Rule {
    id: String,
    effect: Effect,
    reason: String,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    when: Option<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    providers: Option<String>,
}

impl Rule {
    /// A rule with the given effect.
    pub fn new(id: impl Into<String>, effect: Effect, reason: impl Into<String>) -> Rule {
        Rule {
            id: id.into(),
            effect,
            reason: reason.into(),
            when: None,
            providers: None,
        }
    }

    /// A permit rule.
    pub fn permit(id: impl Into<String>, reason: impl Into<String>) -> Rule {
        Rule::new(id, Effect::Permit, reason)
    }

    /// A forbid rule.
    pub fn forbid(id: impl Into<String>, reason: impl Into<String>) -> Rule {
        Rule::new(id, Effect::Forbid, reason)
    }

    /// Sets the request condition, e.g. `user_region in ['EU', 'EEA', 'UK']`.
    pub fn when(mut self, condition: impl Into<String>) -> Rule {
        self.when = Some(condition.into());
        self
    }

    /// Sets the provider condition, e.g. `provider.certifications contains 'baa'`.
    pub fn providers(mut self, condition: impl Into<String>) -> Rule {
        self.providers = Some(condition.into());
        self
    }

    /// The rule id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The request condition text, if any.
    pub fn when_text(&self) -> Option<&str> {
        self.when.as_deref()
    }

    /// The provider condition text, if any.
    pub fn providers_text(&self) -> Option<&str> {
        self.providers.as_deref()
    }
}

/// Which classification a request is raised to when the scanner found certain kinds.
///
/// `categories` maps a [`Category`] id (`pii`, `phi`, `financial`, `secret`, `custom`) and
/// `kinds` maps a kind id (`mrn`, `aws_access_key_id`, or a custom id) to a classification name.
/// A request's classification becomes the highest of its declared classification and every
/// classification its kinds map to; it is never lowered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Raise {
    #[cfg_attr(feature = "serde", serde(default))]
    categories: BTreeMap<String, String>,
    #[cfg_attr(feature = "serde", serde(default))]
    kinds: BTreeMap<String, String>,
}

impl Raise {
    /// The category mappings (category id → classification).
    pub fn categories(&self) -> &BTreeMap<String, String> {
        &self.categories
    }

    /// The kind mappings (kind id → classification).
    pub fn kinds(&self) -> &BTreeMap<String, String> {
        &self.kinds
    }

    /// True when no mapping is configured.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.kinds.is_empty()
    }
}

/// A complete residency configuration: the catalog, the rules and how detected kinds raise a
/// request's classification. Compile it once with [`RuleSet::compile`].
///
/// With the `serde` feature it loads from JSON (or any serde format); unknown fields are
/// rejected:
///
/// ```json
/// {
///   "catalog": {
///     "regions": ["EU", "US"],
///     "classifications": ["public", "personal", "PHI"],
///     "certifications": ["baa"],
///     "providers": [{ "name": "acme-eu", "region": "EU", "certifications": ["baa"] }]
///   },
///   "raise": { "categories": { "phi": "PHI" } },
///   "rules": [{ "id": "eu-in-eu", "effect": "permit", "reason": "GDPR",
///               "when": "user_region == 'EU'", "providers": "provider.region == 'EU'" }]
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RuleSet {
    catalog: Catalog,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Raise::is_empty")
    )]
    raise: Raise,
    rules: Vec<Rule>,
}

impl RuleSet {
    /// A rule set over `catalog` with no rules yet.
    pub fn new(catalog: Catalog) -> RuleSet {
        RuleSet {
            catalog,
            raise: Raise::default(),
            rules: Vec::new(),
        }
    }

    /// Adds a rule. Order never matters.
    pub fn rule(mut self, rule: Rule) -> RuleSet {
        self.rules.push(rule);
        self
    }

    /// Requests in which the scanner found a kind of `category` are raised to at least
    /// `classification`.
    pub fn raise_category(
        mut self,
        category: Category,
        classification: impl Into<String>,
    ) -> RuleSet {
        self.raise
            .categories
            .insert(category.as_str().to_string(), classification.into());
        self
    }

    /// Requests in which the scanner found the kind with id `kind_id` are raised to at least
    /// `classification`.
    pub fn raise_kind(
        mut self,
        kind_id: impl Into<String>,
        classification: impl Into<String>,
    ) -> RuleSet {
        self.raise
            .kinds
            .insert(kind_id.into(), classification.into());
        self
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The kind-to-classification configuration.
    pub fn raise(&self) -> &Raise {
        &self.raise
    }

    /// Validates the rule set and compiles it into a [`Policy`].
    ///
    /// Refuses: an empty catalog part or rule list; invalid or duplicate names; duplicate rule
    /// ids; empty reasons; conditions that do not parse, use an attribute on the wrong side,
    /// use an unsupported operator or name a value the catalog lacks; size limits exceeded.
    /// The error says where and why.
    pub fn compile(&self) -> Result<Policy, ResidencyError> {
        Policy::compile(self)
    }
}
