#![no_main]
//! chat::scrub_request on arbitrary JSON: no panic; a refused body is unchanged.

use lastgate::chat::{restore_response, scrub_request};
use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::Scanner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let before = body.clone();
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .default(Action::Pseudonymize)
        .build()
        .unwrap();
    let mut vault = Vault::new(VaultKey::new([1; 32]));
    match scrub_request(&mut body, &scanner, &policy, &mut vault) {
        Ok(_) => {
            restore_response(&mut body, &vault);
        }
        Err(_) => {
            assert_eq!(body, before);
            assert!(vault.is_empty());
        }
    }
});
