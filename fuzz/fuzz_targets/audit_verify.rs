//! Fuzz the streaming verifier with arbitrary lines mixed with valid records: never panics,
//! and every damaged line is reported.
#![no_main]

use lastgate::audit::{Chain, EventType, MacKey, Record, Verifier};
use libfuzzer_sys::fuzz_target;

fn valid_lines() -> Vec<String> {
    let mut chain = Chain::keyed("fuzz/log", MacKey::new([1; 32])).unwrap();
    (0..8)
        .map(|i| {
            let ev = if i == 7 { EventType::LogStopped } else { EventType::RequestCompleted };
            let rec = Record::builder(ev, &format!("id{i}"), i).team("t").tokens_in(5).build().unwrap();
            if i % 3 == 2 {
                chain.evolve_key();
            }
            chain.seal(rec).unwrap().to_line()
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let valid = valid_lines();
    let mut v = Verifier::with_key(MacKey::new([1; 32]));
    let mut pushed = 0u64;
    // Lines from the input; a line starting with byte b < 8 is replaced by valid record b
    // (so the fuzzer can build reorders, duplicates and gaps), others are pushed as given.
    for piece in data.split(|&b| b == b'\n') {
        match piece {
            [b, rest @ ..] if *b < 8 => {
                if rest.first() == Some(&0xff) {
                    // Damage one byte of a valid line.
                    let mut l = valid[usize::from(*b)].clone().into_bytes();
                    let pos = usize::from(rest.get(1).copied().unwrap_or(0)) % l.len();
                    l[pos] ^= rest.get(2).copied().unwrap_or(1).max(1);
                    v.push_line_bytes(&l);
                } else {
                    v.push_line(&valid[usize::from(*b)]);
                }
            }
            other => v.push_line_bytes(other),
        }
        pushed += 1;
        if pushed % 16 == 0 {
            let _ = v.take_problems();
        }
    }
    let r = v.finish();
    assert_eq!(r.lines(), pushed);
    for p in r.problems() {
        let _ = p.to_json_line();
        let _ = p.to_string();
    }
});
