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

#[cfg(feature = "ssr")]
fn staff_error(e: super::lifecycle::NeedError) -> AppError {
    use super::lifecycle::NeedError;
    match e {
        NeedError::NotFound => AppError::NotFound,
        NeedError::Forbidden => AppError::Forbidden,
        other => AppError::internal("loading needs for staff failed", other),
    }
}

#[cfg(feature = "ssr")]
async fn current_staff() -> Result<(crate::state::AppState, super::staff::Staff), AppError> {
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    let state = crate::state::AppState::current()?;
    // A page rendered in answer to a form post gets the staff member its action loaded.
    if let Some(staff) = use_context::<super::staff::Staff>().filter(|s| s.user_id == user.id) {
        return Ok((state, staff));
    }
    let staff = super::staff::Staff::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading staff offices failed", e))?;
    if !staff.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok((state, staff))
}

/// One need with its private case data, the guard's findings and what the viewer may
/// do, for civil-affairs staff whose region contains it.
#[server]
pub async fn need_workspace(public_code: String) -> Result<super::NeedWorkspace, AppError> {
    let (state, staff) = current_staff().await?;
    super::office::workspace(
        &state.db,
        &state.regions,
        &staff,
        &public_code,
        crate::domain::calendar::today(chrono::Utc::now()),
    )
    .await
    .map_err(staff_error)
}

/// The needs of the viewer's regions, optionally of one status (by its code).
#[server]
pub async fn office_needs(status: Option<String>) -> Result<super::StaffNeedList, AppError> {
    use crate::domain::need::NeedStatus;
    let (state, staff) = current_staff().await?;
    let status = status.as_deref().and_then(|s| NeedStatus::parse(s).ok());
    super::office::list_for_staff(&state.db, &state.regions, &staff, status)
        .await
        .map_err(staff_error)
}

/// The counties the viewer may write needs for, labelled with their path.
#[server]
pub async fn office_counties() -> Result<Vec<(String, String)>, AppError> {
    let (state, staff) = current_staff().await?;
    let scopes: Vec<_> = staff
        .offices
        .iter()
        .filter(|o| {
            o.roles
                .iter()
                .any(|r| super::lifecycle::WRITERS.contains(r))
        })
        .map(|o| o.region.clone())
        .collect();
    Ok(state.regions.counties_within(&scopes))
}
