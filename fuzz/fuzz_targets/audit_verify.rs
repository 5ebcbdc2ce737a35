//! Fuzz the streaming verifier with arbitrary lines mixed with valid and damaged records:
//! never panics, counts every line, reports every damaged record, and passes the intact log.
#![no_main]

use std::sync::OnceLock;

use lastgate::audit::{Chain, EventType, MacKey, Record, Verifier};
use libfuzzer_sys::fuzz_target;

fn valid_lines() -> &'static [String] {
    static LINES: OnceLock<Vec<String>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut chain = Chain::keyed("fuzz/log", MacKey::new([1; 32])).unwrap();
        (0..8)
            .map(|i| {
                let ev = if i == 7 {
                    EventType::LogStopped
                } else {
                    EventType::RequestCompleted
                };
                let rec = Record::builder(ev, &format!("id{i}"), i)
                    .team("t")
                    .tokens_in(5)
                    .build()
                    .unwrap();
                if i % 3 == 2 {
                    chain.evolve_key();
                }
                chain.seal(rec).unwrap().to_line()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let valid = valid_lines();
    let mut v = Verifier::with_key(MacKey::new([1; 32]));
    let mut pushed = 0u64;
    let mut damaged = false;
    let mut order = Vec::new();
    // One piece per input line. A piece starting with byte b < 8 stands for valid record b (so
    // the fuzzer can build reorders, duplicates and gaps); followed by 0xff it is that record
    // with one byte changed. Anything else is pushed as given.
    for piece in data.split(|&b| b == b'\n') {
        match piece {
            [b, rest @ ..] if *b < 8 => {
                let l = &valid[usize::from(*b)];
                if rest.first() == Some(&0xff) {
                    let mut l = l.clone().into_bytes();
                    let pos = usize::from(rest.get(1).copied().unwrap_or(0)) % l.len();
                    l[pos] ^= rest.get(2).copied().unwrap_or(1).max(1);
                    v.push_line_bytes(&l);
                    damaged = true;
                    order.push(u8::MAX);
                } else {
                    v.push_line(l);
                    order.push(*b);
                }
            }
            other => {
                v.push_line_bytes(other);
                order.push(u8::MAX);
            }
        }
        pushed += 1;
        if pushed % 16 == 0 {
            let _ = v.take_problems();
        }
    }
    let intact = order == [0, 1, 2, 3, 4, 5, 6, 7];
    let r = v.finish();
    assert_eq!(r.lines(), pushed);
    if intact {
        assert!(r.is_clean(), "{:?}", r.problems());
    }
    if damaged && pushed < 16 {
        assert!(!r.is_clean());
    }
    for p in r.problems() {
        let _ = p.to_json_line();
        let _ = p.to_string();
    }
});
