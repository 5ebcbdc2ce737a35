//! Dates of birth in the rows of a table whose header names the column: CSV, TSV, `;`- and
//! `|`-separated and Markdown tables (`dob`, `birth_date`, `Date of Birth` over the column),
//! and SQL `INSERT INTO t (…, birth_date) VALUES (…), (…)`.
//!
//! A date under a column header has no label beside it, so the labelled-value detector (which
//! walks back from a value to its label) cannot see it. This detector starts from the header
//! word instead: a literal trigger on `dob` and `birth`, which are rare in text. It reads which
//! columns of the header record are birth dates, then walks the rows below (lines until a blank
//! line or a line without the separator; for SQL, the `VALUES` tuples) for at most
//! [`ROWS_MAX`] bytes, and reports each cell that is exactly a possible date. Work per header is
//! bounded, and the engine skips this detector's later hits inside the rows it read, so scans
//! stay linear; `max_len` covers the rows, so a stream scrubber keeps the header in view.

use std::sync::Arc;

use super::pii::date_at;
use super::{priority, Cx, Detect, Hit, Trigger, SCORE_WITH_CUE};
use crate::finding::Kind;

/// The furthest a row is read after the end of its header record, in bytes.
const ROWS_MAX: usize = 16 * 1024;
/// The furthest the header record is read on either side of the header word, in bytes.
const HEADER_MAX: usize = 1024;
/// The most birth-date columns one header may name.
const COLUMNS_MAX: usize = 4;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(BirthColumn)]
}

/// See the module documentation.
struct BirthColumn;

/// A table's shape: how records are delimited and fields separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// One record per line.
    Lines,
    /// SQL: a parenthesised column list, then `VALUES` and parenthesised tuples.
    Tuples,
}

impl Detect for BirthColumn {
    fn id(&self) -> &'static str {
        "birth_column"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::DATE_OF_BIRTH]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(vec!["dob".into(), "birth".into()])]
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

/// True when a header cell names a date of birth: its letters, lower-cased, are `dob` or end
/// with `dob`, `dateofbirth`, `birthdate`, `birthday`, `birthdt` or `geburtsdatum`
/// (`DOB`, `patient_dob`, `Date of Birth`, `birthDate`, `BIRTH_DT`).
fn birth_header(cell: &[u8]) -> bool {
    let mut n = [0u8; 48];
    let mut k = 0;
    for &c in cell {
        if c.is_ascii_alphabetic() {
            let Some(slot) = n.get_mut(k) else {
                return false;
            };
            *slot = c.to_ascii_lowercase();
            k += 1;
        } else if !matches!(c, b'_' | b'-' | b' ' | b'.' | b'/') {
            return false;
        }
    }
    let n = &n[..k];
    [
        "dob",
        "dateofbirth",
        "birthdate",
        "birthday",
        "birthdt",
        "geburtsdatum",
    ]
    .iter()
    .any(|s| n.ends_with(s.as_bytes()))
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

/// Reads the table around a header word at `hit` and reports the dates in its birth-date
/// columns. Returns where this detector may resume, or `None` when `hit` is not in a header.
fn table(cx: &mut Cx<'_>, hit: &Hit) -> Option<usize> {
    let b = cx.bytes;
    // The header cell around the word.
    let lo = hit.start.saturating_sub(64);
    let cs = match b[lo..hit.start].iter().rposition(|c| field_end(*c)) {
        Some(p) => lo + p + 1,
        None if lo == 0 => 0,
        None => return None,
    };
    let hi = b.len().min(hit.end + 64);
    let ce = b[hit.end..hi]
        .iter()
        .position(|c| field_end(*c))
        .map_or(hi, |p| hit.end + p);
    let (ts, te) = trim(b, (cs, ce));
    if !birth_header(&b[ts..te]) {
        return None;
    }
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
    // The birth-date columns.
    let header = &b[rs..re];
    let mut cols = [usize::MAX; COLUMNS_MAX];
    let mut n = 0;
    let mut count = 0;
    for (k, f) in fields(header, sep).enumerate() {
        count = k + 1;
        let (s, e) = trim(header, f);
        if n < COLUMNS_MAX && birth_header(&header[s..e]) {
            cols[n] = k;
            n += 1;
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
    /// The birth-date columns.
    cols: &'c [usize],
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

/// Reports the cells of `row` (which starts at `base`) in the birth-date columns that are
/// exactly a possible date. False, and nothing reported, when the row has another number of
/// fields than the header.
fn cells(cx: &mut Cx<'_>, base: usize, row: &[u8], t: &Table<'_>) -> bool {
    let mut dates = [(0, 0); COLUMNS_MAX];
    let mut n = 0;
    let mut width = 0;
    for (k, f) in fields(row, t.sep).enumerate() {
        width = k + 1;
        if width > t.width {
            return false;
        }
        if t.cols.contains(&k) && n < COLUMNS_MAX {
            dates[n] = f;
            n += 1;
        }
    }
    if width != t.width {
        return false;
    }
    for &f in &dates[..n] {
        let (s, e) = trim(row, f);
        let (s, e) = (base + s, base + e);
        if s == e || !cx.bytes[s].is_ascii_alphanumeric() {
            continue;
        }
        let Some(hay) = cx.text.get(..e) else {
            continue;
        };
        if date_at(hay, s) == Some((e, true)) {
            cx.emit(
                Kind::DATE_OF_BIRTH,
                s,
                e,
                SCORE_WITH_CUE,
                priority::CONTEXTUAL,
            );
        }
    }
    true
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
