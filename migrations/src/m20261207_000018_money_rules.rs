//! The ledger's rules held by the database itself, on both backends, so that no code
//! path — present or future, in Rust or in plain SQL — can make the books lie:
//!
//! - **Every ledger transaction balances.** A `ledger_transactions` row declares its
//!   amount, the account it debits and the account it credits; the database writes the
//!   two entries itself (an `AFTER INSERT` trigger) and refuses any other entry (an entry
//!   must be the declared one of its side, and a side has one entry). So a transaction
//!   balances at the end of every statement, and therefore at every commit. SQLite has
//!   no deferred triggers, and its deferred foreign keys can be switched off by any
//!   connection (`PRAGMA foreign_keys`); triggers cannot be switched off. PostgreSQL
//!   also gets a deferred constraint trigger that checks each new transaction's entries
//!   at commit.
//! - **No fund, need or pledge holding goes below zero**: a debit of a fund or need
//!   account that would leave it negative is refused; a refund of a pledge beyond what
//!   was received for it is refused. (PostgreSQL: the trigger holds the fund's, need's or
//!   pledge's row first, so two writers cannot both pass.)
//! - **Append-only**: UPDATE and DELETE were refused already; PostgreSQL now also
//!   refuses TRUNCATE.
//! - **A received amount above the pledge needs a second person**
//!   (`received_confirmed_by`, not the one who recorded it).
//!
//! Besides: each pledge keeps the payee it was made with; a new payee waits for a second
//! admin (`payee_proposed_*`); a platform admin can suspend a charity (`suspended_*`);
//! idempotency keys of money requests; the ledger audit's runs.

use crate::sql;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows are never changed or removed.
const APPEND_ONLY: [&str; 4] = [
    "ledger_transactions",
    "ledger_entries",
    "audit_log",
    "allocation_sources",
];

const COLUMNS: &[&str] = &[
    "ALTER TABLE ledger_transactions ADD COLUMN amount_fen BIGINT NULL",
    "ALTER TABLE ledger_transactions ADD COLUMN debit_kind TEXT NULL",
    "ALTER TABLE ledger_transactions ADD COLUMN debit_ref BIGINT NULL",
    "ALTER TABLE ledger_transactions ADD COLUMN credit_kind TEXT NULL",
    "ALTER TABLE ledger_transactions ADD COLUMN credit_ref BIGINT NULL",
    "ALTER TABLE pledges ADD COLUMN payee_name TEXT NULL",
    "ALTER TABLE pledges ADD COLUMN payee_bank TEXT NULL",
    "ALTER TABLE pledges ADD COLUMN payee_account TEXT NULL",
    "ALTER TABLE pledges ADD COLUMN received_confirmed_by BIGINT NULL",
    "ALTER TABLE pledges ADD COLUMN proposed_received_fen BIGINT NULL",
    "ALTER TABLE pledges ADD COLUMN proposed_by BIGINT NULL",
    "ALTER TABLE pledges ADD COLUMN proposed_at {ts} NULL",
    "ALTER TABLE organizations ADD COLUMN payee_proposed_name TEXT NULL",
    "ALTER TABLE organizations ADD COLUMN payee_proposed_bank TEXT NULL",
    "ALTER TABLE organizations ADD COLUMN payee_proposed_account TEXT NULL",
    "ALTER TABLE organizations ADD COLUMN payee_proposed_by BIGINT NULL",
    "ALTER TABLE organizations ADD COLUMN payee_proposed_at {ts} NULL",
    "ALTER TABLE organizations ADD COLUMN suspended_at {ts} NULL",
    "ALTER TABLE organizations ADD COLUMN suspension_reason TEXT NULL",
    "ALTER TABLE organizations ADD COLUMN suspended_by BIGINT NULL",
    "CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        result TEXT NULL,
        created_at {ts} NOT NULL,
        PRIMARY KEY (scope, key)
    )",
    "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at)",
    "CREATE TABLE ledger_audit_runs (
        id {id},
        started_at {ts} NOT NULL,
        finished_at {ts} NOT NULL,
        ok BOOLEAN NOT NULL,
        entries BIGINT NOT NULL,
        report TEXT NOT NULL DEFAULT ''
    )",
];

/// What existing rows need before the rules hold: each transaction's declaration from
/// its two entries, each pledge's payee from its charity's current one.
const BACKFILL: &[&str] = &[
    "UPDATE ledger_transactions SET
        amount_fen = (SELECT e.amount_fen FROM ledger_entries e
                      WHERE e.transaction_id = ledger_transactions.id AND e.side = 'debit'),
        debit_kind = (SELECT e.account_kind FROM ledger_entries e
                      WHERE e.transaction_id = ledger_transactions.id AND e.side = 'debit'),
        debit_ref = (SELECT e.account_ref FROM ledger_entries e
                     WHERE e.transaction_id = ledger_transactions.id AND e.side = 'debit'),
        credit_kind = (SELECT e.account_kind FROM ledger_entries e
                       WHERE e.transaction_id = ledger_transactions.id AND e.side = 'credit'),
        credit_ref = (SELECT e.account_ref FROM ledger_entries e
                      WHERE e.transaction_id = ledger_transactions.id AND e.side = 'credit')",
    "UPDATE pledges SET
        payee_name = (SELECT o.payee_name FROM organizations o WHERE o.id = pledges.charity_id),
        payee_bank = (SELECT o.payee_bank FROM organizations o WHERE o.id = pledges.charity_id),
        payee_account = (SELECT o.payee_account FROM organizations o WHERE o.id = pledges.charity_id)",
    "CREATE UNIQUE INDEX ledger_entries_one_per_side ON ledger_entries(transaction_id, side)",
];

const SQLITE_RULES: &[&str] = &[
    // A transaction declares a positive amount between two different accounts; the
    // kinds that concern a pledge name it.
    "CREATE TRIGGER ledger_transactions_declared BEFORE INSERT ON ledger_transactions
     WHEN NEW.amount_fen IS NULL OR NEW.amount_fen <= 0
       OR NEW.debit_kind IS NULL OR NEW.credit_kind IS NULL
       OR (NEW.debit_kind = NEW.credit_kind AND NEW.debit_ref IS NEW.credit_ref)
       OR (NEW.kind IN ('pledge_received', 'match', 'refund') AND NEW.pledge_id IS NULL)
     BEGIN SELECT RAISE(ABORT, 'ledger: a transaction must declare a positive amount between two accounts'); END",
    // A refund never exceeds what was received for its pledge.
    "CREATE TRIGGER ledger_transactions_refund_within_receipt BEFORE INSERT ON ledger_transactions
     WHEN NEW.kind = 'refund' AND
       (SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_transactions
         WHERE pledge_id = NEW.pledge_id AND kind = 'refund') + NEW.amount_fen >
       (SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_transactions
         WHERE pledge_id = NEW.pledge_id AND kind = 'pledge_received')
     BEGIN SELECT RAISE(ABORT, 'ledger: a refund beyond what the pledge received'); END",
    // The database writes both entries of every transaction.
    "CREATE TRIGGER ledger_transactions_entries AFTER INSERT ON ledger_transactions
     BEGIN
       INSERT INTO ledger_entries (transaction_id, account_kind, account_ref, side, amount_fen)
       VALUES (NEW.id, NEW.debit_kind, NEW.debit_ref, 'debit', NEW.amount_fen),
              (NEW.id, NEW.credit_kind, NEW.credit_ref, 'credit', NEW.amount_fen);
     END",
    // An entry is the declared one of its side (and `ledger_entries_one_per_side`
    // allows one per side): a one-sided or extra entry is refused.
    "CREATE TRIGGER ledger_entries_declared BEFORE INSERT ON ledger_entries
     WHEN NOT EXISTS (SELECT 1 FROM ledger_transactions t
       WHERE t.id = NEW.transaction_id AND t.amount_fen = NEW.amount_fen
         AND ((NEW.side = 'debit' AND t.debit_kind = NEW.account_kind AND t.debit_ref IS NEW.account_ref)
           OR (NEW.side = 'credit' AND t.credit_kind = NEW.account_kind AND t.credit_ref IS NEW.account_ref)))
     BEGIN SELECT RAISE(ABORT, 'ledger: an entry that its transaction does not declare'); END",
    // No fund or need account below zero.
    "CREATE TRIGGER ledger_entries_no_overdraft AFTER INSERT ON ledger_entries
     WHEN NEW.side = 'debit' AND NEW.account_kind IN ('fund', 'need')
       AND (SELECT SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END)
            FROM ledger_entries
            WHERE account_kind = NEW.account_kind AND account_ref = NEW.account_ref) < 0
     BEGIN SELECT RAISE(ABORT, 'ledger: an account below zero'); END",
    // More received than pledged only with a second person's confirmation.
    "CREATE TRIGGER pledges_over_receipt_four_eyes
     BEFORE UPDATE OF received_fen, amount_fen, received_by, received_confirmed_by ON pledges
     WHEN NEW.received_fen > NEW.amount_fen
       AND (NEW.received_confirmed_by IS NULL OR NEW.received_confirmed_by IS NEW.received_by)
     BEGIN SELECT RAISE(ABORT, 'pledges: more than pledged needs a second person'); END",
    "CREATE TRIGGER pledges_over_receipt_four_eyes_insert BEFORE INSERT ON pledges
     WHEN NEW.received_fen > NEW.amount_fen
       AND (NEW.received_confirmed_by IS NULL OR NEW.received_confirmed_by IS NEW.received_by)
     BEGIN SELECT RAISE(ABORT, 'pledges: more than pledged needs a second person'); END",
];

const SQLITE_TRIGGERS: &[&str] = &[
    "ledger_transactions_declared",
    "ledger_transactions_refund_within_receipt",
    "ledger_transactions_entries",
    "ledger_entries_declared",
    "ledger_entries_no_overdraft",
    "pledges_over_receipt_four_eyes",
    "pledges_over_receipt_four_eyes_insert",
];

const POSTGRES_RULES: &[&str] = &[
    "CREATE OR REPLACE FUNCTION shanqiao_ledger_declared() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE received BIGINT; refunded BIGINT;
     BEGIN
       IF NEW.amount_fen IS NULL OR NEW.amount_fen <= 0
          OR NEW.debit_kind IS NULL OR NEW.credit_kind IS NULL
          OR (NEW.debit_kind = NEW.credit_kind AND NEW.debit_ref IS NOT DISTINCT FROM NEW.credit_ref)
          OR (NEW.kind IN ('pledge_received', 'match', 'refund') AND NEW.pledge_id IS NULL) THEN
         RAISE EXCEPTION 'ledger: a transaction must declare a positive amount between two accounts';
       END IF;
       IF NEW.kind = 'refund' THEN
         PERFORM 1 FROM pledges WHERE id = NEW.pledge_id FOR UPDATE;
         SELECT COALESCE(SUM(amount_fen), 0) INTO refunded FROM ledger_transactions
           WHERE pledge_id = NEW.pledge_id AND kind = 'refund';
         SELECT COALESCE(SUM(amount_fen), 0) INTO received FROM ledger_transactions
           WHERE pledge_id = NEW.pledge_id AND kind = 'pledge_received';
         IF refunded + NEW.amount_fen > received THEN
           RAISE EXCEPTION 'ledger: a refund beyond what the pledge received';
         END IF;
       END IF;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER ledger_transactions_declared BEFORE INSERT ON ledger_transactions
     FOR EACH ROW EXECUTE FUNCTION shanqiao_ledger_declared()",
    "CREATE OR REPLACE FUNCTION shanqiao_ledger_write_entries() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO ledger_entries (transaction_id, account_kind, account_ref, side, amount_fen)
       VALUES (NEW.id, NEW.debit_kind, NEW.debit_ref, 'debit', NEW.amount_fen),
              (NEW.id, NEW.credit_kind, NEW.credit_ref, 'credit', NEW.amount_fen);
       RETURN NULL;
     END $$",
    "CREATE TRIGGER ledger_transactions_entries AFTER INSERT ON ledger_transactions
     FOR EACH ROW EXECUTE FUNCTION shanqiao_ledger_write_entries()",
    "CREATE OR REPLACE FUNCTION shanqiao_ledger_entry_declared() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE balance BIGINT;
     BEGIN
       IF NOT EXISTS (SELECT 1 FROM ledger_transactions t
            WHERE t.id = NEW.transaction_id AND t.amount_fen = NEW.amount_fen
              AND ((NEW.side = 'debit' AND t.debit_kind = NEW.account_kind
                    AND t.debit_ref IS NOT DISTINCT FROM NEW.account_ref)
                OR (NEW.side = 'credit' AND t.credit_kind = NEW.account_kind
                    AND t.credit_ref IS NOT DISTINCT FROM NEW.account_ref))) THEN
         RAISE EXCEPTION 'ledger: an entry that its transaction does not declare';
       END IF;
       IF NEW.side = 'debit' AND NEW.account_kind IN ('fund', 'need') THEN
         IF NEW.account_kind = 'fund' THEN
           PERFORM 1 FROM funds WHERE id = NEW.account_ref FOR UPDATE;
         ELSE
           PERFORM 1 FROM needs WHERE id = NEW.account_ref FOR UPDATE;
         END IF;
         SELECT COALESCE(SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END), 0)
           INTO balance FROM ledger_entries
           WHERE account_kind = NEW.account_kind AND account_ref = NEW.account_ref;
         IF balance - NEW.amount_fen < 0 THEN
           RAISE EXCEPTION 'ledger: an account below zero';
         END IF;
       END IF;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER ledger_entries_declared BEFORE INSERT ON ledger_entries
     FOR EACH ROW EXECUTE FUNCTION shanqiao_ledger_entry_declared()",
    // At commit: each new transaction has its two entries and they balance.
    "CREATE OR REPLACE FUNCTION shanqiao_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE tx BIGINT; n BIGINT; net BIGINT;
     BEGIN
       IF TG_TABLE_NAME = 'ledger_transactions' THEN tx := NEW.id; ELSE tx := NEW.transaction_id; END IF;
       SELECT COUNT(*), COALESCE(SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END), 0)
         INTO n, net FROM ledger_entries WHERE transaction_id = tx;
       IF n <> 2 OR net <> 0 THEN
         RAISE EXCEPTION 'ledger: transaction % does not balance (% entries, net %)', tx, n, net;
       END IF;
       RETURN NULL;
     END $$",
    "CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION shanqiao_ledger_balanced()",
    "CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION shanqiao_ledger_balanced()",
    "CREATE OR REPLACE FUNCTION shanqiao_pledge_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.received_fen > NEW.amount_fen
          AND (NEW.received_confirmed_by IS NULL
               OR NEW.received_confirmed_by IS NOT DISTINCT FROM NEW.received_by) THEN
         RAISE EXCEPTION 'pledges: more than pledged needs a second person';
       END IF;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER pledges_over_receipt_four_eyes
     BEFORE INSERT OR UPDATE OF received_fen, amount_fen, received_by, received_confirmed_by
     ON pledges FOR EACH ROW EXECUTE FUNCTION shanqiao_pledge_four_eyes()",
];

/// (trigger, table) pairs that `down` drops on PostgreSQL.
const POSTGRES_TRIGGERS: &[(&str, &str)] = &[
    ("ledger_transactions_declared", "ledger_transactions"),
    ("ledger_transactions_entries", "ledger_transactions"),
    ("ledger_entries_declared", "ledger_entries"),
    ("ledger_transactions_balanced", "ledger_transactions"),
    ("ledger_entries_balanced", "ledger_entries"),
    ("pledges_over_receipt_four_eyes", "pledges"),
];

const POSTGRES_FUNCTIONS: &[&str] = &[
    "shanqiao_ledger_declared",
    "shanqiao_ledger_write_entries",
    "shanqiao_ledger_entry_declared",
    "shanqiao_ledger_balanced",
    "shanqiao_pledge_four_eyes",
];

/// The append-only triggers of `table`, by backend (as `sql::append_only` names them).
async fn drop_append_only(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            conn.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_append_only ON {table}"
            ))
            .await?;
        }
        _ => {
            for op in ["update", "delete"] {
                conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_no_{op}"))
                    .await?;
            }
        }
    }
    Ok(())
}

/// Transactions whose entries are not one debit and one credit of the same amount: the
/// backfill cannot declare them, so the migration stops and names them (fix the books
/// by hand first, with new transactions that correct them).
const UNDECLARABLE: &str = "SELECT t.id FROM ledger_transactions t
    LEFT JOIN ledger_entries e ON e.transaction_id = t.id
    GROUP BY t.id
    HAVING COUNT(e.id) <> 2
        OR SUM(CASE WHEN e.side = 'debit' THEN 1 ELSE 0 END) <> 1
        OR SUM(CASE WHEN e.side = 'debit' THEN e.amount_fen ELSE -e.amount_fen END) <> 0
    ORDER BY t.id LIMIT 20";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let conn = manager.get_connection();
        let bad: Vec<String> = conn
            .query_all_raw(sea_orm_migration::sea_orm::Statement::from_string(
                backend,
                UNDECLARABLE.to_owned(),
            ))
            .await?
            .iter()
            .filter_map(|row| row.try_get_by_index::<i64>(0).ok())
            .map(|id| id.to_string())
            .collect();
        if !bad.is_empty() {
            return Err(DbErr::Migration(format!(
                "the ledger does not balance before its rules can be enforced: transactions {} \
                 do not have exactly one debit and one credit of the same amount",
                bad.join(", ")
            )));
        }
        sql::run(manager, COLUMNS).await?;
        // The backfill writes existing ledger rows once, with their triggers off.
        drop_append_only(manager, "ledger_transactions").await?;
        sql::run(manager, BACKFILL).await?;
        sql::append_only(manager, "ledger_transactions").await?;
        match backend {
            DbBackend::Postgres => {
                sql::run(manager, POSTGRES_RULES).await?;
                for table in APPEND_ONLY {
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION shanqiao_refuse_change()"
                    ))
                    .await?;
                }
            }
            _ => sql::run(manager, SQLITE_RULES).await?,
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for table in APPEND_ONLY {
                    conn.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"
                    ))
                    .await?;
                }
                for (trigger, table) in POSTGRES_TRIGGERS {
                    conn.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {trigger} ON {table}"
                    ))
                    .await?;
                }
                for f in POSTGRES_FUNCTIONS {
                    conn.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {f}()"))
                        .await?;
                }
            }
            _ => {
                for trigger in SQLITE_TRIGGERS {
                    conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}"))
                        .await?;
                }
            }
        }
        sql::drop_tables(manager, &["ledger_audit_runs", "idempotency_keys"]).await?;
        sql::run(
            manager,
            &[
                "DROP INDEX IF EXISTS ledger_entries_one_per_side",
                "ALTER TABLE organizations DROP COLUMN suspended_by",
                "ALTER TABLE organizations DROP COLUMN suspension_reason",
                "ALTER TABLE organizations DROP COLUMN suspended_at",
                "ALTER TABLE organizations DROP COLUMN payee_proposed_at",
                "ALTER TABLE organizations DROP COLUMN payee_proposed_by",
                "ALTER TABLE organizations DROP COLUMN payee_proposed_account",
                "ALTER TABLE organizations DROP COLUMN payee_proposed_bank",
                "ALTER TABLE organizations DROP COLUMN payee_proposed_name",
                "ALTER TABLE pledges DROP COLUMN proposed_at",
                "ALTER TABLE pledges DROP COLUMN proposed_by",
                "ALTER TABLE pledges DROP COLUMN proposed_received_fen",
                "ALTER TABLE pledges DROP COLUMN received_confirmed_by",
                "ALTER TABLE pledges DROP COLUMN payee_account",
                "ALTER TABLE pledges DROP COLUMN payee_bank",
                "ALTER TABLE pledges DROP COLUMN payee_name",
            ],
        )
        .await?;
        // The declaration columns go with their triggers off (a column drop rewrites the
        // table on SQLite, which the append-only triggers would not mind, but be plain).
        drop_append_only(manager, "ledger_transactions").await?;
        sql::run(
            manager,
            &[
                "ALTER TABLE ledger_transactions DROP COLUMN credit_ref",
                "ALTER TABLE ledger_transactions DROP COLUMN credit_kind",
                "ALTER TABLE ledger_transactions DROP COLUMN debit_ref",
                "ALTER TABLE ledger_transactions DROP COLUMN debit_kind",
                "ALTER TABLE ledger_transactions DROP COLUMN amount_fen",
            ],
        )
        .await?;
        sql::append_only(manager, "ledger_transactions").await
    }
}
