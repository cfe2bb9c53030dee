//! Plumbing shared by every instance: the search outbox, subscriptions and notifications,
//! the session store, and leases that make a background job run on one instance at a time.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let entities = sql::one_of(&["need", "fund", "charity"]);
        let ops = sql::one_of(&["upsert", "delete"]);
        let types = sql::one_of(crate::m20261129_000003_create_needs::ASSISTANCE_TYPES);
        let channels = sql::one_of(&["in_app", "email"]);
        let frequencies = sql::one_of(&["immediate", "daily"]);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE search_outbox (
                        id {{id}},
                        entity_kind TEXT NOT NULL CHECK (entity_kind IN ({entities})),
                        entity_id BIGINT NOT NULL,
                        op TEXT NOT NULL CHECK (op IN ({ops})),
                        created_at {{ts}} NOT NULL
                    )"
                ),
                &format!(
                    "CREATE TABLE subscriptions (
                        id {{id}},
                        user_id BIGINT NULL REFERENCES users(id) ON DELETE CASCADE,
                        email TEXT NULL,
                        region_code TEXT NOT NULL REFERENCES regions(code),
                        assistance_type TEXT NULL CHECK (assistance_type IS NULL OR assistance_type IN ({types})),
                        channel TEXT NOT NULL CHECK (channel IN ({channels})),
                        frequency TEXT NOT NULL CHECK (frequency IN ({frequencies})),
                        token TEXT NOT NULL UNIQUE,
                        confirmed_at {{ts}} NULL,
                        created_at {{ts}} NOT NULL,
                        CHECK (user_id IS NOT NULL OR email IS NOT NULL)
                    )"
                ),
                "CREATE INDEX subscriptions_region ON subscriptions(region_code)",
                "CREATE TABLE notifications (
                    id {id},
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL DEFAULT '',
                    link TEXT NULL,
                    created_at {ts} NOT NULL,
                    read_at {ts} NULL,
                    emailed_at {ts} NULL
                )",
                "CREATE INDEX notifications_user ON notifications(user_id, read_at)",
                "CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    data {bytes} NOT NULL,
                    expiry_date {ts} NOT NULL
                )",
                "CREATE INDEX sessions_expiry ON sessions(expiry_date)",
                "CREATE TABLE job_leases (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    lease_until {ts} NOT NULL
                )",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(
            manager,
            &[
                "job_leases",
                "sessions",
                "notifications",
                "subscriptions",
                "search_outbox",
            ],
        )
        .await
    }
}
