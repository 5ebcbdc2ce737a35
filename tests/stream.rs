//! Streaming equals whole text, for every chunking: proptest over random chunkings of realistic
//! texts with findings near chunk borders and multi-byte characters.

mod common;

use common::{chunks, text};
use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::stream::{StreamRestorer, StreamScrubber};
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
        // Scored by a context word up to 64 bytes before or 32 after, like the built-in cue
        // detectors; no keywords, so it runs on the whole window.
        .detector(
            Detector::regex("ssn_like", r"\b\d{3}-\d{2}-\d{4}\b")
                .unwrap()
                .context(["ssn", "social"]),
        )
        .build()
        .unwrap()
}

fn policies() -> Vec<Policy> {
    vec![
        Policy::default(),
        Policy::builder()
            .on(Kind::EMAIL, Action::Pseudonymize)
            .on(Category::Financial, Action::Mask { keep_last: 4 })
            .on(Category::Custom, Action::Warn)
            .build()
            .unwrap(),
    ]
}

fn whole(s: &Scanner, p: &Policy, t: &str) -> (String, Vault) {
    let mut v = Vault::new(VaultKey::new([3; 32]));
    let out = p.apply(s, t, &mut v).into_text().into_owned();
    (out, v)
}

fn streamed(s: &Scanner, p: &Policy, pieces: &[&str]) -> (String, Vault, usize) {
    streamed_step(s, p, pieces, None)
}

fn streamed_step(
    s: &Scanner,
    p: &Policy,
    pieces: &[&str],
    step: Option<usize>,
) -> (String, Vault, usize) {
    let mut v = Vault::new(VaultKey::new([3; 32]));
    let mut out = String::new();
    let forced;
    {
        let mut sc = StreamScrubber::new(s, p, Some(&mut v));
        if let Some(step) = step {
            sc = sc.with_scan_step(step);
        }
        for c in pieces {
            sc.push_into(c, &mut out);
        }
        sc.finish_into(&mut out);
        forced = sc.forced_cuts();
    }
    (out, v, forced)
}

proptest! {
    #![proptest_config(common::config(200))]

    #[test]
    fn stream_equals_whole_text_short(t in text(80), sizes in prop::collection::vec(1usize..40, 1..20)) {
        let s = scanner();
        for p in policies() {
            let (want, wv) = whole(&s, &p, &t);
            let (got, gv, forced) = streamed(&s, &p, &chunks(&t, &sizes));
            prop_assert_eq!(forced, 0);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(gv.export(), wv.export());
        }
    }

    #[test]
    fn stream_equals_whole_text_long(t in text(1500), sizes in prop::collection::vec(1usize..3000, 1..8)) {
        // Long enough (tens of KB) that the scrubber commits many times mid-stream.
        let s = scanner();
        for p in policies() {
            let (want, _) = whole(&s, &p, &t);
            let (got, _, forced) = streamed(&s, &p, &chunks(&t, &sizes));
            prop_assert_eq!(forced, 0);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn stream_equals_whole_text_tiny_steps(t in text(200), sizes in prop::collection::vec(1usize..60, 1..10), step in 1usize..64) {
        // Tiny scan steps: the scrubber looks for a cut after nearly every chunk, which
        // exercises cut selection next to findings, digit runs and multi-byte characters.
        let s = scanner();
        for p in policies() {
            let (want, wv) = whole(&s, &p, &t);
            let (got, gv, forced) = streamed_step(&s, &p, &chunks(&t, &sizes), Some(step));
            prop_assert_eq!(forced, 0);
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(gv.export(), wv.export());
        }
    }

    #[test]
    fn stream_restore_equals_whole_restore(t in text(80), sizes in prop::collection::vec(1usize..12, 1..10)) {
        let s = scanner();
        let p = Policy::builder().default(Action::Pseudonymize).build().unwrap();
        let (scrubbed, v) = whole(&s, &p, &t);
        // A model answer that echoes placeholders plus look-alikes.
        let answer = format!("Sure. {scrubbed} [EMAIL_99] [EMAIL_1 [EMAIL_1]0 [[CREDIT_CARD_1]]");
        let want = v.restore(&answer).into_owned();
        let mut r = StreamRestorer::new(&v);
        let mut got = String::new();
        for c in chunks(&answer, &sizes) {
            got.push_str(&r.push(c));
        }
        got.push_str(&r.finish());
        prop_assert_eq!(got, want);
        prop_assert_eq!(v.restore(&scrubbed), t.as_str());
    }

    #[test]
    fn stream_never_panics_on_arbitrary_text(t in "\\PC{0,400}", sizes in prop::collection::vec(1usize..9, 1..5)) {
        let s = scanner();
        let p = Policy::default();
        let (want, _) = whole(&s, &p, &t);
        let (got, _, _) = streamed(&s, &p, &chunks(&t, &sizes));
        prop_assert_eq!(got, want);
    }
}

#[test]
fn findings_right_at_chunk_borders() {
    let s = scanner();
    let p = Policy::default();
    let t = "mail ann@corp.example, card 4111 1111 1111 1111, staff EMP-123456 — Project Falcon 🙂 done, SSN is 123-45-6789 ok";
    let (want, _) = whole(&s, &p, t);
    for n in 1..t.len() {
        for off in 0..n.min(5) {
            let mut sizes = vec![off.max(1)];
            sizes.push(n);
            let (got, _, _) = streamed(&s, &p, &chunks(t, &sizes));
            assert_eq!(got, want, "sizes {sizes:?}");
        }
    }
}

#[test]
fn provenance_offsets_are_global() {
    let s = Scanner::builtin();
    let p = Policy::default();
    let t = "word ".repeat(3000) + "ann@corp.example end";
    let (out, _, _) = {
        let mut out = String::new();
        let mut sc = StreamScrubber::new(&s, &p, None);
        for c in chunks(&t, &[333]) {
            sc.push_into(c, &mut out);
        }
        sc.finish_into(&mut out);
        let a = sc.applied().to_vec();
        assert_eq!(a.len(), 1);
        assert_eq!(&t[a[0].input.range()], "ann@corp.example");
        assert_eq!(&out[a[0].output.range()], "[EMAIL]");
        (out, (), ())
    };
    assert!(out.ends_with("[EMAIL] end"));
}
