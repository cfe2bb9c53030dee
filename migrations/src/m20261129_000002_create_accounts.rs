//! Memberships (a user's role in an organization) and API tokens.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let roles = sql::one_of(&[
            "caseworker",
            "reviewer",
            "office_admin",
            "charity_member",
            "charity_admin",
        ]);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE memberships (
                        id {{id}},
                        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        role TEXT NOT NULL CHECK (role IN ({roles})),
                        created_at {{ts}} NOT NULL,
                        UNIQUE (user_id, organization_id, role)
                    )"
                ),
                "CREATE INDEX memberships_organization ON memberships(organization_id)",
                "CREATE TABLE api_tokens (
                    id {id},
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at {ts} NOT NULL,
                    last_used_at {ts} NULL,
                    revoked_at {ts} NULL
                )",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["api_tokens", "memberships"]).await
    }
}
