//! The double-entry ledger: every movement of money is one transaction of two entries of
//! the same amount (a debit and a credit), appended and never changed (the database
//! refuses updates and deletes). Balances are sums over the entries.
//!
//! Accounts: `donors` and `match_sponsor` are where money comes from; `fund` (per fund)
//! and `need` (per need) hold it; `disbursed` and `refunded` are where it leaves.

use crate::domain::support::{LedgerAccount, LedgerKind};
use crate::domain::Fen;
use crate::entities::{ledger_entry, ledger_transaction};
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
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for ((account, reference), side) in [(debit, "debit"), (credit, "credit")] {
        ledger_entry::ActiveModel {
            transaction_id: Set(tx.id),
            account_kind: Set(account.code().to_owned()),
            account_ref: Set(reference),
            side: Set(side.to_owned()),
            amount_fen: Set(amount.0),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
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
pub(crate) async fn hold<C: ConnectionTrait>(txn: &C, table: &str, id: i64) -> Result<(), DbErr> {
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

#[derive(Debug, FromQueryResult)]
struct Row {
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
    let backend = db.get_database_backend();
    let rows = Row::find_by_statement(statement(
        backend,
        "SELECT t.kind AS kind, e.side AS side, CAST(SUM(e.amount_fen) AS BIGINT) AS total \
         FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
         WHERE e.account_kind = ? AND e.account_ref = ? GROUP BY t.kind, e.side",
        vec![account.code().into(), reference.into()],
    ))
    .all(db)
    .await?;
    Ok(AccountSums {
        rows: rows
            .into_iter()
            .map(|r| (r.kind, r.side == "credit", r.total.unwrap_or(0)))
            .collect(),
    })
}

/// Ledger-wide checks, for tests and `shanqiao` operators: every transaction balances,
/// and no fund or need account is below zero. Returns what is wrong, if anything.
pub async fn audit<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Unbalanced {
        id: i64,
    }
    #[derive(Debug, FromQueryResult)]
    struct Negative {
        account_kind: String,
        account_ref: Option<i64>,
        balance: Option<i64>,
    }
    let backend = db.get_database_backend();
    let mut found = Vec::new();
    for u in Unbalanced::find_by_statement(statement(
        backend,
        "SELECT t.id AS id FROM ledger_transactions t \
         LEFT JOIN ledger_entries e ON e.transaction_id = t.id \
         GROUP BY t.id \
         HAVING COUNT(e.id) <> 2 \
         OR COALESCE(SUM(CASE WHEN e.side = 'debit' THEN e.amount_fen ELSE 0 END), 0) \
         <> COALESCE(SUM(CASE WHEN e.side = 'credit' THEN e.amount_fen ELSE 0 END), 0)",
        vec![],
    ))
    .all(db)
    .await?
    {
        found.push(format!("transaction {} does not balance", u.id));
    }
    for n in Negative::find_by_statement(statement(
        backend,
        "SELECT account_kind, account_ref, \
         CAST(SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END) AS BIGINT) AS balance \
         FROM ledger_entries WHERE account_kind IN ('fund', 'need') \
         GROUP BY account_kind, account_ref \
         HAVING SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END) < 0",
        vec![],
    ))
    .all(db)
    .await?
    {
        found.push(format!(
            "{} {:?} is below zero: {:?}",
            n.account_kind, n.account_ref, n.balance
        ));
    }
    Ok(found)
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
