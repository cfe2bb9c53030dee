//! Regions (GB/T 2260), users, and organizations: offices and charities.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let levels = sql::one_of(&["province", "city", "county", "township"]);
        let kinds = sql::one_of(&["civil_affairs", "charity"]);
        let verification = sql::one_of(&["pending", "verified", "rejected"]);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE regions (
                        code TEXT PRIMARY KEY CHECK (length(code) IN (6, 9, 12)),
                        name TEXT NOT NULL CHECK (name <> ''),
                        level TEXT NOT NULL CHECK (level IN ({levels})),
                        parent_code TEXT NULL REFERENCES regions(code)
                    )"
                ),
                "CREATE INDEX regions_parent ON regions(parent_code)",
                "CREATE TABLE users (
                    id {id},
                    email TEXT NULL UNIQUE,
                    phone TEXT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    is_platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
                    is_demo BOOLEAN NOT NULL DEFAULT FALSE,
                    disabled_at {ts} NULL,
                    created_at {ts} NOT NULL,
                    updated_at {ts} NOT NULL,
                    CHECK (email IS NOT NULL OR phone IS NOT NULL)
                )",
                &format!(
                    "CREATE TABLE organizations (
                        id {{id}},
                        kind TEXT NOT NULL CHECK (kind IN ({kinds})),
                        name TEXT NOT NULL CHECK (name <> ''),
                        slug TEXT NOT NULL UNIQUE,
                        region_code TEXT NULL REFERENCES regions(code),
                        uscc TEXT NULL UNIQUE CHECK (uscc IS NULL OR length(uscc) = 18),
                        public_fundraising BOOLEAN NOT NULL DEFAULT FALSE,
                        verification TEXT NOT NULL DEFAULT 'pending' CHECK (verification IN ({verification})),
                        verification_reason TEXT NULL,
                        verified_at {{ts}} NULL,
                        verified_by BIGINT NULL REFERENCES users(id),
                        description TEXT NOT NULL DEFAULT '',
                        review_time_limit_days INTEGER NOT NULL DEFAULT 7 CHECK (review_time_limit_days > 0),
                        created_at {{ts}} NOT NULL,
                        updated_at {{ts}} NOT NULL,
                        CHECK (kind <> 'civil_affairs' OR region_code IS NOT NULL),
                        CHECK (kind <> 'charity' OR uscc IS NOT NULL)
                    )"
                ),
                "CREATE INDEX organizations_kind_region ON organizations(kind, region_code)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["organizations", "users", "regions"]).await
    }
}
