//! The ledger audit: reads the whole ledger and says whether the books hold. The database
//! refuses most ways of breaking them (migration 18's triggers); the audit is the second
//! line, for what a dropped trigger, a restored backup, a manual fix or a bug in a rule
//! that no trigger covers could leave behind. The server runs it every few minutes
//! (`server/src/jobs.rs`), `shanqiao audit-ledger` on demand; each run is recorded in
//! `ledger_audit_runs`, which `/healthz` and `/metrics` read.
//!
//! It checks that
//! - every transaction has exactly two entries, one debit and one credit, each of the
//!   declared amount (positive) on the declared account (so it balances);
//! - no fund or need account is below zero;
//! - per pledge, refunds never exceed what was received, and receipts and refunds name
//!   their pledge;
//! - every disbursement is booked to a charity that held the need by a claim when it was
//!   booked (taken before it, not released or lapsed before it);
//! - every matching gift belongs to a pledge that was received;
//! - every allocation has exactly one `allocation` transaction, of its amount, from its
//!   fund to its need, and its sources (`allocation_sources`) add up to it; and every
//!   `allocation` transaction belongs to an allocation.
//!
//! Each check is one set-based query (joins and `GROUP BY`, no query per row), written
//! for SQLite and PostgreSQL alike; each lists at most [`LISTED_PER_CHECK`] findings.
//! Findings name ids and amounts only, never a person.

use super::ledger::statement;
use crate::domain::Fen;
use crate::entities::ledger_audit_run;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryOrder,
    QuerySelect, Set,
};
use std::fmt;

/// At most this many findings of one check are listed; beyond, one line says there are
/// more (a broken ledger can have thousands, and the report is stored).
pub const LISTED_PER_CHECK: usize = 50;

/// How many runs `ledger_audit_runs` keeps (the newest).
pub const KEEP_RUNS: u64 = 100;

/// One side of a declaration: an account and, for per-fund/per-need accounts, which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName {
    pub kind: Option<String>,
    pub reference: Option<i64>,
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, self.reference) {
            (None, _) => f.write_str("(no account)"),
            (Some(k), None) => f.write_str(k),
            (Some(k), Some(r)) => write!(f, "{k}:{r}"),
        }
    }
}

/// Something wrong in the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A transaction whose entries are not one debit and one credit of its declared
    /// amount on its declared accounts (or that declares none).
    Entries {
        transaction: i64,
        kind: String,
        entries: i64,
        debits: i64,
        credits: i64,
        /// Entries not as the transaction declares them.
        undeclared: i64,
        amount: Option<i64>,
        debit: AccountName,
        credit: AccountName,
    },
    /// A fund or need account below zero.
    Overdrawn {
        account: String,
        id: Option<i64>,
        balance: i64,
    },
    /// A receipt or refund that names no pledge.
    NoPledge { transaction: i64, kind: String },
    /// More refunded for a pledge than was received for it.
    OverRefunded {
        pledge: i64,
        received: i64,
        refunded: i64,
    },
    /// A disbursement booked to a charity that did not hold the need when it was booked
    /// (no claim of that charity on it, taken before and not yet released or lapsed).
    Disbursement {
        transaction: i64,
        need: Option<i64>,
        booked_to: i64,
        /// A charity whose claim on the need is open or was met, if any.
        held_by: Option<i64>,
    },
    /// A matching gift for a pledge that has no receipt (or for no pledge).
    MatchWithoutReceipt {
        transaction: i64,
        pledge: Option<i64>,
    },
    /// An allocation without exactly one `allocation` transaction of its amount, or
    /// whose sources do not add up to it.
    Allocation {
        allocation: i64,
        amount: i64,
        transactions: i64,
        /// What its transactions moved (none: no transaction).
        posted: Option<i64>,
        sources: i64,
    },
    /// An `allocation` transaction that belongs to no allocation, or moves money other
    /// than from the allocation's fund to its need.
    AllocationTransaction {
        transaction: i64,
        allocation: Option<i64>,
        /// Whether the allocation it names exists.
        exists: bool,
        debit: AccountName,
        credit: AccountName,
    },
    /// A check found more than it lists.
    More { check: &'static str, listed: usize },
}

fn fen(amount: i64) -> Fen {
    Fen(amount)
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Entries {
                transaction,
                kind,
                entries,
                debits,
                credits,
                undeclared,
                amount,
                debit,
                credit,
            } => {
                if *entries != 2 || *debits != 1 || *credits != 1 {
                    write!(
                        f,
                        "transaction {transaction} ({kind}) has {entries} entries ({debits} debit, {credits} credit), not one debit and one credit"
                    )
                } else {
                    match amount {
                        Some(a) if *a > 0 && debit.kind.is_some() && credit.kind.is_some() => {
                            write!(
                                f,
                                "transaction {transaction} ({kind}): {undeclared} of its entries are not the declared {} from {debit} to {credit}",
                                fen(*a)
                            )
                        }
                        _ => write!(
                            f,
                            "transaction {transaction} ({kind}) does not declare a positive amount between two accounts"
                        ),
                    }
                }
            }
            Finding::Overdrawn {
                account,
                id,
                balance,
            } => {
                let name = AccountName {
                    kind: Some(account.clone()),
                    reference: *id,
                };
                write!(f, "account {name} is below zero: {}", fen(*balance))
            }
            Finding::NoPledge { transaction, kind } => {
                write!(f, "transaction {transaction} ({kind}) names no pledge")
            }
            Finding::OverRefunded {
                pledge,
                received,
                refunded,
            } => write!(
                f,
                "pledge {pledge} was refunded {} but received only {}",
                fen(*refunded),
                fen(*received)
            ),
            Finding::Disbursement {
                transaction,
                need,
                booked_to,
                held_by,
            } => match (need, held_by) {
                (None, _) => write!(
                    f,
                    "disbursement {transaction} (charity {booked_to}) names no need"
                ),
                (Some(n), Some(h)) => write!(
                    f,
                    "disbursement {transaction} from need {n} is booked to charity {booked_to}, but charity {h} held the need"
                ),
                (Some(n), None) => write!(
                    f,
                    "disbursement {transaction} from need {n} is booked to charity {booked_to}, but no charity held the need by a claim then"
                ),
            },
            Finding::MatchWithoutReceipt {
                transaction,
                pledge,
            } => match pledge {
                Some(p) => write!(
                    f,
                    "matching gift {transaction} is for pledge {p}, which has no receipt"
                ),
                None => write!(f, "matching gift {transaction} names no pledge"),
            },
            Finding::Allocation {
                allocation,
                amount,
                transactions,
                posted,
                sources,
            } => {
                let amount = fen(*amount);
                if *transactions != 1 {
                    write!(
                        f,
                        "allocation {allocation} of {amount} has {transactions} ledger transactions, not one"
                    )?;
                } else if let Some(p) = posted.filter(|p| *p != amount.0) {
                    write!(
                        f,
                        "allocation {allocation} of {amount} moved {} in the ledger",
                        fen(p)
                    )?;
                } else {
                    write!(f, "allocation {allocation} of {amount}")?;
                }
                if *sources != amount.0 {
                    write!(f, "; its sources add up to {}", fen(*sources))?;
                }
                Ok(())
            }
            Finding::AllocationTransaction {
                transaction,
                allocation,
                exists,
                debit,
                credit,
            } => match (allocation, exists) {
                (None, _) => write!(
                    f,
                    "allocation transaction {transaction} names no allocation"
                ),
                (Some(a), false) => write!(
                    f,
                    "allocation transaction {transaction} names allocation {a}, which does not exist"
                ),
                (Some(a), true) => write!(
                    f,
                    "allocation transaction {transaction} moves money from {debit} to {credit}, not from allocation {a}'s fund to its need"
                ),
            },
            Finding::More { check, listed } => write!(
                f,
                "… and more {check} (only the first {listed} are listed)"
            ),
        }
    }
}

/// What one run of the audit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// The books hold: nothing was found.
    pub ok: bool,
    /// How many ledger entries there were.
    pub entries: i64,
    /// How many ledger transactions there were.
    pub transactions: i64,
    pub findings: Vec<Finding>,
}

impl AuditReport {
    pub fn new(entries: i64, transactions: i64, findings: Vec<Finding>) -> Self {
        AuditReport {
            ok: findings.is_empty(),
            entries,
            transactions,
            findings,
        }
    }

    /// The findings, one per line (what `ledger_audit_runs.report` holds).
    pub fn findings_text(&self) -> String {
        self.findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The report as an operator reads it.
    pub fn render(&self) -> String {
        let mut out = format!(
            "ledger audit: {} transactions, {} entries\n",
            self.transactions, self.entries
        );
        if self.ok {
            out.push_str(
                "the books hold: every transaction balances as declared, no fund or need is below zero, \
                 refunds, matching gifts, disbursements and allocations agree with their pledges, claims and sources\n",
            );
        } else {
            let counted = self
                .findings
                .iter()
                .filter(|f| !matches!(f, Finding::More { .. }))
                .count();
            let more = if counted < self.findings.len() {
                " or more"
            } else {
                ""
            };
            let noun = if counted == 1 && more.is_empty() {
                "finding"
            } else {
                "findings"
            };
            out.push_str(&format!("the books do NOT hold: {counted}{more} {noun}\n"));
            for f in &self.findings {
                out.push_str(&format!("- {f}\n"));
            }
        }
        out
    }
}

/// Keeps the first [`LISTED_PER_CHECK`] of `found` (queried with one more than that) and
/// says when there were more.
fn listed(mut found: Vec<Finding>, check: &'static str) -> Vec<Finding> {
    if found.len() > LISTED_PER_CHECK {
        found.truncate(LISTED_PER_CHECK);
        found.push(Finding::More {
            check,
            listed: LISTED_PER_CHECK,
        });
    }
    found
}

/// `LIMIT` of each check's query: one more than is listed, to know there are more.
fn limit() -> usize {
    LISTED_PER_CHECK + 1
}

async fn rows<T: FromQueryResult, C: ConnectionTrait>(db: &C, sql: &str) -> Result<Vec<T>, DbErr> {
    T::find_by_statement(statement(db.get_database_backend(), sql, vec![]))
        .all(db)
        .await
}

#[derive(Debug, FromQueryResult)]
struct Count {
    n: Option<i64>,
}

async fn count<C: ConnectionTrait>(db: &C, table: &str) -> Result<i64, DbErr> {
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}");
    Ok(rows::<Count, _>(db, &sql)
        .await?
        .first()
        .and_then(|c| c.n)
        .unwrap_or(0))
}

/// An entry is the declared one of its side (account and reference compared null-safely
/// in a way both databases read alike).
const AS_DECLARED: &str = "CASE \
    WHEN e.side = 'debit' AND e.account_kind = t.debit_kind AND e.amount_fen = t.amount_fen \
     AND (e.account_ref = t.debit_ref OR (e.account_ref IS NULL AND t.debit_ref IS NULL)) THEN 0 \
    WHEN e.side = 'credit' AND e.account_kind = t.credit_kind AND e.amount_fen = t.amount_fen \
     AND (e.account_ref = t.credit_ref OR (e.account_ref IS NULL AND t.credit_ref IS NULL)) THEN 0 \
    ELSE 1 END";

async fn entries<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        id: i64,
        kind: String,
        amount_fen: Option<i64>,
        debit_kind: Option<String>,
        debit_ref: Option<i64>,
        credit_kind: Option<String>,
        credit_ref: Option<i64>,
        entries: Option<i64>,
        debits: Option<i64>,
        credits: Option<i64>,
        undeclared: Option<i64>,
    }
    // Grouped by the primary key alone: both databases let the other columns of `t`
    // be selected then (PostgreSQL by functional dependency).
    let sql = format!(
        "SELECT * FROM ( \
           SELECT t.id AS id, t.kind AS kind, t.amount_fen AS amount_fen, \
             t.debit_kind AS debit_kind, t.debit_ref AS debit_ref, \
             t.credit_kind AS credit_kind, t.credit_ref AS credit_ref, \
             CAST(COUNT(e.id) AS BIGINT) AS entries, \
             CAST(COALESCE(SUM(CASE WHEN e.side = 'debit' THEN 1 ELSE 0 END), 0) AS BIGINT) AS debits, \
             CAST(COALESCE(SUM(CASE WHEN e.side = 'credit' THEN 1 ELSE 0 END), 0) AS BIGINT) AS credits, \
             CAST(COALESCE(SUM({AS_DECLARED}), 0) AS BIGINT) AS undeclared \
           FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id \
           GROUP BY t.id \
         ) x \
         WHERE x.entries <> 2 OR x.debits <> 1 OR x.credits <> 1 OR x.undeclared <> 0 \
           OR x.amount_fen IS NULL OR x.amount_fen <= 0 \
           OR x.debit_kind IS NULL OR x.credit_kind IS NULL \
         ORDER BY x.id LIMIT {}",
        limit()
    );
    let found = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::Entries {
            transaction: r.id,
            kind: r.kind,
            entries: r.entries.unwrap_or(0),
            debits: r.debits.unwrap_or(0),
            credits: r.credits.unwrap_or(0),
            undeclared: r.undeclared.unwrap_or(0),
            amount: r.amount_fen,
            debit: AccountName {
                kind: r.debit_kind,
                reference: r.debit_ref,
            },
            credit: AccountName {
                kind: r.credit_kind,
                reference: r.credit_ref,
            },
        })
        .collect();
    Ok(listed(
        found,
        "transactions whose entries are not as declared",
    ))
}

async fn overdrawn<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        account_kind: String,
        account_ref: Option<i64>,
        balance: Option<i64>,
    }
    let sql = format!(
        "SELECT account_kind, account_ref, balance FROM ( \
           SELECT account_kind, account_ref, \
             CAST(SUM(CASE WHEN side = 'credit' THEN amount_fen ELSE -amount_fen END) AS BIGINT) AS balance \
           FROM ledger_entries WHERE account_kind IN ('fund', 'need') \
           GROUP BY account_kind, account_ref \
         ) b WHERE b.balance < 0 ORDER BY account_kind, account_ref LIMIT {}",
        limit()
    );
    let found = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::Overdrawn {
            account: r.account_kind,
            id: r.account_ref,
            balance: r.balance.unwrap_or(0),
        })
        .collect();
    Ok(listed(found, "accounts below zero"))
}

async fn refunds<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Orphan {
        id: i64,
        kind: String,
    }
    let sql = format!(
        "SELECT id, kind FROM ledger_transactions \
         WHERE kind IN ('pledge_received', 'refund') AND pledge_id IS NULL ORDER BY id LIMIT {}",
        limit()
    );
    let orphans = rows::<Orphan, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::NoPledge {
            transaction: r.id,
            kind: r.kind,
        })
        .collect();
    #[derive(Debug, FromQueryResult)]
    struct Row {
        pledge_id: i64,
        received: Option<i64>,
        refunded: Option<i64>,
    }
    let sql = format!(
        "SELECT pledge_id, received, refunded FROM ( \
           SELECT pledge_id, \
             CAST(COALESCE(SUM(CASE WHEN kind = 'pledge_received' THEN amount_fen ELSE 0 END), 0) AS BIGINT) AS received, \
             CAST(COALESCE(SUM(CASE WHEN kind = 'refund' THEN amount_fen ELSE 0 END), 0) AS BIGINT) AS refunded \
           FROM ledger_transactions \
           WHERE pledge_id IS NOT NULL AND kind IN ('pledge_received', 'refund') \
           GROUP BY pledge_id \
         ) p WHERE p.refunded > p.received ORDER BY pledge_id LIMIT {}",
        limit()
    );
    let over = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::OverRefunded {
            pledge: r.pledge_id,
            received: r.received.unwrap_or(0),
            refunded: r.refunded.unwrap_or(0),
        })
        .collect();
    let mut found = listed(orphans, "receipts and refunds without a pledge");
    found.extend(listed(over, "pledges refunded beyond their receipts"));
    Ok(found)
}

async fn disbursements<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        id: i64,
        need_id: Option<i64>,
        charity_id: i64,
        held_by: Option<i64>,
    }
    let sql = format!(
        "SELECT t.id AS id, t.need_id AS need_id, t.charity_id AS charity_id, \
           (SELECT MIN(c.charity_id) FROM claims c \
             WHERE c.need_id = t.need_id AND c.status IN ('active', 'fulfilled', 'verified')) AS held_by \
         FROM ledger_transactions t \
         WHERE t.kind = 'disbursement' AND (t.need_id IS NULL OR NOT EXISTS ( \
           SELECT 1 FROM claims c WHERE c.need_id = t.need_id AND c.charity_id = t.charity_id \
             AND c.created_at <= t.created_at \
             AND (c.released_at IS NULL OR c.released_at >= t.created_at) \
             AND (c.lapsed_at IS NULL OR c.lapsed_at >= t.created_at))) \
         ORDER BY t.id LIMIT {}",
        limit()
    );
    let found = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::Disbursement {
            transaction: r.id,
            need: r.need_id,
            booked_to: r.charity_id,
            held_by: r.held_by,
        })
        .collect();
    Ok(listed(found, "disbursements booked to the wrong charity"))
}

async fn matches<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        id: i64,
        pledge_id: Option<i64>,
    }
    let sql = format!(
        "SELECT t.id AS id, t.pledge_id AS pledge_id FROM ledger_transactions t \
         WHERE t.kind = 'match' AND (t.pledge_id IS NULL OR NOT EXISTS ( \
           SELECT 1 FROM ledger_transactions r \
           WHERE r.pledge_id = t.pledge_id AND r.kind = 'pledge_received')) \
         ORDER BY t.id LIMIT {}",
        limit()
    );
    let found = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::MatchWithoutReceipt {
            transaction: r.id,
            pledge: r.pledge_id,
        })
        .collect();
    Ok(listed(found, "matching gifts without a receipt"))
}

async fn allocations<C: ConnectionTrait>(db: &C) -> Result<Vec<Finding>, DbErr> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        id: i64,
        amount_fen: i64,
        transactions: Option<i64>,
        posted: Option<i64>,
        sources: Option<i64>,
    }
    let sql = format!(
        "SELECT a.id AS id, a.amount_fen AS amount_fen, \
           CAST(COALESCE(tx.n, 0) AS BIGINT) AS transactions, tx.total AS posted, \
           CAST(COALESCE(src.total, 0) AS BIGINT) AS sources \
         FROM allocations a \
         LEFT JOIN ( \
           SELECT allocation_id, COUNT(*) AS n, CAST(SUM(amount_fen) AS BIGINT) AS total \
           FROM ledger_transactions WHERE kind = 'allocation' AND allocation_id IS NOT NULL \
           GROUP BY allocation_id \
         ) tx ON tx.allocation_id = a.id \
         LEFT JOIN ( \
           SELECT allocation_id, CAST(SUM(amount_fen) AS BIGINT) AS total \
           FROM allocation_sources GROUP BY allocation_id \
         ) src ON src.allocation_id = a.id \
         WHERE COALESCE(tx.n, 0) <> 1 OR tx.total IS NULL OR tx.total <> a.amount_fen \
           OR COALESCE(src.total, 0) <> a.amount_fen \
         ORDER BY a.id LIMIT {}",
        limit()
    );
    let found = rows::<Row, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::Allocation {
            allocation: r.id,
            amount: r.amount_fen,
            transactions: r.transactions.unwrap_or(0),
            posted: r.posted,
            sources: r.sources.unwrap_or(0),
        })
        .collect();
    #[derive(Debug, FromQueryResult)]
    struct Stray {
        id: i64,
        allocation_id: Option<i64>,
        found: Option<i64>,
        debit_kind: Option<String>,
        debit_ref: Option<i64>,
        credit_kind: Option<String>,
        credit_ref: Option<i64>,
    }
    let sql = format!(
        "SELECT t.id AS id, t.allocation_id AS allocation_id, a.id AS found, \
           t.debit_kind AS debit_kind, t.debit_ref AS debit_ref, \
           t.credit_kind AS credit_kind, t.credit_ref AS credit_ref \
         FROM ledger_transactions t LEFT JOIN allocations a ON a.id = t.allocation_id \
         WHERE t.kind = 'allocation' AND (a.id IS NULL OR NOT ( \
           COALESCE(t.debit_kind, '') = 'fund' AND COALESCE(t.debit_ref, 0) = a.fund_id \
           AND COALESCE(t.credit_kind, '') = 'need' AND COALESCE(t.credit_ref, 0) = a.need_id)) \
         ORDER BY t.id LIMIT {}",
        limit()
    );
    let strays = rows::<Stray, _>(db, &sql)
        .await?
        .into_iter()
        .map(|r| Finding::AllocationTransaction {
            transaction: r.id,
            allocation: r.allocation_id,
            exists: r.found.is_some(),
            debit: AccountName {
                kind: r.debit_kind,
                reference: r.debit_ref,
            },
            credit: AccountName {
                kind: r.credit_kind,
                reference: r.credit_ref,
            },
        })
        .collect();
    let mut found = listed(found, "allocations that disagree with the ledger");
    found.extend(listed(
        strays,
        "allocation transactions without their allocation",
    ));
    Ok(found)
}

/// Audits the whole ledger. Each check is one statement, so each sees one consistent
/// state even while money moves (every change writes its rows in one transaction).
pub async fn run<C: ConnectionTrait>(db: &C) -> Result<AuditReport, DbErr> {
    let entries_read = count(db, "ledger_entries").await?;
    let transactions = count(db, "ledger_transactions").await?;
    let mut findings = entries(db).await?;
    findings.extend(overdrawn(db).await?);
    findings.extend(refunds(db).await?);
    findings.extend(disbursements(db).await?);
    findings.extend(matches(db).await?);
    findings.extend(allocations(db).await?);
    Ok(AuditReport::new(entries_read, transactions, findings))
}

/// Records a run in `ledger_audit_runs` and keeps only the newest [`KEEP_RUNS`].
pub async fn record<C: ConnectionTrait>(
    db: &C,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    report: &AuditReport,
) -> Result<ledger_audit_run::Model, DbErr> {
    let run = ledger_audit_run::ActiveModel {
        started_at: Set(started_at),
        finished_at: Set(finished_at),
        ok: Set(report.ok),
        entries: Set(report.entries),
        report: Set(report.findings_text()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    db.execute_raw(statement(
        db.get_database_backend(),
        "DELETE FROM ledger_audit_runs WHERE id NOT IN \
         (SELECT id FROM ledger_audit_runs ORDER BY id DESC LIMIT ?)",
        vec![(KEEP_RUNS as i64).into()],
    ))
    .await?;
    Ok(run)
}

/// Runs the audit and records the run; the report and the recorded row.
pub async fn run_and_record<C: ConnectionTrait>(
    db: &C,
) -> Result<(AuditReport, ledger_audit_run::Model), DbErr> {
    let started_at = Utc::now();
    let report = run(db).await?;
    let recorded = record(db, started_at, Utc::now(), &report).await?;
    Ok((report, recorded))
}

/// The newest recorded run, by any instance or `shanqiao audit-ledger`.
pub async fn last_run<C: ConnectionTrait>(
    db: &C,
) -> Result<Option<ledger_audit_run::Model>, DbErr> {
    ledger_audit_run::Entity::find()
        .order_by_desc(ledger_audit_run::Column::FinishedAt)
        .order_by_desc(ledger_audit_run::Column::Id)
        .limit(1)
        .one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(kind: &str, reference: Option<i64>) -> AccountName {
        AccountName {
            kind: Some(kind.to_owned()),
            reference,
        }
    }

    #[test]
    fn accounts_read_as_kind_and_id() {
        assert_eq!(account("fund", Some(7)).to_string(), "fund:7");
        assert_eq!(account("refunded", None).to_string(), "refunded");
        let none = AccountName {
            kind: None,
            reference: None,
        };
        assert_eq!(none.to_string(), "(no account)");
    }

    #[test]
    fn findings_read_as_sentences_with_their_ids() {
        let entries =
            |entries: i64, credits: i64, undeclared: i64, amount: Option<i64>| Finding::Entries {
                transaction: 12,
                kind: "refund".into(),
                entries,
                debits: 1,
                credits,
                undeclared,
                amount,
                debit: account("fund", Some(3)),
                credit: account("refunded", None),
            };
        assert_eq!(
            entries(1, 0, 0, Some(500)).to_string(),
            "transaction 12 (refund) has 1 entries (1 debit, 0 credit), not one debit and one credit"
        );
        assert_eq!(
            entries(2, 1, 1, Some(500)).to_string(),
            "transaction 12 (refund): 1 of its entries are not the declared ¥5 from fund:3 to refunded"
        );
        assert!(entries(2, 1, 2, None)
            .to_string()
            .contains("does not declare a positive amount"));
        assert_eq!(
            Finding::Overdrawn {
                account: "need".into(),
                id: Some(4),
                balance: -150,
            }
            .to_string(),
            "account need:4 is below zero: -¥1.50"
        );
        assert_eq!(
            Finding::OverRefunded {
                pledge: 9,
                received: 10_000,
                refunded: 12_000
            }
            .to_string(),
            "pledge 9 was refunded ¥120 but received only ¥100"
        );
        assert_eq!(
            Finding::Disbursement {
                transaction: 30,
                need: Some(5),
                booked_to: 2,
                held_by: Some(3)
            }
            .to_string(),
            "disbursement 30 from need 5 is booked to charity 2, but charity 3 held the need"
        );
        assert!(Finding::Disbursement {
            transaction: 30,
            need: Some(5),
            booked_to: 2,
            held_by: None
        }
        .to_string()
        .contains("no charity held the need by a claim then"));
        assert_eq!(
            Finding::MatchWithoutReceipt {
                transaction: 8,
                pledge: Some(6)
            }
            .to_string(),
            "matching gift 8 is for pledge 6, which has no receipt"
        );
        assert_eq!(
            Finding::Allocation {
                allocation: 4,
                amount: 10_000,
                transactions: 1,
                posted: Some(9_000),
                sources: 10_000
            }
            .to_string(),
            "allocation 4 of ¥100 moved ¥90 in the ledger"
        );
        assert_eq!(
            Finding::Allocation {
                allocation: 4,
                amount: 10_000,
                transactions: 0,
                posted: None,
                sources: 0
            }
            .to_string(),
            "allocation 4 of ¥100 has 0 ledger transactions, not one; its sources add up to ¥0"
        );
        assert_eq!(
            Finding::Allocation {
                allocation: 4,
                amount: 10_000,
                transactions: 1,
                posted: Some(10_000),
                sources: 7_000
            }
            .to_string(),
            "allocation 4 of ¥100; its sources add up to ¥70"
        );
        assert_eq!(
            Finding::AllocationTransaction {
                transaction: 40,
                allocation: Some(4),
                exists: true,
                debit: account("fund", Some(1)),
                credit: account("need", Some(9)),
            }
            .to_string(),
            "allocation transaction 40 moves money from fund:1 to need:9, not from allocation 4's fund to its need"
        );
    }

    #[test]
    fn a_check_lists_at_most_its_share_and_says_there_is_more() {
        let many: Vec<Finding> = (0..=LISTED_PER_CHECK as i64)
            .map(|i| Finding::NoPledge {
                transaction: i,
                kind: "refund".into(),
            })
            .collect();
        let kept = listed(many.clone(), "refunds");
        assert_eq!(kept.len(), LISTED_PER_CHECK + 1);
        assert_eq!(
            kept.last(),
            Some(&Finding::More {
                check: "refunds",
                listed: LISTED_PER_CHECK
            })
        );
        let few = many[..3].to_vec();
        assert_eq!(listed(few.clone(), "refunds"), few);
    }

    #[test]
    fn a_report_is_ok_only_without_findings_and_renders_each() {
        let clean = AuditReport::new(10, 5, Vec::new());
        assert!(clean.ok);
        assert_eq!(clean.findings_text(), "");
        assert!(clean.render().contains("the books hold"));
        let broken = AuditReport::new(
            10,
            5,
            vec![
                Finding::MatchWithoutReceipt {
                    transaction: 8,
                    pledge: None,
                },
                Finding::More {
                    check: "matching gifts without a receipt",
                    listed: 1,
                },
            ],
        );
        assert!(!broken.ok);
        assert_eq!(broken.findings_text().lines().count(), 2);
        let text = broken.render();
        assert!(text.contains("do NOT hold: 1 or more findings"), "{text}");
        assert!(text.contains("- matching gift 8 names no pledge"), "{text}");
    }
}
