//! PHI detectors: NPI, DEA and Medicare MBI.
//!
//! Medical record numbers, patient ids and insurance member ids have no structure of their own:
//! they are reported only right after their label (`MRN: 00482913`, `Patient ID PT-55012`,
//! `Member ID XWB123456789`) by the labelled-value detector in [`super::pii`]. NPI and DEA
//! numbers carry a checksum ([`crate::validate::npi`], [`crate::validate::dea`]): an NPI also
//! needs an NPI word (one ten-digit number in ten passes the check), a DEA number is reported
//! without one unless a lot/order/tracking word is near. Medicare Beneficiary Identifiers have a
//! strict per-position alphabet and are reported as `insurance_id`: the dashed form on its own,
//! the undashed form with a Medicare word.

use std::sync::Arc;

use once_cell::sync::Lazy;

use super::context::Cues;
use super::pii::Groups;
use super::{priority, Cx, Detect, DigitRun, Hit, Trigger};
use super::{SCORE_CONFIRMED, SCORE_STRONG, SCORE_WEAK, SCORE_WITH_CUE};
use crate::finding::Kind;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(Npi), Arc::new(Dea)]
}

// ---------------------------------------------------------------------------------------------

/// Medicare Beneficiary Identifiers: 11 characters `C A AN N A AN N A A N N` (C = 1-9, A = a
/// letter other than S L O I B Z, N = a digit), optionally dashed 4-3-4 (`1EG4-TE5-MK73`).
///
/// The dashed form is distinctive and reported without context; the undashed form needs a
/// Medicare word nearby ("medicare", "MBI", "beneficiary", "CMS", "member").
pub(crate) struct Mbi;

static MBI_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "medicare",
        "mbi",
        "beneficiary",
        "cms",
        "medicaid",
        "member",
        "insurance",
        "hicn",
    ])
});

fn mbi_letter(c: u8) -> bool {
    c.is_ascii_uppercase() && !matches!(c, b'S' | b'L' | b'O' | b'I' | b'B' | b'Z')
}

/// Whether `c` (upper case) may stand at position `k` of an MBI: a digit 1-9, then letter,
/// letter or digit, digit, letter, letter or digit, digit, letter, letter, digit, digit.
#[inline]
fn mbi_pos_ok(k: usize, c: u8) -> bool {
    match k {
        0 => matches!(c, b'1'..=b'9'),
        1 | 4 | 7 | 8 => mbi_letter(c),
        2 | 5 => c.is_ascii_digit() || mbi_letter(c),
        3 | 6 | 9 | 10 => c.is_ascii_digit(),
        _ => false,
    }
}

/// The 11 MBI characters (dashes removed) follow the position rules.
fn mbi_ok(v: &[u8; 11]) -> bool {
    v.iter().enumerate().all(|(k, &c)| mbi_pos_ok(k, c))
}

impl Detect for Mbi {
    fn id(&self) -> &'static str {
        "medicare_mbi"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::INSURANCE_ID]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 1 }]
    }

    fn max_len(&self) -> usize {
        13
    }

    #[inline]
    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        // The first character is a lone digit followed by a letter.
        if run.word_before || run.digits != 1 || run.groups != 1 || !run.word_after {
            return run.end;
        }
        let b = cx.bytes;
        let s = run.start;
        if !b
            .get(s + 1)
            .is_some_and(|c| mbi_letter(c.to_ascii_uppercase()))
        {
            return run.end;
        }
        let mut v = [0u8; 11];
        let mut n = 0;
        let mut e = s;
        let mut dashes = 0;
        while e < b.len() && e - s < 14 {
            let c = b[e];
            if c.is_ascii_alphanumeric() {
                // A longer token, or a character out of place (hashes and ids): no MBI.
                if n == 11 || !mbi_pos_ok(n, c.to_ascii_uppercase()) {
                    return run.end;
                }
                v[n] = c;
                n += 1;
            } else if c == b'-' && (n == 4 || n == 7) && dashes < 2 {
                dashes += 1;
            } else {
                break;
            }
            e += 1;
        }
        // One case throughout; lower case is checked as upper case.
        let letters = || v.iter().filter(|c| c.is_ascii_alphabetic());
        let lower = letters().all(u8::is_ascii_lowercase);
        if !lower && !letters().all(u8::is_ascii_uppercase) {
            return run.end;
        }
        v.make_ascii_uppercase();
        if n != 11 || cx.word_at(e) || (dashes != 0 && dashes != 2) || !mbi_ok(&v) {
            return run.end;
        }
        let score = if dashes == 2 {
            SCORE_STRONG
        } else if cx.cue_near(&MBI_CUES, s, e) {
            SCORE_WITH_CUE
        } else {
            SCORE_WEAK
        };
        cx.emit(Kind::INSURANCE_ID, s, e, score, priority::STRUCTURED);
        e
    }
}

// ---------------------------------------------------------------------------------------------

/// US National Provider Identifiers: ten digits (or 4-3-3 with one consistent `-`/space), the
/// NPI Luhn check, and an NPI word nearby ("NPI", "national provider", "provider", "prescriber",
/// …). Without the word the score stays below the threshold: one ten-digit number in ten passes
/// the check by chance.
struct Npi;

static NPI_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "npi",
        "npi#",
        "national provider",
        "provider",
        "providers",
        "prescriber",
        "rendering",
        "referring",
        "attending",
        "billing provider",
        "physician",
        "taxonomy",
        // Keys in JSON, YAML and code, where `_` glues the words into one.
        "npi_number",
        "npi_no",
        "provider_npi",
        "prescriber_npi",
        "rendering_npi",
        "referring_npi",
        "attending_npi",
        "ordering_npi",
        "billing_npi",
        "pcp_npi",
    ])
});

/// The start and end of a 10-digit id written bare or `4-3-3`/`4 3 3`, if the run is exactly
/// that.
fn ten_digits(b: &[u8], run: &DigitRun) -> bool {
    if run.digits != 10 || !run.is_standalone() {
        return false;
    }
    if run.groups == 1 {
        return true;
    }
    let gs = Groups::of(b, run);
    gs.len() == 3
        && gs[0].len() == 4
        && gs[1].len() == 3
        && gs[2].len() == 3
        && gs[1].sep == gs[2].sep
        && matches!(gs[1].sep, [b'-', 0] | [b' ', 0])
}

impl Detect for Npi {
    fn id(&self) -> &'static str {
        "npi"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::NPI]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 10 }]
    }

    fn max_len(&self) -> usize {
        12
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        let b = cx.bytes;
        if !matches!(b.get(run.start), Some(b'1' | b'2')) || !ten_digits(b, run) {
            return run.end;
        }
        let Some(t) = cx.text.get(run.start..run.end) else {
            return run.end;
        };
        if !crate::validate::npi(t) {
            return run.end;
        }
        // Presidio's rule too: a body (first nine digits) of one repeated digit is a
        // placeholder, not a provider. Read in place: no allocation per candidate.
        let mut body = t.bytes().filter(u8::is_ascii_digit).take(9);
        let first = body.next();
        if body.all(|c| Some(c) == first) {
            return run.end;
        }
        // HL7 PV1-7/8/9/17 (attending, referring, consulting, admitting doctor), OBR-16 and
        // ORC-12 (ordering provider): an XCN whose first component is the provider's id,
        // `|1234567893^DOE^JANE|`.
        let hl7_doctor = run.start > 0
            && b[run.start - 1] == b'|'
            && b.get(run.end) == Some(&b'^')
            && matches!(
                super::pii::hl7_field(b, run.start),
                Some((b"PV1", 7 | 8 | 9 | 17) | (b"OBR", 16) | (b"ORC", 12))
            );
        // C-CDA: `<id extension="1234567893" root="2.16.840.1.113883.4.6"/>`.
        let cda = run.start > 0
            && b[run.start - 1] == b'"'
            && super::pii::cda_root(b, run.start, run.end) == Some(super::pii::CDA_NPI_ROOT);
        let score = if hl7_doctor || cda || cx.cue_near(&NPI_CUES, run.start, run.end) {
            SCORE_CONFIRMED
        } else {
            SCORE_WEAK
        };
        cx.emit(Kind::NPI, run.start, run.end, score, priority::CHECKSUMMED);
        run.end
    }
}

// ---------------------------------------------------------------------------------------------

/// US DEA registration numbers: a registrant-type letter, a second letter (or `9`), seven digits
/// with the DEA checksum ([`crate::validate::dea`]), upper case, standing as one token.
///
/// Reported without a cue (letters, checksum and shape together are rare by chance) unless an
/// order/tracking/flight/invoice word is near and no DEA word is.
struct Dea;

static DEA_CUES: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "dea",
        "dea#",
        "prescriber",
        "registration",
        "controlled",
        "schedule",
        "rx",
        "license",
    ])
});

static DEA_NEG: Lazy<Cues> = Lazy::new(|| {
    Cues::new([
        "order",
        "tracking",
        "flight",
        "invoice",
        "sku",
        "part",
        "serial",
        "ref",
        "reference",
        "ticket",
        "booking",
        "confirmation",
        "model",
        "product",
        "lot",
        "batch",
        "recall",
        "recalled",
        "item",
        "catalog",
        "po",
        "sku",
    ])
});

impl Detect for Dea {
    fn id(&self) -> &'static str {
        "dea_number"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::DEA_NUMBER]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 7 }]
    }

    fn max_len(&self) -> usize {
        9
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        if !(7..=8).contains(&run.digits) || run.groups != 1 || !run.word_before || run.word_after {
            return run.end;
        }
        let b = cx.bytes;
        // `A91234563`: the run is `91234563`, the `9` being the registrant's second character.
        let s = if run.digits == 8 && b[run.start] == b'9' && !run.word_after {
            run.start.checked_sub(1)
        } else {
            run.start.checked_sub(2)
        };
        let Some(s) = s else {
            return run.end;
        };
        let (t, second) = (b[s], b[s + 1]);
        if !t.is_ascii_uppercase()
            || !(second.is_ascii_uppercase() || second == b'9')
            || (s > 0 && cx.word_at(s - 1))
        {
            return run.end;
        }
        let Some(v) = cx.text.get(s..run.end) else {
            return run.end;
        };
        if v.len() != 9 || !crate::validate::dea(v) {
            return run.end;
        }
        let score = if cx.cue_near(&DEA_CUES, s, run.end) {
            SCORE_CONFIRMED
        } else if super::pii::label_before(cx.bytes, s).is_some() {
            // Another label names the value ("MRN MR3278997"): a chance checksum is no DEA.
            return run.end;
        } else if cx.cue_near(&DEA_NEG, s, run.end) {
            SCORE_WEAK
        } else {
            0.6
        };
        cx.emit(Kind::DEA_NUMBER, s, run.end, score, priority::CHECKSUMMED);
        run.end
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    #[test]
    fn mrn() {
        for (t, want) in [
            ("MRN: 00482913", "00482913"),
            ("Medical record number 4471-2290", "4471-2290"),
            ("pt seen today (mrn# A1234567)", "A1234567"),
            ("| MRN | 99812034 |", "99812034"),
            ("\"mrn\": \"MR-0099812\"", "MR-0099812"),
        ] {
            assert_eq!(found(Kind::MRN, t), [want], "{t}");
        }
        for t in [
            "mRNA vaccine 12345678",
            "MRN: pending",
            "MRN 123",
            "medical records were reviewed on 2024-01-02",
            "record number of visitors 12345678901234",
        ] {
            assert!(found(Kind::MRN, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn patient_and_insurance() {
        assert_eq!(
            found(Kind::PATIENT_ID, "Patient ID: PT-558812"),
            ["PT-558812"]
        );
        assert_eq!(found(Kind::PATIENT_ID, "patient_id=88123"), ["88123"]);
        assert!(found(Kind::PATIENT_ID, "patient #3 was discharged").is_empty());
        assert!(found(Kind::PATIENT_ID, "Patient ID: John Smith").is_empty());
        assert_eq!(
            found(
                Kind::INSURANCE_ID,
                "Member ID: XWB123456789, group # 0045512"
            ),
            ["XWB123456789"]
        );
        assert_eq!(
            found(Kind::INSURANCE_ID, "policy number is POL-2024-118833"),
            ["POL-2024-118833"]
        );
        assert!(found(Kind::INSURANCE_ID, "see our privacy policy 2024 edition").is_empty());
        assert!(found(Kind::INSURANCE_ID, "policy number: see below").is_empty());
    }

    #[test]
    fn mbi() {
        assert_eq!(
            found(Kind::INSURANCE_ID, "card shows 1EG4-TE5-MK73."),
            ["1EG4-TE5-MK73"]
        );
        assert_eq!(
            found(Kind::INSURANCE_ID, "Medicare: 1EG4TE5MK73"),
            ["1EG4TE5MK73"]
        );
        for t in [
            "id 1EG4TE5MK73", // undashed without a cue
            "1EG4-TE5-MK7",   // short
            "1SG4-TE5-MK73",  // S is not used
            "0EG4-TE5-MK73",  // leading zero
            "x1EG4-TE5-MK73", // glued
            "1EG4-TE5-MK73A", // glued
        ] {
            assert!(found(Kind::INSURANCE_ID, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn npi() {
        for (t, want) in [
            ("NPI: 1234567893", "1234567893"),
            ("Provider identifier 1245319599", "1245319599"),
            ("npi 1234-567-893", "1234-567-893"),
            ("Prescriber NPI 1234 567 893.", "1234 567 893"),
            ("prescriber_npi: 1245319599\n", "1245319599"),
            (
                "OBR|1|123|456|CBC^CBC PANEL^LN|||20241216232200|||||||||1245319599^DOE^JANE|||",
                "1245319599",
            ),
            (
                "<id extension=\"1245319599\" root=\"2.16.840.1.113883.4.6\"/>",
                "1245319599",
            ),
            (
                "<id root=\"2.16.840.1.113883.4.6\" extension=\"1245319599\"/>",
                "1245319599",
            ),
        ] {
            assert_eq!(found(Kind::NPI, t), [want], "{t}");
        }
        for t in [
            "1234567893",                                                     // no cue
            "NPI: 1234567890",                                                // checksum
            "NPI: 3234567893",                                                // prefix
            "NPI: 12345678934",                                               // length
            "NPI: x1234567893",                                               // glued
            "NPI: 1111111112",   // one repeated digit (the checksum holds)
            "NPI: 2222222228",   // one repeated digit (the checksum holds)
            "NPI: 2222-222-228", // one repeated digit, grouped
            "<id extension=\"1245319599\" root=\"2.16.840.1.113883.19.5\"/>", // another OID
            "OBR|1|1245319599^DOE^JANE|", // OBR-2, a placer order number
        ] {
            assert!(found(Kind::NPI, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn dea() {
        assert_eq!(found(Kind::DEA_NUMBER, "DEA# AB1234563"), ["AB1234563"]);
        assert_eq!(found(Kind::DEA_NUMBER, "Dr. Lee BJ6125341"), ["BJ6125341"]);
        assert_eq!(found(Kind::DEA_NUMBER, "DEA: A91234563"), ["A91234563"]);
        for t in [
            "DEA AB1234564",   // checksum
            "ZB1234563",       // registrant type
            "XAB1234563",      // glued
            "order AB1234563", // order number
            "ab1234563",       // lower case
            "MRN MR3278997",   // another label names it (the checksum holds by chance)
        ] {
            assert!(found(Kind::DEA_NUMBER, t).is_empty(), "{t}");
        }
    }
}

#[cfg(test)]
mod mbi_tests {
    use super::*;
    use crate::detect::testing::same_on_every_run;
    use proptest::prelude::*;

    /// `Mbi::detect` before it stopped at the first character out of place: the reference.
    fn old_detect(cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        if run.word_before || run.digits != 1 || run.groups != 1 || !run.word_after {
            return run.end;
        }
        let b = cx.bytes;
        let s = run.start;
        if !b
            .get(s + 1)
            .is_some_and(|c| mbi_letter(c.to_ascii_uppercase()))
        {
            return run.end;
        }
        let mut v = [0u8; 11];
        let mut n = 0;
        let mut e = s;
        let mut dashes = 0;
        while e < b.len() && e - s < 14 {
            let c = b[e];
            if c.is_ascii_alphanumeric() {
                if n == 11 {
                    return run.end;
                }
                v[n] = c;
                n += 1;
            } else if c == b'-' && (n == 4 || n == 7) && dashes < 2 {
                dashes += 1;
            } else {
                break;
            }
            e += 1;
        }
        let letters = || v.iter().filter(|c| c.is_ascii_alphabetic());
        let lower = letters().all(u8::is_ascii_lowercase);
        if !lower && !letters().all(u8::is_ascii_uppercase) {
            return run.end;
        }
        v.make_ascii_uppercase();
        if n != 11 || cx.word_at(e) || (dashes != 0 && dashes != 2) || !mbi_ok(&v) {
            return run.end;
        }
        let score = if dashes == 2 {
            SCORE_STRONG
        } else if cx.cue_near(&MBI_CUES, s, e) {
            SCORE_WITH_CUE
        } else {
            SCORE_WEAK
        };
        cx.emit(Kind::INSURANCE_ID, s, e, score, priority::STRUCTURED);
        e
    }

    fn new_detect(cx: &mut Cx<'_>, hit: &Hit) -> usize {
        Mbi.detect(cx, hit)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn mbi_stops_early_with_the_same_results(
            parts in proptest::collection::vec(prop_oneof![
                3 => prop::sample::select(vec![
                    "1EG4-TE5-MK73", "1EG4TE5MK73", "1eg4te5mk73", "2AB3-CD4-EF56", "9XY8AB7CD65",
                    "1A2", "1a6cba1e4380b9c7c18aca4c77547309", " ", "-", "\n", "MBI: ", "x",
                ]).prop_map(String::from),
                2 => "[1-9][A-Z0-9]{0,12}",
                2 => "[0-9][a-z0-9-]{0,14}",
                1 => any::<char>().prop_map(String::from),
            ], 0..8),
        ) {
            same_on_every_run(&parts.concat(), new_detect, old_detect)?;
        }
    }
}
