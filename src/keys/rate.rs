//! A pure GCRA (generic cell rate algorithm) rate limiter: state in, state out.
//!
//! GCRA is the token bucket written with one number of state: the *theoretical arrival time*
//! (TAT) of the next request at the sustained rate. The host stores [`RateState`] wherever it
//! likes (in the key record, in a cache) and applies the new state with compare-and-swap, so
//! concurrent gateways never double-spend a burst.

use core::time::Duration;

use super::error::KeyError;
use super::time::{duration_ms, Timestamp};

/// A rate limit: `limit` requests per `window`, with bursts of up to `burst` requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateLimit {
    limit: u32,
    window_ms: u64,
    burst: u32,
}

impl RateLimit {
    /// `limit` requests per `window`, burst equal to `limit` (the classic bucket that starts
    /// full). Needs `limit >= 1`, a window of at least 1 ms, and at most one request per
    /// microsecond on average.
    pub fn per(limit: u32, window: Duration) -> Result<RateLimit, KeyError> {
        RateLimit::new(limit, window, limit)
    }

    /// `limit` requests per `window`, with bursts of at most `burst` requests (`burst >= 1`).
    pub fn new(limit: u32, window: Duration, burst: u32) -> Result<RateLimit, KeyError> {
        let r = RateLimit {
            limit,
            window_ms: duration_ms(window),
            burst,
        };
        if r.is_valid() {
            Ok(r)
        } else {
            Err(KeyError::rate_limit())
        }
    }

    /// Requests per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window.
    pub fn window(&self) -> Duration {
        Duration::from_millis(self.window_ms)
    }

    /// Largest burst.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Records can be deserialized, so the invariants are checked again before use.
    pub(crate) fn is_valid(&self) -> bool {
        self.limit >= 1 && self.burst >= 1 && self.window_ms >= 1 && self.interval_us() >= 1
    }

    /// Emission interval: the time one request "costs", in microseconds.
    fn interval_us(&self) -> u128 {
        u128::from(self.window_ms) * 1000 / u128::from(self.limit.max(1))
    }
}

/// The limiter state: the theoretical arrival time, in microseconds since the Unix epoch.
/// The default (zero) is a full bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct RateState {
    tat_us: u64,
}

impl RateState {
    /// The theoretical arrival time in microseconds since the Unix epoch.
    pub fn tat_micros(&self) -> u64 {
        self.tat_us
    }

    /// A state from a stored theoretical arrival time.
    pub fn from_tat_micros(tat_us: u64) -> RateState {
        RateState { tat_us }
    }
}

/// The outcome of one limiter step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateDecision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The state to store. Equal to the input state when the request was refused.
    pub state: RateState,
    /// When refused: milliseconds (rounded up) until the same request would be allowed.
    /// `None` when allowed, and when it never will be (cost above the burst).
    pub retry_after_ms: Option<u64>,
    /// Requests of cost 1 that could still be made right now after this one.
    pub remaining: u32,
}

/// One GCRA step: may a request of `cost` units pass at `now`, given `state`?
///
/// Pure and total: a cost of 0 is always allowed and leaves the state alone; a clock that goes
/// backwards never grants extra requests; invalid limits (from a corrupt record) refuse.
pub fn step(limit: &RateLimit, state: RateState, now: Timestamp, cost: u32) -> RateDecision {
    let refuse = |retry| RateDecision {
        allowed: false,
        state,
        retry_after_ms: retry,
        remaining: 0,
    };
    if !limit.is_valid() {
        return refuse(None);
    }
    let t = u128::from(now.as_unix_millis()) * 1000;
    let interval = limit.interval_us();
    let tolerance = interval * u128::from(limit.burst);
    let tat = u128::from(state.tat_us).max(t);
    let remaining_of = |tat: u128| {
        let slack = (t + tolerance).saturating_sub(tat);
        u32::try_from(slack / interval).unwrap_or(u32::MAX)
    };
    if cost == 0 {
        return RateDecision {
            allowed: true,
            state,
            retry_after_ms: None,
            remaining: remaining_of(tat),
        };
    }
    if cost > limit.burst {
        return refuse(None);
    }
    let new_tat = tat + interval * u128::from(cost);
    // Earliest time at which this request conforms.
    let allow_at = new_tat.saturating_sub(tolerance);
    if t < allow_at {
        let wait_us = allow_at - t;
        let ms = wait_us.div_ceil(1000);
        return refuse(Some(u64::try_from(ms).unwrap_or(u64::MAX)));
    }
    match u64::try_from(new_tat) {
        Ok(tat_us) => RateDecision {
            allowed: true,
            state: RateState { tat_us },
            retry_after_ms: None,
            remaining: remaining_of(new_tat),
        },
        // Beyond year 586,000: refuse rather than wrap.
        Err(_) => refuse(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Timestamp {
        Timestamp::from_unix_millis(v)
    }

    #[test]
    fn burst_then_steady_rate() {
        // 10 per second, burst 10: interval 100 ms.
        let l = RateLimit::per(10, Duration::from_secs(1)).unwrap();
        let mut s = RateState::default();
        let t0 = 1_700_000_000_000;
        for i in 0..10 {
            let d = step(&l, s, ms(t0), 1);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 9 - i);
            s = d.state;
        }
        let d = step(&l, s, ms(t0), 1);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_ms, Some(100));
        assert_eq!(d.state, s);
        assert!(!step(&l, s, ms(t0 + 99), 1).allowed);
        let d = step(&l, s, ms(t0 + 100), 1);
        assert!(d.allowed);
        // After a long pause the bucket is full again, not fuller.
        let d = step(&l, d.state, ms(t0 + 60_000), 1);
        assert!(d.allowed);
        assert_eq!(d.remaining, 9);
    }

    #[test]
    fn cost_and_edges() {
        let l = RateLimit::new(60, Duration::from_secs(60), 5).unwrap();
        let s = RateState::default();
        let t = ms(1_000_000);
        assert!(step(&l, s, t, 5).allowed);
        assert_eq!(step(&l, s, t, 6).retry_after_ms, None);
        assert!(!step(&l, s, t, 6).allowed);
        let z = step(&l, s, t, 0);
        assert!(z.allowed && z.state == s);
        let after = step(&l, s, t, 5).state;
        let d = step(&l, after, t, 2);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_ms, Some(2000));
        // A clock running backwards grants nothing extra.
        assert!(!step(&l, after, ms(0), 1).allowed);
        // Extreme times do not overflow.
        let d = step(&l, s, ms(u64::MAX), 1);
        assert!(!d.allowed && d.retry_after_ms.is_none());
    }

    #[test]
    fn invalid_limits() {
        assert!(RateLimit::per(0, Duration::from_secs(1)).is_err());
        assert!(RateLimit::per(1, Duration::ZERO).is_err());
        assert!(RateLimit::new(1, Duration::from_secs(1), 0).is_err());
        // More than one request per microsecond.
        assert!(RateLimit::per(2000, Duration::from_millis(1)).is_err());
        let bogus = RateLimit {
            limit: 0,
            window_ms: 0,
            burst: 0,
        };
        assert!(!step(&bogus, RateState::default(), ms(5), 1).allowed);
    }
}
