//! Money: where each allocation's money came from (the pledge receipts and matching gifts
//! it drew on, so that every received fen can be traced to the needs it reached), the
//! amount actually received for a pledge and when the donor consented to the terms, a
//! fund's sponsor, the charity's account for offline transfers, and the quarterly
//! disclosure reports of long projects.

use crate::sql;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(
            manager,
            &[
                "CREATE TABLE allocation_sources (
                    id {id},
                    allocation_id BIGINT NOT NULL REFERENCES allocations(id),
                    source_transaction_id BIGINT NOT NULL REFERENCES ledger_transactions(id),
                    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0)
                )",
                "CREATE INDEX allocation_sources_allocation ON allocation_sources(allocation_id)",
                "CREATE INDEX allocation_sources_source ON allocation_sources(source_transaction_id)",
                "CREATE INDEX ledger_transactions_pledge ON ledger_transactions(pledge_id)",
                "ALTER TABLE pledges ADD COLUMN received_fen BIGINT NULL \
                 CHECK (received_fen IS NULL OR received_fen > 0)",
                "ALTER TABLE pledges ADD COLUMN consented_at {ts} NULL",
                "CREATE INDEX pledges_donor ON pledges(donor_user_id)",
                "CREATE INDEX pledges_status_lapses ON pledges(status, lapses_at)",
                "ALTER TABLE funds ADD COLUMN sponsor TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE organizations ADD COLUMN payee_name TEXT NULL",
                "ALTER TABLE organizations ADD COLUMN payee_bank TEXT NULL",
                "ALTER TABLE organizations ADD COLUMN payee_account TEXT NULL",
                "CREATE TABLE fund_disclosures (
                    id {id},
                    fund_id BIGINT NOT NULL REFERENCES funds(id),
                    period TEXT NOT NULL,
                    body TEXT NOT NULL CHECK (body <> ''),
                    posted_by BIGINT NULL REFERENCES users(id),
                    posted_at {ts} NOT NULL,
                    UNIQUE (fund_id, period)
                )",
            ],
        )
        .await?;
        sql::append_only(manager, "allocation_sources").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::drop_tables(manager, &["fund_disclosures", "allocation_sources"]).await?;
        sql::run(
            manager,
            &[
                "DROP INDEX IF EXISTS ledger_transactions_pledge",
                "DROP INDEX IF EXISTS pledges_donor",
                "DROP INDEX IF EXISTS pledges_status_lapses",
                "ALTER TABLE pledges DROP COLUMN consented_at",
                "ALTER TABLE pledges DROP COLUMN received_fen",
                "ALTER TABLE funds DROP COLUMN sponsor",
                "ALTER TABLE organizations DROP COLUMN payee_account",
                "ALTER TABLE organizations DROP COLUMN payee_bank",
                "ALTER TABLE organizations DROP COLUMN payee_name",
            ],
        )
        .await
    }
}
