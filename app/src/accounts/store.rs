//! Creating and finding accounts in the database.

use super::Email;
use crate::audit::{self, Actor, Change};
use crate::entities::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionTrait,
};

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
    let txn = db.begin().await?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .count(&txn)
        .await?
        > 0;
    if taken {
        return Err(CreateAccountError::EmailTaken);
    }
    let created = user::ActiveModel {
        email: Set(Some(email.as_str().to_owned())),
        phone: Set(None),
        display_name: Set(display_name.to_owned()),
        password_hash: Set(password_hash),
        is_platform_admin: Set(true),
        is_demo: Set(false),
        disabled_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
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

/// Whether any demo account exists (the server refuses to run them behind https).
pub async fn demo_accounts_exist(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::IsDemo.eq(true))
        .count(db)
        .await?
        > 0)
}
