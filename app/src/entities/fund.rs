//! The `funds` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub public_code: String,
    pub charity_id: i64,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub target_amount_fen: Option<i64>,
    pub leftover_policy: String,
    pub status: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub match_ratio_percent: Option<i32>,
    pub match_cap_fen: Option<i64>,
    pub match_starts_at: Option<DateTimeUtc>,
    pub match_ends_at: Option<DateTimeUtc>,
    pub last_disclosed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sponsor: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
