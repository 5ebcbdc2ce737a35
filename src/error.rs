//! Errors raised while building a scanner. They name the offending pattern or id, never a
//! scanned value.

use core::fmt;

/// Why [`ScannerBuilder::build`](crate::ScannerBuilder::build) refused a configuration.
///
/// Opaque on purpose: inspect it with [`BuildError::name`] and [`BuildError::reason`].
#[derive(Clone, PartialEq, Eq)]
pub struct BuildError {
    name: String,
    kind: BuildErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BuildErrorKind {
    Pattern(String),
    InvalidId,
    Empty,
    DuplicateDetector,
}

impl BuildError {
    pub(crate) fn pattern(name: &str, err: &regex::Error) -> BuildError {
        // regex::Error's message quotes the pattern (host configuration, not scanned text).
        let msg = match err {
            regex::Error::CompiledTooBig(limit) => {
                format!("compiled pattern exceeds {limit} bytes")
            }
            other => other.to_string(),
        };
        BuildError {
            name: name.to_string(),
            kind: BuildErrorKind::Pattern(msg),
        }
    }

    pub(crate) fn invalid_id(name: &str) -> BuildError {
        BuildError {
            name: name.to_string(),
            kind: BuildErrorKind::InvalidId,
        }
    }

    pub(crate) fn empty(name: &str) -> BuildError {
        BuildError {
            name: name.to_string(),
            kind: BuildErrorKind::Empty,
        }
    }

    pub(crate) fn duplicate(name: &str) -> BuildError {
        BuildError {
            name: name.to_string(),
            kind: BuildErrorKind::DuplicateDetector,
        }
    }

    /// The name of the detector, kind or list that was rejected.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A human-readable reason.
    pub fn reason(&self) -> String {
        match &self.kind {
            BuildErrorKind::Pattern(m) => format!("invalid pattern: {m}"),
            BuildErrorKind::InvalidId => {
                "id must be snake_case ([a-z][a-z0-9_]*, at most 64 bytes)".to_string()
            }
            BuildErrorKind::Empty => "pattern or term list is empty".to_string(),
            BuildErrorKind::DuplicateDetector => {
                "a detector with this id already exists".to_string()
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildError")
            .field("name", &self.name)
            .field("reason", &self.reason())
            .finish()
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "detector `{}`: {}", self.name, self.reason())
    }
}

impl std::error::Error for BuildError {}
