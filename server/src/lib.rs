//! The `shanqiao` server: HTTP wiring, subcommands and start-up. The domain and the pages
//! live in the `app` crate; this crate only puts them together.

pub mod cli;
pub mod commands;
pub mod config;
pub mod routes;
pub mod startup;
pub mod telemetry;
