//! JSON Web Tokens, anchored on `eyJ` (base64 of `{"`).

use super::super::{priority, Cx, Detect, Hit, Trigger, SCORE_CONFIRMED};
use super::run_end;
use crate::finding::Kind;

/// Longest segment examined, in bytes. Real headers are < 1 KiB, payloads a few KiB.
const MAX_SEGMENT: usize = 8 * 1024;

/// `header.payload.signature` validated by [`crate::validate::jwt`]: the header decodes to a
/// JSON object with `"alg"`, the payload to a JSON object. The signature may be empty (`alg:
/// none`), and such unsigned tokens are reported too: they still carry the claims of a session
/// and are accepted by misconfigured servers.
pub(crate) struct Jwt;

#[inline]
fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

impl Detect for Jwt {
    fn id(&self) -> &'static str {
        "jwt"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::JWT]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(vec!["eyJ".into()])]
    }

    fn max_len(&self) -> usize {
        3 * MAX_SEGMENT + 2
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let s = hit.start;
        if b.get(s..s + 3) != Some(b"eyJ") {
            return s + 1;
        }
        if s > 0 && is_b64url(b[s - 1]) {
            // Inside a longer base64 run; skip the rest of that run.
            return run_end(b, s, MAX_SEGMENT, is_b64url);
        }
        let h_end = run_end(b, s, MAX_SEGMENT, is_b64url);
        if h_end - s > MAX_SEGMENT || b.get(h_end) != Some(&b'.') || h_end - s < 10 {
            return h_end.max(s + 1);
        }
        let p_start = h_end + 1;
        let p_end = run_end(b, p_start, MAX_SEGMENT, is_b64url);
        if p_end - p_start > MAX_SEGMENT || b.get(p_end) != Some(&b'.') || p_end - p_start < 4 {
            return p_end.max(s + 1);
        }
        let sig_start = p_end + 1;
        let mut end = run_end(b, sig_start, MAX_SEGMENT, is_b64url);
        if end - sig_start > MAX_SEGMENT {
            return end;
        }
        // Tolerate base64 padding some libraries leave on the signature.
        while end - sig_start < MAX_SEGMENT && b.get(end) == Some(&b'=') {
            end += 1;
        }
        // A token glued to more dotted segments is something else (a JWE has five parts).
        if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|c| is_b64url(*c)) {
            return end;
        }
        if crate::validate::jwt(&cx.text[s..end]) {
            cx.emit(Kind::JWT, s, end, SCORE_CONFIRMED, priority::JWT);
        }
        end
    }
}
