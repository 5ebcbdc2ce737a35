//! Values in the rows of a table whose header names their column: CSV, TSV, `;`- and
//! `|`-separated and Markdown tables, and SQL `INSERT INTO t (…) VALUES (…), (…)`. The columns
//! it knows ([`Col`]): dates of birth (`dob`, `birth_date`, `Date of Birth`), SSNs, passport,
//! medical record, patient, member and account numbers, NPIs and ABA routing numbers.
//!
//! A value under a column header has no label beside it, so the labelled-value detector (which
//! walks back from a value to its label) cannot see it, and a bare nine-digit SSN or routing
//! number needs that label. This detector starts from a header word instead: a literal trigger
//! on `dob`, `birth`, `ssn`, `mrn`, `npi`, `passport` and `routing` (one such word in a
//! header is enough: the whole header is read, patient, member and account columns too). It
//! finds which columns of the header record it knows, then walks the rows below (lines until
//! a blank line or a line of another width; for SQL, the `VALUES` tuples) for at most
//! [`ROWS_MAX`] bytes,
//! and reports each cell that is exactly a valid value of its column: a possible date, an SSN
//! or ITIN by the SSA rules, an NPI or routing number by its checksum, the other ids by the
//! shape their label asks for. Work per header is bounded, and the engine skips this
//! detector's later hits inside the rows it read, so scans stay linear; `max_len` covers the
//! rows, so a stream scrubber keeps the header in view.

use std::sync::Arc;

use super::pii::{date_at, value_ok, Label};
use super::{priority, Cx, Detect, Hit, Trigger, SCORE_WITH_CUE};
use crate::finding::Kind;
use crate::validate;

/// The furthest a row is read after the end of its header record, in bytes.
const ROWS_MAX: usize = 16 * 1024;
/// The furthest the header record is read on either side of the header word, in bytes.
const HEADER_MAX: usize = 1024;
/// The most fields a row may have past the header's and still be one of its rows (see
/// [`cells`]).
const EXTRA_FIELDS: usize = 2;
/// The most known columns one header may name.
const COLUMNS_MAX: usize = 8;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(Columns)]
}

/// See the module documentation.
struct Columns;

/// A column whose header this detector knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Birth,
    Ssn,
    Npi,
    Routing,
    /// A column whose values are checked as their label's ([`value_ok`]).
    Labelled(Label),
}

/// A table's shape: how records are delimited and fields separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// One record per line.
    Lines,
    /// SQL: a parenthesised column list, then `VALUES` and parenthesised tuples.
    Tuples,
}

impl Detect for Columns {
    fn id(&self) -> &'static str {
        "table_column"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![
            Kind::DATE_OF_BIRTH,
            Kind::US_SSN,
            Kind::US_ITIN,
            Kind::US_PASSPORT,
            Kind::MRN,
            Kind::PATIENT_ID,
            Kind::INSURANCE_ID,
            Kind::NPI,
            Kind::ABA_ROUTING,
            Kind::BANK_ACCOUNT,
        ]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(
            // Not `patient`, `member` or `account`: common words in text, each hit a header
            // check, and a table with such a column nearly always has one of these too.
            ["dob", "birth", "ssn", "mrn", "npi", "passport", "routing"]
                .map(String::from)
                .to_vec(),
        )]
    }

    fn max_len(&self) -> usize {
        ROWS_MAX + 2 * HEADER_MAX
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        table(cx, hit).unwrap_or(hit.end).max(hit.end)
    }
}

/// Separates fields.
fn is_sep(c: u8) -> bool {
    matches!(c, b',' | b'\t' | b';' | b'|')
}

/// Ends a header field.
fn field_end(c: u8) -> bool {
    is_sep(c) || matches!(c, b'\n' | b'\r' | b'(' | b')')
}

/// The column that a header cell names, from its letters lower-cased (`_`, `-`, spaces, `.`,
/// `/` and `#` between them are dropped: `DOB`, `patient_dob`, `Date of Birth`, `BIRTH_DT`,
/// `Passport No.`, `routingNumber`, `Acct #`).
/// - date of birth: `dob`, or a name ending in `dateofbirth`, `birthdate`, `birthday`,
///   `birthdt` or `geburtsdatum`;
/// - SSN: a name ending in `ssn`, or `socialsecuritynumber`;
/// - NPI: a name ending in `npi` (`provider_npi`);
/// - routing: `routing`, `aba`, `rtn` or a name ending in `routingnumber`, `routingno`;
/// - MRN: a name ending in `mrn`, or `medicalrecordnumber`;
/// - the other ids: `passport`/`passportno`/…, `patientid`/`patientno`/…,
///   `memberid`/`subscriberid`/`policynumber`/…, `account`/`accountnumber`/`acct`/….
///
/// Names with more after the id (`passport_expiry`, `account_type`, `member_since`) are other
/// columns, and so is `account_id` (a cloud or SaaS account, not a bank's).
fn column_of(cell: &[u8]) -> Option<Col> {
    let mut n = [0u8; 48];
    let mut k = 0;
    for &c in cell {
        if c.is_ascii_alphabetic() {
            *n.get_mut(k)? = c.to_ascii_lowercase();
            k += 1;
        } else if !matches!(c, b'_' | b'-' | b' ' | b'.' | b'/' | b'#') {
            return None;
        }
    }
    let n = &n[..k];
    let ends = |words: &[&str]| words.iter().any(|w| n.ends_with(w.as_bytes()));
    let is = |words: &[&str]| words.iter().any(|w| n == w.as_bytes());
    let col = if ends(&[
        "dob",
        "dateofbirth",
        "birthdate",
        "birthday",
        "birthdt",
        "geburtsdatum",
    ]) {
        Col::Birth
    } else if ends(&["ssn", "socialsecuritynumber", "socialsecurityno"]) {
        Col::Ssn
    } else if ends(&["npi"]) {
        Col::Npi
    } else if is(&["routing", "aba", "rtn", "abarouting"]) || ends(&["routingnumber", "routingno"])
    {
        Col::Routing
    } else if ends(&["mrn", "medicalrecordnumber", "medicalrecordno"]) {
        Col::Labelled(Label::Mrn)
    } else if is(&[
        "passport",
        "passportno",
        "passportnumber",
        "passportnum",
        "passportnr",
    ]) {
        Col::Labelled(Label::Passport)
    } else if is(&["patientid", "patientno", "patientnumber", "ptid"]) {
        Col::Labelled(Label::Patient)
    } else if is(&[
        "memberid",
        "memberno",
        "membernumber",
        "subscriberid",
        "subscriberno",
        "policynumber",
        "policyno",
        "medicareid",
        "medicaidid",
        "mbi",
    ]) {
        Col::Labelled(Label::Insurance)
    } else if is(&[
        "account",
        "accountnumber",
        "accountno",
        "acct",
        "acctno",
        "acctnumber",
        "bankaccount",
        "bankaccountnumber",
    ]) {
        Col::Labelled(Label::Account)
    } else {
        return None;
    };
    Some(col)
}

/// Trims spaces and one pair of quotes (`"`, `'`, `` ` ``) or brackets around a cell.
fn trim(rec: &[u8], (mut s, mut e): (usize, usize)) -> (usize, usize) {
    while s < e && matches!(rec[s], b' ' | b'\t' | b'\r') {
        s += 1;
    }
    while e > s && matches!(rec[e - 1], b' ' | b'\t' | b'\r') {
        e -= 1;
    }
    if e - s >= 2
        && matches!(
            (rec[s], rec[e - 1]),
            (b'"', b'"') | (b'\'', b'\'') | (b'`', b'`') | (b'[', b']')
        )
    {
        s += 1;
        e -= 1;
    }
    (s, e)
}

/// The fields of `rec` split at `sep`, as byte ranges. A field that starts with a quote (after
/// spaces) runs to its closing quote, where a doubled quote stands for one; separators inside
/// it do not count. Linear in `rec`.
fn fields(rec: &[u8], sep: u8) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = Some(0);
    std::iter::from_fn(move || {
        let start = i?;
        let mut j = start;
        while j < rec.len() && rec[j] == b' ' {
            j += 1;
        }
        if let Some(&q) = rec.get(j).filter(|c| matches!(c, b'"' | b'\'')) {
            j += 1;
            loop {
                match rec[j..].iter().position(|c| *c == q) {
                    None => {
                        j = rec.len();
                        break;
                    }
                    Some(p) => {
                        j += p + 1;
                        if rec.get(j) == Some(&q) {
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
        }
        let end = rec[j..]
            .iter()
            .position(|c| *c == sep)
            .map_or(rec.len(), |p| j + p);
        i = (end < rec.len()).then_some(end + 1);
        Some((start, end))
    })
}

/// The longest a header cell may be on either side of its header word, in bytes.
const CELL_MAX: usize = 40;
/// The most spaces between words a header cell may hold (`Date of Birth`).
const INNER_SPACES_MAX: usize = 2;

/// The bytes of a header cell: letters, the punctuation that [`column_of`] drops, and the
/// spaces, quotes and brackets that [`trim`] takes off.
fn cell_byte(c: u8) -> bool {
    c.is_ascii_alphabetic()
        || matches!(
            c,
            b'_' | b'-'
                | b'.'
                | b'/'
                | b'#'
                | b' '
                | b'\t'
                | b'"'
                | b'\''
                | b'`'
                | b'['
                | b']'
                | b'\r'
        )
}

/// The cell around the header word at `hit`, from the field end before it (or the start of the
/// text) to the one after (or the end). `None` when a byte between is not a [`cell_byte`], when
/// either side is longer than [`CELL_MAX`], or when the cell has more than
/// [`INNER_SPACES_MAX`] spaces between letters: prose around a word such as "patient" or
/// "account" is rejected after a few bytes.
fn header_cell(b: &[u8], hit: &Hit) -> Option<(usize, usize)> {
    let mut spaces = 0;
    let mut inner = |prev: u8, next: Option<&u8>| {
        if prev.is_ascii_alphabetic() && next.is_some_and(u8::is_ascii_alphabetic) {
            spaces += 1;
        }
        spaces <= INNER_SPACES_MAX
    };
    let mut ce = hit.end;
    while let Some(&c) = b.get(ce).filter(|c| !field_end(**c)) {
        if !cell_byte(c) || ce - hit.end >= CELL_MAX {
            return None;
        }
        if c == b' ' && !inner(b[ce - 1], b.get(ce + 1)) {
            return None;
        }
        ce += 1;
    }
    let mut cs = hit.start;
    while cs > 0 && !field_end(b[cs - 1]) {
        let c = b[cs - 1];
        if !cell_byte(c) || hit.start - cs >= CELL_MAX {
            return None;
        }
        if c == b' ' && cs >= 2 && !inner(b[cs - 2], b.get(cs)) {
            return None;
        }
        cs -= 1;
    }
    Some((cs, ce))
}

/// Reads the table around a header word at `hit` and reports the values in the columns it
/// knows. Returns where this detector may resume, or `None` when `hit` is not in a header.
fn table(cx: &mut Cx<'_>, hit: &Hit) -> Option<usize> {
    let b = cx.bytes;
    let (cs, ce) = header_cell(b, hit)?;
    let (ts, te) = trim(b, (cs, ce));
    column_of(&b[ts..te])?;
    // The separator next to the cell, and the header record: a parenthesised column list
    // followed by VALUES, or a line.
    let sep = [b.get(ce), cs.checked_sub(1).and_then(|k| b.get(k))]
        .into_iter()
        .flatten()
        .copied()
        .find(|c| is_sep(*c))?;
    let lo = cs.saturating_sub(HEADER_MAX);
    let hi = b.len().min(ce + HEADER_MAX);
    // The nearest of `marks` before the cell and after it; the text's ends count as line breaks
    // when within reach.
    let back = |marks: &[u8]| match b[lo..cs].iter().rposition(|c| marks.contains(c)) {
        Some(p) => Some((lo + p, b[lo + p])),
        None => (lo == 0).then_some((usize::MAX, b'\n')),
    };
    let ahead = |marks: &[u8]| match b[ce..hi].iter().position(|c| marks.contains(c)) {
        Some(p) => Some((ce + p, b[ce + p])),
        None => (hi == b.len()).then_some((b.len(), b'\n')),
    };
    let (shape, rs, re) = match (back(b"\n()"), ahead(b"\n()")) {
        (Some((o, b'(')), Some((c, b')'))) if sep == b',' => (Shape::Tuples, o + 1, c),
        _ => {
            let (o, _) = back(b"\n")?;
            let (c, _) = ahead(b"\n")?;
            (Shape::Lines, o.wrapping_add(1), c)
        }
    };
    // The known columns.
    let header = &b[rs..re];
    let mut cols = [(usize::MAX, Col::Birth); COLUMNS_MAX];
    let mut n = 0;
    let mut count = 0;
    for (k, f) in fields(header, sep).enumerate() {
        count = k + 1;
        let (s, e) = trim(header, f);
        if n < COLUMNS_MAX {
            if let Some(col) = column_of(&header[s..e]) {
                cols[n] = (k, col);
                n += 1;
            }
        }
    }
    if n == 0 || count < 2 {
        return None;
    }
    let cols = &cols[..n];
    let stop = b.len().min(re + ROWS_MAX);
    let t = Table {
        sep,
        cols,
        width: count,
    };
    let end = match shape {
        Shape::Lines => lines(cx, re, stop, &t),
        Shape::Tuples => tuples(cx, re + 1, stop, &t),
    };
    Some(end)
}

/// What the header says about the rows.
struct Table<'c> {
    sep: u8,
    /// The known columns: field index and what it holds.
    cols: &'c [(usize, Col)],
    /// The number of fields: a row with another number is not part of the table.
    width: usize,
}

/// The rows after a header line that ends at `from`: lines up to a blank one or one with
/// another number of fields. Returns where they end.
fn lines(cx: &mut Cx<'_>, from: usize, stop: usize, t: &Table<'_>) -> usize {
    let b = cx.bytes;
    let mut at = from;
    while at < stop && b[at] == b'\n' {
        let s = at + 1;
        let e = b[s..stop]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(stop, |p| s + p);
        let row = &b[s..e];
        if e == stop && stop < b.len() {
            // A row cut by the limit is not read.
            break;
        }
        if !cells(cx, s, row, t) {
            break;
        }
        at = e;
    }
    at
}

/// The tuples after `VALUES`, from `from` (just past the column list's `)`).
fn tuples(cx: &mut Cx<'_>, from: usize, stop: usize, t: &Table<'_>) -> usize {
    let b = cx.bytes;
    let mut at = from;
    let skip_ws = |mut i: usize| {
        while i < stop && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    at = skip_ws(at);
    if !b
        .get(at..at + 6)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"values"))
    {
        return from;
    }
    at = skip_ws(at + 6);
    while at < stop && b[at] == b'(' {
        // The matching `)`, outside quotes.
        let s = at + 1;
        let mut depth = 0usize;
        let mut quote = None;
        let mut e = None;
        let mut i = s;
        while i < stop {
            let c = b[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'(' => depth += 1,
                None if c == b')' && depth == 0 => {
                    e = Some(i);
                    break;
                }
                None if c == b')' => depth -= 1,
                None => {}
            }
            i += 1;
        }
        let Some(e) = e else { break };
        if !cells(cx, s, &b[s..e], t) {
            break;
        }
        at = skip_ws(e + 1);
        if b.get(at) == Some(&b',') {
            at = skip_ws(at + 1);
        }
    }
    at
}

/// Reports the cells of `row` (which starts at `base`) in the known columns that are exactly a
/// valid value of their column. False, and nothing reported, when the row has fewer fields
/// than the header, or more than [`EXTRA_FIELDS`] more.
///
/// A row with one or two fields more than the header most often holds an unquoted separator
/// in a leading text field (`Reyes, Maria,1980-02-11,…` under `name,birth_date,…`): its
/// columns are counted from the right. Cells are validated all the same, so a column left of
/// the split only misses its value.
fn cells(cx: &mut Cx<'_>, base: usize, row: &[u8], t: &Table<'_>) -> bool {
    let mut width = 0;
    for _ in fields(row, t.sep) {
        width += 1;
        if width > t.width + EXTRA_FIELDS {
            return false;
        }
    }
    if width < t.width {
        return false;
    }
    let shift = width - t.width;
    let mut found = [((0, 0), Col::Birth); COLUMNS_MAX];
    let mut n = 0;
    for (k, f) in fields(row, t.sep).enumerate() {
        let Some(col) = k.checked_sub(shift) else {
            continue;
        };
        if let Some(&(_, col)) = t.cols.iter().find(|c| c.0 == col) {
            if n < COLUMNS_MAX {
                found[n] = (f, col);
                n += 1;
            }
        }
    }
    for &(f, col) in &found[..n] {
        let (s, e) = trim(row, f);
        let (s, e) = (base + s, base + e);
        if s == e || !cx.bytes[s].is_ascii_alphanumeric() {
            continue;
        }
        let Some(hay) = cx.text.get(..e) else {
            continue;
        };
        if let Some(kind) = cell_kind(hay, s, col) {
            cx.emit(kind, s, e, SCORE_WITH_CUE, priority::CONTEXTUAL);
        }
    }
    true
}

/// The kind of the cell `hay[s..]` (the cell ends where `hay` does) in a column `col`, when it
/// is exactly a valid value of that column.
fn cell_kind(hay: &str, s: usize, col: Col) -> Option<Kind> {
    let v = &hay[s..];
    let digits = |n: usize| v.len() == n && v.bytes().all(|c| c.is_ascii_digit());
    match col {
        Col::Birth => (date_at(hay, s) == Some((hay.len(), true))).then_some(Kind::DATE_OF_BIRTH),
        Col::Ssn => {
            let shape = digits(9)
                || (v.len() == 11
                    && v.bytes().enumerate().all(|(i, c)| match i {
                        3 | 6 => c == b'-',
                        _ => c.is_ascii_digit(),
                    }));
            if !shape {
                None
            } else if validate::us_itin(v) {
                Some(Kind::US_ITIN)
            } else {
                validate::us_ssn(v).then_some(Kind::US_SSN)
            }
        }
        Col::Npi => (digits(10) && validate::npi(v)).then_some(Kind::NPI),
        Col::Routing => (digits(9) && validate::aba_routing(v)).then_some(Kind::ABA_ROUTING),
        Col::Labelled(label) => {
            // One token of letters, digits and inner dashes.
            let token = v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && !v.starts_with('-')
                && !v.ends_with('-');
            let kind = label.kind()?;
            (token && value_ok(label, v.as_bytes())).then_some(kind)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    #[test]
    fn birth_columns() {
        for (t, want) in [
            (
                "id,name,email,dob\n1,Ann Roe,ann@corp.test,1988-02-29\n2,Bo Li,bo@corp.test,03/04/1975\n",
                &["1988-02-29", "03/04/1975"][..],
            ),
            (
                "name\tbirth_date\tcity\nAnn\t1961-07-22\tLyon\nBo\t\tNice\nCy\t1990-12-01\tParis",
                &["1961-07-22", "1990-12-01"],
            ),
            (
                "| Patient | Date of Birth | MRN |\n|---|---|---|\n| R. Ode | 12 May 1944 | 4410 |\n",
                &["12 May 1944"],
            ),
            (
                "INSERT INTO people (id, \"full_name\", birthDate) VALUES (7, 'O''Hara, K', '1979-03-30'),\n  (8, 'Lee', '1981-11-02');",
                &["1979-03-30", "1981-11-02"],
            ),
            (
                "\"id\";\"DOB\";\"spouse_dob\"\n\"4\";\"1950-01-02\";\"1952-03-04\"",
                &["1950-01-02", "1952-03-04"],
            ),
        ] {
            assert_eq!(found(Kind::DATE_OF_BIRTH, t), want, "{t}");
        }
    }

    #[test]
    fn id_columns() {
        for (kind, t, want) in [
            (
                Kind::US_SSN,
                "INSERT INTO customers (id, full_name, ssn, dob) VALUES\n  (1, 'Ann Roe', '423215101', '1963-09-30'),\n  (2, 'Bo Li', '304-61-4975', '1990-12-01');",
                &["423215101", "304-61-4975"][..],
            ),
            (
                Kind::US_ITIN,
                "name,ssn\nAna,912-70-3456\n",
                &["912-70-3456"],
            ),
            (
                Kind::US_PASSPORT,
                "name,birth_date,nationality,passport_no,passport_exp\nReyes, Maria,1980-02-11,USA,571688164,2029-06-23\nReyes, Tomas,2012-07-30,USA,A34266938,2029-07-24\n",
                &["571688164", "A34266938"],
            ),
            (
                Kind::DATE_OF_BIRTH,
                "name,birth_date,nationality,passport_no,passport_exp\nReyes, Maria,1980-02-11,USA,571688164,2029-06-23\n",
                &["1980-02-11"],
            ),
            (
                Kind::ABA_ROUTING,
                "payee,routing_number,account_number,amount\nCedar Plumbing,011000015,6414878359,4528.70\n",
                &["011000015"],
            ),
            (
                Kind::BANK_ACCOUNT,
                "payee,routing_number,account_number,amount\nCedar Plumbing,011000015,6414878359,4528.70\n",
                &["6414878359"],
            ),
            (
                Kind::NPI,
                "last,first,npi,dea\nRahimi,Soraya,1234567893,FR8714722\n",
                &["1234567893"],
            ),
            (
                Kind::MRN,
                "appt_id\tpatient_id\tmrn\tdob\nA-1\tP0092217\t1184920\t1991-04-02\n",
                &["1184920"],
            ),
            (
                Kind::PATIENT_ID,
                "appt_id\tpatient_id\tmrn\tdob\nA-1\tP0092217\t1184920\t1991-04-02\n",
                &["P0092217"],
            ),
            (
                Kind::INSURANCE_ID,
                "| Member | DOB | Member ID | Plan |\n|---|---|---|---|\n| R. Ode | 1950-02-03 | XGH884120934 | PPO |\n",
                &["XGH884120934"],
            ),
        ] {
            assert_eq!(found(kind, t), want, "{t}");
        }
    }

    #[test]
    fn id_column_hard_negatives() {
        for (kind, t) in [
            // Failed checks: SSN rules, NPI and routing checksums.
            (
                Kind::US_SSN,
                "id,ssn\n1,000-12-3456\n2,123456789\n3,66612345\n",
            ),
            (Kind::NPI, "name,npi\nA,1234567890\n"),
            (Kind::ABA_ROUTING, "name,routing\nA,011000016\n"),
            // Columns with more after the id, and cloud accounts.
            (Kind::US_PASSPORT, "name,passport_expiry\nA,20290623\n"),
            (
                Kind::BANK_ACCOUNT,
                "name,account_id,account_type\nprod,123456789012,5512093\n",
            ),
            (Kind::INSURANCE_ID, "name,member_since\nA,20190411\n"),
            // Text in the column; a row three fields wider is not the table's.
            (Kind::MRN, "name,mrn\nA,unknown\nB,n/a\n"),
            (Kind::MRN, "name,mrn\nA,b,c,d,00482913\n"),
        ] {
            assert!(found(kind, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn birth_column_hard_negatives() {
        for t in [
            // Other date columns.
            "id,created_at,updated\n1,2024-01-02,2024-02-03\n",
            // The header word is not a header cell.
            "The DOB, as recorded, was missing.\n2024-01-02,x\n",
            // Not a date in the column.
            "id,dob\n1,unknown\n2,N/A\n3,13/13/1990\n",
            // A blank line ends the table.
            "id,dob\n\n1,1970-01-01\n",
            // Dates in a birth column but in another column.
            "dob,visit\nx,2024-05-06\n",
            // Rows of another width are not the table's.
            "id,dob,x\n1,1970-01-01\n",
            // birth_weight is not a date column.
            "id,birth_weight\n1,3.20\n",
            "INSERT INTO t (id, dob) SELECT id, '1970-01-01' FROM u;",
        ] {
            assert!(found(Kind::DATE_OF_BIRTH, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn rows_are_bounded() {
        // A header followed by a very long table: work stays bounded and rows past the limit
        // are not read.
        let mut t = String::from("id,dob\n");
        for i in 0..5000 {
            t.push_str(&format!("{i},1970-01-01\n"));
        }
        let n = found(Kind::DATE_OF_BIRTH, &t).len();
        assert!(n > 1000 && n < 5000, "{n}");
        // Many header-like lines: linear.
        let t = "dob,dob,dob\n".repeat(100_000);
        let t0 = std::time::Instant::now();
        let _ = crate::Scanner::builtin().scan(&t);
        assert!(t0.elapsed().as_secs_f64() < 2.0);
    }
}
