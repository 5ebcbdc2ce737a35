//! PII detectors: email, phone, SSN/ITIN, network addresses, and the label-only kinds (passport,
//! date of birth, and for the PHI/financial families MRN, patient id, insurance id, bank
//! account).
//!
//! What is reported, in short (each detector's docs have the details):
//!
//! | kind | reported when |
//! |---|---|
//! | `email` | `local@domain.tld`, alphabetic or punycode TLD, not inside a URI or an scp remote |
//! | `phone` | NANP written as a number (`(415) 555-0132`, `415-555-0132`, `+1 …`) or `+CC` E.164; bare or national formats only after a phone word |
//! | `us_ssn` / `us_itin` | `3-2-4` with dashes or spaces passing the SSA / ITIN rules; bare nine digits only after an SSN / ITIN word |
//! | `ip_address` | IPv4 (octets 0-255, no leading zeros, not in a longer dotted run, optional CIDR) and IPv6 (what `std::net` parses, zone and prefix kept) |
//! | `mac_address` | six hex pairs with one `:`/`-`, or Cisco `xxxx.xxxx.xxxx`, not all-zero/broadcast |
//! | `us_passport`, `date_of_birth`, `mrn`, `patient_id`, `insurance_id`, `bank_account` | a value of the right shape right after its label (`Passport No:`, `DOB`, `MRN#`, …) |
//!
//! Guarantees: every detector is called by the engine on one trigger (an `@`, a digit run), reads
//! a bounded window around it and returns past what it examined, so scans stay linear (unit tests
//! scan a megabyte of `1`, `1-`, `1.1.`, `::`, `@`, labels and IBAN prefixes). No indexing is
//! unchecked on untrusted offsets without a bound proven just before it. Ambiguous values (bare
//! nine or ten digits, dates) are never reported without their context word; negative words
//! ("order", "version", "example", …) push the score below the default threshold.
//!
//! Performance notes: no detector here uses a literal trigger (see [`LabelledValues`]); cue words
//! in hot paths are matched word by word ([`WordCues`]); digit groups live on the stack.

use std::sync::Arc;

use once_cell::sync::Lazy;
use regex::Regex;

use super::{escape_letter, is_word_byte, priority, Cx, Detect, DigitRun, Hit, Trigger};
use super::{SCORE_CONFIRMED, SCORE_STRONG, SCORE_WEAK, SCORE_WITH_CUE};
use crate::finding::Kind;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![
        Arc::new(Email),
        Arc::new(Phone),
        Arc::new(SsnItin),
        Arc::new(ShortRuns),
    ]
}

/// One engine dispatch for the detectors that look at every digit run (min_digits 1-2):
/// network addresses, labelled values, Medicare MBIs and IBANs. Their `detect` methods are
/// marked `#[inline]` so that they compile into this one (measured: 2-3% fewer instructions per
/// scan on both bench corpora than four calls per run).
///
/// The engine calls each digit detector once per run; on logs (a digit run every few bytes)
/// four separate detectors cost more in dispatch than in detection. Their findings carry this
/// detector's id. Each part skips cheaply on runs it cannot use; the resume offset is the
/// furthest end any part reported (later runs inside an address, value or IBAN are skipped by
/// all parts, which never find anything inside one another's findings).
struct ShortRuns;

impl Detect for ShortRuns {
    fn id(&self) -> &'static str {
        "short_runs"
    }

    fn kinds(&self) -> Vec<Kind> {
        let mut k = Network.kinds();
        k.extend(LabelledValues.kinds());
        k.extend(super::phi::Mbi.kinds());
        k.extend(super::financial::Iban.kinds());
        k.sort();
        k.dedup();
        k
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 1 }]
    }

    fn max_len(&self) -> usize {
        Network
            .max_len()
            .max(LabelledValues.max_len())
            .max(super::phi::Mbi.max_len())
            .max(super::financial::Iban.max_len())
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        // Most runs in code and logs are plain numbers (`=31169 `, `: 200,`, `(7151)`) that no
        // part can use. With at most two groups and [`inert`] neighbours:
        // - network: an IPv4 address needs four groups; a MAC or IPv6 address six groups, or
        //   three (Cisco), or a hex digit, `:`, `-` or `.` next to the run;
        // - labelled values: letters or `-` before the digits would belong to the value;
        //   without them the value starts at the run, and only `label_before` decides (or,
        //   with a `|` or `^` next to the run, its HL7 field; after `"value":"`, the type
        //   code of its FHIR identifier);
        // - MBI and IBAN: a letter after, resp. before, the digits.
        // A `:` before the run is inert too when no hex digit, `:`, `.` or `-` precedes it
        // (`"created_at":1706321864`): the network part then walks a token that starts with
        // one colon and holds at most two more, neither a MAC (which starts with a hex digit)
        // nor an IPv6 address (which needs `::` or six colons).
        // The `short_runs_gate_agrees` proptest compares this shortcut with all parts.
        let b = cx.bytes;
        let before = run.start.wrapping_sub(1);
        if run.groups < 3
            && (inert(b, before)
                || (b.get(before) == Some(&b':')
                    && !b
                        .get(before.wrapping_sub(1))
                        .is_some_and(|&c| is_hex_tok(c))
                    // SWIFT's `:59:/account` (see `swift_account_at`).
                    && !swift_59(b, run.start)))
            && inert(b, run.end)
            && label_before(b, run.start).is_none()
            && fhir_label(b, run.start).is_none()
        {
            return run.end;
        }
        ShortRuns::all_parts(cx, hit)
    }
}

/// Bytes that [`inert`] accepts: all but ASCII letters, digits, `_`, `:`, `-`, `.`, `^`, `|`
/// and 0xE2, which starts the MICR symbols (`⑈` after an account number).
static INERT: [u8; 256] = byte_table!(|b| {
    if b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.' | b'^' | b'|' | 0xE2) {
        0
    } else {
        1
    }
});

/// The byte at `i` (none out of bounds, `usize::MAX` included) is not a letter, digit, `_`, `:`,
/// `-`, `.`, `^`, `|` or 0xE2.
#[inline(always)]
fn inert(b: &[u8], i: usize) -> bool {
    b.get(i).is_none_or(|&c| INERT[usize::from(c)] != 0)
}

impl ShortRuns {
    /// Every part, in order; the resume offset is the furthest end any part reported.
    #[inline(always)]
    fn all_parts(cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let mut r = Network.detect(cx, hit);
        r = r.max(LabelledValues.detect(cx, hit));
        r = r.max(super::phi::Mbi.detect(cx, hit));
        if hit.run.digits >= 2 {
            r = r.max(super::financial::Iban.detect(cx, hit));
        }
        r
    }
}

/// Email addresses, found from each `@` by walking the local part back and the domain forward.
///
/// Rejected: no dot in the domain, a non-alphabetic TLD (`pkg@1.2.3`), `user@host` inside a URI
/// (`ssh://git@host`, which the connection-string detector owns) and scp-style remotes
/// (`git@github.com:org/repo`).
struct Email;

const LOCAL_MAX: usize = 64;
const DOMAIN_MAX: usize = 253;

#[inline]
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

#[inline]
fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

impl Detect for Email {
    fn id(&self) -> &'static str {
        "email"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::EMAIL]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::At]
    }

    fn max_len(&self) -> usize {
        LOCAL_MAX + 1 + DOMAIN_MAX
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let at = hit.start;
        // Local part, backwards.
        let mut s = at;
        while s > 0 && at - s < LOCAL_MAX + 1 && is_local_byte(b[s - 1]) {
            s -= 1;
        }
        if s > 0 && at - s > LOCAL_MAX {
            return at + 1; // too long to be a local part
        }
        // Trim leading dots and quotes; the local part must start with a letter or digit. The
        // letter of an escape (`\njane@…` in a JSON string read raw) is a separator.
        while s < at && !b[s].is_ascii_alphanumeric() && b[s] != b'_' {
            s += 1;
        }
        if escape_letter(b, s) {
            s += 1;
        }
        if s == at || b[at - 1] == b'.' || b[s..at].windows(2).any(|w| w == b"..") {
            return at + 1;
        }
        // Not inside a URI authority (`scheme://user@host`).
        if s >= 3 && &b[s - 3..s] == b"://" {
            return at + 1;
        }
        if s >= 1 && b[s - 1] == b':' && b[..s - 1].ends_with(b"mailto") {
            // mailto:jane@x.org is an email; fall through.
        } else if s >= 1 && (b[s - 1] == b'/' || b[s - 1] == b'@') {
            return at + 1;
        }
        // Domain, forwards.
        let mut e = at + 1;
        while e < b.len() && e - at <= DOMAIN_MAX && is_domain_byte(b[e]) {
            e += 1;
        }
        // Trailing dots and dashes belong to the sentence.
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &b[at + 1..e];
        if domain.is_empty() || domain.len() > DOMAIN_MAX {
            return e.max(at + 1);
        }
        let mut labels = domain.split(|&c| c == b'.');
        let mut count = 0;
        let mut last: &[u8] = &[];
        let mut ok = true;
        for l in labels.by_ref() {
            count += 1;
            if l.is_empty() || l.len() > 63 || l[0] == b'-' || l[l.len() - 1] == b'-' {
                ok = false;
                break;
            }
            last = l;
        }
        // The TLD is alphabetic, or an IDN TLD in punycode (`xn--p1ai`).
        let tld_ok = last.iter().all(u8::is_ascii_alphabetic)
            || (last.len() > 4
                && last[..4].eq_ignore_ascii_case(b"xn--")
                && last[4..].iter().all(u8::is_ascii_alphanumeric));
        if !ok || count < 2 || last.len() < 2 || !tld_ok {
            return e.max(at + 1);
        }
        // A message id (`Message-ID: <uuid@host>`, postfix's `message-id=<…>`) names a mail,
        // not a mailbox.
        if message_id(b, s, at) {
            return e;
        }
        // scp-style remote: git@github.com:org/repo.git
        if b.get(e) == Some(&b':') && b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return e;
        }
        // A word character glued to either end means we are inside something else.
        if cx.word_at(e) {
            return e;
        }
        cx.emit(Kind::EMAIL, s, e, 0.9, priority::EMAIL);
        e
    }
}

/// The local part `s..at` of an address is a message id: a UUID, or in angle brackets after a
/// `Message-ID`, `In-Reply-To` or `References` header name.
fn message_id(b: &[u8], s: usize, at: usize) -> bool {
    let local = &b[s..at];
    let uuid = local.len() == 36
        && local.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if uuid {
        return true;
    }
    if s == 0 || b[s - 1] != b'<' {
        return false;
    }
    let before = &b[s.saturating_sub(24)..s - 1];
    [&b"message-id"[..], b"in-reply-to", b"references"]
        .iter()
        .any(|h| before.windows(h.len()).any(|w| w.eq_ignore_ascii_case(h)))
}

// -- pii: more detectors --

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the PHI and financial families).
// ---------------------------------------------------------------------------------------------

/// One group of digits inside a [`DigitRun`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Group {
    /// First digit.
    pub(crate) s: usize,
    /// One past the last digit.
    pub(crate) e: usize,
    /// The separator bytes before the group: `[0, 0]` for the first group, `[c, 0]` for a
    /// one-byte separator, `[c, d]` for a two-byte one (`") "`, `" ("`).
    pub(crate) sep: [u8; 2],
}

impl Group {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.e - self.s
    }
}

/// More groups than this in one run are not looked at (no id we detect has more than a handful;
/// the cap keeps the work per run bounded by the run).
pub(crate) const MAX_GROUPS: usize = 16;

/// The digit groups of a run, on the stack (detectors run per digit run: no allocation).
pub(crate) struct Groups {
    g: [Group; MAX_GROUPS],
    n: usize,
}

impl Groups {
    /// Splits a run into its digit groups (at most [`MAX_GROUPS`]).
    pub(crate) fn of(b: &[u8], run: &DigitRun) -> Groups {
        let mut out = Groups {
            g: [Group::default(); MAX_GROUPS],
            n: 0,
        };
        let end = run.end.min(b.len());
        let mut i = run.start.min(end);
        let mut sep = [0u8; 2];
        let mut ns = 0usize;
        while i < end {
            if b[i].is_ascii_digit() {
                let s = i;
                while i < end && b[i].is_ascii_digit() {
                    i += 1;
                }
                if out.n == MAX_GROUPS {
                    break;
                }
                out.g[out.n] = Group { s, e: i, sep };
                out.n += 1;
                sep = [0; 2];
                ns = 0;
            } else {
                if ns < 2 {
                    sep[ns] = b[i];
                }
                ns += 1;
                i += 1;
            }
        }
        out
    }
}

impl std::ops::Deref for Groups {
    type Target = [Group];
    fn deref(&self) -> &[Group] {
        &self.g[..self.n]
    }
}

/// The value of up to 9 ASCII digits (`None` for anything else).
pub(crate) fn digits_value(d: &[u8]) -> Option<u32> {
    if d.is_empty() || d.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// True when a group may start a finding: it starts the run or follows a plain space.
#[inline]
pub(crate) fn open_before(gs: &[Group], i: usize) -> bool {
    i == 0 || gs.get(i).is_some_and(|g| g.sep[0] == b' ')
}

/// True when a group may end a finding: it ends the run or a plain space follows it.
#[inline]
pub(crate) fn open_after(gs: &[Group], j: usize) -> bool {
    j + 1 >= gs.len() || gs.get(j + 1).is_some_and(|g| g.sep[0] == b' ')
}

/// Single cue words (ASCII letters only) matched word by word: a window costs one pass over its
/// letter mask and a length/first-letter bit test per word. Unlike
/// [`Cues`](super::context::Cues), which also reads windows word by word but takes phrases and
/// punctuation, a word that starts in the window counts even when it runs past the window's end.
pub(crate) struct WordCues {
    /// The cue words by length (at most 20 letters), as [`cue_key`]s.
    by_len: [Vec<[u8; CUE_KEY]>; 21],
    quick: [u32; 21],
}

/// Bytes of a [`cue_key`]: the longest cue word and then some.
const CUE_KEY: usize = 24;

/// A word of ASCII letters (at most [`CUE_KEY`] bytes) as a fixed-size key: zero-padded, then
/// bit 5 set on every byte, which lower-cases the letters and turns the padding into spaces.
/// Two words of the same length have equal keys exactly when they are equal ignoring ASCII
/// case; the comparison is one fixed-size compare, without a branch per letter.
#[inline]
fn cue_key(w: &[u8]) -> [u8; CUE_KEY] {
    let mut k = [0u8; CUE_KEY];
    let n = w.len().min(CUE_KEY);
    k[..n].copy_from_slice(&w[..n]);
    k.map(|c| c | 0x20)
}

impl WordCues {
    /// Lower-case ASCII words (letters only).
    pub(crate) fn new(words: &[&str]) -> WordCues {
        let mut quick = [0u32; 21];
        let mut by_len: [Vec<[u8; CUE_KEY]>; 21] = Default::default();
        for w in words.iter().map(|w| w.as_bytes()) {
            if let (Some(slot), Some(f)) = (quick.get_mut(w.len()), w.first()) {
                *slot |= 1 << (f.wrapping_sub(b'a') & 31);
                by_len[w.len()].push(cue_key(w));
            }
        }
        WordCues { by_len, quick }
    }

    /// `w` is ASCII letters, in any case.
    fn has(&self, w: &[u8]) -> bool {
        let (Some(m), Some(f)) = (self.quick.get(w.len()), w.first()) else {
            return false;
        };
        if m & (1 << (f.to_ascii_lowercase().wrapping_sub(b'a') & 31)) == 0 {
            return false;
        }
        let k = cue_key(w);
        self.by_len[w.len()].contains(&k)
    }

    /// True when a cue word starts in `lo..hi` (a word cut by `lo` does not count; a word that
    /// starts in the window and runs past `hi` is read to its end).
    ///
    /// The window is read 64 bytes at a time as a bit mask of its letters, so finding the words
    /// costs no branch per byte; a word is compared only when a cue has its length and first
    /// letter.
    pub(crate) fn in_window(&self, b: &[u8], lo: usize, hi: usize) -> bool {
        let hi = hi.min(b.len());
        let mut i = lo.min(hi);
        // Skip a word cut by the window start.
        while i > 0 && i < hi && b[i - 1].is_ascii_alphabetic() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        // A cue glued to a digit, or followed by `_`, is part of an identifier; tested only for
        // the rare word that is a cue. The last word of a snake_case key names its value
        // (`app_version=`, `home_phone:`). A possessive ("the patient's wife") names an owner,
        // not what the value is. A label of a dotted name (`jane@globex.example.net`,
        // `example.com`) is part of an address, not a word of the sentence.
        let glued = |s: usize, e: usize| {
            (s > 0 && b[s - 1].is_ascii_digit())
                || (s > 1 && matches!(b[s - 1], b'.' | b'@') && b[s - 2].is_ascii_alphanumeric())
                || (b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(u8::is_ascii_alphabetic))
                || b.get(e).is_some_and(|c| c.is_ascii_digit() || *c == b'_')
                || (b.get(e) == Some(&b'\'')
                    && b.get(e + 1).is_some_and(|c| c | 0x20 == b's')
                    && !b.get(e + 2).is_some_and(u8::is_ascii_alphanumeric))
        };
        while i < hi {
            let n = (hi - i).min(64);
            let (m, bs) = crate::block::letter_and_backslash_bits(&b[i..i + n]);
            // Letters after a non-letter; at the chunk start that is the byte before it, which
            // the skip above (or the previous chunk) has seen.
            let before = u64::from(i > 0 && b[i - 1].is_ascii_alphabetic());
            let mut starts = m & !(m << 1 | before);
            // The end of the word that starts at bit `k`.
            let word_end = |k: usize| {
                let e = i + k + (m >> k).trailing_ones() as usize;
                if e == i + n {
                    // The word reaches the chunk's end: it may go on, past `hi` too.
                    e + b[e..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count()
                } else {
                    e
                }
            };
            // Words right after a backslash: `\nphone` holds the word after the escape's letter.
            let mut escaped = starts & (bs << 1 | u64::from(i > 0 && b[i - 1] == b'\\'));
            while starts != 0 {
                let k = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                let (s, e) = (i + k, word_end(k));
                if self.has(&b[s..e]) && !glued(s, e) {
                    return true;
                }
            }
            while escaped != 0 {
                let k = escaped.trailing_zeros() as usize;
                escaped &= escaped - 1;
                let (s, e) = (i + k + 1, word_end(k));
                if s < e && escape_letter(b, s - 1) && self.has(&b[s..e]) && !glued(s, e) {
                    return true;
                }
            }
            i += n;
        }
        false
    }

    /// A cue in the [`CONTEXT_BEFORE`](super::CONTEXT_BEFORE) bytes before `start` or the
    /// [`CONTEXT_AFTER`](super::CONTEXT_AFTER) bytes after `end`.
    pub(crate) fn near(&self, b: &[u8], start: usize, end: usize) -> bool {
        self.in_window(b, start.saturating_sub(super::CONTEXT_BEFORE), start)
            || self.in_window(b, end, end.saturating_add(super::CONTEXT_AFTER))
    }

    /// A cue in the `n` bytes before `start`.
    pub(crate) fn before(&self, b: &[u8], start: usize, n: usize) -> bool {
        self.in_window(b, start.saturating_sub(n), start)
    }

    /// A cue in the `n` bytes before `start` on the same line: in a log, the user agent that
    /// ends one line ("python-requests/2.31.0") says nothing about the address that starts the
    /// next.
    pub(crate) fn before_on_line(&self, b: &[u8], start: usize, n: usize) -> bool {
        let lo = start.saturating_sub(n);
        let lo = b[lo..start]
            .iter()
            .rposition(|c| *c == b'\n')
            .map_or(lo, |k| lo + k + 1);
        self.in_window(b, lo, start)
    }
}

/// Counts of ASCII digits and letters in `v`.
pub(crate) fn alnum_counts(v: &[u8]) -> (usize, usize) {
    let d = v.iter().filter(|c| c.is_ascii_digit()).count();
    let l = v.iter().filter(|c| c.is_ascii_alphabetic()).count();
    (d, l)
}

/// How far before a value its label may end.
pub(crate) const LABEL_GAP: usize = 40;

// ---------------------------------------------------------------------------------------------
// Phone numbers.
// ---------------------------------------------------------------------------------------------

/// Telephone numbers.
///
/// Reported without any context: NANP numbers written as numbers are (`(415) 555-0132`,
/// `415-555-0132`, `415.555.0132`, `415 555 0132`, with an optional `1`/`+1` country code;
/// area code and exchange must start with 2-9), and international numbers in E.164 style
/// (`+44 20 7946 0958`, `+49 30 901820`, `+14155550132`: a `+`, 8-15 digits in groups).
/// Reported only after a phone word ("phone", "tel", "mobile", "call", "number", …): bare
/// 10/11-digit NANP numbers and other grouped national formats (`090-1234-5678`).
/// Never: digits glued to letters (an `x123` extension excepted), dates, times, IPs, version
/// strings, groups that do not fit these shapes, and numbers next to "order", "invoice",
/// "tracking", "account", … without a phone word (scored below the threshold). The extension is
/// not part of the span.
struct Phone;

static PHONE_CUES: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "phone",
        "phones",
        "telephone",
        "tel",
        "mobile",
        "mob",
        "cell",
        "cellphone",
        "call",
        "calling",
        "called",
        "fax",
        "whatsapp",
        "sms",
        "text",
        "txt",
        "contact",
        "ph",
        "number",
        "landline",
        "reach",
        "dial",
        "hotline",
        "helpline",
        "voicemail",
        "signal",
        "telegram",
        "reached",
        // "Member Services (617) …", "(TTY 711)". (Not "service": "Internal Revenue Service,
        // Austin, TX 73301-0038".)
        "services",
        "tty",
        // German, French, Spanish, Italian, Dutch, Portuguese (accented words such as
        // "téléphone" and "teléfono" hold "phone" and "tel" as ASCII words).
        "telefon",
        "telefonnummer",
        "rufnummer",
        "handy",
        "mobil",
        "mobilnummer",
        "anrufen",
        "portable",
        "appelez",
        "telefono",
        "celular",
        "movil",
        "llamar",
        "cellulare",
        "chiamami",
        "chiamare",
        "telefoon",
        "telefoonnummer",
        "mobiel",
        // Dutch "bel" (call), French "joindre" (reach).
        "bel",
        "joindre",
        "bellen",
        "telefone",
        "telemovel",
        // British: "ring me on 07…".
        "ring",
    ])
});

static PHONE_NEG: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "order",
        "invoice",
        "inv",
        "tracking",
        "ref",
        "reference",
        "serial",
        "isbn",
        "account",
        "acct",
        "routing",
        "aba",
        "ssn",
        "social",
        "npi",
        "dea",
        "mrn",
        "member",
        "policy",
        "patient",
        "passport",
        "sku",
        "ticket",
        "version",
        "build",
        "transaction",
        "txn",
        "confirmation",
        "zip",
        "postal",
        "part",
        "model",
        "purchase",
        "insured",
        "loan",
        "batch",
        "lot",
        "imei",
        "iban",
        "card",
        "receipt",
        "claim",
        "case",
        "code",
        "pin",
        "passcode",
        "example",
        "eg",
        "sample",
        "regex",
        "pattern",
        "format",
        "placeholder",
        "dummy",
        "fake",
        "record",
        "chart",
        "hospital",
        "medical",
        "group",
        "subscriber",
        "medicare",
        "medicaid",
        "insurance",
        "id",
        // Form and registry numbers: "OMB No. 1545-0008", "FEI 3004157382", "Recall number".
        "omb",
        "fei",
        "recall",
    ])
});

#[inline]
fn nanp_ok(area: &[u8], exch: &[u8]) -> bool {
    let ok3 = |g: &[u8]| g.len() == 3 && matches!(g[0], b'2'..=b'9');
    // N11 codes (211, 911, …) are service codes, not area codes.
    ok3(area) && ok3(exch) && !(area[1] == b'1' && area[2] == b'1')
}

/// Separators allowed inside an international number.
#[inline]
fn intl_sep(sep: [u8; 2]) -> bool {
    matches!(
        sep,
        [b' ', 0]
            | [b'-', 0]
            | [b'.', 0]
            | [b'(', 0]
            | [b')', 0]
            | [b' ', b'(']
            | [b')', b' ']
            | [b')', b'-']
            | [b'-', b'(']
    )
}

impl Phone {
    /// NANP `3 3 4` starting at group `k`: returns the last group index and a base score.
    fn nanp(b: &[u8], gs: &[Group], k: usize, paren_before: bool) -> Option<(usize, f32)> {
        let (a, x, l) = (gs.get(k)?, gs.get(k + 1)?, gs.get(k + 2)?);
        if a.len() != 3 || x.len() != 3 || l.len() != 4 {
            return None;
        }
        if !nanp_ok(b.get(a.s..a.e)?, b.get(x.s..x.e)?) {
            return None;
        }
        let score = if paren_before {
            if !matches!(x.sep, [b')', 0] | [b')', b' '] | [b')', b'-'])
                || !matches!(l.sep, [b'-', 0] | [b' ', 0] | [b'.', 0])
            {
                return None;
            }
            SCORE_STRONG
        } else {
            if x.sep != l.sep {
                return None;
            }
            match x.sep {
                [b'-', 0] => SCORE_STRONG,
                [b'.', 0] => SCORE_WITH_CUE,
                [b' ', 0] => 0.7,
                _ => return None,
            }
        };
        Some((k + 2, score))
    }

    /// A phone number whose first group is `gs[i]`: `(first group, last group, score, needs a
    /// phone word)`.
    fn at(b: &[u8], run: &DigitRun, gs: &[Group], i: usize) -> Option<(usize, usize, f32, bool)> {
        let g = gs.get(i)?;
        let before = |k: usize| -> u8 {
            if k == 0 {
                if run.start > 0 {
                    b[run.start - 1]
                } else {
                    0
                }
            } else {
                let s = gs[k].sep;
                if s[1] != 0 {
                    s[1]
                } else {
                    s[0]
                }
            }
        };
        let plus = before(i) == b'+';
        if plus && i == 0 && run.start >= 2 && is_word_byte(b[run.start - 2]) {
            return None;
        }
        let gd = b.get(g.s..g.e)?;
        // Country code 1.
        if gd == b"1" {
            if let Some(x) = gs.get(i + 1) {
                let paren = matches!(x.sep, [b'(', 0] | [b' ', b'('] | [b'-', b'(']);
                let plain = matches!(x.sep, [b' ', 0] | [b'-', 0] | [b'.', 0]);
                if paren || plain {
                    if let Some((j, s)) = Self::nanp(b, gs, i + 1, paren) {
                        if !paren && gs.get(i + 2).map(|y| y.sep) != Some(x.sep) && !plus {
                            // "1-415 555 0132": inconsistent; let the plain check below decide.
                        } else {
                            return Some((i, j, s.max(if plus { SCORE_STRONG } else { s }), false));
                        }
                    }
                }
            }
        }
        if plus {
            // +1 followed by ten digits in one group, or any E.164-shaped number.
            if gd.len() == 11 && gd[0] == b'1' && nanp_ok(&gd[1..4], &gd[4..7]) {
                return Some((i, i, SCORE_STRONG, false));
            }
            // +1 is NANP: it had its chance above.
            if gd[0] == b'0' || gd.len() > 15 || gd == b"1" {
                return None;
            }
            if gd[0] == b'1' && gd.len() > 1 && gd.len() != 11 {
                return None;
            }
            let mut total = 0usize;
            let mut best = None;
            let mut only_dots = true;
            for (k, h) in gs.iter().enumerate().skip(i) {
                if k > i {
                    if !intl_sep(h.sep) {
                        break;
                    }
                    only_dots &= h.sep == [b'.', 0];
                }
                total += h.len();
                if total > 15 {
                    break;
                }
                if total >= 8 && open_after(gs, k) {
                    best = Some(k);
                }
            }
            let j = best?;
            if only_dots && j < i + 2 {
                return None;
            }
            return Some((i, j, SCORE_STRONG, false));
        }
        let paren = before(i) == b'(';
        if let Some((j, s)) = Self::nanp(b, gs, i, paren) {
            return Some((i, j, s, false));
        }
        // Japanese (070/080/090) and Korean (010) mobile numbers in their national form,
        // 090-1234-5678: a trunk `0`, a mobile prefix and two dashed groups of four.
        if matches!(gd, b"010" | b"070" | b"080" | b"090") && !paren {
            let (x, l) = (gs.get(i + 1)?, gs.get(i + 2)?);
            if x.len() == 4 && l.len() == 4 && x.sep == [b'-', 0] && l.sep == [b'-', 0] {
                return Some((i, i + 2, SCORE_STRONG, false));
            }
        }
        None
    }

    /// Other grouped or bare national numbers, believed only with a phone word: the whole run.
    fn cued_shape(b: &[u8], run: &DigitRun, gs: &[Group]) -> bool {
        if !(7..=15).contains(&run.digits)
            || run.has_sep(DigitRun::SEP_SLASH | DigitRun::SEP_COLON | DigitRun::SEP_PLUS)
            || gs.len() != run.groups
        {
            return false;
        }
        if gs.len() == 1 {
            let d = &b[run.start..run.end];
            return match d.len() {
                10 => nanp_ok(&d[0..3], &d[3..6]),
                11 => (d[0] == b'1' && nanp_ok(&d[1..4], &d[4..7])) || d[0] == b'0',
                _ => d[0] == b'0' && d.len() >= 9,
            };
        }
        // "+…" numbers had their E.164 check; "1 …" is NANP and had its check too.
        if run.start > 0 && b[run.start - 1] == b'+' || b.get(gs[0].s..gs[0].e) == Some(b"1") {
            return false;
        }
        // After the first group (a trunk or country prefix), groups have two digits or more:
        // 10.0.135.1, 1.2.3.4567 are not phone numbers.
        if gs.iter().skip(1).any(|g| g.len() < 2) {
            return false;
        }
        // SSN-shaped (3-2-4) runs belong to the SSN detector.
        if gs.len() == 3 && gs[0].len() == 3 && gs[1].len() == 2 && gs[2].len() == 4 {
            return false;
        }
        // Card/IBAN-like runs of four-digit groups are not phone numbers.
        if gs.len() >= 3 && gs.iter().take(3).all(|g| g.len() == 4) {
            return false;
        }
        // A US employer id (EIN, 12-3456789; a trunk `0` makes it a national number such as
        // 09-7625400); a reference that starts with a year
        // (2024-118-3321, PA-2024-0916-33188).
        let dashed = gs.iter().skip(1).all(|g| g.sep == [b'-', 0]);
        if dashed && gs.len() == 2 && gs[0].len() == 2 && gs[1].len() == 7 && b[gs[0].s] != b'0' {
            return false;
        }
        if dashed
            && gs[0].len() == 4
            && matches!(digits_value(&b[gs[0].s..gs[0].e]), Some(1900..=2099))
        {
            return false;
        }
        // A dashed number without a trunk `0` that ends in a group of one or two digits is a
        // customer or policy number with its check digits (3300-1958-22); national phone
        // numbers that end in pairs start with their trunk `0` (06-12-34-56-78).
        if dashed && b[gs[0].s] != b'0' && gs.last().is_some_and(|g| g.len() <= 2) {
            return false;
        }
        // Date-shaped runs (12-31-1999, 1999-12-31) are not phone numbers.
        if gs.len() == 3 {
            let l: [usize; 3] = [gs[0].len(), gs[1].len(), gs[2].len()];
            if matches!(l, [4, 2, 2] | [2, 2, 4] | [1, 2, 4] | [2, 1, 4] | [1, 1, 4]) {
                return false;
            }
        }
        gs.iter().skip(1).all(|g| intl_sep(g.sep))
    }
}

/// `555-555-5555`, `000-000-0000`, `123-456-7890`: digits of one kind, or counting up.
fn placeholder(v: &[u8]) -> bool {
    let mut d = v.iter().filter(|c| c.is_ascii_digit());
    let first = d.next().copied();
    let one_kind = v
        .iter()
        .filter(|c| c.is_ascii_digit())
        .all(|c| Some(*c) == first);
    // The last ten digits are 1234567890.
    let mut tail = v.iter().rev().filter(|c| c.is_ascii_digit());
    let counting = b"0987654321".iter().all(|c| tail.next() == Some(c));
    one_kind || counting
}

impl Detect for Phone {
    fn id(&self) -> &'static str {
        "phone"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::PHONE]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 7 }]
    }

    fn max_len(&self) -> usize {
        32
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        // Times, dates with slashes, ratios: never part of a number we report.
        if run.word_before
            || run.digits > 15 * MAX_GROUPS
            || run.has_sep(DigitRun::SEP_COLON | DigitRun::SEP_SLASH)
        {
            return run.end;
        }
        let b = cx.bytes;
        // One group: only +E.164 or a bare number after a phone word can be a phone number.
        let plus = run.start > 0 && b[run.start - 1] == b'+';
        let trunk = b[run.start] == b'0' && run.digits >= 9;
        if run.groups == 1 && !plus && !trunk && !(10..=11).contains(&run.digits) {
            return run.end;
        }
        // ISO dates (2024-06-13) are the most common multi-group runs in logs.
        if run.end - run.start == 10
            && b.get(run.start + 4) == Some(&b'-')
            && b.get(run.start + 7) == Some(&b'-')
        {
            return run.end;
        }
        let gs = Groups::of(b, run);
        let n = gs.len();
        let glued_end = |e: usize| -> bool {
            // A word byte right after the number: only an extension (x123) is fine.
            b.get(e).is_some_and(|c| is_word_byte(*c))
                && !(matches!(b.get(e), Some(b'x' | b'X'))
                    && b.get(e + 1).is_some_and(u8::is_ascii_digit))
        };
        let mut any = false;
        let mut i = 0;
        while i < n {
            if !open_before(&gs, i) {
                i += 1;
                continue;
            }
            if let Some((first, j, score, _)) = Phone::at(b, run, &gs, i) {
                if open_after(&gs, j)
                    && !glued_end(gs[j].e)
                    && !placeholder(&b[gs[first].s..gs[j].e])
                {
                    let (s, e) = (gs[first].s, gs[j].e);
                    // Keep a leading '+' or '(' in the span.
                    let s = match b.get(s.wrapping_sub(1)) {
                        Some(b'+') | Some(b'(') if s > 0 => {
                            if s >= 2 && b[s - 1] == b'(' && b[s - 2] == b'+' {
                                s - 2
                            } else {
                                s - 1
                            }
                        }
                        _ => s,
                    };
                    let score = if PHONE_NEG.before(b, s, 32) && !PHONE_CUES.near(b, s, e) {
                        SCORE_WEAK
                    } else {
                        score
                    };
                    cx.emit(Kind::PHONE, s, e, score, priority::PHONE);
                    any = true;
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        // An identifier's letter prefix: "D-540-2025".
        let letter_prefix =
            run.start >= 2 && b[run.start - 1] == b'-' && b[run.start - 2].is_ascii_alphabetic();
        // A bare number's negative words are read as far back as the context goes: "the routing
        // number on our vendor file is 081123196"; unless a phone word labels the number itself
        // (`"zip": "97024", …, "phone": "7635550172"`).
        let negated = || {
            PHONE_NEG.before(
                b,
                run.start,
                if n == 1 { super::CONTEXT_BEFORE } else { 32 },
            ) && (PHONE_NEG.before(b, run.start, 12) || !PHONE_CUES.before(b, run.start, 12))
        };
        if !any
            && n > 0
            && !glued_end(run.end)
            && !letter_prefix
            && (Phone::cued_shape(b, run, &gs)
                && (PHONE_CUES.before(
                    b,
                    run.start,
                    if n == 1 { 32 } else { super::CONTEXT_BEFORE },
                ) || cjk_phone_label(b, run.start))
                // A Chinese mobile number (1[3-9] and nine digits) after a CJK phone label.
                || n == 1
                    && run.digits == 11
                    && b[run.start] == b'1'
                    && (b'3'..=b'9').contains(&b[run.start + 1])
                    && cjk_phone_label(b, run.start))
            && !placeholder(&b[run.start..run.end])
            && !negated()
            // "INSURED'S I.D. NUMBER 8812003471": a label that names another kind wins over
            // the phone word "number".
            && label_before(b, run.start).is_none()
        {
            let s = if run.start > 0 && b[run.start - 1] == b'(' {
                run.start - 1
            } else {
                run.start
            };
            cx.emit(Kind::PHONE, s, run.end, SCORE_WITH_CUE, priority::PHONE);
        }
        run.end
    }
}

// ---------------------------------------------------------------------------------------------
// SSN and ITIN.
// ---------------------------------------------------------------------------------------------

/// Chinese, Japanese and Korean phone labels: written without spaces, they are not words that
/// [`PHONE_CUES`] can read.
const CJK_PHONE_LABELS: &[&str] = &[
    "手机号",
    "手机号码",
    "電話號碼",
    "电话",
    "電話",
    "手机",
    "手機",
    "电话号码",
    "電話番号",
    "携帯",
    "联系我",
    "联系",
    "전화",
    "전화번호",
    "휴대폰",
    "연락처",
];

/// A [`CJK_PHONE_LABELS`] label ends just before `start`, past blanks and an ASCII or full-width
/// colon ("联系电话：13985728846").
fn cjk_phone_label(b: &[u8], start: usize) -> bool {
    let mut i = start;
    while i > 0 && matches!(b[i - 1], b' ' | b':') {
        i -= 1;
    }
    if i >= 3 && b[i - 3..i] == [0xEF, 0xBC, 0x9A] {
        i -= 3;
    }
    if i == 0 || b[i - 1] < 0x80 {
        return false;
    }
    // "手机号码是 …": a copula after the label.
    if let Some(c) = CJK_COPULAS.iter().find(|c| b[..i].ends_with(c.as_bytes())) {
        i -= c.len();
    }
    let before = &b[i.saturating_sub(16)..i];
    CJK_PHONE_LABELS
        .iter()
        .any(|l| before.ends_with(l.as_bytes()))
}

/// US Social Security and Individual Taxpayer Identification numbers.
///
/// `536-22-1234` and `536 22 1234` are reported when [`validate::us_ssn`] accepts them; a
/// 9xx number whose group is in the ITIN ranges is reported as `us_itin` instead (the SSA never
/// issues 9xx areas, so the two never collide). Dotted (`536.22.1234`), bare (`536221234`) and
/// odd groupings (`536-221234`) need an SSN word ("SSN", "social security", …) or an ITIN word
/// ("ITIN", "taxpayer", "TIN", "tax id"). Phone/order/account words without an SSN word push
/// the score below the threshold.
///
/// [`validate::us_ssn`]: crate::validate::us_ssn
struct SsnItin;

static SSN_CUES: Lazy<WordCues> =
    Lazy::new(|| WordCues::new(&["ssn", "ssns", "ss", "social", "soc", "ssa"]));

static ITIN_CUES: Lazy<WordCues> =
    Lazy::new(|| WordCues::new(&["itin", "itins", "taxpayer", "tin", "tax", "taxid"]));

static SSN_NEG: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "phone",
        "tel",
        "fax",
        "order",
        "invoice",
        "tracking",
        "account",
        "acct",
        "routing",
        "aba",
        "zip",
        "postal",
        "isbn",
        "serial",
        "ref",
        "reference",
        "passport",
        "npi",
        "mrn",
        "member",
        "policy",
        "part",
        "sku",
        "ticket",
        "build",
        "version",
    ])
});

impl Detect for SsnItin {
    fn id(&self) -> &'static str {
        "us_ssn"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::US_SSN, Kind::US_ITIN]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 9 }]
    }

    fn max_len(&self) -> usize {
        11
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let run = &hit.run;
        if run.word_before {
            return run.end;
        }
        let b = cx.bytes;
        // Fast path: a single group must be exactly nine digits.
        if run.groups == 1 && (run.digits != 9 || run.word_after) {
            return run.end;
        }
        let gs = Groups::of(b, run);
        let n = gs.len();
        let mut i = 0;
        while i < n {
            if !open_before(&gs, i) {
                i += 1;
                continue;
            }
            let l = |k: usize| gs.get(k).map_or(0, |g| g.len());
            // (last group, formatted 3-2-4 with this separator)
            let shape = if l(i) == 3 && l(i + 1) == 2 && l(i + 2) == 4 {
                let (s1, s2) = (gs[i + 1].sep, gs[i + 2].sep);
                (s1 == s2 && matches!(s1, [b'-', 0] | [b' ', 0] | [b'.', 0]))
                    .then_some((i + 2, s1[0]))
            } else if (l(i) == 3 && l(i + 1) == 6 || l(i) == 5 && l(i + 1) == 4)
                && gs[i + 1].sep == [b'-', 0]
            {
                Some((i + 1, 0))
            } else if l(i) == 9 {
                Some((i, 0))
            } else {
                None
            };
            let Some((j, sep)) = shape else {
                i += 1;
                continue;
            };
            let (s, e) = (gs[i].s, gs[j].e);
            if !open_after(&gs, j) || (j + 1 == n && run.word_after) {
                i += 1;
                continue;
            }
            // The validators take digits with dashes or spaces; hand them the bare digits.
            let mut buf = [0u8; 9];
            let mut n = 0;
            for &c in &b[s..e] {
                if c.is_ascii_digit() && n < 9 {
                    buf[n] = c;
                    n += 1;
                }
            }
            let text = std::str::from_utf8(&buf).unwrap_or_default();
            // 999-99-9999, 900-90-0000-style fillers: a single repeated digit is a placeholder.
            if buf.iter().all(|&c| c == buf[0]) {
                i = j + 1;
                continue;
            }
            let (kind, cues) = if crate::validate::us_itin(text) {
                (Kind::US_ITIN, &*ITIN_CUES)
            } else if crate::validate::us_ssn(text) {
                (Kind::US_SSN, &*SSN_CUES)
            } else {
                i = j + 1;
                continue;
            };
            // Bare nine digits are common in logs: their cue must come just before them.
            let cued = if sep == 0 {
                cues.before(b, s, 32)
                    // HL7 PID-19, the patient's SSN, or an identifier of type `SS`
                    // (`|…^MR~123456789^^^SSA^SS|`).
                    || kind == Kind::US_SSN
                        && s > 0
                        && matches!(b[s - 1], b'|' | b'~')
                        && (hl7_field(b, s) == Some((b"PID", 19))
                            || hl7_type_code(b, e) == Some(&b"SS"[..]))
                    // C-CDA: `<id extension="123456789" root="2.16.840.1.113883.4.1"/>`.
                    || kind == Kind::US_SSN
                        && s > 0
                        && b[s - 1] == b'"'
                        && cda_root(b, s, e) == Some(CDA_SSN_ROOT)
            } else {
                cues.near(b, s, e)
            };
            let score = if cued {
                if sep == 0 || sep == b'.' {
                    SCORE_WITH_CUE
                } else {
                    SCORE_CONFIRMED
                }
            } else if matches!(sep, b'-' | b' ') && !SSN_NEG.near(b, s, e) {
                if sep == b'-' {
                    SCORE_STRONG
                } else {
                    0.7
                }
            } else {
                SCORE_WEAK
            };
            cx.emit(kind, s, e, score, priority::STRUCTURED);
            i = j + 1;
        }
        run.end
    }
}

// ---------------------------------------------------------------------------------------------
// IP and MAC addresses.
// ---------------------------------------------------------------------------------------------

/// IPv4, IPv6 and MAC addresses.
///
/// IPv4: four dot-separated decimal octets 0-255 without leading zeros, not part of a longer
/// dotted run (`1.2.3.4.5`, OIDs), not glued to letters (`v1.2.3.4`); a CIDR prefix length is
/// part of the span (`10.0.0.0/8`, as in Presidio), a port is not (`10.0.0.1:8080`). Near "version",
/// "build", "release", "OID" the score drops below the threshold.
/// IPv6: any form `std::net::Ipv6Addr` parses (full, compressed, `::1`, IPv4-mapped), with an
/// optional `%zone`; the token must not be glued to other word characters (`std::vec` is not an
/// address). MAC: six hex pairs joined by one consistent `:` or `-`, or Cisco `0123.4567.89ab`;
/// all-zero and broadcast addresses are not reported.
///
/// The detector runs on digit runs only, so an address written with hex letters only
/// (`AA:BB:CC:DD:EE:FF`, `::ffff`) is not seen: a literal trigger (`::`, MAC labels) would cost
/// every scan far more than such addresses are worth (the shared literal automaton loses its
/// prefilter).
struct Network;

static IP_NEG: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "version", "ver", "v", "build", "release", "oid", "snmp", "mib", "firmware", "fw", "sdk",
        "rev", "revision", "section", "chapter", "figure", "fig", "clause", "package", "pkg",
        "python", "java", "npm", "kernel", "chrome", "firefox", "browser", "driver", "upgraded",
        "upgrade", "updated", "patch", "bump",
    ])
});

/// Words that announce a netmask or a wildcard mask on their line.
static MASK_CUES: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "mask", "netmask", "subnet", "wildcard", "genmask", "netmasks",
    ])
});

/// The dotted quad `v` is a mask, not an address, where its line says so: a netmask
/// (`255.255.255.0`: ones then zeros, first octet 255, not all ones) or a wildcard mask
/// (`0.0.0.255`: zeros then ones, first octet 0) after a mask word ("netmask", "subnet mask",
/// "wildcard") or right after another address (Cisco's `ip address A M`, `permit tcp A W`,
/// `ip route 0.0.0.0 0.0.0.0 …`, where the second `0.0.0.0` is the mask).
fn ipv4_mask(b: &[u8], s: usize, v: u32) -> bool {
    let netmask = v != u32::MAX && v >> 24 == 255 && v.leading_ones() + v.trailing_zeros() == 32;
    let wildcard = v >> 24 == 0 && v.leading_zeros() + v.trailing_ones() == 32;
    if !(netmask || wildcard) {
        return false;
    }
    // An address and blanks just before, on the same line.
    let mut k = s;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    let after_address = k < s && {
        let lo = k.saturating_sub(15);
        let tail = &b[lo..k];
        let start = tail
            .iter()
            .rposition(|c| !(c.is_ascii_digit() || *c == b'.'))
            .map_or(0, |p| p + 1);
        let quad = &tail[start..];
        quad.iter().filter(|c| **c == b'.').count() == 3
            && quad.first().is_some_and(u8::is_ascii_digit)
            && quad.last().is_some_and(u8::is_ascii_digit)
    };
    // Zero is the mask of a default route only after its address.
    after_address || v != 0 && MASK_CUES.before_on_line(b, s, 32)
}

/// Classes of the bytes of a hex/colon token: hex digits, `:`, `.`, `-` (0 for any other
/// byte). One table load per byte: the token walk runs over every hex id, UUID and hash in logs,
/// and collects which separators the token holds on the way.
const HT_HEX: u8 = 1;
const HT_COLON: u8 = 2;
const HT_DOT: u8 = 4;
const HT_DASH: u8 = 8;
static HEX_TOK: [u8; 256] = byte_table!(|b| match b {
    b':' => HT_COLON,
    b'.' => HT_DOT,
    b'-' => HT_DASH,
    _ if b.is_ascii_hexdigit() => HT_HEX,
    _ => 0,
});

#[inline]
fn hex_class(c: u8) -> u8 {
    HEX_TOK[usize::from(c)]
}

/// How far [`Network::hex_token`] walks each way from its start.
const HEX_CAP: usize = 48;

/// The hex/colon token around `pos` (`pos <= b.len()`), at most [`HEX_CAP`] bytes each way,
/// and which of [`HT_COLON`] and [`HT_DOT`] (the classes [`Network::hex_token`] asks about) its
/// bytes hold.
#[inline]
fn hex_span(b: &[u8], pos: usize) -> (usize, usize, u8) {
    let mut seen = 0u8;
    // Colons and dots of the token met in whole blocks, one bit per byte (their positions do
    // not matter, only whether there are any).
    let mut colons = 0u16;
    let mut dots = 0u16;
    let mut s = pos;
    let lo = pos.saturating_sub(HEX_CAP);
    // Hashes, ids and addresses are long: sixteen bytes at a time while a whole block fits.
    while s >= lo + 16 {
        let Some(m) = b.get(s - 16..s).and_then(HexMasks::of) else {
            break;
        };
        // Bit 15 is byte `s - 1`.
        let n = m.tok.leading_ones();
        let sel = if n == 0 { 0 } else { u16::MAX << (16 - n) };
        colons |= m.colon & sel;
        dots |= m.dot & sel;
        s -= n as usize;
        if n < 16 {
            break;
        }
    }
    while s > lo {
        let c = hex_class(b[s - 1]);
        if c == 0 {
            break;
        }
        seen |= c;
        s -= 1;
    }
    let mut e = pos;
    let hi = b.len().min(pos + HEX_CAP);
    while e + 16 <= hi {
        let Some(m) = b.get(e..e + 16).and_then(HexMasks::of) else {
            break;
        };
        let n = m.tok.trailing_ones();
        let sel = if n == 16 { u16::MAX } else { (1 << n) - 1 };
        colons |= m.colon & sel;
        dots |= m.dot & sel;
        e += n as usize;
        if n < 16 {
            break;
        }
    }
    while e < hi {
        let c = hex_class(b[e]);
        if c == 0 {
            break;
        }
        seen |= c;
        e += 1;
    }
    if colons != 0 {
        seen |= HT_COLON;
    }
    if dots != 0 {
        seen |= HT_DOT;
    }
    (s, e, seen & (HT_COLON | HT_DOT))
}

/// A 16-byte block as bit masks: the bytes of a hex/colon token (any [`HEX_TOK`] class), and
/// among them the colons and the dots.
struct HexMasks {
    tok: u16,
    colon: u16,
    dot: u16,
}

impl HexMasks {
    #[inline(always)]
    fn of(c: &[u8]) -> Option<HexMasks> {
        let blk = crate::block::Block::new(<&[u8; 16]>::try_from(c).ok()?);
        let colon = blk.eq(b':');
        let dot = blk.eq(b'.');
        Some(HexMasks {
            tok: (blk.hex_digits() | colon | dot | blk.eq(b'-')).bits(),
            colon: colon.bits(),
            dot: dot.bits(),
        })
    }
}

#[inline]
fn is_hex_tok(c: u8) -> bool {
    hex_class(c) != 0
}

/// Reject all-zero and broadcast MACs; checks shape (`text` is the candidate).
fn mac_shape(t: &[u8]) -> bool {
    let hex = || t.iter().copied().filter(u8::is_ascii_hexdigit);
    if !matches!(t.len(), 14 | 17) || hex().count() != 12 {
        return false;
    }
    let ok = match t.len() {
        17 => {
            let sep = t[2];
            (sep == b':' || sep == b'-')
                && (0..17).all(|k| {
                    if k % 3 == 2 {
                        t[k] == sep
                    } else {
                        t[k].is_ascii_hexdigit()
                    }
                })
        }
        14 => (0..14).all(|k| {
            if k == 4 || k == 9 {
                t[k] == b'.'
            } else {
                t[k].is_ascii_hexdigit()
            }
        }),
        _ => false,
    };
    ok && !hex().all(|c| c == b'0') && !hex().all(|c| c == b'f' || c == b'F')
}

impl Network {
    fn ipv4(cx: &mut Cx<'_>, run: &DigitRun) {
        let b = cx.bytes;
        let gs = Groups::of(b, run);
        let n = gs.len();
        let dot = [b'.', 0];
        let mut i = 0;
        while i + 3 < n {
            let quad = (1..4).all(|k| gs[i + k].sep == dot)
                && (0..4).all(|k| {
                    let g = gs[i + k];
                    let d = &b[g.s..g.e];
                    d.len() <= 3
                        && !(d.len() > 1 && d[0] == b'0')
                        && digits_value(d).is_some_and(|v| v <= 255)
                });
            if !quad {
                i += 1;
                continue;
            }
            let (s, e) = (gs[i].s, gs[i + 3].e);
            let open_l = if i == 0 {
                let dotted_word = s >= 2 && b[s - 1] == b'.' && is_word_byte(b[s - 2]);
                let dashed_word = s >= 2 && b[s - 1] == b'-' && b[s - 2].is_ascii_alphabetic();
                !(run.word_before || dotted_word || dashed_word)
            } else {
                gs[i].sep != dot
            };
            let open_r = if i + 3 == n - 1 {
                let dotted_word =
                    b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(|c| is_word_byte(*c));
                !run.word_after && !dotted_word
            } else {
                gs[i + 4].sep != dot
            };
            let value = (0..4).fold(0u32, |v, k| {
                let g = gs[i + k];
                v << 8 | digits_value(&b[g.s..g.e]).unwrap_or(0)
            });
            if open_l && open_r && ipv4_mask(b, s, value) {
                i += 4;
            } else if open_l && open_r {
                // A CIDR prefix length belongs to the address: 10.0.0.0/8.
                let mut e = e;
                if let Some(p) = gs.get(i + 4) {
                    let last = i + 4 == n - 1;
                    if p.sep == [b'/', 0]
                        && p.len() <= 2
                        && digits_value(&b[p.s..p.e]).is_some_and(|v| v <= 32)
                        && (!last || !run.word_after)
                        && gs.get(i + 5).is_none_or(|q| q.sep != [b'.', 0])
                    {
                        e = p.e;
                    }
                }
                let score = if IP_NEG.before_on_line(b, s, 32) {
                    SCORE_WEAK
                } else {
                    SCORE_STRONG
                };
                cx.emit(Kind::IP_ADDRESS, s, e, score, priority::STRUCTURED);
                i += 4;
            } else {
                i += 1;
            }
        }
    }

    /// The hex/colon token around `pos`, classified as a MAC or IPv6 address. Returns the end of
    /// the reported address, or (`Err`) where to resume when nothing was reported.
    fn hex_token(cx: &mut Cx<'_>, pos: usize) -> Result<usize, usize> {
        let b = cx.bytes;
        let pos = pos.min(b.len());
        let (mut s, mut e, seen) = hex_span(b, pos);
        // Where to resume when nothing is reported: past the token, unless an IPv4 address
        // may end it (`x2001:db8::10.0.0.1`), whose digit run must still get its own look.
        let skip = if seen & HT_DOT != 0 { pos + 1 } else { e };
        if (s > 0 && is_hex_tok(b[s - 1])) || (e < b.len() && is_hex_tok(b[e])) {
            return Err(skip); // too long to be an address
        }
        // Sentence punctuation around the token.
        while s < e && matches!(b[s], b'.' | b'-') {
            s += 1;
        }
        while e > s && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if e > s + 1 && b[e - 1] == b':' && b[e - 2] != b':' {
            e -= 1;
        }
        if e <= s || (s > 0 && is_word_byte(b[s - 1])) {
            return Err(skip);
        }
        let tok = &b[s..e];
        if mac_shape(tok) {
            if cx.word_at(e) {
                return Err(skip);
            }
            cx.emit(Kind::MAC_ADDRESS, s, e, SCORE_STRONG, priority::STRUCTURED);
            return Ok(e);
        }
        if seen & HT_COLON == 0 {
            return Err(skip); // no IPv6 address without a colon
        }
        // IPv6 needs "::", or eight groups (seven colons; six before an embedded IPv4): times
        // such as 10:22:33.123 stop here without a parse.
        let colons = tok.iter().filter(|&&c| c == b':').count();
        let v6_shape = colons >= 2
            && (colons == 7
                || (colons == 6 && tok.contains(&b'.'))
                || tok.windows(2).any(|w| w == b"::"));
        if !v6_shape || tok.contains(&b'-') || !tok.iter().any(u8::is_ascii_hexdigit) {
            return Err(skip);
        }
        let Some(t) = cx.text.get(s..e) else {
            return Err(skip);
        };
        if t.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(skip);
        }
        // Optional zone id: fe80::1%eth0.
        let mut ze = e;
        if b.get(e) == Some(&b'%') {
            let mut k = e + 1;
            while k < b.len() && k - e <= 16 && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                k += 1;
            }
            if k > e + 1 && !cx.word_at(k) {
                ze = k;
            }
        }
        if ze == e && cx.word_at(e) {
            return Err(skip);
        }
        // A prefix length belongs to the address: 2001:db8::/32.
        if b.get(ze) == Some(&b'/') {
            let mut k = ze + 1;
            while k < b.len() && k - ze <= 3 && b[k].is_ascii_digit() {
                k += 1;
            }
            let ok = k > ze + 1
                && !cx.word_at(k)
                && digits_value(&b[ze + 1..k]).is_some_and(|v| v <= 128);
            if ok {
                ze = k;
            }
        }
        let score = if IP_NEG.before_on_line(b, s, 32) {
            SCORE_WEAK
        } else {
            SCORE_STRONG
        };
        cx.emit(Kind::IP_ADDRESS, s, ze, score, priority::STRUCTURED);
        Ok(ze)
    }
}

impl Detect for Network {
    fn id(&self) -> &'static str {
        "network"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::IP_ADDRESS, Kind::MAC_ADDRESS]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 1 }]
    }

    fn max_len(&self) -> usize {
        64
    }

    #[inline]
    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let run = &hit.run;
        debug_assert!(hit.end == run.end && hit.literal == 0);
        // Three dots at least before splitting the run (times like 10:22:33.123 have one).
        if run.groups >= 4
            && run.has_sep(DigitRun::SEP_DOT)
            && b[run.start..run.end].iter().filter(|&&c| c == b'.').count() >= 3
        {
            Network::ipv4(cx, run);
        }
        let hexish = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_hexdigit() || *c == b':');
        let sep_hex = |c: Option<&u8>, d: Option<&u8>| {
            matches!(c, Some(b'-' | b'.'))
                && d.is_some_and(|d| d.is_ascii_hexdigit() && !d.is_ascii_digit())
        };
        let before = run.start.checked_sub(1).and_then(|k| b.get(k));
        let before2 = run.start.checked_sub(2).and_then(|k| b.get(k));
        // A run of digits alone is an IPv6 address only with eight groups ("::" splits runs and
        // shows as a ':' neighbour), a MAC only with six pairs or Cisco's 4.4.4: times such as
        // 10:22:33.123 never reach the token scan.
        let digits_only_shape = (run.groups >= 6
            && run.has_sep(DigitRun::SEP_COLON | DigitRun::SEP_DASH))
            || (run.groups == 3 && run.end - run.start == 14 && run.has_sep(DigitRun::SEP_DOT));
        let token = digits_only_shape
            || hexish(b.get(run.end))
            || hexish(before)
            || sep_hex(b.get(run.end), b.get(run.end + 1))
            || sep_hex(before, before2);
        if token {
            // Skip past a reported address; otherwise later runs of the same token (an IPv4
            // after a rejected prefix) still get their own look.
            return match Network::hex_token(cx, run.start) {
                Ok(e) | Err(e) => e.max(run.end),
            };
        }
        run.end
    }
}

/// Month names: English, then German, French, Spanish, Italian, Dutch and Portuguese (full
/// names; their abbreviations are mostly the English ones).
const MON: &str = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?\
|j[äa]nner|januar|februar|m[äa]rz|maerz|mai|juni|juli|oktober|dezember\
|janvier|f[ée]vrier|mars|avril|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre\
|enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre|diciembre\
|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre\
|januari|februari|maart|mei|augustus\
|janeiro|fevereiro|mar[çc]o|maio|junho|julho|setembro|outubro|dezembro)";

static DATE_RE: Lazy<Regex> = Lazy::new(|| {
    let p = format!(
        r"(?i)\b(?:(?P<n1a>\d{{1,2}})(?P<s1>[/.\-])(?P<n1b>\d{{1,2}})(?P<s2>[/.\-])(?P<n1y>\d{{4}}|\d{{2}})|(?P<n2y>\d{{4}})(?P<s3>[/.\-])(?P<n2m>\d{{1,2}})(?P<s4>[/.\-])(?P<n2d>\d{{1,2}})|(?P<n3y>(?:19|20)\d{{2}})(?P<n3m>\d{{2}})(?P<n3d>\d{{2}})|(?P<t1d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of|de))?[\s\-/.]*(?P<t1m>{MON})\.?,?(?:\s+de)?[\s\-/.]*(?P<t1y>\d{{4}}|\d{{2}})|(?P<t2m>{MON})\.?\s*(?P<t2d>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<t2y>\d{{4}})|(?P<t3m>{MON})\.?,?\s+(?P<t3y>\d{{4}}))\b"
    );
    Regex::new(&p).expect("static date pattern")
});

/// The date that starts exactly at `at` in `hay`: its end, and whether its month and day are
/// possible (see [`date_ok`]).
///
/// Numeric dates (the first alternatives of [`DATE_RE`], so the ones it prefers at a position)
/// are read by hand, [`num_date_at`]: a capture search costs thousands of instructions per
/// date. Dates with month names, and numeric dates next to non-ASCII text, go to the regex.
pub(crate) fn date_at(hay: &str, at: usize) -> Option<(usize, bool)> {
    match num_date_at(hay.as_bytes(), at) {
        Ok(Some(found)) => return Some(found),
        Ok(None) => {}
        // Digits that touch a non-ASCII byte: a CJK date (`1944年4月6日`) first.
        Err(()) => {
            if let Some(found) = cjk_date_at(hay.as_bytes(), at) {
                return Some(found);
            }
        }
    }
    DATE_RE
        .captures_at(hay, at)
        .filter(|c| c.get(0).is_some_and(|m| m.start() == at))
        .and_then(|c| Some((c.get(0)?.end(), date_ok(&c))))
}

/// The numeric date that [`DATE_RE`] matches at `at`, read without a regex: `d/m/y` or `m/d/y`
/// (one or two digits each, a year of two or four, one separator of `/`, `.`, `-` used twice
/// for the date to be valid), `yyyy-mm-dd`, or `yyyymmdd` from 1900 to 2099. `Ok(Some((end,
/// valid)))` for a match, `Ok(None)` for none. `Err` when a non-ASCII byte touches the digits:
/// the regex's `\d` and `\b` are Unicode-aware, so such text goes to the regex.
fn num_date_at(b: &[u8], at: usize) -> Result<Option<(usize, bool)>, ()> {
    // The end of the digits from `i`.
    let digits = |i: usize| -> Result<usize, ()> {
        let e = i + b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        match b.get(e) {
            Some(c) if !c.is_ascii() => Err(()),
            _ => Ok(e),
        }
    };
    let sep = |i: usize| {
        b.get(i)
            .copied()
            .filter(|c| matches!(c, b'/' | b'.' | b'-'))
    };
    let boundary = |i: usize| !b.get(i).is_some_and(|c| is_word_byte(*c));
    let num = |s: usize, e: usize| digits_value(&b[s..e]).unwrap_or(0);
    match at.checked_sub(1).map(|k| b[k]) {
        Some(c) if !c.is_ascii() => return Err(()),
        Some(c) if is_word_byte(c) => return Ok(None),
        _ => {}
    }
    let e1 = digits(at)?;
    if let Some(s1) = sep(e1) {
        let e2 = digits(e1 + 1)?;
        if let (Some(s2), true) = (sep(e2), (1..=2).contains(&(e2 - e1 - 1))) {
            let e3 = digits(e2 + 1)?;
            let (n1, n3) = (e1 - at, e3 - e2 - 1);
            if (1..=2).contains(&n1) && matches!(n3, 2 | 4) && boundary(e3) {
                let (a, m, y) = (num(at, e1), num(e1 + 1, e2), num(e2 + 1, e3));
                let valid =
                    s1 == s2 && year_ok(y, n3) && ((month(a) && day(m)) || (day(a) && month(m)));
                return Ok(Some((e3, valid)));
            }
            if e1 - at == 4 && (1..=2).contains(&n3) && boundary(e3) {
                let (y, m, d) = (num(at, e1), num(e1 + 1, e2), num(e2 + 1, e3));
                let valid = s1 == s2 && year_ok(y, 4) && month(m) && day(d);
                return Ok(Some((e3, valid)));
            }
        }
    }
    // A separator after eight digits is a word boundary too: `19860512/…`.
    if e1 - at == 8 && matches!(&b[at..at + 2], b"19" | b"20") && boundary(e1) {
        let (y, m, d) = (num(at, at + 4), num(at + 4, at + 6), num(at + 6, e1));
        return Ok(Some((e1, year_ok(y, 4) && month(m) && day(d))));
    }
    Ok(None)
}

/// A date written with CJK unit characters at `at`: Chinese and Japanese `1944年4月6日`,
/// Korean `1963년 7월 18일` (a space after each unit allowed). Returns its end and whether the
/// month and day are possible.
fn cjk_date_at(b: &[u8], at: usize) -> Option<(usize, bool)> {
    const UNITS: [[&[u8]; 3]; 2] = [
        ["年".as_bytes(), "月".as_bytes(), "日".as_bytes()],
        ["년".as_bytes(), "월".as_bytes(), "일".as_bytes()],
    ];
    if at > 0 && b[at - 1].is_ascii_digit() {
        return None;
    }
    'units: for units in UNITS {
        let mut i = at;
        let mut parts = [0u32; 3];
        for (k, unit) in units.iter().enumerate() {
            let n = b
                .get(i..)?
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let ok_len = if k == 0 { n == 4 } else { (1..=2).contains(&n) };
            if !ok_len || !b[i + n..].starts_with(unit) {
                continue 'units;
            }
            parts[k] = digits_value(&b[i..i + n]).unwrap_or(0);
            i += n + unit.len();
            if k < 2 && b.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        let [y, m, d] = parts;
        return Some((i, year_ok(y, 4) && month(m) && day(d)));
    }
    None
}

/// A date written with single spaces, `08 19 1947` or `19 08 1947` (the boxes of a CMS-1500
/// claim form, copied as text): one or two digits, one or two digits, a four-digit year, with
/// a possible month and day. Read only after a birth label, where no other reading of three
/// numbers in a row is likely; [`date_at`] does not take it, so a bare `3 12 2024` is never a
/// date. Returns the end.
fn spaced_date_at(b: &[u8], at: usize) -> Option<usize> {
    let digits = |i: usize| {
        i + b
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    if at.checked_sub(1).is_some_and(|k| is_word_byte(b[k])) {
        return None;
    }
    let e1 = digits(at);
    let e2 = digits(e1 + 1);
    let e3 = digits(e2 + 1);
    let shape = (1..=2).contains(&(e1 - at))
        && b.get(e1) == Some(&b' ')
        && (1..=2).contains(&(e2 - e1 - 1))
        && b.get(e2) == Some(&b' ')
        && e3 - e2 - 1 == 4
        && !b.get(e3).is_some_and(|c| is_word_byte(*c) || !c.is_ascii());
    if !shape {
        return None;
    }
    let num = |s: usize, e: usize| digits_value(&b[s..e]).unwrap_or(0);
    let (a, m, y) = (num(at, e1), num(e1 + 1, e2), num(e2 + 1, e3));
    (year_ok(y, 4) && ((month(a) && day(m)) || (day(a) && month(m)))).then_some(e3)
}

/// Eight digits as `mmddyyyy` or `ddmmyyyy` (UB-04 and CMS-1500 boxes: `BIRTHDATE: 10181962`),
/// year 1900-2100. Read only after a birth label, like [`spaced_date_at`]; [`date_at`] reads
/// eight digits as `yyyymmdd` only. Returns the end.
fn compact_date_at(b: &[u8], at: usize) -> Option<usize> {
    let v = b.get(at..at + 8)?;
    if !v.iter().all(u8::is_ascii_digit)
        || at.checked_sub(1).is_some_and(|k| is_word_byte(b[k]))
        || b.get(at + 8).is_some_and(|c| is_word_byte(*c))
    {
        return None;
    }
    let num = |s: usize, e: usize| digits_value(&v[s..e]).unwrap_or(0);
    let (a, m, y) = (num(0, 2), num(2, 4), num(4, 8));
    (year_ok(y, 4) && ((month(a) && day(m)) || (day(a) && month(m)))).then_some(at + 8)
}

fn cap_num(c: &regex::Captures<'_>, name: &str) -> Option<u32> {
    c.name(name)
        .and_then(|m| digits_value(m.as_str().as_bytes()))
}

fn day(d: u32) -> bool {
    (1..=31).contains(&d)
}

fn month(m: u32) -> bool {
    (1..=12).contains(&m)
}

fn year_ok(y: u32, len: usize) -> bool {
    len == 2 || (1900..=2100).contains(&y)
}

/// True when the captured date has a possible month and day.
fn date_ok(c: &regex::Captures<'_>) -> bool {
    let ylen = |n: &str| c.name(n).map_or(0, |m| m.as_str().len());
    if let (Some(a), Some(b), Some(y)) = (cap_num(c, "n1a"), cap_num(c, "n1b"), cap_num(c, "n1y")) {
        let same = c.name("s1").map(|m| m.as_str()) == c.name("s2").map(|m| m.as_str());
        return same && year_ok(y, ylen("n1y")) && ((month(a) && day(b)) || (day(a) && month(b)));
    }
    if let (Some(y), Some(m), Some(d)) = (cap_num(c, "n2y"), cap_num(c, "n2m"), cap_num(c, "n2d")) {
        let same = c.name("s3").map(|m| m.as_str()) == c.name("s4").map(|m| m.as_str());
        return same && year_ok(y, 4) && month(m) && day(d);
    }
    if let (Some(y), Some(m), Some(d)) = (cap_num(c, "n3y"), cap_num(c, "n3m"), cap_num(c, "n3d")) {
        return year_ok(y, 4) && month(m) && day(d);
    }
    if let (Some(d), Some(y)) = (cap_num(c, "t1d"), cap_num(c, "t1y")) {
        return day(d) && year_ok(y, ylen("t1y"));
    }
    if let (Some(d), Some(y)) = (cap_num(c, "t2d"), cap_num(c, "t2y")) {
        return day(d) && year_ok(y, 4);
    }
    if let Some(y) = cap_num(c, "t3y") {
        return year_ok(y, 4);
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Values believed through their label: MRN, patient id, insurance id, passport, bank account,
// date of birth.
// ---------------------------------------------------------------------------------------------

/// What a label announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    Mrn,
    Patient,
    Insurance,
    Passport,
    Account,
    Birth,
}

impl Label {
    /// The kind of the value a label announces (none for [`Label::Birth`], whose values are
    /// dates, read apart).
    pub(crate) fn kind(self) -> Option<Kind> {
        match self {
            Label::Mrn => Some(Kind::MRN),
            Label::Patient => Some(Kind::PATIENT_ID),
            Label::Insurance => Some(Kind::INSURANCE_ID),
            Label::Passport => Some(Kind::US_PASSPORT),
            Label::Account => Some(Kind::BANK_ACCOUNT),
            Label::Birth => None,
        }
    }
}

/// What one word before a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    /// "no", "number", "id", "is", … : may stand between a label and its value.
    Filler,
    /// A month name (only between a birth label and the day: "DOB: April 12, 1986").
    Month,
    /// The head word of a label, and what must stand between it and the value.
    Head(Label, Needs),
    /// Completes a two-word label when the word before it is right ("medical record").
    Tail(Label),
    Other,
}

/// What a label's head word needs between it and the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// Nothing: "MRN 1234567".
    Nothing,
    /// A filler word or `#`: "patient # 4471", "patient no. 4471".
    Filler,
    /// A filler word; `#` is not enough: "acc no. 12345678", while "Acc# 24-164-01129" on a
    /// specimen label is an accession number.
    Word,
}

/// Every word [`classify`] knows, for the quick length/first-letter filter.
const KNOWN_WORDS: &[&str] = &[
    "no",
    "nr",
    "num",
    "number",
    "numbers",
    "is",
    "id",
    "ids",
    "identifier",
    "of",
    "was",
    "code",
    "on",
    "the",
    "date",
    "dt",
    "in",
    "mm/dd/yyyy",
    "dd/mm/yyyy",
    "mm/dd/yy",
    "yyyy-mm-dd",
    "ending",
    "value",
    "as",
    "verified",
    "confirmed",
    "which",
    "mine",
    "book",
    "que",
    "cntl",
    "control",
    "i.d",
    "unique",
    "resident",
    "insured",
    "dateofbirth",
    "medicalrecordnumber",
    "paziente",
    "paciente",
    "estadounidense",
    "americano",
    "file",
    "remains",
    "患者id",
    "afiliado",
    "födelsedatum",
    "n.º",
    "clinica",
    "clinico",
    "clínica",
    "clínico",
    "médical",
    "polisnummer",
    "mutuelle",
    "urodzenia",
    "patiëntnummer",
    "nº",
    "n°",
    // The ends of [`CJK_LABELS`], for the word-end filter (which also takes [`CJK_COPULAS`]).
    "出生日期",
    "生年月日",
    "생년월일",
    "护照号码",
    "護照號碼",
    "护照号",
    "旅券番号",
    "パスポート番号",
    "여권번호",
    "病历号",
    "病歷號",
    "住院号",
    "カルテ番号",
    "患者番号",
    "환자번호",
    "계좌번호",
    "口座番号",
    "银行账号",
    "銀行帳號",
    "am",
    "op",
    "il",
    "el",
    "em",
    "le",
    "de",
    "es",
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "mrn",
    "expediente",
    "nhc",
    "dossier",
    "mrns",
    "mr",
    "chart",
    "hospital",
    "hosp",
    "record",
    "rec",
    "patient",
    "pt",
    "pat",
    "patientid",
    "patienten-id",
    "patientennummer",
    "ipp",
    "patient_id",
    "patient-id",
    "ptid",
    "member",
    "subscriber",
    "policy",
    "insurance",
    "healthcare",
    "medicare",
    "medicaid",
    "beneficiary",
    "plan",
    "mbi",
    "beneficiario",
    "versichertennummer",
    "adhérent",
    "póliza",
    "apólice",
    "memberid",
    "member_id",
    "subscriber_id",
    "subscriberid",
    "policy_number",
    "policynumber",
    "insurance_id",
    "cardholder",
    "passport",
    "passport_number",
    "passport_no",
    "pasaporte",
    "passeport",
    "reisepass",
    "reisepassnummer",
    "passaporto",
    "paspoort",
    "paspoortnummer",
    "document",
    "account",
    "acct",
    "a/c",
    "account_number",
    "accountnumber",
    "acct_no",
    "account_no",
    "konto",
    "kontonummer",
    "compte",
    "cuenta",
    "conto",
    "rekening",
    "rekeningnummer",
    "acc",
    "dob",
    "d.o.b",
    "birth",
    "birthday",
    "birthdate",
    "born",
    "bday",
    "b-day",
    "date_of_birth",
    "birth_date",
    "geburtsdatum",
    "naissance",
    "nacimiento",
    "nascita",
    "nascimento",
    "geboortedatum",
    "geboren",
    "geb",
    "née",
    "né",
    "nato",
    "nata",
    "nacido",
    "nacida",
    "nascido",
    "nascida",
    "nací",
    "naci",
    "nasci",
];

/// `QUICK[len]`: bit set of the first letters of known words of that length.
static QUICK: [u32; 21] = {
    let mut t = [0u32; 21];
    let mut i = 0;
    while i < KNOWN_WORDS.len() {
        let b = KNOWN_WORDS[i].as_bytes();
        if b.len() < t.len() && !b.is_empty() {
            t[b.len()] |= 1 << (b[0].wrapping_sub(b'a') & 31);
        }
        i += 1;
    }
    t
};

/// A bit per key of the last three bytes of a known word (a two-letter word's first "byte" is
/// [`WORD_START`]). Checked on the text before a word is walked and copied: the word before a
/// digit run is rarely a label, and its last three bytes almost always say so. The key keeps
/// five bits of each byte, which folds ASCII case; collisions (`.` with `n`, say) only let more
/// words through to [`classify`].
static WORD_ENDS: [u64; 512] = {
    let mut t = [0u64; 512];
    let mut i = 0;
    while i < KNOWN_WORDS.len() {
        let w = KNOWN_WORDS[i].as_bytes();
        let n = w.len();
        let k = if n == 2 {
            end_key(WORD_START, w[0], w[1])
        } else {
            end_key(w[n - 3], w[n - 2], w[n - 1])
        };
        t[k / 64] |= 1 << (k % 64);
        i += 1;
    }
    // A CJK label may end in a copula ("出生日期是…"): each is one three-byte character.
    let mut i = 0;
    while i < CJK_COPULAS.len() {
        let w = CJK_COPULAS[i].as_bytes();
        let k = end_key(w[0], w[1], w[2]);
        t[k / 64] |= 1 << (k % 64);
        i += 1;
    }
    t
};

/// Stands for the byte before a two-letter word in [`end_key`].
const WORD_START: u8 = 0;

#[inline(always)]
const fn end_key(a: u8, b: u8, c: u8) -> usize {
    ((a as usize & 31) << 10) | ((b as usize & 31) << 5) | (c as usize & 31)
}

#[inline(always)]
fn word_end_known(a: u8, b: u8, c: u8) -> bool {
    let k = end_key(a, b, c);
    WORD_ENDS[k / 64] >> (k % 64) & 1 != 0
}

/// False when no known word can end at `end`: mirrors [`word_before`], which takes letters
/// and inner `.`, `/`, `_`, `-` (every known word has two bytes at least).
#[inline]
fn may_end_known_word(b: &[u8], end: usize) -> bool {
    let Some(&[y, z]) = b.get(end.wrapping_sub(2)..end) else {
        return false;
    };
    match end.checked_sub(3).map(|k| b[k]) {
        // A longer word; `_` never precedes a two-letter word (`_id` is no word).
        Some(x) if word_letter(x) || x == b'_' => word_end_known(x, y, z),
        // A two-letter word glued to a digit is no word.
        Some(x) if x.is_ascii_digit() => false,
        // Inside a word ("mm/dd/yy") or leading punctuation before a two-letter one ("-id").
        Some(x @ (b'.' | b'/' | b'-')) => {
            word_end_known(x, y, z) || word_end_known(WORD_START, y, z)
        }
        _ => word_end_known(WORD_START, y, z),
    }
}

/// A word of up to 8 bytes as an integer (zero-padded; words hold no zero bytes).
fn word_key(w: &[u8]) -> Option<u64> {
    if w.len() > 8 {
        return None;
    }
    let mut k = [0u8; 8];
    k[..w.len()].copy_from_slice(w);
    Some(u64::from_le_bytes(k))
}

/// The classification of every known word of at most 8 bytes, by integer key (see
/// [`word_key`]): a perfect hash, one multiply and one probe per lookup.
struct ShortWords {
    /// The multiplier that gives every key its own slot.
    mul: u64,
    /// Slot to 1 + index into `words`, or 0 for none.
    slots: Vec<u8>,
    words: Vec<(u64, Word)>,
}

impl ShortWords {
    const BITS: u32 = 11;

    fn new() -> ShortWords {
        let words: Vec<(u64, Word)> = KNOWN_WORDS
            .iter()
            .filter_map(|w| Some((word_key(w.as_bytes())?, classify_slow(w.as_bytes()))))
            .collect();
        // Odd multipliers from a fixed sequence, until one spreads the keys over distinct
        // slots (a few dozen tries for about 90 keys in 2048 slots; a test checks one is found).
        let mut mul = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            let mut slots = vec![0u8; 1 << Self::BITS];
            let fits = words.len() < 255
                && words.iter().enumerate().all(|(i, &(k, _))| {
                    let s = Self::slot(mul, k);
                    let free = slots[s] == 0;
                    slots[s] = i as u8 + 1;
                    free
                });
            if fits {
                return ShortWords { mul, slots, words };
            }
            mul = mul
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407)
                | 1;
        }
        // Not reached with the built-in words; lookups fall back to a linear search.
        ShortWords {
            mul: 0,
            slots: Vec::new(),
            words,
        }
    }

    #[inline(always)]
    fn slot(mul: u64, k: u64) -> usize {
        (k.wrapping_mul(mul) >> (64 - Self::BITS)) as usize
    }

    #[inline]
    fn get(&self, k: u64) -> Option<Word> {
        if self.slots.is_empty() {
            return self.words.iter().find(|w| w.0 == k).map(|w| w.1);
        }
        let i = usize::from(*self.slots.get(Self::slot(self.mul, k))?);
        let &(key, word) = self.words.get(i.checked_sub(1)?)?;
        (key == k).then_some(word)
    }
}

static SHORT_WORDS: Lazy<ShortWords> = Lazy::new(ShortWords::new);

fn classify(w: &[u8]) -> Word {
    let quick = match (QUICK.get(w.len()), w.first()) {
        (Some(mask), Some(f)) => mask & (1 << (f.wrapping_sub(b'a') & 31)) != 0,
        _ => false,
    };
    let word = match (quick, word_key(w)) {
        (false, _) => Word::Other,
        (true, Some(k)) => SHORT_WORDS.get(k).unwrap_or(Word::Other),
        (true, None) => classify_slow(w),
    };
    if word != Word::Other {
        return word;
    }
    label_suffix(w)
}

/// A snake_case key that ends in an unambiguous label: `pt_mrn`, `subscriber_dob`.
/// Chinese, Japanese and Korean labels, matched as the end of a word: these languages write
/// no space between words ("患者出生日期：1993-04-12").
const CJK_LABELS: &[(&str, Label)] = &[
    ("出生日期", Label::Birth),
    ("生年月日", Label::Birth),
    ("생년월일", Label::Birth),
    ("护照号码", Label::Passport),
    ("護照號碼", Label::Passport),
    ("护照号", Label::Passport),
    ("旅券番号", Label::Passport),
    ("パスポート番号", Label::Passport),
    ("여권번호", Label::Passport),
    ("病历号", Label::Mrn),
    ("病歷號", Label::Mrn),
    ("住院号", Label::Mrn),
    ("カルテ番号", Label::Mrn),
    ("患者番号", Label::Patient),
    ("환자번호", Label::Patient),
    ("계좌번호", Label::Account),
    ("口座番号", Label::Account),
    ("银行账号", Label::Account),
    ("銀行帳號", Label::Account),
];

/// Words that join a CJK label to its value: "出生日期是…" (Chinese), "生年月日は…" (Japanese),
/// "생년월일은…" (Korean).
const CJK_COPULAS: &[&str] = &["是", "为", "は", "는", "은"];

fn label_suffix(w: &[u8]) -> Word {
    if w.last().is_some_and(|c| *c >= 0x80) {
        let w = CJK_COPULAS
            .iter()
            .find_map(|c| w.strip_suffix(c.as_bytes()))
            .unwrap_or(w);
        return CJK_LABELS
            .iter()
            .find(|(l, _)| w.ends_with(l.as_bytes()))
            .map_or(Word::Other, |&(_, label)| Word::Head(label, Needs::Nothing));
    }
    match w.len().checked_sub(4).map(|k| &w[k..]) {
        Some(b"_mrn") => Word::Head(Label::Mrn, Needs::Nothing),
        Some(b"_dob") => Word::Head(Label::Birth, Needs::Nothing),
        // A qualified snake_case key (`bank_account_number`, `primary_member_id`): its tail,
        // when that is a label that needs nothing more.
        _ => match w.iter().position(|c| *c == b'_') {
            // Tails of four bytes and more: `user_id`, `req_id` (every log line) stop here.
            Some(p) if p + 4 < w.len() => match classify(&w[p + 1..]) {
                head @ Word::Head(_, Needs::Nothing) => head,
                _ => Word::Other,
            },
            _ => Word::Other,
        },
    }
}

fn classify_slow(w: &[u8]) -> Word {
    use Label::*;
    match w {
        b"no" | b"nr" | b"num" | b"number" | b"numbers" | b"is" | b"id" | b"ids"
        | b"identifier" | b"of" | b"was" | b"code" | b"on" | b"the" | b"date" | b"dt" | b"in"
        | b"mm/dd/yyyy" | b"dd/mm/yyyy" | b"mm/dd/yy" | b"yyyy-mm-dd" | b"ending" | b"value"
        | b"as" | b"verified" | b"confirmed" => Word::Filler,
        // "date of birth, which is …", "passport book number — mine is …", Spanish "fecha de
        // nacimiento, que es el …".
        b"which" | b"mine" | b"book" | b"que" => Word::Filler,
        // "passport (number on file: …)", "your MRN remains …".
        b"file" | b"remains" => Word::Filler,
        // "Pasaporte estadounidense nº …".
        b"estadounidense" | b"americano" => Word::Filler,
        // UB-04 "PAT CNTL #" (patient control number), "INSURED'S UNIQUE ID".
        b"cntl" | b"control" | b"unique" | b"i.d" => Word::Filler,
        // "geboren am", "geboren op", "nata il", "nacido el", "nascido em", "né le", "fecha
        // de", "es": articles and prepositions of the languages whose labels follow.
        b"am" | b"op" | b"il" | b"el" | b"em" | b"le" | b"de" | b"es" => Word::Filler,
        b"jan" | b"january" | b"feb" | b"february" | b"mar" | b"march" | b"apr" | b"april"
        | b"may" | b"jun" | b"june" | b"jul" | b"july" | b"aug" | b"august" | b"sep" | b"sept"
        | b"september" | b"oct" | b"october" | b"nov" | b"november" | b"dec" | b"december" => {
            Word::Month
        }
        // Spanish "Nº de expediente", "NHC" (número de historia clínica), French "N° de dossier".
        b"mrn" | b"mrns" | b"expediente" | b"nhc" | b"dossier" => Word::Head(Mrn, Needs::Nothing),
        b"mr" | b"chart" | b"hospital" | b"hosp" => Word::Head(Mrn, Needs::Filler),
        b"record" | b"rec" => Word::Tail(Mrn),
        // Italian "cartella clinica", Spanish "historia clínica", Portuguese "processo clínico",
        // French "dossier médical" (the accented ones below).
        b"clinica" | b"clinico" => Word::Tail(Mrn),
        b"polisnummer" | b"mutuelle" | b"afiliado" => Word::Head(Insurance, Needs::Nothing),
        // Polish "data urodzenia".
        b"urodzenia" => Word::Head(Birth, Needs::Nothing),
        // A nursing home's "Resident #".
        b"patient" | b"pt" | b"pat" | b"resident" => Word::Head(Patient, Needs::Filler),
        // French "IPP" (identifiant permanent du patient), German "Patienten-ID".
        b"patientid" | b"patient_id" | b"patient-id" | b"ptid" | b"patienten-id"
        | b"patientennummer" | b"ipp" => Word::Head(Patient, Needs::Nothing),
        // Not "group": a group number names the employer's plan, which many members share.
        b"member" | b"subscriber" | b"policy" | b"insurance" | b"healthcare" | b"medicare"
        | b"medicaid" | b"beneficiary" | b"plan" | b"cardholder" | b"insured" => {
            Word::Head(Insurance, Needs::Filler)
        }
        b"mbi"
        | b"memberid"
        | b"member_id"
        | b"subscriber_id"
        | b"subscriberid"
        | b"policy_number"
        | b"policynumber"
        | b"insurance_id"
        | b"beneficiario"
        | b"versichertennummer" => Word::Head(Insurance, Needs::Nothing),
        b"passport" | b"passport_number" | b"passport_no" | b"pasaporte" | b"passeport"
        | b"reisepass" | b"reisepassnummer" | b"passaporto" | b"paspoort" | b"paspoortnummer" => {
            Word::Head(Passport, Needs::Nothing)
        }
        b"document" => Word::Tail(Passport),
        // Italian "Codice paziente", Spanish "Número de paciente".
        b"paziente" | b"paciente" => Word::Tail(Patient),
        b"account" | b"acct" | b"a/c" | b"account_number" | b"accountnumber" | b"acct_no"
        | b"account_no" | b"konto" | b"kontonummer" | b"compte" | b"cuenta" | b"conto"
        | b"rekening" | b"rekeningnummer" => Word::Head(Account, Needs::Nothing),
        b"acc" => Word::Head(Account, Needs::Word),
        b"dob" | b"d.o.b" | b"birth" | b"birthday" | b"birthdate" | b"born" | b"bday"
        | b"b-day" | b"date_of_birth" | b"birth_date" | b"geburtsdatum" | b"naissance"
        | b"nacimiento" | b"nascita" | b"nascimento" | b"geboortedatum" | b"geboren" | b"nato"
        | b"nata" | b"nacido" | b"nacida" | b"nascido" | b"nascida" | b"geb" | b"naci" | b"nasci"
        // XML elements: `<DateOfBirth>`.
        | b"dateofbirth" => Word::Head(Birth, Needs::Nothing),
        b"medicalrecordnumber" => Word::Head(Mrn, Needs::Nothing),
        // Words with non-ASCII letters (byte string literals are ASCII only).
        _ if w == "née".as_bytes() || w == "né".as_bytes() || w == "nací".as_bytes() => {
            Word::Head(Birth, Needs::Nothing)
        }
        // "Pasaporte nº …", "N° de dossier".
        _ if ["nº", "n°", "n.º"].iter().any(|x| w == x.as_bytes()) => Word::Filler,
        // Swedish "födelsedatum"; Japanese "患者ID" (a CJK word with a Latin tail).
        _ if w == "födelsedatum".as_bytes() => Word::Head(Birth, Needs::Nothing),
        _ if w.ends_with("患者id".as_bytes()) => Word::Head(Patient, Needs::Nothing),
        _ if ["clínica", "clínico", "médical"].iter().any(|x| w == x.as_bytes()) => {
            Word::Tail(Mrn)
        }
        _ if w == "patiëntnummer".as_bytes() => Word::Head(Patient, Needs::Nothing),
        _ if ["adhérent", "póliza", "apólice"]
            .iter()
            .any(|x| w == x.as_bytes()) =>
        {
            Word::Head(Insurance, Needs::Nothing)
        }
        _ => label_suffix(w),
    }
}

/// Words before an insurance/account label that mean another kind of id ("AWS account").
fn not_a_bank(w: &[u8]) -> bool {
    matches!(
        w,
        b"aws"
            | b"amazon"
            | b"arn"
            | b"gcp"
            | b"azure"
            | b"service"
            | b"storage"
            | b"email"
            | b"e-mail"
            | b"user"
            | b"customer"
            | b"twitter"
            | b"github"
            | b"login"
            | b"steam"
            | b"game"
            | b"loyalty"
            | b"utility"
            | b"cloud"
            | b"google"
            | b"billing"
            | b"admin"
            | b"your"
            | b"my"
            | b"new"
            | b"test"
            | b"demo"
            | b"this"
    ) && !matches!(w, b"my" | b"your")
}

const WB_LETTER: u8 = 1;
const WB_INNER: u8 = 2;
/// [`word_before`]'s bytes: ASCII letters, and `.`, `/`, `_`, `-` inside a word.
static WORD_BYTE: [u8; 256] = byte_table!(|b| match b {
    _ if b.is_ascii_alphabetic() || b >= 0x80 => WB_LETTER,
    b'.' | b'/' | b'_' | b'-' => WB_INNER,
    _ => 0,
});

/// A letter of a word for [`word_before`]: an ASCII letter, or any byte of a non-ASCII
/// character (`née`, `póliza`: labels in other languages).
#[inline(always)]
fn word_letter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c >= 0x80
}

/// The word that ends at `end` (letters, non-ASCII characters included, plus `.`, `/`, `_` and
/// `-` inside it), ASCII lower-cased into `buf`; returns `(start, len)`. `None` when there is no
/// word or it is too long.
fn word_before(b: &[u8], end: usize, lim: usize, buf: &mut [u8; 20]) -> Option<(usize, usize)> {
    // The last byte is a letter (`.`, `/`, `_`, `-` only inside a word).
    if !end
        .checked_sub(1)
        .and_then(|k| b.get(k))
        .is_some_and(|&c| word_letter(c))
    {
        return None;
    }
    let stop = lim.max(end.saturating_sub(20));
    let mut s = end;
    // The 16 bytes before `end` in one block: bit 15 is byte `end - 1`.
    if let Some(c) = end
        .checked_sub(16)
        .and_then(|k| b.get(k..end))
        .and_then(|c| <&[u8; 16]>::try_from(c).ok())
    {
        let blk = crate::block::Block::new(c);
        let word = blk.letters()
            | blk.in_range(0x80, 0xff)
            | blk.eq(b'.')
            | blk.eq(b'/')
            | blk.eq(b'_')
            | blk.eq(b'-');
        s = (end - word.bits().leading_ones() as usize).max(stop);
    }
    // Near the start of the text, or a word of 16 bytes and more: byte by byte.
    if s == end || s == end - 16 {
        while s > stop && WORD_BYTE[usize::from(b[s - 1])] != 0 {
            s -= 1;
        }
    }
    // Words joined by slashes and cut by the cap: the last one ("Policyholder/Subscriber").
    if s == stop && s > lim && WORD_BYTE[usize::from(b[s - 1])] != 0 {
        if let Some(p) = b[s..end].iter().rposition(|c| *c == b'/') {
            s += p + 1;
        }
    }
    // Leading punctuation belongs to what is before the word.
    while s < end && !word_letter(b[s]) {
        s += 1;
    }
    // An escaped newline or tab before the word ("\\nMRN: …" in a JSON string) separates it.
    let escaped = s + 1 < end && escape_letter(b, s);
    if escaped {
        s += 1;
    }
    // CJK text has no spaces: a word ending in a non-ASCII letter starts after the last
    // full-width punctuation mark ("…5678，出生日期").
    let cut = b[end - 1] >= 0x80 && {
        let k = cjk_word_start(b, s, end);
        let cut = k > s;
        s = k;
        // A run of CJK characters longer than the window ("我的出生日期是"): its last
        // characters, from a character boundary (labels are matched by their end).
        let long = !cut && s > 0 && b[s - 1] >= 0x80;
        if long {
            while s < end && b[s] & 0xC0 == 0x80 {
                s += 1;
            }
        }
        cut || long
    };
    if s == end
        || !cut
            && !escaped
            && s > 0
            && (word_letter(b[s - 1]) || b[s - 1].is_ascii_digit() || b[s - 1] == b'_')
    {
        return None;
    }
    let n = end - s;
    if n > buf.len() {
        return None;
    }
    for (k, c) in b[s..end].iter().enumerate() {
        buf[k] = c.to_ascii_lowercase();
    }
    Some((s, n))
}

/// Where a word that runs over `s..end` starts after its last CJK punctuation mark (full-width
/// comma, colon, semicolon, parentheses; ideographic comma and full stop).
#[cold]
#[inline(never)]
fn cjk_word_start(b: &[u8], s: usize, end: usize) -> usize {
    let w = &b[s..end];
    (0..w.len().saturating_sub(2))
        .rev()
        .find(|&k| {
            matches!(
                &w[k..k + 3],
                [0xEF, 0xBC, 0x8C | 0x9A | 0x9B | 0x88 | 0x89] | [0xE3, 0x80, 0x81 | 0x82]
            )
        })
        .map_or(s, |k| s + k + 3)
}

/// Bytes that may stand between a label and its value: 1, or 2 for `#`; 3 for the last byte of
/// a multi-byte separator (en/em dash, full-width colon), which [`skip_punct_back`] checks.
static LABEL_PUNCT: [u8; 256] = byte_table!(|b| match b {
    b'#' => 2,
    0x93 | 0x94 | 0x9A => 3,
    b' ' | b'\t' | b'\n' | b'\r' | b':' | b'=' | b'"' | b'\'' | b'|' | b'*' | b'(' | b')'
    | b'[' | b']' | b'<' | b'>' | b',' | b'`' | b'-' | b'.' | b'{' | b'}' | b'\\' => 1,
    _ => 0,
});

/// Separators between a label and its value (see [`LABEL_PUNCT`]), walked backwards. Returns
/// the new position and whether a `#` was among them.
fn skip_punct_back(b: &[u8], mut i: usize, lim: usize) -> (usize, bool) {
    let mut hash = false;
    while i > lim {
        match LABEL_PUNCT[usize::from(b[i - 1])] {
            0 => break,
            // The last byte of an en or em dash or of the full-width colon: "number — mine is
            // …", "番号：…". ASCII text never gets here.
            3 if wide_punct_before(b, i, lim) => {
                i -= 3;
                continue;
            }
            3 => break,
            k => hash |= k == 2,
        }
        i -= 1;
    }
    (i, hash)
}

/// An en or em dash or a full-width colon ends at `i` (after `lim`). Out of line and cold:
/// inlined, the test cost about 1.5 % of prose scan time in the hot separator walk.
#[cold]
#[inline(never)]
fn wide_punct_before(b: &[u8], i: usize, lim: usize) -> bool {
    i >= lim + 3 && matches!(&b[i - 3..i], [0xE2, 0x80, 0x93 | 0x94] | [0xEF, 0xBC, 0x9A])
}

/// [`skip_punct_back`], and then past a parenthetical that those separators close, with the
/// separators before it: "DOB (for verification): 1983-02-17".
#[inline(always)]
fn skip_back(b: &[u8], i: usize, lim: usize) -> (usize, bool) {
    let (k, hash) = skip_punct_back(b, i, lim);
    if k < i && b[k..i].contains(&b')') {
        return skip_paren_back(b, i, lim, (k, hash));
    }
    (k, hash)
}

/// [`skip_back`] past separators `k..i` that hold a `)`.
#[inline(never)]
fn skip_paren_back(b: &[u8], i: usize, lim: usize, (k, hash): (usize, bool)) -> (usize, bool) {
    if b[k..i].contains(&b'(') {
        return (k, hash);
    }
    let open = b[lim..k]
        .iter()
        .rposition(|c| matches!(c, b'(' | b')' | b'\n'))
        .map(|o| lim + o);
    match open {
        Some(o) if b[o] == b'(' => {
            let (k2, hash2) = skip_punct_back(b, o, lim);
            (k2, hash || hash2)
        }
        _ => (k, hash),
    }
}

/// The label before a value that starts at `value_start`, if any: walks back over separators,
/// filler words and (for dates) a month name, at most four words and [`LABEL_GAP`] bytes.
/// Returns the label and where a month name, if one was skipped, starts. Always inlined: it
/// runs on most digit runs, and as a call it cost about 3 % of a scan.
#[inline(always)]
pub(crate) fn label_before(b: &[u8], value_start: usize) -> Option<(Label, Option<usize>)> {
    // Most values have no label: their first word fails on its last three bytes, here, without
    // the call and frame of the full walk.
    let lim = value_start.saturating_sub(LABEL_GAP);
    let first = skip_back(b, value_start, lim);
    if !may_end_known_word(b, first.0) {
        // Separators as long as `(X): ` may have skipped a parenthetical with the label in it.
        if value_start - first.0 >= 4
            && (b[first.0] == b'(' || b[first.0] == b' ' && b[first.0 + 1] == b'(')
        {
            return label_in_parens(b, value_start, lim, first.0);
        }
        return None;
    }
    label_walk(b, value_start, first)
}

/// [`label_before`] when the word before the separators is no label and the separators skipped
/// a parenthetical: "Historia clínica (MRN): M1786321" is labelled inside it.
#[cold]
#[inline(never)]
fn label_in_parens(
    b: &[u8],
    value_start: usize,
    lim: usize,
    outer: usize,
) -> Option<(Label, Option<usize>)> {
    if !b[outer..value_start].contains(&b'(') {
        return None;
    }
    let inner = skip_punct_back(b, value_start, lim);
    if inner.0 > outer && may_end_known_word(b, inner.0) {
        return label_walk(b, value_start, inner);
    }
    None
}

/// [`label_before`] past its first test; `first` is what `skip_punct_back` gave there.
#[inline(never)]
fn label_walk(
    b: &[u8],
    value_start: usize,
    first: (usize, bool),
) -> Option<(Label, Option<usize>)> {
    let lim = value_start.saturating_sub(LABEL_GAP);
    let mut i = value_start;
    // A `#` and a filler word ("no", "number", …) seen between the head and the value.
    let mut hash_seen = false;
    let mut word_filler = false;
    let mut month: Option<usize> = None;
    let mut saw_id = false;
    for n in 0..5 {
        let (mut k, hash) = if n == 0 { first } else { skip_back(b, i, lim) };
        // A possessive names its owner: "INSURED'S UNIQUE ID", "Resident's #".
        if n > 0 && k >= lim + 3 && matches!(&b[k - 2..k], b"'s" | b"'S") && word_letter(b[k - 3]) {
            k -= 2;
        }
        hash_seen |= hash;
        let filler = hash_seen || word_filler;
        // Every word but a known one returns `None` below; most words fail on their last three
        // bytes (`k` is past any trailing dot, which `skip_punct_back` skips).
        if n > 0 && !may_end_known_word(b, k) {
            return None;
        }
        let mut buf = [0u8; 20];
        let (ws, n) = word_before(b, k, lim, &mut buf)?;
        let w = buf.get(..n)?;
        // "Patient ID/Account #": an unknown word joined by slashes is read by its last part
        // (`a/c` and date formats are known words of their own).
        // One call site, so that `classify` stays inlined.
        let mut w = w;
        let word = loop {
            let word = classify(w);
            match w.iter().rposition(|c| *c == b'/') {
                Some(p) if word == Word::Other && p + 1 < w.len() => w = &w[p + 1..],
                _ => break word,
            }
        };
        match word {
            Word::Filler => {
                word_filler = true;
                // "account id" is a login or cloud account, not a bank account number.
                saw_id |= w == b"id" || w == b"ids";
            }
            Word::Month if month.is_none() && !filler => month = Some(ws),
            Word::Head(label, needs) => {
                let ok = match needs {
                    Needs::Nothing => true,
                    Needs::Filler => filler,
                    Needs::Word => word_filler,
                };
                if !ok {
                    return None;
                }
                if (month.is_some() && label != Label::Birth) || (saw_id && label == Label::Account)
                {
                    return None;
                }
                if matches!(label, Label::Account | Label::Insurance) {
                    let lim2 = lim.saturating_sub(16);
                    let (k2, _) = skip_punct_back(b, ws, lim2);
                    let mut buf2 = [0u8; 20];
                    if let Some((ws2, n2)) = word_before(b, k2, lim2, &mut buf2) {
                        let prev = &buf2[..n2];
                        if not_a_bank(prev) {
                            return None;
                        }
                        // A hospital's account for a patient or guarantor ("Patient Account
                        // No.", "PATIENT'S ACCOUNT NO.", "Guarantor Acct #") identifies the
                        // patient: HIPAA counts account numbers among its identifiers.
                        let possessive =
                            prev == b"s" && ws2 > 0 && matches!(b[ws2 - 1], b'\'') && {
                                let mut buf3 = [0u8; 20];
                                word_before(b, ws2 - 1, lim2, &mut buf3)
                                    .is_some_and(|(_, n3)| &buf3[..n3] == b"patient")
                            };
                        if label == Label::Account
                            && (possessive || matches!(prev, b"patient" | b"pt" | b"guarantor"))
                        {
                            return Some((Label::Patient, month));
                        }
                    }
                }
                return Some((label, month));
            }
            Word::Tail(label) => {
                // "medical record", "med rec", "travel document"; or "record #" / "record no".
                let (k2, _) = skip_punct_back(b, ws, lim);
                let mut buf2 = [0u8; 20];
                let prev = word_before(b, k2, lim, &mut buf2).and_then(|(_, n2)| buf2.get(..n2));
                // The word before on the same line: "I-94 Record Number" is another record's.
                let same_line = !b[k2..ws].contains(&b'\n');
                let ok = match label {
                    Label::Mrn => {
                        let medical = prev.is_some_and(|p| {
                            matches!(
                                p,
                                b"medical"
                                    | b"med"
                                    | b"health"
                                    | b"historia"
                                    | b"cartella"
                                    | b"processo"
                                    | b"dossier"
                            )
                        });
                        let other_owner = same_line
                            && k2 > 0
                            && b[k2 - 1].is_ascii_alphanumeric()
                            && !prev.is_some_and(|p| {
                                matches!(p, b"patient" | b"pt" | b"hospital" | b"clinic")
                            });
                        medical || filler && !other_owner
                    }
                    // "travel document", and a passport's "Document number" after the word
                    // ("List A document: U.S. Passport\n  Document number: …").
                    Label::Passport => matches!(prev, Some(b"travel" | b"passport")),
                    Label::Patient => {
                        filler
                            || prev.is_some_and(|p| {
                                matches!(p, b"codice" | b"numero" | b"id" | b"de" | b"del")
                                    || p == "código".as_bytes()
                                    || p == "número".as_bytes()
                            })
                    }
                    _ => false,
                };
                return (ok && month.is_none()).then_some((label, None));
            }
            _ => return None,
        }
        i = ws;
    }
    None
}

/// The value token at `s`: ASCII letters and digits with single inner dashes, at most `max`
/// bytes, not glued to a longer word. Returns its end.
fn value_token(b: &[u8], s: usize, max: usize) -> Option<usize> {
    let mut e = s;
    while e < b.len() && e - s <= max {
        let c = b[e];
        let inner_dash = c == b'-'
            && e > s
            && b[e - 1].is_ascii_alphanumeric()
            && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric);
        if !(c.is_ascii_alphanumeric() || inner_dash) {
            break;
        }
        e += 1;
    }
    let glued = b.get(e).is_some_and(|c| is_word_byte(*c));
    (e > s && e - s <= max && !glued).then_some(e)
}

/// The label that an HL7 v2 message gives the value that starts a field at `s`:
/// - in an identifier (a CX field such as PID-3, `|00771234^^^MGH^MR|`), the fifth component,
///   the identifier type code (HL7 table 0203): `MR` a medical record number, `PI`/`PT` a
///   patient id, `MB`/`SN` a member or subscriber number (reads at most 64 bytes on);
/// - PID-7, the patient's date of birth (reads at most 128 bytes back to the `PID|`).
fn hl7_label(b: &[u8], s: usize) -> Option<Label> {
    if !matches!(b.get(s.wrapping_sub(1)), Some(b'|' | b'~')) {
        return None;
    }
    let e = value_token(b, s, 24)?;
    let v = &b[s..e];
    let date = v.len() == 8 && v.iter().all(u8::is_ascii_digit);
    if date || value_ok(Label::Patient, v) || value_ok(Label::Insurance, v) {
        let label = match hl7_field(b, s) {
            Some((b"PID", 7) | (b"IN1", 18) | (b"GT1", 8)) if date => Some(Label::Birth),
            Some((b"PID", 2 | 18)) => Some(Label::Patient),
            Some((b"IN1", 36 | 49)) => Some(Label::Insurance),
            _ => None,
        };
        if label.is_some() {
            return label;
        }
    }
    identifier_type(hl7_type_code(b, e)?)
}

/// The identifier type code (CX.5) of the HL7 identifier whose first component ends at `e`
/// (`00771234^^^MGH^MR`: `MR`), reading at most 64 bytes on.
pub(crate) fn hl7_type_code(b: &[u8], e: usize) -> Option<&[u8]> {
    if b.get(e) != Some(&b'^') {
        return None;
    }
    let lim = b.len().min(e + 64);
    let end = |c: &u8| matches!(c, b'^' | b'|' | b'~' | b'\r' | b'\n');
    // Past the check digit, its scheme and the assigning authority, to the type code.
    let mut i = e;
    for _ in 0..3 {
        i += 1 + b.get(i + 1..lim)?.iter().position(end)?;
        if b[i] != b'^' {
            return None;
        }
    }
    let t = i + 1;
    let te = t + b.get(t..lim)?.iter().position(end)?;
    Some(&b[t..te])
}

/// The label that an identifier type code (HL7 table 0203, used by HL7 v2 and FHIR) gives its
/// identifier: `MR` a medical record number, `PI`/`PT` a patient id, `MB`/`SN` a member or
/// subscriber number, `PPN` a passport number.
fn identifier_type(code: &[u8]) -> Option<Label> {
    match code {
        b"MR" | b"MRN" => Some(Label::Mrn),
        b"PI" | b"PT" => Some(Label::Patient),
        b"MB" | b"SN" => Some(Label::Insurance),
        b"PPN" => Some(Label::Passport),
        _ => None,
    }
}

/// The label that a FHIR `Identifier` gives the value that starts at `s`: the value is the
/// string of its `"value"` key, and the identifier object (whose `{` is at most 512 bytes
/// back) holds a type coding `"code":"MR"` (see [`identifier_type`]), before the value as FHIR
/// JSON writes it: `{"type":{"coding":[{"system":"…v2-0203","code":"MR"}]},"system":"urn:…",
/// "value":"A1234567"}`. The `"system"` between code and value is what puts the code out of
/// the label walk's reach.
#[inline(always)]
fn fhir_label(b: &[u8], s: usize) -> Option<Label> {
    // Checked before the call: most values after the short-runs gate have no quote before.
    if s < 9 || b[s - 1] != b'"' {
        return None;
    }
    fhir_identifier_label(b, s).or_else(|| cda_label(b, s))
}

/// The OID of HL7's US Social Security numbers, as a C-CDA `<id root="…">`.
pub(crate) const CDA_SSN_ROOT: &[u8] = b"2.16.840.1.113883.4.1";
/// The OID of NPIs, as a C-CDA `<id root="…">`.
pub(crate) const CDA_NPI_ROOT: &[u8] = b"2.16.840.1.113883.4.6";

/// The `root` OID of the C-CDA (HL7 XML) `<id extension="…" root="…"/>` whose extension is the
/// value at `s..e`: `2.16.840.1.113883.4.1` for an SSN, `…4.6` for an NPI. The tag is read at
/// most 160 bytes each way; `root` may come before or after `extension`.
pub(crate) fn cda_root(b: &[u8], s: usize, e: usize) -> Option<&[u8]> {
    if s < 11 || &b[s - 11..s] != b"extension=\"" || b.get(e) != Some(&b'"') {
        return None;
    }
    let lo = s.saturating_sub(160);
    let open = lo + b[lo..s].iter().rposition(|c| matches!(c, b'<' | b'>'))?;
    let hi = b.len().min(e + 160);
    let close = e + b[e..hi].iter().position(|c| matches!(c, b'<' | b'>'))?;
    if b[open] != b'<' || b[close] != b'>' {
        return None;
    }
    let tag = &b[open..close];
    let r = tag.windows(7).position(|w| w == b" root=\"")? + 7;
    let re = r + tag[r..].iter().position(|c| *c == b'"')?;
    Some(&tag[r..re])
}

/// The label that C-CDA markup gives the quoted value at `s`: a `<birthTime value="…"/>` is the
/// patient's date of birth; the first `<id extension="…">` of a `<patientRole>` (unless its root
/// is the SSN's) is the medical record number.
#[inline]
fn cda_label(b: &[u8], s: usize) -> Option<Label> {
    // Both `value="` and `extension="` end with `="`; JSON's `": "` does not.
    if s < 2 || b[s - 2] != b'=' {
        return None;
    }
    cda_attribute_label(b, s)
}

/// [`cda_label`] past its first check.
#[cold]
#[inline(never)]
fn cda_attribute_label(b: &[u8], s: usize) -> Option<Label> {
    if b[..s].ends_with(b"<birthTime value=\"") {
        return Some(Label::Birth);
    }
    let e = s + b[s..].iter().take(24).position(|c| *c == b'"')?;
    let root = cda_root(b, s, e)?;
    if root == CDA_SSN_ROOT || root == CDA_NPI_ROOT {
        return None;
    }
    let lo = s.saturating_sub(160);
    let open = lo + b[lo..s].iter().rposition(|c| *c == b'<')?;
    // The element just before the `<id`: `<patientRole>` (with attributes or a namespace
    // prefix too), or a participant whose role is the policy holder or the covered party
    // (`<participantRole classCode="POLHOLD">`), whose first id is the member id.
    let before = b[open.saturating_sub(96)..open].trim_ascii_end();
    if before.last() != Some(&b'>') {
        return None;
    }
    let parent = &before[before.iter().rposition(|c| *c == b'<')?..];
    if parent.starts_with(b"</") {
        return None;
    }
    let has = |w: &[u8]| parent.windows(w.len()).any(|x| x == w);
    if has(b"patientRole") {
        Some(Label::Mrn)
    } else if has(b"POLHOLD") || has(b"COVPTY") {
        Some(Label::Insurance)
    } else {
        None
    }
}

/// [`fhir_label`] past its first check.
#[inline(never)]
fn fhir_identifier_label(b: &[u8], s: usize) -> Option<Label> {
    // `"value"`, a colon (spaces allowed around it) and the value's opening quote.
    let mut i = s - 1;
    while i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    i = i.checked_sub(1).filter(|&i| b[i] == b':')?;
    while i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    if !b[..i].ends_with(b"\"value\"") {
        return None;
    }
    i -= 7;
    // Back to the identifier object's `{`, over the objects and arrays nested in it.
    let lo = i.saturating_sub(512);
    let mut depth = 0usize;
    let open = loop {
        if i == lo {
            return None;
        }
        i -= 1;
        match b[i] {
            b'}' | b']' => depth += 1,
            b'{' | b'[' if depth == 0 => break i,
            b'{' | b'[' => depth -= 1,
            _ => {}
        }
    };
    let obj = &b[open..s];
    let mut from = 0;
    while let Some(k) = obj[from..].windows(6).position(|w| w == b"\"code\"") {
        let mut j = from + k + 6;
        from = j;
        while obj.get(j) == Some(&b' ') {
            j += 1;
        }
        if obj.get(j) != Some(&b':') {
            continue;
        }
        j += 1;
        while obj.get(j) == Some(&b' ') {
            j += 1;
        }
        if obj.get(j) != Some(&b'"') {
            continue;
        }
        let c = j + 1;
        let Some(ce) = obj[c..].iter().take(4).position(|&x| x == b'"') else {
            continue;
        };
        if let Some(label) = identifier_type(&obj[c..c + ce]) {
            return Some(label);
        }
    }
    None
}

/// The segment (`PID`, `IN1`, `GT1`, `PV1`, `OBR` or `ORC`) and field number of the HL7 field that starts at `s`
/// (after its `|`), when the segment starts at most 512 bytes back on the same line.
pub(crate) fn hl7_field(b: &[u8], s: usize) -> Option<(&'static [u8; 3], usize)> {
    const SEGMENTS: [&[u8; 3]; 6] = [b"PID", b"IN1", b"GT1", b"PV1", b"OBR", b"ORC"];
    let lo = s.saturating_sub(512);
    let (seg, id) = b[lo..s].windows(4).enumerate().rev().find_map(|(k, w)| {
        (w[3] == b'|')
            .then(|| SEGMENTS.into_iter().find(|id| w[..3] == id[..]))
            .flatten()
            .map(|id| (lo + k, id))
    })?;
    // Not the end of a longer word ("XPID|"); segments may run together when line breaks were
    // lost ("2.5.1PID|"), so a digit before is fine.
    if seg > 0 && b[seg - 1].is_ascii_alphabetic() {
        return None;
    }
    let fields = &b[seg + 3..s];
    if fields.iter().any(|c| matches!(c, b'\n' | b'\r')) {
        return None;
    }
    Some((id, fields.iter().filter(|c| **c == b'|').count()))
}

/// Words of a clinical or billing document, read in the context window before an account number
/// that holds letters.
static CLINICAL_WORDS: Lazy<WordCues> = Lazy::new(|| {
    WordCues::new(&[
        "patient",
        "pt",
        "mrn",
        "med",
        "guarantor",
        "dob",
        "medicare",
        "medicaid",
        "hospital",
        "clinic",
        "medical",
        "admission",
        "admit",
        "discharge",
        "physician",
        "imaging",
        "radiology",
        "diagnosis",
    ])
});

/// On a check's MICR line the account number ends with the on-us symbol, `8157096337⑈`; a
/// check number is bracketed by it (`⑈001187⑈`) and is not an account.
/// The run at `start` (after a `:`) begins with the tag digits of `:59:/`.
#[inline(always)]
fn swift_59(b: &[u8], start: usize) -> bool {
    b.get(start) == Some(&b'5') && b.get(start + 1..start + 4) == Some(&b"9:/"[..])
}

/// Where the account of a SWIFT MT103 party field starts, when the digit run `run` (after a
/// `:` at the start of a line) is the field's tag: `:50K:/…` (ordering customer), `:59:/…`
/// (beneficiary), and the `A`/`F` options of both.
#[cold]
fn swift_account_at(b: &[u8], run: &DigitRun) -> Option<usize> {
    let s = run.start;
    if !(s == 1 || s >= 2 && b[s - 2] == b'\n') {
        return None;
    }
    if swift_59(b, s) {
        return Some(s + 4);
    }
    let tag = b.get(s..s + 2)?;
    let option = b.get(s + 2..s + 5)?;
    (run.end == s + 2
        && (tag == b"50" || tag == b"59")
        && matches!(option, b"K:/" | b"A:/" | b"F:/"))
    .then_some(s + 5)
}

/// Reports the account of a SWIFT field that starts at `s`; returns its end.
#[cold]
fn swift_account(cx: &mut Cx<'_>, s: usize) -> Option<usize> {
    let b = cx.bytes;
    let e = value_token(b, s, 24)?;
    if !value_ok(Label::Account, &b[s..e]) {
        return None;
    }
    cx.emit(
        Kind::BANK_ACCOUNT,
        s,
        e,
        SCORE_WITH_CUE,
        priority::CONTEXTUAL,
    );
    Some(e)
}

/// OCR output writes the symbols as letters (`A` transit, `C` on-us): `C2234C A306770623A
/// 96101176014C`, where the account follows the routing number's closing `A`.
#[inline]
fn micr_account(b: &[u8], s: usize, e: usize) -> Option<Label> {
    use crate::detect::financial::MICR_ON_US;
    let ok = match b.get(e) {
        Some(0xE2) => {
            let after = b.get(e..e + 3) == Some(&MICR_ON_US[..]);
            let before = s >= 3 && b[s - 3..s] == *MICR_ON_US;
            after && !before
        }
        Some(b'C') => micr_ascii_account(b, s, e),
        _ => false,
    };
    ok.then_some(Label::Account)
}

/// [`micr_account`] in OCR's ASCII: `A306770623A 96101176014C`.
#[cold]
#[inline(never)]
fn micr_ascii_account(b: &[u8], s: usize, e: usize) -> bool {
    !b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric)
        && s >= 12
        && b[s - 1] == b' '
        && crate::detect::financial::micr_ascii_transit(b, s - 12, s - 1)
}

/// Whether `v` has the shape of a value announced by `label` (never for [`Label::Birth`], whose
/// values are dates).
pub(crate) fn value_ok(label: Label, v: &[u8]) -> bool {
    let (d, l) = alnum_counts(v);
    match label {
        // 6-12 letters and digits, at least four digits, at most four letters.
        Label::Mrn => (6..=12).contains(&(d + l)) && d >= 4 && l <= 4,
        Label::Patient => (4..=16).contains(&(d + l)) && d >= 3,
        Label::Insurance => (5..=20).contains(&(d + l)) && d >= 3,
        // Nine digits, or one letter and eight digits.
        Label::Passport => {
            v.len() == 9 && v[1..].iter().all(u8::is_ascii_digit) && v[0].is_ascii_alphanumeric()
        }
        Label::Account => {
            // Digits and dashes, not date-shaped (a CSV header "account" over a date column).
            let date =
                v.len() == 10 && ((v[4] == b'-' && v[7] == b'-') || (v[2] == b'-' && v[5] == b'-'));
            (6..=17).contains(&d) && !date && v.iter().all(|c| c.is_ascii_digit() || *c == b'-')
        }
        Label::Birth => false,
    }
}

/// Values that only their label makes sensitive.
///
/// | kind | labels (whole words, any case) | value |
/// |---|---|---|
/// | `mrn` | MRN, MR#, medical record (no./#/number), chart #, hospital no. | 6-12 letters/digits, ≥ 4 digits, ≤ 4 letters |
/// | `patient_id` | patient ID / # / no. / number, pt ID / #, patient_id | 4-16 letters/digits, ≥ 3 digits |
/// | `insurance_id` | member / subscriber / policy / insurance / group / plan / Medicare / Medicaid / beneficiary + ID / # / no. / number, MBI | 5-20 letters/digits, ≥ 3 digits |
/// | `us_passport` | passport (no./number/#), travel document | 9 digits, or a letter and 8 digits |
/// | `bank_account` | account, acct, a/c, acc no. (not after "AWS", "user", "customer", "email", …) | 6-17 digits, single dashes allowed |
/// | `date_of_birth` | DOB, D.O.B., date of birth, birth date, birthday, born, bday | a date with a valid month and day |
///
/// Label and value may be separated by `:`, `#`, `=`, quotes, braces, table pipes, line breaks,
/// a parenthetical and the words "no", "number", "id", "is", "of", "on", "the", "date", "value",
/// "as", "verified" (at most four words, 40 bytes). In HL7 v2, an identifier's type code is its
/// label (`|00482913^^^HOSP^MR|`: see [`hl7_label`]) and PID-7 is a date of birth.
/// Every such value contains a digit, so the detector runs on digit runs and walks back to the
/// label: a comparison of the word just before the value rejects almost every run in prose.
struct LabelledValues;

impl Detect for LabelledValues {
    fn id(&self) -> &'static str {
        "labelled_value"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![
            Kind::MRN,
            Kind::PATIENT_ID,
            Kind::INSURANCE_ID,
            Kind::US_PASSPORT,
            Kind::BANK_ACCOUNT,
            Kind::DATE_OF_BIRTH,
        ]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Digits { min_digits: 1 }]
    }

    fn max_len(&self) -> usize {
        LABEL_GAP + 32
    }

    #[inline]
    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let run = &hit.run;
        // SWIFT MT103's party fields: `:50K:/12345678`, `:59:/12345678`.
        if run.start > 0 && b[run.start - 1] == b':' {
            if let Some(a) = swift_account_at(b, run) {
                return swift_account(cx, a).unwrap_or(run.end);
            }
        }
        // The value may begin with letters glued to the digits ("PT-55812", "A1234567").
        let mut s = run.start;
        while s > 0 && run.start - s < 8 && (b[s - 1].is_ascii_alphabetic() || b[s - 1] == b'-') {
            s -= 1;
        }
        while s < run.start && !b[s].is_ascii_alphanumeric() {
            s += 1;
        }
        if s > 0 && (b[s - 1].is_ascii_digit() || b[s - 1] == b'_') {
            return run.end;
        }
        // Cheap reject: the byte before the value must be a separator.
        if s > 0 && b[s - 1].is_ascii_alphabetic() {
            return run.end;
        }
        // If the letters before the digits are themselves the label (MRN-884213), the value
        // starts at the digits.
        let label = label_before(b, s).or_else(|| {
            // Only a label joined by punctuation ("MRN-884213"), not glued ("MRN00482913").
            if s < run.start && !b[run.start - 1].is_ascii_alphabetic() {
                label_before(b, run.start).inspect(|_| s = run.start)
            } else {
                None
            }
        });
        let Some((label, month)) = label.or_else(|| {
            Some((
                hl7_label(b, s)
                    .or_else(|| fhir_label(b, s))
                    .or_else(|| micr_account(b, s, run.end))?,
                None,
            ))
        }) else {
            return run.end;
        };
        if label == Label::Birth {
            let ds = month.unwrap_or(s);
            let hi = cx.ceil(ds + 40);
            let hay = cx.text.get(..hi).unwrap_or_default();
            let date = match date_at(hay, ds) {
                Some((end, true)) => Some(end),
                Some((_, false)) => compact_date_at(b, ds),
                None => spaced_date_at(b, ds).or_else(|| compact_date_at(b, ds)),
            };
            if let Some(end) = date {
                if !cx.word_at(end) {
                    cx.emit(
                        Kind::DATE_OF_BIRTH,
                        ds,
                        end,
                        SCORE_WITH_CUE,
                        priority::CONTEXTUAL,
                    );
                    return end.max(run.end);
                }
            }
            return run.end;
        }
        let Some(mut e) = value_token(b, s, 24) else {
            return run.end;
        };
        // An OCR MICR line's account ends at its on-us `C` (see [`micr_account`]).
        if label == Label::Account
            && e == run.end + 1
            && b[run.end] == b'C'
            && micr_account(b, s, run.end).is_some()
        {
            e = run.end;
        }
        // A date is no identifier ("I saw the patient on 2024-04-17").
        if label != Label::Birth
            && cx
                .text
                .get(..e)
                .and_then(|h| date_at(h, s))
                .is_some_and(|(de, ok)| de == e && ok)
        {
            return e.max(run.end);
        }
        // A field code in parentheses between a label and its colon ("Cardholder ID (302-C2):
        // …", NCPDP's field numbers) annotates the label; the value follows the colon.
        if s > 0 && b[s - 1] == b'(' && b.get(e..e + 2) == Some(b"):") {
            return e.max(run.end);
        }
        // A masked value ("Member ID: XXXXXXX6614") shows only what is safe to show.
        if b[s..e]
            .windows(4)
            .any(|w| w.iter().all(|c| matches!(c, b'X' | b'x')))
        {
            return e.max(run.end);
        }
        let mut label = label;
        if !value_ok(label, &b[s..e]) {
            // A hospital's account number holds letters (`Acct #: H20240918117`), which no
            // bank account does: among clinical words it identifies the patient.
            let v = &b[s..e];
            if label == Label::Account
                && v.iter().any(u8::is_ascii_alphabetic)
                && value_ok(Label::Patient, v)
                // Within the context window: a finding depends only on the bytes near it.
                && CLINICAL_WORDS.before(b, s, super::CONTEXT_BEFORE)
            {
                label = Label::Patient;
            } else {
                return run.end;
            }
        }
        let Some(kind) = label.kind() else {
            return run.end;
        };
        cx.emit(kind, s, e, SCORE_WITH_CUE, priority::CONTEXTUAL);
        e.max(run.end)
    }
}
#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    #[test]
    fn email_positives() {
        for (text, want) in [
            ("mail jane.doe@example.org now", "jane.doe@example.org"),
            ("<JOHN_SMITH+tag@mail.co.uk>", "JOHN_SMITH+tag@mail.co.uk"),
            ("mailto:a.b-c@sub.domain-x.io.", "a.b-c@sub.domain-x.io"),
            ("(o'brien@corp.example)", "o'brien@corp.example"),
            (
                "Contact: 42user@xn--bcher-kva.de,",
                "42user@xn--bcher-kva.de",
            ),
        ] {
            assert_eq!(found(Kind::EMAIL, text), [want], "{text}");
        }
    }

    #[test]
    fn email_hard_negatives() {
        for text in [
            "npm i lodash@4.17.21",
            "@property def x(self)",
            "user@localhost",
            "git@github.com:org/repo.git",
            "ssh://git@github.com/org/repo",
            "a@b.c",
            "foo@@bar.com",
            "x@-bad.com",
            "..@example.com",
            "@@@@@@",
            "name@domain.123",
            "Message-ID: <f50e75fe-5f04-44df-be6f-77ad38b65461@mail.example.com>",
            "In-Reply-To: <CAF7x9qR2Lk+abc@mail.example.com>",
            "postfix/cleanup[2909]: 568N1: message-id=<20240612.abc@example.net>",
        ] {
            assert!(found(Kind::EMAIL, text).is_empty(), "{text}");
        }
    }
}

#[cfg(test)]
mod more_tests {
    use crate::detect::testing::{all, found};
    use crate::Kind;

    #[test]
    fn records_of_other_formats() {
        // SWIFT MT103: the ordering customer's and the beneficiary's accounts.
        let mt103 = ":20:REF123\n:32A:220328EUR21252,46\n:50K:/401421632843\nPINECREST LLC\n:59:/27092855\n";
        assert_eq!(
            found(Kind::BANK_ACCOUNT, mt103),
            ["401421632843", "27092855"]
        );
        assert!(found(Kind::BANK_ACCOUNT, "see http://x/:/12345678").is_empty());
        // HL7 PID-2; a C-CDA policy holder's id.
        assert_eq!(
            found(
                Kind::PATIENT_ID,
                "PID|1|X5139733|00450074^^^RIVERVALLEY^MR||DOE^MA"
            ),
            ["X5139733"]
        );
        let holder = "<participantRole classCode=\"POLHOLD\">\n    \
                      <id extension=\"34670604090\" root=\"2.16.840.1.113883.3.88.3.1\"/>";
        assert_eq!(found(Kind::INSURANCE_ID, holder), ["34670604090"]);
        // A masked id; another record's number.
        assert!(found(Kind::INSURANCE_ID, "Member ID: XXXXXXX6614   Group: 451045").is_empty());
        assert!(found(Kind::MRN, "I-94 Record Number 85687050709").is_empty());
        assert!(found(Kind::MRN, "Employee record no 1234567").is_empty());
        assert_eq!(found(Kind::MRN, "Patient Record No. 8568705"), ["8568705"]);
        assert_eq!(
            found(Kind::MRN, "Discharge Summary\nRecord #: 1234567"),
            ["1234567"]
        );
    }

    #[test]
    fn hl7_and_cda_identifiers() {
        let hl7 = "PID|1||7066366^^^UNIVHLTH^MR~812865485^^^SSA^SS||DOE^JO||20010418|U|\r\
                   PID|1||95393978^^^NORTHSHORE_MC^MRN||ROE^AL||19800101\r";
        assert_eq!(found(Kind::US_SSN, hl7), ["812865485"]);
        assert_eq!(found(Kind::MRN, hl7), ["7066366", "95393978"]);
        let cda =
            "<patientRole>\n  <id extension=\"E8636680\" root=\"2.16.840.1.113883.19.5.2\"/>\n  \
                   <id extension=\"778860947\" root=\"2.16.840.1.113883.4.1\"/>\n  <patient>\n    \
                   <birthTime value=\"19340407\"/>\n  </patient>\n</patientRole>\n\
                   <encounter><id extension=\"44120938\" root=\"2.16.840.1.113883.19.5.7\"/>\
                   <effectiveTime value=\"20230607\"/></encounter>";
        assert_eq!(found(Kind::MRN, cda), ["E8636680"]);
        assert_eq!(found(Kind::US_SSN, cda), ["778860947"]);
        assert_eq!(found(Kind::DATE_OF_BIRTH, cda), ["19340407"]);
    }

    #[test]
    fn phone_positives() {
        for (t, want) in [
            ("call (415) 555-0132 now", "(415) 555-0132"),
            ("联系电话：13985728846", "13985728846"),
            ("请联系我：13921642941，邮箱", "13921642941"),
            (
                "id,email,phone\n1,jo@globex.example.net,415-308-1637\n",
                "415-308-1637",
            ),
            ("home_phone: 4155550132,", "4155550132"),
            (
                "\"zip\": \"97024\",\n  \"country\": \"US\",\n  \"phone\": \"7635550172\",",
                "7635550172",
            ),
            ("Member Services (617) 555-0160 (TTY 711)", "(617) 555-0160"),
            // A post-office box is no purchase order.
            (
                "PO BOX 660044^^DALLAS^TX^75266||(800)555-0124|G004417|",
                "(800)555-0124",
            ),
            ("Telefon: 030 351 5126", "030 351 5126"),
            ("Any problems ring me on 07820 483908.", "07820 483908"),
            ("chiamami al 363 8290519 oppure", "363 8290519"),
            ("téléphone : 04 72 10 33 18", "04 72 10 33 18"),
            ("_: (415)555-0132", "(415)555-0132"),
            ("US: 415-555-0132.", "415-555-0132"),
            ("fax 415.555.0132", "415.555.0132"),
            ("at 415 555 0132, thanks", "415 555 0132"),
            ("+1 415 555 0132", "+1 415 555 0132"),
            ("1-800-555-0199", "1-800-555-0199"),
            ("+1 (415) 555-0132", "+1 (415) 555-0132"),
            ("+14155550132", "+14155550132"),
            ("+44 20 7946 0958", "+44 20 7946 0958"),
            ("+49 30 901820", "+49 30 901820"),
            ("+44 (20) 7123 4567", "+44 (20) 7123 4567"),
            ("+33 1 42 68 53 00", "+33 1 42 68 53 00"),
            ("office 415-555-0132 x204", "415-555-0132"),
            ("ext: 415-555-0132x12", "415-555-0132"),
            ("phone: 4155550132", "4155550132"),
            ("My Japanese number is 090-1234-5678", "090-1234-5678"),
            ("tel 09-7625400", "09-7625400"),
            (
                "(mail: y.sato@docomo.ne.jp, 080-5521-0937)",
                "080-5521-0937",
            ),
            ("연락처 010-7731-2240 입니다", "010-7731-2240"),
            ("the patient's daughter, at 303-492-6687", "303-492-6687"),
        ] {
            assert_eq!(found(Kind::PHONE, t), [want], "{t}");
        }
    }

    #[test]
    fn phone_hard_negatives() {
        for t in [
            "4155550132", // bare 10 digits, no cue
            "Internal Revenue Service\nAustin, TX 73301-0038",
            "social security number   570-74-5646      OMB No. 1545-0008",
            "Recall number D-540-2025   FEI 9432782668",
            "version 1.2.3",
            "2024-01-02 10:30:45",
            "192.168.10.200",
            "order 415-555-0132",
            "ISBN 978-3-16-148410-0",
            "tracking 1Z999AA10123456784",
            "id415-555-0132",
            "415-555-0132abc",
            "(123) 555-0132", // area code 1xx
            "415-155-0132",   // exchange 1xx
            "911-555-0132",   // N11
            "zip 94105-1234",
            "$1,234,567.89",
            "1700000000",
            "phone: 12-31-1999", // a date, even after a phone word
            "4111 1111 1111 1111",
            "+0 123 456 789",
            "123e4567-e89b-12d3-a456-426614174000",
            "phone numbers were replaced with 000-000-0000",
            "ref 080-4471-2093",
            "090-12345-678",
            "patient 303-492-6687",
            // An EIN after "number"; references that start with a year.
            "FEDERAL TAX I.D. NUMBER: 31-1874420",
            "call number QA76.9; accession no. 2024-118-3321",
            "fax sent. PA-2024-0916-33188 denied",
            // Dashed numbers without a trunk `0` that end in check digits.
            "my customer number is 3300-1958-22.",
            "call about 4471-2093-7",
        ] {
            assert!(found(Kind::PHONE, t).is_empty(), "{t}");
        }
        // The card detector wins over anything phone-shaped in a card.
        assert_eq!(all("card 4111-1111-1111-1111")[0].0, "credit_card");
    }

    #[test]
    fn ssn_itin() {
        for (t, want) in [
            ("SSN 536-22-1234", "536-22-1234"),
            ("536-22-1234", "536-22-1234"),
            ("ssn: 536 22 1234", "536 22 1234"),
            ("social security number 536221234", "536221234"),
            ("SSN 536.22.1234", "536.22.1234"),
        ] {
            assert_eq!(found(Kind::US_SSN, t), [want], "{t}");
        }
        for t in [
            "536221234",   // bare, no cue
            "078-05-1120", // Woolworth
            "000-12-3456",
            "666-12-3456",
            "536-00-1234",
            "536-22-0000",
            "123-45-6789",
            "536-22-1234-5", // longer id
            "x536-22-1234",
            "536-22.1234", // mixed
            "phone 536-22-1234",
            "536.22.1234", // dotted without cue
        ] {
            assert!(found(Kind::US_SSN, t).is_empty(), "{t}");
        }
        assert_eq!(found(Kind::US_ITIN, "ITIN 912-70-1234"), ["912-70-1234"]);
        assert_eq!(found(Kind::US_ITIN, "912 70 1234"), ["912 70 1234"]);
        assert_eq!(found(Kind::US_ITIN, "tax id 912701234"), ["912701234"]);
        assert!(found(Kind::US_ITIN, "912-40-1234").is_empty());
        assert!(found(Kind::US_SSN, "912-70-1234").is_empty());
        assert!(found(Kind::US_ITIN, "912701234").is_empty());
    }

    #[test]
    fn ip_addresses() {
        for (t, want) in [
            ("from 10.1.2.3 at", "10.1.2.3"),
            ("host=192.168.0.254:8080", "192.168.0.254"),
            ("net 10.0.0.0/8", "10.0.0.0/8"),
            ("route 2001:db8::/32.", "2001:db8::/32"),
            ("ip 255.255.255.255.", "255.255.255.255"),
            ("addr ::1 ok", "::1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            (
                "fe80::1ff:fe23:4567:890a%eth0 up",
                "fe80::1ff:fe23:4567:890a%eth0",
            ),
            (
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            ),
            ("[2001:db8::ff00:42:8329]:443", "2001:db8::ff00:42:8329"),
            ("::ffff:192.0.2.128", "::ffff:192.0.2.128"),
            // A version word on the line before does not count.
            (
                "\"Mozilla/5.0 Chrome/120.0.6099.71\"\n172.16.40.9 - - [02/Mar/2025:07:15:40 +0000]",
                "172.16.40.9",
            ),
        ] {
            assert_eq!(found(Kind::IP_ADDRESS, t), [want], "{t}");
        }
        // Masks are no addresses where their line says so; the addresses beside them are.
        for (t, want) in [
            (
                "inet 10.0.12.7 netmask 255.255.255.0 ether",
                &["10.0.12.7"][..],
            ),
            (
                " ip address 192.168.136.180 255.255.255.252",
                &["192.168.136.180"],
            ),
            (
                "ip route 0.0.0.0 0.0.0.0 203.0.113.181",
                &["0.0.0.0", "203.0.113.181"],
            ),
            ("permit tcp 10.32.105.96 0.0.0.255 any", &["10.32.105.96"]),
            ("subnet_mask: 255.255.255.0", &[]),
            ("Default 0.0.0.0", &["0.0.0.0"]),
            ("Broadcast 255.255.255.255", &["255.255.255.255"]),
            ("hosts 10.0.0.1 10.0.0.2", &["10.0.0.1", "10.0.0.2"]),
            ("gateway 255.255.255.0", &["255.255.255.0"]),
        ] {
            assert_eq!(found(Kind::IP_ADDRESS, t), want, "{t}");
        }
        for t in [
            "1.2.3.4.5",
            "OID 1.3.6.1.4.1",
            "v1.2.3.4",
            "version 10.0.0.1",
            // The last word of a snake_case key names its value.
            "app_version=5.12.0.3 build=51200318",
            "chrome\tversion\t10.0.0.1",
            "256.1.1.1",
            "01.02.03.04",
            "std::vector<int>",
            "crate::detect::pii",
            "x :: Int",
            "12:30:45",
            "2024-01-02T10:30:45Z",
            "00:1A:2B:3C:4D:5E",
            "1.2.3",
            "a1.2.3.4",
            "peer=dead::beef", // known gap: no digit, no trigger
        ] {
            assert!(found(Kind::IP_ADDRESS, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn mac_addresses() {
        for (t, want) in [
            ("My MAC address is 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E"),
            ("hw 01-b3-4a-67-d9-cf.", "01-b3-4a-67-d9-cf"),
            ("Cisco MAC: 0012.3456.789A", "0012.3456.789A"),
            ("digits only 00:11:22:33:44:55", "00:11:22:33:44:55"),
            ("dashes 12-34-56-78-90-12", "12-34-56-78-90-12"),
            ("cisco 0012.3456.7890", "0012.3456.7890"),
            ("Physical address is aabb.ccdd.eef0", "aabb.ccdd.eef0"),
        ] {
            assert_eq!(found(Kind::MAC_ADDRESS, t), [want], "{t}");
        }
        for t in [
            "Not a MAC: 00:1A:2B:3C:4D",
            "Broadcast: FF:FF:FF:FF:FF:FF",
            "Invalid: 00:00:00:00:00:00",
            "10:2F:33-AC-29-C3",
            "00:1A:2B:3C:4D:5E:6F",
            "machine 12:30:45",
            // Known gap: without a digit there is no trigger (see the detector docs).
            "Device MAC: AA:BB:CC:DD:EE:FF",
        ] {
            assert!(found(Kind::MAC_ADDRESS, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn passport_and_dob() {
        assert_eq!(
            found(Kind::US_PASSPORT, "Passport No: 912803456"),
            ["912803456"]
        );
        assert_eq!(
            found(Kind::US_PASSPORT, "my travel document is A12803456"),
            ["A12803456"]
        );
        assert_eq!(
            found(
                Kind::US_PASSPORT,
                "List A document: U.S. Passport\n  Document number: A63297144\n"
            ),
            ["A63297144"]
        );
        assert!(found(Kind::US_PASSPORT, "Document number: A63297144").is_empty());
        assert_eq!(
            found(Kind::US_PASSPORT, "护照号码：E12345678"),
            ["E12345678"]
        );
        assert_eq!(found(Kind::MRN, "病历号：00123456"), ["00123456"]);
        assert!(found(Kind::US_PASSPORT, "号码：E12345678").is_empty());
        assert_eq!(
            found(
                Kind::US_PASSPORT,
                "my U.S. passport book number — mine is 471693903, issued 2016"
            ),
            ["471693903"]
        );
        assert!(found(Kind::US_PASSPORT, "912803456").is_empty());
        assert!(found(Kind::US_PASSPORT, "passport expires 2030").is_empty());
        for (t, want) in [
            ("DOB: 04/12/1986", "04/12/1986"),
            ("D.O.B. 1986-04-12", "1986-04-12"),
            ("date of birth: April 12, 1986", "April 12, 1986"),
            ("born on 12 Apr 1986", "12 Apr 1986"),
            ("Birthdate 12-Apr-1986", "12-Apr-1986"),
            ("birthday is the 3rd of March, 1990", "3rd of March, 1990"),
            ("dob=19860412", "19860412"),
            ("DOB (MM/DD/YYYY): 4/2/86", "4/2/86"),
            ("DOB (per driver's licence): 1971-10-03", "1971-10-03"),
            ("pt DOB confirmed as 2/9/1958", "2/9/1958"),
            (
                "my date of birth, which is 3 September 1983.",
                "3 September 1983",
            ),
            ("DOB – 1983-02-17", "1983-02-17"),
            // Chinese, Japanese, Korean labels, full-width colon, no spaces between words.
            ("患者出生日期：1993-04-12", "1993-04-12"),
            (
                "我是王芳。我的出生日期是1949年4月15日，手机号010-11313824",
                "1949年4月15日",
            ),
            ("生年月日は1980年5月3日です。", "1980年5月3日"),
            (
                "手机号码是 +86 139 1234 5678，出生日期：1993-04-12。",
                "1993-04-12",
            ),
            ("生年月日：1990/04/12", "1990/04/12"),
            ("생년월일: 1990-04-12", "1990-04-12"),
            (
                "fecha de nacimiento, que es el 3 de septiembre de 1983.",
                "3 de septiembre de 1983",
            ),
            ("Geburtsdatum 03.11.1968", "03.11.1968"),
            ("date de naissance : 21/06/1979", "21/06/1979"),
            ("fecha de nacimiento: 1990-01-31", "1990-01-31"),
            ("Nací el 6/8/1954, por si necesitan verificar", "6/8/1954"),
            ("3. PATIENT'S BIRTH DATE 08 19 1947 SEX M", "08 19 1947"),
            ("DOB 19 08 1947.", "19 08 1947"),
            ("Geburtsdatum: 14. März 1958", "14. März 1958"),
            ("geboren am 3. Oktober 1961", "3. Oktober 1961"),
            ("date de naissance : 17 février 1984", "17 février 1984"),
            (
                "fecha de nacimiento es el 3 de septiembre de 1983",
                "3 de septiembre de 1983",
            ),
            ("nata il 21 luglio 1966", "21 luglio 1966"),
            ("geboren op 8 juli 1975", "8 juli 1975"),
            ("Camille Durand, née le 2 mai 1979 à Lyon", "2 mai 1979"),
            ("M. Pierre Lefèvre, né le 30/06/1966", "30/06/1966"),
            ("nascida em 9 de março de 1990", "9 de março de 1990"),
        ] {
            assert_eq!(found(Kind::DATE_OF_BIRTH, t), [want], "{t}");
        }
        for t in [
            "visit on 04/12/1986",
            "DOB: 13/13/1986",
            "adobe 04/12/1986",
            "stubborn 04/12/1986",
            "DOB: unknown; seen 04/12/2020",
            "birth weight 3.2 kg",
            "DOB (see chart) unknown. Seen 04/12/2020",
            "DOB 13 13 1947",
            "DOB 08 19 47",
            "DOB 08 19 19471",
            "DOB 08  19 1947",
            "seen 08 19 1947",
            "le 2 mai 1979",
            "reunión el 3 de septiembre de 1983",
        ] {
            assert!(found(Kind::DATE_OF_BIRTH, t).is_empty(), "{t}");
        }
    }

    #[test]
    fn labelled_values_in_records() {
        for (kind, t, want) in [
            // HL7 v2 CX identifiers: the type code after the value is the label.
            (
                Kind::MRN,
                "PID|1||00482913^^^GENHOSP^MR||ROE^ANN",
                "00482913",
            ),
            (Kind::MRN, "PID|1||B7730215^^^X^MR~5551^^^X^PI|", "B7730215"),
            (
                Kind::PATIENT_ID,
                "PID|1||B7730215^^^X^MR~5551^^^X^PI|",
                "5551",
            ),
            (
                Kind::INSURANCE_ID,
                "IN1|1|PPO||||||||||||||||||XJQ55012^^^AET^MB|",
                "XJQ55012",
            ),
            // PID-7 is the date of birth.
            (
                Kind::DATE_OF_BIRTH,
                "PID|1||4410^^^H^MR||ROE^ANN^M||19820317|F|",
                "19820317",
            ),
            (
                Kind::DATE_OF_BIRTH,
                "2.5.1PID|1||4410||ROE||19820317",
                "19820317",
            ),
            // PID-19 is the SSN; PV1-7 the attending doctor, whose id is an NPI.
            (
                Kind::US_SSN,
                "PID|1||4410^^^H^MR||ROE^ANN||19820317|F|||||||||||423215101\n",
                "423215101",
            ),
            (
                Kind::NPI,
                "PV1|1|O|CLINIC^^^H||||1234567893^LIND^WEN|||",
                "1234567893",
            ),
            // Labels in parentheses, words joined by slashes, codes in parentheses, CJK.
            (Kind::MRN, "Historia clínica (MRN): M1786321.", "M1786321"),
            (
                Kind::INSURANCE_ID,
                "15. Policyholder/Subscriber ID (SSN or ID#): 815254023M",
                "815254023M",
            ),
            (
                Kind::PATIENT_ID,
                "23. Patient ID/Account # (Assigned by Dentist): PT-5397440",
                "PT-5397440",
            ),
            (
                Kind::INSURANCE_ID,
                "Cardholder ID (302-C2): OIM298378-95",
                "OIM298378-95",
            ),
            (Kind::PATIENT_ID, "Codice paziente: GI144075", "GI144075"),
            (Kind::PATIENT_ID, "환자번호: GX083376", "GX083376"),
            (Kind::BANK_ACCOUNT, "계좌번호: 758-530-005209", "758-530-005209"),
            (Kind::DATE_OF_BIRTH, "生年月日：1944年4月6日", "1944年4月6日"),
            (Kind::DATE_OF_BIRTH, "생년월일: 1963년 7월 18일", "1963년 7월 18일"),
            (Kind::US_PASSPORT, "Pasaporte estadounidense nº 249173095", "249173095"),
            (Kind::MRN, "Nº de historia clínica: 1649187", "1649187"),
            (Kind::MRN, "n° de dossier médical : E744313802", "E744313802"),
            (Kind::MRN, "número de processo clínico 5565164", "5565164"),
            (Kind::INSURANCE_ID, "CZ, polisnummer 917421283", "917421283"),
            (Kind::PATIENT_ID, "Patiëntnummer: PAT676756", "PAT676756"),
            (Kind::DATE_OF_BIRTH, "data urodzenia: 11.07.1943", "11.07.1943"),
            (
                Kind::BANK_ACCOUNT,
                r#"{"bank_account_number"=>"97615961616"}"#,
                "97615961616",
            ),
            (
                Kind::PATIENT_ID,
                "Med Rec #: E839526304   Acct: PT-3716225",
                "PT-3716225",
            ),
            // FHIR: a coding's text, then the value; a camelCase key.
            (
                Kind::MRN,
                r#"{"type":{"text":"Medical record number"},"value":"30051177"}"#,
                "30051177",
            ),
            (
                Kind::INSURANCE_ID,
                r#"{"subscriberId":"QRA800216443"}"#,
                "QRA800216443",
            ),
            (
                Kind::INSURANCE_ID,
                "Cardholder ID: KT0093318820",
                "KT0093318820",
            ),
            (Kind::BANK_ACCOUNT, "acc no. 55120934", "55120934"),
            (Kind::PATIENT_ID, "26  PATIENT'S ACCOUNT NO.: DAY-0098127", "DAY-0098127"),
            (Kind::PATIENT_ID, "Guarantor Acct #: G-55820193", "G-55820193"),
            (Kind::PATIENT_ID, "Patient Account Number 448120093", "448120093"),
            // Claim forms, nursing homes, e-prescribing XML.
            (Kind::PATIENT_ID, "FL3a PAT CNTL #: 7781204459", "7781204459"),
            (Kind::PATIENT_ID, "Resident #: WC-000733   Medicare", "WC-000733"),
            (
                Kind::INSURANCE_ID,
                "FL60 INSURED'S UNIQUE ID: 518820347",
                "518820347",
            ),
            (
                Kind::INSURANCE_ID,
                "1a. INSURED'S I.D. NUMBER 8812003471",
                "8812003471",
            ),
            (
                Kind::DATE_OF_BIRTH,
                "FL10 BIRTHDATE: 10181962   FL11 SEX: F",
                "10181962",
            ),
            (
                Kind::DATE_OF_BIRTH,
                "<DateOfBirth><Date>1994-12-06</Date></DateOfBirth>",
                "1994-12-06",
            ),
            (
                Kind::MRN,
                "<MedicalRecordNumber>44810327</MedicalRecordNumber>",
                "44810327",
            ),
            // A hospital account number with letters, among clinical words.
            (
                Kind::PATIENT_ID,
                "Name: LAMBERT, N   MRN: 00771542   Acct #: H20240918117",
                "H20240918117",
            ),
            // Labels in other languages; snake_case keys ending in a label.
            (Kind::MRN, "Nº de expediente (MRN): 2093318", "2093318"),
            (Kind::MRN, "NHC: 1187204    Fecha", "1187204"),
            (Kind::MRN, "N° de dossier : 17044812", "17044812"),
            (Kind::PATIENT_ID, "IPP : 800417293", "800417293"),
            (Kind::PATIENT_ID, "Patienten-ID: 10044782", "10044782"),
            (Kind::PATIENT_ID, "Patientennummer: PN-4470213", "PN-4470213"),
            (Kind::INSURANCE_ID, "ID de beneficiario: 91827364A", "91827364A"),
            (Kind::INSURANCE_ID, "Versichertennummer: P897803999", "P897803999"),
            (Kind::INSURANCE_ID, "N° adhérent : MGN55820417", "MGN55820417"),
            (Kind::INSURANCE_ID, "Nº de póliza: SAN-40298817", "SAN-40298817"),
            (Kind::BANK_ACCOUNT, "Kontonummer: 6743097423", "6743097423"),
            (Kind::BANK_ACCOUNT, "Numéro de compte : 50942968473", "50942968473"),
            (Kind::US_PASSPORT, "número de pasaporte A79365593", "A79365593"),
            (Kind::MRN, "rx=zolpidem  pt_mrn=6633018  2FA", "6633018"),
            (Kind::DATE_OF_BIRTH, r#""subscriber_dob": "1979-08-02","#, "1979-08-02"),
            (Kind::DATE_OF_BIRTH, "Herr Jürgen Baumgartner, geb. 17.08.1949", "17.08.1949"),
            // HL7: PID-18 (the patient account number), IN1-18 (the insured's birth date),
            // IN1-36 (the policy number).
            (
                Kind::PATIENT_ID,
                "PID|1||4419027^^^RVHOSP^MR||ROE^ANN||19690221|F||2028-9|1 MAIN ST^^AUSTIN^TX^78756||(512)555-0139^PRN^PH||ENG|M||A90045521\rPV1|1|O",
                "A90045521",
            ),
            (
                Kind::DATE_OF_BIRTH,
                "IN1|1|BCBS01|84580|BLUE CROSS|PO BOX 1^^DALLAS^TX^75266||(800)555-0100|G0044|ACME|||20240101|||PPO|ROE^ANN|01|19690221|1 MAIN ST^^AUSTIN^TX^78756|||||||||||||||||XGQ772014388",
                "19690221",
            ),
            (
                Kind::INSURANCE_ID,
                "IN1|1|BCBS01|84580|BLUE CROSS|PO BOX 1^^DALLAS^TX^75266||(800)555-0100|G0044|ACME|||20240101|||PPO|ROE^ANN|01|19690221|1 MAIN ST^^AUSTIN^TX^78756|||||||||||||||||XGQ772014388",
                "XGQ772014388",
            ),
            // FHIR: the identifier's type code, with its system in between.
            (
                Kind::MRN,
                r#"{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:2.16.840.1.113883.3.4711","value":"A1234567"}"#,
                "A1234567",
            ),
            (
                Kind::PATIENT_ID,
                "{ \"type\": { \"coding\": [ { \"code\": \"PI\" } ] },\n  \"system\": \"urn:x\",\n  \"value\": \"55012983\" }",
                "55012983",
            ),
            (
                Kind::INSURANCE_ID,
                r#"{"type":{"coding":[{"code":"MB"}]},"value":"XGH884120934"}"#,
                "XGH884120934",
            ),
        ] {
            assert_eq!(found(kind, t), [want], "{t}");
        }
        for (kind, t) in [
            // An accession number on a specimen label.
            (Kind::BANK_ACCOUNT, "Acc# 24-101-00733"),
            (Kind::MRN, "PID|1||00482913^^^GENHOSP^XX||ROE^ANN"),
            (Kind::MRN, "PID|1||00482913^^^GENHOSP||ROE^ANN"),
            (Kind::MRN, "x 00482913^^^GENHOSP^MR"),
            (Kind::MRN, "OBX|1|NM|2093-3^Cholesterol^LN||212|mg/dL"),
            (Kind::DATE_OF_BIRTH, "PID|1||4410||ROE|19820317|F|"),
            (Kind::DATE_OF_BIRTH, "OBR|1||4410||ROE||19820317|F|"),
            (Kind::DATE_OF_BIRTH, "PID|1||4410\n||ROE||19820317|F|"),
            (
                Kind::PATIENT_ID,
                "PID|1||4410||ROE||19820317|F|||||||||||A90045521\nPV1|",
            ),
            (
                Kind::INSURANCE_ID,
                "PV1|1|O|||||||||||||||||||||||||||||||||||XGQ772014388",
            ),
            (Kind::INSURANCE_ID, "cardholder 5512 0934 2210 8812"),
            // A code of another identifier, or of no identifier; a type code not in the table.
            (
                Kind::MRN,
                r#"[{"code":"MR"},{"system":"urn:x","value":"00482913"}]"#,
            ),
            (
                Kind::MRN,
                r#"{"type":{"coding":[{"code":"MRX"}]},"value":"00482913"}"#,
            ),
            (
                Kind::MRN,
                r#"{"type":{"coding":[{"code":"DL"}]},"value":"00482913"}"#,
            ),
            (Kind::MRN, r#"{"code":"MR","valueX":"00482913"}"#),
            (Kind::MRN, "order_mrnx=6633018"),
            (Kind::BANK_ACCOUNT, "el 3 de mayo, cuenta atrás 2024-05-03"),
            // Letters in an account number without clinical words; no valid compact date.
            (Kind::PATIENT_ID, "AWS account: AB1234567"),
            (Kind::PATIENT_ID, "Account #: LI-0883146"),
            (Kind::DATE_OF_BIRTH, "DOB 19861304"),
            (Kind::DATE_OF_BIRTH, "DOB 10181962345"),
        ] {
            assert!(found(kind, t).is_empty(), "{t}");
        }
    }

    fn timed(text: &str) {
        let t0 = std::time::Instant::now();
        let _ = crate::Scanner::builtin().scan(text);
        let dt = t0.elapsed();
        assert!(dt.as_secs_f64() < 2.0, "took {dt:?}");
    }

    #[test]
    fn linear_on_adversarial_inputs() {
        const MB: usize = 1 << 20;
        timed(&"1".repeat(MB));
        timed(&"1-".repeat(MB / 2));
        timed(&"1.1.".repeat(MB / 4));
        timed(&"::".repeat(MB / 2));
        timed(&"@".repeat(MB));
        timed(&"1 ".repeat(MB / 2));
        timed(&"a1:".repeat(MB / 3));
        timed(&"DOB ".repeat(MB / 4));
        timed(&"account ".repeat(MB / 8));
        timed(&"GB82 ".repeat(MB / 5));
        timed(&"1EG4".repeat(MB / 4));
    }
}

#[cfg(test)]
mod label_tests {
    use super::*;

    /// The numeric alternatives of [`DATE_RE`], the reference for [`num_date_at`].
    static NUM_DATE_RE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(
            r"\b(?:(?P<n1a>\d{1,2})(?P<s1>[/.\-])(?P<n1b>\d{1,2})(?P<s2>[/.\-])(?P<n1y>\d{4}|\d{2})|(?P<n2y>\d{4})(?P<s3>[/.\-])(?P<n2m>\d{1,2})(?P<s4>[/.\-])(?P<n2d>\d{1,2})|(?P<n3y>(?:19|20)\d{2})(?P<n3m>\d{2})(?P<n3d>\d{2}))\b",
        )
        .unwrap()
    });

    fn regex_num_date(hay: &str, at: usize) -> Option<(usize, bool)> {
        NUM_DATE_RE
            .captures_at(hay, at)
            .filter(|c| c.get(0).is_some_and(|m| m.start() == at))
            .map(|c| (c.get(0).unwrap().end(), date_ok(&c)))
    }

    /// Date-shaped text: digit groups of any length around separators, with neighbours that
    /// test the word boundaries (letters, `_`, non-ASCII letters and digits).
    fn date_text() -> impl Strategy<Value = (String, usize)> {
        let sep = || prop::sample::select(vec!["/", ".", "-", ":", "", "/"]);
        let edge = || prop::sample::select(vec!["", " ", "a", "_", "é", "٣", "/", "1", "x1"]);
        (
            edge(),
            prop_oneof![
                "[0-9]{0,9}",
                prop::sample::select(vec![
                    "1986", "2024", "12", "5", "31", "25", "19860512", "20241301"
                ])
                .prop_map(String::from)
            ],
            sep(),
            prop_oneof!["[0-9]{0,3}", "(0?[1-9]|1[0-2])"],
            sep(),
            prop_oneof!["[0-9]{0,5}", "(0?[1-9]|[12][0-9]|3[01])", "(19|20)[0-9]{2}"],
            edge(),
            any::<prop::sample::Index>(),
            any::<bool>(),
        )
            .prop_map(|(pre, d1, s1, d2, s2, d3, post, idx, at_start)| {
                let text = format!("{pre}{d1}{s1}{d2}{s2}{d3}{post}");
                let at = if at_start {
                    pre.len()
                } else {
                    idx.index(text.len() + 1)
                };
                (text, at)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn num_date_matches_regex((text, at) in date_text()) {
            if text.is_char_boundary(at) {
                if let Ok(found) = num_date_at(text.as_bytes(), at) {
                    prop_assert_eq!(found, regex_num_date(&text, at), "{:?} at {}", text, at);
                }
            }
        }
    }

    #[test]
    fn num_date_examples() {
        for (t, want) in [
            ("12/05/1986", Some((10, true))),
            ("12/05/86", Some((8, true))),
            ("31.12.1999 x", Some((10, true))),
            ("12/05-1986", Some((10, false))),
            ("13/13/1986", Some((10, false))),
            ("1986-05-12", Some((10, true))),
            ("19860512", Some((8, true))),
            ("19860512/x", Some((8, true))),
            ("19861312", Some((8, false))),
            ("123/05/1986", None),
            ("12/05/198", None),
            ("12/05/1986a", None),
        ] {
            assert_eq!(num_date_at(t.as_bytes(), 0), Ok(want), "{t}");
            assert_eq!(regex_num_date(t, 0), want, "{t}");
        }
        assert_eq!(num_date_at("12/05/1986é".as_bytes(), 0), Err(()));
    }
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Digit runs, separators, labels and letters in any order never panic and give spans on
        /// char boundaries.
        #[test]
        fn scanner_never_panics_on_digit_soup(
            parts in proptest::collection::vec(prop_oneof![
                "[0-9]{1,12}", "[-. /:()+#=]{1,2}", "[a-fA-F]{1,4}", "é|€|日",
                Just("MRN".to_string()), Just("DOB ".to_string()), Just("account ".to_string()),
                Just("GB82".to_string()), Just("::".to_string()), Just("SSN".to_string()),
                Just("phone".to_string()), Just("1EG4".to_string()),
            ], 0..40)
        ) {
            let text: String = parts.concat();
            for f in crate::Scanner::builtin().scan(&text) {
                prop_assert!(text.is_char_boundary(f.start()) && text.is_char_boundary(f.end()));
                prop_assert!(f.start() < f.end() && f.end() <= text.len());
            }
        }
    }

    #[test]
    fn quick_filter_agrees_with_classify() {
        for w in KNOWN_WORDS {
            assert_ne!(classify(w.as_bytes()), Word::Other, "{w}");
            assert_eq!(classify(w.as_bytes()), classify_slow(w.as_bytes()), "{w}");
        }
        assert_eq!(classify(b"banana"), Word::Other);
        // The perfect hash was found (no fallback to the linear search).
        assert!(!SHORT_WORDS.slots.is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        /// Any word, known or not, classifies as the plain match does.
        #[test]
        fn classify_matches_slow(
            w in proptest::prop_oneof![
                "[a-z]{1,10}".prop_map(String::into_bytes),
                "[a-z._/-]{1,12}".prop_map(String::into_bytes),
                "[a-z]{1,8}_(mrn|dob|id)".prop_map(String::into_bytes),
                proptest::sample::select(KNOWN_WORDS.to_vec()).prop_map(|w| w.as_bytes().to_vec()),
                proptest::sample::select(KNOWN_WORDS.to_vec())
                    .prop_flat_map(|w| (proptest::prelude::Just(w), 0..w.len()))
                    .prop_map(|(w, n)| w.as_bytes()[..n].to_vec()),
            ],
        ) {
            proptest::prop_assert_eq!(classify(&w), classify_slow(&w));
        }
    }

    #[test]
    fn phone_placeholders() {
        for v in [
            "555-555-5555",
            "000 000 0000",
            "123-456-7890",
            "+44 1234 567890",
            "7777777",
        ] {
            assert!(placeholder(v.as_bytes()), "{v}");
        }
        for v in [
            "415-555-0132",
            "234567890",
            "1234567809",
            "+44 20 7946 0958",
        ] {
            assert!(!placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn label_punct_table() {
        for c in 0..=255u8 {
            let old = matches!(
                c,
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b':'
                    | b'#'
                    | b'='
                    | b'"'
                    | b'\''
                    | b'|'
                    | b'*'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'<'
                    | b'>'
                    | b','
                    | b'`'
                    | b'-'
                    | b'.'
                    | b'{'
                    | b'}'
                    | b'\\'
            );
            let multi = matches!(c, 0x93 | 0x94 | 0x9A);
            assert_eq!(LABEL_PUNCT[usize::from(c)] == 3, multi, "{c}");
            assert_eq!(LABEL_PUNCT[usize::from(c)] != 0 && !multi, old, "{c}");
            assert_eq!(LABEL_PUNCT[usize::from(c)] == 2, c == b'#', "{c}");
        }
    }

    #[test]
    fn word_end_filter_passes_every_known_word() {
        for w in KNOWN_WORDS {
            for v in [w.to_string(), w.to_ascii_uppercase()] {
                let text = format!("x {v}");
                assert!(may_end_known_word(text.as_bytes(), text.len()), "{v}");
            }
        }
        assert!(!may_end_known_word(b"banana", 6));
        for (text, word) in [
            ("a-id", "id"),
            ("mm/dd/yy", "mm/dd/yy"),
            ("x d.o.b", "d.o.b"),
        ] {
            assert!(may_end_known_word(text.as_bytes(), text.len()), "{word}");
        }
        // Rejected outright: glued to a digit, or after `_`.
        assert!(!may_end_known_word(b"7id", 3));
        assert!(!may_end_known_word(b"x_is", 4));
        assert!(!may_end_known_word(b"x", 1));
        assert!(!may_end_known_word(b"", 0));
    }
}

#[cfg(test)]
mod cue_tests {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &["phone", "tel", "cell", "call", "fax", "ssn", "x", "mobile"];

    /// The byte-at-a-time `in_window` that the bit-mask one replaced, with the plain
    /// case-insensitive comparison that the keyed one replaced: the reference.
    fn old_in_window(b: &[u8], lo: usize, hi: usize) -> bool {
        let hi = hi.min(b.len());
        let mut i = lo.min(hi);
        while i > 0 && i < hi && b[i - 1].is_ascii_alphabetic() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        while i < hi {
            if !b[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let s = i;
            i += b[s..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            let dotted = (s > 1
                && (b[s - 1] == b'.' || b[s - 1] == b'@')
                && b[s - 2].is_ascii_alphanumeric())
                || (b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic));
            let glued = (s > 0 && b[s - 1].is_ascii_digit())
                || b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_')
                || dotted;
            let w = &b[s..i];
            if !glued && WORDS.iter().any(|c| c.as_bytes().eq_ignore_ascii_case(w)) {
                return true;
            }
            // After an escape's letter (`\\nphone`) the word starts again.
            let escaped = i > s + 1
                && matches!(b[s], b'n' | b't' | b'r')
                && b[..s]
                    .iter()
                    .rev()
                    .take(8)
                    .take_while(|&&c| c == b'\\')
                    .count()
                    % 2
                    == 1;
            let glued_after = b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_')
                || (b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic));
            if escaped
                && !glued_after
                && WORDS
                    .iter()
                    .any(|c| c.as_bytes().eq_ignore_ascii_case(&b[s + 1..i]))
            {
                return true;
            }
        }
        false
    }

    /// Cue words, their neighbours in length and first letter, glue and non-ASCII bytes.
    fn cue_text() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                4 => prop::sample::select(vec![
                    "phone", "PHONE", "Tel", "tel", "cell", "call", "fax", "phones", "telx",
                    "ssn", "SSN", "x", "ab", "mobile", "a", "Z",
                ])
                .prop_map(|w| w.as_bytes().to_vec()),
                3 => prop::sample::select(vec![" ", ": ", "_", "1", "-", "\n", "é", "9_", ".", "@", "\\", "\\n", "\\\\n"])
                    .prop_map(|w| w.as_bytes().to_vec()),
                1 => "[a-zA-Z]{1,80}".prop_map(String::into_bytes),
                1 => proptest::collection::vec(any::<u8>(), 0..4),
            ],
            0..40,
        )
        .prop_map(|parts| parts.concat())
    }

    /// The byte-at-a-time walk that [`hex_span`] replaced: the reference.
    fn old_hex_span(b: &[u8], pos: usize) -> (usize, usize, u8) {
        let mut seen = 0u8;
        let mut s = pos;
        let lo = pos.saturating_sub(HEX_CAP);
        while s > lo && hex_class(b[s - 1]) != 0 {
            seen |= hex_class(b[s - 1]);
            s -= 1;
        }
        let mut e = pos;
        let hi = b.len().min(pos + HEX_CAP);
        while e < hi && hex_class(b[e]) != 0 {
            seen |= hex_class(b[e]);
            e += 1;
        }
        (s, e, seen & (HT_COLON | HT_DOT))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn hex_span_matches_old(
            b in proptest::collection::vec(prop_oneof![
                12 => prop::sample::select(b"0123456789abcdefABCDEF".to_vec()),
                2 => prop::sample::select(b":.-".to_vec()),
                1 => prop::sample::select(b" gx_G\n".to_vec()),
                1 => any::<u8>(),
            ], 0..160),
            at in any::<prop::sample::Index>(),
        ) {
            let pos = at.index(b.len() + 1);
            prop_assert_eq!(hex_span(&b, pos), old_hex_span(&b, pos));
        }

        /// Long hex runs, so that both walks meet the cap at every alignment.
        #[test]
        fn hex_span_matches_old_long_runs(
            text in "([0-9a-fA-F]{0,110}[ :.g-]){0,4}[0-9a-fA-F]{0,110}",
            at in any::<prop::sample::Index>(),
        ) {
            let b = text.as_bytes();
            let pos = at.index(b.len() + 1);
            prop_assert_eq!(hex_span(b, pos), old_hex_span(b, pos));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn in_window_matches_old(b in cue_text(), lo in 0usize..300, len in 0usize..200) {
            let cues = WordCues::new(WORDS);
            let hi = lo + len;
            prop_assert_eq!(cues.in_window(&b, lo, hi), old_in_window(&b, lo, hi));
        }
    }
}

#[cfg(test)]
mod word_before_tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time `word_before` that the block one replaced: the reference. The word that ends at `end` (letters, plus `.`, `/`, `_` and `-` inside it), lower-cased into
    /// `buf`; returns `(start, len)`. `None` when there is no word or it is too long.
    fn old_word_before(
        b: &[u8],
        end: usize,
        lim: usize,
        buf: &mut [u8; 20],
    ) -> Option<(usize, usize)> {
        let mut s = end;
        let stop = lim.max(end.saturating_sub(20));
        while s > stop {
            match WORD_BYTE[usize::from(b[s - 1])] {
                WB_LETTER => s -= 1,
                WB_INNER if s < end => s -= 1,
                _ => break,
            }
        }
        // Cut by the cap: the last of words joined by slashes.
        if s == stop && s > lim && WORD_BYTE[usize::from(b[s - 1])] != 0 {
            if let Some(p) = b[s..end].iter().rposition(|c| *c == b'/') {
                s += p + 1;
            }
        }
        // Leading punctuation belongs to what is before the word.
        while s < end && !word_letter(b[s]) {
            s += 1;
        }
        // The letter of an escape (`\\nMRN`) before a longer word separates.
        let escaped = s + 1 < end && escape_letter(b, s);
        if escaped {
            s += 1;
        }
        // CJK punctuation inside a word that ends in a non-ASCII byte: the word starts after it.
        let mut cut = false;
        if s < end && b[end - 1] >= 0x80 {
            // Byte sequences: `lim` may cut a character, so the region need not be UTF-8.
            let marks = ["，", "：", "；", "（", "）", "、", "。"];
            let last = (s..end.saturating_sub(2))
                .rev()
                .find(|&k| marks.iter().any(|m| b[k..].starts_with(m.as_bytes())));
            if let Some(k) = last {
                s = k + 3;
                cut = true;
            }
        }
        // A CJK run longer than the window: its tail from a character boundary.
        if !cut && s < end && b[end - 1] >= 0x80 && s > 0 && b[s - 1] >= 0x80 {
            while s < end && b[s] & 0xC0 == 0x80 {
                s += 1;
            }
            cut = true;
        }
        if s == end
            || (!cut
                && !escaped
                && s > 0
                && (word_letter(b[s - 1]) || b[s - 1].is_ascii_digit() || b[s - 1] == b'_'))
        {
            return None;
        }
        let mut e = end;
        while e > s && b[e - 1] == b'.' {
            e -= 1;
        }
        let n = e - s;
        if n > buf.len() {
            return None;
        }
        for (k, c) in b[s..e].iter().enumerate() {
            buf[k] = c.to_ascii_lowercase();
        }
        Some((s, n))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn word_before_matches_old(
            parts in proptest::collection::vec(prop_oneof![
                4 => "[a-zA-Z]{1,12}",
                2 => prop::sample::select(vec![".", "/", "_", "-", " ", ":", "#", "1", "é", "\n", "，", "出生", "。", "\\", "\\n", "n"]).prop_map(String::from),
                1 => "[a-z]{14,30}",
                1 => any::<char>().prop_map(String::from),
            ], 0..10),
            at in any::<prop::sample::Index>(),
            back in 0usize..60,
        ) {
            let text = parts.concat();
            let b = text.as_bytes();
            let end = at.index(b.len() + 1);
            let lim = end.saturating_sub(back);
            let (mut got, mut want) = ([0u8; 20], [0u8; 20]);
            let g = word_before(b, end, lim, &mut got);
            let w = old_word_before(b, end, lim, &mut want);
            prop_assert_eq!(g, w);
            if let Some((_, n)) = g {
                prop_assert_eq!(&got[..n], &want[..n]);
            }
        }
    }
}

#[cfg(test)]
mod short_runs_tests {
    use super::*;
    use crate::detect::testing::same_on_every_run;
    use proptest::prelude::*;

    fn gated(cx: &mut Cx<'_>, hit: &Hit) -> usize {
        ShortRuns.detect(cx, hit)
    }

    /// Every digit run of `text` gives the same result through the gate as through all parts.
    fn agree(text: &str) -> Result<(), TestCaseError> {
        same_on_every_run(text, gated, ShortRuns::all_parts)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn short_runs_gate_agrees(
            parts in proptest::collection::vec(prop_oneof![
                6 => "[0-9]{1,12}",
                3 => prop::sample::select(vec![
                    " ", "=", ": ", "#", "(", ")", "/", "\n", ",", "\"", "-", ".", ":", "_", "+",
                    "MRN ", "mrn#", "DOB: ", "Account no. ", "acct ", "patient id ", "Passport ",
                    "member ID: ", "policy #", "medical record ", "born ", "id=", "user_id=",
                    "Jan ", "GB", "DE89", "1EG4-", "TE5-MK73", "fe80::", "a1:b2:", "0x", "v",
                    "é", "ab", "Z", "\":", "x:", "1:", "a:", ".:", "::", " :", "-:",
                    "|", "^", "^^^H^MR|", "^^^H^PI", "DOB (for verification): ",
                ]).prop_map(String::from),
                2 => "[a-zA-Z]{1,6}",
                1 => any::<char>().prop_map(String::from),
            ], 0..24),
        ) {
            agree(&parts.concat())?;
        }
    }

    #[test]
    fn short_runs_gate_agrees_on_labelled_values_and_addresses() {
        for text in [
            "MRN: 00482913, DOB: 03/14/1985, account no. 12345678",
            "patient id 556677 policy # 99887766 passport 123456789",
            "x=31169 port: 38058 (7151) 1021.20, 10.0.0.1 fe80::1 00:1a:2b:3c:4d:5e",
            "IBAN GB82 WEST 1234 5698 7654 32 and MBI 1EG4-TE5-MK73",
            // Runs after a colon: MACs and IPv6 addresses that end in digits, times, JSON.
            "mac 00:1a:2b:3c:4d:56 ip 2001:db8:0:0:0:0:2:1 fe80::1:2 at 10:22:33",
            "{\"created_at\":1706321864,\"n\":5} a:12 .:3 -:4 x:5",
            "PID|1||00771234^^^MGH^MR||DOE^JANE|||F PID|1||7712^^^X^MB 2^10",
        ] {
            agree(text).unwrap();
        }
    }
}
