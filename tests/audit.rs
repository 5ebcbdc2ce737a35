//! Integration tests for `lastgate::audit`: every tampering class on a 1,000-record log is
//! reported as the right kind at the right position, and an independent Python script
//! reproduces the hashes of a fixture log.

use std::net::IpAddr;

use lastgate::audit::{
    Chain, Checkpoint, EventType, HmacCheckpointKey, MacKey, Problem, ProblemKind, PromptKey,
    Record, ResidencyRef, ScanSummary, SealedRecord, Verifier,
};
use lastgate::Kind;
use proptest::prelude::*;

const ROOT: [u8; 32] = [0x42; 32];
const LOG_ID: &str = "gw-test/eu-1/node-1";
const N: usize = 1000;
const CP_EVERY: usize = 100;

/// Small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn record(i: usize, n: usize, prompt_key: &PromptKey) -> Record {
    let ts = 1_700_000_000_000 + (i as i64) * 37;
    let id = format!("01HZX{i:06}");
    let event = match i {
        0 => EventType::LogStarted,
        _ if i + 1 == n => EventType::LogStopped,
        _ => match i % 11 {
            0 => EventType::LogHeartbeat,
            1 => EventType::RequestBlocked,
            2 => EventType::RequestFailed,
            3 => EventType::RequestRateLimited,
            4 => EventType::KeyCreated,
            5 => EventType::KeyRotated,
            6 => EventType::KeyRevoked,
            7 => EventType::PolicyLoaded,
            8 => EventType::custom("x-export.v2").unwrap(),
            _ => EventType::RequestCompleted,
        },
    };
    let mut b = Record::builder(event, &id, ts);
    if !i.is_multiple_of(11) && i != 0 && i + 1 != n {
        b = b
            .team(if i.is_multiple_of(2) {
                "payments"
            } else {
                "Ünïcødé \"team\" \\ 😂"
            })
            .user(&format!("user-{}", i % 17))
            .app("chat-ui")
            .key_id(&format!("lg_live_{:012}", i % 5))
            .source_ip(if i.is_multiple_of(3) {
                "::ffff:10.0.0.7".parse::<IpAddr>().unwrap()
            } else {
                "2001:db8::1".parse().unwrap()
            })
            .model("gpt-4o-mini")
            .provider("openai")
            .tokens_in(812 + i as u64)
            .tokens_out(90)
            .cost(1_250 * i as u64, "USD")
            .latency_ms(340)
            .status(200)
            .scan(
                ScanSummary::from_counts(&[(Kind::EMAIL, 2), (Kind::US_SSN, 1), (Kind::EMAIL, 1)])
                    .actions(["redact", "pseudonymize", "redact"])
                    .blocked(i % 2 == 1),
            )
            .residency(ResidencyRef::new(
                "9f86d081884c7d659a2feaa0c55ad015",
                ["eu-only", "phi-no-us"],
            ))
            .prompt_hmac(prompt_key.tag(&format!("prompt number {i}")));
    }
    b.build().unwrap()
}

/// A keyed log of `n` records, its key evolving at every checkpoint, with a signed checkpoint
/// every `CP_EVERY` records (and at the end).
fn make_log(n: usize, close: bool, cp_every: usize) -> (Vec<String>, Vec<Checkpoint>) {
    let pk = PromptKey::new("tenant-a.2026", &[5; 32]).unwrap();
    let signer = HmacCheckpointKey::new([9; 32]);
    let mut chain = Chain::keyed(LOG_ID, MacKey::new(ROOT)).unwrap();
    let mut lines = Vec::with_capacity(n);
    let mut cps = Vec::new();
    for i in 0..n {
        let mut rec = record(i, n, &pk);
        if !close && i + 1 == n {
            rec = Record::builder(EventType::RequestCompleted, "last", 1_700_000_100_000)
                .build()
                .unwrap();
        }
        let mut line = String::new();
        chain.append(&rec, &mut line).unwrap();
        lines.push(line);
        if (i + 1) % cp_every == 0 {
            let signed = chain
                .checkpoint(1_700_000_000_000 + i as i64)
                .sign(&signer)
                .unwrap();
            // The host checks the signature before trusting it.
            cps.push(signed.verify(&signer).unwrap().clone());
            chain.evolve_key();
        }
    }
    (lines, cps)
}

fn verify_with(lines: &[String], cps: &[Checkpoint]) -> Vec<Problem> {
    let mut v = Verifier::with_key(MacKey::new(ROOT));
    for cp in cps {
        v.add_checkpoint(cp).unwrap();
    }
    for l in lines {
        v.push_line(l);
    }
    v.finish().into_problems()
}

/// (kind, line, seq, to_seq)
type Found = (ProblemKind, Option<u64>, Option<u64>, Option<u64>);

fn summary(p: &[Problem]) -> Vec<Found> {
    p.iter()
        .map(|p| (p.kind(), p.line(), p.seq(), p.to_seq()))
        .collect()
}

fn log() -> &'static (Vec<String>, Vec<Checkpoint>) {
    static LOG: std::sync::OnceLock<(Vec<String>, Vec<Checkpoint>)> = std::sync::OnceLock::new();
    LOG.get_or_init(|| make_log(N, true, CP_EVERY))
}

#[test]
fn intact_log_is_clean() {
    let (lines, cps) = log();
    assert_eq!(lines.len(), N);
    assert_eq!(cps.len(), N / CP_EVERY);
    let p = verify_with(lines, cps);
    assert!(p.is_empty(), "{p:?}");
    // Also without checkpoints: the closing log.stopped protects the tail.
    assert!(verify_with(lines, &[]).is_empty());
    // And parsed records pushed directly.
    let mut v = Verifier::with_key(MacKey::new(ROOT)).expect_log_id(LOG_ID);
    for l in lines {
        v.push(&SealedRecord::parse(l).unwrap());
    }
    let r = v.finish();
    assert!(r.is_clean());
    assert_eq!(r.next_seq(), N as u64);
    assert!(r.closed());
}

fn is_line_damage(k: ProblemKind) -> bool {
    matches!(
        k,
        ProblemKind::Malformed
            | ProblemKind::Modified
            | ProblemKind::BadMac
            | ProblemKind::UnknownVersion
    )
}

/// Every byte of a few records, replaced by every other byte value. The verifier state before
/// the record is reused (records near the end keep the suffix short).
#[test]
fn every_single_byte_change_of_some_records_is_reported_at_its_line() {
    let (lines, cps) = log();
    let mut checked = 0u64;
    for k in [N - 3, N - 2, N - 1] {
        let mut prefix = Verifier::with_key(MacKey::new(ROOT));
        for cp in cps {
            prefix.add_checkpoint(cp).unwrap();
        }
        for l in &lines[..k] {
            prefix.push_line(l);
        }
        let orig = lines[k].as_bytes();
        for pos in 0..orig.len() {
            for val in 0..=255u8 {
                if val == orig[pos] {
                    continue;
                }
                let mut m = orig.to_vec();
                m[pos] = val;
                let mut v = prefix.clone();
                v.push_line_bytes(&m);
                for l in &lines[k + 1..] {
                    v.push_line(l);
                }
                let p = v.finish().into_problems();
                assert!(
                    p.len() == 1
                        && is_line_damage(p[0].kind())
                        && p[0].line() == Some(k as u64 + 1),
                    "record {k} byte {pos} -> {val:#04x}: {:?}",
                    summary(&p)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
}

/// A random byte change in every record (half the records per round, so each verification
/// checks 500 damaged lines at once and proves the verifier resynchronises).
#[test]
fn random_single_byte_changes_in_every_record() {
    let (lines, cps) = log();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..16 {
        let mut mutated: Vec<Vec<u8>> = lines.iter().map(|l| l.clone().into_bytes()).collect();
        let mut expected_lines = Vec::new();
        for (k, b) in mutated.iter_mut().enumerate() {
            if (k + round) % 2 != 0 {
                continue;
            }
            let pos = rng.below(b.len());
            let val = loop {
                let v = rng.next() as u8;
                if v != b[pos] {
                    break v;
                }
            };
            b[pos] = val;
            expected_lines.push(k as u64 + 1);
        }
        let mut v = Verifier::with_key(MacKey::new(ROOT));
        for cp in cps {
            v.add_checkpoint(cp).unwrap();
        }
        mutated.iter().for_each(|l| v.push_line_bytes(l));
        let p = v.finish().into_problems();
        let got: Vec<u64> = p.iter().filter_map(|p| p.line()).collect();
        assert_eq!(got, expected_lines, "round {round}: {:?}", summary(&p));
        assert!(
            p.iter().all(|p| is_line_damage(p.kind())),
            "round {round}: {:?}",
            summary(&p)
        );
    }
}

#[test]
fn every_deletion_is_reported_as_deleted_or_truncated() {
    let (lines, cps) = log();
    for k in 0..N {
        let mut m = lines.clone();
        m.remove(k);
        let p = summary(&verify_with(&m, cps));
        let want = if k == N - 1 {
            vec![(ProblemKind::Truncated, None, Some(k as u64), Some(k as u64))]
        } else {
            vec![(
                ProblemKind::Deleted,
                Some(k as u64 + 1),
                Some(k as u64),
                Some(k as u64),
            )]
        };
        assert_eq!(p, want, "deleting record {k}");
    }
}

#[test]
fn every_adjacent_swap_is_reported_as_reordered() {
    let (lines, cps) = log();
    for k in 0..N - 1 {
        let mut m = lines.clone();
        m.swap(k, k + 1);
        let p = summary(&verify_with(&m, cps));
        assert_eq!(
            p,
            vec![(
                ProblemKind::Reordered,
                Some(k as u64 + 2),
                Some(k as u64),
                None
            )],
            "swapping {k}"
        );
    }
}

#[test]
fn every_duplicate_is_reported_as_duplicate() {
    let (lines, cps) = log();
    for k in 0..N {
        let dists: &[usize] = if k % 10 == 0 { &[1, 7, 300] } else { &[1] };
        for &dist in dists {
            let at = (k + dist).min(N);
            let mut m = lines.clone();
            m.insert(at, lines[k].clone());
            let p = summary(&verify_with(&m, cps));
            assert_eq!(
                p,
                vec![(
                    ProblemKind::Duplicate,
                    Some(at as u64 + 1),
                    Some(k as u64),
                    None
                )],
                "dup {k}@{at}"
            );
        }
    }
}

#[test]
fn every_tail_cut_is_reported_as_truncated() {
    let (lines, cps) = log();
    for t in 1..=N {
        let p = summary(&verify_with(&lines[..N - t], cps));
        assert_eq!(
            p,
            vec![(
                ProblemKind::Truncated,
                None,
                Some((N - t) as u64),
                Some(N as u64 - 1)
            )],
            "cutting {t}"
        );
    }
    // Without checkpoints, the missing log.stopped still exposes the cut tail.
    let p = summary(&verify_with(&lines[..N - 10], &[]));
    assert_eq!(
        p,
        vec![(
            ProblemKind::TailUnprotected,
            None,
            Some(0),
            Some(N as u64 - 11)
        )]
    );
}

#[test]
fn open_log_tail_after_last_checkpoint_is_unprotected() {
    let (lines, cps) = make_log(N, false, CP_EVERY);
    let anchored = &cps[..cps.len() - 1]; // last trusted checkpoint at 900
    for cut in [0usize, 1, 50, 99] {
        let p = summary(&verify_with(&lines[..N - cut], anchored));
        assert_eq!(
            p,
            vec![(
                ProblemKind::TailUnprotected,
                None,
                Some(900),
                Some((N - cut) as u64 - 1)
            )],
            "cut {cut}"
        );
    }
    // A cut reaching into the anchored part is truncation.
    let p = summary(&verify_with(&lines[..850], anchored));
    assert_eq!(
        p,
        vec![(ProblemKind::Truncated, None, Some(850), Some(899))]
    );
}

#[test]
fn head_cut_is_a_deletion_unless_resumed_from_a_checkpoint() {
    let (lines, cps) = log();
    let p = summary(&verify_with(&lines[200..], cps));
    assert_eq!(p, vec![(ProblemKind::Deleted, Some(1), Some(0), Some(199))]);
    // After retention pruning, resume from the trusted checkpoint at 200.
    let mut v = Verifier::with_key(MacKey::new(ROOT).derive(2).unwrap()).resume_from(&cps[1]);
    for cp in &cps[2..] {
        v.add_checkpoint(cp).unwrap();
    }
    for l in &lines[200..] {
        v.push_line(l);
    }
    let r = v.finish();
    assert!(r.is_clean(), "{:?}", summary(r.problems()));
}

#[test]
fn several_problems_in_one_log_are_all_reported_in_order() {
    let (lines, cps) = log();
    let mut m = lines.clone();
    m[10] = m[10].replace("payments", "paymentz"); // modified (line 11)
    m.swap(20, 21); // reordered (line 22)
    m.remove(30); // deleted seq 30 (line 31)
    m.insert(40, lines[39].clone()); // duplicate of seq 39 (line 41)
    m.insert(50, "not json".into()); // malformed (line 51), extra line
    m.truncate(m.len() - 5); // truncated 995..=999
    let p = summary(&verify_with(&m, cps));
    assert_eq!(
        p,
        vec![
            (ProblemKind::Modified, Some(11), None, None),
            (ProblemKind::Reordered, Some(22), Some(20), None),
            (ProblemKind::Deleted, Some(31), Some(30), Some(30)),
            (ProblemKind::Duplicate, Some(41), Some(39), None),
            (ProblemKind::Malformed, Some(51), None, None),
            (ProblemKind::Truncated, None, Some(995), Some(999)),
        ]
    );
}

/// Re-sealing a modified record needs no secret in unkeyed mode: the link to the next record
/// breaks, and the next checkpoint catches a rewritten suffix. In keyed mode the MAC fails.
#[test]
fn recompute_attacks() {
    // Unkeyed log.
    let mut chain = Chain::new(LOG_ID).unwrap();
    let pk = PromptKey::new("k", &[1; 16]).unwrap();
    let recs: Vec<SealedRecord> = (0..300)
        .map(|i| chain.seal(record(i, 300, &pk)).unwrap())
        .collect();
    let cp = {
        let mut c = Chain::new(LOG_ID).unwrap();
        for r in &recs[..200] {
            c.seal(r.record().clone()).unwrap();
        }
        c.checkpoint(0)
    };
    let lines: Vec<String> = recs.iter().map(SealedRecord::to_line).collect();
    let run = |lines: &[String], cps: &[Checkpoint]| {
        let mut v = Verifier::new();
        for c in cps {
            v.add_checkpoint(c).unwrap();
        }
        lines.iter().for_each(|l| v.push_line(l));
        summary(&v.finish().into_problems())
    };
    assert!(run(&lines, std::slice::from_ref(&cp)).is_empty());

    // Replace record 50 by a re-sealed forgery with the right prev: the next link breaks.
    let forged = Record::builder(
        EventType::RequestCompleted,
        "forged",
        1_700_000_000_000 + 50 * 37,
    )
    .build()
    .unwrap();
    let mut m = lines.clone();
    m[50] = forged_chain_line(&recs[49], &forged);
    assert_eq!(
        run(&m, &[]),
        vec![(ProblemKind::ChainBroken, Some(52), Some(51), None)]
    );

    // Rewrite the whole suffix from 50 on: undetectable without an anchor (the documented
    // limit of a plain hash chain), caught by the checkpoint at 200.
    let mut m = lines[..50].to_vec();
    m.push(forged_chain_line(&recs[49], &forged));
    let state = lastgate::audit::ChainState::after(&SealedRecord::parse(&m[50]).unwrap());
    let mut c = Chain::resume(state, None).unwrap();
    for r in &recs[51..] {
        m.push(c.seal(r.record().clone()).unwrap().to_line());
    }
    assert_eq!(run(&m, &[]), vec![]);
    assert_eq!(
        run(&m, std::slice::from_ref(&cp)),
        vec![(ProblemKind::CheckpointMismatch, Some(200), Some(199), None)]
    );

    // Keyed: the same forgery has no valid MAC.
    let (klines, kcps) = log();
    let state = lastgate::audit::ChainState::after(&SealedRecord::parse(&klines[49]).unwrap());
    let mut wrong_key = Chain::resume(state, Some(MacKey::new([0; 32]))).unwrap();
    let mut m = klines.clone();
    m[50] = wrong_key.seal(forged).unwrap().to_line();
    let p = summary(&verify_with(&m, kcps));
    assert_eq!(
        p,
        vec![
            (ProblemKind::BadMac, Some(51), Some(50), None),
            (ProblemKind::ChainBroken, Some(52), Some(51), None)
        ]
    );
}

fn forged_chain_line(prev: &SealedRecord, rec: &Record) -> String {
    let mut c = Chain::resume(lastgate::audit::ChainState::after(prev), None).unwrap();
    c.seal(rec.clone()).unwrap().to_line()
}

#[test]
fn foreign_records_and_garbage_lines() {
    let (lines, cps) = log();
    let mut other = Chain::keyed("gw-test/us-1/node-9", MacKey::new(ROOT)).unwrap();
    let foreign = other
        .seal(
            Record::builder(EventType::RequestCompleted, "x", 1_700_000_000_000)
                .build()
                .unwrap(),
        )
        .unwrap()
        .to_line();
    let mut m = lines.clone();
    m.insert(5, foreign);
    m.insert(9, String::new());
    let p = summary(&verify_with(&m, cps));
    assert_eq!(
        p,
        vec![
            (ProblemKind::Inserted, Some(6), Some(0), None),
            (ProblemKind::Malformed, Some(10), None, None)
        ]
    );
    // Unknown version: a v2 line (hash checks cannot apply).
    let mut m = lines.clone();
    m[3] = m[3].replace(",\"v\":1}", ",\"v\":2}");
    let p = summary(&verify_with(&m, cps));
    assert_eq!(p, vec![(ProblemKind::UnknownVersion, Some(4), None, None)]);
}

#[test]
fn unkeyed_records_fail_a_keyed_verifier_and_empty_input_is_reported() {
    let mut c = Chain::new(LOG_ID).unwrap();
    let l = c
        .seal(
            Record::builder(EventType::LogStopped, "a", 1)
                .build()
                .unwrap(),
        )
        .unwrap()
        .to_line();
    let p = summary(&verify_with(&[l], &[]));
    assert_eq!(p, vec![(ProblemKind::BadMac, Some(1), Some(0), None)]);
    let p = summary(&verify_with(&[], &[]));
    assert_eq!(p, vec![(ProblemKind::Empty, None, None, None)]);
}

#[test]
fn timestamp_regression_is_a_warning() {
    let mut c = Chain::new(LOG_ID).unwrap();
    let mut v = Verifier::new();
    for (i, ts) in [5i64, 9, 7].into_iter().enumerate() {
        let ev = if i == 2 {
            EventType::LogStopped
        } else {
            EventType::LogHeartbeat
        };
        v.push(
            &c.seal(Record::builder(ev, "a", ts).build().unwrap())
                .unwrap(),
        );
    }
    let p = v.finish().into_problems();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind(), ProblemKind::TimestampRegression);
    assert!(p[0].kind().is_warning());
}

#[test]
fn problems_are_json_lines() {
    let (lines, cps) = log();
    let mut m = lines.clone();
    m.remove(3);
    for p in verify_with(&m, cps) {
        let v: serde_json::Value = serde_json::from_str(&p.to_json_line()).unwrap();
        assert_eq!(v["kind"], "deleted");
        assert_eq!(v["line"], 4);
        assert_eq!(v["seq"], 3);
        assert_eq!(v["to_seq"], 3);
        assert!(p.to_string().starts_with("line 4: deleted seq 3"));
    }
}

#[test]
fn records_never_hold_secrets_or_prompts() {
    let pk = PromptKey::new("tenant-a", b"super-secret-key-material").unwrap();
    let tag = pk.tag("my SSN is 078-05-1120");
    assert!(pk.matches("my SSN is 078-05-1120", &tag));
    assert!(!pk.matches("my SSN is 078-05-1121", &tag));
    let rec = Record::builder(EventType::RequestCompleted, "a", 1)
        .prompt_hmac(tag)
        .build()
        .unwrap();
    let line = Chain::keyed(LOG_ID, MacKey::new([3; 32]))
        .unwrap()
        .seal(rec)
        .unwrap()
        .to_line();
    assert!(!line.contains("078-05") && !line.contains("super-secret"));
    let dbg = format!("{pk:?} {:?}", MacKey::new([0xab; 32]));
    assert!(
        !dbg.contains("super") && !dbg.contains("171") && !dbg.contains("ab, "),
        "{dbg}"
    );
}

#[test]
fn builder_rejects_bad_fields() {
    let b = || Record::builder(EventType::RequestCompleted, "id", 0);
    assert_eq!(
        b().tokens_in(1 << 53).build().unwrap_err().field(),
        "tokens_in"
    );
    assert_eq!(b().cost(1, "usd").build().unwrap_err().field(), "currency");
    assert_eq!(b().team("a\nb").build().unwrap_err().field(), "team");
    assert_eq!(
        b().residency(ResidencyRef::new("XYZ", ["r"]))
            .build()
            .unwrap_err()
            .field(),
        "residency"
    );
    assert!(Record::builder(EventType::RequestCompleted, "", 0)
        .build()
        .is_err());
    assert!(Chain::new("has space").is_err());
    assert!(EventType::custom("x-").is_none() && EventType::custom("y-a").is_none());
    // Scan summaries are order-independent.
    let a = ScanSummary::from_counts(&[(Kind::EMAIL, 1), (Kind::PHONE, 2), (Kind::EMAIL, 3)])
        .actions(["b", "a"]);
    let c =
        ScanSummary::from_counts(&[(Kind::PHONE, 2), (Kind::EMAIL, 4)]).actions(["a", "b", "a"]);
    assert_eq!(a, c);
    assert_eq!(
        a.kinds(),
        &[("email".to_string(), 4), ("phone".to_string(), 2)]
    );
}

// ---- The independent check: Python stdlib json + hashlib + hmac reproduce the hashes. ----

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/audit_fixture/fixture.jsonl"
);
const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/audit_fixture/check.py");

fn fixture_text() -> String {
    let (lines, _) = make_log(24, true, 8);
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

#[test]
fn fixture_is_what_the_writer_produces() {
    let want = fixture_text();
    if std::env::var_os("LASTGATE_REGEN_FIXTURE").is_some() {
        std::fs::write(FIXTURE, &want).unwrap();
    }
    let have = std::fs::read_to_string(FIXTURE).unwrap();
    assert_eq!(
        have, want,
        "regenerate with LASTGATE_REGEN_FIXTURE=1 cargo test --test audit fixture"
    );
}

#[test]
fn python_reproduces_the_fixture_hashes() {
    let run = |input: &str| {
        use std::io::Write;
        let mut child = match std::process::Command::new("python3")
            .arg(CHECK)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => return None.ok_or(e),
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Ok(child.wait_with_output().unwrap())
    };
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let out = match run(&fixture) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIPPED python_reproduces_the_fixture_hashes: python3 not available ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "ok 24 records");
    // The script is not a rubber stamp: a changed record fails it.
    let tampered = fixture.replacen("gpt-4o-mini", "gpt-4o-maxi", 1);
    let out = run(&tampered).unwrap();
    assert!(!out.status.success());
}

// ---- Property tests: no panic on any input; parse ∘ to_line is the identity. ----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parser_and_verifier_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(s) = std::str::from_utf8(&bytes) {
            let _ = SealedRecord::parse(s);
        }
        let mut v = Verifier::with_key(MacKey::new(ROOT));
        v.push_line_bytes(&bytes);
        v.push_line(&log().0[0]);
        v.push_line_bytes(&bytes);
        let _ = v.finish();
    }

    #[test]
    fn mutated_records_never_panic(k in 0usize..N, pos in any::<usize>(), val in any::<u8>(), del in any::<bool>()) {
        let mut b = log().0[k].clone().into_bytes();
        let pos = pos % b.len();
        if del { b.remove(pos); } else { b[pos] = val; }
        let mut v = Verifier::new();
        v.push_line_bytes(&b);
        let _ = v.finish();
    }

    #[test]
    fn roundtrip(team in "\\PC{1,40}", user in "[ -~]{1,40}", tokens in 0u64..(1 << 53), ts in -(1i64 << 53) + 1..(1i64 << 53), status in any::<u16>()) {
        let rec = Record::builder(EventType::RequestCompleted, "id", ts)
            .team(&team).user(&user).tokens_in(tokens).status(status).build();
        prop_assume!(rec.is_ok());
        let rec = rec.unwrap();
        let sealed = Chain::new("p").unwrap().seal(rec.clone()).unwrap();
        let line = sealed.to_line();
        prop_assert_eq!(SealedRecord::parse(&line).unwrap(), sealed);
        // The spliced fast path writes the same bytes.
        let mut appended = String::new();
        Chain::new("p").unwrap().append(&rec, &mut appended).unwrap();
        prop_assert_eq!(&appended, &line);
        let mut v = Verifier::new();
        v.push_line(&line);
        // One open record: only the unprotected tail is reported.
        let p = v.finish().into_problems();
        prop_assert_eq!(p.len(), 1);
        prop_assert_eq!(p[0].kind(), ProblemKind::TailUnprotected);
    }
}

#[test]
fn writer_resumes_from_persisted_state_and_key() {
    let mut chain = Chain::keyed(LOG_ID, MacKey::new(ROOT)).unwrap();
    let rec = |i: i64, ev| Record::builder(ev, &format!("r{i}"), i).build().unwrap();
    let mut lines = vec![chain.seal(rec(0, EventType::LogStarted)).unwrap().to_line()];
    lines.push(
        chain
            .seal(rec(1, EventType::LogHeartbeat))
            .unwrap()
            .to_line(),
    );
    assert!(chain.evolve_key());
    // The host persists state and key, crashes, and resumes; evolving again is allowed once.
    let (state, key) = (chain.state().clone(), chain.key().unwrap().clone());
    drop(chain);
    let mut chain = Chain::resume(state, Some(key.clone())).unwrap();
    assert!(chain.evolve_key());
    lines.push(
        chain
            .seal(rec(2, EventType::LogHeartbeat))
            .unwrap()
            .to_line(),
    );
    // Recovery from the last stored line plus a later key also works.
    let last = SealedRecord::parse(lines.last().unwrap()).unwrap();
    let later = chain.key().unwrap().derive(3).unwrap();
    let mut chain = Chain::resume(lastgate::audit::ChainState::after(&last), Some(later)).unwrap();
    assert!(!chain.evolve_key(), "at most one evolution between records");
    lines.push(chain.seal(rec(3, EventType::LogStopped)).unwrap().to_line());
    // An older key is refused.
    assert!(Chain::resume(chain.state().clone(), Some(key)).is_err());
    let p = verify_with(&lines, &[]);
    assert!(p.is_empty(), "{:?}", summary(&p));
}
