//! One-time links (password resets, invitations): a row found by the SHA-256 of its
//! token while unused and unexpired, and used up by a guarded update, so that a link
//! works once even when it is followed twice at the same moment.

use super::secret::digest;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The columns of a table of one-time links.
pub struct LinkColumns<E: EntityTrait> {
    pub id: E::Column,
    pub token_hash: E::Column,
    /// When the link was used (null while it is open).
    pub used_at: E::Column,
    pub expires_at: E::Column,
}

/// The open link with this token, if there is one.
pub async fn open<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    columns: &LinkColumns<E>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<E::Model>, DbErr> {
    E::find()
        .filter(columns.token_hash.eq(digest(token)))
        .filter(columns.used_at.is_null())
        .filter(columns.expires_at.gt(now))
        .one(db)
        .await
}

/// Marks the link `id` used; false when someone else used it first.
pub async fn use_up<E: EntityTrait, C: ConnectionTrait>(
    txn: &C,
    columns: &LinkColumns<E>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let used = E::update_many()
        .col_expr(columns.used_at, Expr::value(now))
        .filter(columns.id.eq(id))
        .filter(columns.used_at.is_null())
        .exec(txn)
        .await?;
    Ok(used.rows_affected == 1)
}
