//! Structure checks for credentials: GitHub/npm token checksums, JWT structure, PEM labels and
//! the Shannon-entropy helpers the secret detectors share. No regex, no panic on any input.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Encodes `n` in base62 (`0-9A-Za-z`), left-padded with `0` to six characters.
fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// True when the last six characters of a GitHub-style token body are the base62 CRC32 of the
/// characters before them.
///
/// GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens carry 30 random
/// base62 characters followed by a six-character base62 CRC32 (IEEE) of those 30. `token` may
/// include the prefix (`ghp_…`) or be the 36-character body alone; anything else is `false`.
///
/// ```
/// use lastgate::validate::github_token_checksum;
///
/// assert!(github_token_checksum("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"));
/// assert!(!github_token_checksum("ghp_ZJDeVREhkptGF7Wvep0NwJWlPEQP7a0t2nxM"));
/// ```
pub fn github_token_checksum(token: &str) -> bool {
    let body = match token.rfind('_') {
        Some(i) => token.get(i + 1..).unwrap_or(""),
        None => token,
    };
    let b = body.as_bytes();
    if b.len() != 36 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = b.split_at(30);
    base62_6(crc32fast::hash(random)) == check
}

/// Decodes one base64url (or standard base64) segment, with or without padding.
fn decode_segment(seg: &str) -> Option<Vec<u8>> {
    let seg = seg.trim_end_matches('=');
    if seg.is_empty() || seg.len() > 16 * 1024 {
        return None;
    }
    URL_SAFE_NO_PAD
        .decode(seg)
        .or_else(|_| STANDARD_NO_PAD.decode(seg))
        .ok()
}

/// True when `bytes`, trimmed of ASCII whitespace, is UTF-8 shaped like a JSON object
/// (`{ … }`) with balanced braces outside strings.
fn json_object_shape(bytes: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(bytes) else {
        return false;
    };
    let s = s.trim();
    if !(s.starts_with('{') && s.ends_with('}')) {
        return false;
    }
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    for c in s.bytes() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0 && !in_str
}

/// True when `bytes` is a JSON-object-shaped header with an `"alg"` member.
fn has_alg_member(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = bytes
        .get(i..)
        .and_then(|r| r.windows(5).position(|w| w == b"\"alg\""))
    {
        let mut j = i + p + 5;
        while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if bytes.get(j) == Some(&b':') {
            return true;
        }
        i = i + p + 1;
    }
    false
}

/// JSON Web Token structure: `header.payload.signature` where the header and payload are
/// base64url-encoded JSON objects and the header has an `"alg"` member. The signature may be
/// empty (unsecured `alg: none` tokens end with a dot) but must be base64url when present.
/// The signature is not verified (no key is known).
///
/// ```
/// use lastgate::validate::jwt;
///
/// assert!(jwt("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"));
/// assert!(!jwt("eyJhbGciOiJIUzI1NiJ9.not-json.sig"));
/// ```
pub fn jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let b64url = |x: &str| {
        x.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'=')
    };
    if !b64url(h) || !b64url(p) || !b64url(s) {
        return false;
    }
    let (Some(hb), Some(pb)) = (decode_segment(h), decode_segment(p)) else {
        return false;
    };
    json_object_shape(&hb) && has_alg_member(&hb) && json_object_shape(&pb)
}

/// True when `label` (the text between `-----BEGIN ` and `-----`) names private-key material:
/// `PRIVATE KEY` with an optional algorithm (`RSA`, `EC`, `DSA`, `OPENSSH`, `ENCRYPTED`, …) and
/// `PGP PRIVATE KEY BLOCK`. Public keys, certificates and requests are not.
///
/// ```
/// use lastgate::validate::pem_private_key_label;
///
/// assert!(pem_private_key_label("RSA PRIVATE KEY"));
/// assert!(pem_private_key_label("PGP PRIVATE KEY BLOCK"));
/// assert!(!pem_private_key_label("PUBLIC KEY"));
/// assert!(!pem_private_key_label("CERTIFICATE"));
/// ```
pub fn pem_private_key_label(label: &str) -> bool {
    if label == "PGP PRIVATE KEY BLOCK" {
        return true;
    }
    let Some(algo) = label.strip_suffix("PRIVATE KEY") else {
        return false;
    };
    let algo = algo.trim_end();
    algo.len() <= 24
        && algo
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ')
}

/// A crude "how random does this look" test for secret values: at least `min_len` bytes, not one
/// repeated character, not a run such as `abcdef…`/`123456…`, and Shannon entropy of at least
/// `min_entropy` bits per byte.
///
/// ```
/// use lastgate::validate::looks_random;
///
/// assert!(looks_random("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEK", 16, 3.5));
/// assert!(!looks_random("aaaaaaaaaaaaaaaaaaaaaaaa", 16, 3.5));
/// assert!(!looks_random("abcdefghijklmnopqrstuvwxyz", 16, 3.0));
/// ```
pub fn looks_random(s: &str, min_len: usize, min_entropy: f64) -> bool {
    let b = s.as_bytes();
    if b.len() < min_len {
        return false;
    }
    let sequential = b
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1) || w[1] == w[0])
        .count();
    if sequential * 10 > b.len().saturating_sub(1) * 6 {
        return false;
    }
    super::shannon_entropy(s) >= min_entropy
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn github_checksum_known() {
        // The Nosey Parker example that carries a valid checksum, and one mangled copy.
        assert!(github_token_checksum(
            "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"
        ));
        assert!(github_token_checksum(
            "ZJDeVREhkptGF7Wvep0NwJWlPEQP7a0t2nxL"
        ));
        assert!(!github_token_checksum(
            "ghp_ZJDeVREhkptGF7Wvep0NwJWlPEQP7a0t2nxM"
        ));
        assert!(!github_token_checksum("ghp_short"));
        assert!(!github_token_checksum(""));
        assert!(!github_token_checksum(
            "ghp_ZJDeVREhkptGF7Wvep0NwJWlPEQP7a0t2nx-"
        ));
    }

    #[test]
    fn base62_padding() {
        assert_eq!(&base62_6(0), b"000000");
        assert_eq!(&base62_6(61), b"00000z");
        assert_eq!(&base62_6(62), b"000010");
        assert_eq!(&base62_6(u32::MAX), b"4gfFC3");
    }

    #[test]
    fn jwt_shapes() {
        let ok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(jwt(ok));
        // alg none, empty signature.
        assert!(jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        // header without alg.
        assert!(!jwt("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.abc"));
        // payload not JSON.
        assert!(!jwt("eyJhbGciOiJub25lIn0.aGVsbG8.abc"));
        assert!(!jwt("a.b"));
        assert!(!jwt("a.b.c.d"));
        assert!(!jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.a b"));
    }

    #[test]
    fn pem_labels() {
        for l in [
            "PRIVATE KEY",
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "DSA PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "PGP PRIVATE KEY BLOCK",
        ] {
            assert!(pem_private_key_label(l), "{l}");
        }
        for l in [
            "PUBLIC KEY",
            "RSA PUBLIC KEY",
            "CERTIFICATE",
            "CERTIFICATE REQUEST",
            "PGP PUBLIC KEY BLOCK",
            "private key",
            "X PRIVATE KEY!",
        ] {
            assert!(!pem_private_key_label(l), "{l}");
        }
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = (github_token_checksum(&s), jwt(&s), pem_private_key_label(&s), looks_random(&s, 8, 3.0));
        }

        #[test]
        fn dotted_b64_never_panics(a in "[A-Za-z0-9_=-]{0,40}", b in "[A-Za-z0-9_=-]{0,40}", c in "[A-Za-z0-9_=-]{0,20}") {
            let _ = jwt(&format!("{a}.{b}.{c}"));
        }
    }
}
