//! The reset link's post: a new password, once.

use crate::accounts::resets;
use crate::action::{Done, Outcome, Posted};
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirmation: String,
}

/// `POST /reset/{token}`: then sign in with the new password.
pub async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    posted: Posted<ResetForm>,
) -> Outcome {
    let page = routes::RESET_PASSWORD.to([&token]);
    resets::reset(
        &state.db,
        &token,
        posted.form.password.clone(),
        &posted.form.password_confirmation,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(&page, e))?;
    Ok(Done::SeeOther(format!("{}?reset=1", routes::SIGN_IN.url())))
}
