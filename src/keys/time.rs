//! [`Timestamp`]: the host's clock, passed in as a value. The library never reads the time.

use core::fmt;
use core::time::Duration;

/// A point in time in milliseconds since the Unix epoch (UTC), supplied by the host.
///
/// The library never calls `SystemTime::now()`: every function that needs the time takes one
/// of these, which keeps verification pure and testable. Arithmetic saturates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Timestamp(u64);

impl Timestamp {
    /// The Unix epoch.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// From milliseconds since the Unix epoch.
    pub const fn from_unix_millis(ms: u64) -> Timestamp {
        Timestamp(ms)
    }

    /// From seconds since the Unix epoch (saturating).
    pub const fn from_unix_secs(s: u64) -> Timestamp {
        Timestamp(s.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_unix_millis(self) -> u64 {
        self.0
    }

    /// `self + d`, saturating at the far future.
    pub fn saturating_add(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(duration_ms(d)))
    }

    /// Milliseconds from `earlier` to `self`, or 0 if `earlier` is later.
    pub const fn millis_since(self, earlier: Timestamp) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// Whole milliseconds in `d`, saturating.
pub(crate) fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let t = Timestamp::from_unix_secs(10);
        assert_eq!(t.as_unix_millis(), 10_000);
        assert_eq!(
            t.saturating_add(Duration::from_millis(5)).as_unix_millis(),
            10_005
        );
        assert_eq!(
            Timestamp::from_unix_millis(u64::MAX - 1)
                .saturating_add(Duration::MAX)
                .as_unix_millis(),
            u64::MAX
        );
        assert_eq!(
            Timestamp::from_unix_secs(u64::MAX).as_unix_millis(),
            u64::MAX
        );
        assert_eq!(t.millis_since(Timestamp::from_unix_secs(11)), 0);
        assert_eq!(Timestamp::from_unix_secs(11).millis_since(t), 1000);
    }
}
