//! One module per subcommand.

pub mod create_admin;
pub mod create_token;
pub mod database;
pub mod migrate;
pub mod reindex;
pub mod seed_demo;
pub mod serve;
