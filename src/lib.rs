//! evidence-check: the evidence checks a school district applies before buying education
//! technology, and the growth-to-payment arithmetic of an outcomes-based contract.
//!
//! The crate is a pure-Rust core, one module per step of the data flow, and one binding
//! module ([`wasm`], compiled for `wasm32` only) that alone converts JS values:
//!
//! - [`input`]: reading camelCase JSON while collecting every problem at its path;
//! - [`error`]: errors as values (stable code, sentence, path or line).

pub mod error;
pub mod input;
pub mod stats;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, FieldError, RowError};

/// The crate version, as in Cargo.toml; stamped into every outcomes report.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
