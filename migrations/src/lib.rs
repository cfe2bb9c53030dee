//! Database schema of Shanqiao, as reversible sea-orm migrations.
//!
//! The DDL is written as SQL with a handful of placeholders ([`sql::portable`]) because
//! the constraints we want the database to hold — CHECKs on enumerated statuses, partial
//! unique indexes, append-only triggers — read more clearly as SQL than through a builder,
//! and the differences between SQLite and PostgreSQL are few and named in one place.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::MigrationStatus;

mod m20261129_000001_create_regions_and_organizations;
mod m20261129_000002_create_accounts;
mod m20261129_000003_create_needs;
mod m20261129_000004_create_claims_funds_pledges;
mod m20261129_000005_create_ledger_and_audit_log;
mod m20261129_000006_create_outbox_notifications_sessions;
mod m20261129_000007_load_regions;
mod m20261129_000008_create_sign_in_failures;
mod m20261129_000009_create_invitations;
mod m20261129_000010_create_password_resets;
mod m20261129_000011_create_pii_overrides;
mod m20261201_000012_add_session_user;
mod m20261201_000013_token_expiry_and_audit_token;
mod m20261201_000014_create_message_outbox_and_account_requests;
mod m20261202_000015_claim_plans_fulfilment_attachments;
mod m20261202_000016_alerts;
mod m20261204_000017_money;
mod m20261207_000018_money_rules;
pub mod regions;
mod sql;

/// Applies and reverts every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_create_regions_and_organizations::Migration),
            Box::new(m20261129_000002_create_accounts::Migration),
            Box::new(m20261129_000003_create_needs::Migration),
            Box::new(m20261129_000004_create_claims_funds_pledges::Migration),
            Box::new(m20261129_000005_create_ledger_and_audit_log::Migration),
            Box::new(m20261129_000006_create_outbox_notifications_sessions::Migration),
            Box::new(m20261129_000007_load_regions::Migration),
            Box::new(m20261129_000008_create_sign_in_failures::Migration),
            Box::new(m20261129_000009_create_invitations::Migration),
            Box::new(m20261129_000010_create_password_resets::Migration),
            Box::new(m20261129_000011_create_pii_overrides::Migration),
            Box::new(m20261201_000012_add_session_user::Migration),
            Box::new(m20261201_000013_token_expiry_and_audit_token::Migration),
            Box::new(m20261201_000014_create_message_outbox_and_account_requests::Migration),
            Box::new(m20261202_000015_claim_plans_fulfilment_attachments::Migration),
            Box::new(m20261202_000016_alerts::Migration),
            Box::new(m20261204_000017_money::Migration),
            Box::new(m20261207_000018_money_rules::Migration),
        ]
    }
}
