#![no_main]
//! Vault::restore and StreamRestorer on arbitrary model output: no panic, and the streamed
//! result equals the whole-text restore for every chunking; the SSE restorer never panics.

use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::stream::sse::SseRestorer;
use lastgate::stream::StreamRestorer;
use lastgate::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let (n, rest) = data.split_at(1);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut v = Vault::new(VaultKey::new([1; 32]));
    for i in 0..12 {
        v.placeholder(Kind::EMAIL, &format!("u{i}@x.example"));
    }
    v.placeholder(Kind::CREDIT_CARD, "4111 [EMAIL_1] \"q\"");
    let want = v.restore(text).into_owned();
    let _ = v.restore_json_fragment(text);
    let size = usize::from(n[0]) % 16 + 1;
    let mut r = StreamRestorer::new(&v);
    let mut got = String::new();
    let mut i = 0;
    while i < text.len() {
        let mut j = (i + size).min(text.len());
        while !text.is_char_boundary(j) {
            j -= 1;
        }
        if j == i {
            j = i + 1;
            while !text.is_char_boundary(j) {
                j += 1;
            }
        }
        got.push_str(&r.push(&text[i..j]));
        i = j;
    }
    got.push_str(&r.finish());
    assert_eq!(got, want);

    // The same bytes as a server-sent-event stream: never a panic, whatever the events hold.
    let mut sse = SseRestorer::new(&v);
    let mut i = 0;
    while i < text.len() {
        let mut j = (i + size).min(text.len());
        while !text.is_char_boundary(j) {
            j -= 1;
        }
        if j == i {
            j = i + 1;
            while !text.is_char_boundary(j) {
                j += 1;
            }
        }
        let _ = sse.push(&text[i..j]);
        i = j;
    }
    let _ = sse.finish();
});
