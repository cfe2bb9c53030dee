//! Invitations: an organization's admin invites someone to a role; the link carries a
//! random token of which only the SHA-256 hash is stored.

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
                    "CREATE TABLE invitations (
                        id {{id}},
                        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                        role TEXT NOT NULL CHECK (role IN ({roles})),
                        email TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        invited_by BIGINT NOT NULL REFERENCES users(id),
                        created_at {{ts}} NOT NULL,
                        expires_at {{ts}} NOT NULL,
                        accepted_at {{ts}} NULL,
                        accepted_by BIGINT NULL REFERENCES users(id)
                    )"
                ),
                "CREATE INDEX invitations_organization ON invitations(organization_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["invitations"]).await
    }
}
