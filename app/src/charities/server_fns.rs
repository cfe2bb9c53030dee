//! The directory's server functions: thin, the reading is in [`super::directory`].

use super::{CharityListing, CharityProfile};
use crate::error::AppError;
use leptos::prelude::*;

/// Every verified charity.
#[server]
pub async fn load_charities() -> Result<Vec<CharityListing>, AppError> {
    let state = crate::state::AppState::current()?;
    super::directory::list(&state.db, &state.regions)
        .await
        .map_err(|e| AppError::internal("listing charities failed", e))
}

/// A verified charity's public profile; anything else is "not found".
#[server]
pub async fn load_charity(slug: String) -> Result<CharityProfile, AppError> {
    let state = crate::state::AppState::current()?;
    super::directory::profile(&state.db, &state.regions, &slug)
        .await
        .map_err(|e| AppError::internal("loading a charity's profile failed", e))?
        .ok_or(AppError::NotFound)
}

/// The ids of the charities whose verification is suspended now (the fund pages mark
/// their funds).
#[server]
pub async fn suspended_charities() -> Result<Vec<i64>, AppError> {
    let state = crate::state::AppState::current()?;
    super::directory::suspended_ids(&state.db)
        .await
        .map_err(|e| AppError::internal("listing suspended charities failed", e))
}
