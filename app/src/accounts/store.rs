//! Creating and finding accounts in the database.

use super::Email;
use crate::audit::{self, Actor, Change};
use crate::entities::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

/// A new account row: enabled, not a demo account.
pub fn new_user(
    email: Option<String>,
    phone: Option<String>,
    display_name: String,
    password_hash: String,
    platform_admin: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        email: Set(email),
        phone: Set(phone),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        is_platform_admin: Set(platform_admin),
        is_demo: Set(false),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Creates a platform admin, recording it in the audit log, in one transaction.
pub async fn create_platform_admin(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &str,
    password_hash: String,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, CreateAccountError> {
    let txn = crate::db::begin_write(db).await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .count(&txn)
        .await?
        > 0;
    if taken {
        return Err(CreateAccountError::EmailTaken);
    }
    let created = new_user(
        Some(email.as_str().to_owned()),
        None,
        display_name.to_owned(),
        password_hash,
        true,
        now,
    )
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Change {
            action: "user.create_platform_admin",
            entity_kind: "user",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email.as_str(), "platform_admin": true })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created.id)
}

/// The account that signs in with `name`, if there is one.
pub async fn find_by_name<C: sea_orm::ConnectionTrait>(
    db: &C,
    name: &super::SignInName,
) -> Result<Option<user::Model>, DbErr> {
    let column = match name {
        super::SignInName::Email(_) => user::Column::Email,
        super::SignInName::Phone(_) => user::Column::Phone,
    };
    user::Entity::find()
        .filter(column.eq(name.as_str()))
        .one(db)
        .await
}

/// Whether any demo account exists (the server refuses to run them behind https).
pub async fn demo_accounts_exist(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::IsDemo.eq(true))
        .count(db)
        .await?
        > 0)
}

#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    /// The link is unknown, used or expired.
    #[error("the sign-up link is invalid, used or expired")]
    LinkGone,
    /// The password is too short, too long, or its confirmation differs.
    #[error("the password is not acceptable")]
    Invalid(Vec<(&'static str, super::Problem)>),
    /// An account was opened with this address after the link was sent (the person
    /// holding the link owns the address, so telling them reveals nothing).
    #[error("the e-mail address or mobile number is already registered")]
    NameTaken,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] super::password::PasswordError),
}

/// Opens the donor account a sign-up link stands for, with the password chosen on the
/// link's page; the link is used up in the same transaction as the account and its
/// audit entry.
pub async fn open_donor_account(
    db: &DatabaseConnection,
    request: &super::requests::OpenRequest,
    password: String,
    confirmation: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::CurrentUser, SignUpError> {
    let found =
        super::check_new_password(&password, confirmation, "password", "password_confirmation");
    if !found.is_empty() {
        return Err(SignUpError::Invalid(found));
    }
    if request.purpose != super::requests::Purpose::Donor {
        return Err(SignUpError::LinkGone);
    }
    let hash = super::password::hash(password).await?;
    let (email, phone) = super::requests::columns(&request.name);
    let txn = crate::db::begin_write(db).await?;
    if !super::requests::use_up(&txn, request.id, now).await? {
        return Err(SignUpError::LinkGone);
    }
    let created = new_user(email, phone, request.display_name.clone(), hash, false, now)
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => SignUpError::NameTaken,
            _ => SignUpError::Database(e),
        })?;
    audit::record(
        &txn,
        Actor::User {
            user_id: created.id,
            organization_id: None,
        },
        Change {
            action: "user.sign_up",
            entity_kind: "user",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "role": "donor" })),
            reason: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(super::CurrentUser {
        id: created.id,
        display_name: created.display_name,
        is_platform_admin: false,
    })
}

/// Remembers the language `user_id` reads the site in (their e-mails are written in it).
pub async fn set_language(
    db: &DatabaseConnection,
    user_id: i64,
    lang: crate::i18n::Lang,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    user::Entity::update_many()
        .col_expr(user::Column::Lang, Expr::value(lang.code()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The signed-in user behind a session's user id, unless the account was disabled.
pub async fn current_user(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Option<super::CurrentUser>, DbErr> {
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .map(|u| super::CurrentUser {
            id: u.id,
            display_name: u.display_name,
            is_platform_admin: u.is_platform_admin,
        }))
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    /// The new password is too short, too long, or its confirmation differs.
    #[error("the new password is not acceptable")]
    Invalid(Vec<(&'static str, super::Problem)>),
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("the account no longer exists")]
    NoSuchUser,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Password(#[from] super::password::PasswordError),
}

/// Replaces a user's password after checking the current one; audited (without either
/// password), in one transaction.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i64,
    current: String,
    new: String,
    confirmation: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ChangePasswordError> {
    let found = super::check_new_password(
        &new,
        confirmation,
        "new_password",
        "new_password_confirmation",
    );
    if !found.is_empty() {
        return Err(ChangePasswordError::Invalid(found));
    }
    let Some(found) = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.disabled_at.is_none())
    else {
        return Err(ChangePasswordError::NoSuchUser);
    };
    if !super::password::verify(current, found.password_hash.clone()).await? {
        return Err(ChangePasswordError::WrongCurrentPassword);
    }
    let hash = super::password::hash(new).await?;
    let txn = crate::db::begin_write(db).await?;
    let mut row: user::ActiveModel = found.into();
    row.password_hash = Set(hash);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    // Whoever held the old password is signed out everywhere.
    super::session::end_all(&txn, user_id).await?;
    audit::record(
        &txn,
        Actor::User {
            user_id,
            organization_id: None,
        },
        Change {
            action: "user.change_password",
            entity_kind: "user",
            entity_id: user_id.to_string(),
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
