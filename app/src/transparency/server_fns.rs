//! The dashboard's server function: thin, the figures come from [`super::stats`].

use super::Dashboard;
use crate::error::AppError;
use leptos::prelude::*;

/// The dashboard for the whole site (`region` empty) or one province, city or county;
/// an unknown region is "not found".
#[server]
pub async fn load_dashboard(region: String) -> Result<Dashboard, AppError> {
    use super::stats::{dashboard, StatsError};
    let state = crate::state::AppState::current()?;
    dashboard(&state.db, &state.regions, &region, chrono::Utc::now())
        .await
        .map_err(|e| match e {
            StatsError::UnknownRegion(_) => AppError::NotFound,
            other => AppError::internal("computing the dashboard failed", other),
        })
}
