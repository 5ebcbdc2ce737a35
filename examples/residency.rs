//! Data-residency rules in action: GDPR (EU users' data stays in EU endpoints), HIPAA (PHI only
//! to providers under a BAA) and "confidential stays on premises".
//!
//! Run with `cargo run --example residency`. It prints, for a few requests, which providers may
//! receive them and why, then the load-time analysis and the diff to a second rule-set version.

use lastgate::residency::{
    Catalog, Explanation, Outcome, Policy, Provider, Request, ResidencyError, Rule, RuleSet,
};
use lastgate::{Category, Kind};

fn catalog() -> Catalog {
    Catalog::new()
        .regions(["EU", "EEA", "UK", "US"])
        .classifications(["public", "internal", "personal", "PHI", "confidential"])
        .certifications(["baa", "soc2", "zdr"])
        .provider(Provider::new("mistral-eu", "EU").certification("soc2"))
        .provider(
            Provider::new("azure-openai-eu", "EU")
                .certification("baa")
                .certification("soc2"),
        )
        .provider(
            Provider::new("openai-us", "US")
                .certification("baa")
                .certification("soc2"),
        )
        .provider(
            Provider::new("anthropic-us", "US")
                .certification("soc2")
                .certification("zdr"),
        )
        // The company's own GPU cluster sits in its US data centre.
        .provider(
            Provider::new("llama-onprem", "US")
                .certification("baa")
                .on_prem(true),
        )
}

fn rules(catalog: Catalog) -> RuleSet {
    RuleSet::new(catalog)
        .rule(Rule::permit(
            "baseline",
            "every provider in the catalog is approved for public data",
        ))
        .rule(
            Rule::forbid(
                "gdpr-eu-residency",
                "GDPR: personal data of EU/EEA/UK users is processed in EU endpoints only",
            )
            .when("user_region in ['EU', 'EEA', 'UK']")
            .providers("provider.region != 'EU'"),
        )
        .rule(
            Rule::forbid(
                "hipaa-baa",
                "HIPAA: PHI may only go to providers that signed a Business Associate Agreement",
            )
            .when("data_classification == 'PHI'")
            .providers("not provider.certifications contains 'baa'"),
        )
        .rule(
            Rule::forbid(
                "confidential-on-prem",
                "confidential data (credentials, keys) never leaves our premises",
            )
            .when("data_classification >= 'confidential'")
            .providers("not provider.on_prem"),
        )
        // What the scanner finds raises the classification.
        .raise_category(Category::Phi, "PHI")
        .raise_category(Category::Secret, "confidential")
        .raise_category(Category::Pii, "personal")
}

fn show(policy: &Policy, title: &str, req: Request<'_>) {
    let d = policy.decide(&req);
    println!("== {title}");
    println!(
        "   region {:?}, classification {:?} (declared {:?}{})",
        d.user_region(),
        d.data_classification(),
        d.declared_classification(),
        if d.classification_raised() {
            ", raised by findings"
        } else {
            ""
        }
    );
    let missing: Vec<_> = d.missing_attributes().collect();
    if !missing.is_empty() {
        println!("   missing (read fail-closed): {}", missing.join(", "));
    }
    match d.outcome() {
        Outcome::Allowed => println!(
            "   ALLOWED -> {}",
            d.allowed_providers().collect::<Vec<_>>().join(", ")
        ),
        Outcome::Unroutable => println!("   UNROUTABLE: refuse the request, there is no fallback"),
    }
    for r in d.determining_rules() {
        println!("     {:<6} {:<22} {}", r.effect(), r.id(), r.reason());
    }
    if d.outcome() == Outcome::Unroutable {
        for p in policy.providers() {
            let why = match d.explain(p) {
                Some(Explanation::Forbidden(rules)) => format!(
                    "forbidden by {}",
                    rules.iter().map(|r| r.id()).collect::<Vec<_>>().join(", ")
                ),
                Some(Explanation::NoPermit) => "no permit".to_string(),
                Some(other) => format!("{other:?}"),
                None => "unknown".to_string(),
            };
            println!("     {p:<16} {why}");
        }
    }
    #[cfg(feature = "serde")]
    if let Ok(json) = serde_json::to_string(&d.record()) {
        println!("   audit: {json}");
    }
    println!();
}

fn main() -> Result<(), ResidencyError> {
    let policy = rules(catalog()).compile()?;
    println!("policy {}\n", policy.hash());

    show(
        &policy,
        "EU user, prompt with an email address (PII)",
        Request::new()
            .user_region("EU")
            .data_classification("internal")
            .kinds(&[Kind::EMAIL]),
    );
    show(
        &policy,
        "US user, prompt with a medical record number (PHI) -> BAA providers only",
        Request::new()
            .user_region("US")
            .data_classification("internal")
            .kinds(&[Kind::MRN, Kind::DATE_OF_BIRTH]),
    );
    show(
        &policy,
        "US user, prompt with an AWS key (confidential) -> on premises only",
        Request::new()
            .user_region("US")
            .data_classification("public")
            .kinds(&[Kind::AWS_ACCESS_KEY_ID]),
    );
    show(
        &policy,
        "EU user, prompt with a private key: EU-only and on-prem-only conflict",
        Request::new()
            .user_region("EU")
            .data_classification("internal")
            .kinds(&[Kind::PRIVATE_KEY]),
    );
    show(
        &policy,
        "US user, no classification given",
        Request::new().user_region("US"),
    );

    let analysis = policy.analysis();
    println!("== Load-time analysis");
    for u in analysis.unroutable() {
        println!(
            "   unroutable: {} x {} (caused by {})",
            u.region(),
            u.classification(),
            u.rules().join(", ")
        );
    }
    for r in analysis.ineffective_rules() {
        println!("   never takes effect: {} ({:?})", r.id(), r.why());
    }
    println!();

    // Version 2 adds an on-premises cluster in Frankfurt.
    let v2 = rules(
        catalog().provider(
            Provider::new("llama-onprem-fra", "EU")
                .certification("baa")
                .on_prem(true),
        ),
    )
    .compile()?;
    let diff = policy.diff(&v2);
    println!(
        "== Diff {} -> {} ({} combinations change{})",
        &diff.old_hash().to_hex()[..12],
        &diff.new_hash().to_hex()[..12],
        diff.changes().len(),
        if diff.widens() {
            ", WIDENS: review"
        } else {
            ""
        }
    );
    let known: Vec<_> = diff
        .changes()
        .iter()
        .filter(|c| c.region().is_some() && c.classification().is_some())
        .collect();
    for c in known
        .iter()
        .filter(|c| c.classification() == Some("confidential"))
    {
        println!(
            "   {} x {}: +[{}] -[{}]",
            c.region().unwrap_or("?"),
            c.classification().unwrap_or("?"),
            c.gained().join(", "),
            c.lost().join(", ")
        );
    }
    println!(
        "   ({} more known combinations change, plus combinations with missing attributes)",
        known.len()
            - known
                .iter()
                .filter(|c| c.classification() == Some("confidential"))
                .count()
    );
    println!(
        "   still unroutable in v2: {}",
        v2.analysis().unroutable().len()
    );
    Ok(())
}
