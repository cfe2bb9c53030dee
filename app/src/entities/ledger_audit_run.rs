//! The `ledger_audit_runs` table: each run of the ledger audit, and what it found.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_audit_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub started_at: DateTimeUtc,
    pub finished_at: DateTimeUtc,
    pub ok: bool,
    /// How many ledger entries the run read.
    pub entries: i64,
    /// What is wrong, one finding per line (empty when the books hold).
    pub report: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
