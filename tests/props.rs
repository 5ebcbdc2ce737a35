//! Property tests for the scanner: no panic on any input; spans in bounds and on char
//! boundaries; results sorted and non-overlapping; every finding's text, scanned alone, is
//! proposed again as the same kind; results independent of text before and after that is
//! separated by enough neutral text.

use lastgate::{Finding, Kind, Scanner};
use proptest::prelude::*;

/// Snippets that exercise every detector family, plus near misses.
const SNIPPETS: &[&str] = &[
    "jane.doe@example.org",
    "4111 1111 1111 1111",
    "4111-1111-1111-1112",
    "SSN 536-22-1234",
    "(415) 555-0132",
    "+44 20 7946 0958",
    "10.0.0.1",
    "fe80::1ff:fe23:4567:890a",
    "00:1A:2B:3C:4D:5E",
    "DOB 04/12/1985",
    "MRN 00123456",
    "NPI 1234567893",
    "DEA AB1234563",
    "GB82 WEST 1234 5698 7654 32",
    "routing 011000015",
    "account no 12345678901",
    "AKIAQWERTYUIOPASDFGH",
    "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",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "postgres://app:Xk9-pq2Lm@db.internal:5432/app",
    "password=hunter2!",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
    "version 1.2.3",
    "commit 3f9a2b1c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90",
    "550e8400-e29b-41d4-a716-446655440000",
    "ISBN 978-3-16-148410-0",
    "@",
    "::",
    "eyJ",
    "-----BEGIN",
    "é",
    "😀",
    "\n",
    " ",
    "123",
];

/// Kinds whose evidence is a name or cue outside the value itself.
const CONTEXT_BOUND: &[Kind] = &[
    Kind::PASSWORD,
    Kind::GENERIC_SECRET,
    Kind::AWS_SECRET_ACCESS_KEY,
    Kind::TWILIO_API_KEY,
    Kind::AZURE_STORAGE_KEY,
    Kind::GCP_SERVICE_ACCOUNT,
    Kind::MAIL_SERVICE_KEY,
    Kind::SAAS_TOKEN,
    Kind::US_SSN,
    Kind::US_ITIN,
    Kind::US_PASSPORT,
    Kind::PHONE,
    Kind::DATE_OF_BIRTH,
    Kind::MRN,
    Kind::PATIENT_ID,
    Kind::INSURANCE_ID,
    Kind::NPI,
    Kind::DEA_NUMBER,
    Kind::ABA_ROUTING,
    Kind::BANK_ACCOUNT,
    Kind::CREDIT_CARD,
    Kind::IP_ADDRESS,
];

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn realistic() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(SNIPPETS).prop_map(str::to_string),
        3 => "[a-zA-Z ,.:;=/@_-]{0,12}",
        2 => "[0-9 .:/()+-]{0,12}",
        1 => "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn check_invariants(text: &str, found: &[Finding]) -> Result<(), TestCaseError> {
    let mut prev_end = 0;
    for f in found {
        let s = f.span();
        prop_assert!(s.start < s.end, "empty span");
        prop_assert!(s.end <= text.len(), "span out of bounds");
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert!(s.start >= prev_end, "unsorted or overlapping");
        prop_assert!((0.0..=1.0).contains(&f.score()));
        prev_end = s.end;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_string_is_safe(text in "\\PC{0,200}") {
        let s = Scanner::builtin();
        check_invariants(&text, &s.scan(&text))?;
        for c in s.candidates(&text) {
            prop_assert!(c.end() <= text.len() && text.is_char_boundary(c.start()) && text.is_char_boundary(c.end()));
        }
    }

    #[test]
    fn any_bytes_lossy_is_safe(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        check_invariants(&text, &Scanner::builtin().scan(&text))?;
    }

    #[test]
    fn realistic_texts_keep_invariants(text in realistic()) {
        check_invariants(&text, &Scanner::builtin().scan(&text))?;
    }

    /// Every finding's text, scanned alone, is proposed again as the same kind, over the same
    /// bytes. Kinds whose evidence lies outside the value (a password is a password because of
    /// the `password=` before it; nine digits are an SSN after "SSN") are instead found again in
    /// the finding plus its context window: a finding depends only on the bytes near it.
    #[test]
    fn finding_text_alone_is_found_again(text in realistic()) {
        let s = Scanner::builtin();
        let all = Scanner::builder().min_score(0.0).build().unwrap();
        for f in s.scan(&text) {
            let (lo, hi) = if CONTEXT_BOUND.contains(&f.kind()) {
                let lo = floor(&text, f.start().saturating_sub(s.context_window()));
                let hi = ceil(&text, f.end() + s.context_window());
                (lo, hi)
            } else {
                (f.start(), f.end())
            };
            let window = &text[lo..hi];
            let again = all.candidates(window);
            prop_assert!(
                again.iter().any(|g| g.kind() == f.kind()
                    && g.start() == f.start() - lo
                    && g.end() == f.end() - lo),
                "{} not found again in {:?}", f.kind(), window
            );
        }
    }

    /// Surrounding a text with neutral prose separated by a blank line shifts every finding by the
    /// prefix length and changes nothing else.
    #[test]
    fn neutral_surroundings_do_not_change_results(text in realistic()) {
        let s = Scanner::builtin();
        let pad = "Nothing to see in this sentence at all, really.\n\n".repeat(2);
        let wrapped = format!("{pad}{text}\n\n{pad}");
        let a: Vec<_> = s.scan(&text).iter().map(|f| (f.kind(), f.start() + pad.len(), f.end() + pad.len())).collect();
        let b: Vec<_> = s.scan(&wrapped).iter().map(|f| (f.kind(), f.start(), f.end())).collect();
        prop_assert_eq!(a, b);
    }
}
