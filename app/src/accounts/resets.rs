//! Password reset links: a platform admin issues a one-time link for an account and
//! passes it on; whoever opens it sets a new password. Valid for 24 hours, once.

use super::one_time_link::{self, LinkColumns};
use super::secret::{digest, new_secret};
use super::{password, CurrentUser, SignInName};
use crate::audit::{self, Actor, Change};
use crate::entities::{password_reset, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

pub const VALID_HOURS: i64 = 24;

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// The new password is too short, too long, or its confirmation differs.
    #[error("the new password is not acceptable")]
    Invalid(Vec<(&'static str, super::Problem)>),
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
    account: &str,
    now: DateTime<Utc>,
) -> Result<String, ResetError> {
    if !admin.is_platform_admin {
        return Err(ResetError::Forbidden);
    }
    let name = SignInName::parse(account)
        .map_err(|_| ResetError::Invalid(vec![("account", super::problems::BAD_SIGN_IN_NAME)]))?;
    let name = &name;
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
    let txn = crate::db::begin_write(db).await?;
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

/// Reset links are one-time links.
const RESET_LINKS: LinkColumns<password_reset::Entity> = LinkColumns {
    id: password_reset::Column::Id,
    token_hash: password_reset::Column::TokenHash,
    used_at: password_reset::Column::UsedAt,
    expires_at: password_reset::Column::ExpiresAt,
};

/// Whether a reset link is still usable.
pub async fn is_open(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(one_time_link::open(db, &RESET_LINKS, token, now)
        .await?
        .is_some())
}

/// Sets a new password through a reset link; the link is used up (guarded, so it
/// works once), in one transaction.
pub async fn reset(
    db: &DatabaseConnection,
    token: &str,
    new_password: String,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<(), ResetError> {
    let found = super::check_new_password(
        &new_password,
        confirmation,
        "password",
        "password_confirmation",
    );
    if !found.is_empty() {
        return Err(ResetError::Invalid(found));
    }
    let found = one_time_link::open(db, &RESET_LINKS, token, now)
        .await?
        .ok_or(ResetError::Gone)?;
    // A disabled account's links do nothing.
    let active = user::Entity::find_by_id(found.user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.disabled_at.is_none());
    if !active {
        return Err(ResetError::Gone);
    }
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    if !one_time_link::use_up(&txn, &RESET_LINKS, found.id, now).await? {
        return Err(ResetError::Gone);
    }
    // Every other link of this user is spent, and every session of the old password ends.
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(found.user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    super::session::end_all(&txn, found.user_id).await?;
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
