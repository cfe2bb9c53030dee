//! The signed-in session: what it holds, and starting one without session fixation.

use tower_sessions::Session;

/// Session keys.
pub const USER_ID: &str = "user_id";
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// Starts a signed-in session: a new session id (no fixation), then the user.
pub async fn start(session: &Session, user_id: i64) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER_ID, user_id).await?;
    session
        .insert(SIGNED_IN_AT, chrono::Utc::now().timestamp())
        .await?;
    Ok(())
}

/// Ends every session of `user_id` (inside the caller's transaction): after a password
/// change or reset, whoever held the old password is signed out everywhere. The action
/// that changed it keeps its own session by giving it a new id (`Session::cycle_id`).
pub async fn end_all<C: sea_orm::ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<u64, sea_orm::DbErr> {
    use crate::entities::session;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let ended = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(ended.rows_affected)
}
