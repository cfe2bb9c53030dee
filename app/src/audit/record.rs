//! Writing audit entries inside the caller's transaction.

use crate::entities::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User {
        user_id: i64,
        organization_id: Option<i64>,
    },
    /// A person acting through one of their API tokens: both are recorded.
    ApiToken {
        user_id: i64,
        organization_id: i64,
        token_id: i64,
    },
    System,
    Cli,
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_kind: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Appends an entry; call it with the transaction that makes the change.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    change: Change<'_>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    let (kind, user, org, token) = match actor {
        Actor::User {
            user_id,
            organization_id,
        } => ("user", Some(user_id), organization_id, None),
        Actor::ApiToken {
            user_id,
            organization_id,
            token_id,
        } => (
            "api_token",
            Some(user_id),
            Some(organization_id),
            Some(token_id),
        ),
        Actor::System => ("system", None, None, None),
        Actor::Cli => ("cli", None, None, None),
    };
    audit_entry::ActiveModel {
        occurred_at: Set(at),
        actor_kind: Set(kind.to_owned()),
        actor_user_id: Set(user),
        organization_id: Set(org),
        action: Set(change.action.to_owned()),
        entity_kind: Set(change.entity_kind.to_owned()),
        entity_id: Set(change.entity_id),
        before_state: Set(change.before.map(|v| v.to_string())),
        after_state: Set(change.after.map(|v| v.to_string())),
        reason: Set(change.reason),
        actor_token_id: Set(token),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
