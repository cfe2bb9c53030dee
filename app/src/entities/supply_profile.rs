//! The `supply_profiles` table: what a charity can give (精准对接).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub charity_id: i64,
    pub typical_budget_fen: Option<i64>,
    pub claim_capacity: i32,
    pub items_and_services: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
