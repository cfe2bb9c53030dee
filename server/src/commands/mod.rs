//! One module per subcommand.

pub mod audit_ledger;
pub mod backup;
pub mod create_admin;
pub mod create_token;
pub mod database;
pub mod deliver;
pub mod expire_reviews;
pub mod lapse_claims;
pub mod migrate;
pub mod pii_check;
pub mod reindex;
pub mod seed_demo;
pub mod serve;
