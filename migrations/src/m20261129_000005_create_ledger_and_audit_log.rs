//! The double-entry ledger of money movements and the audit log of every state change.
//! Both are append-only: the database refuses UPDATE and DELETE on them.

use crate::sql;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const REFUSE_CHANGE_FN: &str =
    "CREATE OR REPLACE FUNCTION shanqiao_refuse_change() RETURNS trigger \
     LANGUAGE plpgsql AS $$ BEGIN \
     RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; \
     END $$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let kinds = sql::one_of(&[
            "pledge_received",
            "match",
            "allocation",
            "disbursement",
            "refund",
            "return_to_fund",
        ]);
        let accounts = sql::one_of(&[
            "donors",
            "match_sponsor",
            "charity_unrestricted",
            "fund",
            "need",
            "disbursed",
            "refunded",
        ]);
        let sides = sql::one_of(&["debit", "credit"]);
        let actors = sql::one_of(&["user", "api_token", "system", "cli"]);
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(REFUSE_CHANGE_FN)
                .await?;
        }
        sql::run(
            manager,
            &[
                &format!(
                    "CREATE TABLE ledger_transactions (
                        id {{id}},
                        kind TEXT NOT NULL CHECK (kind IN ({kinds})),
                        charity_id BIGINT NOT NULL REFERENCES organizations(id),
                        pledge_id BIGINT NULL REFERENCES pledges(id),
                        allocation_id BIGINT NULL REFERENCES allocations(id),
                        fund_id BIGINT NULL REFERENCES funds(id),
                        need_id BIGINT NULL REFERENCES needs(id),
                        memo TEXT NOT NULL DEFAULT '',
                        created_by BIGINT NULL REFERENCES users(id),
                        created_at {{ts}} NOT NULL
                    )"
                ),
                &format!(
                    "CREATE TABLE ledger_entries (
                        id {{id}},
                        transaction_id BIGINT NOT NULL REFERENCES ledger_transactions(id),
                        account_kind TEXT NOT NULL CHECK (account_kind IN ({accounts})),
                        account_ref BIGINT NULL,
                        side TEXT NOT NULL CHECK (side IN ({sides})),
                        amount_fen BIGINT NOT NULL CHECK (amount_fen > 0)
                    )"
                ),
                "CREATE INDEX ledger_entries_account ON ledger_entries(account_kind, account_ref)",
                "CREATE INDEX ledger_entries_transaction ON ledger_entries(transaction_id)",
                "CREATE INDEX ledger_transactions_fund ON ledger_transactions(fund_id)",
                "CREATE INDEX ledger_transactions_need ON ledger_transactions(need_id)",
                &format!(
                    "CREATE TABLE audit_log (
                        id {{id}},
                        occurred_at {{ts}} NOT NULL,
                        actor_kind TEXT NOT NULL CHECK (actor_kind IN ({actors})),
                        actor_user_id BIGINT NULL,
                        organization_id BIGINT NULL,
                        action TEXT NOT NULL,
                        entity_kind TEXT NOT NULL,
                        entity_id TEXT NOT NULL,
                        before_state TEXT NULL,
                        after_state TEXT NULL,
                        reason TEXT NULL
                    )"
                ),
                "CREATE INDEX audit_log_entity ON audit_log(entity_kind, entity_id)",
                "CREATE INDEX audit_log_actor ON audit_log(actor_user_id)",
            ],
        )
        .await?;
        for table in ["ledger_transactions", "ledger_entries", "audit_log"] {
            sql::append_only(manager, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping a table drops its triggers on both backends.
        sql::drop_tables(
            manager,
            &["audit_log", "ledger_entries", "ledger_transactions"],
        )
        .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS shanqiao_refuse_change()")
                .await?;
        }
        Ok(())
    }
}
