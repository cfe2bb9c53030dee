//! The `need_private` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "need_private")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_id: i64,
    pub case_reference: String,
    pub household_names: String,
    pub consent_recorded_by: i64,
    pub consent_recorded_at: DateTimeUtc,
    pub consent_scope: String,
    pub consent_withdrawn_at: Option<DateTimeUtc>,
    pub consent_withdrawn_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
