//! [`ResidencyError`]: why a condition or a rule set was refused.

use core::fmt;

/// What kind of problem a [`ResidencyError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The condition text is not well formed (unexpected character or token, unterminated
    /// string, missing parenthesis, …).
    Syntax,
    /// A size limit was exceeded: condition length, nesting depth, list length, number of rules,
    /// providers, regions, classifications or certifications.
    Limit,
    /// A condition names an attribute that does not exist, or one that belongs to the other side
    /// (a provider attribute in `when`, a request attribute in `providers`).
    UnknownAttribute,
    /// An operator that the attribute does not support (`<` on a region, `contains` on a name).
    Operator,
    /// A value the catalog does not define: region, classification, certification, provider,
    /// category or kind id.
    UnknownValue,
    /// Two rules share an id.
    DuplicateRuleId,
    /// The catalog lists the same region, classification, certification or provider twice.
    DuplicateName,
    /// A rule has an empty (or all-whitespace) reason.
    EmptyReason,
    /// A name or id is empty, too long or uses characters outside `[A-Za-z0-9_.:-]`.
    InvalidName,
    /// The rule set has no rules, or the catalog has no regions, classifications or providers.
    Empty,
}

/// Why a condition or a rule set was refused at load.
///
/// It says where (`rule \`phi-needs-baa\`, field \`when\``), at which byte of the condition text
/// when that applies, and what is wrong. Rule sets are host configuration, so messages may quote
/// names and tokens from them (truncated); they never contain request data.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidencyError {
    kind: ErrorKind,
    location: Option<String>,
    offset: Option<usize>,
    message: String,
}

impl ResidencyError {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> ResidencyError {
        ResidencyError {
            kind,
            location: None,
            offset: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(kind: ErrorKind, offset: usize, message: impl Into<String>) -> ResidencyError {
        ResidencyError {
            kind,
            location: None,
            offset: Some(offset),
            message: message.into(),
        }
    }

    /// Adds a location unless one is already set (the innermost location wins).
    pub(crate) fn in_location(mut self, location: impl FnOnce() -> String) -> ResidencyError {
        if self.location.is_none() {
            self.location = Some(location());
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where in the rule set, e.g. ``rule `phi-needs-baa`, field `when` `` or
    /// `catalog.providers[2]`. `None` for a bare [`Condition::parse`](super::Condition::parse).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The byte offset in the condition text where the problem was found, when the problem is in
    /// a condition.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// The description of the problem, without location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ResidencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        if let Some(off) = self.offset {
            write!(f, "at byte {off}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ResidencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResidencyError")
            .field("kind", &self.kind)
            .field("location", &self.location)
            .field("offset", &self.offset)
            .field("message", &self.message)
            .finish()
    }
}

impl std::error::Error for ResidencyError {}

/// Quotes at most 32 characters of host-supplied text for an error message.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(40) + 2);
    out.push('`');
    for (i, c) in s.chars().enumerate() {
        if i == 32 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}
