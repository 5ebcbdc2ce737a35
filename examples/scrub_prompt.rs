//! Scrub a realistic chat prompt before it leaves for an LLM provider.
//!
//! ```text
//! cargo run --example scrub_prompt
//! ```
//!
//! The prompt carries a customer's name, email, phone, card, SSN, an AWS access key and a
//! private key. The example prints every finding (kind, byte span, score, detector: never the
//! value), the verdict of the default gateway policy (block secrets, SSNs and cards; redact the
//! rest) and the prompt as it would leave with every finding redacted.
//!
//! Person names are not a built-in kind (lastgate has no NER model); a host that knows its
//! customers' names adds them as deny-terms, as done here for the customer record.

use lastgate::policy::{Policy, Verdict};
use lastgate::{Kind, Scanner};

const PROMPT: &str = "\
Hi! Please draft a polite reply to this customer and summarise the ticket.

Customer: Jane Doe <jane.doe@example.org>, phone (415) 555-0132.
She says her card 4111 1111 1111 1111 was charged twice on 2024-03-02 and
gave her SSN 536-22-1234 for verification (we should never have asked for that).

Also, the deploy failed with this config, can you see why?

  AWS_ACCESS_KEY_ID=AKIAQ7R4KZ2M5TXW3PLD
  region: eu-west-1

-----BEGIN RSA PRIVATE KEY-----
MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm
-----END RSA PRIVATE KEY-----
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Built once at start-up and shared; the customer's name comes from the host's CRM.
    let scanner = Scanner::builder()
        .deny_terms(Kind::custom("person"), ["Jane Doe"])
        .build()?;

    println!("== findings ({} bytes of prompt)", PROMPT.len());
    for f in scanner.find_iter(PROMPT) {
        println!(
            "  {:<20} bytes {:>4}..{:<4} score {:.2}  detector {}",
            f.kind().as_str(),
            f.start(),
            f.end(),
            f.score(),
            f.detector()
        );
    }

    // The gateway's policy decides whether the prompt may leave at all.
    let gateway = Policy::default().apply_without_vault(&scanner, PROMPT);
    println!("\n== default gateway policy");
    match gateway.verdict() {
        Verdict::Allowed => println!("  verdict: allowed"),
        Verdict::Blocked(kinds) => {
            println!("  verdict: BLOCKED (the host decides what to answer)");
            for k in kinds {
                println!("    {} x{}", k.kind.as_str(), k.count);
            }
        }
    }

    // What the provider would receive with every finding redacted.
    let redacted = Policy::redact_all().apply_without_vault(&scanner, PROMPT);
    println!("\n== redacted prompt\n{}", redacted.text());
    Ok(())
}
