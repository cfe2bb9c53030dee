//! The `fund_disclosures` table: a project's quarterly disclosure reports.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_disclosures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fund_id: i64,
    pub period: String,
    pub body: String,
    pub posted_by: Option<i64>,
    pub posted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
