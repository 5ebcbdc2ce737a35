#![no_main]
//! StreamScrubber over arbitrary text and chunkings equals Policy::apply on the whole text.

use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::stream::StreamScrubber;
use lastgate::{Kind, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (knobs, rest) = data.split_at(3);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .on(Kind::EMAIL, Action::Pseudonymize)
        .build()
        .unwrap();
    let mut v1 = Vault::new(VaultKey::new([1; 32]));
    let want = policy.apply(&scanner, text, &mut v1).into_text().into_owned();

    let mut v2 = Vault::new(VaultKey::new([1; 32]));
    let mut out = String::new();
    let forced;
    {
        let mut s = StreamScrubber::new(&scanner, &policy, Some(&mut v2));
        if knobs[2] & 1 == 1 {
            s = s.with_scan_step(usize::from(knobs[2] >> 1) + 1);
        }
        let sizes = [usize::from(knobs[0]) % 64 + 1, usize::from(knobs[1]) % 1024 + 1];
        let mut i = 0;
        let mut k = 0;
        while i < text.len() {
            let mut j = (i + sizes[k % 2]).min(text.len());
            k += 1;
            while !text.is_char_boundary(j) {
                j -= 1;
            }
            if j == i {
                j = i + 1;
                while !text.is_char_boundary(j) {
                    j += 1;
                }
            }
            s.push_into(&text[i..j], &mut out);
            i = j;
        }
        s.finish_into(&mut out);
        forced = s.forced_cuts();
    }
    if forced == 0 {
        assert_eq!(out, want);
    }
});
