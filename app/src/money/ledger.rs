//! The double-entry ledger: every movement of money is one transaction of two entries of
//! the same amount (a debit and a credit), appended and never changed (the database
//! refuses updates and deletes). Balances are sums over the entries.
//!
//! Accounts: `donors` and `match_sponsor` are where money comes from; `fund` (per fund)
//! and `need` (per need) hold it; `disbursed` and `refunded` are where it leaves.

use crate::domain::support::{LedgerAccount, LedgerKind};
use crate::domain::Fen;
use crate::entities::ledger_transaction;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, FromQueryResult, Set, Statement,
};

/// What a transaction is about, besides its two entries.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub charity_id: i64,
    pub pledge_id: Option<i64>,
    pub allocation_id: Option<i64>,
    pub fund_id: Option<i64>,
    pub need_id: Option<i64>,
    pub memo: String,
    pub created_by: Option<i64>,
}

/// One side of a movement: an account and, for per-fund/per-need accounts, which one.
pub type Account = (LedgerAccount, Option<i64>);

/// Appends one balanced transaction moving `amount` from `debit` to `credit`; returns its
/// id. A non-positive amount is a bug in the caller, refused here too.
pub async fn post<C: ConnectionTrait>(
    txn: &C,
    kind: LedgerKind,
    about: About,
    amount: Fen,
    debit: Account,
    credit: Account,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    if amount.0 <= 0 {
        return Err(DbErr::Custom(format!(
            "a ledger transaction of {} fen",
            amount.0
        )));
    }
    // The row declares the amount and both accounts; the database writes the two
    // entries from it and refuses any other (migration 18), so it balances by
    // construction on both backends.
    let tx = ledger_transaction::ActiveModel {
        kind: Set(kind.code().to_owned()),
        charity_id: Set(about.charity_id),
        pledge_id: Set(about.pledge_id),
        allocation_id: Set(about.allocation_id),
        fund_id: Set(about.fund_id),
        need_id: Set(about.need_id),
        memo: Set(about.memo),
        created_by: Set(about.created_by),
        created_at: Set(now),
        amount_fen: Set(Some(amount.0)),
        debit_kind: Set(Some(debit.0.code().to_owned())),
        debit_ref: Set(debit.1),
        credit_kind: Set(Some(credit.0.code().to_owned())),
        credit_ref: Set(credit.1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(tx.id)
}

/// `sql` written with `?` placeholders, as the backend wants it.
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for ch in sql.chars() {
            if ch == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// On PostgreSQL, holds a row of `table` until the transaction ends. (On SQLite the
/// writing transaction, begun `IMMEDIATE`, holds the whole database already.)
pub async fn hold<C: ConnectionTrait>(txn: &C, table: &str, id: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"),
            [id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// On PostgreSQL, holds a row of `table` if no other transaction holds it now
/// (`FOR UPDATE SKIP LOCKED`), without waiting; false when it is busy. (On SQLite the
/// writing transaction holds the database: always true.)
pub(crate) async fn try_hold<C: ConnectionTrait>(
    txn: &C,
    table: &str,
    id: i64,
) -> Result<bool, DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(true);
    }
    Ok(txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE SKIP LOCKED"),
            [id.into()],
        ))
        .await?
        .is_some())
}

#[derive(Debug, FromQueryResult)]
struct Row {
    account_ref: i64,
    kind: String,
    side: String,
    total: Option<i64>,
}

/// What moved through one account, by transaction kind and side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSums {
    rows: Vec<(String, bool, i64)>,
}

impl AccountSums {
    fn sum(&self, kinds: &[LedgerKind], credit: bool) -> Fen {
        Fen(self
            .rows
            .iter()
            .filter(|(k, c, _)| *c == credit && kinds.iter().any(|x| x.code() == k))
            .map(|(_, _, t)| t)
            .sum())
    }

    /// Credits minus debits: what the account holds.
    pub fn balance(&self) -> Fen {
        Fen(self
            .rows
            .iter()
            .map(|(_, credit, t)| if *credit { *t } else { -t })
            .sum())
    }

    /// For a fund: received from donors and sponsors, refunds taken off.
    pub fn fund_raised(&self) -> Fen {
        let inflow = self.sum(&[LedgerKind::PledgeReceived, LedgerKind::Match], true);
        Fen(inflow.0 - self.sum(&[LedgerKind::Refund], false).0)
    }

    /// For a fund: allocated to needs, what came back taken off.
    pub fn fund_allocated(&self) -> Fen {
        let out = self.sum(&[LedgerKind::Allocation], false);
        Fen(out.0 - self.sum(&[LedgerKind::ReturnToFund], true).0)
    }

    /// For a need: everything it received (pledges, matches, allocations, transfers in)
    /// less what was refunded or passed on; spending it does not lower it.
    pub fn need_raised(&self) -> Fen {
        let all_in: i64 = self.rows.iter().filter(|r| r.1).map(|r| r.2).sum();
        let passed_on = self.sum(
            &[
                LedgerKind::Refund,
                LedgerKind::ReturnToFund,
                LedgerKind::Allocation,
            ],
            false,
        );
        Fen(all_in - passed_on.0)
    }
}

/// The sums of one account (`fund` 7, `need` 12).
pub async fn sums<C: ConnectionTrait>(
    db: &C,
    account: LedgerAccount,
    reference: i64,
) -> Result<AccountSums, DbErr> {
    Ok(sums_of_many(db, account, &[reference])
        .await?
        .remove(&reference)
        .unwrap_or_default())
}

/// The sums of several accounts of one kind, in one query (an account with no entries
/// is absent: its sums are the default, all zero).
pub async fn sums_of_many<C: ConnectionTrait>(
    db: &C,
    account: LedgerAccount,
    references: &[i64],
) -> Result<std::collections::HashMap<i64, AccountSums>, DbErr> {
    let mut out: std::collections::HashMap<i64, AccountSums> = Default::default();
    if references.is_empty() {
        return Ok(out);
    }
    let placeholders = vec!["?"; references.len()].join(", ");
    let mut values: Vec<sea_orm::Value> = vec![account.code().into()];
    values.extend(references.iter().map(|r| sea_orm::Value::from(*r)));
    let rows = Row::find_by_statement(statement(
        db.get_database_backend(),
        &format!(
            "SELECT e.account_ref AS account_ref, t.kind AS kind, e.side AS side, \
             CAST(SUM(e.amount_fen) AS BIGINT) AS total \
             FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
             WHERE e.account_kind = ? AND e.account_ref IN ({placeholders}) \
             GROUP BY e.account_ref, t.kind, e.side"
        ),
        values,
    ))
    .all(db)
    .await?;
    for r in rows {
        out.entry(r.account_ref).or_default().rows.push((
            r.kind,
            r.side == "credit",
            r.total.unwrap_or(0),
        ));
    }
    Ok(out)
}

/// What the ledger audit ([`super::audit::run`]) finds, as sentences; empty when the
/// books hold.
pub async fn audit<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    Ok(super::audit::run(db)
        .await?
        .findings
        .iter()
        .map(ToString::to_string)
        .collect())
}

/// What each of `need_ids` has raised (as [`AccountSums::need_raised`]), in one query.
pub async fn needs_raised<C: ConnectionTrait>(
    db: &C,
    need_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Fen>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct PerNeed {
        account_ref: Option<i64>,
        kind: String,
        side: String,
        total: Option<i64>,
    }
    let mut out: std::collections::HashMap<i64, AccountSums> = std::collections::HashMap::new();
    for chunk in need_ids.chunks(1000) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT e.account_ref AS account_ref, t.kind AS kind, e.side AS side, \
             CAST(SUM(e.amount_fen) AS BIGINT) AS total \
             FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
             WHERE e.account_kind = 'need' AND e.account_ref IN ({marks}) \
             GROUP BY e.account_ref, t.kind, e.side"
        );
        let values = chunk.iter().map(|id| (*id).into()).collect();
        for r in PerNeed::find_by_statement(statement(db.get_database_backend(), &sql, values))
            .all(db)
            .await?
        {
            if let Some(id) = r.account_ref {
                out.entry(id).or_default().rows.push((
                    r.kind,
                    r.side == "credit",
                    r.total.unwrap_or(0),
                ));
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(id, sums)| (id, sums.need_raised()))
        .collect())
}
