//! API guarantees: thread safety, cheap clones, builder behaviour, and that nothing in the
//! scanner's public types prints a matched value.

use lastgate::{BuildError, Category, Detector, Finding, Kind, Scanner, ScannerBuilder, Span};

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    check::<Scanner>();
    check::<ScannerBuilder>();
    check::<Finding>();
    check::<Kind>();
    check::<Span>();
    check::<BuildError>();
    check::<Detector>();
}

#[test]
fn finding_is_small_and_copy() {
    fn copy<T: Copy>() {}
    copy::<Finding>();
    assert!(
        std::mem::size_of::<Finding>() <= 64,
        "{}",
        std::mem::size_of::<Finding>()
    );
}

#[test]
fn debug_and_display_never_print_matched_values() {
    let secret_email = "very.private.person@example.org";
    let card = "4111 1111 1111 1111";
    let text = format!("email {secret_email} card {card}");
    let s = Scanner::builtin();
    let found = s.scan(&text);
    assert_eq!(found.len(), 2);
    for f in &found {
        let d = format!("{f:?} {} {:?}", f.kind(), f.kind());
        assert!(!d.contains("very.private"), "{d}");
        assert!(!d.contains("4111"), "{d}");
    }
    let d = format!("{s:?}");
    assert!(!d.contains("very.private"));
    // Allow-listed values are configuration, but still not printed.
    let s = Scanner::builder()
        .allow_values([secret_email])
        .build()
        .unwrap();
    assert!(!format!("{s:?}").contains("very.private"));
    assert!(
        !format!("{:?}", Scanner::builder().allow_values([secret_email])).contains("very.private")
    );
}

#[test]
fn categories_kinds_disable_and_min_score() {
    let text = "jane@example.org 4111 1111 1111 1111";
    let pii = Scanner::builder()
        .categories([Category::Pii])
        .build()
        .unwrap();
    assert!(pii.scan(text).iter().all(|f| f.category() == Category::Pii));
    let no_email = Scanner::builder().disable(Kind::EMAIL).build().unwrap();
    assert!(no_email.scan(text).iter().all(|f| f.kind() != Kind::EMAIL));
    let only_card = Scanner::builder()
        .kinds([Kind::CREDIT_CARD])
        .build()
        .unwrap();
    assert_eq!(only_card.scan(text).len(), 1);
    let strict = Scanner::builder().min_score(0.99).build().unwrap();
    assert!(strict.scan(text).iter().all(|f| f.score() >= 0.99));
    let none = Scanner::builder().no_builtins().build().unwrap();
    assert!(none.scan(text).is_empty());
}

#[test]
fn allow_lists_suppress_exact_values_and_patterns() {
    let text = "ops@example.org jane@example.org bot-17@noreply.example.org";
    let s = Scanner::builder()
        .allow_values(["ops@example.org"])
        .allow_pattern(r"[a-z0-9-]+@noreply\.example\.org")
        .build()
        .unwrap();
    let got: Vec<&str> = s.scan(text).iter().filter_map(|f| f.text(text)).collect();
    assert_eq!(got, ["jane@example.org"]);
}

#[test]
fn custom_detectors_with_keywords_validator_and_context() {
    let d = Detector::regex("ticket_id", r"\bTCK-\d{5}\b")
        .unwrap()
        .keywords(["TCK-"])
        .validator(|v| !v.ends_with("00000"))
        .context(["ticket"]);
    let s = Scanner::builder()
        .no_builtins()
        .detector(d)
        .build()
        .unwrap();
    let text = "ticket TCK-12345 and TCK-00000; elsewhere TCK-55555 without its word";
    let got: Vec<&str> = s.scan(text).iter().filter_map(|f| f.text(text)).collect();
    // TCK-55555 is 40+ bytes from "ticket"? No: within 64 bytes, so it keeps its score.
    assert_eq!(got, ["TCK-12345", "TCK-55555"]);
    let far = format!("{}TCK-55555", "x ".repeat(60));
    assert!(
        s.scan(&far).is_empty(),
        "no context word nearby: below the threshold"
    );
    // Without the keyword the regex never runs.
    assert!(s.scan("tck_12345").is_empty());
}

#[test]
fn custom_kind_in_a_category_and_priority() {
    let d = Detector::regex("employee_email", r"\b[a-z]+@corp\.example\b")
        .unwrap()
        .kind(Kind::custom_in("employee_email", Category::Pii))
        .priority(99);
    let s = Scanner::builder().detector(d).build().unwrap();
    let f = s.scan("mail bob@corp.example");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind().as_str(), "employee_email");
    assert_eq!(f[0].category(), Category::Pii);
}

#[test]
fn build_errors_do_not_panic_and_name_the_pattern() {
    let e = Detector::regex("broken", "a(b").unwrap_err();
    assert_eq!(e.name(), "broken");
    assert!(e.to_string().contains("broken"));
    let e = Detector::regex("huge", r"\w{1000}\w{1000}\w{1000}").unwrap_err();
    assert_eq!(e.name(), "huge");
}
