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
    /// A new payee proposed by one admin, waiting for a second one.
    pub payee_proposed_name: Option<String>,
    pub payee_proposed_bank: Option<String>,
    pub payee_proposed_account: Option<String>,
    pub payee_proposed_by: Option<i64>,
    pub payee_proposed_at: Option<DateTimeUtc>,
    /// Set while a platform admin has suspended the charity's verification.
    pub suspended_at: Option<DateTimeUtc>,
    pub suspension_reason: Option<String>,
    pub suspended_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Verified by the platform and not suspended now: what claiming, raising money and
    /// taking pledges ask of a charity.
    pub fn is_verified(&self) -> bool {
        self.verification == "verified" && self.suspended_at.is_none()
    }
}
