//! The `needs` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "needs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub public_code: String,
    pub office_id: i64,
    pub author_id: i64,
    pub region_code: String,
    pub title: String,
    pub story: String,
    pub assistance_type: String,
    pub household_category: String,
    pub coverage: String,
    pub assistance_received: String,
    pub age_band: String,
    pub household_size: String,
    pub urgency: String,
    pub deadline: Option<Date>,
    pub target_amount_fen: Option<i64>,
    pub status: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<i64>,
    pub review_comment: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub close_reason: Option<String>,
    pub withdraw_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
