//! Lowercase hex for 32-byte digests (the only form the canonical profile accepts).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends 64 lowercase hex digits to `out`.
pub(crate) fn push32(out: &mut String, b: &[u8; 32]) {
    let mut buf = [0u8; 64];
    for (pair, &x) in buf.chunks_exact_mut(2).zip(b) {
        if let [h, l] = pair {
            *h = HEX[usize::from(x >> 4)];
            *l = HEX[usize::from(x & 0xf)];
        }
    }
    // Hex digits are ASCII.
    out.push_str(core::str::from_utf8(&buf).unwrap_or_default());
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
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| Some((nibble(*p.first()?)? << 4) | nibble(*p.get(1)?)?))
        .collect()
}

/// Nibble values of lowercase hex digits; 0x80 marks every other byte.
static NIBBLE: [u8; 256] = {
    let mut t = [0x80u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Decodes exactly 64 lowercase hex digits given as bytes.
pub(crate) fn decode32_bytes(b: &[u8]) -> Option<[u8; 32]> {
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (o, p) in out.iter_mut().zip(b.chunks_exact(2)) {
        if let [h, l] = p {
            let (h, l) = (NIBBLE[usize::from(*h)], NIBBLE[usize::from(*l)]);
            bad |= h | l;
            *o = (h << 4) | (l & 0x0f);
        }
    }
    (bad & 0x80 == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn roundtrip() {
        let d = [0xabu8; 32];
        let mut h = String::new();
        super::push32(&mut h, &d);
        assert_eq!(h, super::encode(&d));
        assert_eq!(super::decode32_bytes(h.as_bytes()), Some(d));
        assert_eq!(super::decode32_bytes(h.to_uppercase().as_bytes()), None);
        assert_eq!(super::decode32_bytes(&h.as_bytes()[1..]), None);
        assert_eq!(super::decode("0g"), None);
    }
}
