//! Password reset links: a platform admin issues a one-time link for an account and
//! passes it on; whoever opens it sets a new password. Valid for 24 hours, once.

use super::secret::{digest, new_secret};
use super::{password, CurrentUser, SignInName};
use crate::audit::{self, Actor, Change};
use crate::entities::{password_reset, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

pub const VALID_HOURS: i64 = 24;

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("not allowed")]
    Forbidden,
    #[error("no such account")]
    NoSuchUser,
    #[error("the link is invalid, used or expired")]
    Gone,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

/// Issues a reset link's token for the account `name`. Platform admins only.
pub async fn issue(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    name: &SignInName,
    now: DateTime<Utc>,
) -> Result<String, ResetError> {
    if !admin.is_platform_admin {
        return Err(ResetError::Forbidden);
    }
    let column = match name {
        SignInName::Email(_) => user::Column::Email,
        SignInName::Phone(_) => user::Column::Phone,
    };
    let target = user::Entity::find()
        .filter(column.eq(name.as_str()))
        .one(db)
        .await?
        .ok_or(ResetError::NoSuchUser)?;
    let token = new_secret();
    let txn = db.begin().await?;
    let row = password_reset::ActiveModel {
        user_id: Set(target.id),
        token_hash: Set(digest(&token)),
        created_by: Set(admin.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(VALID_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Actor::User {
            user_id: admin.id,
            organization_id: None,
        },
        Change {
            action: "user.password_reset_issued",
            entity_kind: "user",
            entity_id: target.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "reset_id": row.id })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Whether a reset link is still usable.
pub async fn is_open(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(digest(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .is_some())
}

/// Sets a new password through a reset link; the link is used up (guarded, so it
/// works once), in one transaction.
pub async fn reset(
    db: &DatabaseConnection,
    token: &str,
    new_password: String,
    now: DateTime<Utc>,
) -> Result<(), ResetError> {
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(digest(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .ok_or(ResetError::Gone)?;
    let hash = password::hash(new_password).await?;
    let txn = db.begin().await?;
    let used = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(found.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(ResetError::Gone);
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(found.user_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Actor::User {
            user_id: found.user_id,
            organization_id: None,
        },
        Change {
            action: "user.password_reset",
            entity_kind: "user",
            entity_id: found.user_id.to_string(),
            before: None,
            after: None,
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
