//! Where randomness comes from: the host's [`Entropy`] source or, with feature `os-rng`,
//! [`OsEntropy`]. Base62 characters are drawn by rejection sampling: no modulo bias.

use core::fmt;

use zeroize::Zeroize;

use super::format::BASE62;

/// The entropy source failed. Carries no detail (an OS error code would not help the caller
/// and could differ between platforms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntropyError;

impl fmt::Display for EntropyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the entropy source failed")
    }
}

impl std::error::Error for EntropyError {}

/// A source of cryptographically secure random bytes, supplied by the host.
///
/// Implement it over your platform's CSPRNG, an HSM, or (in tests only) a deterministic
/// stream. Every byte must be uniformly random and unpredictable: key secrets are drawn from
/// it.
pub trait Entropy {
    /// Fills `dest` entirely with random bytes, or fails.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError>;
}

impl<E: Entropy + ?Sized> Entropy for &mut E {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        (**self).fill(dest)
    }
}

/// Operating-system entropy (`getrandom`). Available with the default feature `os-rng`.
#[cfg(feature = "os-rng")]
#[derive(Clone, Copy, Debug, Default)]
pub struct OsEntropy;

#[cfg(feature = "os-rng")]
impl Entropy for OsEntropy {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
        getrandom::getrandom(dest).map_err(|_| EntropyError)
    }
}

/// Fills `out` with uniformly random Base62 characters.
///
/// Each random byte is masked to 6 bits (0..=63) and kept only when below 62, so every
/// character has probability exactly 1/62. The scratch buffer is zeroized before returning.
pub(crate) fn fill_base62<E: Entropy + ?Sized>(
    entropy: &mut E,
    out: &mut [u8],
) -> Result<(), EntropyError> {
    let mut buf = [0u8; 64];
    let mut filled = 0;
    // Acceptance is 62/64 per byte, so one 64-byte draw nearly always suffices; the bound
    // stops a broken source that returns only rejected bytes (e.g. all 0xFF) from looping
    // forever.
    let mut rounds = 0;
    while filled < out.len() {
        if rounds == 64 {
            buf.zeroize();
            return Err(EntropyError);
        }
        rounds += 1;
        entropy.fill(&mut buf)?;
        for &b in &buf {
            let v = b & 0x3F;
            if let (true, Some(slot)) = (v < 62, out.get_mut(filled)) {
                *slot = BASE62.get(usize::from(v)).copied().unwrap_or(b'0');
                filled += 1;
            }
        }
    }
    buf.zeroize();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(u8);
    impl Entropy for Counter {
        fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
            for b in dest {
                *b = self.0;
                self.0 = self.0.wrapping_add(1);
            }
            Ok(())
        }
    }

    struct Stuck;
    impl Entropy for Stuck {
        fn fill(&mut self, dest: &mut [u8]) -> Result<(), EntropyError> {
            dest.fill(0xFF);
            Ok(())
        }
    }

    #[test]
    fn every_base62_value_is_reachable_and_uniform() {
        // Bytes 0..=255 once each: every 6-bit value appears 4 times; 62 and 63 are rejected.
        let mut out = [0u8; 248];
        fill_base62(&mut Counter(0), &mut out).unwrap();
        for &c in BASE62 {
            assert_eq!(out.iter().filter(|&&b| b == c).count(), 4);
        }
    }

    #[test]
    fn broken_source_fails_instead_of_looping() {
        let mut out = [0u8; 32];
        assert_eq!(fill_base62(&mut Stuck, &mut out), Err(EntropyError));
    }

    #[cfg(feature = "os-rng")]
    #[test]
    fn os_entropy_works() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        fill_base62(&mut OsEntropy, &mut a).unwrap();
        fill_base62(&mut OsEntropy, &mut b).unwrap();
        assert_ne!(a, b);
        assert!(a.iter().all(|c| c.is_ascii_alphanumeric()));
    }
}
