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

/// The 8 bytes at `i` as a little-endian `u64`, when there are 8.
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i..i.checked_add(8)?)?;
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    Some(u64::from_le_bytes(w))
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
}
