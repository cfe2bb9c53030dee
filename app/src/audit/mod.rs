//! The audit log: who changed what, when, from which state to which. Append-only; the
//! database refuses updates and deletes on it.

#[cfg(feature = "ssr")]
mod record;
#[cfg(feature = "ssr")]
pub use record::{record, Actor, Change};
