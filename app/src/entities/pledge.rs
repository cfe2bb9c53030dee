//! The `pledges` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pledges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub receipt_code: String,
    pub need_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub fund_id: Option<i64>,
    pub charity_id: i64,
    pub donor_user_id: Option<i64>,
    pub donor_name: Option<String>,
    pub is_anonymous: bool,
    pub receipt_contact: Option<String>,
    pub amount_fen: i64,
    pub status: String,
    pub pledged_at: DateTimeUtc,
    pub lapses_at: DateTimeUtc,
    pub reminded_at: Option<DateTimeUtc>,
    pub received_at: Option<DateTimeUtc>,
    pub received_by: Option<i64>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub received_fen: Option<i64>,
    pub consented_at: Option<DateTimeUtc>,
    /// The payee the pledge was made with: a later change of the charity's account never
    /// rewrites an existing pledge's instructions.
    pub payee_name: Option<String>,
    pub payee_bank: Option<String>,
    pub payee_account: Option<String>,
    /// Who confirmed a receipt above the pledged amount (never `received_by`).
    pub received_confirmed_by: Option<i64>,
    /// A receipt above the pledge, waiting for a second person.
    pub proposed_received_fen: Option<i64>,
    pub proposed_by: Option<i64>,
    pub proposed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
