//! The domain's vocabulary: plain Rust types with no knowledge of HTTP, Leptos or the
//! database. Names follow the glossary of PRODUCT.md.

#[macro_use]
mod code_enum;
pub mod alert;
pub mod calendar;
pub mod money;
pub mod need;
pub mod organization;
pub mod public_code;
pub mod region;
pub mod support;
pub mod uscc;

pub use money::Fen;
pub use region::RegionCode;

/// A stored code that names no known variant: a sign of a schema/code mismatch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}
