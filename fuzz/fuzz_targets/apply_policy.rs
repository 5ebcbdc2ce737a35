#![no_main]
//! Policy::apply on arbitrary text: no panic, provenance spans valid, pseudonymize → restore
//! is the identity when the text holds no `[`.

use lastgate::policy::{Action, HashKey, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::{Category, Kind, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .on(Kind::EMAIL, Action::Pseudonymize)
        .on(Category::Financial, Action::Mask { keep_last: 4 })
        .on(Category::Secret, Action::Hash)
        .on(Kind::PHONE, Action::Pseudonymize)
        .default(Action::Redact)
        .hash_key(HashKey::new([7; 32]))
        .build()
        .unwrap();
    let mut vault = Vault::new(VaultKey::new([1; 32]));
    let out = policy.apply(&scanner, text, &mut vault);
    for a in out.applied() {
        assert!(out.text().get(a.output.range()).is_some());
        assert!(text.get(a.input.range()).is_some());
    }
    let only_pseudo = Policy::builder()
        .default(Action::Pseudonymize)
        .build()
        .unwrap();
    let mut v2 = Vault::new(VaultKey::new([2; 32]));
    let p = only_pseudo.apply(&scanner, text, &mut v2);
    if !text.contains('[') {
        assert_eq!(v2.restore(p.text()), text);
    }
});
