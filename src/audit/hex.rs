//! Lowercase hex for 32-byte digests (the only form the canonical profile accepts).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 64 lowercase hex digits.
pub(crate) fn encode32(b: &[u8; 32]) -> String {
    encode(b)
}

/// Lowercase hex of any byte string.
pub(crate) fn encode(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(char::from(HEX[usize::from(x >> 4)]));
        s.push(char::from(HEX[usize::from(x & 0xf)]));
    }
    s
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes lowercase hex of any even length; `None` for anything else (uppercase included).
pub(crate) fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| Some((nibble(*p.first()?)? << 4) | nibble(*p.get(1)?)?))
        .collect()
}

/// Decodes exactly 64 lowercase hex digits.
pub(crate) fn decode32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    decode(s)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn roundtrip() {
        let d = [0xabu8; 32];
        let h = super::encode32(&d);
        assert_eq!(super::decode32(&h), Some(d));
        assert_eq!(super::decode32(&h.to_uppercase()), None);
        assert_eq!(super::decode32(&h[1..]), None);
        assert_eq!(super::decode("0g"), None);
    }
}
