//! # lastgate
//!
//! The last gate before sensitive data leaves a service for an LLM provider. lastgate finds PII,
//! PHI, financial identifiers and secrets in prompts and responses, and acts on them. It is a
//! pure library: it reads no files, opens no sockets and keeps no global mutable state.
//!
//! Start with [`Scanner`].
//!
//!
//! ## Guarantees
//!
//! - **No panic on any input.** Every scanning entry point accepts any `&str`; fuzz targets and
//!   property tests hold the crate to this. Only host configuration (custom patterns) can fail,
//!   at build time, with a [`BuildError`].
//! - **Linear time.** Regexes run on the `regex` crate (no backtracking); validators and
//!   context look-ups read bounded windows.
//! - **No accidental leaks.** [`Finding`] holds a span, never the matched text; `Debug` and
//!   `Display` of findings and errors never print scanned values.
//! - **Offsets** are UTF-8 byte offsets on `char` boundaries; findings come sorted by start and
//!   non-overlapping.
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

mod error;
mod finding;

// -- modules: scanner (issue 2) --

// -- modules: policy/stream/chat (issue 3) --

// -- modules: keys (issue 4) --

// -- modules: residency (issue 5) --

// -- modules: audit (issue 6) --
pub mod audit;

// The public interface is:
pub use crate::error::BuildError;
pub use crate::finding::{Category, Finding, Kind, Span};

// -- re-exports: policy/stream/chat (issue 3) --
