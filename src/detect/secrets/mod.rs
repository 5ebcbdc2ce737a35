//! Secret detectors: vendor tokens, JWTs, private keys, connection strings, passwords and
//! high-entropy generic secrets.
//!
//! Every detector here is anchored on literals that the shared Aho-Corasick automaton finds
//! (`ghp_`, `AKIA`, `eyJ`, `-----BEGIN `, `://`, `pass`, `secret`, …) and reads a bounded
//! window around each hit, returning the end of what it examined so that scans stay linear
//! (unit tests scan 1 MB of each anchor repeated).
//!
//! - [`tokens`]: vendor tokens with a distinctive prefix, from one table: AWS access key ids
//!   (`AKIA`, `ASIA`, `AGPA`, `AIDA`, `AROA`, `AIPA`, `ANPA`, `ANVA`, `ABIA`, `ACCA`, `A3T`),
//!   GitHub (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` with the CRC32 checksum, `github_pat_`), GitLab
//!   (`glpat-`, `gldt-`, `glrt-`, `glptt-`, `glsoat-`, …), Stripe (`sk_`/`rk_` live/test,
//!   `whsec_`), OpenAI (`sk-proj-`, `sk-svcacct-`, `sk-admin-`, legacy `sk-…T3BlbkFJ…`),
//!   Anthropic (`sk-ant-`), Slack (`xox[bpaorse]-`, `xapp-`, webhooks), Google (`AIza`),
//!   SendGrid, npm (CRC32), PyPI, Hugging Face, Shopify, DigitalOcean, Mailgun / Mailchimp /
//!   Brevo, Azure `AccountKey=` / `SharedAccessKey=` values, Google service-account key ids,
//!   Telegram bot tokens, Discord webhooks and ~60 other SaaS prefixes (`saas_token`). Spans
//!   are the token (the whole URL for webhooks).
//! - [`jwt`]: `header.payload.signature` whose header decodes to a JSON object with `"alg"` and
//!   whose payload decodes to a JSON object.
//! - [`pem`]: `-----BEGIN <label>-----` … `-----END <label>-----` with a private-key label.
//! - [`uri`]: `scheme://user:password@host…` URIs and ADO/ODBC `Server=…;Password=…;` strings;
//!   the span is the whole URI / connection string.
//! - [`assign`]: values assigned to secret-looking names (`password = …`, `"api_key": "…"`,
//!   `--password …`, `AWS_SECRET_ACCESS_KEY=…`, `Authorization: Bearer …`, `curl -u user:pw`,
//!   `mysql -u root -ppw`), including name/value pairs whose `value` field directly follows the
//!   name field (`- name: DB_PASSWORD` / `value: …`, `{"key": "X-Api-Key", "value": "…"}`). The
//!   span is the value without quotes.
//!
//! # Decisions
//!
//! - **Placeholders are never secrets** ([`is_placeholder`]): `changeme`, `password`,
//!   `<password>`, `${VAR}`, `$VAR`, `%VAR%`, `{{ … }}`, `os.environ[…]`, `process.env.X`,
//!   `xxxx`, `****`, `your_…`, `None`/`null`, empty strings. `secret` and `admin` are *not*
//!   placeholders: they are real (weak) passwords in real configs.
//! - **AWS documentation keys** (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`)
//!   and any key id or secret containing `EXAMPLE` are not reported: AWS reserves them for docs.
//! - **GitHub and npm checksums**: a `ghp_…`/`npm_…` token whose CRC32 matches scores 0.95; one
//!   whose checksum fails can never authenticate and scores 0.3 (below the default minimum of
//!   0.5), and it is never re-reported as a generic secret. `ghr_` 76-character tokens and
//!   `github_pat_` tokens have no public checksum and score 0.85 / 0.95 on structure.
//! - **Anthropic**: `sk-ant-api03-`/`sk-ant-admin01-` + 93 characters + `AA` scores 0.95; other
//!   `sk-ant-…` shapes of 40+ characters score 0.6 (reported).
//! - **JWT `alg: none`** tokens are reported: unsigned, they still carry a session's claims.
//! - **Private keys**: public keys, certificates and CSRs are not reported; a body needs 64+
//!   base64 characters (`-----BEGIN PRIVATE KEY-----\nanything\n…` is a template). Blocks are
//!   capped at [`pem::MAX_BLOCK`] (32 KiB); a block with no matching END within the cap (a
//!   truncated paste, or a block longer than the cap) is reported from the BEGIN line to the end
//!   of its last base64 line, with score 0.8.
//! - **Connection strings**: any scheme counts; the password must be present and not a
//!   placeholder (`user:password@`, `user:<password>@`, `${DB_PASS}`, `****`, `user:user@`).
//!   The last `@` of the authority ends the user-info, so passwords with `@`, `#` or `?` stay
//!   whole. ADO/ODBC strings need a `Password=`/`Pwd=` pair plus a server/user/database key.
//! - **Passwords** need 4+ characters; unquoted values that are code (`get_password()`,
//!   `args.password`, `db_password`), types (`str`), prose words (`required`, `incorrect`) or
//!   names containing "password" without a digit and a symbol (`#add-password`) are skipped.
//!   In prose (`my password is …`) an unquoted value needs a digit.
//! - **Generic secrets** need a secret-like name (`secret`, `token`, `api_key`, `credential`,
//!   `auth_token`, `client_secret`, `X-Api-Key`, `Authorization`, …; not `csrf_token`,
//!   `public_key`, `primary_key`, `max_tokens`, `secret_name`, `token_url`, `*_id`, `*_hash`) and
//!   a value of 12+ characters with two character classes, a digit (or 24+ characters), Shannon
//!   entropy ≥ 3.0 bits/byte, that is not a URL, path, file name, version or identifier. UUIDs
//!   and hex strings under such names are reported (Heroku, Mapbox, Postmark keys look like
//!   that); hashes are excluded by their names (`sha256`, `checksum`, `digest`, `integrity`).
//!   A *quoted* value of 32+ random printable characters (WordPress salts, Django keys) is
//!   reported even with `<`, `>`, `{`, `%`, `\` or a few spaces in it, on entropy against its
//!   length; PHP `define('…KEY'|'…SALT', …)` names count for such values only.
//! - **Overlaps** (priority, higher wins): PEM blocks 100, connection strings and webhooks 95,
//!   prefixed tokens 90, JWTs 88, AWS secret / Twilio keys under their names 75, assigned
//!   passwords and generic secrets 70. Values with a vendor prefix are left to the vendor
//!   detector.

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
    // redis.conf's commented example, `# requirepass foobared`.
    "foobared",
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
    "{}",
    "{0}",
];

/// Marks matched anywhere in a value, ignoring ASCII case, in one automaton pass (one
/// `str::contains` per mark, each with its own searcher set-up, cost thousands of instructions
/// per value). Shared by the placeholder checks of the secret detectors.
pub(crate) fn mark_set(marks: &[&str]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(marks)
        .expect("static lower-case marks build")
}

static PLACEHOLDER_MARK_SET: once_cell::sync::Lazy<aho_corasick::AhoCorasick> =
    once_cell::sync::Lazy::new(|| mark_set(PLACEHOLDER_MARKS));

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
    if PLACEHOLDER_MARK_SET.is_match(v) {
        return true;
    }
    // `$VAR`, `$var_name`, `%VAR%`, `[VAR]`, `{VAR}`, `:var` (rails symbols / sql binds).
    let ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    };
    if (first == b'$' || first == b'@') && ident(&b[1..]) || first == b':' {
        return true;
    }
    // A printf conversion (`%s`, `%d`) ends where a letter or digit cannot follow:
    // `"Bearer %s"`, `"%s:%s"`. `%dg1++yZ` and `A%s10p0` are random passwords that happen to
    // hold the pair.
    if b.windows(2).enumerate().any(|(k, w)| {
        w[0] == b'%'
            && matches!(w[1], b's' | b'd')
            && !b.get(k + 2).is_some_and(u8::is_ascii_alphanumeric)
    }) {
        return true;
    }
    let last = b[b.len() - 1];
    if matches!(
        (first, last),
        (b'%', b'%') | (b'[', b']') | (b'{', b'}') | (b'(', b')')
    ) {
        return true;
    }
    // A placeholder word after an optional owner prefix ("mypassword", "db_pass"), ignoring
    // case and `_`, `-`, ` `, `.`; compared in a stack buffer (no word is longer than it).
    let mut w = b;
    for p in [
        "my", "your", "the", "some", "new", "old", "db", "user", "admin",
    ] {
        if w.len() > p.len() && w[..p.len()].eq_ignore_ascii_case(p.as_bytes()) {
            w = &w[p.len()..];
            break;
        }
    }
    let mut squeezed = [0u8; 16];
    let mut n = 0;
    for &c in w.iter().filter(|c| !matches!(c, b'_' | b'-' | b' ' | b'.')) {
        match squeezed.get_mut(n) {
            Some(slot) => *slot = c.to_ascii_lowercase(),
            None => return false,
        }
        n += 1;
    }
    let word = |w: &[u8]| PLACEHOLDER_WORDS.iter().any(|p| p.as_bytes() == w);
    if n == 0 || word(&squeezed[..n]) {
        return true;
    }
    // A fixture: one or two placeholder words, and at most four digits after a separator
    // ("test-token-123", "dummy_key_1", "TestPassword"). Without a separator, letters and
    // digits are a (weak) password: "Test1234", "Pass2024".
    let digits = squeezed[..n]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let separated = w.iter().any(|c| matches!(c, b'_' | b'-' | b' ' | b'.'));
    if digits > 4 || digits > 0 && !separated {
        return false;
    }
    let stem = &squeezed[..n - digits];
    !stem.is_empty()
        && (word(stem)
            || stem.iter().all(u8::is_ascii_lowercase)
                && PLACEHOLDER_WORDS.iter().any(|p| {
                    let p = p.as_bytes();
                    p.len() < stem.len() && stem.starts_with(p) && word(&stem[p.len()..])
                }))
}

#[cfg(test)]
mod tests;
