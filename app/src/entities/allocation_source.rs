//! The `allocation_sources` table: which receipts (pledge received, matching gift) an
//! allocation drew on, and how much from each. Append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "allocation_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub allocation_id: i64,
    pub source_transaction_id: i64,
    pub amount_fen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
