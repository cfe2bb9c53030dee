//! The `supply_profile_criteria` table: the assistance types, household categories and
//! regions a charity serves, one row each.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supply_profile_criteria")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub charity_id: i64,
    /// `assistance_type`, `household_category` or `region`.
    pub dimension: String,
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
