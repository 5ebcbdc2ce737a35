//! Values in the rows of a table whose header names their column: CSV, TSV, `;`- and
//! `|`-separated and Markdown tables, SQL `INSERT INTO t (…) VALUES (…), (…)`, and tables
//! aligned with spaces (SQL*Plus and psql output, fixed-width reports: see [`aligned`]). The columns
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
use super::{escape_at, escape_letter, priority, Cx, Detect, Hit, Trigger, SCORE_WITH_CUE};
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
    /// Passwords (`password`, `passwd`, `pwd`) and other secrets (`secret`, `token`, `api
    /// key`): a credentials inventory.
    Password,
    Secret,
    /// A column whose values are checked as their label's ([`value_ok`]).
    Labelled(Label),
}

/// A table's shape: how records are delimited and fields separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// One record per line.
    Lines,
    /// One record per line of a JSON string read raw: lines end at `\n` escapes.
    EscapedLines,
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
            Kind::PASSWORD,
            Kind::GENERIC_SECRET,
        ]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(
            // Not `patient`, `member` or `account`: common words in text, each hit a header
            // check, and a table with such a column nearly always has one of these too.
            // `pass` and `secret` are anchors of the assigned-secret detector too: the same
            // automaton patterns, no new ones.
            [
                "dob", "birth", "ssn", "mrn", "npi", "passport", "routing", "pass", "secret",
            ]
            .map(String::from)
            .to_vec(),
        )]
    }

    fn max_len(&self) -> usize {
        ROWS_MAX + 2 * HEADER_MAX
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        table(cx, hit)
            .or_else(|| aligned(cx, hit))
            .or_else(|| html(cx, hit))
            .unwrap_or(hit.end)
            .max(hit.end)
    }
}

/// Separates fields.
fn is_sep(c: u8) -> bool {
    matches!(c, b',' | b'\t' | b';' | b'|')
}

/// Ends a header field. (A backslash starts the `\n` escape that ends a header line in a JSON
/// string read raw.)
fn field_end(c: u8) -> bool {
    is_sep(c) || matches!(c, b'\n' | b'\r' | b'(' | b')' | b'\\')
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
    } else if is(&[
        "routing",
        "aba",
        "rtn",
        "abarouting",
        "bankrouting",
        "achrouting",
        "wirerouting",
    ]) || ends(&["routingnumber", "routingno"])
    {
        Col::Routing
    } else if is(&["password", "passwd", "pwd", "pass", "passphrase"]) || ends(&["password"]) {
        Col::Password
    } else if is(&[
        "secret",
        "token",
        "apikey",
        "apitoken",
        "clientsecret",
        "secretkey",
    ]) || ends(&["secret", "apikey"])
    {
        Col::Secret
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
    } else if is(&[
        "patientid",
        "patientno",
        "patientnumber",
        "ptid",
        "patientacct",
        "patientaccount",
        "patientaccountno",
        "patientaccountnumber",
        "ptacct",
    ]) {
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
    // The letter of the `\n` escape before a cell in a JSON string is no part of it.
    if cs < hit.start && escape_letter(b, cs) {
        cs += 1;
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
            let (o, c) = (o.wrapping_add(1), c);
            // A table inside a JSON string read raw: its lines end at `\n` escapes.
            match escaped_line(b, o, cs, ce, c) {
                Some((hs, he)) => (Shape::EscapedLines, hs, he),
                None => (Shape::Lines, o, c),
            }
        }
    };
    // The known columns.
    let header = &b[rs..re];
    let known = KnownColumns::of(header, fields(header, sep))?;
    let (cols, count) = (known.cols(), known.width);
    let stop = b.len().min(re + ROWS_MAX);
    let t = Table {
        sep,
        cols,
        width: count,
    };
    let end = match shape {
        Shape::Lines => lines(cx, row_lines(b, re, stop), re, &t),
        Shape::EscapedLines => lines(cx, escaped_row_lines(b, re, stop), re, &t),
        Shape::Tuples => tuples(cx, re + 1, stop, &t),
    };
    Some(end)
}

/// Where `b[at..]` starts with a `\n` escape (a backslash that is not itself escaped).
fn escaped_newline(b: &[u8], at: usize) -> bool {
    escape_at(b, at) && b[at + 1] == b'n'
}

/// The header line around the cell `cs..ce` when the text line `ls..le` holds a table in a JSON
/// string: the cell's line runs from the last `\n` escape (or the string's opening quote) before
/// it to the first `\n` escape after it, and a row follows. `None` when no `\n` escape follows
/// the cell on the text line.
fn escaped_line(b: &[u8], ls: usize, cs: usize, ce: usize, le: usize) -> Option<(usize, usize)> {
    let he = (ce..le.saturating_sub(1)).find(|&i| escaped_newline(b, i))?;
    let hs = (ls..cs)
        .rev()
        .find(|&i| b[i] == b'"' || i > ls && escaped_newline(b, i - 1))
        .map_or(ls, |i| i + 1);
    Some((hs, he))
}

/// [`row_lines`] for a table in a JSON string: rows start after a `\n` escape (at `from`) and end
/// at the next one, or at the string's closing quote, which ends the table.
fn escaped_row_lines(
    b: &[u8],
    from: usize,
    stop: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= stop || !escaped_newline(b, at) {
            return None;
        }
        let s = at + 2;
        let e = (s..stop)
            .find(|&i| b[i] == b'"' || escaped_newline(b, i))
            .unwrap_or(stop);
        if e == stop && stop < b.len() {
            return None;
        }
        at = e;
        Some((s, e))
    })
}

/// The columns of a header record that this detector knows.
struct KnownColumns {
    /// (field index, column), the first `n` set.
    cols: [(usize, Col); COLUMNS_MAX],
    n: usize,
    /// The number of fields of the header.
    width: usize,
}

impl KnownColumns {
    /// The known columns among the header's fields (byte ranges of `header`, trimmed here).
    /// `None` unless one is known and the header has two fields at least.
    fn of(header: &[u8], fields: impl Iterator<Item = (usize, usize)>) -> Option<KnownColumns> {
        let mut k = KnownColumns {
            cols: [(usize::MAX, Col::Birth); COLUMNS_MAX],
            n: 0,
            width: 0,
        };
        for (i, f) in fields.enumerate() {
            k.width = i + 1;
            let (s, e) = trim(header, f);
            if k.n < COLUMNS_MAX {
                if let Some(col) = header_column(&header[s..e]) {
                    k.cols[k.n] = (i, col);
                    k.n += 1;
                }
            }
        }
        (k.n > 0 && k.width >= 2).then_some(k)
    }

    fn cols(&self) -> &[(usize, Col)] {
        &self.cols[..self.n]
    }
}

/// The fewest columns a space-aligned header without a rule line under it has.
const ALIGNED_COLUMNS_MIN: usize = 3;

/// The cells of a space-aligned line: runs of text separated by two spaces or more (one space
/// joins words: `Date of Birth`), as byte ranges.
fn aligned_cells(line: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < line.len() && matches!(line[i], b' ' | b'\r') {
            i += 1;
        }
        if i >= line.len() {
            return None;
        }
        let s = i;
        while i < line.len()
            && !(matches!(line[i], b' ' | b'\r')
                && line.get(i + 1).is_none_or(|c| matches!(c, b' ' | b'\r')))
        {
            i += 1;
        }
        Some((s, i))
    })
}

/// The column a header cell names: the whole cell (`BIRTH_DT`, `Date of Birth`), its
/// parenthesised part (`Pharmacy (NPI)`), or the part before it (`Passport (US)`).
fn header_column(cell: &[u8]) -> Option<Col> {
    column_of(cell).or_else(|| {
        let o = cell.iter().position(|c| *c == b'(')?;
        let c = o + cell[o..].iter().position(|c| *c == b')')?;
        column_of(&cell[o + 1..c]).or_else(|| column_of(cell[..o].trim_ascii()))
    })
}

/// A table whose columns are aligned with spaces (SQL*Plus and psql output, fixed-width
/// reports): the header word's line, read as cells separated by two spaces or more, must have
/// [`ALIGNED_COLUMNS_MIN`] cells and name the word's column, with no field separator in it.
/// Below it, after an optional rule line (`----------  ------`, which then gives the columns'
/// bounds), each line with two cells or more is a row, up to the first line that has fewer; in each known column, a space-separated token that overlaps the header cell's
/// byte range and is a valid value of the column is reported. Returns where the rows end.
fn aligned(cx: &mut Cx<'_>, hit: &Hit) -> Option<usize> {
    let b = cx.bytes;
    // First, cheaply: the header word's cell (letters, `_`, `-`, `.`, `#`, parentheses and
    // single spaces) ends within [`CELL_MAX`] bytes on both sides at a two-space gap or a
    // line's end. Prose fails here, mostly on the first byte after the word (`DOB: …`).
    let cell =
        |c: u8| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.' | b'#' | b'(' | b')');
    let edge = |i: usize| b.get(i).is_none_or(|c| matches!(c, b'\n' | b'\r'));
    let mut e = hit.end;
    while e < b.len() && e - hit.end < CELL_MAX {
        if cell(b[e]) || (b[e] == b' ' && b.get(e + 1).is_some_and(|c| cell(*c))) {
            e += 1;
        } else {
            break;
        }
    }
    if !(edge(e) || b.get(e..e + 2) == Some(b"  ")) {
        return None;
    }
    let mut s = hit.start;
    while s > 0 && hit.start - s < CELL_MAX {
        let c = b[s - 1];
        if cell(c) || (c == b' ' && s >= 2 && cell(b[s - 2])) {
            s -= 1;
        } else {
            break;
        }
    }
    if !(s == 0 || edge(s - 1) || (s >= 2 && &b[s - 2..s] == b"  ")) {
        return None;
    }
    let lo = hit.start.saturating_sub(HEADER_MAX);
    let ls = match b[lo..hit.start].iter().rposition(|c| *c == b'\n') {
        Some(p) => lo + p + 1,
        None if lo == 0 => 0,
        None => return None,
    };
    let hi = b.len().min(hit.end + HEADER_MAX);
    let le = b[hit.end..hi]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(hi, |p| hit.end + p);
    if le == hi && hi < b.len() {
        return None;
    }
    let header = &b[ls..le];
    if header.iter().any(|c| is_sep(*c)) {
        return None;
    }
    // A known column's reach: from the end of the cell before its header cell to the start of
    // the one after, so that left-aligned text and right-aligned numbers both fall in it.
    let mut cols = [((0usize, 0usize), Col::Birth); COLUMNS_MAX];
    let (mut n, mut count, mut at_hit) = (0, 0, false);
    let mut prev_end = 0;
    let mut open: Option<usize> = None;
    // A rule line under the header (SQL*Plus, psql: `---------- ------------`) gives the
    // columns' bounds, and headers separated by one space are told apart by it.
    let rule_line = {
        let s = (le + 1).min(b.len());
        let e = b[s..b.len().min(s + HEADER_MAX)]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(b.len().min(s + HEADER_MAX), |p| s + p);
        let line = &b[s..e];
        (line.contains(&b'-') && line.iter().all(|c| is_rule_byte(*c))).then_some(line)
    };
    let mut split = [(0usize, 0usize); CELLS_MAX];
    let mut m = 0;
    match rule_line {
        Some(rule) => {
            for (s, e) in dash_runs(rule) {
                let (s, e) = (s.min(header.len()), e.min(header.len()));
                if m < CELLS_MAX && s < e {
                    split[m] = (s, e);
                    m += 1;
                }
            }
        }
        None => {
            for c in aligned_cells(header) {
                if m < CELLS_MAX {
                    split[m] = c;
                    m += 1;
                }
            }
        }
    }
    for &(s, e) in &split[..m] {
        let (s, e) = trim(header, (s, e));
        if s >= e {
            continue;
        }
        count += 1;
        if let Some(k) = open.take() {
            cols[k].0 .1 = s;
        }
        if let Some(col) = header_column(&header[s..e]) {
            at_hit |= (ls + s..=ls + e).contains(&hit.start);
            if n < COLUMNS_MAX {
                cols[n] = ((prev_end, usize::MAX), col);
                open = Some(n);
                n += 1;
            }
        }
        prev_end = e;
    }
    // Under a rule line two columns are enough: the rule line says it is a table.
    if !at_hit || count < ALIGNED_COLUMNS_MIN && (rule_line.is_none() || count < 2) {
        return None;
    }
    let stop = b.len().min(le + ROWS_MAX);
    let mut at = le;
    let mut first = true;
    for (s, e) in row_lines(b, le, stop) {
        let row = &b[s..e];
        let rule = first && rule_line.is_some();
        // A blank line ends the rows; without a rule line, so does a line of prose (no
        // two-space gap).
        let cells = aligned_cells(row);
        let ends = if rule_line.is_some() {
            cells.take(1).count() == 0
        } else {
            cells.take(2).count() < 2
        };
        if ends {
            break;
        }
        if !rule {
            for &((cs, ce), col) in &cols[..n] {
                for (ts, te) in aligned_cells_words(row) {
                    if te <= cs || ts >= ce {
                        continue;
                    }
                    let (ts, te) = (s + ts, s + te);
                    let Some(hay) = cx.text.get(..te) else {
                        continue;
                    };
                    if !b[ts].is_ascii_alphanumeric() {
                        continue;
                    }
                    if let Some(kind) = cell_kind(hay, ts, col) {
                        cx.emit(kind, ts, te, SCORE_WITH_CUE, priority::CONTEXTUAL);
                    }
                }
            }
        }
        first = false;
        at = e;
    }
    Some(at)
}

/// The first `pat` (ASCII, matched without case) in `hay`.
fn find_ci(hay: &[u8], pat: &[u8]) -> Option<usize> {
    hay.windows(pat.len())
        .position(|w| w.eq_ignore_ascii_case(pat))
}

/// The first tag that starts with `tag` (`<tr`, `</tr`: ASCII, matched without case) in `hay`
/// and whose name ends there: `<tr>` and `<tr class=…>`, not `<track>`.
fn find_tag(hay: &[u8], tag: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let o = from + find_ci(hay.get(from..)?, tag)?;
        if !hay
            .get(o + tag.len())
            .is_some_and(u8::is_ascii_alphanumeric)
        {
            return Some(o);
        }
        from = o + 1;
    }
}

/// The text of each cell of an HTML table row (`<td …>text</td>`, `<th>` too), as byte ranges
/// of `row` up to the next tag. Cells whose text holds markup yield what precedes it.
fn html_cells(row: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let o = i + row.get(i..)?.iter().position(|c| *c == b'<')?;
        i = o + 1;
        let tag = row.get(o + 1..o + 3)?;
        let cell = tag.eq_ignore_ascii_case(b"td") || tag.eq_ignore_ascii_case(b"th");
        if !cell || row.get(o + 3).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        let s = o + 3 + row[o + 3..].iter().position(|c| *c == b'>')? + 1;
        let e = row[s..]
            .iter()
            .position(|c| *c == b'<')
            .map_or(row.len(), |p| s + p);
        i = e;
        return Some((s, e));
    })
}

/// An HTML table whose header row (`<tr><th>Patient</th><th>MRN</th>…</tr>`) holds the header
/// word as a whole cell: the rows after it up to `</table>` (at most [`ROWS_MAX`] bytes), cells
/// counted by their `<td>`/`<th>` tags, report the valid values of the known columns. Returns
/// where the rows end.
fn html(cx: &mut Cx<'_>, hit: &Hit) -> Option<usize> {
    let b = cx.bytes;
    // The word's cell: `>` … `</th>`/`</td>`, header-cell bytes between.
    let inner = |c: u8| cell_byte(c) || matches!(c, b'(' | b')');
    let mut cs = hit.start;
    while cs > 0 && hit.start - cs < CELL_MAX && inner(b[cs - 1]) {
        cs -= 1;
    }
    let mut ce = hit.end;
    while ce < b.len() && ce - hit.end < CELL_MAX && inner(b[ce]) {
        ce += 1;
    }
    if cs == 0 || b[cs - 1] != b'>' {
        return None;
    }
    let close = b.get(ce..ce + 4)?;
    if !(close.eq_ignore_ascii_case(b"</th") || close.eq_ignore_ascii_case(b"</td")) {
        return None;
    }
    // The header row, `<tr` … `</tr`.
    let lo = cs.saturating_sub(HEADER_MAX);
    let hi = b.len().min(ce + HEADER_MAX);
    // The row's tags only: a `</tr` before the cell or a `<tr` after it ends the search, so
    // that header-like cells in a run of rows are each read in a few bytes.
    let is_tag = |i: usize, t: &[u8]| {
        b.get(i..i + t.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(t))
            && !b.get(i + t.len()).is_some_and(u8::is_ascii_alphanumeric)
    };
    let rs = (lo..cs)
        .rev()
        .filter(|&i| b[i] == b'<')
        .find(|&i| is_tag(i, b"<tr") || is_tag(i, b"</tr"))
        .filter(|&i| is_tag(i, b"<tr"))?;
    let re = (ce..hi)
        .filter(|&i| b[i] == b'<')
        .find(|&i| is_tag(i, b"<tr") || is_tag(i, b"</tr"))
        .filter(|&i| is_tag(i, b"</tr"))?;
    let header = &b[rs..re];
    let known = KnownColumns::of(header, html_cells(header))?;
    let cols = known.cols();
    let stop = b.len().min(re + ROWS_MAX);
    let end = find_tag(&b[re..stop], b"</table").map_or(stop, |p| re + p);
    let mut at = re + 4;
    while at < end {
        let Some(o) = find_tag(&b[at..end], b"<tr") else {
            break;
        };
        let s = at + o + 3;
        let Some(c) = find_tag(&b[s..end], b"</tr") else {
            break;
        };
        let e = s + c;
        for (k, (cs, ce)) in html_cells(&b[s..e]).enumerate() {
            let Some(&(_, col)) = cols.iter().find(|c| c.0 == k) else {
                continue;
            };
            let (ts, te) = trim(&b[s..e], (cs, ce));
            let (ts, te) = (s + ts, s + te);
            if ts == te || !b[ts].is_ascii_alphanumeric() {
                continue;
            }
            let Some(hay) = cx.text.get(..te) else {
                continue;
            };
            if let Some(kind) = cell_kind(hay, ts, col) {
                cx.emit(kind, ts, te, SCORE_WITH_CUE, priority::CONTEXTUAL);
            }
        }
        at = e + 4;
    }
    Some(at.min(b.len()))
}

/// The most cells a space-aligned header is split into.
const CELLS_MAX: usize = 32;

/// The bytes of a rule line under a header: `-`, `=`, `+`, `|` and blanks.
fn is_rule_byte(c: u8) -> bool {
    matches!(c, b'-' | b'=' | b'+' | b'|' | b' ' | b'\t' | b'\r')
}

/// The runs of `-` or `=` in a rule line, as byte ranges.
fn dash_runs(line: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < line.len() && !matches!(line[i], b'-' | b'=') {
            i += 1;
        }
        if i >= line.len() {
            return None;
        }
        let s = i;
        while i < line.len() && matches!(line[i], b'-' | b'=') {
            i += 1;
        }
        Some((s, i))
    })
}

/// The space-separated tokens of a row, as byte ranges, with trailing `,` and `;` left out.
fn aligned_cells_words(row: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    row.split(|c| matches!(c, b' ' | b'\t' | b'\r'))
        .scan(0usize, |off, w| {
            let s = *off;
            *off += w.len() + 1;
            Some((s, s + w.len()))
        })
        .filter(|(s, e)| e > s)
        .map(|(s, mut e)| {
            while e > s && matches!(row[e - 1], b',' | b';') {
                e -= 1;
            }
            (s, e)
        })
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
fn lines(
    cx: &mut Cx<'_>,
    rows: impl Iterator<Item = (usize, usize)>,
    from: usize,
    t: &Table<'_>,
) -> usize {
    let b = cx.bytes;
    let mut at = from;
    for (s, e) in rows {
        let row = &b[s..e];
        // A rule line between rows (`+------+-----+` in MySQL's output) is no row.
        let rule = row.contains(&b'-') && row.iter().all(|c| is_rule_byte(*c));
        if !rule && !cells(cx, s, row, t) {
            break;
        }
        at = e;
    }
    at
}

/// The lines that follow `from` (a `\n`, or `stop`), as byte ranges without their newlines,
/// up to `stop`. A line that `stop` cuts before the text ends is not yielded: a row cut by the
/// limit is not read. The caller keeps the end of the last row it accepted.
fn row_lines(b: &[u8], from: usize, stop: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= stop || b[at] != b'\n' {
            return None;
        }
        let s = at + 1;
        let e = b[s..stop]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(stop, |p| s + p);
        if e == stop && stop < b.len() {
            return None;
        }
        at = e;
        Some((s, e))
    })
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
        Col::Password => super::secrets::assign::table_secret_ok(v).then_some(Kind::PASSWORD),
        Col::Secret => super::secrets::assign::table_secret_ok(v).then_some(Kind::GENERIC_SECRET),
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
    fn aligned_columns() {
        // SQL*Plus: the rule line gives the columns; numbers right-aligned, dates left.
        let sqlplus = " MEMBER_ID LAST_NAME    BIRTH_DT   EMAIL\n\
                       ---------- ------------ ---------- ------------------------------\n\
                       \x20    88104 HALVORSEN    14-MAR-58  jh@mnfarmers.org\n\
                       \x20    88105 DUBOIS       02-OCT-71  md@mnfarmers.org\n\
                       \n2 rows selected.\n";
        assert_eq!(
            found(Kind::DATE_OF_BIRTH, sqlplus),
            ["14-MAR-58", "02-OCT-71"]
        );
        assert_eq!(found(Kind::INSURANCE_ID, sqlplus), ["88104", "88105"]);
        // A fixed-width report: columns two spaces apart, values longer than their header.
        let report = "Filled      Drug                 Qty  Prescriber (DEA)           Pharmacy (NPI)\n\
                      08/30/2024  HYDROCODONE 10 MG    60   Patel, Nikhil  BP4537671   Pine Ridge Pharmacy 2422636078\n\
                      07/11/2024  TRAMADOL 50 MG       28   Greene, Alicia FG0056235   Main St Drug 1239120433\n\
                      Summary: 2 prescriptions; pharmacy 1245319599 on file.\n";
        assert_eq!(found(Kind::NPI, report), ["2422636078", "1239120433"]);
    }

    #[test]
    fn credential_columns() {
        let md = "| System | Username | Secret | Rotated |\n|---|---|---|---|\n\
                  | Billing DB | billing_admin | `juniper-willow-maple-55` | 2025-11-02 |\n\
                  | Slack bot | - | `xoxb-298579499423-0120273039058-Je82pI7wyJg348GsIi5pPxGE` | never |\n\
                  | Legacy FTP | ftpuser | *(in vault)* | - |\n| Other | x | changeme | - |\n";
        assert_eq!(found(Kind::GENERIC_SECRET, md), ["juniper-willow-maple-55"]);
        let csv =
            "user,password,role\nalice,Tr0ub4dor&3,admin\nbob,,viewer\ncarol,password,viewer\n\
                   dave,${DB_PASS},viewer\n";
        assert_eq!(found(Kind::PASSWORD, csv), ["Tr0ub4dor&3"]);
        // Prose around the words is no header.
        let prose = "Your password, secret and token are private.\nKeep them, please, safe.";
        assert!(found(Kind::PASSWORD, prose).is_empty());
        assert!(found(Kind::GENERIC_SECRET, prose).is_empty());
    }

    #[test]
    fn csv_in_a_json_string() {
        // An agent's file-read result: the CSV's lines are `\n` escapes in one JSON string.
        let body = r#"{"content":"member,full_name,date_of_birth,ssn\n37021,Odette Ibarra,1966-12-28,755-74-8861\n60124,Yara Zeller,1988-12-15,595-28-1861","next":"1999-01-01"}"#;
        assert_eq!(
            found(Kind::DATE_OF_BIRTH, body),
            ["1966-12-28", "1988-12-15"]
        );
        let last = r#""id,dob\n1,1966-12-28\n2,1970-01-02""#;
        assert_eq!(
            found(Kind::DATE_OF_BIRTH, last),
            ["1966-12-28", "1970-01-02"]
        );
        // Without a row after the header there is no table.
        assert!(found(Kind::DATE_OF_BIRTH, r#""id,dob" and then 1966-12-28"#).is_empty());
    }

    #[test]
    fn qualified_routing_columns() {
        let csv = "employee_id,full_name,bank_routing,bank_account,account_type,pct\n\
                   39142,Kwame Nakashima,259277668,79351369039,CHK,25\n\
                   28523,Ezra Vasquez-Rey,309459446,852173599092,SAV,50\n";
        assert_eq!(found(Kind::ABA_ROUTING, csv), ["259277668", "309459446"]);
        assert_eq!(
            found(Kind::BANK_ACCOUNT, csv),
            ["79351369039", "852173599092"]
        );
    }

    #[test]
    fn html_and_parenthesised_columns() {
        let html = "<table class=\"census\">\n<tr><th>Patient</th><th>MRN</th><th scope=\"col\">DOB</th></tr>\n\
                    <tr><td>Roe, Ann</td><td>M0817634</td><td>08/05/1960</td></tr>\n\
                    <TR><TD>Poe, Edgar</TD><TD>7795705</TD><TD>01/26/2000</TD></TR>\n</table>\n\
                    <p>MRN 1234 and 02/02/2002 after the table</p>";
        assert_eq!(found(Kind::MRN, html), ["M0817634", "7795705"]);
        assert_eq!(
            found(Kind::DATE_OF_BIRTH, html),
            ["08/05/1960", "01/26/2000"]
        );
        let md = "| Applicant | Passport (US) | DOB |\n|---|---|---|\n| Wen Osei | F43943935 | 03/13/1990 |\n";
        assert_eq!(found(Kind::US_PASSPORT, md), ["F43943935"]);
        // A header-like cell that is not in a header row; a run of header rows without ends.
        for t in [
            "<p>DOB</p><tr><td>01/02/1990</td></tr>",
            &"<tr><th>dob</th>".repeat(200),
            // Only `<tr>` starts a row: not `<track>`, whose name merely begins the same way.
            "<table><tr><th>Patient</th><th>MRN</th><th>DOB</th></tr>\n\
             <track kind=\"x\"><td>Roe</td><td>M0817634</td><td>01/02/1990</td></track>\n</table>",
        ] {
            assert!(found(Kind::DATE_OF_BIRTH, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn aligned_column_hard_negatives() {
        for t in [
            // Prose with a double space is no header (too few cells, or no known column).
            "Her birth  was in 1970, on 1970-01-01 exactly.\nnext 1970-01-01  line 1970-01-01\n",
            // Two cells only.
            "Name      DOB\nAnn Roe   1970-01-01\n",
            // A date outside the birth column.
            "Name      DOB         Visit\nAnn Roe   unknown     2024-05-06\n",
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
        // Header words in prose without line breaks, and space-aligned header-like lines.
        for t in [
            "dob birth npi ".repeat(100_000),
            "x  dob  npi\n".repeat(100_000),
            format!("a  b  dob\n{}", "1970-01-01  x\n".repeat(100_000)),
        ] {
            let t0 = std::time::Instant::now();
            let _ = crate::Scanner::builtin().scan(&t);
            assert!(t0.elapsed().as_secs_f64() < 2.0);
        }
        // Many header-like lines: linear.
        let t = "dob,dob,dob\n".repeat(100_000);
        let t0 = std::time::Instant::now();
        let _ = crate::Scanner::builtin().scan(&t);
        assert!(t0.elapsed().as_secs_f64() < 2.0);
    }
}
