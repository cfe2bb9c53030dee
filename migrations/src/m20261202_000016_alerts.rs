//! Alerts: charities' subscriptions (saved library searches and "fits our supply
//! profile"), the alert outbox that each change writes in its own transaction, the
//! in-app notifications and daily-digest items it fans out to, who opted out of which
//! e-mails, and the site's signing keys (unsubscribe links). The first schema's
//! `subscriptions` and `notifications` were never used and are replaced.
//! E-mails gain an HTML part and an unsubscribe address; people a language.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What an alert event is about.
pub const EVENT_KINDS: &[&str] = &[
    "need_published",
    "review_waiting",
    "claim_taken",
    "claim_released",
    "claim_lapsed",
    "report_submitted",
    "report_questioned",
    "report_verified",
    "claim_due",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let types = sql::one_of(crate::m20261129_000003_create_needs::ASSISTANCE_TYPES);
        let kinds = sql::one_of(EVENT_KINDS);
        sql::run(
            manager,
            &[
                "DROP TABLE IF EXISTS notifications",
                "DROP TABLE IF EXISTS subscriptions",
                &format!(
                    "CREATE TABLE subscriptions (
                        id {{id}},
                        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL CHECK (kind IN ('search', 'profile')),
                        charity_id BIGINT NULL REFERENCES organizations(id),
                        label TEXT NOT NULL,
                        query TEXT NOT NULL DEFAULT '',
                        region_code TEXT NULL REFERENCES regions(code),
                        assistance_type TEXT NULL CHECK (assistance_type IS NULL OR assistance_type IN ({types})),
                        household_category TEXT NULL,
                        coverage TEXT NULL,
                        frequency TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily')),
                        in_app BOOLEAN NOT NULL,
                        by_email BOOLEAN NOT NULL,
                        email TEXT NULL,
                        unsubscribe_nonce TEXT NOT NULL,
                        created_at {{ts}} NOT NULL,
                        CHECK (in_app OR by_email),
                        CHECK (kind <> 'profile' OR charity_id IS NOT NULL)
                    )"
                ),
                "CREATE INDEX subscriptions_user ON subscriptions(user_id)",
                &format!(
                    "CREATE TABLE alert_events (
                        id {{id}},
                        kind TEXT NOT NULL CHECK (kind IN ({kinds})),
                        need_id BIGINT NOT NULL REFERENCES needs(id),
                        claim_id BIGINT NULL REFERENCES claims(id),
                        dedup_key TEXT NULL UNIQUE,
                        created_at {{ts}} NOT NULL,
                        processed_at {{ts}} NULL
                    )"
                ),
                "CREATE INDEX alert_events_waiting ON alert_events(processed_at, id)",
                "CREATE TABLE notifications (
                    id {id},
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    event_id BIGINT NULL REFERENCES alert_events(id),
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT '',
                    link TEXT NOT NULL,
                    created_at {ts} NOT NULL,
                    read_at {ts} NULL,
                    UNIQUE (user_id, event_id)
                )",
                "CREATE INDEX notifications_user ON notifications(user_id, read_at)",
                "CREATE TABLE digest_items (
                    id {id},
                    subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                    event_id BIGINT NOT NULL REFERENCES alert_events(id),
                    need_id BIGINT NOT NULL REFERENCES needs(id),
                    created_at {ts} NOT NULL,
                    sent_at {ts} NULL,
                    UNIQUE (subscription_id, event_id)
                )",
                "CREATE INDEX digest_items_waiting ON digest_items(sent_at, subscription_id)",
                "CREATE TABLE email_opt_outs (
                    id {id},
                    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    created_at {ts} NOT NULL,
                    UNIQUE (user_id, kind)
                )",
                "CREATE TABLE site_keys (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    created_at {ts} NOT NULL
                )",
                "ALTER TABLE users ADD COLUMN lang TEXT NULL CHECK (lang IS NULL OR lang IN ('zh', 'en'))",
                "ALTER TABLE message_outbox ADD COLUMN html TEXT NULL",
                "ALTER TABLE message_outbox ADD COLUMN unsubscribe_url TEXT NULL",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "ALTER TABLE message_outbox DROP COLUMN unsubscribe_url",
                "ALTER TABLE message_outbox DROP COLUMN html",
                "ALTER TABLE users DROP COLUMN lang",
            ],
        )
        .await?;
        sql::drop_tables(
            manager,
            &[
                "site_keys",
                "email_opt_outs",
                "digest_items",
                "notifications",
                "alert_events",
                "subscriptions",
            ],
        )
        .await
    }
}
