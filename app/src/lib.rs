//! Shanqiao's application crate: the domain, its persistence (behind the `ssr`
//! feature), and the Leptos pages and islands that present it.
//!
//! Map: `domain/` is the vocabulary (no I/O); `needs/`, `accounts/`, `regions/`, `audit/`
//! hold one domain noun each, with their server-only parts behind `ssr`; `pages/` and
//! `components/` are the UI; `entities/` are the sea-orm table models.

// Deeply nested view types exceed the default limit in release builds (without
// `erase_components`).
#![recursion_limit = "512"]

pub mod accounts;
pub mod alerts;
pub mod assets;
pub mod audit;
pub mod charities;
pub mod claims;
pub mod components;
pub mod domain;
pub mod error;
pub mod escape;
pub mod i18n;
pub mod library;
pub mod money;
pub mod needs;
pub mod organizations;
pub mod pages;
pub mod regions;
pub mod routes;
mod shell;
pub mod transparency;

#[cfg(feature = "ssr")]
pub mod action;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod job_lease;
#[cfg(feature = "ssr")]
pub mod messages;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "ssr")]
pub use shell::{page_policy, page_policy_hashed};
pub use shell::{shell, App};
