//! Identifiers in ASC X12 healthcare transactions (837 claims, 270/271 eligibility, 835
//! remittances), where a qualifier element, not a word, says what the next element is:
//!
//! | segment | elements | reported |
//! |---|---|---|
//! | `NM1` | `NM108` qualifier, `NM109` id | `XX` → `npi` (checksum), `MI` → `insurance_id`, `34` → `us_ssn` |
//! | `DMG` | `DMG01` = `D8`, `DMG02` | `date_of_birth` (a valid `CCYYMMDD`) |
//! | `REF` | `REF01` qualifier, `REF02` | `EA` → `mrn`, `1W` → `insurance_id`, `SY` → `us_ssn`, `EJ` → `patient_id` |
//! | `CLM` | `CLM01` | `patient_id` (the patient control number) |
//! | `CLP` | `CLP01` | `patient_id` (835: the claim's patient control number) |
//! | `N1` | `N103` qualifier, `N104` id | `XX` → `npi` (835 payee) |
//! | `BPR` | DFI qualifiers `BPR06`/`BPR12`, account qualifiers `BPR08`/`BPR14` | `01` → `aba_routing` (checksum) in `BPR07`/`BPR13`; `DA`, `SG`, `CK` → `bank_account` in `BPR09`/`BPR15` |
//!
//! The detector is triggered by the segment ids with their element separator (`NM1*`, `DMG*`,
//! `REF*`, `CLM*`), which ordinary text does not hold, and reads one segment: at most
//! [`SEGMENT_MAX`] bytes to its `~` or line end. From `ST*8…` (the header of an 837 claim or an
//! 835 remittance) it reads the transaction set's segments in turn, to its `SE` or at most
//! [`SET_MAX`] bytes: `CLP`, `N1` and `BPR` are found only so, since each trigger literal costs
//! the shared automaton on every text. Values are validated as their kind (the NPI and ABA
//! checksums, the SSA rules, a possible date, the labelled-value shapes of [`value_ok`]).

use std::sync::Arc;

use super::pii::{date_at, value_ok, Label};
use super::{priority, Cx, Detect, Hit, Trigger, SCORE_WITH_CUE};
use crate::finding::Kind;
use crate::validate;

/// The longest segment read, in bytes.
const SEGMENT_MAX: usize = 256;
/// The most elements read from one segment.
const ELEMENTS_MAX: usize = 20;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(X12)]
}

/// See the module documentation.
struct X12;

/// Literal index of `ST*8` (837 and 835 transaction sets), in [`X12::triggers`] order; the
/// others are single segments.
const ST: usize = 4;

/// The furthest a transaction set is read from its `ST` segment, in bytes.
const SET_MAX: usize = 16 * 1024;

impl Detect for X12 {
    fn id(&self) -> &'static str {
        "x12"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![
            Kind::NPI,
            Kind::INSURANCE_ID,
            Kind::US_SSN,
            Kind::DATE_OF_BIRTH,
            Kind::MRN,
            Kind::PATIENT_ID,
            Kind::ABA_ROUTING,
            Kind::BANK_ACCOUNT,
        ]
    }

    fn triggers(&self) -> Vec<Trigger> {
        // Segments that carry ids, and `ST*8…`, the start of a claim or remittance, whose
        // segments are then read in turn (`BPR`, `N1`, `CLP` get no trigger of their own: each
        // literal costs the shared automaton on every text).
        vec![Trigger::LiteralsExact(
            ["NM1*", "DMG*", "REF*", "CLM*", "ST*8"]
                .map(String::from)
                .to_vec(),
        )]
    }

    fn max_len(&self) -> usize {
        // A value in a transaction set is found from its `ST`: a stream scrubber keeps that in
        // view.
        SET_MAX + SEGMENT_MAX
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        // A segment starts a line or follows the previous segment's terminator.
        if hit.start > 0 && !matches!(b[hit.start - 1], b'~' | b'\n' | b'\r' | b' ') {
            return hit.end;
        }
        if hit.literal != ST {
            segment(cx, hit.start);
            return hit.end;
        }
        // The transaction set, segment by segment, to its `SE` or the first line that is no
        // segment.
        let stop = b.len().min(hit.start + SET_MAX);
        let mut at = hit.start;
        while at < stop {
            let Some(end) = segment(cx, at) else {
                break;
            };
            let se = b[at..].starts_with(b"SE*");
            at = end;
            while at < stop && matches!(b[at], b'~' | b'\n' | b'\r' | b' ') {
                at += 1;
            }
            if se {
                break;
            }
        }
        at.max(hit.end)
    }
}

/// Reads the segment that starts at `start` and reports what its qualifiers announce. Returns
/// its end (its terminator), or `None` when no segment starts there: an id of two or three
/// upper-case letters and digits and a `*`, then at most [`SEGMENT_MAX`] bytes to a `~` or a
/// line end.
fn segment(cx: &mut Cx<'_>, start: usize) -> Option<usize> {
    let b = cx.bytes;
    let id_len = b
        .get(start..)?
        .iter()
        .take(4)
        .position(|c| *c == b'*')
        .filter(|&n| (2..=3).contains(&n))?;
    let id = &b[start..start + id_len];
    if !id
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    let hi = b.len().min(start + SEGMENT_MAX);
    let end = b[start..hi]
        .iter()
        .position(|c| matches!(c, b'~' | b'\n' | b'\r'))
        .map(|p| start + p)
        .or((hi == b.len()).then_some(hi))?;
    // Element `i` (the segment id is element 0) as a byte range.
    let mut el = [(0usize, 0usize); ELEMENTS_MAX];
    let mut n = 0;
    let mut s = start;
    for (k, &c) in b[start..end].iter().enumerate() {
        if c == b'*' {
            if n == ELEMENTS_MAX {
                break;
            }
            el[n] = (s, start + k);
            n += 1;
            s = start + k + 1;
        }
    }
    if n < ELEMENTS_MAX {
        el[n] = (s, end);
        n += 1;
    }
    let el = &el[..n];
    let text = |i: usize| el.get(i).map_or(&b""[..], |&(s, e)| &b[s..e]);
    // (kind, element) pairs to report.
    let mut targets = [(Kind::NPI, 0usize); 4];
    let mut m = 0;
    let mut push = |kind: Kind, at: usize| {
        targets[m] = (kind, at);
        m += 1;
    };
    match id {
        b"NM1" => match text(8) {
            b"XX" => push(Kind::NPI, 9),
            b"MI" => push(Kind::INSURANCE_ID, 9),
            b"34" => push(Kind::US_SSN, 9),
            _ => {}
        },
        b"DMG" if text(1) == b"D8" => push(Kind::DATE_OF_BIRTH, 2),
        b"REF" => match text(1) {
            b"EA" => push(Kind::MRN, 2),
            b"1W" => push(Kind::INSURANCE_ID, 2),
            b"SY" => push(Kind::US_SSN, 2),
            b"EJ" => push(Kind::PATIENT_ID, 2),
            _ => {}
        },
        b"CLM" | b"CLP" => push(Kind::PATIENT_ID, 1),
        b"N1" if text(3) == b"XX" => push(Kind::NPI, 4),
        b"BPR" => {
            // The originating and receiving banks: routing number after DFI qualifier `01`,
            // account number after an account qualifier (`DA` checking, `SG` savings).
            for (q, id, aq, acct) in [(6, 7, 8, 9), (12, 13, 14, 15)] {
                if text(q) == b"01" {
                    push(Kind::ABA_ROUTING, id);
                }
                if matches!(text(aq), b"DA" | b"SG" | b"CK") {
                    push(Kind::BANK_ACCOUNT, acct);
                }
            }
        }
        _ => {}
    }
    for &(kind, at) in &targets[..m] {
        if let Some(&(vs, ve)) = el.get(at) {
            element(cx, kind, vs, ve);
        }
    }
    Some(end)
}

/// Reports element `vs..ve` as `kind` when it is a valid value of that kind.
fn element(cx: &mut Cx<'_>, kind: Kind, vs: usize, ve: usize) {
    let b = cx.bytes;
    let v = &b[vs..ve];
    let Some(vt) = cx.text.get(vs..ve) else {
        return;
    };
    let ok = match kind {
        Kind::NPI => validate::npi(vt) && v.iter().all(u8::is_ascii_digit),
        Kind::US_SSN => v.len() == 9 && validate::us_ssn(vt),
        Kind::DATE_OF_BIRTH => {
            v.len() == 8
                && cx
                    .text
                    .get(..ve)
                    .is_some_and(|hay| date_at(hay, vs) == Some((ve, true)))
        }
        Kind::MRN => value_ok(Label::Mrn, v),
        Kind::INSURANCE_ID => value_ok(Label::Insurance, v),
        Kind::ABA_ROUTING => v.len() == 9 && validate::aba_routing(vt),
        Kind::BANK_ACCOUNT => value_ok(Label::Account, v),
        _ => value_ok(Label::Patient, v),
    };
    let token = v.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-');
    if ok && token {
        let prio = if matches!(kind, Kind::NPI | Kind::ABA_ROUTING) {
            priority::CHECKSUMMED
        } else {
            priority::CONTEXTUAL
        };
        cx.emit(kind, vs, ve, SCORE_WITH_CUE, prio);
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    const CLAIM: &str = "ST*837*0021*005010X222A1~\nNM1*85*2*BLUE RIDGE PT*****XX*1234567893~\n\
        NM1*IL*1*DOE*JANE****MI*QRX993104227~\nDMG*D8*19670304*F~\nCLM*PT-0041129*240***11:B:1*Y*A*Y*Y~\n\
        REF*EA*00482913~\nREF*G1*PA7719304~\nREF*EI*562281904~\nDTP*472*D8*20240912~\nSE*9*0021~";

    #[test]
    fn x12_segments() {
        for (kind, want) in [
            (Kind::NPI, &["1234567893"][..]),
            (Kind::INSURANCE_ID, &["QRX993104227"]),
            (Kind::DATE_OF_BIRTH, &["19670304"]),
            (Kind::PATIENT_ID, &["PT-0041129"]),
            (Kind::MRN, &["00482913"]),
        ] {
            assert_eq!(found(kind, CLAIM), want, "{kind:?}");
        }
        // Segments one per line, without `~`.
        let t = "NM1*IL*1*ROE*ANN****MI*W123456789\nDMG*D8*19800229*F";
        assert_eq!(found(Kind::INSURANCE_ID, t), ["W123456789"]);
        assert_eq!(found(Kind::DATE_OF_BIRTH, t), ["19800229"]);
        assert_eq!(
            found(Kind::US_SSN, "NM1*IL*1*ROE*ANN****34*423215101~"),
            ["423215101"]
        );
    }

    #[test]
    fn x12_remittance() {
        let era = "ST*835*0001~\nBPR*I*812.50*C*ACH*CCP*01*021000021*DA*4417820093*1512345678**01*011000015*SG*99120045*20240930~\n\
            TRN*1*12345*1512345678~\nN1*PR*ACME HEALTH~\nN1*PE*NORTH CLINIC*XX*1234567893~\n\
            CLP*PT-77120*1*900*812.5**12*EX9912~\nSE*6*0001~";
        for (kind, want) in [
            (Kind::ABA_ROUTING, &["021000021", "011000015"][..]),
            (Kind::BANK_ACCOUNT, &["4417820093", "99120045"]),
            (Kind::NPI, &["1234567893"]),
            (Kind::PATIENT_ID, &["PT-77120"]),
        ] {
            assert_eq!(found(kind, era), want, "{kind:?}");
        }
        // A routing number that fails its checksum, no account qualifier, a failed NPI
        // checksum: nothing.
        let t = "BPR*I*10*C*ACH*CCP*01*021000022*ZZ*4417820093~\nN1*PE*X*XX*1234567890~";
        for kind in [Kind::ABA_ROUTING, Kind::BANK_ACCOUNT, Kind::NPI] {
            assert!(found(kind, t).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn x12_hard_negatives() {
        for (kind, t) in [
            // Payer id, failed NPI checksum, an invalid date, a service date.
            (Kind::INSURANCE_ID, "NM1*PR*2*HEALTH PLAN*****PI*62308~"),
            (Kind::NPI, "NM1*85*2*CLINIC*****XX*1234567890~"),
            (Kind::DATE_OF_BIRTH, "DMG*D8*19671304*F~"),
            (Kind::DATE_OF_BIRTH, "DTP*472*D8*20240912~"),
            // Not a segment start; prose.
            (Kind::PATIENT_ID, "xCLM*PT-0041129*240~"),
            (Kind::MRN, "see REF*EA in the guide: 00482913"),
        ] {
            assert!(found(kind, t).is_empty(), "{t}");
        }
    }
}
