//! The canonical byte form: a strict subset of RFC 8785 (JCS).
//!
//! Values are limited to `null`, booleans, integers in ±(2^53 − 1), strings, arrays and
//! objects with ASCII keys. Within that profile the JCS rules reduce to: no whitespace, object
//! members sorted by key (ASCII byte order equals UTF-16 code-unit order), integers in plain
//! decimal, strings escaped only where JCS escapes (`"`, `\`, U+0000–U+001F with the short forms
//! `\b \t \n \f \r` and lowercase `\u00xx` otherwise; `/`, U+007F and non-ASCII stay raw).
//!
//! The encoder ([`ObjWriter`]) is what gets hashed. The parser ([`parse`]) accepts exactly the
//! bytes the encoder can produce and nothing else, so a parsed line is already canonical.

use std::borrow::Cow;

/// Largest integer magnitude the profile allows (I-JSON, 2^53 − 1).
pub(crate) const MAX_SAFE_INT: u64 = (1 << 53) - 1;

/// Deepest nesting the parser accepts (records need 3).
const MAX_DEPTH: usize = 8;

/// Appends `s` as a JCS string literal.
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    // Branch-free test (vectorizes): most strings need no escaping at all.
    if !bytes.iter().fold(false, |acc, &b| {
        acc | (b < 0x20) | (b == b'"') | (b == b'\\')
    }) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on char boundaries.
        out.push_str(s.get(start..i).unwrap_or_default());
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// Writes the members of one object in key order.
///
/// Callers must add members in strictly increasing key order; debug builds check it. Keys are
/// ASCII identifiers and are written without escaping.
pub(crate) struct ObjWriter<'o> {
    out: &'o mut String,
    first: bool,
    marks: [usize; 4],
    /// Marks `a..b` waiting for the next member.
    pending: Option<(usize, usize)>,
    #[cfg(debug_assertions)]
    last: &'static str,
}

impl<'o> ObjWriter<'o> {
    pub(crate) fn new(out: &'o mut String) -> ObjWriter<'o> {
        out.push('{');
        ObjWriter {
            out,
            first: true,
            marks: [0; 4],
            pending: None,
            #[cfg(debug_assertions)]
            last: "",
        }
    }

    /// A writer that adds members inside an object someone else opened (no `{`, and the first
    /// member gets no comma).
    pub(crate) fn continuing(out: &'o mut String) -> ObjWriter<'o> {
        ObjWriter {
            out,
            first: true,
            marks: [0; 4],
            pending: None,
            #[cfg(debug_assertions)]
            last: "",
        }
    }

    fn key(&mut self, key: &'static str) {
        #[cfg(debug_assertions)]
        {
            debug_assert!(self.first || key > self.last, "keys out of order: {key}");
            debug_assert!(key
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'));
            self.last = key;
        }
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        if let Some((a, b)) = self.pending.take() {
            let at = self.out.len();
            for m in self.marks.iter_mut().take(b).skip(a) {
                *m = at;
            }
        }
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    pub(crate) fn str(&mut self, key: &'static str, v: &str) -> &mut Self {
        self.key(key);
        write_str(self.out, v);
        self
    }

    pub(crate) fn opt_str(&mut self, key: &'static str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.str(key, v);
        }
        self
    }

    /// A 32-byte digest as a lowercase hex string.
    pub(crate) fn hex32(&mut self, key: &'static str, v: &[u8; 32]) -> &mut Self {
        self.key(key);
        self.out.push('"');
        super::hex::push32(self.out, v);
        self.out.push('"');
        self
    }

    /// A `Display` value that needs no escaping (IP addresses).
    pub(crate) fn display(&mut self, key: &'static str, v: &dyn core::fmt::Display) -> &mut Self {
        use core::fmt::Write as _;
        self.key(key);
        self.out.push('"');
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{v}");
        self.out.push('"');
        self
    }

    /// Integers must already be within the profile's range (callers check at build time).
    pub(crate) fn uint(&mut self, key: &'static str, v: u64) -> &mut Self {
        debug_assert!(v <= MAX_SAFE_INT);
        self.key(key);
        push_u64(self.out, v);
        self
    }

    pub(crate) fn int(&mut self, key: &'static str, v: i64) -> &mut Self {
        debug_assert!(v.unsigned_abs() <= MAX_SAFE_INT);
        self.key(key);
        if v < 0 {
            self.out.push('-');
        }
        push_u64(self.out, v.unsigned_abs());
        self
    }

    pub(crate) fn opt_uint(&mut self, key: &'static str, v: Option<u64>) -> &mut Self {
        if let Some(v) = v {
            self.uint(key, v);
        }
        self
    }

    pub(crate) fn bool(&mut self, key: &'static str, v: bool) -> &mut Self {
        self.key(key);
        self.out.push_str(if v { "true" } else { "false" });
        self
    }

    /// Writes the key, then lets `f` write the value (an object or array) into the buffer.
    pub(crate) fn nested(&mut self, key: &'static str, f: impl FnOnce(&mut String)) -> &mut Self {
        self.key(key);
        f(self.out);
        self
    }

    pub(crate) fn str_array<'s>(
        &mut self,
        key: &'static str,
        items: impl IntoIterator<Item = &'s str>,
    ) -> &mut Self {
        self.key(key);
        self.out.push('[');
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_str(self.out, s);
        }
        self.out.push(']');
        self
    }

    /// Records, as mark `i`, where the next member will start (after its comma): the place
    /// where an omitted member followed by that one would be inserted.
    pub(crate) fn mark(&mut self, i: usize) {
        self.pending = Some(match self.pending {
            Some((a, _)) => (a, i + 1),
            None => (i, i + 1),
        });
    }

    /// The marks set so far (buffer offsets).
    pub(crate) fn marks(&self) -> [usize; 4] {
        self.marks
    }

    pub(crate) fn end(&mut self) {
        self.out.push('}');
    }
}

fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Digits are ASCII.
    out.push_str(core::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or_default());
}

/// A parsed value of the canonical profile. Strings borrow from the input unless they held
/// escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    Arr(Vec<Value<'a>>),
    Obj(Vec<(&'a str, Value<'a>)>),
}

/// Why the parser rejected its input. Never carries input bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) offset: usize,
    pub(crate) reason: &'static str,
}

/// Parses exactly one canonical value spanning all of `input`.
pub(crate) fn parse(input: &str) -> Result<Value<'_>, SyntaxError> {
    let mut p = Parser {
        s: input,
        b: input.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    if p.i != p.b.len() {
        return Err(p.err("trailing bytes after the value"));
    }
    Ok(v)
}

/// One member of the top-level object: key, value, and the byte range of `"key":value`.
pub(crate) type Member<'a> = (&'a str, Value<'a>, usize, usize);

/// Parses a canonical top-level object, keeping each member's byte range.
pub(crate) fn parse_members(input: &str) -> Result<Vec<Member<'_>>, SyntaxError> {
    let mut p = Parser {
        s: input,
        b: input.as_bytes(),
        i: 0,
    };
    p.expect(b'{', "expected an object")?;
    let mut members: Vec<Member<'_>> = Vec::with_capacity(32);
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            let start = p.i;
            let key = p.key()?;
            if let Some((last, ..)) = members.last() {
                if key.as_bytes() <= last.as_bytes() {
                    return Err(p.err("object keys not strictly sorted (or duplicated)"));
                }
            }
            p.expect(b':', "expected ':'")?;
            let v = p.value(1)?;
            members.push((key, v, start, p.i));
            match p.peek() {
                Some(b',') => p.i += 1,
                Some(b'}') => {
                    p.i += 1;
                    break;
                }
                _ => return Err(p.err("expected ',' or '}'")),
            }
        }
    }
    if p.i != p.b.len() {
        return Err(p.err("trailing bytes after the value"));
    }
    Ok(members)
}

pub(crate) struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pub(crate) i: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(s: &'a str) -> Parser<'a> {
        Parser {
            s,
            b: s.as_bytes(),
            i: 0,
        }
    }

    /// `n` input bytes starting at `at`, if there are that many.
    pub(crate) fn bytes_at(&self, at: usize, n: usize) -> Option<&'a [u8]> {
        self.b.get(at..at.checked_add(n)?)
    }

    pub(crate) fn at_end(&self) -> bool {
        self.i == self.b.len()
    }

    /// A string value (the cursor must be at its opening quote).
    pub(crate) fn str_value(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string"));
        }
        self.string()
    }

    /// A non-negative integer value.
    pub(crate) fn uint_value(&mut self) -> Result<u64, SyntaxError> {
        if self.peek() == Some(b'-') {
            return Err(self.err("expected a non-negative integer"));
        }
        match self.number()? {
            Value::Int(v) => Ok(v.unsigned_abs()),
            _ => Err(self.err("expected an integer")),
        }
    }

    /// Any integer value.
    pub(crate) fn int_value(&mut self) -> Result<i64, SyntaxError> {
        match self.number()? {
            Value::Int(v) => Ok(v),
            _ => Err(self.err("expected an integer")),
        }
    }

    /// An array of strings, written into `items` (reusing its strings' buffers).
    pub(crate) fn str_array_into(&mut self, items: &mut Vec<String>) -> Result<(), SyntaxError> {
        self.expect(b'[', "expected an array")?;
        let mut n = 0;
        if self.peek() == Some(b']') {
            self.i += 1;
            items.clear();
            return Ok(());
        }
        loop {
            let v = self.str_value()?;
            match items.get_mut(n) {
                Some(slot) => {
                    slot.clear();
                    slot.push_str(&v);
                }
                None => items.push(v.into_owned()),
            }
            n += 1;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    items.truncate(n);
                    return Ok(());
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    pub(crate) fn err(&self, reason: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.i,
            reason,
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(crate) fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(reason))
        }
    }

    pub(crate) fn literal(&mut self, lit: &'static str) -> Result<(), SyntaxError> {
        if self.b.get(self.i..self.i + lit.len()) == Some(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.literal("true").map(|_| Value::Bool(true)),
            Some(b'f') => self.literal("false").map(|_| Value::Bool(false)),
            Some(b'n') => self.literal("null").map(|_| Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected byte (whitespace is not canonical)")),
            None => Err(self.err("unexpected end of input")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.i += 1; // '{'
        let mut members: Vec<(&'a str, Value<'a>)> = Vec::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Obj(members));
        }
        loop {
            let key = self.key()?;
            if let Some((last, _)) = members.last() {
                if key.as_bytes() <= last.as_bytes() {
                    return Err(self.err("object keys not strictly sorted (or duplicated)"));
                }
            }
            self.expect(b':', "expected ':'")?;
            let v = self.value(depth + 1)?;
            members.push((key, v));
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Obj(members));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    /// Keys are plain printable ASCII without escapes.
    pub(crate) fn key(&mut self) -> Result<&'a str, SyntaxError> {
        self.expect(b'"', "expected a key")?;
        let start = self.i;
        let rest = self.b.get(start..).unwrap_or_default();
        let Some(n) = memchr::memchr(b'"', rest) else {
            return Err(self.err("unterminated key"));
        };
        let raw = rest.get(..n).unwrap_or_default();
        let bad_byte = |b: u8| !(0x20..=0x7e).contains(&b) || b == b'\\';
        if raw.iter().fold(false, |acc, &b| acc | bad_byte(b)) {
            self.i = start + raw.iter().position(|&b| bad_byte(b)).unwrap_or(0);
            return Err(self.err("keys must be printable ASCII without escapes"));
        }
        let k = self
            .s
            .get(start..start + n)
            .ok_or_else(|| self.err("bad key"))?;
        self.i = start + n + 1;
        Ok(k)
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.i += 1; // '['
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Arr(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    pub(crate) fn number(&mut self) -> Result<Value<'a>, SyntaxError> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut v: u64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            if self.i > start && self.b.get(start) == Some(&b'0') {
                return Err(self.err("leading zero"));
            }
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|v| *v <= MAX_SAFE_INT)
                .ok_or_else(|| self.err("integer outside ±(2^53 - 1)"))?;
            self.i += 1;
        }
        if self.i == start {
            return Err(self.err("expected digits"));
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(self.err("only integers are allowed"));
        }
        if neg && v == 0 {
            return Err(self.err("-0 is not canonical"));
        }
        // v <= 2^53 - 1, so the conversion is lossless.
        let v = v as i64;
        Ok(Value::Int(if neg { -v } else { v }))
    }

    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.i += 1; // '"'
        let start = self.i;
        // Fast path: find the closing quote or the first escape, then check for control bytes.
        let rest = self.b.get(start..).unwrap_or_default();
        let Some(n) = memchr::memchr2(b'"', b'\\', rest) else {
            return Err(self.err("unterminated string"));
        };
        let run = rest.get(..n).unwrap_or_default();
        // Branch-free scan (vectorizes); locate the byte only on error.
        if run.iter().fold(false, |acc, &b| acc | (b < 0x20)) {
            self.i = start + run.iter().position(|&b| b < 0x20).unwrap_or(0);
            return Err(self.err("raw control character in string"));
        }
        self.i = start + n;
        if self.peek() == Some(b'"') {
            let s = self
                .s
                .get(start..self.i)
                .ok_or_else(|| self.err("bad string"))?;
            self.i += 1;
            return Ok(Cow::Borrowed(s));
        }
        let mut owned = String::from(self.s.get(start..self.i).unwrap_or_default());
        loop {
            let run = self.i;
            loop {
                match self.peek() {
                    Some(b'"' | b'\\') => break,
                    Some(0..=0x1f) => return Err(self.err("raw control character in string")),
                    Some(_) => self.i += 1,
                    None => return Err(self.err("unterminated string")),
                }
            }
            owned.push_str(
                self.s
                    .get(run..self.i)
                    .ok_or_else(|| self.err("bad string"))?,
            );
            if self.peek() == Some(b'"') {
                self.i += 1;
                return Ok(Cow::Owned(owned));
            }
            self.i += 1; // '\\'
            let c = match self.peek() {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'b') => '\u{8}',
                Some(b't') => '\t',
                Some(b'n') => '\n',
                Some(b'f') => '\u{c}',
                Some(b'r') => '\r',
                Some(b'u') => {
                    let hex = self
                        .b
                        .get(self.i + 1..self.i + 5)
                        .ok_or_else(|| self.err("short \\u escape"))?;
                    let hi = match hex {
                        [b'0', b'0', h @ (b'0' | b'1'), l] => {
                            let l = match l {
                                b'0'..=b'9' => l - b'0',
                                b'a'..=b'f' => l - b'a' + 10,
                                _ => return Err(self.err("\\u escape must be lowercase hex")),
                            };
                            ((h - b'0') << 4) | l
                        }
                        _ => return Err(self.err("\\u escape only for control characters")),
                    };
                    if matches!(hi, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                        return Err(self.err("control character has a short escape"));
                    }
                    self.i += 4;
                    char::from(hi)
                }
                _ => return Err(self.err("escape not used by the canonical form")),
            };
            self.i += 1;
            owned.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn string_escapes_follow_jcs() {
        assert_eq!(enc("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(enc("\u{8}\t\n\u{c}\r"), r#""\b\t\n\f\r""#);
        assert_eq!(enc("\u{0}\u{1f}\u{7f}/é😂"), "\"\\u0000\\u001f\u{7f}/é😂\"");
    }

    #[test]
    fn roundtrip_strings() {
        for s in [
            "",
            "plain",
            "a\"b",
            "\u{0}x\u{1b}",
            "tab\there",
            "日本語\n",
            "\\u0041",
        ] {
            let e = enc(s);
            assert_eq!(parse(&e).unwrap(), Value::Str(Cow::Borrowed(s)), "{e}");
        }
    }

    #[test]
    fn rejects_non_canonical() {
        for bad in [
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":1}"#,
            r#"{"a": 1}"#,
            r#" {"a":1}"#,
            r#"{"a":1} "#,
            r#"{"a":01}"#,
            r#"{"a":-0}"#,
            r#"{"a":1.0}"#,
            r#"{"a":1e3}"#,
            r#"{"a":9007199254740992}"#,
            r#"{"a":"\/"}"#,
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\u000A"}"#,
            r#"{"a":"\u000a"}"#,
            r#"{"é":1}"#,
            r#"{"a\n":1}"#,
            "{\"a\":\"\t\"}",
            r#"{"a":tru}"#,
            r#"[1,]"#,
            r#"[[[[[[[[[1]]]]]]]]]"#,
            "",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn accepts_canonical() {
        let v = parse(r#"{"a":[1,-2,true,false,null,"x"],"b":{},"c":9007199254740991}"#).unwrap();
        let Value::Obj(m) = v else { panic!() };
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].1, Value::Int(9007199254740991));
    }

    #[test]
    fn writer_sorted() {
        let mut s = String::new();
        ObjWriter::new(&mut s)
            .int("a", -5)
            .uint("b", 7)
            .bool("c", true)
            .str("d", "x")
            .end();
        assert_eq!(s, r#"{"a":-5,"b":7,"c":true,"d":"x"}"#);
        assert!(parse(&s).is_ok());
    }
}
