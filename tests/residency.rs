//! Integration tests for `lastgate::residency`: loading, semantics, and the order/monotonicity
//! properties the issue asks for, checked over every region × classification combination.

use lastgate::residency::{
    Catalog, Condition, Effect, ErrorKind, Outcome, Policy, Provider, Request, Rule, RuleSet,
};
use lastgate::{Category, Kind};
use proptest::prelude::*;

const REGIONS: [&str; 4] = ["EU", "UK", "US", "APAC"];
const CLASSES: [&str; 5] = ["public", "internal", "personal", "PHI", "confidential"];
const PROVIDERS: [&str; 6] = [
    "mistral-eu",
    "azure-eu",
    "openai-us",
    "anthropic-us",
    "cheap-apac",
    "llama-onprem",
];

fn catalog() -> Catalog {
    Catalog::new()
        .regions(REGIONS)
        .classifications(CLASSES)
        .certifications(["baa", "soc2", "zdr"])
        .provider(Provider::new("mistral-eu", "EU").certification("soc2"))
        .provider(
            Provider::new("azure-eu", "EU")
                .certification("baa")
                .certification("soc2"),
        )
        .provider(Provider::new("openai-us", "US").certification("baa"))
        .provider(Provider::new("anthropic-us", "US").certification("zdr"))
        .provider(Provider::new("cheap-apac", "APAC"))
        .provider(
            Provider::new("llama-onprem", "UK")
                .certification("baa")
                .on_prem(true),
        )
}

fn gdpr_hipaa_onprem() -> RuleSet {
    RuleSet::new(catalog())
        .rule(Rule::permit(
            "any",
            "every catalogued provider may serve public data",
        ))
        .rule(
            Rule::forbid(
                "gdpr",
                "GDPR: EU and UK users' data stays in EU/UK endpoints",
            )
            .when("user_region in ['EU', 'UK']")
            .providers("provider.region not in ['EU', 'UK']"),
        )
        .rule(
            Rule::forbid("hipaa", "HIPAA: PHI only to providers under a BAA")
                .when("data_classification == 'PHI'")
                .providers("not provider.certifications contains 'baa'"),
        )
        .rule(
            Rule::forbid("onprem", "confidential data stays on premises")
                .when("data_classification >= 'confidential'")
                .providers("not provider.on_prem"),
        )
        .raise_category(Category::Phi, "PHI")
        .raise_category(Category::Secret, "confidential")
}

/// Every combination, including missing attributes, in a fixed order.
fn combos() -> Vec<(Option<&'static str>, Option<&'static str>)> {
    let mut v = Vec::new();
    for r in REGIONS
        .iter()
        .copied()
        .map(Some)
        .chain([None, Some("Mars")])
    {
        for c in CLASSES
            .iter()
            .copied()
            .map(Some)
            .chain([None, Some("secret")])
        {
            v.push((r, c));
        }
    }
    v
}

fn request(r: Option<&'static str>, c: Option<&'static str>) -> Request<'static> {
    let mut req = Request::new();
    if let Some(r) = r {
        req = req.user_region(r);
    }
    if let Some(c) = c {
        req = req.data_classification(c);
    }
    req
}

fn allowed_sets(p: &Policy) -> Vec<Vec<String>> {
    combos()
        .into_iter()
        .map(|(r, c)| {
            p.decide(&request(r, c))
                .allowed_providers()
                .map(String::from)
                .collect()
        })
        .collect()
}

#[test]
fn example_decisions() {
    let p = gdpr_hipaa_onprem().compile().unwrap();

    let d = p.decide(
        &Request::new()
            .user_region("EU")
            .data_classification("personal")
            .kinds(&[Kind::EMAIL]),
    );
    assert_eq!(d.outcome(), Outcome::Allowed);
    assert_eq!(
        d.allowed_providers().collect::<Vec<_>>(),
        ["azure-eu", "llama-onprem", "mistral-eu"]
    );

    let d = p.decide(
        &Request::new()
            .user_region("US")
            .data_classification("internal")
            .kinds(&[Kind::NPI]),
    );
    assert_eq!(d.data_classification(), Some("PHI"));
    assert_eq!(
        d.allowed_providers().collect::<Vec<_>>(),
        ["azure-eu", "llama-onprem", "openai-us"]
    );
    let reasons: Vec<_> = d
        .determining_rules()
        .map(|r| (r.id(), r.effect()))
        .collect();
    assert_eq!(
        reasons,
        [("any", Effect::Permit), ("hipaa", Effect::Forbid)]
    );

    let d = p.decide(
        &Request::new()
            .user_region("US")
            .data_classification("public")
            .kinds(&[Kind::GITHUB_TOKEN]),
    );
    assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["llama-onprem"]);
    assert_eq!(d.policy_hash(), p.hash());
}

#[test]
fn unroutable_is_explicit() {
    let set = gdpr_hipaa_onprem().rule(
        Rule::forbid(
            "no-onprem-for-uk",
            "the on-prem cluster is not licensed for UK users",
        )
        .when("user_region == 'UK'")
        .providers("provider.on_prem"),
    );
    let p = set.compile().unwrap();
    let d = p.decide(
        &Request::new()
            .user_region("UK")
            .data_classification("confidential"),
    );
    assert!(d.is_unroutable());
    assert_eq!(d.allowed_providers().next(), None);
    let ids: Vec<_> = d.determining_rules().map(|r| r.id()).collect();
    assert_eq!(ids, ["gdpr", "no-onprem-for-uk", "onprem"]);
    assert!(p
        .analysis()
        .unroutable()
        .iter()
        .any(|u| u.region() == "UK" && u.classification() == "confidential"));
}

#[test]
fn decision_types_are_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
    assert_send_sync::<lastgate::residency::Decision<'static>>();
    assert_send_sync::<lastgate::residency::DecisionRecord>();
    assert_send_sync::<lastgate::residency::ResidencyError>();
}

#[test]
fn deep_nesting_is_a_positioned_error() {
    let e = Condition::parse(&"(".repeat(100_000)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.offset().is_some());
    let e = Condition::parse(&"(".repeat(4000)).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Limit, Some(32)));
}

#[test]
fn fuzz_seed_corpus_replays() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/residency_condition"
    );
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("seed")
        {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(c) = Condition::parse(&String::from_utf8_lossy(&bytes)) {
            let canon = c.to_string();
            assert_eq!(Condition::parse(&canon).unwrap().to_string(), canon);
        }
        n += 1;
    }
    assert!(n >= 3, "seed corpus missing");
}

#[cfg(feature = "serde")]
mod serde_loading {
    use super::*;

    const JSON: &str = r#"{
      "catalog": {
        "regions": ["EU", "US"],
        "classifications": ["public", "personal", "PHI"],
        "certifications": ["baa"],
        "providers": [
          { "name": "acme-eu", "region": "EU" },
          { "name": "acme-us", "region": "US", "certifications": ["baa"] }
        ]
      },
      "raise": { "categories": { "phi": "PHI" }, "kinds": { "email": "personal" } },
      "rules": [
        { "id": "all", "effect": "permit", "reason": "default" },
        { "id": "gdpr", "effect": "forbid", "reason": "GDPR",
          "when": "user_region == 'EU'", "providers": "provider.region != 'EU'" },
        { "id": "hipaa", "effect": "forbid", "reason": "HIPAA",
          "when": "data_classification == 'PHI'",
          "providers": "not provider.certifications contains 'baa'" }
      ]
    }"#;

    #[test]
    fn loads_and_round_trips() {
        let set: RuleSet = serde_json::from_str(JSON).unwrap();
        let p = set.compile().unwrap();
        let d = p.decide(&Request::new().user_region("US").kinds(&[Kind::MRN]));
        // Missing classification: every forbid testing it applies.
        assert_eq!(d.allowed_providers().collect::<Vec<_>>(), ["acme-us"]);
        let d = p.decide(
            &Request::new()
                .user_region("EU")
                .data_classification("public")
                .kinds(&[Kind::MRN]),
        );
        assert!(d.is_unroutable());

        let back: RuleSet = serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
        assert_eq!(back, set);
        assert_eq!(back.compile().unwrap().hash(), p.hash());

        let rec = d.record();
        let v: serde_json::Value = serde_json::to_value(&rec).unwrap();
        assert_eq!(v["outcome"], "unroutable");
        assert_eq!(v["policy_hash"], p.hash().to_hex());
        assert_eq!(v["determining_rules"][0]["id"], "gdpr");
        assert_eq!(v["determining_rules"][1]["reason"], "HIPAA");
    }

    #[test]
    fn unknown_fields_and_bad_conditions_are_rejected() {
        let typo = JSON.replace(
            "\"effect\": \"permit\"",
            "\"effect\": \"permit\", \"priority\": 1",
        );
        assert!(serde_json::from_str::<RuleSet>(&typo).is_err());
        let bad = JSON.replace("user_region == 'EU'", "user_region == 'EU' and");
        let set: RuleSet = serde_json::from_str(&bad).unwrap();
        let e = set.compile().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Syntax);
        assert_eq!(e.location(), Some("rule `gdpr`, field `when`"));
        assert_eq!(e.offset(), Some(23));
        let cat = JSON.replace("\"phi\": \"PHI\"", "\"health\": \"PHI\"");
        let e = serde_json::from_str::<RuleSet>(&cat)
            .unwrap()
            .compile()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownValue);
    }

    #[test]
    fn condition_serde_is_canonical_text() {
        let c: Condition = serde_json::from_str("\"user_region in ['US','EU']\"").unwrap();
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            "\"user_region in ['EU', 'US']\""
        );
        assert!(serde_json::from_str::<Condition>("\"user_region in\"").is_err());
    }
}

// ----- properties -----

fn when_cond() -> impl Strategy<Value = String> {
    let region = prop::sample::select(REGIONS.to_vec());
    let class = prop::sample::select(CLASSES.to_vec());
    let op = prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]);
    let leaf = prop_oneof![
        Just("true".to_string()),
        region.clone().prop_map(|r| format!("user_region == '{r}'")),
        prop::collection::vec(region, 1..3)
            .prop_map(|v| format!("user_region not in ['{}']", v.join("','"))),
        (op, class).prop_map(|(o, c)| format!("data_classification {o} '{c}'")),
    ];
    leaf.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("not ({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
        ]
    })
}

fn provider_cond() -> impl Strategy<Value = String> {
    let region = prop::sample::select(REGIONS.to_vec());
    let name = prop::sample::select(PROVIDERS.to_vec());
    let cert = prop::sample::select(vec!["baa", "soc2", "zdr"]);
    let leaf = prop_oneof![
        Just("true".to_string()),
        Just("provider.on_prem".to_string()),
        cert.prop_map(|c| format!("provider.certifications contains '{c}'")),
        region.prop_map(|r| format!("provider.region == '{r}'")),
        prop::collection::vec(name, 1..4)
            .prop_map(|v| format!("provider.name in ['{}']", v.join("','"))),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("not ({e})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
        ]
    })
}

#[derive(Clone, Debug)]
struct GenRule {
    permit: bool,
    when: String,
    providers: String,
}

impl GenRule {
    fn to_rule(&self, id: &str) -> Rule {
        let effect = if self.permit {
            Effect::Permit
        } else {
            Effect::Forbid
        };
        Rule::new(id, effect, format!("reason for {id}"))
            .when(self.when.clone())
            .providers(self.providers.clone())
    }
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    (any::<bool>(), when_cond(), provider_cond()).prop_map(|(permit, when, providers)| GenRule {
        permit,
        when,
        providers,
    })
}

fn build(rules: &[(String, GenRule)]) -> Policy {
    let mut set = RuleSet::new(catalog()).raise_category(Category::Phi, "PHI");
    for (id, r) in rules {
        set = set.rule(r.to_rule(id));
    }
    set.compile().unwrap()
}

fn named(rules: Vec<GenRule>) -> Vec<(String, GenRule)> {
    rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| (format!("r{i:02}"), r))
        .collect()
}

fn subset(a: &[String], b: &[String]) -> bool {
    a.iter().all(|x| b.contains(x))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn permuting_rules_changes_nothing(
        rules in prop::collection::vec(gen_rule(), 1..10),
        seed in any::<u64>(),
    ) {
        let rules = named(rules);
        let mut shuffled = rules.clone();
        // A deterministic Fisher-Yates from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let (a, b) = (build(&rules), build(&shuffled));
        prop_assert_eq!(a.hash(), b.hash());
        for (r, c) in combos() {
            prop_assert_eq!(a.decide(&request(r, c)).record(), b.decide(&request(r, c)).record());
        }
    }

    #[test]
    fn duplicating_rules_changes_no_decision(
        rules in prop::collection::vec(gen_rule(), 1..10),
        dup in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
    ) {
        let rules = named(rules);
        let mut more = rules.clone();
        for (k, ix) in dup.iter().enumerate() {
            let (_, r) = ix.get(&rules).clone();
            more.push((format!("copy{k}"), r));
        }
        let (a, b) = (build(&rules), build(&more));
        for (r, c) in combos() {
            let (da, db) = (a.decide(&request(r, c)), b.decide(&request(r, c)));
            prop_assert_eq!(da.outcome(), db.outcome());
            prop_assert_eq!(
                da.allowed_providers().collect::<Vec<_>>(),
                db.allowed_providers().collect::<Vec<_>>()
            );
            // The copies only add themselves to the explanations.
            let orig: Vec<_> = db.determining_rules().map(|r| r.id()).filter(|id| !id.starts_with("copy")).collect();
            prop_assert_eq!(da.determining_rules().map(|r| r.id()).collect::<Vec<_>>(), orig);
        }
    }

    #[test]
    fn adding_a_forbid_never_widens(
        rules in prop::collection::vec(gen_rule(), 1..10),
        extra in gen_rule(),
    ) {
        let rules = named(rules);
        let mut more = rules.clone();
        more.push(("extra".into(), GenRule { permit: false, ..extra }));
        let (a, b) = (build(&rules), build(&more));
        for (old, new) in allowed_sets(&a).iter().zip(allowed_sets(&b).iter()) {
            prop_assert!(subset(new, old), "{:?} is not within {:?}", new, old);
        }
        prop_assert!(!a.diff(&b).widens());
    }

    #[test]
    fn adding_a_permit_never_narrows(
        rules in prop::collection::vec(gen_rule(), 1..10),
        extra in gen_rule(),
    ) {
        let rules = named(rules);
        let mut more = rules.clone();
        more.push(("extra".into(), GenRule { permit: true, ..extra }));
        let (a, b) = (build(&rules), build(&more));
        for (old, new) in allowed_sets(&a).iter().zip(allowed_sets(&b).iter()) {
            prop_assert!(subset(old, new), "{:?} is not within {:?}", old, new);
        }
        prop_assert!(a.diff(&b).changes().iter().all(|c| c.lost().is_empty()));
    }

    #[test]
    fn a_rule_reported_ineffective_can_be_removed(
        rules in prop::collection::vec(gen_rule(), 1..10),
    ) {
        let rules = named(rules);
        let p = build(&rules);
        for ineffective in p.analysis().ineffective_rules() {
            let without: Vec<_> = rules.iter().filter(|(id, _)| id != ineffective.id()).cloned().collect();
            if without.is_empty() {
                continue;
            }
            prop_assert!(p.diff(&build(&without)).is_empty(), "removing {} changed a decision", ineffective.id());
        }
        // And every rule reported effective changes something when removed.
        for (id, _) in &rules {
            if p.analysis().ineffective_rules().iter().any(|r| r.id() == id) {
                continue;
            }
            let without: Vec<_> = rules.iter().filter(|(i, _)| i != id).cloned().collect();
            if without.is_empty() {
                continue;
            }
            prop_assert!(!p.diff(&build(&without)).is_empty(), "removing {} changed nothing", id);
        }
    }

    #[test]
    fn unroutable_analysis_matches_decisions(rules in prop::collection::vec(gen_rule(), 1..10)) {
        let p = build(&named(rules));
        for r in REGIONS {
            for c in CLASSES {
                let d = p.decide(&Request::new().user_region(r).data_classification(c));
                let listed = p.analysis().unroutable().iter().any(|u| u.region() == r && u.classification() == c);
                prop_assert_eq!(d.is_unroutable(), listed);
            }
        }
    }

    #[test]
    fn parser_never_panics_and_canonical_text_is_stable(s in "\\PC{0,200}") {
        if let Ok(c) = Condition::parse(&s) {
            let canon = c.to_string();
            let again = Condition::parse(&canon).unwrap().to_string();
            prop_assert_eq!(again, canon);
        }
    }

    #[test]
    fn parser_handles_token_soup(toks in prop::collection::vec(prop::sample::select(vec![
        "(", ")", "not", "and", "or", "user_region", "data_classification", "provider.on_prem",
        "provider.certifications", "contains", "in", "[", "]", ",", "'EU'", "==", "!=", ">=", "true",
    ]), 0..60)) {
        let s = toks.join(" ");
        if let Ok(c) = Condition::parse(&s) {
            let canon = c.to_string();
            prop_assert_eq!(Condition::parse(&canon).unwrap().to_string(), canon);
        }
    }
}
