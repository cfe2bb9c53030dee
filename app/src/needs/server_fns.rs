//! Server functions of the public needs library. Thin: parse, query, map the error.

use super::{NeedDetail, NeedSummary, NeedTotals};
use crate::error::AppError;
use leptos::prelude::*;

/// How many needs the home page lists.
pub const HOME_PAGE_NEEDS: u64 = 48;

/// The most recent open needs, optionally of one assistance type (by its code; an
/// unknown code lists every type).
#[server]
pub async fn recent_needs(assistance_type: Option<String>) -> Result<Vec<NeedSummary>, AppError> {
    use crate::domain::need::AssistanceType;
    use crate::state::AppState;
    let state = AppState::current()?;
    let filter = assistance_type
        .as_deref()
        .and_then(|c| AssistanceType::parse(c).ok());
    super::queries::recent_open(&state.db, &state.regions, filter, HOME_PAGE_NEEDS)
        .await
        .map_err(|e| AppError::internal("listing recent needs failed", e))
}

/// Counts for the home page.
#[server]
pub async fn library_totals() -> Result<NeedTotals, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    super::queries::totals(&state.db)
        .await
        .map_err(|e| AppError::internal("counting needs failed", e))
}

/// The public copy of one need; `NotFound` unless it exists and is public.
#[server]
pub async fn need_by_code(public_code: String) -> Result<NeedDetail, AppError> {
    use crate::domain::public_code::looks_valid;
    use crate::state::AppState;
    if !looks_valid(&public_code) {
        return Err(AppError::NotFound);
    }
    let state = AppState::current()?;
    super::queries::public_by_code(&state.db, &state.regions, &public_code)
        .await
        .map_err(|e| AppError::internal("loading a need failed", e))?
        .ok_or(AppError::NotFound)
}

/// A need with its private case data, for civil-affairs staff whose region contains it.
#[server]
pub async fn need_for_staff(public_code: String) -> Result<super::StaffNeedView, AppError> {
    use super::staff::StaffError;
    use crate::state::AppState;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    let state = AppState::current()?;
    super::staff::need_for_staff(&state.db, &state.regions, &user, &public_code)
        .await
        .map_err(|e| match e {
            StaffError::NotFound => AppError::NotFound,
            StaffError::Forbidden => AppError::Forbidden,
            other => AppError::internal("loading a need for staff failed", other),
        })
}
