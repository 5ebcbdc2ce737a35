#![no_main]
//! StreamScrubber over arbitrary input and chunkings equals Policy::apply on the whole text:
//! `push` on char-boundary pieces of valid UTF-8, `push_bytes` on raw byte pieces of anything
//! (compared with `String::from_utf8_lossy` of the whole input).

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
    let bytes_mode = knobs[2] & 2 == 2 || std::str::from_utf8(rest).is_err();
    let text = String::from_utf8_lossy(rest).into_owned();
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .on(Kind::EMAIL, Action::Pseudonymize)
        .build()
        .unwrap();
    let mut v1 = Vault::new(VaultKey::new([1; 32]));
    let want = policy
        .apply(&scanner, &text, &mut v1)
        .into_text()
        .into_owned();

    let mut v2 = Vault::new(VaultKey::new([1; 32]));
    let mut out = String::new();
    let forced;
    {
        let mut s = StreamScrubber::new(&scanner, &policy, Some(&mut v2));
        if knobs[2] & 1 == 1 {
            s = s.with_scan_step(usize::from(knobs[2] >> 2) + 1);
        }
        let sizes = [
            usize::from(knobs[0]) % 64 + 1,
            usize::from(knobs[1]) % 1024 + 1,
        ];
        if bytes_mode {
            let mut i = 0;
            let mut k = 0;
            while i < rest.len() {
                let j = (i + sizes[k % 2]).min(rest.len());
                k += 1;
                out.push_str(&s.push_bytes(&rest[i..j]));
                i = j;
            }
        } else {
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
        }
        s.finish_into(&mut out);
        forced = s.forced_cuts();
    }
    if forced == 0 {
        assert_eq!(out, want);
    }
});
