//! Eight bytes at a time in a `u64` ("SIMD within a register"), for the byte walks of the hot
//! paths. Byte `k` of a slice is lane `k` of the little-endian word.

pub(crate) const ONES: u64 = u64::MAX / 255;
/// The high bit of every lane.
pub(crate) const HIGH: u64 = ONES * 128;
const LOW7: u64 = ONES * 127;

/// The high bit of every lane of `x` that holds an ASCII byte in `lo..=hi` (`hi < 128`), exact
/// for every lane ("hasbetween" from Bit Twiddling Hacks, kept per lane). With `low` a lane's
/// low 7 bits, `(128 + hi) - low` cannot borrow (it is at least `hi + 1`) and `low + (128 -
/// lo)` cannot carry (at most 255), so no lane affects the next; the three terms have the high
/// bit set exactly when `low <= hi`, the lane is ASCII, and `low >= lo`.
#[inline(always)]
pub(crate) const fn lanes_in(x: u64, lo: u8, hi: u8) -> u64 {
    let low = x & LOW7;
    (ONES * (128 + hi as u64)).wrapping_sub(low)
        & !x
        & low.wrapping_add(ONES * (128 - lo as u64))
        & HIGH
}

/// The eight lanes of `x`, each 0 or 1, as eight bits: lane `j` at bit `j`.
///
/// Read as a little-endian `u64` (lane `j` at bit `8j`), `x * PACK` with `PACK = sum(2^(7k +
/// 7), k = 0..8)` has the terms `x_j * 2^(8j + 7k + 7)`; these exponents are all distinct (`8j +
/// 7k = 8j' + 7k'` needs `|k - k'| = 8`), so nothing carries, and the term with `j + k = 7` puts
/// `x_j` at bit `56 + j`: the top byte holds the eight bits in order.
#[inline(always)]
pub(crate) const fn lane_bits(x: u64) -> u64 {
    const PACK: u64 = 0x0102_0408_1020_4080;
    x.wrapping_mul(PACK) >> 56
}

/// The 8 bytes at `i` as a little-endian `u64`, when there are 8.
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i..i.checked_add(8)?)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    Some(u64::from_le_bytes(w))
}

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes; the rest count as unset) is an ASCII
/// letter. Eight bytes at a time, without a branch per byte.
#[inline]
pub(crate) fn letter_bits(chunk: &[u8]) -> u64 {
    let mut pad = [0u8; 64];
    let n = chunk.len().min(64);
    pad[..n].copy_from_slice(&chunk[..n]);
    let mut m = 0u64;
    for (k, w) in pad.chunks_exact(8).enumerate() {
        let mut x = [0u8; 8];
        x.copy_from_slice(w);
        // Setting bit 5 maps `A..=Z` onto `a..=z` and nothing else onto `a..=z`.
        let letters = lanes_in(u64::from_le_bytes(x) | (ONES * 0x20), b'a', b'z');
        m |= lane_bits(letters >> 7) << (8 * k);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_in_is_exact_for_every_byte_lane_and_neighbour() {
        for (lo, hi) in [
            (b'0', b'9'),
            (b'a', b'f'),
            (b'A', b'F'),
            (1, 127),
            (b'x', b'x'),
        ] {
            for b in 0u8..=255 {
                for lane in 0..8 {
                    for fill in [
                        b'a', b'0', b'9', b'/', b':', b'f', b'g', 0x00, 0x7F, 0x80, 0xFF,
                    ] {
                        let mut w = [fill; 8];
                        w[lane] = b;
                        let want = w.iter().enumerate().fold(0u64, |m, (k, &c)| {
                            m | u64::from(c.is_ascii() && (lo..=hi).contains(&c)) << (8 * k + 7)
                        });
                        assert_eq!(
                            lanes_in(u64::from_le_bytes(w), lo, hi),
                            want,
                            "{lo}..={hi} byte {b} lane {lane} fill {fill}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn lane_bits_packs_every_pattern() {
        for bits in 0u64..256 {
            let x = (0..8).fold(0u64, |x, j| x | (bits >> j & 1) << (8 * j));
            assert_eq!(lane_bits(x), bits);
        }
    }

    #[test]
    fn letter_bits_marks_ascii_letters() {
        let all: Vec<u8> = (0u8..=255).collect();
        for chunk in all
            .chunks(64)
            .chain(all.chunks(37))
            .chain([&all[60..70], &[][..]])
        {
            let want = chunk.iter().enumerate().take(64).fold(0u64, |m, (k, c)| {
                m | u64::from(c.is_ascii_alphabetic()) << k
            });
            assert_eq!(letter_bits(chunk), want);
        }
    }
}
