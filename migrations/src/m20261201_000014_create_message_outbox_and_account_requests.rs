//! Messages to people (e-mail, SMS) go through an outbox written in the same transaction as
//! the change that causes them; each instance's worker claims a row exactly once and
//! delivers it. Accounts are opened through a link sent to the address (an account
//! request), so that nobody learns from the site whether an address is registered.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Where a message goes.
pub const CHANNELS: &[&str] = &["email", "sms"];
/// A message's delivery state.
pub const MESSAGE_STATUSES: &[&str] = &["pending", "sending", "sent", "failed"];
/// What an account request opens.
pub const REQUEST_PURPOSES: &[&str] = &["donor", "charity"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let channels = sql::one_of(CHANNELS);
        let statuses = sql::one_of(MESSAGE_STATUSES);
        let purposes = sql::one_of(REQUEST_PURPOSES);
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE message_outbox (
                        id {{id}},
                        channel TEXT NOT NULL CHECK (channel IN ({channels})),
                        recipient TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        message_id TEXT NOT NULL UNIQUE,
                        status TEXT NOT NULL CHECK (status IN ({statuses})),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at {{ts}} NOT NULL,
                        claimed_by TEXT NULL,
                        claimed_until {{ts}} NULL,
                        last_error TEXT NULL,
                        created_at {{ts}} NOT NULL,
                        sent_at {{ts}} NULL
                    )"
                ),
                "CREATE INDEX message_outbox_due ON message_outbox(status, next_attempt_at)",
                &format!(
                    "CREATE TABLE account_requests (
                        id {{id}},
                        purpose TEXT NOT NULL CHECK (purpose IN ({purposes})),
                        email TEXT NULL,
                        phone TEXT NULL,
                        display_name TEXT NOT NULL,
                        details TEXT NOT NULL DEFAULT '{{}}',
                        token_hash TEXT NOT NULL UNIQUE,
                        created_at {{ts}} NOT NULL,
                        expires_at {{ts}} NOT NULL,
                        used_at {{ts}} NULL,
                        CHECK (email IS NOT NULL OR phone IS NOT NULL)
                    )"
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["account_requests", "message_outbox"]).await
    }
}
