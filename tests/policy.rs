//! Policy and vault properties: redaction leaves no detected value; pseudonymize then restore
//! is the identity; placeholders are stable across messages and never collide.

mod common;

use common::text;
use lastgate::policy::{Action, HashKey, Policy, Verdict};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::{Category, Detector, Kind, Scanner};
use proptest::prelude::*;

fn scanner() -> Scanner {
    Scanner::builder()
        .detector(
            Detector::regex("employee_id", r"\bEMP-\d{6}\b")
                .unwrap()
                .keywords(["EMP-"]),
        )
        .deny_terms(Kind::custom("codename"), ["Project Falcon"])
        .build()
        .unwrap()
}

fn key() -> VaultKey {
    VaultKey::new([11; 32])
}

proptest! {
    #![proptest_config(common::config(256))]

    #[test]
    fn redaction_leaves_no_detected_value(t in text(60)) {
        // No value detected in the input survives in the output, unless the same string also
        // occurs in the input outside every finding (then it was never a detected value there).
        // (A re-scan of redacted text may surface *new* things, e.g. an address glued to a
        // detected one only parses once its neighbour is a label; that is not a detected value.)
        let s = scanner();
        let out = Policy::redact_all().apply_without_vault(&s, &t);
        let found = s.scan(&t);
        let mut residual = String::new();
        let mut last = 0;
        for f in &found {
            residual.push_str(&t[last..f.start()]);
            residual.push('\u{0}');
            last = f.end();
        }
        residual.push_str(&t[last..]);
        for f in &found {
            let v = f.text(&t).unwrap();
            prop_assert!(!out.text().contains(v) || residual.contains(v), "{:?} leaked in {:?}", v, out.text());
            let a = out.applied().iter().find(|a| a.input == f.span()).unwrap();
            prop_assert_eq!(&out.text()[a.output.range()], Policy::redact_all().label(f.kind()));
        }
    }

    #[test]
    fn pseudonymize_then_restore_is_identity(t in text(60), u in text(30)) {
        let s = scanner();
        let p = Policy::builder().default(Action::Pseudonymize).build().unwrap();
        let mut v = Vault::new(key());
        let a = p.apply(&s, &t, &mut v).into_text().into_owned();
        let b = p.apply(&s, &u, &mut v).into_text().into_owned();
        prop_assert_eq!(v.restore(&a), t.as_str());
        prop_assert_eq!(v.restore(&b), u.as_str());
        // Through an export/import as well.
        let w = Vault::import(VaultKey::new([12; 32]), &v.export()).unwrap();
        prop_assert_eq!(w.restore(&a), t.as_str());
    }

    #[test]
    fn apply_never_panics_on_arbitrary_text(t in "\\PC{0,300}") {
        let s = scanner();
        let p = Policy::builder()
            .on(Kind::EMAIL, Action::Pseudonymize)
            .on(Category::Financial, Action::Mask { keep_last: 4 })
            .on(Category::Custom, Action::Hash)
            .hash_key(HashKey::new([1; 32]))
            .build()
            .unwrap();
        let mut v = Vault::new(key());
        let out = p.apply(&s, &t, &mut v);
        for a in out.applied() {
            prop_assert!(out.text().get(a.output.range()).is_some());
        }
        let _ = v.restore(out.text());
    }
}

#[test]
fn same_value_same_placeholder_across_messages_and_kinds_numbered() {
    let s = Scanner::builtin();
    let p = Policy::builder()
        .default(Action::Pseudonymize)
        .build()
        .unwrap();
    let mut v = Vault::new(key());
    let m1 = p.apply(&s, "from ann@x.example to bob@x.example", &mut v);
    let m2 = p.apply(&s, "bob@x.example wrote to cy@x.example", &mut v);
    assert_eq!(m1.text(), "from [EMAIL_1] to [EMAIL_2]");
    assert_eq!(m2.text(), "[EMAIL_2] wrote to [EMAIL_3]");
    // A second conversation with another key starts afresh.
    let mut other = Vault::new(VaultKey::new([99; 32]));
    let m3 = p.apply(&s, "cy@x.example", &mut other);
    assert_eq!(m3.text(), "[EMAIL_1]");
    assert_eq!(other.restore("[EMAIL_1]"), "cy@x.example");
    assert_eq!(v.restore("[EMAIL_1]"), "ann@x.example");
}

#[test]
fn many_placeholders_never_collide_by_prefix() {
    let mut v = Vault::new(key());
    let toks: Vec<String> = (0..120)
        .map(|i| v.placeholder(Kind::EMAIL, &format!("u{i}@x.example")))
        .collect();
    let joined = toks.join("");
    let want: String = (0..120).map(|i| format!("u{i}@x.example")).collect();
    assert_eq!(v.restore(&joined), want);
    for (i, a) in toks.iter().enumerate() {
        for b in &toks[i + 1..] {
            assert!(!a.starts_with(b.as_str()) && !b.starts_with(a.as_str()));
        }
    }
}

#[test]
fn summary_and_debug_hold_no_values() {
    let s = Scanner::builtin();
    let p = Policy::default();
    let mut v = Vault::new(key());
    let t = "card 4111 1111 1111 1111 mail secret.person@corp.example";
    let out = p.apply(&s, t, &mut v);
    assert!(out.verdict().is_blocked());
    let dbg = format!(
        "{:?} {:?} {:?} {:?}",
        out.summary(),
        out.applied(),
        out.verdict(),
        v
    );
    assert!(
        !dbg.contains("4111") && !dbg.contains("secret.person"),
        "{dbg}"
    );
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(out.summary()).unwrap();
        assert!(!json.contains("4111") && !json.contains("secret.person"));
        assert!(json.contains("\"credit_card\""));
    }
    assert!(matches!(out.verdict(), Verdict::Blocked(k) if k[0].count == 1));
}
