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
