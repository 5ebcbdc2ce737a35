//! Fuzz the strict audit record parser: never panics, and whatever it accepts is exactly the
//! canonical encoding of what it parsed (parse ∘ to_line is the identity on accepted input).
#![no_main]

use lastgate::audit::SealedRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rec) = SealedRecord::parse(line) {
        assert_eq!(rec.to_line(), line);
        let mut pre = String::new();
        rec.write_event_preimage(&mut pre);
        assert!(pre.len() < line.len());
    }
});
