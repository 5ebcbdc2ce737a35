//! # lastgate
//!
//! The last gate before sensitive data leaves a service for an LLM provider. lastgate finds PII,
//! PHI, financial identifiers and secrets in prompts and responses, and acts on them. It is a
//! pure library: it reads no files, opens no sockets and keeps no global mutable state.
//!
//! Start with [`Scanner`].
//!
//! ```
//! use lastgate::{Kind, Scanner};
//!
//! let scanner = Scanner::builtin();
//! let text = "Mail jane.doe@example.org, card 4111 1111 1111 1111.";
//! let kinds: Vec<Kind> = scanner.find_iter(text).map(|f| f.kind()).collect();
//! assert_eq!(kinds, [Kind::EMAIL, Kind::CREDIT_CARD]);
//! ```
//!
//!
//! ## Overview
//!
//! - [`Scanner`] finds [`Finding`]s: kind, byte span, score, detector id. Build it once with
//!   [`Scanner::builtin`] or [`Scanner::builder`] (categories, kinds, host [`Detector`]s,
//!   allow-lists, deny-terms, a minimum score) and share it.
//! - [`Kind`] and [`Category`] name what was found with stable snake_case ids: `email`,
//!   `us_ssn`, `credit_card`, `aws_access_key_id`, … ([`Kind::builtin_kinds`] lists them).
//! - [`validate`] holds the checksum and structure functions the detectors use (Luhn, IBAN
//!   mod-97, ABA, NPI, DEA, SSN and ITIN rules, entropy).
//!
//! ## How detection works
//!
//! Regexes propose, validators confirm, context words decide the ambiguous. The engine runs three
//! cheap passes over a text (an Aho-Corasick automaton over every detector's literal anchors,
//! `memchr` for `@`, a word-at-a-time scan for ASCII digits) and calls a detector only where one
//! of its triggers fired; the detector reads a bounded window around the trigger. Overlaps are
//! resolved by specificity: a connection string beats the email-shaped `user@host` inside it, an
//! IBAN beats the account number inside it.
//!
//! ## Untrusted input
//!
//! Every scanning entry point accepts any `&str` and never panics; fuzz targets (`fuzz/`) and
//! property tests (`tests/props.rs`) hold the crate to this. Scans take time linear in the input:
//! regexes run on the `regex` crate (no backtracking), validators and context look-ups read
//! bounded windows, and repeated anchors (a megabyte of `eyJ`, of `@`, of digits) cannot make a
//! detector re-read the same bytes (`tests/linear.rs`). Only host configuration (custom
//! patterns, ids) can fail, at build time, with a [`BuildError`] that names the offending item.
//!
//! ## Security model
//!
//! - A [`Finding`] holds a span, never the matched text; [`Finding::text`] is the one way to get
//!   at the value, from the haystack the caller already holds. `Debug` and `Display` of findings,
//!   scanners, builders and errors never print scanned values.
//! - Hashes of low-entropy values are keyed (HMAC-SHA256 with a host key), never plain SHA-256.
//! - The library reads no files, opens no sockets, keeps no global mutable state and reads no
//!   clock: hosts pass time, keys and entropy in. Compiled detector tables are lazily built,
//!   immutable statics.
//!
//! ## Guarantees about results
//!
//! Offsets are UTF-8 byte offsets on `char` boundaries. Findings come sorted by start and never
//! overlap; the same scanner and text always give the same findings. [`Scanner::candidates`]
//! returns everything proposed before overlap resolution.
//!
//! ## Crate features
//!
//! - `os-rng` (default): key issuance from operating-system entropy.
//! - `serde` (default): `Serialize`/`Deserialize` for the public data types.
//! - `json` (default): chat bodies (OpenAI, Anthropic) and JSON Lines helpers.
//!
//! Features add API surface; they never change what the scanner finds.

#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]

/// A `[u8; 256]` table of `$value` for every byte `$b`, built at compile time (the byte-class
/// tables of the hot loops: one load per byte instead of a chain of comparisons).
macro_rules! byte_table {
    (|$b:ident| $value:expr) => {{
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            t[i] = $value;
            i += 1;
        }
        t
    }};
}

mod block;
mod error;
mod finding;
mod swar;

// -- modules: scanner (issue 2) --
pub mod detect;
mod scan;
pub mod validate;

// -- modules: policy/stream/chat (issue 3) --
#[cfg(feature = "json")]
pub mod chat;
pub mod policy;
pub mod pseudonymize;
pub mod stream;

// -- modules: keys (issue 4) --
pub mod keys;

// -- modules: residency (issue 5) --
pub mod residency;

// -- modules: audit (issue 6) --
pub mod audit;

/// The README's examples are compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// The public interface is:
pub use crate::detect::Detector;
pub use crate::error::BuildError;
pub use crate::finding::{Category, Finding, Kind, Span};
pub use crate::scan::{FindIter, Scanner, ScannerBuilder};

// -- re-exports: policy/stream/chat (issue 3) --
pub use crate::policy::{Action, Policy};
pub use crate::pseudonymize::Vault;
pub use crate::stream::{StreamRestorer, StreamScrubber};
