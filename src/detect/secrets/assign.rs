//! Values assigned to secret-looking names: passwords, generic high-entropy secrets, AWS secret
//! access keys, Twilio keys, `Authorization:` header credentials and `curl -u user:pass`.
//!
//! The detector is anchored on the secret word (`pass`, `pwd`, `secret`, `token`, `_key`, …),
//! widens it to the whole name (`spring.datasource.password`, `REACT_APP_AUTH_PASS`,
//! `clientSecret`), reads an assignment operator (`=`, `:`, `:=`, `=>`, `==`, XML `value=` and
//! `<password>…</password>`, CLI `--password x`, prose `password is 'x'`) and the value (quoted
//! or not, JSON-escaped quotes included). The value, without quotes, is the span; a backslash
//! escapes the next byte inside quotes, so `'a\'b'` is one value and `'a\\'` ends at its quote.
//!
//! **Name/value pairs.** When the name is itself the value of a `name`/`key` field, the secret is
//! in the `value` field that directly follows it (`pair_value`): Kubernetes `env` lists and
//! CloudFormation (`- name: DB_PASSWORD` with `value: …` on the next line at the same
//! indentation as `name`), Postman and HTTP header arrays and ECS task definitions
//! (`{"key": "X-Api-Key", "value": "…"}`, `{"name": "Authorization", "value": "Bearer …"}`) and
//! HCL (`{ name = "API_TOKEN", value = "…" }`). Only blanks, one comma, quotes and at most one
//! line break may stand between the two fields, so a `value` after another field is never paired;
//! `valueFrom:` is not a `value` field. The value gets the kind and the checks the name would give
//! it in `NAME=value`; unquoted values count only in YAML block mappings (after a comma or `=`
//! they are code), and YAML tags (`!Ref …`) never. XML `<add key="ApiSecret" value="…"/>` is the
//! `value=` operator above.
//!
//! **Punctuation-rich values.** A quoted value of 32+ random printable ASCII characters
//! (`random_printable_ok`: a symbol, at most one space per 8 bytes, entropy at least 0.8 ×
//! log2(min(len, 94)) bits per byte, no template or placeholder words) under a secret name is a
//! generic secret even where `<`, `>`, `{`, `%`, `\` or a space would make the ordinary generic
//! rule call it a template or a path: WordPress salts, Django secret keys. PHP
//! `define( '…KEY'|'…SALT', '…' )` names count as secret names for such values only
//! (`NONCE_SALT`, `LOGGED_IN_KEY`), and the lines after a `define` of a secret are read while they
//! are such `define`s too, since `LOGGED_IN_SALT` and `NONCE_SALT` hold no anchor. WordPress's
//! default `'put your unique phrase here'` is not reported.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::super::{
    escape_at, escape_letter, priority, Cx, Detect, Hit, Trigger, SCORE_STRONG, SCORE_WITH_CUE,
};
use super::tokens::has_vendor_prefix;
use super::{is_placeholder, run_end};
use crate::finding::Kind;
use crate::validate::looks_random;

/// Longest name examined around an anchor.
const MAX_NAME: usize = 64;
/// Longest value examined.
const MAX_VALUE: usize = 512;

pub(crate) struct Assigned;

/// Anchors. The engine runs a detector once per offset, with its lowest-index literal there,
/// so the longer spaced names come before `secret` / `api` words they start with.
/// Anchors for the shared literal automaton. All-lower-case keywords are also matched in upper
/// case and capitalized (`PASSWORD`, `Password`); the rest exactly. The list is sized for the
/// automaton's SIMD prefilter budget (see `scan::prefilter`): `Key` covers camelCase names
/// (`apiKey`, `accessKey`, `privateKey`, `Api-Key`), `_key`/`-key`/`-KEY` the snake and kebab
/// forms (`api_key`, `API_KEY`, `x-api-key`, `X-API-KEY`): the name is read both ways from the
/// anchor, so a name needs only one anchor inside it. Every pattern costs scan time in the
/// long-literal automaton (measured: 54 patterns 1.36 ms, 44 patterns 0.71 ms on 4 MiB of prose).
const ANCHORS: &[&str] = &[
    "api key",
    "API key",
    "secret key",
    "access key",
    "pass",
    "pwd",
    "secret",
    "token",
    "apikey",
    "_key",
    "-key",
    "-KEY",
    "Key",
    "credential",
    "auth",
    "--user ",
    "-u ",
    "identified by ",
];
/// Two-word names written with a space in prose: "my API key is …", "secret key: …".
const A_SPACED_NAMES: std::ops::RangeInclusive<usize> = 0..=3;
const A_CURL_USER: usize = 15;
const A_DASH_U: usize = 16;
const A_IDENTIFIED_BY: usize = 17;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Password,
    Generic,
    AwsSecret,
    Twilio,
    /// `Authorization`, `X-Api-Key` style header names: the value may start with a scheme.
    Header,
    /// A PHP `define('…_KEY'|'…_SALT', …)` name that [`classify`] does not know
    /// (`NONCE_SALT`, `LOGGED_IN_KEY`): only a random printable value counts.
    Salt,
    /// A name whose last word is `key` after a word that [`KEY_QUALIFIERS`] does not know
    /// (`ServiceBusKey`, `PAYLOAD_KEY`): only a long random value counts.
    Keyed,
}

#[inline]
fn name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

/// Splits a name into lower-case words at separators and camelCase humps.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b = name.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let hump = c.is_ascii_uppercase()
            && i > 0
            && (b[i - 1].is_ascii_lowercase()
                || (b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if hump && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase() as char);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that, after the secret word, make the name about something else (`password_hash`,
/// `token_url`, `secret_name`, `api_key_id`).
const AFTER_NEGATIVE: &[&str] = &[
    // Vault's `token_accessor`: a handle to look a token up, not the token.
    "accessor",
    "hash",
    "hashed",
    "digest",
    "length",
    "len",
    "size",
    "min",
    "max",
    "policy",
    "file",
    "path",
    "dir",
    "field",
    "label",
    "hint",
    "prompt",
    "placeholder",
    "regex",
    "pattern",
    "rule",
    "rules",
    "required",
    "reset",
    "url",
    "uri",
    "link",
    "expiry",
    "expires",
    "expiration",
    "expire",
    "age",
    "changed",
    "updated",
    "created",
    "at",
    "time",
    "date",
    "type",
    "input",
    "text",
    "name",
    "names",
    "id",
    "ids",
    "env",
    "var",
    "variable",
    "ref",
    "source",
    "command",
    "cmd",
    "template",
    "format",
    "mode",
    "enabled",
    "visible",
    "strength",
    "validator",
    "validation",
    "error",
    "message",
    "msg",
    "count",
    "attempts",
    "column",
    "header",
    "param",
    "parameter",
    "option",
    "flag",
    "prefix",
    "suffix",
    "generator",
    "manager",
    "store",
    "provider",
    "helper",
    "endpoint",
    "location",
    "version",
    "algorithm",
    "alg",
    "scope",
    "scopes",
    "kind",
    "style",
    "class",
    "mask",
    "chars",
    "charset",
    "encoding",
    "cache",
    "ttl",
    "lifetime",
    "duration",
    "timeout",
    "endpoint",
    "usage",
    "limit",
    "less",
    "form",
    "view",
    "page",
    "button",
    "box",
    "dialog",
    "modal",
    "screen",
    "route",
    "controller",
    "handler",
    "request",
    "response",
    "service",
    "module",
    "config",
    "settings",
    "test",
    "tests",
    "spec",
    "mock",
    "example",
    "sample",
    "fixture",
    "key",
    "salt",
    "rotation",
    "arn",
    "lookup",
    "selector",
    "index",
    "number",
    "map",
    "list",
    "set",
    "bytes",
    "bits",
    "pair",
    "store",
    "storage",
    "ring",
    "chain",
    "vault",
    "path",
    "filename",
    "location",
    "sha",
    "md5",
    "checksum",
    "fingerprint",
    "kid",
    "encryption",
    "encrypted",
    "method",
    "mechanism",
    "protocol",
    "authentication",
    "policies",
];

/// Words anywhere in the name that make it about something else.
const ANY_NEGATIVE: &[&str] = &[
    "csrf",
    "xsrf",
    "public",
    "pub",
    "publishable",
    "forgot",
    "show",
    "hide",
    "toggle",
    "max",
    "num",
    "tokens",
    "tokenizer",
    "next",
    "page",
    "pagination",
    "cursor",
    "continuation",
    "sync",
    "lexer",
    "parser",
    "hash",
    "hashed",
    "checksum",
    "sha",
    "sha1",
    "sha256",
    "md5",
    "integrity",
    "commit",
    "etag",
    "digest",
    "placeholder",
    "label",
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "test",
    "primary",
    "foreign",
    "partition",
    "sort",
    "cache",
    "idempotency",
    "unique",
    "lookup",
    "row",
    "object",
    "map",
    "bucket",
    "keyfile",
    "keytab",
    "author",
    "authors",
    "authority",
    "authenticated",
    "authentication",
    "authorized",
    "authorize",
    "authn",
    "authz",
    "monkey",
    "jsonwebtoken",
];

/// `X`+`key` pairs that name a secret.
const KEY_QUALIFIERS: &[&str] = &[
    // Azure's `secondaryKey` (`primary` names database keys and stays a negative word).
    "secondary",
    "deterministic",
    "aes",
    "cipher",
    "crypt",
    "dek",
    "kek",
    "api",
    "access",
    "private",
    "secret",
    "signing",
    "encryption",
    "master",
    "app",
    "account",
    "client",
    "auth",
    "consumer",
    "license",
    "shared",
    "session",
    "webhook",
    "hmac",
    "jwt",
    "encrypt",
    "decrypt",
    "enc",
    "sign",
    "subscription",
    "admin",
    "write",
    "read",
    "management",
    "service",
    "x",
    "developer",
    "dev",
    "prod",
    "live",
    "storage",
    "server",
    "ingest",
    "ingestion",
];

/// The shortest value under a [`Class::Keyed`] name: 128 bits of base64 or hex and more.
const KEYED_MIN: usize = 24;

/// Words of a secret's name that say which service it belongs to when that is not AWS: a
/// 40-character `jwtSecret` beside an AWS key id is still the JWT's.
const OTHER_SERVICES: &[&str] = &[
    "jwt",
    "client",
    "webhook",
    "session",
    "cookie",
    "signing",
    "oauth",
    "github",
    "gitlab",
    "slack",
    "stripe",
    "twilio",
    "sendgrid",
    "google",
    "azure",
    "app",
    "encryption",
    "hmac",
];

/// The name that ends at `ne` (name bytes, read back at most [`MAX_NAME`]) has a word of
/// [`OTHER_SERVICES`] and no `aws`.
fn names_other_service(b: &[u8], ne: usize) -> bool {
    let ne = ne.min(b.len());
    let mut ns = ne;
    while ns > 0 && ne - ns < MAX_NAME && name_byte(b[ns - 1]) {
        ns -= 1;
    }
    let Ok(name) = std::str::from_utf8(&b[ns..ne]) else {
        return false;
    };
    let w = words(name);
    !w.iter().any(|x| x == "aws") && w.iter().any(|x| OTHER_SERVICES.contains(&x.as_str()))
}

/// Classifies a name, or `None` when it does not name a secret.
fn classify(name: &str) -> Option<Class> {
    let w = words(name);
    if w.is_empty() || w.iter().any(|x| ANY_NEGATIVE.contains(&x.as_str())) {
        return None;
    }
    let squashed: String = w.concat();
    // Index of the secret word and its class.
    let mut found: Option<(usize, Class)> = None;
    for (i, x) in w.iter().enumerate() {
        let x = x.as_str();
        let class = if matches!(
            x,
            "password"
                | "passwd"
                | "pwd"
                | "pass"
                | "passphrase"
                | "passcode"
                | "pword"
                | "passwort"
                // French `mot_de_passe` (the `pass` anchor finds it).
                | "passe"
                // Redis: `requirepass`, `masterauth` (redis.conf, `--requirepass`).
                | "requirepass"
                | "masterauth"
        ) || x.ends_with("password")
            || x.ends_with("passwd")
            || x.ends_with("passphrase")
        {
            Some(Class::Password)
        } else if matches!(
            x,
            "secret"
                | "token"
                | "credential"
                | "credentials"
                | "creds"
                | "apikey"
                | "accesskey"
                | "secretkey"
                | "privatekey"
                | "authkey"
                | "authtoken"
                | "accesstoken"
                | "clientsecret"
                | "bearer"
                | "passkey"
                | "apitoken"
                | "apisecret"
        ) || x.ends_with("secret")
            || x.ends_with("token")
            || x.ends_with("apikey")
            || (x == "key" && i > 0 && KEY_QUALIFIERS.contains(&w[i - 1].as_str()))
        {
            Some(Class::Generic)
        } else if matches!(x, "authorization" | "auth") && i + 1 == w.len() {
            Some(Class::Header)
        } else {
            None
        };
        if let Some(c) = class {
            // Password words win over generic ones.
            if found.is_none_or(|(_, prev)| prev != Class::Password) {
                found = Some((i, c));
            }
        }
    }
    // `…Key` after a word that is not a known qualifier: a secret only when its value is
    // long and random (see `Class::Keyed`). Negative words (`primary`, `sort`, `cache`, …)
    // returned above.
    if found.is_none() && w.len() >= 2 && w.last().is_some_and(|x| x == "key") {
        return Some(Class::Keyed);
    }
    let (idx, mut class) = found?;
    if w[idx + 1..]
        .iter()
        .any(|x| AFTER_NEGATIVE.contains(&x.as_str()))
    {
        return None;
    }
    if class != Class::Password {
        if squashed.contains("twilio") {
            class = Class::Twilio;
        } else if squashed.contains("secretaccesskey")
            || (squashed.contains("aws") && squashed.contains("secret"))
        {
            class = Class::AwsSecret;
        }
    }
    Some(class)
}

/// Unquoted words that are prose or types, not values.
const STOPWORDS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "must",
    "should",
    "will",
    "can",
    "could",
    "would",
    "may",
    "the",
    "a",
    "an",
    "and",
    "or",
    "not",
    "for",
    "to",
    "of",
    "in",
    "on",
    "with",
    "by",
    "from",
    "as",
    "at",
    "it",
    "this",
    "that",
    "field",
    "fields",
    "reset",
    "expired",
    "incorrect",
    "invalid",
    "wrong",
    "missing",
    "changed",
    "updated",
    "saved",
    "ok",
    "yes",
    "no",
    "protected",
    "strong",
    "weak",
    "set",
    "please",
    "enter",
    "type",
    "click",
    "see",
    "below",
    "above",
    "here",
    "same",
    "different",
    "new",
    "old",
    "length",
    "characters",
    "chars",
    "policy",
    "manager",
    "only",
    "also",
    "too",
    "again",
    "if",
    "when",
    "then",
    "str",
    "string",
    "int",
    "bool",
    "bytes",
    "optional",
    "option",
    "any",
    "char",
    "text",
    "secretstr",
    "object",
    "nullable",
    "varchar",
    "self",
    "this",
    "used",
    "stored",
    "sent",
    "provided",
    "given",
    "supplied",
    "correct",
    "accepted",
    "rejected",
    "encrypted",
    "hashed",
    "plaintext",
    "cleartext",
    "generated",
    "rotated",
    "revoked",
    "leaked",
    "exposed",
    "compromised",
    "valid",
    "good",
    "bad",
    "fine",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "blank",
    "unknown",
    "auto",
    "random",
    "secure",
    "insecure",
    "file",
    "env",
    "environment",
    "vault",
    "redacted",
    "hidden",
    "masked",
    "omitted",
    "removed",
    "elided",
    "sensitive",
    "confidential",
    "files",
    "compat",
];

/// Reads the value after the operator at `i`. Returns `(start, end, quoted)`.
fn read_value(b: &[u8], mut i: usize) -> Option<(usize, usize, bool)> {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    // JSON-escaped quotes: \"value\"
    if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        let q = b[i + 1];
        let s = i + 2;
        let mut e = s;
        while e < b.len() && e - s <= MAX_VALUE {
            if b[e] == b'\\' && b.get(e + 1) == Some(&q) {
                return Some((s, e, true));
            }
            if b[e] == b'\n' {
                return None;
            }
            e += 1;
        }
        return None;
    }
    match b.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let s = i + 1;
            let mut e = s;
            while e < b.len() && e - s <= MAX_VALUE {
                match b[e] {
                    // A backslash escapes the next byte: `'a\'b'` is one value, and `'a\\'`
                    // ends at its quote.
                    b'\\' if b.get(e + 1) != Some(&b'\n') => e += 2,
                    c if c == q => return Some((s, e, true)),
                    b'\n' => return None,
                    _ => e += 1,
                }
            }
            None
        }
        Some(_) => {
            let s = i;
            let e = run_end(b, s, MAX_VALUE, |c| {
                c > b' ' && c != 0x7f && !matches!(c, b'"' | b'\'' | b'`' | b',' | b';' | b'<')
            });
            // An escaped newline or tab (`pw\nnext_key=…` in a JSON string read raw) ends it.
            let mut e = memchr::memchr_iter(b'\\', &b[s..e])
                .map(|k| s + k)
                .find(|&k| escape_at(b, k) && line_after_escape(b, k + 2))
                .unwrap_or(e);
            while e > s && matches!(b[e - 1], b')' | b']' | b'}' | b'.' | b'>' | b'?' | b':') {
                e -= 1;
            }
            (e > s).then_some((s, e, false))
        }
        None => None,
    }
}

/// After an escape's letter at `j - 1`, what follows reads as the next line of an escaped text
/// (another escape, a closing quote, the end, or a `name=`/`name:` pair), not as more of a
/// value that holds a backslash (`Kq8Z2m\txLp0Qw` in an env file).
fn line_after_escape(b: &[u8], j: usize) -> bool {
    match b.get(j) {
        None | Some(b'\\' | b'"' | b' ' | b'\n' | b'\r') => true,
        Some(_) => {
            let e = run_end(b, j, MAX_NAME, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
            });
            e > j && matches!(b.get(e), Some(b'=' | b':'))
        }
    }
}

/// The default of an environment lookup that starts at `s` (an unquoted value that ends at `e`):
/// `process.env.X || "…"` or `?? "…"`, `os.getenv("X", "…")`, `os.environ.get("X", "…")`,
/// `ENV.fetch("X", "…")`. Returns the literal's span.
fn env_fallback(b: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
    let blanks = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    // Past the closing quote of a value read by `read_value` that ends at `e`.
    let past_quote = |e: usize| if b[e] == b'\\' { e + 2 } else { e + 1 };
    let v = &b[s..e];
    if v.starts_with(b"process.env.") {
        let i = blanks(e);
        let op = b.get(i..i + 2)?;
        if op != b"||" && op != b"??" {
            return None;
        }
        let (fs, fe, quoted) = read_value(b, i + 2)?;
        return quoted.then_some((fs, fe));
    }
    let call = [&b"os.getenv("[..], b"os.environ.get(", b"ENV.fetch("]
        .into_iter()
        .find(|c| v.starts_with(c))?;
    let (_, ne, quoted) = read_value(b, s + call.len())?;
    if !quoted {
        return None;
    }
    let i = blanks(past_quote(ne));
    if b.get(i) != Some(&b',') {
        return None;
    }
    let (fs, fe, quoted) = read_value(b, i + 1)?;
    let close = blanks(past_quote(fe));
    (quoted && b.get(close) == Some(&b')')).then_some((fs, fe))
}

/// An unquoted value that is code: a call, a dotted path, a variable named like a secret.
fn is_expression(v: &str) -> bool {
    if v.contains('(') || v.contains('[') {
        return true;
    }
    let b = v.as_bytes();
    let ident = |s: &str| {
        let sb = s.as_bytes();
        !sb.is_empty()
            && (sb[0].is_ascii_alphabetic() || sb[0] == b'_')
            && sb.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    // Segments that each hold digits between two letters of one case, or two runs of digits
    // (`l5xpox.KMQI3A`, `w6zofr.OA62F1`), were drawn at random; names put digits at the end or
    // at a camelCase hump (`db2Pass`).
    let random_segment = |s: &str| {
        let sb = s.as_bytes();
        let digit_runs = sb
            .iter()
            .enumerate()
            .filter(|&(i, c)| c.is_ascii_digit() && (i == 0 || !sb[i - 1].is_ascii_digit()))
            .count();
        // Digits between two letters of one case: `q3w`, `K81P`.
        let inner = (1..sb.len()).any(|i| {
            let d = sb[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let (a, z) = (sb[i - 1], sb.get(i + d).copied().unwrap_or(0));
            d > 0
                && (a.is_ascii_lowercase() && z.is_ascii_lowercase()
                    || a.is_ascii_uppercase() && z.is_ascii_uppercase())
        });
        digit_runs >= 2 || inner
    };
    if v.contains('.')
        && v.split('.').all(ident)
        && !v.split('.').all(random_segment)
        && b.iter().any(u8::is_ascii_lowercase)
    {
        return true;
    }
    let low = v.to_ascii_lowercase();
    ident(v)
        && [
            "password", "passwd", "secret", "token", "_key", "apikey", "pwd", "_pass",
        ]
        .iter()
        .any(|w| low.contains(w))
}

fn char_classes(v: &str) -> (bool, bool, bool, bool) {
    let b = v.as_bytes();
    (
        b.iter().any(u8::is_ascii_lowercase),
        b.iter().any(u8::is_ascii_uppercase),
        b.iter().any(u8::is_ascii_digit),
        b.iter().any(|c| !c.is_ascii_alphanumeric()),
    )
}

/// A file path, URL, e-mail address or file name.
fn is_locator(v: &str) -> bool {
    let low = v.to_ascii_lowercase();
    low.contains("://")
        || low.starts_with('/')
        || low.starts_with("./")
        || low.starts_with("../")
        || low.starts_with("~/")
        || low.contains('\\')
        || low.starts_with("arn:")
        || (low.contains('@') && low.rsplit('@').next().is_some_and(|d| d.contains('.')))
        || [
            ".pem",
            ".key",
            ".json",
            ".txt",
            ".p12",
            ".pfx",
            ".crt",
            ".yaml",
            ".yml",
            ".env",
            ".cfg",
            ".conf",
            ".ini",
            ".js",
            ".py",
            ".jks",
            ".keystore",
            ".der",
            ".cer",
            ".gpg",
            ".asc",
            ".xml",
            ".toml",
            ".sh",
            ".html",
            ".com",
            ".org",
            ".net",
            ".io",
        ]
        .iter()
        .any(|x| low.ends_with(x))
}

/// A camelCase / PascalCase / snake_case identifier or a plain word sequence.
fn is_identifier_like(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.'))
}

/// A generic secret value: long, varied, random-looking, not a locator or identifier.
fn generic_value_ok(v: &str) -> bool {
    if v.len() < 12 || v.len() > MAX_VALUE || v.bytes().any(|c| c.is_ascii_whitespace()) {
        return false;
    }
    if is_locator(v) || is_identifier_like(v) || is_placeholder(v) {
        return false;
    }
    let (lo, up, dg, sym) = char_classes(v);
    // Version strings, dates, numbers.
    if !lo && !up {
        return false;
    }
    if v.bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_' | b':' | b'v' | b'V'))
    {
        return false;
    }
    // `jjwt-jackson-0.11.2`, `lib_1.2.3`: a name with a version.
    let last = v
        .rsplit(['-', '_', '@', ':', '/', 'v'])
        .next()
        .unwrap_or("");
    if last.contains('.') && last.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return false;
    }
    let classes = [lo, up, dg, sym].iter().filter(|x| **x).count();
    if classes < 2 {
        return false;
    }
    if !dg && v.len() < 24 {
        return false;
    }
    looks_random(v, 12, 3.0)
}

/// Words that make a long printable value a template rather than a secret: WordPress ships
/// `'put your unique phrase here'` in every `wp-config-sample.php` salt.
const PRINTABLE_PLACEHOLDERS: &[&str] = &[
    "unique phrase",
    "put your",
    "your_",
    "your-",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "redacted",
    "dummy",
    "xxxx",
    "****",
    "----",
    "://",
];

/// A quoted value of random printable ASCII, punctuation included: WordPress salts (64
/// characters from letters, digits and ``!@#$%^&*()-_ []{}<>~`+=,.;:/?|``), Django secret keys.
/// [`generic_value_ok`] turns many of them down, since `<`, `>`, `{}`, `%s`, `\`, `@` before a
/// dot or a space mark templates, paths and addresses in ordinary values; here length and
/// entropy decide. 32+ bytes, a symbol and two of lower/upper/digit, at most one space per 8
/// bytes (the WordPress alphabet has one; prose has many), and Shannon entropy of at least
/// 0.8 x log2(min(len, 94)) bits per byte: random strings of this alphabet measure about 0.85 x
/// that bound or more (32 bytes: 4.3 of 5.0 bits), English sentences with punctuation
/// 0.72-0.77. A unit test checks the rate on simulated salts.
fn random_printable_ok(v: &str) -> bool {
    let b = v.as_bytes();
    let n = b.len();
    if !(32..=MAX_VALUE).contains(&n) || !b.iter().all(|c| (b' '..=b'~').contains(c)) {
        return false;
    }
    let spaces = b.iter().filter(|c| **c == b' ').count();
    if spaces * 8 > n {
        return false;
    }
    let (lo, up, dg, sym) = char_classes(v);
    if !sym || [lo, up, dg].iter().filter(|x| **x).count() < 2 {
        return false;
    }
    let low = v.to_ascii_lowercase();
    if PRINTABLE_PLACEHOLDERS.iter().any(|p| low.contains(p)) || has_template(v) {
        return false;
    }
    let bound = (n.min(94) as f64).log2();
    looks_random(v, 32, 0.8 * bound)
}

/// Template syntax with both of its ends (`{{ … }}`, `{% … %}`, `<%= … %>`, `${NAME}`,
/// `%(name)s`). One opening pair alone turns up by chance in about one random salt in 130, so
/// the closing end is required too.
fn has_template(v: &str) -> bool {
    let closed = |open: &str, close: &str| {
        v.find(open)
            .is_some_and(|i| v[i + open.len()..].contains(close))
    };
    let ident_then = |open: &str, close: u8| {
        v.match_indices(open).any(|(i, _)| {
            let rest = &v.as_bytes()[i + open.len()..];
            let n = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
                .count();
            n > 0 && rest.get(n) == Some(&close)
        })
    };
    closed("{{", "}}")
        || closed("{%", "%}")
        || closed("<%", "%>")
        || ident_then("${", b'}')
        || ident_then("%(", b')')
}

/// After `NAME:`, a type annotation and its `=` (`const KEY: &str = "…"`, `let key: String =`,
/// `const key: string =`): where the value starts. Otherwise `at` itself.
fn typed_value_start(b: &[u8], at: usize) -> usize {
    let skip = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let mut i = skip(at);
    let rest = b.get(i..).unwrap_or_default();
    let ty = [
        &b"&'static str"[..],
        b"&str",
        b"String",
        b"string",
        b"str",
        b"&[u8]",
    ]
    .into_iter()
    .find(|t| rest.starts_with(t));
    let Some(ty) = ty else {
        return at;
    };
    i = skip(i + ty.len());
    if b.get(i) != Some(&b'=') || b.get(i + 1) == Some(&b'=') {
        return at;
    }
    skip_byte_slice(b, i + 1)
}

/// After `=`, Go's `[]byte("…")` conversion: where the string starts. Otherwise `at`.
fn skip_byte_slice(b: &[u8], at: usize) -> usize {
    let mut i = at;
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if b.get(i..).is_some_and(|r| r.starts_with(b"[]byte(")) {
        i + 7
    } else {
        at
    }
}

/// A password value: at least 4 characters, not a placeholder, not prose.
fn password_value_ok(v: &str, quoted: bool, line_start: bool, strict: bool) -> bool {
    if v.len() < 4 || v.len() > 128 || is_placeholder(v) {
        return false;
    }
    // `PWD=/home/user`: a working directory, a path, a URL.
    if v.starts_with('/') || v.starts_with("~/") || v.contains("://") || v.starts_with("C:\\") {
        return false;
    }
    // A password hash (htpasswd's `user:$apr1$…`, crypt's `$6$…`, bcrypt, argon2, LDAP's
    // `{SSHA}…`) is no password.
    if [
        "$apr1$", "$2a$", "$2b$", "$2y$", "$argon2", "$6$", "$5$", "$1$", "{SSHA}", "{SHA}",
    ]
    .iter()
    .any(|h| v.contains(h))
    {
        return false;
    }
    let low = v.to_ascii_lowercase();
    // A `+` at either end is a concatenation (`password + "…"`), unless the value is quoted
    // and holds no space or parenthesis (`"+gFbcgZI_Y7Ez"`, not `"+new Buffer("`).
    let plus_end = v.starts_with('+') || v.ends_with('+');
    if STOPWORDS.contains(&low.as_str()) || plus_end && (!quoted || v.contains([' ', '(', ')'])) {
        return false;
    }
    let (_, _, dg, sym) = char_classes(v);
    // `#add-password`, `forgot_password`, `CleartextPassword1`: names, not passwords.
    if (low.contains("password") || low.contains("passwd")) && !(dg && sym) {
        return false;
    }
    if !quoted {
        if is_expression(v) || is_locator(v) {
            return false;
        }
        let (lo, up, dg, sym) = char_classes(v);
        let plain_word = !(dg || sym || lo && up);
        if plain_word && (strict || !line_start) {
            return false;
        }
        // In prose ("my password is …") an unquoted value needs a digit to be believed.
        if strict && !(dg && (lo || up)) {
            return false;
        }
    } else if v.contains(' ')
        && v.split(' ')
            .next()
            .is_some_and(|w| STOPWORDS.contains(&w.to_ascii_lowercase().as_str()))
    {
        // `'is required'`, `'must be set'`: a message.
        return false;
    } else if v.bytes().filter(|c| *c == b' ').count() > 2 && !app_password(v) {
        // A sentence in quotes is a message, not a password.
        return false;
    }
    true
}

/// A Google app password as shown to users: four groups of four lower-case letters.
/// A cell under a password or secret column of a table: a value that would be a quoted password,
/// at least six bytes, neither an expression, a locator, a sentence nor a vendor token (the
/// vendor detector reports those as their kind).
pub(crate) fn table_secret_ok(v: &str) -> bool {
    v.len() >= 6
        && !v.contains(' ')
        && password_value_ok(v, true, true, false)
        && !is_expression(v)
        && !is_locator(v)
        && !super::tokens::has_vendor_prefix(v)
}

fn app_password(v: &str) -> bool {
    let groups: Vec<&str> = v.split(' ').collect();
    groups.len() == 4
        && groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_lowercase()))
}

fn aws_secret_ok(v: &str) -> bool {
    v.len() == 40
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'/' || c == b'+')
        && !v.to_ascii_lowercase().contains("example")
        && looks_random(v, 40, 3.5)
}

/// 88 base64 characters ending in `==`: the encoding of 64 random bytes.
fn azure_account_key_ok(v: &str) -> bool {
    v.len() == 88
        && v.ends_with("==")
        && v[..86]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'/' || c == b'+')
        && looks_random(&v[..86], 80, 4.0)
}

fn twilio_ok(v: &str) -> bool {
    let hex32 = |s: &str| s.len() == 32 && s.bytes().all(|c| c.is_ascii_hexdigit());
    (v.starts_with("SK") && hex32(&v[2..]) || hex32(v)) && looks_random(v, 32, 3.0)
}

/// Lines of a `.pgpass` file read after its name.
const PGPASS_LINES: usize = 32;

/// A `.pgpass` entry, `host:port:database:user:password` (`\:` escapes a colon, `*` matches
/// anything): the password's span within `line`, which starts at `at`.
fn pgpass_entry(line: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut fields = [0usize; 5];
    let mut n = 1;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 1,
            b':' if n < 5 => {
                fields[n] = i + 1;
                n += 1;
            }
            b' ' | b'\t' if n < 5 => return None,
            _ => {}
        }
        i += 1;
    }
    if n < 5 {
        return None;
    }
    // Every field start after the first follows its `:`, so `f - 1` cannot underflow.
    let field = |k: usize| &line[fields[k]..fields.get(k + 1).map_or(line.len(), |&f| f - 1)];
    let port = field(1);
    let port_ok =
        port == b"*" || (1..=5).contains(&port.len()) && port.iter().all(u8::is_ascii_digit);
    let pw_end = line.len()
        - line
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    if !port_ok || (0..4).any(|k| field(k).is_empty()) || pw_end <= fields[4] {
        return None;
    }
    Some((at + fields[4], at + pw_end))
}

impl Assigned {
    /// `~/.pgpass` (or `PGPASSFILE`'s file) shown with its entries: the password of each
    /// `host:port:database:user:password` line that follows, past `#` comments, until the first
    /// line that is not an entry.
    fn pgpass(&self, cx: &mut Cx<'_>, ne: usize) -> usize {
        let b = cx.bytes;
        let Some(nl) = memchr::memchr(b'\n', &b[ne..]) else {
            return ne;
        };
        let mut at = ne + nl + 1;
        let mut resume = ne;
        for _ in 0..PGPASS_LINES {
            let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |k| at + k);
            let line = &b[at..end];
            if line.first() != Some(&b'#') {
                let Some((s, e)) = pgpass_entry(line, at) else {
                    break;
                };
                resume = self.finish(cx, Class::Password, s, e, false, true, false, resume);
            }
            if end >= b.len() {
                break;
            }
            at = end + 1;
        }
        resume
    }
    /// `curl -u user:pass`, `--user 'user:pass'`: the password after the first colon.
    fn user_pass(&self, cx: &mut Cx<'_>, hit: &Hit, dash_u: bool) -> usize {
        let b = cx.bytes;
        if hit.start > 0 && !matches!(b[hit.start - 1], b' ' | b'\t') {
            return hit.end;
        }
        let lo = cx.floor(hit.start.saturating_sub(256));
        // The command line, including lines continued with a trailing backslash.
        let before = &cx.text[lo..hit.start];
        let mut line_start = before.len();
        let mut rest = before;
        while let Some(nl) = rest.rfind('\n') {
            line_start = nl + 1;
            let prev = rest[..nl].trim_end_matches('\r');
            if prev.ends_with('\\') {
                rest = prev;
                line_start = 0;
            } else {
                break;
            }
        }
        if !before.contains('\n') {
            line_start = 0;
        }
        let line = &before[line_start.min(before.len())..];
        let login_cmd = LOGIN_COMMANDS.iter().any(|c| line.contains(c));
        // `-u` is common (`git push -u`): only on a curl line or a login command.
        if dash_u && !line.contains("curl") && !login_cmd {
            return hit.end;
        }
        let Some((s, e, _)) = read_value(b, hit.end) else {
            return hit.end;
        };
        let Some(v) = cx.text.get(s..e) else {
            return hit.end;
        };
        let Some(colon) = v.find(':') else {
            // `--user kevin:'pass'`: the password is quoted on its own.
            if b.get(e) == Some(&b':') && matches!(b.get(e + 1), Some(b'\'' | b'"')) {
                if let Some((ps, pe, _)) = read_value(b, e + 1) {
                    let p = cx.text.get(ps..pe).unwrap_or("");
                    if p.len() >= 6 && !is_placeholder(p) && !is_expression(p) && !v.contains('$') {
                        cx.emit(
                            Kind::PASSWORD,
                            ps,
                            pe,
                            SCORE_WITH_CUE,
                            priority::ASSIGNED_SECRET,
                        );
                    }
                    return pe.max(e);
                }
            }
            if dash_u && login_cmd {
                return self.dash_p(cx, e);
            }
            return e;
        };
        let (user, pass) = (&v[..colon], &v[colon + 1..]);
        if pass.is_empty() || user.contains('$') || is_placeholder(user) && user.len() > 1 {
            return e;
        }
        if pass.len() >= 6
            && !is_placeholder(pass)
            && !is_expression(pass)
            && !STOPWORDS.contains(&pass)
        {
            cx.emit(
                Kind::PASSWORD,
                s + colon + 1,
                e,
                SCORE_WITH_CUE,
                priority::ASSIGNED_SECRET,
            );
        }
        e
    }

    /// `mysql -u root -pS3cret`, `docker login -u alice -p S3cret`: the `-p` value on the same
    /// line, within 128 bytes after the user.
    fn dash_p(&self, cx: &mut Cx<'_>, from: usize) -> usize {
        let b = cx.bytes;
        let hi = cx.floor(from.saturating_add(128));
        let Some(window) = cx.text.get(from..hi) else {
            return from;
        };
        let window = window.split('\n').next().unwrap_or("");
        let Some(rel) = window.find(" -p") else {
            return from;
        };
        let mut i = from + rel + 3;
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
        let Some((s, e, _)) = read_value(b, i) else {
            return from;
        };
        let v = cx.text.get(s..e).unwrap_or("");
        let port_like = v
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b':' || c == b'/' || c == b'.');
        if v.len() >= 4
            && !port_like
            && !v.starts_with('-')
            && !is_placeholder(v)
            && !is_expression(v)
            && !STOPWORDS.contains(&v)
        {
            cx.emit(
                Kind::PASSWORD,
                s,
                e,
                SCORE_WITH_CUE,
                priority::ASSIGNED_SECRET,
            );
        }
        e
    }
}

/// An unquoted value that is source code rather than a literal: a path expression
/// (`crate::Foo`), a reference or pointer type (`&self.x`, `*const u8`), a hex literal, or a
/// value followed by `,` `;` `=` `{` (struct fields, enum constants, type annotations). Strings
/// in code are quoted; unquoted secrets live in `.env`, YAML, INI and shell lines.
fn unquoted_code(b: &[u8], v: &str, e: usize) -> bool {
    if v.contains("::")
        || v.contains("->")
        || v.starts_with('&')
        || v.starts_with('*')
        || (v.starts_with("0x") && v.len() > 2 && v[2..].bytes().all(|c| c.is_ascii_hexdigit()))
    {
        return true;
    }
    let mut j = e;
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    matches!(b.get(j), Some(b',' | b';' | b'=' | b'{'))
}

/// Constructors and helpers whose first two arguments are a user name and a password.
const CREDENTIAL_CALLS: &[&str] = &[
    "NetworkCredential",
    "UsernamePasswordCredentials",
    "PasswordAuthentication",
    "HTTPBasicAuth",
    "HTTPDigestAuth",
    "BasicAuth",
];

/// `new NetworkCredential("user", "pw")`, `HTTPBasicAuth('user', 'pw')`: when the name `ns..ne`
/// (followed by `(`) ends with a [`CREDENTIAL_CALLS`] name and both arguments are string
/// literals, the password's span.
fn credential_call(text: &str, ns: usize, ne: usize) -> Option<(usize, usize)> {
    let name = text.get(ns..ne)?;
    if !CREDENTIAL_CALLS.iter().any(|c| {
        name.strip_suffix(c)
            .is_some_and(|p| p.is_empty() || p.ends_with('.'))
    }) {
        return None;
    }
    user_pass_args(text.as_bytes(), ne + 1)
}

/// From just past a `(`: two string literals, a user name and a password; the password's span.
fn user_pass_args(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let (_, user_end, user_quoted) = read_value(b, at)?;
    let mut i = user_end + 1;
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if !user_quoted || b.get(i) != Some(&b',') {
        return None;
    }
    match read_value(b, i + 1)? {
        (s, e, true) => Some((s, e)),
        _ => None,
    }
}

/// The name `ns..ne` starts a line of a listing in columns, `NAME   VALUE` (`vault kv get`'s
/// `Key  Value` table, CI variables, aligned `env` output): one token of value after two
/// spaces or more, or after one space when a neighbouring line's value starts in the same
/// column (the longest name of a listing leaves one), and then the line's end or two spaces
/// and another column.
/// The longest line of a name/value listing that [`aligned_pair`] reads.
const LISTING_LINE_MAX: usize = 512;

fn aligned_pair(b: &[u8], ns: usize, ne: usize) -> bool {
    // Only blanks before the name on its line (walked back over those alone: a long line of
    // names is not re-read from its start for each).
    let mut ls = ns;
    while ls > 0 && matches!(b[ls - 1], b' ' | b'\t') {
        ls -= 1;
    }
    if ls > 0 && b[ls - 1] != b'\n' {
        return false;
    }
    // The second column of the line that starts at `ls`: where it starts, the gap before
    // it, and whether the value ends there. Lines longer than `LISTING_LINE_MAX` are no
    // listing's.
    let column = |ls: usize| -> Option<(usize, usize)> {
        let hi = b.len().min(ls + LISTING_LINE_MAX);
        let le = b[ls..hi]
            .iter()
            .position(|c| *c == b'\n')
            .map_or(hi, |p| ls + p);
        if le == hi && hi < b.len() {
            return None;
        }
        let line = &b[ls..le];
        let t = line.iter().position(|c| !matches!(c, b' ' | b'\t'))?;
        let te = t + line[t..].iter().position(|c| matches!(c, b' ' | b'\t'))?;
        let gap = line[te..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        let vs = te + gap;
        let ve = vs
            + line[vs..]
                .iter()
                .take_while(|c| !c.is_ascii_whitespace())
                .count();
        let after = &line[ve..];
        let ends = after.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'))
            || after.starts_with(b"  ")
            || after.starts_with(b"\t");
        (ve > vs && ends).then_some((vs, gap))
    };
    let Some((vs, gap)) = column(ls) else {
        return false;
    };
    if ls + vs - gap != ne {
        return false;
    }
    if gap >= 2 || b.get(ne) == Some(&b'\t') {
        return true;
    }
    // One space: a neighbouring line's value in the same column.
    let prev = (ls > 0)
        .then(|| {
            let lo = (ls - 1).saturating_sub(LISTING_LINE_MAX);
            match b[lo..ls - 1].iter().rposition(|c| *c == b'\n') {
                Some(p) => Some(lo + p + 1),
                None => (lo == 0).then_some(0),
            }
        })
        .flatten();
    let hi = b.len().min(ls + LISTING_LINE_MAX);
    let next = b[ls..hi]
        .iter()
        .position(|c| *c == b'\n')
        .map(|p| ls + p + 1);
    [prev, next]
        .into_iter()
        .flatten()
        .any(|l| column(l).is_some_and(|(v, _)| v == vs))
}

/// A Cisco IOS password of type 0 (clear text) follows at `at`: `0 ` there, on a line that
/// starts with `username` or `enable` (`enable secret 0 …`, `username x password 0 …`).
fn cisco_cleartext(b: &[u8], ns: usize, at: usize) -> bool {
    if b.get(at..at + 2) != Some(b"0 ") {
        return false;
    }
    let ls = b[..ns]
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1);
    let line = b[ls..ns].trim_ascii_start();
    line.starts_with(b"username ") || line.starts_with(b"enable ")
}

/// Prepositions that start a qualifier between a secret's name and its value in prose ("the
/// password *for the test server* is …"), in English, German, French, Spanish, Italian,
/// Portuguese, Dutch, Polish and Swedish.
const QUALIFIER_START: &[&str] = &[
    "for", "to", "of", "on", "at", "für", "fuer", "zum", "zur", "vom", "du", "de", "des", "pour",
    "del", "para", "per", "voor", "van", "do", "da", "dla", "till", "för", "di", "dell", "della",
    "dello", "nell", "all",
];

/// Words that join a qualified name to its value: "… is", "… lautet", "… est".
const COPULAS: &[&str] = &[
    "is", "was", "ist", "lautet", "war", "est", "es", "era", "è", "é", "jest", "är",
];

/// Longest word of a qualifier.
const QUALIFIER_WORD: usize = 32;

/// Where the value starts after a qualifier at `i` (the first byte after the name's blanks):
/// a preposition, one to four more words on the same line, then a copula or a colon ("for the
/// test server is …", "für den Testserver lautet …", "du portail : …", "for jane@corp.example:
/// …"). `None` for anything else; reads at most six words.
fn qualified_prose(b: &[u8], mut i: usize) -> Option<usize> {
    // Quotes and backticks may wrap a word ("for `ops`:"); an apostrophe elides a preposition
    // (Italian "dell'account").
    let word_byte = |c: u8| {
        c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'_' | b'.' | b'@' | b'`' | b'\'' | b'"')
            || c >= 0x80
    };
    // Most words after a name start no preposition: one byte decides.
    if !matches!(
        b.get(i).map(u8::to_ascii_lowercase),
        Some(b'f' | b't' | b'o' | b'a' | b'z' | b'v' | b'd' | b'p' | b'n')
    ) {
        return None;
    }
    for n in 0..6 {
        let ws = i;
        i = run_end(b, i, QUALIFIER_WORD, word_byte);
        if i == ws || i - ws > QUALIFIER_WORD || b[i - 1] == b'.' {
            return None;
        }
        let mut w = &b[ws..i];
        if n == 0 {
            // An elided preposition is the part before the apostrophe.
            if let Some(a) = w.iter().position(|c| *c == b'\'') {
                w = &w[..a];
            }
            // Prepositions are two to five bytes long.
            if w.len() > 5 {
                return None;
            }
        }
        let known = |list: &[&str]| list.iter().any(|x| x.as_bytes().eq_ignore_ascii_case(w));
        if n == 0 && !known(QUALIFIER_START) {
            return None;
        }
        let blanks = i;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let copula = n >= 2 && known(COPULAS);
        if copula || n >= 1 && b.get(i) == Some(&b':') {
            if !copula || b.get(i) == Some(&b':') {
                i += 1;
            }
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            return Some(i);
        }
        if i == blanks {
            return None;
        }
    }
    None
}

/// A payment platform's object id (Stripe's `tok_…`, `pm_…`, `cus_…`, `ch_…`): a reference to a
/// tokenized card, a customer or a charge, which only the platform's secret key can use, and
/// which logs print by design. Not a PaymentIntent's client secret (`pi_…_secret_…`).
fn payment_object_id(v: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "tok_", "pm_", "pi_", "ch_", "cus_", "card_", "src_", "seti_", "txn_", "evt_", "req_",
        "re_", "py_", "po_", "tr_", "sub_", "in_", "prod_", "price_",
    ];
    PREFIXES.iter().any(|p| {
        v.strip_prefix(p)
            .is_some_and(|id| id.len() >= 8 && id.bytes().all(|c| c.is_ascii_alphanumeric()))
    })
}

/// A name that says "password" in full (`password`, `db_passwd`, `Passwort`, `passphrase`), not
/// one that merely starts with `pass` (`pass`, `passport`, `bypass`): only those read a value
/// in prose.
fn password_name(name: &str) -> bool {
    words(name).iter().any(|w| {
        w.ends_with("password")
            || w.ends_with("passwd")
            || w.ends_with("passwort")
            || w == "passphrase"
            || w == "passcode"
            || w == "passe"
            || w == "kennwort"
    })
}

/// redis.conf's password directives, written `requirepass <secret>`.
fn redis_directive(name: &str) -> bool {
    name.eq_ignore_ascii_case("requirepass") || name.eq_ignore_ascii_case("masterauth")
}

/// After a quoted flag and its `,`: a quoted string that is not another flag (`"--password",
/// "…"` in an argument vector, not `"--password", "--verbose"`).
fn argv_value(b: &[u8], mut i: usize) -> bool {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    matches!(b.get(i), Some(b'"' | b'\'')) && b.get(i + 1) != Some(&b'-')
}

/// The quote at `q` opens the first argument of a call: `(` before it.
fn call_arg(b: &[u8], q: usize) -> bool {
    let mut j = q;
    while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    j > 0 && b[j - 1] == b'('
}

/// A line whose values follow their names after a space: `.netrc`
/// (`machine <host> login <user> password <secret>`) and `aws configure set <name> <value>`.
fn spaced_value_line(text: &str, ns: usize) -> bool {
    let lo = floor_boundary(text, ns.saturating_sub(120));
    let line = text.get(lo..ns).unwrap_or("");
    // `.netrc` entries span one line or several (`machine`, `login`, `password` lines).
    let netrc = line.contains("machine ") && line.contains("login ");
    let line = line.rsplit('\n').next().unwrap_or(line);
    netrc
        || (line.trim_start().starts_with("login ") && line.contains("login "))
        || line.trim_end().ends_with("configure set")
}

fn floor_boundary(text: &str, i: usize) -> usize {
    crate::detect::floor_char_boundary(text, i)
}

/// `define( 'NONCE_SALT', …`: a quoted upper-case PHP constant name ending in `KEY` or `SALT`,
/// first argument of `define`. WordPress keeps its eight authentication keys and salts so.
fn php_define_salt(b: &[u8], ns: usize, name: &str) -> Option<Class> {
    let upper = name
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    if !upper || !(name.ends_with("KEY") || name.ends_with("SALT")) {
        return None;
    }
    php_define_arg(b, ns).then_some(Class::Salt)
}

/// The name at `ns` is quoted and is the first argument of a PHP `define(`.
fn php_define_arg(b: &[u8], ns: usize) -> bool {
    if ns == 0 || !matches!(b[ns - 1], b'\'' | b'"') {
        return false;
    }
    let mut j = ns - 1;
    while j > 0 && ns - j < 8 && matches!(b[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    b.get(j.saturating_sub(7)..j)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"define("))
        && (j < 8 || !name_byte(b[j - 8]))
}

/// Longest gap, in bytes, between a pair's name and its `value` field.
const MAX_PAIR_GAP: usize = 128;

/// The value of a name/value pair whose name field holds the secret's name:
///
/// - Kubernetes `env` lists and CloudFormation: `- name: DB_PASSWORD` with `value: …` on the
///   next line, at the same indentation as `name`;
/// - JSON (Postman headers, ECS task definitions): `{"key": "X-Api-Key", "value": "…"}`, the
///   `value` field right after the name field (a comma, whitespace and at most one line break
///   between; across a line break, at the name field's column);
/// - HCL: `{ name = "API_TOKEN", value = "…" }`.
///
/// `ns..ne` is the secret's name. Returns `(value start, value end, quoted)`, or `None` when the
/// text around the name is not such a pair. Reads at most [`MAX_PAIR_GAP`] bytes past the name
/// and a few before it. `valueFrom:` (a Kubernetes secret reference) is not a `value` field.
fn pair_value(text: &str, ns: usize, ne: usize) -> Option<(usize, usize, bool)> {
    let b = text.as_bytes();
    let skip_back = |mut k: usize| {
        let lo = k.saturating_sub(8);
        while k > lo && matches!(b[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        k
    };
    let skip_fwd = |mut k: usize| {
        while k < ne + MAX_PAIR_GAP && matches!(b.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        k
    };
    // Backwards from the name: [quote] [blanks] `:`|`=` [blanks] [quote] `name`|`key` [quote].
    let mut k = ns;
    let name_quote = (k > 0 && matches!(b[k - 1], b'"' | b'\'')).then(|| {
        k -= 1;
        b[k]
    });
    k = skip_back(k);
    let op = *b.get(k.checked_sub(1)?)?;
    // HCL names are strings; an unquoted `key = api_key` is code.
    if !(op == b':' || op == b'=' && name_quote.is_some()) {
        return None;
    }
    k = skip_back(k - 1);
    let key_quote = (k > 0 && matches!(b[k - 1], b'"' | b'\'')).then(|| {
        k -= 1;
        b[k]
    });
    let word = ["name", "Name", "key", "Key"]
        .into_iter()
        .find(|w| k >= w.len() && &b[k - w.len()..k] == w.as_bytes())?;
    let mut ks = k - word.len();
    if let Some(q) = key_quote {
        if ks == 0 || b[ks - 1] != q {
            return None;
        }
        ks -= 1;
    }
    if ks > 0 && (name_byte(b[ks - 1]) || matches!(b[ks - 1], b'"' | b'\'')) {
        return None;
    }
    // The name field's column, when its line starts within the look-back.
    let lo = ks.saturating_sub(MAX_PAIR_GAP);
    let col = match b[lo..ks].iter().rposition(|&c| c == b'\n') {
        Some(p) => Some(ks - (lo + p + 1)),
        None if lo == 0 => Some(ks),
        None => None,
    };
    // Forwards: [quote] [blanks] [`,`] [blanks] [line break + the same indentation].
    let mut i = ne;
    if let Some(q) = name_quote {
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    i = skip_fwd(i);
    let comma = b.get(i) == Some(&b',');
    if comma {
        i = skip_fwd(i + 1);
    }
    if b.get(i) == Some(&b'\r') {
        i += 1;
    }
    let newline = b.get(i) == Some(&b'\n');
    if newline {
        let ls = i + 1;
        i = skip_fwd(ls);
        if Some(i - ls) != col {
            return None;
        }
    }
    if !(comma || newline) || i >= ne + MAX_PAIR_GAP {
        return None;
    }
    // `value` / `Value`, quoted as the name field's key is, then the same operator.
    if let Some(q) = key_quote {
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    if !b.get(i..i + 5)?.eq_ignore_ascii_case(b"value") {
        return None;
    }
    i += 5;
    if let Some(q) = key_quote {
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    i = skip_fwd(i);
    if b.get(i) != Some(&op) {
        return None;
    }
    let (s, e, quoted) = read_value(b, i + 1)?;
    // Unquoted values only in YAML block mappings (no comma, `:` on the next line): after a
    // comma or `=` they are code (`{ name: 'password', value: userPass }`, HCL
    // `value = var.db_password`). YAML tags (`!Ref DbPassword`, `!Sub …`) are CloudFormation
    // expressions.
    if !quoted
        && (comma
            || op != b':'
            || b[s] == b'!'
            || unquoted_code(b, text.get(s..e).unwrap_or(""), e))
    {
        return None;
    }
    Some((s, e, quoted))
}

/// `PASSWORD` as an SQL keyword: upper case, or lower case after `with`.
fn sql_password_keyword(text: &str, ns: usize, ne: usize) -> bool {
    let name = text.get(ns..ne).unwrap_or("");
    if name == "PASSWORD" {
        return true;
    }
    let before = text.get(ns.saturating_sub(5)..ns).unwrap_or("");
    name.eq_ignore_ascii_case("password") && before.eq_ignore_ascii_case("with ")
}

/// Commands whose `-u user -p password` pair is a credential.
const LOGIN_COMMANDS: &[&str] = &[
    "mysql",
    "mariadb",
    "docker login",
    "podman login",
    "helm registry login",
    "psexec",
    "PsExec",
    "PSEXEC",
    "sqlcmd",
    "mongo",
];

impl Detect for Assigned {
    fn id(&self) -> &'static str {
        "assigned_secret"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![
            Kind::PASSWORD,
            Kind::GENERIC_SECRET,
            Kind::AWS_SECRET_ACCESS_KEY,
            Kind::TWILIO_API_KEY,
            Kind::AZURE_STORAGE_KEY,
        ]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(
            ANCHORS.iter().map(|s| s.to_string()).collect(),
        )]
    }

    fn max_len(&self) -> usize {
        MAX_VALUE
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        match hit.literal {
            A_CURL_USER => return self.user_pass(cx, hit, false),
            A_DASH_U => return self.user_pass(cx, hit, true),
            A_IDENTIFIED_BY => {
                // MySQL `CREATE USER … IDENTIFIED BY 'pw'`.
                let b = cx.bytes;
                if !matches!(b.get(hit.end), Some(b'\'' | b'"')) {
                    return hit.end;
                }
                let Some((s, e, _)) = read_value(b, hit.end) else {
                    return hit.end;
                };
                return self.finish(cx, Class::Password, s, e, true, true, false, hit.end);
            }
            _ => {}
        }
        let b = cx.bytes;
        // The whole name around the anchor.
        let spaced_name = A_SPACED_NAMES.contains(&hit.literal);
        let mut ns = hit.start;
        while !spaced_name && ns > 0 && hit.start - ns < MAX_NAME && name_byte(b[ns - 1]) {
            ns -= 1;
        }
        // `\npassword = …` in a JSON string read raw: the escape's letter is no part of the name.
        if ns < hit.start && escape_letter(b, ns) {
            ns += 1;
        }
        let ne = if spaced_name {
            hit.end
        } else {
            run_end(b, hit.end, MAX_NAME, name_byte)
        };
        if ne - hit.end > MAX_NAME || hit.start - ns >= MAX_NAME {
            return ne;
        }
        if spaced_name && (cx.word_at(ne) || (ns > 0 && cx.word_at(ns - 1))) {
            return ne;
        }
        if !spaced_name && b.get(ne) == Some(&b'(') {
            if let Some((s, e)) = credential_call(cx.text, ns, ne) {
                return self.finish(cx, Class::Password, s, e, true, true, false, ne);
            }
        }
        // `- name: DB_PASSWORD` / `value: …`, `{"key": "X-Api-Key", "value": "…"}`.
        if !spaced_name {
            if let Some((s, e, quoted)) = pair_value(cx.text, ns, ne) {
                let name = cx.text.get(ns..ne).unwrap_or("");
                let Some(class) = classify(name.trim_matches(['-', '.'])) else {
                    return ne;
                };
                return self.finish(cx, class, s, e, quoted, true, false, ne);
            }
        }
        if b[ns..ne].ends_with(b"pgpass") {
            return self.pgpass(cx, ne);
        }
        // Cheap early exit (most hits are prose): an operator, a closing quote or a CLI flag
        // must follow the name.
        {
            let mut j = ne;
            while j < ne + 3 && matches!(b.get(j), Some(b'"' | b'\'' | b'\\' | b']')) {
                j += 1;
            }
            while matches!(b.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            let flag = b.get(ns) == Some(&b'-');
            let sql = j > ne
                && matches!(b.get(j), Some(b'\'' | b'"'))
                && sql_password_keyword(cx.text, ns, ne);
            let ok = match b.get(j) {
                _ if sql => true,
                Some(b'=' | b':' | b'!' | b'>' | b',' | b'v') => true,
                // "… is", "… was" (prose); any other word goes on to the tests below: a value
                // that starts with `i` or `w` in a listing is still a value.
                Some(b'i' | b'I') if b.get(j + 1).is_some_and(|c| *c == b's' || *c == b'S') => true,
                Some(b'w' | b'W')
                    if b.get(j..j + 4)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"was ")) =>
                {
                    true
                }
                Some(_) => {
                    j > ne
                        && (flag
                            || {
                                let n = cx.text.get(ns..ne).unwrap_or("");
                                (n.eq_ignore_ascii_case("password")
                                    || n.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws_")))
                                    && spaced_value_line(cx.text, ns)
                                    || redis_directive(n)
                            }
                            || qualified_prose(b, j).is_some()
                            || aligned_pair(b, ns, ne)
                            || cisco_cleartext(b, ns, j))
                }
                None => false,
            };
            if !ok {
                // Not past the hit: a longer anchor at the same offset ("secret key" after
                // "secret") still gets its turn. Names are at most MAX_NAME bytes, so each
                // byte is re-read a bounded number of times.
                return hit.start + 1;
            }
        }
        // Leading dashes are CLI flag markers, trailing dots/dashes are punctuation.
        let mut name_s = ns;
        while name_s < ne && matches!(b[name_s], b'-' | b'.') {
            name_s += 1;
        }
        let mut name_e = ne;
        while name_e > name_s && matches!(b[name_e - 1], b'-' | b'.') {
            name_e -= 1;
        }
        let cli = name_s > ns && b[ns] == b'-';
        let Some(name) = cx.text.get(name_s..name_e) else {
            return ne;
        };
        let Some(class) = classify(name).or_else(|| php_define_salt(b, ns, name)) else {
            return ne;
        };
        // What precedes the name on its line: is it the start of a config line?
        let mut k = ns;
        let mut quoted_name = None;
        if k > 0 && matches!(b[k - 1], b'"' | b'\'') {
            quoted_name = Some(b[k - 1]);
            k -= 1;
        }
        let xml_tag = k > 0 && b[k - 1] == b'<';
        let mut ls = k;
        while ls > 0
            && matches!(
                b[ls - 1],
                b' ' | b'\t' | b'$' | b'@' | b'{' | b',' | b'-' | b'#'
            )
        {
            ls -= 1;
        }
        let line_start = ls == 0 || b[ls - 1] == b'\n' || {
            // `export NAME=`, `set NAME=`, `ENV NAME`
            let lo = cx.floor(ls.saturating_sub(8));
            let before = cx.text.get(lo..ls).unwrap_or("");
            let tail = before.rsplit('\n').next().unwrap_or(before).trim_start();
            ["export", "set", "ENV", "env", "setx", "SET"].contains(&tail.trim_end())
        };
        // Shell parameter expansion: in `${NAME:?message}`, `${NAME?message}` and
        // `${NAME:+word}` what follows the name is an error message or an alternative, not a
        // value. (`${NAME:-default}` goes on: a default is often a real development password.)
        if ns >= 2
            && &b[ns - 2..ns] == b"${"
            && matches!(
                (b.get(ne), b.get(ne + 1)),
                (Some(b':'), Some(b'?' | b'+')) | (Some(b'?' | b'+'), _)
            )
        {
            return ne;
        }
        // Docstrings: `:param password: the password`, `@param token …`.
        {
            let lo = cx.floor(ns.saturating_sub(8));
            let before = cx.text.get(lo..ns).unwrap_or("");
            if [":param ", ":type ", "@param ", ":ivar ", ":arg "]
                .iter()
                .any(|p| before.ends_with(p))
            {
                return ne;
            }
        }
        // Operator.
        let mut i = ne;
        let mut open_quote: Option<u8> = None;
        if let Some(q) = quoted_name {
            if b.get(i) == Some(&q) {
                i += 1;
            } else if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                // `"Authorization: Bearer …"`: the quote opens a string, not the name.
                open_quote = Some(q);
                quoted_name = None;
            }
        } else if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
            i += 2;
        }
        if matches!(b.get(i), Some(b']')) {
            i += 1;
        }
        let op_start = i;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let spaced = i > op_start;
        let spaced_eq = spaced && b.get(i) == Some(&b'=') && b.get(i + 1) != Some(&b'=');
        let rest = &b[i.min(b.len())..];
        let mut prose = false;
        let mut comparison = false;
        let value_at = if xml_tag && rest.first() == Some(&b'>') {
            // <password>value</password>
            let s = i + 1;
            let e = run_end(b, s, MAX_VALUE, |c| c != b'<' && c != b'\n');
            if b.get(e) != Some(&b'<') || e == s {
                return e.max(ne);
            }
            return self.finish(cx, class, s, e, true, true, false, ne);
        } else if rest.starts_with(b":=") || rest.starts_with(b"=>") || rest.starts_with(b"?=") {
            i + 2
        } else if rest.starts_with(b"===") || rest.starts_with(b"!==") {
            comparison = true;
            i + 3
        } else if rest.starts_with(b"==") || rest.starts_with(b"!=") {
            comparison = true;
            i + 2
        } else if rest.starts_with(b"=") {
            skip_byte_slice(b, i + 1)
        } else if rest.starts_with(b":") {
            // psql interpolation, `PASSWORD :'app_pw'`: a variable's name, not a value.
            if spaced
                && matches!(rest.get(1), Some(b'\'' | b'"'))
                && sql_password_keyword(cx.text, ns, ne)
            {
                return ne;
            }
            typed_value_start(b, i + 1)
        } else if quoted_name.is_some() && rest.starts_with(b"value=") {
            i + 6
        } else if cli && quoted_name.is_some() && rest.starts_with(b",") && argv_value(b, i + 1) {
            // An argument vector: `["redis-server", "--requirepass", "…"]`,
            // `subprocess.run(["mysql", "--password", "…"])`.
            i + 1
        } else if quoted_name.is_some()
            && rest.starts_with(b",")
            && call_arg(b, k)
            && (!name.bytes().any(|c| c.is_ascii_lowercase())
                || name.contains('-')
                || name.eq_ignore_ascii_case("authorization"))
        {
            // `os.Setenv("API_KEY", "…")`, `headers.set("Authorization", "Bearer …")`.
            i + 1
        } else if spaced && spaced_value_line(cx.text, ns) {
            // `.netrc`: `machine host login user password secret`; `aws configure set k v`.
            i
        } else if spaced && line_start && redis_directive(name) {
            // redis.conf: `requirepass <secret>`.
            i
        } else if spaced && cisco_cleartext(b, ns, i) {
            // Cisco IOS `username x privilege 15 password 0 <secret>`: type 0 is clear text.
            i + 2
        } else if spaced && line_start && aligned_pair(b, ns, ne) {
            // A listing of names and values in columns: `vault kv get`, CI variables.
            i
        } else if let Some(n) = [&b"is "[..], b"was "]
            .iter()
            .find(|w| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w))
            .map(|w| w.len())
            .filter(|_| class != Class::Password || password_name(name))
        {
            // "my password is …", "my password was …".
            prose = true;
            i + n
        } else if let Some(v) = spaced
            .then(|| qualified_prose(b, i))
            .flatten()
            .filter(|_| class != Class::Password || password_name(name))
        {
            // "The password for the test server is …".
            prose = true;
            v
        } else if cli && spaced {
            i
        } else if spaced
            && matches!(rest.first(), Some(b'\'' | b'"'))
            && quoted_name.is_none()
            && sql_password_keyword(cx.text, ns, ne)
        {
            // SQL: `CREATE USER app WITH PASSWORD 'pw'`, `ALTER ROLE x PASSWORD 'pw'`.
            i
        } else {
            return ne;
        };
        // `auth=HTTPBasicAuth('u', 'pw')`: the value is a credential call (a name such as
        // `NetworkCredential` before its own `(` has its own anchor).
        if class == Class::Header {
            let mut vs = value_at;
            while matches!(b.get(vs), Some(b' ' | b'\t')) {
                vs += 1;
            }
            let ve = run_end(b, vs, MAX_NAME, name_byte);
            let auth = name == "auth" || name.ends_with(".auth");
            let pair = if ve == vs && b.get(vs) == Some(&b'(') && auth {
                // requests' `auth=('user', 'pw')`, `session.auth = ('user', 'pw')`.
                user_pass_args(b, vs + 1)
            } else if b.get(ve) == Some(&b'(') {
                credential_call(cx.text, vs, ve)
            } else {
                None
            };
            if let Some((s, e)) = pair {
                return self.finish(cx, Class::Password, s, e, true, true, false, ne);
            }
        }
        let Some((mut s, mut e, mut quoted)) = read_value(b, value_at) else {
            return ne;
        };
        // `process.env.JWT_SECRET || "…"`: the literal after an environment lookup is the
        // secret the code falls back to.
        if !quoted {
            if let Some((fs, fe)) = env_fallback(b, s, e) {
                (s, e, quoted) = (fs, fe, true);
            }
        }
        // `?password=…&user=…`: a query parameter ends at the next `&`.
        if !quoted && ns > 0 && matches!(b[ns - 1], b'?' | b'&') {
            if let Some(amp) = b[s..e].iter().position(|&c| c == b'&') {
                e = s + amp;
            }
        }
        if comparison && !quoted {
            return e.max(ne);
        }
        // A bare `pass` (an English word, a keyword) needs `=`: `[smtp] pass = …`.
        if name.eq_ignore_ascii_case("pass")
            && !(rest.first() == Some(&b'=') && rest.get(1) != Some(&b'='))
        {
            return e.max(ne);
        }
        if !quoted && !prose && unquoted_code(b, cx.text.get(s..e).unwrap_or(""), e) {
            return e.max(ne);
        }
        // `"passwd:gecos"`: name and value inside one string literal. With `=` the string is an
        // assignment (systemd `Environment="DB_PASSWORD=…"`, `docker run -e "TOKEN=…"`).
        if !quoted
            && open_quote.is_some()
            && b.get(e) == open_quote.as_ref()
            && s == value_at
            && rest.first() != Some(&b'=')
        {
            return e.max(ne);
        }
        // `password = some_variable` in code: a spaced `=`, a code-style (lower-case) name and a
        // bare identifier.
        if !quoted && spaced_eq && name.bytes().any(|c| c.is_ascii_lowercase()) {
            let v = cx.text.get(s..e).unwrap_or("");
            if !v.is_empty() && v.bytes().all(|c| c.is_ascii_alphabetic() || c == b'_') {
                return e.max(ne);
            }
        }
        // An unquoted value runs to the next `&name=` of a form body or query.
        if !quoted {
            if let Some(amp) = cx.text.get(s..e).and_then(|v| {
                v.match_indices('&').map(|(k, _)| k).find(|&k| {
                    let tail = &v[k + 1..];
                    let key_len = tail
                        .bytes()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                        .count();
                    key_len > 0 && tail.as_bytes().get(key_len) == Some(&b'=')
                })
            }) {
                e = s + amp;
            }
        }

        let resume = self.finish(cx, class, s, e, quoted, line_start || cli, prose || cli, ne);
        if quoted && php_define_arg(b, ns) {
            return self.define_block(cx, resume);
        }
        resume
    }
}

impl Assigned {
    /// WordPress writes its keys and salts as one block of `define( 'NAME', '…' );` lines
    /// (`AUTH_KEY` … `NONCE_SALT`), and `LOGGED_IN_SALT` and `NONCE_SALT` hold none of the
    /// anchors (a `_SALT` anchor cost about 1% of prose scan time in the shared automaton).
    /// So after the value of a `define` of a secret name at `from`, the lines that follow are
    /// read while they are `define` lines of secret names too. Every line is read once and the
    /// returned offset is past the last one, so the walk stays linear.
    fn define_block(&self, cx: &mut Cx<'_>, from: usize) -> usize {
        let b = cx.bytes;
        let mut at = from;
        loop {
            // The rest of the line (`' );`), then the next line's indentation.
            let tail = run_end(b, at, 32, |c| c != b'\n');
            if b.get(tail) != Some(&b'\n') {
                return at;
            }
            let i = run_end(b, tail + 1, 16, |c| c == b' ' || c == b'\t');
            if !b
                .get(i..i + 7)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"define("))
            {
                return at;
            }
            let q = run_end(b, i + 7, 8, |c| c == b' ' || c == b'\t');
            if !matches!(b.get(q), Some(b'\'' | b'"')) {
                return at;
            }
            let ns = q + 1;
            let ne = run_end(b, ns, MAX_NAME, name_byte);
            if ne == ns || ne - ns > MAX_NAME || b.get(ne) != b.get(q) {
                return at;
            }
            let name = cx.text.get(ns..ne).unwrap_or("");
            let Some(class) = classify(name).or_else(|| php_define_salt(b, ns, name)) else {
                return at;
            };
            let comma = run_end(b, ne + 1, 8, |c| c == b' ' || c == b'\t');
            if b.get(comma) != Some(&b',') {
                return at;
            }
            let Some((s, e, true)) = read_value(b, comma + 1) else {
                return at;
            };
            at = self.finish(cx, class, s, e, true, true, false, ne);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        cx: &mut Cx<'_>,
        class: Class,
        mut s: usize,
        mut e: usize,
        quoted: bool,
        line_start: bool,
        prose: bool,
        ne: usize,
    ) -> usize {
        let resume = e.max(ne);
        let (s0, e0) = (cx.ceil(s), cx.floor(e));
        if s0 >= e0 {
            return resume;
        }
        (s, e) = (s0, e0);
        let mut v = &cx.text[s..e];
        let mut class = class;
        // `Authorization: Bearer xyz`, `token: Token xyz`, `Basic base64`.
        for scheme in [
            "Bearer ",
            "bearer ",
            "Token ",
            "token ",
            "Basic ",
            "SSWS ",
            "Api-Token ",
        ] {
            if let Some(r) = cx.text.get(s..).and_then(|t| t.strip_prefix(scheme)) {
                let tok_len = r
                    .bytes()
                    .take(MAX_VALUE)
                    .take_while(|c| {
                        c.is_ascii_alphanumeric()
                            || matches!(c, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
                    })
                    .count();
                let ts = s + scheme.len();
                let te = ts + tok_len;
                if tok_len == 0 {
                    return resume;
                }
                if scheme == "Basic " {
                    let decoded = STANDARD.decode(&cx.text[ts..te]).ok();
                    let ok = decoded.as_deref().is_some_and(|d| {
                        std::str::from_utf8(d).is_ok_and(|t| {
                            t.split_once(':').is_some_and(|(u, p)| {
                                !u.is_empty() && p.len() >= 4 && !is_placeholder(p)
                            })
                        })
                    });
                    if ok {
                        cx.emit(
                            Kind::GENERIC_SECRET,
                            ts,
                            te,
                            SCORE_WITH_CUE,
                            priority::ASSIGNED_SECRET,
                        );
                    }
                    return te.max(resume);
                }
                s = ts;
                e = te;
                v = &cx.text[s..e];
                class = Class::Generic;
                break;
            }
        }
        if class == Class::Header {
            class = Class::Generic;
        }
        if has_vendor_prefix(v) || class != Class::Password && payment_object_id(v) {
            return resume;
        }
        // A 40-character value under a `secret` name next to an AWS key id or an `aws` word.
        if matches!(class, Class::Generic | Class::Password)
            && aws_secret_ok(v)
            && !names_other_service(cx.bytes, ne)
        {
            let lo = cx.floor(s.saturating_sub(256));
            let hi = cx.ceil(e.saturating_add(256));
            let near = cx.text.get(lo..hi).unwrap_or("");
            let near_low = near.to_ascii_lowercase();
            if near.contains("AKIA") || near.contains("ASIA") || near_low.contains("aws") {
                class = Class::AwsSecret;
            }
        }
        // A 64-byte base64 key under a secret name next to a storage account (`ACCOUNT_KEY =
        // "…=="` beside `….blob.core.windows.net`): Azure's storage account key.
        if class == Class::Generic && azure_account_key_ok(v) {
            let lo = cx.floor(s.saturating_sub(512));
            let near = cx.text.get(lo..s).unwrap_or("").to_ascii_lowercase();
            if near.contains(".core.windows.net")
                || near.contains("azure")
                || near.contains("accountkey")
                || near.contains("account_key")
            {
                cx.emit(
                    Kind::AZURE_STORAGE_KEY,
                    s,
                    e,
                    SCORE_STRONG,
                    priority::ASSIGNED_SECRET + 5,
                );
                return resume;
            }
        }
        match class {
            Class::Password => {
                if password_value_ok(v, quoted, line_start, prose) {
                    cx.emit(
                        Kind::PASSWORD,
                        s,
                        e,
                        SCORE_WITH_CUE,
                        priority::ASSIGNED_SECRET,
                    );
                }
            }
            Class::AwsSecret if aws_secret_ok(v) => {
                cx.emit(
                    Kind::AWS_SECRET_ACCESS_KEY,
                    s,
                    e,
                    SCORE_STRONG,
                    priority::ASSIGNED_SECRET + 5,
                );
            }
            Class::Twilio if twilio_ok(v) => {
                cx.emit(
                    Kind::TWILIO_API_KEY,
                    s,
                    e,
                    SCORE_STRONG,
                    priority::ASSIGNED_SECRET + 5,
                );
            }
            Class::Keyed => {
                // Key material here is base64 (upper and lower case and digits): a dotted,
                // spaced or one-case value is a name, and a hex value may as well be a hash.
                let key_bytes = v.bytes().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'_' | b'-')
                });
                let (lower, upper, digits, _) = char_classes(v);
                // An SSH public key's base64 (`ssh_host_key = "AAAAC3NzaC1lZDI1NTE5…"`).
                let ssh_public = ["AAAAB3NzaC1", "AAAAC3NzaC1", "AAAAE2VjZHNh"]
                    .iter()
                    .any(|p| v.starts_with(p));
                if v.len() >= KEYED_MIN
                    && !ssh_public
                    && (key_bytes && lower && upper && digits && generic_value_ok(v)
                        || quoted && random_printable_ok(v))
                {
                    cx.emit(
                        Kind::GENERIC_SECRET,
                        s,
                        e,
                        SCORE_WITH_CUE,
                        priority::ASSIGNED_SECRET,
                    );
                }
            }
            Class::Salt => {
                if quoted && random_printable_ok(v) {
                    cx.emit(
                        Kind::GENERIC_SECRET,
                        s,
                        e,
                        SCORE_WITH_CUE,
                        priority::ASSIGNED_SECRET,
                    );
                }
            }
            _ => {
                if (quoted || !is_expression(v))
                    && (generic_value_ok(v) || quoted && random_printable_ok(v))
                {
                    cx.emit(
                        Kind::GENERIC_SECRET,
                        s,
                        e,
                        SCORE_WITH_CUE,
                        priority::ASSIGNED_SECRET,
                    );
                }
            }
        }
        resume
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    /// WordPress salts are 64 characters drawn uniformly from 92 (`wp_generate_password(64,
    /// true, true)`); nearly all of them must pass, whatever punctuation they draw.
    #[test]
    fn simulated_salts_pass() {
        const WP: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\
                            !@#$%^&*()-_ []{}<>~`+=,.;:/?|";
        assert_eq!(WP.len(), 92);
        // xorshift64*: a fixed seed, so the count below is the same on every run.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let n = 10_000;
        for len in [64, 40, 32] {
            let mut ok = 0;
            for _ in 0..n {
                let v: String = (0..len)
                    .map(|_| char::from(WP[(next() >> 33) as usize % WP.len()]))
                    .collect();
                if random_printable_ok(&v) {
                    ok += 1;
                }
            }
            // 64 characters: 99.9 %; shorter random values are rarer and a little less sure.
            let floor = if len == 64 {
                n * 999 / 1000
            } else {
                n * 98 / 100
            };
            assert!(ok >= floor, "{len}: {ok} of {n}");
        }
    }

    #[test]
    fn prose_is_not_random_printable() {
        for v in [
            "Invalid API key! Please check your settings (code #42) now.",
            "The quick brown fox jumps over the lazy dog; then it naps.",
            "SELECT * FROM users WHERE id = ? AND token = ?;",
            "{\"type\":\"service_account\",\"project_id\":\"demo-1\"}",
            "^[A-Za-z0-9+/]{40}={0,2}$|^[A-Fa-f0-9]{64}$",
            "put your unique phrase here, then reload the admin page!",
            "<%= ENV.fetch('RAILS_SECRET_KEY_BASE') %>:prod#2",
            "{{ vault_wp_nonce_salt | default(omit) }}-v2!",
            "${WORDPRESS_NONCE_SALT_FROM_COMPOSE}:9#q",
        ] {
            assert!(!random_printable_ok(v), "{v:?}");
        }
    }

    #[test]
    fn name_words() {
        assert_eq!(words("clientSecret"), ["client", "secret"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(
            words("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
    }

    #[test]
    fn name_classes() {
        assert_eq!(classify("password"), Some(Class::Password));
        assert_eq!(classify("DB_PASSWORD"), Some(Class::Password));
        assert_eq!(classify("REACT_APP_AUTH_PASS"), Some(Class::Password));
        assert_eq!(classify("api_key"), Some(Class::Generic));
        assert_eq!(classify("clientSecret"), Some(Class::Generic));
        assert_eq!(classify("AWS_SECRET_ACCESS_KEY"), Some(Class::AwsSecret));
        assert_eq!(classify("Authorization"), Some(Class::Header));
        assert_eq!(classify("password_hash"), None);
        assert_eq!(classify("secret_name"), None);
        assert_eq!(classify("public_key"), None);
        assert_eq!(classify("primary_key"), None);
        assert_eq!(classify("max_tokens"), None);
        assert_eq!(classify("csrf_token"), None);
        assert_eq!(classify("compass"), None);
        assert_eq!(classify("author"), None);
        assert_eq!(classify("OAUTH_CLIENT_SECRET"), Some(Class::Generic));
        assert_eq!(classify("keystore-password"), Some(Class::Password));
        assert_eq!(classify("ServiceBusKey"), Some(Class::Keyed));
        assert_eq!(classify("sort_key"), None);
        assert_eq!(classify("key"), None);
    }

    #[test]
    fn dotted_values() {
        // Member access in code.
        for v in [
            "config.db2Pass",
            "settings.DB_PASSWORD",
            "os.environ.x3y",
            "self.password",
        ] {
            assert!(is_expression(v), "{v}");
        }
        // Random segments joined by a dot.
        for v in ["l5xpox.KMQI3A", "w6zofr.OA62F1", "q3wnrt.ZK81PX"] {
            assert!(!is_expression(v), "{v}");
        }
    }
}
