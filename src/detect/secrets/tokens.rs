//! Vendor tokens with a distinctive prefix, driven by one table ([`RULES`]) plus a few shapes
//! that need more than "prefix + body": legacy OpenAI keys (found from their `T3BlbkFJ` marker),
//! Slack webhooks, Mailchimp keys (`…-us12`), Azure storage keys, Telegram bot tokens and
//! Google service-account key ids.

use super::super::{priority, Cx, Detect, Hit, Trigger, SCORE_CONFIRMED, SCORE_STRONG, SCORE_WEAK};
use super::{is_alnum, run_end};
use crate::finding::Kind;
use crate::validate::{github_token_checksum, looks_random};

/// The character set of a token body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cs {
    /// `[A-Za-z0-9]`
    Alnum,
    /// `[A-Za-z0-9_]`
    Word,
    /// `[A-Za-z0-9_-]`
    B64Url,
    /// `[A-Za-z0-9_.-]`
    B64UrlDot,
    /// `[A-Za-z0-9+/=]`
    B64,
    /// `[A-Za-z0-9_=-]`
    B64UrlPad,
    /// `[0-9a-fA-F]`
    Hex,
    /// `[0-9a-f-]`
    HexDash,
    /// `[A-Z0-9]`
    Upper,
    /// `[a-z0-9]`
    Lower,
    /// `[A-Za-z0-9-]`
    Dash,
    /// `[A-Za-z0-9/-]`
    DashSlash,
    /// `[A-Z0-9.]`
    UpperDot,
    /// `[A-Za-z0-9.]`
    AlnumDot,
}

impl Cs {
    #[inline]
    fn has(self, c: u8) -> bool {
        match self {
            Cs::Alnum => c.is_ascii_alphanumeric(),
            Cs::Word => c.is_ascii_alphanumeric() || c == b'_',
            Cs::B64Url => c.is_ascii_alphanumeric() || c == b'_' || c == b'-',
            Cs::B64UrlDot => c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'),
            Cs::B64 => c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='),
            Cs::B64UrlPad => c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'='),
            Cs::Hex => c.is_ascii_hexdigit(),
            Cs::HexDash => c.is_ascii_digit() || (b'a'..=b'f').contains(&c) || c == b'-',
            Cs::Upper => c.is_ascii_uppercase() || c.is_ascii_digit(),
            Cs::Lower => c.is_ascii_lowercase() || c.is_ascii_digit(),
            Cs::Dash => c.is_ascii_alphanumeric() || c == b'-',
            Cs::DashSlash => c.is_ascii_alphanumeric() || c == b'-' || c == b'/',
            Cs::UpperDot => c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'.',
            Cs::AlnumDot => c.is_ascii_alphanumeric() || c == b'.',
        }
    }
}

/// Extra validation of a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Not a placeholder, reasonably varied.
    Plain,
    /// GitHub/npm CRC32 over 36-char bodies (other lengths are taken as they are).
    Crc,
    /// AWS key id body: `[A-Z0-9]`, varied, not the documentation example.
    AwsId,
    /// GitHub fine-grained PAT: `22 chars _ 59 chars`.
    FineGrained,
    /// SendGrid `22 chars . 43 chars`.
    SendGrid,
    /// Slack: `xoxb-<digits>-…` bodies need digits and a dash.
    Slack,
    /// Anthropic: `api03-` / `admin01-` + 93 characters + `AA` is confirmed; other shapes are
    /// reported with a lower score.
    Anthropic,
}

struct Rule {
    prefix: &'static str,
    kind: Kind,
    cs: Cs,
    min: usize,
    max: usize,
    check: Check,
}

const fn r(prefix: &'static str, kind: Kind, cs: Cs, min: usize, max: usize) -> Rule {
    Rule {
        prefix,
        kind,
        cs,
        min,
        max,
        check: Check::Plain,
    }
}

const fn rc(
    prefix: &'static str,
    kind: Kind,
    cs: Cs,
    min: usize,
    max: usize,
    check: Check,
) -> Rule {
    Rule {
        prefix,
        kind,
        cs,
        min,
        max,
        check,
    }
}

use Cs::*;

/// How far after an AWS access key id, on its line, its secret key may start: within the
/// context window of the secret (a finding depends only on the bytes near it).
const AWS_PAIR_REACH: usize = 40;

/// An AWS secret access key written after its key id on the same line, as people paste the
/// pair (`aws: AKIA… / wJalr…`, a Markdown row `| AKIA… | `wJalr…` |`): the first token of
/// exactly 40 base64 characters (`A-Z a-z 0-9 / +`) starting within [`AWS_PAIR_REACH`] bytes, holding
/// upper- and lower-case letters (a hex digest has one case) and passing the randomness test.
fn paired_aws_secret(cx: &mut Cx<'_>, from: usize) {
    let b = cx.bytes;
    let key_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'/' || c == b'+';
    let hi = b.len().min(from + AWS_PAIR_REACH);
    let mut i = from;
    while i < hi && b[i] != b'\n' {
        if !key_byte(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && (key_byte(b[i]) || b[i] == b'=') {
            i += 1;
        }
        let t = &b[s..i];
        if t.len() == 40
            && t.iter().all(|&c| key_byte(c))
            && t.iter().any(u8::is_ascii_uppercase)
            && t.iter().any(u8::is_ascii_lowercase)
            && std::str::from_utf8(t).is_ok_and(|v| crate::validate::shannon_entropy(v) >= 4.0)
        {
            cx.emit(
                Kind::AWS_SECRET_ACCESS_KEY,
                s,
                i,
                SCORE_STRONG,
                priority::ASSIGNED_SECRET + 5,
            );
            return;
        }
    }
}

/// Prefix table. Prefixes are matched exactly, at token starts (`Trigger::TokenPrefixes`). The body must fill `min..=max` characters of `cs` and must not run on
/// into more token characters.
static RULES: &[Rule] = &[
    // AWS access key ids (long-term, temporary, group, user, role, policy, …).
    rc("AKIA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("ASIA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("AGPA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("AIDA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("AROA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("AIPA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("ANPA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("ANVA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("ABIA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("ACCA", Kind::AWS_ACCESS_KEY_ID, Upper, 16, 16, Check::AwsId),
    rc("A3T", Kind::AWS_ACCESS_KEY_ID, Upper, 17, 17, Check::AwsId),
    // GitHub.
    rc("ghp_", Kind::GITHUB_TOKEN, Alnum, 36, 36, Check::Crc),
    rc("gho_", Kind::GITHUB_TOKEN, Alnum, 36, 36, Check::Crc),
    rc("ghu_", Kind::GITHUB_TOKEN, Alnum, 36, 36, Check::Crc),
    rc("ghs_", Kind::GITHUB_TOKEN, Alnum, 36, 36, Check::Crc),
    rc("ghr_", Kind::GITHUB_TOKEN, Alnum, 36, 76, Check::Crc),
    rc(
        "github_pat_",
        Kind::GITHUB_TOKEN,
        Word,
        82,
        82,
        Check::FineGrained,
    ),
    // GitLab.
    r("glpat-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("gldt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glrt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glrtr-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glptt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glsoat-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glcbt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("gloas-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glffct-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glimt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glagent-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glft-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("glwt-", Kind::GITLAB_TOKEN, B64UrlDot, 20, 300),
    r("GR1348941", Kind::GITLAB_TOKEN, B64Url, 20, 40),
    // Stripe secret and restricted keys, webhook signing secrets. `pk_` keys are publishable.
    r("sk_live_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("sk_test_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("sk_prod_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("rk_live_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("rk_test_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("rk_prod_", Kind::STRIPE_KEY, Alnum, 16, 247),
    r("whsec_", Kind::STRIPE_KEY, B64, 24, 64),
    // OpenAI project, service-account and admin keys (legacy keys: see `T3BlbkFJ`).
    r("sk-proj-", Kind::OPENAI_API_KEY, B64Url, 40, 300),
    r("sk-svcacct-", Kind::OPENAI_API_KEY, B64Url, 40, 300),
    r("sk-admin-", Kind::OPENAI_API_KEY, B64Url, 40, 300),
    r("sk-None-", Kind::OPENAI_API_KEY, B64Url, 40, 300),
    // Anthropic.
    rc(
        "sk-ant-",
        Kind::ANTHROPIC_API_KEY,
        B64Url,
        32,
        200,
        Check::Anthropic,
    ),
    // Slack.
    rc("xoxb-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxp-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxa-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxr-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxs-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxo-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxe-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxe.xoxb-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xoxe.xoxp-", Kind::SLACK_TOKEN, Dash, 10, 300, Check::Slack),
    rc("xapp-", Kind::SLACK_TOKEN, DashSlash, 10, 300, Check::Slack),
    // Google.
    r("AIza", Kind::GOOGLE_API_KEY, B64Url, 35, 35),
    r("GOCSPX-", Kind::SAAS_TOKEN, B64Url, 28, 28),
    r("ya29.", Kind::SAAS_TOKEN, B64UrlDot, 20, 2048),
    // Mail services.
    rc(
        "SG.",
        Kind::SENDGRID_API_KEY,
        B64UrlDot,
        66,
        66,
        Check::SendGrid,
    ),
    r("key-", Kind::MAIL_SERVICE_KEY, Lower, 32, 32),
    r("xkeysib-", Kind::MAIL_SERVICE_KEY, B64Url, 81, 81),
    // Package registries.
    rc("npm_", Kind::NPM_TOKEN, Alnum, 36, 36, Check::Crc),
    r("pypi-AgEIcHlwaS5vcmc", Kind::PYPI_TOKEN, B64Url, 50, 2000),
    r(
        "pypi-AgENdGVzdC5weXBpLm9yZw",
        Kind::PYPI_TOKEN,
        B64Url,
        50,
        2000,
    ),
    r("rubygems_", Kind::SAAS_TOKEN, Hex, 48, 48),
    r("oy2", Kind::SAAS_TOKEN, Lower, 43, 43),
    r("cio", Kind::SAAS_TOKEN, Alnum, 32, 32),
    // Hugging Face.
    r("hf_", Kind::HUGGINGFACE_TOKEN, Alnum, 34, 40),
    r("api_org_", Kind::HUGGINGFACE_TOKEN, Alnum, 34, 34),
    // Shopify.
    r("shpat_", Kind::SHOPIFY_TOKEN, Hex, 32, 32),
    r("shpca_", Kind::SHOPIFY_TOKEN, Hex, 32, 32),
    r("shppa_", Kind::SHOPIFY_TOKEN, Hex, 32, 32),
    r("shpss_", Kind::SHOPIFY_TOKEN, Hex, 32, 32),
    // DigitalOcean.
    r("dop_v1_", Kind::DIGITALOCEAN_TOKEN, Hex, 64, 64),
    r("doo_v1_", Kind::DIGITALOCEAN_TOKEN, Hex, 64, 64),
    r("dor_v1_", Kind::DIGITALOCEAN_TOKEN, Hex, 64, 64),
    // Other SaaS tokens with distinctive prefixes.
    r("aio_", Kind::SAAS_TOKEN, Alnum, 28, 28),
    r("AGE-SECRET-KEY-1", Kind::SAAS_TOKEN, Upper, 58, 58),
    r("dapi", Kind::SAAS_TOKEN, Hex, 32, 32),
    r("dckr_pat_", Kind::SAAS_TOKEN, B64Url, 27, 27),
    r("dp.ct.", Kind::SAAS_TOKEN, Alnum, 40, 44),
    r("dp.pt.", Kind::SAAS_TOKEN, Alnum, 40, 44),
    r("dp.sa.", Kind::SAAS_TOKEN, Alnum, 40, 44),
    r("dp.scim.", Kind::SAAS_TOKEN, Alnum, 40, 44),
    r("dp.audit.", Kind::SAAS_TOKEN, Alnum, 40, 44),
    r("dp.st.", Kind::SAAS_TOKEN, B64UrlDot, 40, 80),
    r("dt0c01.", Kind::SAAS_TOKEN, UpperDot, 89, 89),
    r("glc_", Kind::SAAS_TOKEN, B64, 32, 400),
    r("glsa_", Kind::SAAS_TOKEN, Word, 41, 41),
    r("gsk_", Kind::SAAS_TOKEN, Alnum, 52, 52),
    r("hvs.", Kind::SAAS_TOKEN, B64Url, 24, 200),
    r("hvb.", Kind::SAAS_TOKEN, B64Url, 24, 300),
    r("hvr.", Kind::SAAS_TOKEN, B64Url, 24, 200),
    r("NRAK-", Kind::SAAS_TOKEN, Upper, 27, 27),
    r("NRII-", Kind::SAAS_TOKEN, B64Url, 32, 32),
    r("NRIQ-", Kind::SAAS_TOKEN, B64Url, 32, 32),
    r("NRRA-", Kind::SAAS_TOKEN, Hex, 42, 42),
    r("NRAA-", Kind::SAAS_TOKEN, Hex, 27, 27),
    r("NRJS-", Kind::SAAS_TOKEN, Hex, 19, 19),
    r("PMAK-", Kind::SAAS_TOKEN, HexDash, 59, 59),
    r("sgp_", Kind::SAAS_TOKEN, Word, 40, 80),
    r("EAAA", Kind::SAAS_TOKEN, B64Url, 60, 60),
    r("sq0atp-", Kind::SAAS_TOKEN, B64Url, 22, 60),
    r("sq0csp-", Kind::SAAS_TOKEN, B64Url, 43, 43),
    r("tvly-", Kind::SAAS_TOKEN, B64Url, 32, 48),
    r("fc-", Kind::SAAS_TOKEN, Hex, 32, 32),
    r("jina_", Kind::SAAS_TOKEN, Alnum, 40, 80),
    r("hawk.", Kind::SAAS_TOKEN, AlnumDot, 41, 41),
    r("ATATT3", Kind::SAAS_TOKEN, B64UrlPad, 150, 300),
    r("ATCTT3", Kind::SAAS_TOKEN, B64UrlPad, 150, 300),
    r("ATBB", Kind::SAAS_TOKEN, Alnum, 32, 32),
    r("ops_eyJ", Kind::SAAS_TOKEN, B64, 200, 4000),
    r("xai-", Kind::SAAS_TOKEN, Alnum, 80, 80),
    r("pplx-", Kind::SAAS_TOKEN, Alnum, 48, 48),
    r("lsv2_pt_", Kind::SAAS_TOKEN, Word, 40, 60),
    r("lsv2_sk_", Kind::SAAS_TOKEN, Word, 40, 60),
    r("r8_", Kind::SAAS_TOKEN, Alnum, 37, 37),
    r("sk-or-v1-", Kind::SAAS_TOKEN, Hex, 64, 64),
    r("pul-", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("pnu_", Kind::SAAS_TOKEN, Alnum, 36, 36),
    r("rdme_", Kind::SAAS_TOKEN, Alnum, 70, 70),
    r("lin_api_", Kind::SAAS_TOKEN, Alnum, 40, 40),
    r("ntn_", Kind::SAAS_TOKEN, Alnum, 46, 46),
    r("sntrys_", Kind::SAAS_TOKEN, B64UrlPad, 60, 400),
    r("sntryu_", Kind::SAAS_TOKEN, Hex, 64, 64),
    r("squ_", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("sqp_", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("sqa_", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("HRKU-", Kind::SAAS_TOKEN, B64Url, 60, 64),
    r("tk-us-", Kind::SAAS_TOKEN, B64Url, 48, 48),
    r("figd_", Kind::SAAS_TOKEN, B64Url, 40, 43),
    r("odt_", Kind::SAAS_TOKEN, Alnum, 32, 40),
    r("AKCp", Kind::SAAS_TOKEN, Alnum, 69, 69),
    r("cmVmdGtu", Kind::SAAS_TOKEN, Alnum, 56, 56),
    r("EAACEdEose0cBA", Kind::SAAS_TOKEN, Alnum, 20, 300),
    r("shippo_live_", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("shippo_test_", Kind::SAAS_TOKEN, Hex, 40, 40),
    r("pscale_tkn_", Kind::SAAS_TOKEN, B64Url, 43, 43),
    r("pscale_pw_", Kind::SAAS_TOKEN, B64Url, 43, 43),
    r("pscale_oauth_", Kind::SAAS_TOKEN, B64Url, 43, 43),
    r("nvapi-", Kind::SAAS_TOKEN, B64Url, 64, 64),
    r("phx_", Kind::SAAS_TOKEN, Alnum, 43, 43),
    r("apify_api_", Kind::SAAS_TOKEN, Alnum, 36, 36),
    // Legacy OpenAI keys without their marker (mangled copies): `sk-` + 48 alphanumerics. Kept
    // last so that the longer `sk-…` prefixes above are tried first at the same offset.
    r("sk-", Kind::OPENAI_API_KEY, Alnum, 48, 48),
];

/// Anchors after the table, each with its own handler. The first [`TOKEN_SPECIALS`] start a
/// long token and are looked up by the token-prefix pass with the table's prefixes; the rest
/// lie inside or around tokens and go to the literal automaton.
const SPECIALS: &[&str] = &[
    "hooks.slack.com/",
    "AccountKey=",
    "SharedAccessKey=",
    "T3BlbkFJ",
    "-us",
    ":AA",
    "\"private_key_id\"",
    "/api/webhooks/",
];
const TOKEN_SPECIALS: usize = 3;
const SP_SLACK_HOOK: usize = 0;
const SP_AZURE_ACCOUNT_KEY: usize = 1;
const SP_AZURE_SAS_KEY: usize = 2;
const SP_OPENAI_LEGACY: usize = 3;
const SP_MAILCHIMP: usize = 4;
const SP_TELEGRAM: usize = 5;
const SP_GCP_KEY_ID: usize = 6;
const SP_DISCORD_HOOK: usize = 7;

/// Every prefixed vendor token (see the table in the source).
pub(crate) struct VendorTokens;

/// Marks of a made-up token body.
static PLAIN_MARKS: once_cell::sync::Lazy<aho_corasick::AhoCorasick> =
    once_cell::sync::Lazy::new(|| {
        super::mark_set(&[
            "xxxx",
            "example",
            "your",
            "0000000",
            "1234567",
            "abcdefg",
            "here",
            "fake",
            "dummy",
            "sample",
            "placeholder",
        ])
    });

/// A body that is one character repeated, a run such as `0123…`/`abcd…` or carries a
/// placeholder mark is not a token.
fn plain_ok(body: &[u8]) -> bool {
    let Some(&first) = body.first() else {
        return false;
    };
    if body.iter().all(|&c| c == first) {
        return false;
    }
    if PLAIN_MARKS.is_match(body) {
        return false;
    }
    let mut seen = [false; 128];
    let mut distinct = 0;
    for &c in body {
        let i = usize::from(c & 0x7f);
        if !seen[i] {
            seen[i] = true;
            distinct += 1;
        }
    }
    if distinct < (body.len() / 4).clamp(4, 10) {
        return false;
    }
    // Random mixed-case bodies of 16+ characters mix at least two of upper, lower and digits
    // (single-case alphabets such as hex or base32 are exempt).
    let mixed_alphabet =
        body.iter().any(u8::is_ascii_uppercase) && body.iter().any(u8::is_ascii_lowercase);
    if !mixed_alphabet && !body.iter().any(u8::is_ascii_digit) {
        // All letters of one case: fine for upper-case alphabets (base32), not for base62.
        return body.iter().all(|c| !c.is_ascii_lowercase()) || body.len() < 16;
    }
    let classes = [
        body.iter().any(u8::is_ascii_uppercase),
        body.iter().any(u8::is_ascii_lowercase),
        body.iter().any(u8::is_ascii_digit),
    ];
    body.len() < 16 || classes.iter().filter(|x| **x).count() >= 2
}

impl VendorTokens {
    fn table(&self, cx: &mut Cx<'_>, hit: &Hit, rule: &Rule) -> usize {
        let b = cx.bytes;
        let p = rule.prefix.as_bytes();
        if b.get(hit.start..hit.start + p.len()) != Some(p) {
            return hit.start + 1;
        }
        if hit.start > 0 && matches!(b.get(hit.start - 1), Some(c) if is_alnum(*c) || *c == b'+') {
            return hit.start + 1;
        }
        let body_start = hit.start + p.len();
        let dotted = matches!(rule.cs, B64UrlDot | Dash | DashSlash);
        let slack = if dotted { 4 } else { 0 };
        let mut end = run_end(b, body_start, rule.max + slack, |c| rule.cs.has(c));
        // A trailing sentence dot or dash is not part of a dotted/dashed body; a dash that the
        // body needs to reach its length is (`glpat-…J5-`: base64url bodies end in `-`).
        if dotted {
            while end > body_start
                && (b[end - 1] == b'.' || b[end - 1] == b'-' && end - 1 - body_start >= rule.min)
            {
                end -= 1;
            }
        }
        if end - body_start > rule.max {
            // Runs on into more token characters: part of something else.
            return run_end(b, end, 4096, |c| rule.cs.has(c));
        }
        let len = end - body_start;
        if len < rule.min || b.get(end).is_some_and(|c| is_alnum(*c)) {
            return end.max(hit.start + 1);
        }
        let body = &b[body_start..end];
        let token = &cx.text[hit.start..end];
        let score = match rule.check {
            Check::Plain => plain_ok(body).then_some(SCORE_STRONG),
            Check::Crc => {
                if len == 36 {
                    if github_token_checksum(token) {
                        Some(SCORE_CONFIRMED)
                    } else if plain_ok(body) {
                        // A failed checksum: never a real token, but keep it visible to hosts
                        // that lower the minimum score.
                        Some(SCORE_WEAK)
                    } else {
                        None
                    }
                } else if len == 76 && plain_ok(body) {
                    Some(SCORE_STRONG)
                } else {
                    None
                }
            }
            Check::AwsId => {
                let low = token.to_ascii_lowercase();
                (plain_ok(body)
                    && !low.ends_with("example")
                    && body.iter().any(u8::is_ascii_uppercase))
                .then_some(SCORE_STRONG)
            }
            Check::FineGrained => {
                (body.get(22) == Some(&b'_') && plain_ok(body)).then_some(SCORE_CONFIRMED)
            }
            Check::SendGrid => (body.get(22) == Some(&b'.')
                && body.iter().filter(|&&c| c == b'.').count() == 1
                && plain_ok(body))
            .then_some(SCORE_CONFIRMED),
            Check::Slack => {
                // xoxb-<team digits>-…: the first segment is a numeric id (8+ digits) for
                // every token type but the app-level `xapp-1-…` and refresh `xoxe-1-…`.
                let first = body.split(|&c| c == b'-').next().unwrap_or(&[]);
                let numeric_id = !first.is_empty() && first.iter().all(u8::is_ascii_digit);
                let versioned = rule.prefix.starts_with("xapp") || rule.prefix.starts_with("xoxe");
                // A template tail such as `-####` or `-***`.
                let template_tail = b.get(end) == Some(&b'-')
                    && matches!(
                        b.get(end + 1),
                        Some(b'#' | b'*' | b'<' | b'{' | b'$' | b'.')
                    );
                (len >= 20
                    && body.contains(&b'-')
                    && (numeric_id || versioned)
                    && !template_tail
                    && plain_ok(body))
                .then_some(SCORE_STRONG)
            }
            Check::Anthropic => {
                let rest = body
                    .iter()
                    .position(|&c| c == b'-')
                    .map(|i| (&body[..i], &body[i + 1..]));
                match rest {
                    Some((kind, key))
                        if (kind == b"api03" || kind == b"admin01")
                            && key.len() == 95
                            && key.ends_with(b"AA") =>
                    {
                        Some(SCORE_CONFIRMED)
                    }
                    _ if plain_ok(body) && len >= 40 => Some(0.6),
                    _ => None,
                }
            }
        };
        if let Some(score) = score {
            cx.emit(rule.kind, hit.start, end, score, priority::PREFIXED_TOKEN);
            if matches!(rule.check, Check::AwsId) && score >= SCORE_STRONG {
                paired_aws_secret(cx, end);
            }
        }
        end.max(hit.start + 1)
    }

    /// `sk-…T3BlbkFJ…`: the marker is base64 of "OpenAI". Walk back to `sk-`.
    fn openai_legacy(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        if b.get(hit.start..hit.end) != Some(b"T3BlbkFJ") {
            return hit.start + 1;
        }
        let is_body = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let mut s = hit.start;
        while s > 0 && hit.start - s < 200 && is_body(b[s - 1]) {
            s -= 1;
        }
        let end = run_end(b, hit.end, 200, is_body);
        // The key starts at the last `sk-` in the run before the marker.
        let Some(rel) = cx.text[s..hit.start].rfind("sk-") else {
            return end;
        };
        let start = s + rel;
        if start > 0 && b.get(start - 1).is_some_and(|c| is_alnum(*c)) {
            return end;
        }
        let before = hit.start - (start + 3);
        let after = end - hit.end;
        if before >= 16 && after >= 16 && end - hit.end <= 200 {
            cx.emit(
                Kind::OPENAI_API_KEY,
                start,
                end,
                SCORE_CONFIRMED,
                priority::PREFIXED_TOKEN,
            );
        }
        end
    }

    /// `https://hooks.slack.com/services/T…/B…/secret` (and `/workflows/…`, `/triggers/…`).
    fn slack_hook(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let mut start = hit.start;
        for scheme in ["https://", "http://"] {
            if hit.start >= scheme.len()
                && cx
                    .text
                    .get(hit.start - scheme.len()..hit.start)
                    .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            {
                start = hit.start - scheme.len();
            }
        }
        let path = hit.end;
        let end = run_end(b, path, 300, |c| {
            c.is_ascii_alphanumeric() || c == b'/' || c == b'_'
        });
        let Some(p) = cx.text.get(path..end) else {
            return hit.end;
        };
        let mut parts = p.split('/');
        let ok = match parts.next() {
            Some("services") | Some("workflows") | Some("triggers") => {
                let segs: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
                segs.len() >= 3
                    && segs[0].len() >= 8
                    && segs
                        .last()
                        .is_some_and(|s| s.len() >= 16 && plain_ok(s.as_bytes()))
            }
            _ => false,
        };
        if ok {
            cx.emit(
                Kind::SLACK_TOKEN,
                start,
                end,
                SCORE_CONFIRMED,
                priority::CONNECTION,
            );
        }
        end
    }

    /// `https://discord.com/api/webhooks/<id>/<token>` (and `discordapp.com`).
    fn discord_hook(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let host_start = [
            "https://discord.com",
            "https://discordapp.com",
            "https://ptb.discord.com",
            "https://canary.discord.com",
        ]
        .iter()
        .find(|h| {
            hit.start >= h.len()
                && cx
                    .text
                    .get(hit.start - h.len()..hit.start)
                    .is_some_and(|t| t.eq_ignore_ascii_case(h))
        })
        .map(|h| hit.start - h.len());
        let Some(start) = host_start else {
            return hit.end;
        };
        let id_end = run_end(b, hit.end, 20, |c| c.is_ascii_digit());
        if !(17..=20).contains(&(id_end - hit.end)) || b.get(id_end) != Some(&b'/') {
            return id_end.max(hit.end);
        }
        let t_start = id_end + 1;
        let is_tok = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let end = run_end(b, t_start, 100, is_tok);
        if (60..=80).contains(&(end - t_start)) && plain_ok(&b[t_start..end]) {
            cx.emit(
                Kind::SAAS_TOKEN,
                start,
                end,
                SCORE_STRONG,
                priority::CONNECTION,
            );
        }
        end
    }

    /// Mailchimp: 32 lower-case hex, `-us`, a data-centre number.
    fn mailchimp(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        if hit.start < 32 || b.get(hit.start..hit.end) != Some(b"-us") {
            return hit.start + 1;
        }
        let s = hit.start - 32;
        let hex = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
        if !b[s..hit.start].iter().all(hex) || (s > 0 && is_alnum(b[s - 1])) {
            return hit.start + 1;
        }
        let e = run_end(b, hit.end, 2, |c| c.is_ascii_digit());
        if e == hit.end || e - hit.end > 2 || b.get(e).is_some_and(|c| is_alnum(*c)) {
            return hit.start + 1;
        }
        if plain_ok(&b[s..hit.start]) {
            cx.emit(
                Kind::MAIL_SERVICE_KEY,
                s,
                e,
                SCORE_STRONG,
                priority::PREFIXED_TOKEN,
            );
        }
        e
    }

    /// Azure `AccountKey=<88 base64>` and `SharedAccessKey=<44 base64>`: the value is reported.
    fn azure(&self, cx: &mut Cx<'_>, hit: &Hit, min: usize, max: usize) -> usize {
        let b = cx.bytes;
        let s = hit.end;
        let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=');
        let e = run_end(b, s, max, is_b64);
        let len = e - s;
        if len < min || len > max {
            return e.max(hit.start + 1);
        }
        let v = &cx.text[s..e];
        if looks_random(v.trim_end_matches('='), min.saturating_sub(4), 4.0) {
            cx.emit(
                Kind::AZURE_STORAGE_KEY,
                s,
                e,
                SCORE_STRONG,
                priority::PREFIXED_TOKEN,
            );
        }
        e
    }

    /// Telegram bot token: `<8-10 digits>:AA<33 base64url>`.
    fn telegram(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        if b.get(hit.start..hit.end) != Some(b":AA") {
            return hit.start + 1;
        }
        let mut s = hit.start;
        while s > 0 && hit.start - s <= 10 && b[s - 1].is_ascii_digit() {
            s -= 1;
        }
        let digits = hit.start - s;
        if !(8..=10).contains(&digits) || (s > 0 && is_alnum(b[s - 1])) {
            return hit.start + 1;
        }
        let is_body = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let e = run_end(b, hit.end, 40, is_body);
        if (32..=33).contains(&(e - hit.end)) && plain_ok(&b[hit.end..e]) {
            cx.emit(
                Kind::SAAS_TOKEN,
                s,
                e,
                SCORE_STRONG,
                priority::PREFIXED_TOKEN,
            );
        }
        e
    }

    /// `"private_key_id": "<40 hex>"` inside a Google service-account JSON
    /// (`"type": "service_account"` within 2 KiB).
    fn gcp(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let mut i = hit.end;
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if b.get(i) != Some(&b':') {
            return hit.end;
        }
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        if b.get(i) != Some(&b'"') {
            return hit.end;
        }
        let s = i + 1;
        let e = run_end(b, s, 40, |c| c.is_ascii_hexdigit());
        if e - s != 40 || b.get(e) != Some(&b'"') {
            return e;
        }
        let lo = cx.floor(hit.start.saturating_sub(2048));
        let hi = cx.ceil(e.saturating_add(2048));
        let near = cx.text.get(lo..hi).unwrap_or("");
        if near.contains("service_account") && plain_ok(&b[s..e]) {
            cx.emit(
                Kind::GCP_SERVICE_ACCOUNT,
                s,
                e,
                SCORE_CONFIRMED,
                priority::PREFIXED_TOKEN,
            );
        }
        e
    }
}

impl Detect for VendorTokens {
    fn id(&self) -> &'static str {
        "vendor_token"
    }

    fn kinds(&self) -> Vec<Kind> {
        let mut v: Vec<Kind> = RULES.iter().map(|r| r.kind).collect();
        v.extend([
            Kind::OPENAI_API_KEY,
            Kind::SLACK_TOKEN,
            Kind::MAIL_SERVICE_KEY,
            Kind::AZURE_STORAGE_KEY,
            Kind::SAAS_TOKEN,
            Kind::GCP_SERVICE_ACCOUNT,
            // The secret pasted after its key id (`paired_aws_secret`).
            Kind::AWS_SECRET_ACCESS_KEY,
        ]);
        v.sort();
        v.dedup();
        v
    }

    fn triggers(&self) -> Vec<Trigger> {
        // Prefixes are checked at token starts (one cheap pass however many there are); the
        // specials are anchors inside or around tokens, matched exactly.
        // Literal indices run across both triggers: the table, then SPECIALS in order.
        vec![
            Trigger::TokenPrefixes(
                RULES
                    .iter()
                    .map(|r| r.prefix)
                    .chain(SPECIALS[..TOKEN_SPECIALS].iter().copied())
                    .map(str::to_string)
                    .collect(),
            ),
            Trigger::LiteralsExact(
                SPECIALS[TOKEN_SPECIALS..]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            ),
        ]
    }

    fn max_len(&self) -> usize {
        4096
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        if let Some(rule) = RULES.get(hit.literal) {
            return self.table(cx, hit, rule);
        }
        match hit.literal - RULES.len() {
            SP_OPENAI_LEGACY => self.openai_legacy(cx, hit),
            SP_SLACK_HOOK => self.slack_hook(cx, hit),
            SP_MAILCHIMP => self.mailchimp(cx, hit),
            SP_AZURE_ACCOUNT_KEY => self.azure(cx, hit, 86, 88),
            SP_AZURE_SAS_KEY => self.azure(cx, hit, 43, 44),
            SP_TELEGRAM => self.telegram(cx, hit),
            SP_GCP_KEY_ID => self.gcp(cx, hit),
            SP_DISCORD_HOOK => self.discord_hook(cx, hit),
            _ => hit.start + 1,
        }
    }
}

/// Indices into [`RULES`] by the first byte of their prefix: [`has_vendor_prefix`] runs on
/// every assigned value and credential URI, and most values share a first byte with no rule.
static RULES_BY_FIRST: once_cell::sync::Lazy<Vec<Vec<u16>>> = once_cell::sync::Lazy::new(|| {
    let mut by = vec![Vec::new(); 256];
    for (i, r) in RULES.iter().enumerate() {
        if let (Some(&f), Ok(i)) = (r.prefix.as_bytes().first(), u16::try_from(i)) {
            by[usize::from(f)].push(i);
        }
    }
    by
});

/// True when `v` starts with a prefix of the vendor table: such values belong to the vendor
/// detector, which decides on them (including "not a token"), never to the keyword detectors.
pub(crate) fn has_vendor_prefix(v: &str) -> bool {
    let Some(&first) = v.as_bytes().first() else {
        return false;
    };
    RULES_BY_FIRST[usize::from(first)]
        .iter()
        .any(|&r| v.starts_with(RULES[usize::from(r)].prefix))
        || (v.starts_with("eyJ") && v.bytes().filter(|&c| c == b'.').count() >= 2)
        || v.contains("T3BlbkFJ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_prefix_index_agrees_with_the_table() {
        let naive = |v: &str| RULES.iter().any(|r| v.starts_with(r.prefix));
        let mut probes: Vec<String> = RULES
            .iter()
            .flat_map(|r| {
                let p = r.prefix;
                [
                    format!("{p}Xb7Kp2Qz9"),
                    p[..p.len() - 1].to_string(),
                    format!("x{p}"),
                ]
            })
            .collect();
        probes.extend(["", "S3cret!", "glpat", "postgres"].map(String::from));
        for v in &probes {
            let index = RULES_BY_FIRST
                .get(usize::from(v.as_bytes().first().copied().unwrap_or(0)))
                .is_some_and(|rs| {
                    rs.iter()
                        .any(|&r| v.starts_with(RULES[usize::from(r)].prefix))
                });
            assert_eq!(index, naive(v), "{v:?}");
        }
        assert!(RULES.iter().all(|r| has_vendor_prefix(r.prefix)));
    }
}
