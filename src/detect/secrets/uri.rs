//! Credentials in URIs (`scheme://user:password@host/…`) and in ADO.NET / ODBC connection
//! strings (`Server=…;User Id=…;Password=…;`).

use super::super::{
    escape_at, escape_letter, priority, Cx, Detect, Hit, Trigger, SCORE_STRONG, SCORE_WITH_CUE,
};
use super::is_placeholder;
use super::tokens::has_vendor_prefix;
use crate::block::{Block, Flags};
use crate::finding::Kind;

/// Longest URI examined, in bytes.
const MAX_URI: usize = 2048;
/// Longest authority (`user:password@host:port,host2…`), in bytes.
const MAX_AUTHORITY: usize = 512;

/// `scheme://user:password@host…`: any scheme (postgres, mysql, mongodb+srv, redis, amqp, jdbc:…,
/// ftp, smtp, http(s), …) whose authority carries a non-placeholder password. The span is the
/// whole URI, `jdbc:` included. The user may be empty (`redis://:pw@host`). The last `@` of the
/// authority ends the user-info, so passwords containing `@` stay whole.
pub(crate) struct CredentialUri;

#[inline]
fn scheme_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
}

#[inline]
fn authority_byte(c: u8) -> bool {
    c > b' '
        && c != 0x7f
        && !matches!(
            c,
            b'/' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b'{' | b'}' | b'|'
        )
}

#[inline]
fn uri_byte(c: u8) -> bool {
    c > b' '
        && c != 0x7f
        && !matches!(
            c,
            b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b'{' | b'}' | b'|'
        )
}

/// The bytes that end a URI (what [`uri_byte`] rejects), sixteen at a time.
#[inline(always)]
fn uri_stops(v: Block) -> Flags {
    v.in_range(0, b' ')
        | v.eq(0x7f)
        | v.eq(b'"')
        | v.eq(b'\'')
        | v.eq(b'`')
        | v.eq(b'<')
        | v.eq(b'>')
        | v.eq(b'\\')
        | v.eq(b'{')
        | v.eq(b'}')
        | v.eq(b'|')
}

/// The bytes that end an authority (what [`authority_byte`] rejects): a URI's, and `/`.
#[inline(always)]
fn authority_stops(v: Block) -> Flags {
    uri_stops(v) | v.eq(b'/')
}

/// The first position from `i` (at most `lim`, which is at most `b.len()`) whose byte `stops`
/// flags, `ok` being the same test for one byte. Sixteen bytes at a time, then byte by byte.
#[inline(always)]
fn scan_to_stop(
    b: &[u8],
    mut i: usize,
    lim: usize,
    stops: impl Fn(Block) -> Flags,
    ok: impl Fn(u8) -> bool,
) -> usize {
    while let Some(c) = b
        .get(i..lim.min(i.saturating_add(16)))
        .and_then(|c| <&[u8; 16]>::try_from(c).ok())
    {
        let m = stops(Block::new(c)).bits();
        if m != 0 {
            return i + m.trailing_zeros() as usize;
        }
        i += 16;
    }
    while i < lim && ok(b[i]) {
        i += 1;
    }
    i
}

impl Detect for CredentialUri {
    fn id(&self) -> &'static str {
        "credential_uri"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::CONNECTION_STRING]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(vec!["://".into()])]
    }

    fn max_len(&self) -> usize {
        MAX_URI + 32
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        // Scheme, backwards.
        let mut s = hit.start;
        while s > 0 && hit.start - s < 24 && scheme_byte(b[s - 1]) {
            s -= 1;
        }
        if s == hit.start || !b[s].is_ascii_alphabetic() {
            return hit.end;
        }
        // `jdbc:postgresql://…`, `jdbc:sqlserver://…`
        if s >= 5 && b[s - 5..s].eq_ignore_ascii_case(b"jdbc:") {
            s -= 5;
        }
        // Authority.
        let a_start = hit.end;
        // `#` and `?` end an authority, but people write them unescaped in passwords: they are
        // only taken as delimiters when no `@` follows before the path.
        let a_lim = b.len().min(a_start + MAX_AUTHORITY);
        let a_end = scan_to_stop(b, a_start, a_lim, authority_stops, authority_byte);
        let has_at = b[a_start..a_end].contains(&b'@');
        if !has_at {
            return self.query_password(cx, s, a_start);
        }
        let Some(auth) = cx.text.get(a_start..a_end) else {
            return hit.end;
        };
        let Some(at) = auth.rfind('@') else {
            return hit.end;
        };
        let userinfo = &auth[..at];
        let host = &auth[at + 1..];
        let Some(colon) = userinfo.find(':') else {
            return hit.end;
        };
        let pass = &userinfo[colon + 1..];
        // `cvs://:pserver:anon@host`: a CVS method, not a password.
        if colon == 0 && pass.contains(':') {
            return a_end.max(hit.end);
        }
        // `host:8080?next=a@b`: a query, not a password.
        if ((pass.contains('?') || pass.contains('#')) && pass.contains('='))
            || userinfo[..colon].contains(['?', '#', '='])
        {
            return a_end.max(hit.end);
        }
        let user = &userinfo[..colon];
        let host_ok = host
            .as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'[' | b'%' | b'_'));
        let pw = percent_free(pass);
        if !host_ok || pass.is_empty() || is_placeholder(&pw) || is_placeholder_user_pass(user, &pw)
        {
            return a_end.max(hit.end);
        }
        // The rest of the URI.
        let mut e = scan_to_stop(b, a_end, b.len().min(s + MAX_URI), uri_stops, uri_byte);
        while e > a_start + at + 2
            && matches!(
                b[e - 1],
                b'.' | b',' | b')' | b';' | b':' | b'!' | b'?' | b']' | b'*'
            )
        {
            // Keep a `]` that closes an IPv6 host.
            if b[e - 1] == b']' && b[a_start..e].contains(&b'[') {
                break;
            }
            e -= 1;
        }
        let e = cx.floor(e);
        // `https://x-access-token:ghs_…@github.com/…`: when the password is a vendor token, the
        // token is the finding (a git remote is no connection string); the URI stays as the
        // fallback for a token its detector turns down.
        let prio = if has_vendor_prefix(&pw) {
            priority::PREFIXED_TOKEN - 1
        } else {
            priority::CONNECTION
        };
        cx.emit(Kind::CONNECTION_STRING, s, e, SCORE_STRONG, prio);
        e
    }
}

impl CredentialUri {
    /// `jdbc:mysql://host/db?user=app&password=…`: a URI whose query carries a password
    /// parameter is a connection string too.
    fn query_password(&self, cx: &mut Cx<'_>, s: usize, a_start: usize) -> usize {
        let b = cx.bytes;
        let e = scan_to_stop(b, a_start, b.len().min(s + MAX_URI), uri_stops, uri_byte);
        let Some(uri) = cx.text.get(s..e) else {
            return a_start;
        };
        // A key follows `?`, `&` or `;`: look only there (most URIs have none of them).
        let ub = uri.as_bytes();
        let mut found = false;
        for i in memchr::memchr3_iter(b'?', b'&', b';', ub) {
            let rest = &ub[i + 1..];
            for key in ["password=", "pwd=", "passwd=", "pass="] {
                if rest.len() >= key.len() && rest[..key.len()].eq_ignore_ascii_case(key.as_bytes())
                {
                    let from = i + 1 + key.len();
                    let v = uri[from..].split(['&', ';', '#']).next().unwrap_or("");
                    let v = percent_free(v);
                    if v.len() >= 3 && !is_placeholder(&v) {
                        found = true;
                    }
                }
            }
        }
        if !found {
            return e.max(a_start);
        }
        let mut end = e;
        while end > a_start
            && matches!(
                b[end - 1],
                b'.' | b',' | b')' | b';' | b':' | b'!' | b'?' | b']'
            )
        {
            end -= 1;
        }
        let end = cx.floor(end);
        cx.emit(
            Kind::CONNECTION_STRING,
            s,
            end,
            SCORE_WITH_CUE,
            priority::CONNECTION,
        );
        end
    }
}

/// Decodes `%xx` escapes for the placeholder check (`%3Cpassword%3E`).
fn percent_free(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(x), Some(y)) = (h(b[i + 1]), h(b[i + 2])) {
                out.push((x * 16 + y) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `user:user`, `test:test`, `foo:bar`, `username:password` pairs are documentation.
fn is_placeholder_user_pass(user: &str, pass: &str) -> bool {
    (!user.is_empty() && user.eq_ignore_ascii_case(pass))
        || (user.eq_ignore_ascii_case("foo") && pass.eq_ignore_ascii_case("bar"))
}

/// ADO.NET / ODBC / JDBC-properties connection strings: `key=value;` pairs with a `Password=` or
/// `Pwd=` and at least one server/user/database key. The span runs from the first key to the end
/// of the last pair (inside quotes when the string is quoted).
pub(crate) struct AdoConnection;

const ADO_KEYS: &[&str] = &[
    "server",
    "data source",
    "host",
    "hostname",
    "address",
    "addr",
    "network address",
    "uid",
    "user id",
    "userid",
    "user",
    "username",
    "database",
    "initial catalog",
    "provider",
    "driver",
    "dsn",
    "port",
    "dbname",
];

/// Two-word keys whose first word must be kept when the key starts a string.
const ADO_FIRST_WORDS: &[&str] = &[
    "data",
    "user",
    "initial",
    "network",
    "integrated",
    "persist",
    "trusted",
    "application",
    "connect",
    "multiple",
];

const MAX_ADO: usize = 1024;

#[inline]
fn ado_stop(c: u8) -> bool {
    matches!(c, b'"' | b'\'' | b'`' | b'\n' | b'\r' | b'<' | b'>')
}

impl Detect for AdoConnection {
    fn id(&self) -> &'static str {
        "ado_connection"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::CONNECTION_STRING]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(vec!["password".into(), "pwd".into()])]
    }

    fn max_len(&self) -> usize {
        2 * MAX_ADO
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        // `;Password=`, `; Pwd =`, or at the start of the string.
        let mut k = hit.start;
        while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k > 0 && !(b[k - 1] == b';' || ado_stop(b[k - 1])) {
            if k < hit.start {
                return libpq(cx, hit);
            }
            if b[k - 1] == b',' {
                return redis_options(cx, hit);
            }
            return hit.start + 1;
        }
        let mut i = hit.end;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return hit.start + 1;
        }
        // String bounds.
        let mut lo = k;
        while lo > 0 && k - lo < MAX_ADO && !ado_stop(b[lo - 1]) {
            lo -= 1;
        }
        let mut hi = i;
        while hi < b.len() && hi - i < MAX_ADO && !ado_stop(b[hi]) {
            hi += 1;
        }
        let (lo, hi) = (cx.ceil(lo), cx.floor(hi));
        let Some(window) = cx.text.get(lo..hi) else {
            return hit.start + 1;
        };
        // Segments.
        let mut pairs = 0;
        let mut known = false;
        let mut first_key_start: Option<usize> = None;
        let mut last_end = lo;
        let mut password: Option<(usize, usize)> = None;
        let mut off = lo;
        let pw_pos = hit.start;
        for seg in window.split(';') {
            let seg_start = off;
            off += seg.len() + 1;
            let Some(eq) = seg.find('=') else {
                if seg.trim().is_empty() {
                    continue;
                }
                if seg_start > pw_pos {
                    break;
                }
                continue;
            };
            let key_full = &seg[..eq];
            let key = key_full.trim();
            // Key: the last word, plus a known first word for two-word keys.
            let words: Vec<&str> = key.split_whitespace().collect();
            let key_norm = match words.as_slice() {
                [] => continue,
                [one] => one.to_ascii_lowercase(),
                [.., a, z] if ADO_FIRST_WORDS.contains(&a.to_ascii_lowercase().as_str()) => {
                    format!("{} {}", a.to_ascii_lowercase(), z.to_ascii_lowercase())
                }
                [.., z] => z.to_ascii_lowercase(),
            };
            if !key_norm
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b' ' || c == b'_' || c == b'.')
            {
                if seg_start > pw_pos {
                    break;
                }
                continue;
            }
            let key_rel = key_full.len() - key_full.trim_start().len();
            let kstart = if key_norm.contains(' ') || words.len() == 1 {
                seg_start + key_rel
            } else {
                seg_start + key_full.rfind(words[words.len() - 1]).unwrap_or(key_rel)
            };
            if first_key_start.is_none() {
                first_key_start = Some(kstart);
            }
            pairs += 1;
            known |= ADO_KEYS.contains(&key_norm.as_str());
            let val = &seg[eq + 1..];
            let v_trim = val.trim();
            let mut v_end = seg_start + eq + 1 + val.trim_end().len();
            // An unquoted string in prose ends at the first space after its last pair.
            if seg_start + seg.len() >= hi {
                if let Some(sp) = v_trim.find(char::is_whitespace) {
                    let v_start = seg_start + eq + 1 + (val.len() - val.trim_start().len());
                    v_end = v_start + sp;
                }
            }
            if key_norm == "password" || key_norm == "pwd" {
                let v_start = seg_start + eq + 1 + (val.len() - val.trim_start().len());
                password = Some((v_start, v_end.max(v_start)));
            }
            last_end = v_end;
            if seg_start + seg.len() >= hi && v_end < hi {
                break;
            }
        }
        let (Some(first), Some((ps, pe))) = (first_key_start, password) else {
            return hit.start + 1;
        };
        let pw = cx.text.get(ps..pe).unwrap_or("");
        let pw_inner = pw.trim_matches(|c| c == '{' || c == '}');
        // `PWD=/home/jane` in a sudo log line is a working directory.
        let path = pw_inner.starts_with('/') || pw_inner.starts_with("~/");
        if pairs < 2 || !known || pw_inner.is_empty() || path || is_placeholder(pw_inner) {
            return pe.max(hit.start + 1);
        }
        // Keep a trailing `;` that belongs to the string.
        let mut end = last_end;
        if b.get(end) == Some(&b';') {
            end += 1;
        }
        let end = cx.floor(end);
        if first < end {
            cx.emit(
                Kind::CONNECTION_STRING,
                first,
                end,
                SCORE_WITH_CUE,
                priority::CONNECTION,
            );
        }
        end.max(hit.start + 1)
    }
}

/// StackExchange.Redis configuration strings, `host:6380,password=…,ssl=True`: options
/// separated by commas after one or more `host[:port]` endpoints. The span is the whole string
/// (to a quote or line end); the password must be no placeholder.
fn redis_options(cx: &mut Cx<'_>, hit: &Hit) -> usize {
    let b = cx.bytes;
    let next = hit.start + 1;
    if b.get(hit.end) != Some(&b'=') || !b[hit.start..hit.end].eq_ignore_ascii_case(b"password") {
        return next;
    }
    let mut lo = hit.start;
    while lo > 0 && hit.start - lo < MAX_ADO && !ado_stop(b[lo - 1]) && b[lo - 1] != b' ' {
        lo -= 1;
    }
    let mut hi = hit.end;
    while hi < b.len() && hi - hit.end < MAX_ADO && !ado_stop(b[hi]) && b[hi] != b' ' {
        hi += 1;
    }
    // The first option is an endpoint: a host name with a dot or a port, no `=`.
    let first = b[lo..].split(|c| *c == b',').next().unwrap_or(&[]);
    let endpoint = !first.is_empty()
        && !first.contains(&b'=')
        && (first.contains(&b'.') || first.contains(&b':'))
        && first
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b':' | b'_'));
    let ve = hit.end
        + 1
        + b[hit.end + 1..hi]
            .iter()
            .position(|c| *c == b',')
            .unwrap_or(hi - hit.end - 1);
    let pw = cx.text.get(hit.end + 1..ve).unwrap_or("");
    if !endpoint || pw.len() < 4 || is_placeholder(pw) {
        return ve.max(next);
    }
    let (lo, hi) = (cx.ceil(lo), cx.floor(hi));
    if lo < hi {
        cx.emit(
            Kind::CONNECTION_STRING,
            lo,
            hi,
            SCORE_WITH_CUE,
            priority::CONNECTION,
        );
    }
    hi.max(next)
}

/// libpq keyword/value connection strings: `host=db port=5432 user=app password=… dbname=app`,
/// pairs separated by blanks. The run of pairs around `password=` must name a host (`host`,
/// `hostaddr`) and one of `dbname`, `user`, `port`; the span is the whole run.
fn libpq(cx: &mut Cx<'_>, hit: &Hit) -> usize {
    let b = cx.bytes;
    let next = hit.start + 1;
    if b.get(hit.end) != Some(&b'=') || !b[hit.start..hit.end].eq_ignore_ascii_case(b"password") {
        return next;
    }
    let blank = |c: u8| matches!(c, b' ' | b'\t');
    // A pair `key=value`, `key` lower-case letters and `_`: its key, or `None`.
    let pair_key = |s: usize, e: usize| -> Option<&[u8]> {
        let t = &b[s..e];
        let eq = t.iter().position(|&c| c == b'=')?;
        let key = &t[..eq];
        (key.len() >= 2
            && eq + 1 < t.len()
            && key.iter().all(|&c| c.is_ascii_lowercase() || c == b'_'))
        .then_some(key)
    };
    // The pair that starts at `s` (its key and start), or, after a variable's name
    // (`DATABASE_URL=host=db …`), the pair that starts after its `=`.
    let key_of = |s: usize, e: usize| -> Option<(&[u8], usize)> {
        if let Some(key) = pair_key(s, e) {
            return Some((key, s));
        }
        let eq = s + b[s..e].iter().position(|&c| c == b'=')?;
        let name_ok = eq > s
            && b[s..eq]
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'_');
        name_ok
            .then(|| pair_key(eq + 1, e))
            .flatten()
            .map(|k| (k, eq + 1))
    };
    // A token ends at a blank, a stop byte or a `\n` escape (a JSON string read raw).
    let token_end = |mut i: usize| {
        while i < b.len()
            && i - hit.start < MAX_ADO
            && !blank(b[i])
            && !ado_stop(b[i])
            && !escape_at(b, i)
        {
            i += 1;
        }
        i
    };
    let (mut host, mut other) = (false, false);
    let mut note = |key: &[u8]| {
        host |= key == b"host" || key == b"hostaddr";
        other |= matches!(key, b"dbname" | b"user" | b"port");
    };
    // The password pair, then pairs to the left and to the right.
    let pe = token_end(hit.start);
    let pw = &b[hit.end + 1..pe];
    if pw.is_empty() || std::str::from_utf8(pw).map_or(true, is_placeholder) {
        return pe.max(next);
    }
    let mut first = hit.start;
    loop {
        let mut e = first;
        while e > 0 && blank(b[e - 1]) {
            e -= 1;
        }
        let mut s = e;
        while s > 0
            && hit.start - s < MAX_ADO
            && !blank(b[s - 1])
            && !ado_stop(b[s - 1])
            && !escape_letter(b, s - 1)
        {
            s -= 1;
        }
        match key_of(s, e) {
            Some((key, ks)) if e < first => {
                note(key);
                first = ks;
                if ks > s {
                    // After a variable's name: nothing further left belongs to the string.
                    break;
                }
            }
            _ => break,
        }
    }
    let mut last = pe;
    loop {
        let mut s = last;
        while s < b.len() && blank(b[s]) {
            s += 1;
        }
        let e = token_end(s);
        match pair_key(s, e) {
            Some(key) if s > last => {
                note(key);
                last = e;
            }
            _ => break,
        }
    }
    if !(host && other) {
        return pe.max(next);
    }
    while last > pe && matches!(b[last - 1], b'.' | b',' | b';' | b')') {
        last -= 1;
    }
    let last = cx.floor(last);
    cx.emit(
        Kind::CONNECTION_STRING,
        first,
        last,
        SCORE_WITH_CUE,
        priority::CONNECTION,
    );
    last.max(next)
}

#[cfg(test)]
mod scan_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn block_stops_are_the_byte_tests_negated() {
        for c in 0u8..=255 {
            for lane in 0..16 {
                for fill in [b'a', b'/', b' ', 0x80, b'|'] {
                    let mut v = [fill; 16];
                    v[lane] = c;
                    let blk = Block::new(&v);
                    let want = |ok: fn(u8) -> bool| {
                        v.iter()
                            .enumerate()
                            .fold(0u16, |m, (k, &x)| m | u16::from(!ok(x)) << k)
                    };
                    assert_eq!(uri_stops(blk).bits(), want(uri_byte), "{c:#x}");
                    assert_eq!(authority_stops(blk).bits(), want(authority_byte), "{c:#x}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn scan_to_stop_matches_the_byte_walk(
            b in proptest::collection::vec(prop_oneof![
                8 => prop::sample::select(b"abcXYZ019.-_:@?#%=+".to_vec()),
                1 => prop::sample::select(b"/\"'`<>\\{}| \n\x7f".to_vec()),
                1 => any::<u8>(),
            ], 0..90),
            i in 0usize..100,
            n in 0usize..100,
        ) {
            let lim = b.len().min(i + n);
            let walk = |ok: fn(u8) -> bool| {
                let mut e = i;
                while e < lim && ok(b[e]) {
                    e += 1;
                }
                e
            };
            prop_assert_eq!(scan_to_stop(&b, i, lim, uri_stops, uri_byte), walk(uri_byte));
            prop_assert_eq!(
                scan_to_stop(&b, i, lim, authority_stops, authority_byte),
                walk(authority_byte)
            );
        }
    }
}
