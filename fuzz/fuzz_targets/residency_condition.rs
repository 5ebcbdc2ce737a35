//! Fuzzes the residency condition parser: any text must parse or fail with a positioned error,
//! never panic or overflow the stack, and the canonical form must re-parse to itself. Texts that
//! parse are also compiled as both sides of a rule and decided, holding the fail-closed
//! property: an unknown region never allows more than a known one.
#![no_main]

use lastgate::residency::{Catalog, Condition, Provider, Request, Rule, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cond = match Condition::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            if let Some(off) = e.offset() {
                assert!(off <= text.len(), "offset past the end");
            }
            return;
        }
    };
    let canon = cond.to_string();
    let again = Condition::parse(&canon).expect("canonical text parses");
    assert_eq!(again.to_string(), canon, "canonical text is stable");

    let catalog = Catalog::new()
        .regions(["EU", "UK", "US"])
        .classifications(["public", "PHI", "confidential"])
        .certifications(["baa"])
        .provider(Provider::new("a", "EU"))
        .provider(Provider::new("b", "US").certification("baa"))
        .provider(Provider::new("c", "UK").on_prem(true));
    let sets = [
        RuleSet::new(catalog.clone())
            .rule(Rule::permit("p", "fuzz").when(text.to_string()))
            .rule(
                Rule::forbid("f", "fuzz")
                    .when(text.to_string())
                    .providers("provider.region == 'US'"),
            ),
        RuleSet::new(catalog)
            .rule(Rule::permit("p", "fuzz").providers(text.to_string()))
            .rule(
                Rule::forbid("f", "fuzz")
                    .when("user_region == 'UK'")
                    .providers(text.to_string()),
            ),
    ];
    for set in sets {
        let Ok(policy) = set.compile() else { continue };
        for class in [Some("public"), Some("PHI"), Some("confidential"), None] {
            let mut unknown = Request::new();
            if let Some(c) = class {
                unknown = unknown.data_classification(c);
            }
            let u: Vec<&str> = policy.decide(&unknown).allowed_providers().collect();
            for region in ["EU", "UK", "US"] {
                let known = policy.decide(&unknown.user_region(region));
                let k: Vec<&str> = known.allowed_providers().collect();
                assert!(
                    u.iter().all(|p| k.contains(p)),
                    "unknown region allowed more"
                );
                assert_eq!(known.record().allowed.len(), k.len());
            }
        }
    }
});
