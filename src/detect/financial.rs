//! Financial detectors: payment cards, IBAN, ABA routing numbers (bank accounts are labelled
//! values, see [`super::pii`]).
//!
//! Every kind here is confirmed by a checksum: Luhn with issuer prefixes and lengths for cards,
//! mod-97 with the national length for IBANs (found from the check digits after the country
//! code, read forward across letter groups), 3-7-1 for ABA numbers (which also need a routing
//! word: one nine-digit number in ten passes). Priorities make an IBAN win over the card- or
//! account-shaped digits inside it.

use std::sync::Arc;

use once_cell::sync::Lazy;

use super::context::Cues;
use super::pii::Groups;
use super::{priority, Cx, Detect, DigitRun, Hit, Trigger};
use super::{SCORE_CONFIRMED, SCORE_WEAK, SCORE_WITH_CUE};
use crate::finding::Kind;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(CreditCard), Arc::new(AbaRouting)]
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
        // UATP (airline) cards: accepted only with a card word, see `CreditCard::detect`.
        Some(1) => n == 15,
        _ => false,
    }
}

fn luhn_digits(d: &[u8]) -> bool {
    crate::validate::luhn_values(d.iter().map(|&x| u32::from(x)))
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
        let run = &hit.run;
        let b = cx.bytes;
        let mut gs = Vec::new();
        groups(b, run, &mut gs);
        let mut digits = [0u8; 19];
        let mut i = 0;
        // The group after the last card found: a card may start there or after a change of
        // separator, never in the middle of one grouped number ("1234 5678 9012 3456").
        let mut next_free = 0;
        while i < gs.len() {
            if i > 0 && i != next_free && gs[i].2 == gs.get(i + 1).map_or(0, |g| g.2) {
                i += 1;
                continue;
            }
            // Longest valid card starting at group i, with one consistent separator.
            let mut best: Option<usize> = None;
            let mut n = 0;
            let sep = gs.get(i + 1).map(|g| g.2).unwrap_or(0);
            for (j, &(s, e, gsep)) in gs.iter().enumerate().skip(i) {
                if j > i && (gsep != sep || !matches!(sep, b' ' | b'-')) {
                    break;
                }
                if n + (e - s) > 19 {
                    break;
                }
                for &c in &b[s..e] {
                    digits[n] = c - b'0';
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
            let uatp_without_cue = b[start] == b'1' && !cx.cue_near(&CARD_CUES, start, end);
            if !glued && !numeric && !uatp_without_cue {
                let mut score = 0.9;
                if cx.cue_near(&CARD_NEGATIVE_CUES, start, end)
                    && !cx.cue_near(&CARD_CUES, start, end)
                {
                    score = 0.4;
                }
                cx.emit(Kind::CREDIT_CARD, start, end, score, priority::CHECKSUMMED);
            }
            i = j + 1;
            next_free = i;
        }
        run.end
    }
}

// -- financial: more detectors --

/// International Bank Account Numbers: a country code with a national IBAN length, two check
/// digits, the BBAN, optionally in groups separated by single spaces or dashes, upper or lower
/// case, confirmed by mod-97 ([`crate::validate::iban`]).
///
/// The engine triggers on the digits after the country code (`GB82 WEST …` → `82`); the
/// detector looks back for the two letters and reads exactly the national length forward,
/// across letter groups. The IBAN outranks the card- or account-shaped digits inside it.
pub(crate) struct Iban;

impl Detect for Iban {
    fn id(&self) -> &'static str {
        "iban"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::IBAN]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 2 }]
    }

    fn max_len(&self) -> usize {
        34 + 16
    }

    #[inline]
    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        if !run.word_before {
            return run.end;
        }
        let b = cx.bytes;
        let Some(s) = run.start.checked_sub(2) else {
            return run.end;
        };
        let (c0, c1) = (b[s], b[s + 1]);
        if !c0.is_ascii_alphabetic()
            || !c1.is_ascii_alphabetic()
            || (s > 0 && cx.word_at(s - 1))
            || c0.is_ascii_uppercase() != c1.is_ascii_uppercase()
        {
            return run.end;
        }
        // Two check digits right after the country code.
        if !b.get(run.start + 1).is_some_and(u8::is_ascii_digit) {
            return run.end;
        }
        let Some(len) = cx
            .text
            .get(s..s + 2)
            .and_then(crate::validate::iban_length_for)
        else {
            return run.end;
        };
        // Read exactly `len` alphanumerics, single spaces or dashes between them.
        let mut n = 0;
        let mut e = s;
        while e < b.len() && n < len {
            let c = b[e];
            if c.is_ascii_alphanumeric() {
                n += 1;
                e += 1;
            } else if matches!(c, b' ' | b'-')
                && n >= 4
                && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                e += 1;
            } else {
                break;
            }
        }
        if n != len || cx.word_at(e) {
            return run.end;
        }
        let Some(v) = cx.text.get(s..e) else {
            return run.end;
        };
        // One case throughout: `GI75 aWBK …` is a typo or something else.
        let upper = c0.is_ascii_uppercase();
        let one_case = v
            .bytes()
            .filter(u8::is_ascii_alphabetic)
            .all(|c| c.is_ascii_uppercase() == upper);
        if !one_case || !crate::validate::iban(v) {
            return run.end;
        }
        cx.emit(Kind::IBAN, s, e, SCORE_CONFIRMED, priority::CHECKSUMMED);
        e.max(run.end)
    }
}

/// US ABA routing numbers: nine digits (or `dddd-dddd-d`), a Federal Reserve prefix and the
/// 3-7-1 checksum ([`crate::validate::aba_routing`]), with a routing word nearby ("routing",
/// "ABA", "RTN", "transit", "ACH", "wire"). One nine-digit number in ten passes the checksum by
/// chance, so without the word the score stays below the threshold.
struct AbaRouting;

/// The MICR transit symbol `⑆` (U+2446) in UTF-8.
pub(crate) const MICR_TRANSIT: &[u8; 3] = b"\xE2\x91\x86";
/// The MICR on-us symbol `⑈` (U+2448) in UTF-8: it ends the account number on a check.
pub(crate) const MICR_ON_US: &[u8; 3] = b"\xE2\x91\x88";

/// `b[s..e]` is a routing number as OCR writes a MICR line in ASCII: `A306770623A`, the transit
/// symbol read as `A` on both sides of nine digits, with no letter or digit around it.
pub(crate) fn micr_ascii_transit(b: &[u8], s: usize, e: usize) -> bool {
    e == s + 11
        && b.get(s) == Some(&b'A')
        && b.get(e - 1) == Some(&b'A')
        && b[s + 1..e - 1].iter().all(u8::is_ascii_digit)
        && !(s > 0 && b[s - 1].is_ascii_alphanumeric())
        && !b.get(e).is_some_and(u8::is_ascii_alphanumeric)
}

static ABA_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "routing",
        "routing#",
        "aba",
        "aba#",
        "rtn",
        "transit",
        "ach",
        "wire",
        "bank routing",
        "abarouting",
        // Keys in JSON, code and forms: `_` glues words into one.
        "routing_number",
        "routingnumber",
        "routing_no",
        "routing_num",
        "bank_routing",
        "aba_number",
        // Fedwire: `{3100} Sender DI 021000021`, `{3400} Receiver DI …` (depository
        // institution).
        "sender di",
        "receiver di",
    ])
});

/// The shortest line read as a NACHA record (they are 94 bytes wide).
const NACHA_LINE_MIN: usize = 80;

/// NACHA (ACH file) records, fixed-width lines of 94 bytes whose digits run together: the file
/// header `101 ` + the destination routing number, and entry details `6` + a transaction code +
/// the receiving bank's routing number + a 17-byte account field. Reported when the routing
/// number passes its checksum and the line is a record's width.
fn nacha(cx: &mut Cx<'_>, run: &DigitRun) {
    let b = cx.bytes;
    let s = run.start;
    let line_start = |k: usize| k == 0 || b[k - 1] == b'\n';
    let wide = |ls: usize| {
        b[ls..]
            .iter()
            .take(NACHA_LINE_MIN)
            .take_while(|c| **c != b'\n')
            .count()
            == NACHA_LINE_MIN
    };
    let routing = |r: usize| {
        cx.text
            .get(r..r + 9)
            .is_some_and(crate::validate::aba_routing)
    };
    // The header's `101 ` joins the digits that follow into one run. The immediate destination
    // (` ` and a routing number) follows; so does the immediate origin, which is a routing
    // number too when it is written the same way (` ` and nine digits that pass the checksum).
    if b[s..].starts_with(b"101 ") && line_start(s) && run.groups >= 2 {
        if wide(s) && routing(s + 4) {
            cx.emit(
                Kind::ABA_ROUTING,
                s + 4,
                s + 13,
                SCORE_WITH_CUE,
                priority::CHECKSUMMED,
            );
            if b.get(s + 13) == Some(&b' ') && routing(s + 14) {
                cx.emit(
                    Kind::ABA_ROUTING,
                    s + 14,
                    s + 23,
                    SCORE_WITH_CUE,
                    priority::CHECKSUMMED,
                );
            }
        }
        return;
    }
    if run.groups != 1 {
        return;
    }
    // `6`, a transaction code (`22` checking credit, `27` debit, `32` savings, …), then the
    // routing number: at least twelve digits from the line's start.
    if b[s] != b'6' || !line_start(s) || run.digits < 12 || !matches!(b[s + 1], b'2'..=b'5') {
        return;
    }
    if !wide(s) || !routing(s + 3) {
        return;
    }
    cx.emit(
        Kind::ABA_ROUTING,
        s + 3,
        s + 12,
        SCORE_WITH_CUE,
        priority::CHECKSUMMED,
    );
    // The account field: up to 17 bytes, left-justified, padded with blanks.
    let field = &b[s + 12..(s + 29).min(b.len())];
    let n = field
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if n >= 4 && field[n..].iter().all(|c| *c == b' ') {
        cx.emit(
            Kind::BANK_ACCOUNT,
            s + 12,
            s + 12 + n,
            SCORE_WITH_CUE,
            priority::CONTEXTUAL,
        );
    }
}

impl Detect for AbaRouting {
    fn id(&self) -> &'static str {
        "aba_routing"
    }

    fn kinds(&self) -> Vec<Kind> {
        // Bank accounts: in NACHA entry records (see [`nacha`]).
        vec![Kind::ABA_ROUTING, Kind::BANK_ACCOUNT]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 9 }]
    }

    fn max_len(&self) -> usize {
        // A NACHA record is read to its width.
        NACHA_LINE_MIN
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        if run.digits > 9 && run.groups <= 3 {
            nacha(cx, run);
            return run.end;
        }
        let b = cx.bytes;
        let ascii_micr = run.digits == 9
            && run.groups == 1
            && run.start > 0
            && micr_ascii_transit(b, run.start - 1, run.end + 1);
        if run.digits != 9 || !(run.is_standalone() || ascii_micr) {
            return run.end;
        }
        if run.groups != 1 {
            let gs = Groups::of(b, run);
            let ok = gs.len() == 3
                && gs[0].len() == 4
                && gs[1].len() == 4
                && gs[2].len() == 1
                && gs[1].sep == [b'-', 0]
                && gs[2].sep == [b'-', 0];
            if !ok {
                return run.end;
            }
        }
        let Some(t) = cx.text.get(run.start..run.end) else {
            return run.end;
        };
        if !crate::validate::aba_routing(t) {
            return run.end;
        }
        // A check's MICR line brackets the routing number with the transit symbol:
        // `⑆111000614⑆ 8157096337⑈`.
        let micr = ascii_micr || run.start >= 3 && b[run.start - 3..run.start] == *MICR_TRANSIT;
        let score = if micr || cx.cue_near(&ABA_CUES, run.start, run.end) {
            SCORE_CONFIRMED
        } else {
            SCORE_WEAK
        };
        cx.emit(
            Kind::ABA_ROUTING,
            run.start,
            run.end,
            score,
            priority::CHECKSUMMED,
        );
        run.end
    }
}

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
    fn iban() {
        for (t, want) in [
            (
                "IBAN: GB82 WEST 1234 5698 7654 32.",
                "GB82 WEST 1234 5698 7654 32",
            ),
            (
                "pay to DE89370400440532013000 today",
                "DE89370400440532013000",
            ),
            (
                "fr14 2004 1010 0505 0001 3m02 606",
                "fr14 2004 1010 0505 0001 3m02 606",
            ),
            ("(NO9386011117947)", "NO9386011117947"),
            (
                "iban=CH93-0076-2011-6238-5295-7",
                "CH93-0076-2011-6238-5295-7",
            ),
        ] {
            assert_eq!(found(Kind::IBAN, t), [want], "{t}");
        }
        for t in [
            "GB82 WEST 1234 5698 7654 33",     // checksum
            "DE89 3704 0044 0532 0130 0",      // short
            "XGB82WEST12345698765432",         // glued
            "GB82WEST12345698765432X",         // glued
            "MP3 player, A4 paper, US12 3456", // not IBANs
        ] {
            assert!(found(Kind::IBAN, t).is_empty(), "{t}");
        }
        // The IBAN wins over the card-shaped digits inside it.
        let t = "IBAN NL02ABNA0123456789";
        assert_eq!(
            crate::detect::testing::all(t),
            [("iban", "NL02ABNA0123456789".to_string())]
        );
    }

    #[test]
    fn nacha_records() {
        let pad = |l: &str| format!("{l:<94}");
        let file = [
            pad("101 02100002112345678902506011200A094101EXAMPLE BANK           ACME WIDGETS INC"),
            pad("5200ACME WIDGETS INC                     1234567890PPDPAYROLL         250601   1021000020000001"),
            pad("62202100002144120938817      0000125000EMP-0001       QUINT NORA              0021000020000001"),
            pad("62709999999844120938817      0000125000EMP-0002       HALE THEO               0021000020000002"),
        ]
        .join("\n");
        assert_eq!(found(Kind::ABA_ROUTING, &file), ["021000021", "021000021"]);
        assert_eq!(found(Kind::BANK_ACCOUNT, &file), ["44120938817"]);
        // A short line, a failed checksum: no record.
        assert!(found(Kind::BANK_ACCOUNT, "62202100002144120938817 0000125000").is_empty());
        // An immediate origin written as a routing number (` ` and nine digits) is one too.
        let header = pad("101 032143595 0150749792511100830A094101FIRST PRAIRIE BANK     LAKESIDE");
        assert_eq!(
            found(Kind::ABA_ROUTING, &header),
            ["032143595", "015074979"]
        );
    }

    #[test]
    fn aba_and_account() {
        assert_eq!(found(Kind::ABA_ROUTING, "routing 121000358"), ["121000358"]);
        // "routing" counts although "bank routing" fails the whole-word test around it.
        assert_eq!(
            found(Kind::ABA_ROUTING, "mybank routing 121000358"),
            ["121000358"]
        );
        assert_eq!(
            found(Kind::ABA_ROUTING, "ABA# 0711-0130-7"),
            ["0711-0130-7"]
        );
        assert_eq!(
            found(Kind::ABA_ROUTING, r#"{"routing_number": "121000358"}"#),
            ["121000358"]
        );
        assert_eq!(
            found(Kind::ABA_ROUTING, "routingNumber=121000358"),
            ["121000358"]
        );
        assert!(found(Kind::ABA_ROUTING, r#"{"reference_number": "121000358"}"#).is_empty());
        assert!(found(Kind::ABA_ROUTING, "121000358").is_empty());
        // A check's MICR line: routing between transit symbols, the account before `⑈`, and a
        // check number between two `⑈` that is no account.
        let micr = "⑆111000614⑆ 8157096337⑈ 1187\n⑈001187⑈ ⑆111000614⑆ 8157096337⑈";
        assert_eq!(found(Kind::ABA_ROUTING, micr), ["111000614", "111000614"]);
        assert_eq!(
            found(Kind::BANK_ACCOUNT, micr),
            ["8157096337", "8157096337"]
        );
        // OCR writes the symbols as letters: `A` transit, `C` on-us.
        let ocr = "C2234C A306770623A 96101176014C\n";
        assert_eq!(found(Kind::ABA_ROUTING, ocr), ["306770623"]);
        assert_eq!(found(Kind::BANK_ACCOUNT, ocr), ["96101176014"]);
        for t in ["XA306770623A", "A306770623AB", "A306770623B 96101176014C"] {
            assert!(found(Kind::ABA_ROUTING, t).is_empty(), "{t}");
            assert!(found(Kind::BANK_ACCOUNT, t).is_empty(), "{t}");
        }
        assert_eq!(
            found(
                Kind::ABA_ROUTING,
                "{3400} Receiver DI  021000021 FIRST EXAMPLE"
            ),
            ["021000021"]
        );
        assert!(found(Kind::ABA_ROUTING, "routing 121000359").is_empty());
        assert!(found(Kind::ABA_ROUTING, "routing 421042111").is_empty());
        for (t, want) in [
            ("Account number: 000123456789", "000123456789"),
            ("acct# 4455-667788", "4455-667788"),
            ("checking account 12345678 at Chase", "12345678"),
            ("A/C no. 9876543210", "9876543210"),
        ] {
            assert_eq!(found(Kind::BANK_ACCOUNT, t), [want], "{t}");
        }
        for t in [
            "AWS account 123456789012",
            "account 12345",
            "account created 2024-01-02",
            "accounting 12345678",
            "user account 12345678",
            "account: jane@example.com",
        ] {
            assert!(found(Kind::BANK_ACCOUNT, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn uatp_needs_a_card_word() {
        assert_eq!(
            found(Kind::CREDIT_CARD, "my credit card: 122000000000003"),
            ["122000000000003"]
        );
        assert!(found(Kind::CREDIT_CARD, "id 122000000000003").is_empty());
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
