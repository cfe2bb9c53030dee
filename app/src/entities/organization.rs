//! The `organizations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub slug: String,
    pub region_code: Option<String>,
    pub uscc: Option<String>,
    pub public_fundraising: bool,
    pub verification: String,
    pub verification_reason: Option<String>,
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<i64>,
    pub description: String,
    pub review_time_limit_days: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub payee_name: Option<String>,
    pub payee_bank: Option<String>,
    pub payee_account: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
