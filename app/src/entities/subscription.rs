//! The `subscriptions` table: what a charity member asked to be told about.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `search` (a saved library search) or `profile` (fits the charity's supply profile).
    pub kind: String,
    pub charity_id: Option<i64>,
    pub label: String,
    pub query: String,
    pub region_code: Option<String>,
    pub assistance_type: Option<String>,
    pub household_category: Option<String>,
    pub coverage: Option<String>,
    /// `immediate` or `daily`.
    pub frequency: String,
    pub in_app: bool,
    pub by_email: bool,
    /// Another address than the account's for this subscription's e-mails.
    pub email: Option<String>,
    /// Part of the signed unsubscribe link; replaced when the link is used.
    pub unsubscribe_nonce: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
