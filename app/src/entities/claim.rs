//! The `claims` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub need_id: i64,
    pub charity_id: i64,
    pub claimed_by: i64,
    pub mode: String,
    pub status: String,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub fulfilled_at: Option<DateTimeUtc>,
    pub delivered_on: Option<Date>,
    pub fulfilment_report: Option<String>,
    pub fulfilment_cost_fen: Option<i64>,
    pub substitutions: Option<String>,
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<i64>,
    pub rating: Option<i16>,
    pub released_at: Option<DateTimeUtc>,
    pub release_reason: Option<String>,
    pub lapsed_at: Option<DateTimeUtc>,
    pub plan: String,
    pub plan_by: Option<Date>,
    /// JSON list of `{name, unit, quantity}` delivered.
    pub delivered_items: Option<String>,
    pub evidence: Option<String>,
    pub thank_you_note: Option<String>,
    pub released_by: Option<i64>,
    pub review_question: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
