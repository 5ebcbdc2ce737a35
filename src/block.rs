//! 16-byte blocks read as bit masks of byte classes, for the passes that look at every byte
//! (digits, token windows, context words, hex tokens, label words, URI ends).
//!
//! A block is a `wide::u8x16`: on x86-64 a class test is a subtraction, a `max` and a compare
//! over all sixteen bytes, and the mask is one `movemask` (NEON and wasm simd128 have their
//! equivalents; other targets get `wide`'s portable fallback). This crate stays
//! `forbid(unsafe_code)`: the intrinsics are behind `wide`'s safe API. (Before, the masks were
//! packed eight bytes at a time with a multiply, about half the cost of a window.)

use wide::u8x16;

/// Sixteen bytes, ready for class tests.
#[derive(Clone, Copy)]
pub(crate) struct Block(u8x16);

/// The result of a class test: one flag per byte of a [`Block`] (0xFF in flagged lanes, 0
/// elsewhere).
#[derive(Clone, Copy)]
pub(crate) struct Flags(u8x16);

impl Block {
    /// The 16 bytes of `c`.
    #[inline(always)]
    pub(crate) fn new(c: &[u8; 16]) -> Block {
        Block(u8x16::new(*c))
    }

    /// Bytes in `lo..=hi` (`lo <= hi`).
    #[inline(always)]
    pub(crate) fn in_range(self, lo: u8, hi: u8) -> Flags {
        debug_assert!(lo <= hi);
        // `v - lo` wraps below `lo`, so it is at most `hi - lo` exactly for `lo..=hi`.
        let span = u8x16::splat(hi - lo);
        Flags((self.0 - u8x16::splat(lo)).max(span).simd_eq(span))
    }

    /// Bytes equal to `x`.
    #[inline(always)]
    pub(crate) fn eq(self, x: u8) -> Flags {
        Flags(self.0.simd_eq(u8x16::splat(x)))
    }

    /// ASCII letters of either case.
    #[inline(always)]
    pub(crate) fn letters(self) -> Flags {
        // Setting bit 5 maps `A..=Z` onto `a..=z` and nothing else onto `a..=z`.
        Block(self.0 | u8x16::splat(0x20)).in_range(b'a', b'z')
    }

    /// ASCII digits.
    #[inline(always)]
    pub(crate) fn digits(self) -> Flags {
        self.in_range(b'0', b'9')
    }

    /// ASCII hex digits of either case.
    #[inline(always)]
    pub(crate) fn hex_digits(self) -> Flags {
        // Bit 5 set maps only `A..=F` onto `a..=f` (the digits are tested as they are).
        self.digits() | Block(self.0 | u8x16::splat(0x20)).in_range(b'a', b'f')
    }
}

impl Flags {
    /// Bit `k` set when byte `k` of the block is flagged.
    #[inline(always)]
    pub(crate) fn bits(self) -> u16 {
        // Sixteen lanes give sixteen bits.
        self.0.to_bitmask() as u16
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;

    #[inline(always)]
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// The masks of the four blocks of a 64-byte window, one class test for all of them: bit `i`
/// set when `class` flags byte `i`.
#[inline(always)]
pub(crate) fn window_bits(w: &[u8; 64], class: impl Fn(Block) -> Flags) -> u64 {
    let mut m = 0u64;
    for (k, c) in w.chunks_exact(16).enumerate() {
        if let Ok(c) = <&[u8; 16]>::try_from(c) {
            m |= u64::from(class(Block::new(c)).bits()) << (16 * k);
        }
    }
    m
}

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes; the rest count as unset) is an ASCII
/// letter; and the same mask of its backslashes, which may start escapes such as `\n` in JSON
/// text read raw.
#[inline]
pub(crate) fn letter_and_backslash_bits(chunk: &[u8]) -> (u64, u64) {
    chunk_bits2(chunk, Block::letters, |b| b.eq(b'\\'))
}

/// Bit `k` set when byte `k` of `chunk` (at most 64 bytes; the rest count as unset) is a word
/// byte: an ASCII letter, digit or `_` (see [`crate::detect::is_word_byte`]); and the mask of
/// its backslashes.
#[inline]
pub(crate) fn word_and_backslash_bits(chunk: &[u8]) -> (u64, u64) {
    chunk_bits2(
        chunk,
        |b| b.letters() | b.digits() | b.eq(b'_'),
        |b| b.eq(b'\\'),
    )
}

/// The masks of two classes over `chunk` (at most 64 bytes; the rest count as unset), one load
/// per block. Neither class may flag the zero byte, which pads the last block.
#[inline(always)]
fn chunk_bits2(
    chunk: &[u8],
    class: impl Fn(Block) -> Flags,
    class2: impl Fn(Block) -> Flags,
) -> (u64, u64) {
    let chunk = &chunk[..chunk.len().min(64)];
    let mut m = 0u64;
    let mut m2 = 0u64;
    let mut blocks = chunk.chunks_exact(16);
    let mut k = 0;
    for c in blocks.by_ref() {
        if let Ok(c) = <&[u8; 16]>::try_from(c) {
            let blk = Block::new(c);
            m |= u64::from(class(blk).bits()) << k;
            m2 |= u64::from(class2(blk).bits()) << k;
        }
        k += 16;
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        // Here `k <= 48`; the zero padding is not flagged.
        let mut pad = [0u8; 16];
        pad[..rest.len()].copy_from_slice(rest);
        let blk = Block::new(&pad);
        m |= u64::from(class(blk).bits()) << k;
        m2 |= u64::from(class2(blk).bits()) << k;
    }
    (m, m2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-by-byte meaning of a mask.
    fn naive(c: &[u8; 16], f: impl Fn(u8) -> bool) -> u16 {
        c.iter()
            .enumerate()
            .fold(0, |m, (k, &b)| m | u16::from(f(b)) << k)
    }

    #[test]
    fn class_tests_match_the_byte_tests_for_every_byte_in_every_lane() {
        let ranges = [
            (b'0', b'9'),
            (b'a', b'z'),
            (0x2B, 0x7A),
            (b'+', b'+'),
            (0, 127),
            (0x80, 0xFF),
        ];
        for b in 0u8..=255 {
            for lane in 0..16 {
                for fill in [b'a', b'0', b' ', 0x00, 0x7F, 0x80, 0xFF, b'Z'] {
                    let mut c = [fill; 16];
                    c[lane] = b;
                    let blk = Block::new(&c);
                    for (lo, hi) in ranges {
                        assert_eq!(
                            blk.in_range(lo, hi).bits(),
                            naive(&c, |x| (lo..=hi).contains(&x)),
                            "{lo}..={hi} byte {b:#x} lane {lane} fill {fill:#x}"
                        );
                    }
                    assert_eq!(blk.letters().bits(), naive(&c, |x| x.is_ascii_alphabetic()));
                    assert_eq!(blk.digits().bits(), naive(&c, |x| x.is_ascii_digit()));
                    assert_eq!(
                        blk.hex_digits().bits(),
                        naive(&c, |x| x.is_ascii_hexdigit())
                    );
                    assert_eq!(blk.eq(b'_').bits(), naive(&c, |x| x == b'_'));
                    assert_eq!(
                        (blk.digits() | blk.eq(b'-')).bits(),
                        naive(&c, |x| x.is_ascii_digit() || x == b'-')
                    );
                }
            }
        }
    }

    #[test]
    fn window_bits_put_block_k_at_bits_16k() {
        let mut w = [b'x'; 64];
        for i in [0, 15, 16, 31, 40, 63] {
            w[i] = b'7';
        }
        let m = window_bits(&w, Block::digits);
        assert_eq!(
            m,
            (1 << 0) | (1 << 15) | (1 << 16) | (1 << 31) | (1 << 40) | (1 << 63)
        );
    }

    #[test]
    fn letter_word_and_backslash_bits_mark_their_bytes() {
        let all: Vec<u8> = (0u8..=255).collect();
        for chunk in all
            .chunks(64)
            .chain(all.chunks(37))
            .chain(all.chunks(16))
            .chain([&all[60..70], &all[..100], &[][..]])
        {
            let want = chunk.iter().enumerate().take(64).fold(0u64, |m, (k, c)| {
                m | u64::from(c.is_ascii_alphabetic()) << k
            });
            let bs = chunk
                .iter()
                .enumerate()
                .take(64)
                .fold(0u64, |m, (k, c)| m | u64::from(*c == b'\\') << k);
            assert_eq!(letter_and_backslash_bits(chunk), (want, bs));
            let want = chunk.iter().enumerate().take(64).fold(0u64, |m, (k, c)| {
                m | u64::from(c.is_ascii_alphanumeric() || *c == b'_') << k
            });
            assert_eq!(word_and_backslash_bits(chunk), (want, bs));
        }
    }
}
