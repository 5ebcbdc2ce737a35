//! Financial detectors: payment cards, IBAN, ABA routing numbers, bank accounts.

use std::sync::Arc;

use once_cell::sync::Lazy;

use super::context::Cues;
use super::{priority, Cx, Detect, DigitRun, Hit, Trigger};
use crate::finding::Kind;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(CreditCard)]
}

/// Payment card numbers: 13-19 digits, ungrouped or in groups joined by one consistent space or
/// dash, a known issuer prefix with a length that issuer uses, and the Luhn checksum.
///
/// A Luhn-valid number near "order", "tracking", "invoice", "ISBN" and similar words, with no
/// card word nearby, is reported below the default threshold.
struct CreditCard;

static CARD_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "card",
        "credit",
        "debit",
        "visa",
        "mastercard",
        "amex",
        "american express",
        "discover",
        "cc",
        "ccn",
        "pan",
        "payment",
        "pay",
        "expiry",
        "exp",
        "cvv",
        "cvc",
        "diners",
        "jcb",
        "unionpay",
        "maestro",
    ])
});

static CARD_NEGATIVE_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "order",
        "tracking",
        "invoice",
        "isbn",
        "ref",
        "reference",
        "serial",
        "imei",
        "phone",
        "tel",
        "fax",
        "transaction",
        "shipment",
        "parcel",
        "ticket",
        "uuid",
        "build",
        "version",
    ])
});

/// True when an issuer uses this prefix with this length.
fn card_brand_ok(d: &[u8]) -> bool {
    let n = d.len();
    let p = |k: usize| d.iter().take(k).fold(0u32, |a, &x| a * 10 + u32::from(x));
    match d.first() {
        Some(4) => matches!(n, 13 | 16 | 19),
        Some(5) => {
            (51..=55).contains(&p(2)) && n == 16
                || matches!(p(2), 50 | 56..=58) && (12..=19).contains(&n)
        }
        Some(2) => ((2221..=2720).contains(&p(4)) || (2200..=2204).contains(&p(4))) && n == 16,
        Some(3) => match p(2) {
            34 | 37 => n == 15,
            30 | 36 | 38 | 39 => (14..=19).contains(&n),
            35 => (3528..=3589).contains(&p(4)) && (16..=19).contains(&n),
            _ => false,
        },
        Some(6) => (16..=19).contains(&n),
        _ => false,
    }
}

fn luhn_digits(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &x) in d.iter().rev().enumerate() {
        let x = u32::from(x);
        sum += if i % 2 == 1 {
            let y = x * 2;
            if y > 9 {
                y - 9
            } else {
                y
            }
        } else {
            x
        };
    }
    d.len() >= 2 && sum % 10 == 0
}

/// The digit groups of a run: `(start, end)` byte offsets and the separator before each group.
fn groups(b: &[u8], run: &DigitRun, out: &mut Vec<(usize, usize, u8)>) {
    out.clear();
    let mut i = run.start;
    let mut sep = 0u8;
    while i < run.end {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < run.end && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push((s, i, sep));
            sep = 0;
        } else {
            // Two-byte separators (") ") are recorded as 0xFF: never a card separator.
            sep = if sep == 0 { b[i] } else { 0xFF };
            i += 1;
        }
    }
}

impl Detect for CreditCard {
    fn id(&self) -> &'static str {
        "credit_card"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::CREDIT_CARD]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 12 }]
    }

    fn max_len(&self) -> usize {
        19 + 18
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = hit.run;
        let b = cx.bytes;
        let mut gs = Vec::new();
        groups(b, &run, &mut gs);
        let mut digits = [0u8; 19];
        let mut i = 0;
        while i < gs.len() {
            // Longest valid card starting at group i, with one consistent separator.
            let mut best: Option<usize> = None;
            let mut n = 0;
            let sep = gs.get(i + 1).map(|g| g.2).unwrap_or(0);
            for j in i..gs.len() {
                if j > i && (gs[j].2 != sep || !matches!(sep, b' ' | b'-')) {
                    break;
                }
                let (s, e, _) = gs[j];
                if n + (e - s) > 19 {
                    break;
                }
                for k in s..e {
                    digits[n] = b[k] - b'0';
                    n += 1;
                }
                if n >= 12 && card_brand_ok(&digits[..n]) && luhn_digits(&digits[..n]) {
                    best = Some(j);
                }
            }
            let Some(j) = best else {
                i += 1;
                continue;
            };
            let (start, end) = (gs[i].0, gs[j].1);
            // Inside a longer alphanumeric token (hex ids, hashes): not a card.
            let glued = (start > 0 && cx.word_at(start - 1)) || cx.word_at(end);
            // A decimal or thousands separator glued to the digits: a number, not a card.
            let numeric =
                (start > 0 && b[start - 1] == b'.' && start > 1 && b[start - 2].is_ascii_digit())
                    || (b.get(end) == Some(&b'.')
                        && b.get(end + 1).is_some_and(u8::is_ascii_digit));
            if !glued && !numeric {
                let mut score = 0.9;
                if cx.cue_near(&CARD_NEGATIVE_CUES, start, end)
                    && !cx.cue_near(&CARD_CUES, start, end)
                {
                    score = 0.4;
                }
                cx.emit(Kind::CREDIT_CARD, start, end, score, priority::CHECKSUMMED);
            }
            i = j + 1;
        }
        run.end
    }
}

// -- financial: more detectors --

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    #[test]
    fn card_positives() {
        for (text, want) in [
            ("card 4111 1111 1111 1111.", "4111 1111 1111 1111"),
            ("4111-1111-1111-1111", "4111-1111-1111-1111"),
            ("amex 378282246310005 exp 12/27", "378282246310005"),
            ("mc: 5555555555554444", "5555555555554444"),
            ("new mc 2223003122003222", "2223003122003222"),
            ("discover 6011 1111 1111 1117", "6011 1111 1111 1117"),
            ("diners 3056 9309 0259 04", "3056 9309 0259 04"),
        ] {
            assert_eq!(found(Kind::CREDIT_CARD, text), [want], "{text}");
        }
    }

    #[test]
    fn two_cards_in_one_run() {
        let t = "4111 1111 1111 1111 5555 5555 5555 4444";
        assert_eq!(
            found(Kind::CREDIT_CARD, t),
            ["4111 1111 1111 1111", "5555 5555 5555 4444"]
        );
    }

    #[test]
    fn card_hard_negatives() {
        for text in [
            "4111 1111 1111 1112",    // bad checksum
            "1234567812345670",       // Luhn-valid, no issuer
            "id a4111111111111111b",  // glued into a token
            "4111-1111 1111-1111",    // mixed separators
            "order 4111111111111111", // order number
            "tracking 4111111111111111",
            "3.14159265358979323", // a decimal
            "ts 1700000000000000",
        ] {
            assert!(found(Kind::CREDIT_CARD, text).is_empty(), "{text}");
        }
    }
}
