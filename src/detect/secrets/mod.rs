//! Secret detectors: vendor tokens, JWTs, private keys, connection strings, passwords and
//! high-entropy generic secrets.
//!
//! Every detector here is anchored on literals that the shared Aho-Corasick automaton finds
//! (`ghp_`, `AKIA`, `eyJ`, `-----BEGIN`, `://`, `password`, `secret`, …) and reads a bounded
//! window around each hit:
//!
//! - [`tokens`]: vendor tokens with a distinctive prefix (AWS key ids, GitHub with its CRC32
//!   checksum, GitLab, Stripe, OpenAI, Anthropic, Slack and Slack webhooks, Google, SendGrid, npm
//!   (CRC32), PyPI, Hugging Face, Shopify, DigitalOcean, mail services, Azure storage keys and
//!   ~40 other SaaS prefixes). Spans are the token.
//! - [`jwt`]: `header.payload.signature` whose header decodes to a JSON object with `"alg"` and
//!   whose payload decodes to a JSON object. `alg: none` tokens are reported too: unsigned, they
//!   still carry the claims that identify a session.
//! - [`pem`]: `-----BEGIN <label>-----` … `-----END <label>-----` with a private-key label;
//!   public keys and certificates are ignored. Blocks are capped at [`pem::MAX_BLOCK`] bytes; a
//!   block with no matching END (a truncated paste) is reported from the BEGIN line to the end of
//!   its base64 body when that body holds at least 64 base64 characters.
//! - [`uri`]: `scheme://user:password@host…` URIs and ADO/ODBC `Server=…;Password=…;` strings;
//!   the span is the whole URI / connection string. URIs without a password and placeholder
//!   passwords are not findings.
//! - [`assign`]: values assigned to secret-looking names (`password = …`, `"api_key": "…"`,
//!   `--password …`, `AWS_SECRET_ACCESS_KEY=…`, `Authorization: Bearer …`). The span is the value
//!   without quotes. Placeholders (see [`is_placeholder`]) are never reported.

use std::sync::Arc;

use super::Detect;

pub(crate) mod assign;
pub(crate) mod jwt;
pub(crate) mod pem;
pub(crate) mod tokens;
pub(crate) mod uri;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![
        Arc::new(tokens::VendorTokens),
        Arc::new(jwt::Jwt),
        Arc::new(pem::PemPrivateKey),
        Arc::new(uri::CredentialUri),
        Arc::new(uri::AdoConnection),
        Arc::new(assign::Assigned),
    ]
}

/// True for an ASCII letter or digit.
#[inline]
pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The first index `>= from` (at most `from + max`) whose byte fails `pred`, i.e. the end of the
/// run of `pred` bytes starting at `from`. The run is cut at `from + max + 1` so that callers
/// can tell "longer than max" from "exactly max".
#[inline]
pub(crate) fn run_end(b: &[u8], from: usize, max: usize, pred: impl Fn(u8) -> bool) -> usize {
    let lim = from.saturating_add(max).saturating_add(1).min(b.len());
    let mut i = from.min(lim);
    while i < lim && pred(b[i]) {
        i += 1;
    }
    i
}

/// Words that are never a real secret value on their own (compared ASCII case-insensitively,
/// after stripping a `my`/`your`/`the` prefix and `_`/`-` separators).
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "passphrase",
    "secretkey",
    "changeme",
    "changethis",
    "changeit",
    "placeholder",
    "redacted",
    "removed",
    "hidden",
    "masked",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "example",
    "dummy",
    "sample",
    "test",
    "testing",
    "token",
    "apikey",
    "key",
    "value",
    "string",
    "str",
    "todo",
    "tbd",
    "fixme",
    "foo",
    "bar",
    "foobar",
    "xxx",
    "required",
    "optional",
    "empty",
    "notset",
    "unset",
    "default",
    "user",
    "username",
];

/// Substrings that mark a template or an obviously fake value.
const PLACEHOLDER_MARKS: &[&str] = &[
    "xxxx",
    "****",
    "....",
    "____",
    "----",
    "####",
    "••",
    "your_",
    "your-",
    "yourapi",
    "yourpass",
    "yoursecret",
    "yourtoken",
    "yourkey",
    "_here",
    "-here",
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replace-me",
    "replaceme",
    "example",
    "placeholder",
    "redacted",
    "dummy",
    "insert_",
    "put_your",
    "enter_your",
    "fake",
    "sample",
    "<",
    ">",
    "{{",
    "}}",
    "${",
    "$(",
    "%(",
    "#{",
    "process.env",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env(",
    "env[",
    "env.",
    "secrets.",
    "vault:",
    "%env",
];

/// True when `v` is a placeholder rather than a secret: empty, one repeated character, a template
/// (`<password>`, `${DB_PASS}`, `{{ .Values.x }}`, `%VAR%`, `$VAR`), an environment lookup
/// (`os.environ[...]`, `process.env.X`), a word such as `changeme` / `password` / `null`, or a
/// value containing `xxxx`, `****`, `your_`, `example`, `dummy`, `redacted`, ….
pub(crate) fn is_placeholder(v: &str) -> bool {
    let v = v.trim_matches(|c: char| c == '\'' || c == '"' || c == '`' || c.is_whitespace());
    let b = v.as_bytes();
    let Some(&first) = b.first() else {
        return true;
    };
    if b.iter().all(|&c| c == first) {
        return true;
    }
    let low = v.to_ascii_lowercase();
    if PLACEHOLDER_MARKS.iter().any(|m| low.contains(m)) {
        return true;
    }
    // `$VAR`, `$var_name`, `%VAR%`, `[VAR]`, `{VAR}`, `:var` (rails symbols / sql binds).
    let ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    };
    if (first == b'$' || first == b':' || first == b'@') && ident(&b[1..]) {
        return true;
    }
    let last = b[b.len() - 1];
    if matches!(
        (first, last),
        (b'%', b'%') | (b'[', b']') | (b'{', b'}') | (b'(', b')')
    ) {
        return true;
    }
    let mut w: &str = &low;
    for p in [
        "my", "your", "the", "some", "new", "old", "db", "user", "admin",
    ] {
        if let Some(r) = w.strip_prefix(p) {
            if !r.is_empty() {
                w = r;
                break;
            }
        }
    }
    let squeezed: String = w
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .collect();
    PLACEHOLDER_WORDS.contains(&squeezed.as_str()) || squeezed.is_empty()
}

#[cfg(test)]
mod tests;
