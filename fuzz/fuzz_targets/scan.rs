//! Any text through the built-in scanner: no panic, and every result invariant holds.
#![no_main]

use std::sync::LazyLock;

use lastgate::Scanner;
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(Scanner::builtin);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scanner: &Scanner = &SCANNER;
    let found = scanner.scan(&text);
    let mut prev_end = 0;
    for f in &found {
        let s = f.span();
        assert!(s.start < s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        assert!(s.start >= prev_end, "findings overlap or are unsorted");
        assert!((0.0..=1.0).contains(&f.score()));
        prev_end = s.end;
    }
    for c in scanner.candidates(&text) {
        assert!(c.end() <= text.len() && c.start() < c.end());
    }
});
