//! Tamper-evident audit log demo and verifier (the CLI contract of DESIGN.md §6).
//!
//! ```text
//! cargo run --release --example audit_chain -- demo 1000 > audit.jsonl
//! cargo run --release --example audit_chain -- verify < audit.jsonl        # exit 0, no output
//! sed -i '500d' audit.jsonl
//! cargo run --release --example audit_chain -- verify < audit.jsonl        # exit 1
//! {"detail":"records missing before this line","kind":"deleted","line":500,"seq":499,"to_seq":499}
//! ```
//!
//! `demo N` writes N sealed records (keyed mode, forward-secure key evolving every 100 records;
//! the first is `log.started`, the last `log.stopped`) as JSON Lines to stdout.
//! `verify` reads JSON Lines on stdin, prints one JSON line per problem found to stdout (kind,
//! line, sequence numbers), a summary on stderr, and exits 1 when there is any problem (2 on
//! usage or I/O errors).
//!
//! Options for both: `--unkeyed` (plain hash chain, no MAC); `--checkpoints FILE`: `demo`
//! writes a signed checkpoint every 100 records (and at the end) to FILE, `verify` checks them
//! and uses them as trusted anchors (truncation, rewritten history).
//!
//! The demo MAC key and checkpoint key are fixed constants so that `verify` can check what
//! `demo` wrote; a real host keeps its keys in a secret store, and the checkpoint signing key
//! away from the log writer.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use lastgate::audit::{
    Chain, Checkpoint, EventType, HmacCheckpointKey, MacKey, PromptKey, Record, ResidencyRef,
    ScanSummary, SignedCheckpoint, Verifier,
};
use lastgate::Kind;

const DEMO_MAC_KEY: [u8; 32] = *b"lastgate-audit-chain-demo-key-01";
const DEMO_CHECKPOINT_KEY: [u8; 32] = *b"lastgate-audit-chain-demo-cpk-01";
const LOG_ID: &str = "demo-gateway/eu-west-1/node-1";
const EPOCH_EVERY: u64 = 100;

fn usage() -> ExitCode {
    eprintln!("usage: audit_chain demo N [--unkeyed] [--checkpoints FILE]");
    eprintln!("       audit_chain verify [--unkeyed] [--checkpoints FILE] < log.jsonl");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut unkeyed = false;
    let mut checkpoints = None;
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--unkeyed" => unkeyed = true,
            "--checkpoints" => match it.next() {
                Some(f) => checkpoints = Some(f.clone()),
                None => return usage(),
            },
            _ => positional.push(a.as_str()),
        }
    }
    let result = match positional.as_slice() {
        ["demo", n] => match n.parse::<u64>() {
            Ok(n) => demo(n, unkeyed, checkpoints.as_deref()),
            Err(_) => return usage(),
        },
        ["verify"] => verify(unkeyed, checkpoints.as_deref()),
        _ => return usage(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("audit_chain: {e}");
            ExitCode::from(2)
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn demo_record(
    i: u64,
    n: u64,
    ts: i64,
    prompts: &PromptKey,
) -> Result<Record, Box<dyn std::error::Error>> {
    let id = format!("demo-{i:08}");
    let event = if i + 1 == n {
        EventType::LogStopped
    } else if i == 0 {
        EventType::LogStarted
    } else if i.is_multiple_of(50) {
        EventType::LogHeartbeat
    } else {
        match i % 13 {
            3 => EventType::RequestBlocked,
            7 => EventType::RequestRateLimited,
            11 => EventType::RequestFailed,
            _ => EventType::RequestCompleted,
        }
    };
    let b = Record::builder(event.clone(), &id, ts);
    let b = match event {
        EventType::RequestCompleted
        | EventType::RequestBlocked
        | EventType::RequestFailed
        | EventType::RequestRateLimited => {
            let blocked = event == EventType::RequestBlocked;
            let kinds: &[(Kind, u32)] = if blocked {
                &[(Kind::AWS_ACCESS_KEY_ID, 1)]
            } else if i.is_multiple_of(4) {
                &[(Kind::EMAIL, 2), (Kind::PHONE, 1)]
            } else {
                &[]
            };
            b.team(["payments", "support", "research"][(i % 3) as usize])
                .user(&format!("user-{}", i % 41))
                .app("chat-ui")
                .key_id(&format!("lg_live_{:012x}", i % 7))
                .source_ip(format!("10.0.{}.{}", i % 256, (i * 7) % 256).parse()?)
                .model(if i.is_multiple_of(2) {
                    "gpt-4o-mini"
                } else {
                    "claude-sonnet-4"
                })
                .provider(if i.is_multiple_of(2) {
                    "openai"
                } else {
                    "anthropic"
                })
                .tokens_in(200 + (i * 37) % 3000)
                .tokens_out(if blocked { 0 } else { 50 + (i * 11) % 800 })
                .cost(
                    if blocked {
                        0
                    } else {
                        1_000 + (i * 131) % 90_000
                    },
                    "USD",
                )
                .latency_ms(if blocked { 2 } else { 150 + (i * 17) % 4000 })
                .status(match event {
                    EventType::RequestBlocked => 403,
                    EventType::RequestRateLimited => 429,
                    EventType::RequestFailed => 502,
                    _ => 200,
                })
                .scan(
                    ScanSummary::from_counts(kinds)
                        .actions(if blocked {
                            &["block"][..]
                        } else if kinds.is_empty() {
                            &[][..]
                        } else {
                            &["pseudonymize"][..]
                        })
                        .blocked(blocked),
                )
                .residency(ResidencyRef::new(
                    "5d41402abc4b2a76b9719d911017c592",
                    ["eu-default"],
                ))
                .prompt_hmac(prompts.tag(&format!("demo prompt {i}")))
        }
        _ => b,
    };
    Ok(b.build()?)
}

fn demo(
    n: u64,
    unkeyed: bool,
    checkpoints: Option<&str>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut chain = if unkeyed {
        Chain::new(LOG_ID)?
    } else {
        Chain::keyed(LOG_ID, MacKey::new(DEMO_MAC_KEY))?
    };
    let prompts = PromptKey::new("demo-tenant", b"demo prompt correlation key")?;
    let signer = HmacCheckpointKey::new(DEMO_CHECKPOINT_KEY);
    let mut cp_out = match checkpoints {
        Some(f) => Some(BufWriter::new(std::fs::File::create(f)?)),
        None => None,
    };
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    let t0 = now_ms();
    let mut line = String::with_capacity(1024);
    for i in 0..n {
        let rec = demo_record(i, n, t0 + i as i64, &prompts)?;
        line.clear();
        chain.append(&rec, &mut line)?;
        line.push('\n');
        out.write_all(line.as_bytes())?;
        if (i + 1) % EPOCH_EVERY == 0 || i + 1 == n {
            if let Some(cp) = &mut cp_out {
                let signed = chain.checkpoint(now_ms()).sign(&signer)?;
                writeln!(cp, "{}", signed.to_line())?;
            }
            // Forward security: the key that sealed the records so far is erased.
            chain.evolve_key();
        }
    }
    out.flush()?;
    if let Some(mut cp) = cp_out {
        cp.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn load_checkpoints(path: &str) -> Result<Vec<Checkpoint>, Box<dyn std::error::Error>> {
    let key = HmacCheckpointKey::new(DEMO_CHECKPOINT_KEY);
    let text = std::fs::read_to_string(path)?;
    let mut cps = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let signed =
            SignedCheckpoint::parse_line(l).map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        let cp = signed
            .verify(&key)
            .ok_or_else(|| format!("{path}:{}: checkpoint signature does not verify", i + 1))?;
        cps.push(cp.clone());
    }
    Ok(cps)
}

fn verify(
    unkeyed: bool,
    checkpoints: Option<&str>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut v = if unkeyed {
        Verifier::new()
    } else {
        Verifier::with_key(MacKey::new(DEMO_MAC_KEY))
    };
    if let Some(path) = checkpoints {
        for cp in load_checkpoints(path)? {
            v.add_checkpoint(&cp)?;
        }
    }
    let stdin = std::io::stdin();
    for line in stdin.lock().split(b'\n') {
        v.push_line_bytes(&line?);
    }
    let report = v.finish();
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    for p in report.problems() {
        writeln!(out, "{}", p.to_json_line())?;
    }
    out.flush()?;
    eprintln!(
        "audit_chain verify: {} lines, {} consistent records, next seq {}, {}, anchored to {}: {} problem(s)",
        report.lines(),
        report.consistent_records(),
        report.next_seq(),
        if report.closed() { "closed" } else { "open" },
        report.anchored_size(),
        report.problems().len()
    );
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
