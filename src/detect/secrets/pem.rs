//! PEM / OpenSSH / PGP private-key blocks.

use super::super::{priority, Cx, Detect, Hit, Trigger, SCORE_CONFIRMED, SCORE_WITH_CUE};
use crate::finding::Kind;
use crate::validate::pem_private_key_label;

/// The longest block reported, in bytes (an 8192-bit RSA key in PEM is about 6.5 KiB, a PGP
/// secret key block with sub-keys can reach 10-20 KiB). Past the cap, the block is reported from
/// BEGIN up to the cap as a truncated block.
pub(crate) const MAX_BLOCK: usize = 32 * 1024;

/// Minimum number of base64 characters in the body: `-----BEGIN PRIVATE KEY-----\nanything\n…`
/// is a template, not a key.
const MIN_BODY_B64: usize = 64;

/// `-----BEGIN <label>-----` … `-----END <label>-----` where the label names private-key material
/// (see [`pem_private_key_label`]). The whole block, BEGIN to END line inclusive, is the span.
///
/// The body may be wrapped in quotes and string concatenation (`"…\n" +`), carry literal `\n`
/// or `\r\n` escapes (JSON), and PEM headers (`Proc-Type:`, `DEK-Info:`, `Comment:`). It is
/// scanned once, up to the first `-----`: an END with the same label closes the block; a
/// different marker or none within [`MAX_BLOCK`] leaves a truncated block, reported from BEGIN to
/// the end of its base64 body (score 0.8) when the body is long enough to be key material.
pub(crate) struct PemPrivateKey;

#[inline]
fn body_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'+' | b'/'
                | b'='
                | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'\\'
                | b','
                | b':'
                | b'-'
                | b'.'
                | b';'
                | b'('
                | b')'
                | b'`'
        )
}

impl Detect for PemPrivateKey {
    fn id(&self) -> &'static str {
        "private_key"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::PRIVATE_KEY]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literals(vec!["-----BEGIN ".into()])]
    }

    fn max_len(&self) -> usize {
        MAX_BLOCK
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let s = hit.start;
        if b.get(s..hit.end) != Some(b"-----BEGIN ") {
            return s + 1;
        }
        // Label: upper-case words up to the closing dashes, at most 40 bytes.
        let l_start = hit.end;
        let mut i = l_start;
        while i < b.len()
            && i - l_start < 40
            && (b[i].is_ascii_uppercase() || b[i] == b' ' || b[i].is_ascii_digit())
        {
            i += 1;
        }
        let label = &cx.text[l_start..i];
        if b.get(i..i + 5) != Some(b"-----") || !pem_private_key_label(label) {
            return i.max(s + 1);
        }
        let header_end = i + 5;
        let cap = s.saturating_add(MAX_BLOCK).min(b.len());
        // Body: scan once to the first run of five dashes (or a byte no body has).
        let mut j = header_end;
        let mut b64 = 0usize;
        let mut last_b64_end = header_end;
        let mut prev_escape = false;
        while j < cap {
            let c = b[j];
            if c == b'-' && b.get(j..j + 5) == Some(b"-----") {
                break;
            }
            if !body_byte(c) {
                break;
            }
            // `\n`, `\r`, `\t` escapes are not base64 characters.
            let escaped = prev_escape && matches!(c, b'n' | b'r' | b't');
            prev_escape = c == b'\\' && !prev_escape;
            if !escaped && (c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=') {
                b64 += 1;
                last_b64_end = j + 1;
            }
            j += 1;
        }
        let end_marker = b"-----END ";
        if b.get(j..j + end_marker.len()) == Some(end_marker) {
            let e_label_start = j + end_marker.len();
            let e_label_end = e_label_start + label.len();
            if b.get(e_label_start..e_label_end) == Some(label.as_bytes())
                && b.get(e_label_end..e_label_end + 5) == Some(b"-----")
                && e_label_end + 5 - s <= MAX_BLOCK
            {
                let end = e_label_end + 5;
                if b64 >= MIN_BODY_B64 {
                    cx.emit(
                        Kind::PRIVATE_KEY,
                        s,
                        end,
                        SCORE_CONFIRMED,
                        priority::CONTAINER,
                    );
                }
                return end;
            }
        }
        // No matching END: a truncated (or over-long) block, reported from BEGIN to the end of
        // its last line of pure base64 (PEM header lines such as `Proc-Type:` may precede).
        let _ = last_b64_end;
        let mut end = header_end;
        let mut count = 0usize;
        let mut off = header_end;
        for line in cx.text[header_end..j].split('\n') {
            let line_start = off;
            off += line.len() + 1;
            let pure = line.trim();
            if pure.is_empty() {
                continue;
            }
            if pure
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
            {
                count += pure.len();
                end = line_start + line.trim_end().len();
            } else if pure.contains(':') && count == 0 {
                continue;
            } else {
                break;
            }
        }
        if count >= MIN_BODY_B64 && b64 >= MIN_BODY_B64 {
            let end = cx.floor(end);
            cx.emit(
                Kind::PRIVATE_KEY,
                s,
                end,
                SCORE_WITH_CUE,
                priority::CONTAINER,
            );
        }
        j.max(s + 1)
    }
}
