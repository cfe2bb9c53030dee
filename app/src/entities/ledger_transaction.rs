//! The `ledger_transactions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_transactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub charity_id: i64,
    pub pledge_id: Option<i64>,
    pub allocation_id: Option<i64>,
    pub fund_id: Option<i64>,
    pub need_id: Option<i64>,
    pub memo: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// The amount moved, and the accounts it leaves and enters: the database writes the
    /// two entries from these (migration 18).
    pub amount_fen: Option<i64>,
    pub debit_kind: Option<String>,
    pub debit_ref: Option<i64>,
    pub credit_kind: Option<String>,
    pub credit_ref: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
