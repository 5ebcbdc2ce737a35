//! [`KeyError`]: why configuration, issuance or rotation was refused. Never holds key material.

use core::fmt;

/// Why a key operation (configuration, issuance, rotation) was refused.
///
/// Opaque on purpose: inspect it with [`KeyError::code`]. `Debug` and `Display` never show
/// key material, peppers or secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyError {
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Brand,
    PepperTooShort,
    DuplicatePepper(u32),
    Entropy,
    Scope(usize),
    Model(usize),
    Lifetime,
    RateLimit,
    NotRotatable,
}

impl KeyError {
    pub(crate) fn brand() -> KeyError {
        KeyError { kind: Kind::Brand }
    }
    pub(crate) fn pepper_too_short() -> KeyError {
        KeyError {
            kind: Kind::PepperTooShort,
        }
    }
    pub(crate) fn duplicate_pepper(v: u32) -> KeyError {
        KeyError {
            kind: Kind::DuplicatePepper(v),
        }
    }
    pub(crate) fn entropy() -> KeyError {
        KeyError {
            kind: Kind::Entropy,
        }
    }
    pub(crate) fn scope(index: usize) -> KeyError {
        KeyError {
            kind: Kind::Scope(index),
        }
    }
    pub(crate) fn model(index: usize) -> KeyError {
        KeyError {
            kind: Kind::Model(index),
        }
    }
    pub(crate) fn lifetime() -> KeyError {
        KeyError {
            kind: Kind::Lifetime,
        }
    }
    pub(crate) fn rate_limit() -> KeyError {
        KeyError {
            kind: Kind::RateLimit,
        }
    }
    pub(crate) fn not_rotatable() -> KeyError {
        KeyError {
            kind: Kind::NotRotatable,
        }
    }

    /// A stable snake_case code: `invalid_brand`, `pepper_too_short`, `duplicate_pepper_version`,
    /// `entropy_unavailable`, `invalid_scope`, `invalid_model`, `invalid_lifetime`,
    /// `invalid_rate_limit` or `not_rotatable`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            Kind::Brand => "invalid_brand",
            Kind::PepperTooShort => "pepper_too_short",
            Kind::DuplicatePepper(_) => "duplicate_pepper_version",
            Kind::Entropy => "entropy_unavailable",
            Kind::Scope(_) => "invalid_scope",
            Kind::Model(_) => "invalid_model",
            Kind::Lifetime => "invalid_lifetime",
            Kind::RateLimit => "invalid_rate_limit",
            Kind::NotRotatable => "not_rotatable",
        }
    }

    fn reason(&self) -> String {
        match &self.kind {
            Kind::Brand => {
                "brand must be 2-16 bytes of [a-z0-9], starting with a letter".to_string()
            }
            Kind::PepperTooShort => "a pepper must be at least 32 bytes".to_string(),
            Kind::DuplicatePepper(v) => format!("pepper version {v} is given twice"),
            Kind::Entropy => "the entropy source failed".to_string(),
            Kind::Scope(i) => format!(
                "scope #{i} is not `segment(:segment)*` with segments of [a-z0-9_.-] \
                 (a `*` only as the whole last segment)"
            ),
            Kind::Model(i) => format!(
                "model #{i} is empty, longer than 128 bytes, has control characters or a `*` \
                 anywhere but at the end"
            ),
            Kind::Lifetime => {
                "expiry must come after not-before and the lifetime must be positive".to_string()
            }
            Kind::RateLimit => {
                "a rate limit needs limit >= 1, burst >= 1 and a window of at least 1 ms \
                 holding at most one request per microsecond"
                    .to_string()
            }
            Kind::NotRotatable => "a revoked or expired key cannot be rotated".to_string(),
        }
    }
}

impl fmt::Debug for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyError")
            .field("code", &self.code())
            .field("reason", &self.reason())
            .finish()
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.reason())
    }
}

impl std::error::Error for KeyError {}
