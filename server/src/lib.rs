//! The `shanqiao` server: HTTP wiring, subcommands and start-up. The domain and the pages
//! live in the `app` crate; this crate only puts them together.

pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod defences;
pub mod embed;
pub mod feeds;
pub mod jobs;
pub mod malloc;
pub mod metrics;
pub mod negotiate;
pub mod page_cache;
pub mod render_deadline;
pub mod routes;
pub mod sessions;
pub mod startup;
pub mod static_assets;
pub mod telemetry;
