//! A fixed-width bitset over provider indices.

/// A set of provider indices, one bit per provider, `words` 64-bit words wide.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Bits(Box<[u64]>);

impl Bits {
    pub(crate) fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)].into_boxed_slice())
    }

    pub(crate) fn full(n: usize) -> Bits {
        let mut b = Bits::empty(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }

    pub(crate) fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    pub(crate) fn or_assign(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= *b;
        }
    }

    /// `self &= !other`.
    pub(crate) fn and_not_assign(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a &= !*b;
        }
    }

    /// True when `self & other` is not empty.
    pub(crate) fn intersects(&self, other: &Bits) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub(crate) fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Records `other` into a "seen once" / "seen twice or more" pair.
    pub(crate) fn count_into(other: &Bits, once: &mut Bits, twice: &mut Bits) {
        for ((o, t), b) in once
            .0
            .iter_mut()
            .zip(twice.0.iter_mut())
            .zip(other.0.iter())
        {
            *t |= *o & *b;
            *o |= *b;
        }
    }

    pub(crate) fn iter(&self) -> Ones<'_> {
        Ones {
            words: &self.0,
            index: 0,
            current: self.0.first().copied().unwrap_or(0),
        }
    }
}

/// The indices of the set bits, ascending.
#[derive(Clone, Debug)]
pub(crate) struct Ones<'a> {
    words: &'a [u64],
    index: usize,
    current: u64,
}

impl Iterator for Ones<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.current != 0 {
                let bit = self.current.trailing_zeros() as usize;
                self.current &= self.current - 1;
                return Some(self.index * 64 + bit);
            }
            self.index += 1;
            self.current = *self.words.get(self.index)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let mut a = Bits::empty(130);
        assert!(a.is_empty());
        a.set(0);
        a.set(64);
        a.set(129);
        a.set(500); // out of range: ignored
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 64, 129]);
        assert_eq!(a.count(), 3);
        assert!(a.get(129) && !a.get(128) && !a.get(9999));
        let full = Bits::full(130);
        assert_eq!(full.count(), 130);
        let mut b = full.clone();
        b.and_not_assign(&a);
        assert_eq!(b.count(), 127);
        assert!(!b.intersects(&a));
        b.or_assign(&a);
        assert_eq!(b, full);
        let (mut once, mut twice) = (Bits::empty(130), Bits::empty(130));
        Bits::count_into(&a, &mut once, &mut twice);
        Bits::count_into(&full, &mut once, &mut twice);
        assert_eq!(twice, a);
    }
}
