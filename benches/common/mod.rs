//! Deterministic benchmark corpora. The same seed always yields the same bytes, so figures
//! measured on one machine can be reproduced on another with the same commit.
//!
//! - [`prose`]: chat-style English (questions, support emails, meeting notes) with the ordinary
//!   numbers of prose (years, prices, times, quantities, versions) and about one sensitive item
//!   per 500 bytes (emails, phones, cards, SSNs after their cue, IPs, keys).
//! - [`code`]: a mix of application logs, YAML/.env/JSON configuration and Python/JS/Rust code:
//!   timestamps, UUIDs, hex ids, ports, paths, identifiers, with occasional secrets and PII.

#![allow(dead_code)]

/// xorshift64*: tiny, deterministic, good enough to shuffle words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, per_thousand: usize) -> bool {
        self.below(1000) < per_thousand
    }
}

const WORDS: &[&str] = &[
    "the",
    "a",
    "to",
    "and",
    "of",
    "in",
    "for",
    "on",
    "with",
    "is",
    "it",
    "that",
    "this",
    "we",
    "you",
    "please",
    "could",
    "would",
    "can",
    "help",
    "me",
    "summarize",
    "following",
    "customer",
    "account",
    "meeting",
    "notes",
    "project",
    "team",
    "update",
    "report",
    "issue",
    "question",
    "about",
    "our",
    "their",
    "new",
    "last",
    "next",
    "week",
    "month",
    "quarter",
    "plan",
    "review",
    "draft",
    "email",
    "reply",
    "thanks",
    "regards",
    "schedule",
    "call",
    "deadline",
    "budget",
    "invoice",
    "order",
    "shipping",
    "delivery",
    "refund",
    "policy",
    "contract",
    "agreement",
    "design",
    "feature",
    "release",
    "bug",
    "fix",
    "test",
    "deploy",
    "server",
    "database",
    "latency",
    "performance",
    "users",
    "growth",
    "revenue",
    "marketing",
    "sales",
    "support",
    "ticket",
    "priority",
    "status",
    "blocked",
    "progress",
    "results",
    "analysis",
    "data",
    "model",
    "prompt",
    "answer",
    "explain",
    "simple",
    "terms",
    "example",
    "steps",
    "list",
    "table",
    "compare",
    "options",
    "pros",
    "cons",
    "recommend",
    "approach",
    "risk",
    "mitigation",
    "travel",
    "hotel",
    "flight",
    "booking",
    "patient",
    "doctor",
    "appointment",
    "clinic",
    "prescription",
    "insurance",
    "claim",
    "bank",
    "transfer",
    "payment",
    "card",
    "balance",
];

const NAMES: &[&str] = &[
    "Jane Doe",
    "John Smith",
    "Maria Garcia",
    "Wei Zhang",
    "Aisha Khan",
    "Lars Nilsson",
    "Olivia Brown",
    "Noah Wilson",
    "Emma Müller",
    "Lucas Silva",
];

/// Ordinary numbers that prose carries: they trigger the digit pass but are not findings.
fn ordinary_number(r: &mut Rng) -> String {
    match r.below(9) {
        0 => format!("{}", 1990 + r.below(40)),
        1 => format!("${}.{:02}", r.below(5000), r.below(100)),
        2 => format!("{}:{:02}", 1 + r.below(12), r.below(60)),
        3 => format!("{}", r.below(100)),
        4 => format!("v{}.{}.{}", r.below(5), r.below(20), r.below(30)),
        5 => format!("{}%", r.below(100)),
        6 => format!("Q{} {}", 1 + r.below(4), 2020 + r.below(6)),
        7 => format!("{} items", 2 + r.below(50)),
        _ => format!("#{}", 1000 + r.below(90000)),
    }
}

/// One sensitive item (with its cue where the kind needs one).
fn sensitive(r: &mut Rng) -> String {
    match r.below(10) {
        0 | 1 => format!(
            "{}.{}@{}",
            r.pick(&["jane", "john", "maria", "wei", "aisha"]),
            r.pick(&["doe", "smith", "garcia", "zhang", "khan"]),
            r.pick(&["example.org", "corp.example", "mail.example.com"])
        ),
        2 | 3 => format!(
            "({}) {}-{:04}",
            200 + r.below(700),
            200 + r.below(700),
            r.below(10000)
        ),
        4 => r
            .pick(&[
                "4111 1111 1111 1111",
                "5555 5555 5555 4444",
                "378282246310005",
            ])
            .to_string(),
        5 => format!(
            "SSN {}-{:02}-{:04}",
            100 + r.below(500),
            1 + r.below(98),
            1 + r.below(9998)
        ),
        6 => format!("10.{}.{}.{}", r.below(256), r.below(256), 1 + r.below(254)),
        7 => "AKIAQWERTYUIOPASDFGH".to_string(),
        8 => format!(
            "DOB {:02}/{:02}/{}",
            1 + r.below(12),
            1 + r.below(28),
            1940 + r.below(60)
        ),
        _ => "postgres://app:Xk9-pq2Lm@db.internal:5432/app".to_string(),
    }
}

/// About `bytes` bytes of chat-style prose, ~1 sensitive item per 500 bytes.
pub fn prose(bytes: usize, seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 256);
    let mut since_item = 0usize;
    while out.len() < bytes {
        let start = out.len();
        // A sentence of 8-20 words.
        let n = 8 + r.below(13);
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            if r.chance(60) {
                out.push_str(&ordinary_number(&mut r));
            } else if r.chance(30) {
                out.push_str(r.pick(NAMES));
            } else {
                let w = r.pick(WORDS);
                if i == 0 {
                    let mut c = w.chars();
                    if let Some(f) = c.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(c.as_str());
                    }
                } else {
                    out.push_str(w);
                }
            }
        }
        if since_item >= 450 + r.below(100) {
            out.push_str(", details: ");
            out.push_str(&sensitive(&mut r));
            since_item = 0;
        }
        out.push_str(r.pick(&[". ", "? ", "! ", ".\n", ".\n\n"]));
        since_item += out.len() - start;
    }
    out
}

fn hex(r: &mut Rng, n: usize) -> String {
    const H: &[u8] = b"0123456789abcdef";
    (0..n).map(|_| H[r.below(16)] as char).collect()
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        hex(r, 8),
        hex(r, 4),
        hex(r, 4),
        hex(r, 4),
        hex(r, 12)
    )
}

/// About `bytes` bytes of logs, configuration and source code.
pub fn code(bytes: usize, seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 512);
    while out.len() < bytes {
        match r.below(8) {
            0..=2 => {
                // Application log line.
                out.push_str(&format!(
                    "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {} [{}] req_id={} user_id={} path=/api/v{}/{}/{} status={} latency_ms={} bytes={}\n",
                    1 + r.below(12), 1 + r.below(28), r.below(24), r.below(60), r.below(60), r.below(1000),
                    r.pick(&["INFO", "WARN", "DEBUG", "ERROR"]),
                    r.pick(&["http", "db", "cache", "auth", "worker"]),
                    uuid(&mut r), r.below(100000), 1 + r.below(3),
                    r.pick(&["orders", "users", "items", "sessions"]), r.below(100000),
                    r.pick(&["200", "201", "204", "400", "404", "500"]),
                    r.below(2000), r.below(100000)
                ));
                if r.chance(150) {
                    out.push_str(&format!(
                        "2024-05-01T10:00:00Z WARN [auth] login failed for {}@example.com from 192.168.{}.{}\n",
                        r.pick(&["alice", "bob", "carol"]), r.below(256), 1 + r.below(254)
                    ));
                }
            }
            3 => {
                // YAML config.
                out.push_str(&format!(
                    "service:\n  name: {}\n  replicas: {}\n  image: registry.example.com/{}:{}.{}.{}\n  port: {}\n  commit: {}\n  timeout_ms: {}\n",
                    r.pick(&["api", "worker", "billing"]), 1 + r.below(9),
                    r.pick(&["api", "worker"]), r.below(3), r.below(20), r.below(40),
                    1024 + r.below(60000), hex(&mut r, 40), 100 * (1 + r.below(50))
                ));
                if r.chance(200) {
                    out.push_str(
                        "  database_url: postgres://svc:Gq7x-Lm22-pQ@db.internal:5432/main\n",
                    );
                }
            }
            4 => {
                // .env
                out.push_str(&format!(
                    "APP_ENV=production\nLOG_LEVEL=info\nCACHE_TTL={}\nFEATURE_FLAGS=a,b,c\nBUILD_SHA={}\n",
                    r.below(3600), hex(&mut r, 40)
                ));
                if r.chance(200) {
                    out.push_str("AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH\n");
                }
            }
            5 => {
                // Python.
                out.push_str(&format!(
                    "def handle_{}(request, retries={}):\n    item = repo.get(id={})\n    if item.version > {}:\n        return Response(status={}, body={{\"id\": \"{}\"}})\n    return None\n\n",
                    r.pick(&["order", "user", "event"]), r.below(5), r.below(100000), r.below(10),
                    r.pick(&["200", "404"]), uuid(&mut r)
                ));
            }
            6 => {
                // JSON.
                out.push_str(&format!(
                    "{{\"id\":\"{}\",\"created_at\":{},\"amount\":{}.{:02},\"currency\":\"EUR\",\"tags\":[\"a\",\"b\"],\"checksum\":\"{}\"}}\n",
                    uuid(&mut r), 1_700_000_000 + r.below(10_000_000), r.below(10000), r.below(100), hex(&mut r, 64)
                ));
            }
            _ => {
                // Rust / JS.
                out.push_str(&format!(
                    "const MAX_{} = {};\nfn step_{}(x: u64) -> u64 {{ x.wrapping_mul({}) ^ 0x{} }}\nexport const url = \"https://api.example.com/v{}/items?page={}\";\n",
                    r.pick(&["RETRIES", "ITEMS", "SIZE"]), r.below(1000), r.below(100), r.below(1 << 20),
                    hex(&mut r, 8), 1 + r.below(3), r.below(100)
                ));
            }
        }
    }
    out
}
