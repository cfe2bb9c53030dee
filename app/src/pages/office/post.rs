//! The office portal's own form: the review time limit (office admins).

use crate::action::{Done, Outcome, Posted, Viewer};
use crate::needs::lifecycle;
use crate::pages::office::signed_in_staff;
use crate::routes;
use crate::state::AppState;
use axum::extract::State;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub review_time_limit_days: String,
}

/// `POST /office/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<SettingsForm>,
) -> Outcome {
    let page = routes::OFFICE.url();
    let staff = signed_in_staff(&state, viewer, page).await?;
    lifecycle::set_review_time_limit(
        &state.db,
        &staff,
        &posted.form.review_time_limit_days,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!("{page}?saved=1")))
}
