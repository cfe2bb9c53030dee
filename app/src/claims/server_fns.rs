//! Server functions of the charity portal's claim pages and of the office's view of the
//! claims on a need. Thin: who is signed in, one query, the error mapped.

use super::{ClaimView, Matches, SupplyProfile};
use crate::error::AppError;
use crate::needs::NeedSummary;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the claim form shows about the need and the lease it would start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimTerms {
    pub need: NeedSummary,
    /// The lease's due date if claimed now.
    pub due_on: chrono::NaiveDate,
    pub can_fundraise: bool,
    /// Verified and not suspended: may claim.
    pub verified: bool,
    /// The charity's verification is suspended now.
    pub suspended: bool,
    pub active_claims: u32,
    pub capacity: u32,
}

#[cfg(feature = "ssr")]
async fn signed_in_charity(
    state: &crate::state::AppState,
) -> Result<super::charity::CharityActor, AppError> {
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    super::charity::CharityActor::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading a charity member failed", e))?
        .ok_or(AppError::Forbidden)
}

#[cfg(feature = "ssr")]
fn claim_error(context: &'static str) -> impl Fn(super::lifecycle::ClaimError) -> AppError {
    use super::lifecycle::ClaimError;
    move |e| match e {
        ClaimError::NotFound => AppError::NotFound,
        ClaimError::Forbidden | ClaimError::NotACharity => AppError::Forbidden,
        other => AppError::internal(context, other),
    }
}

/// The needs that fit the signed-in member's charity, best first.
#[server]
pub async fn my_matches() -> Result<Matches, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::queries::matches(&state.db, &state.regions, &who, super::queries::MATCH_LIMIT)
        .await
        .map_err(claim_error("ranking needs for a charity failed"))
}

/// The signed-in member's charity's supply profile, if it has one.
#[server]
pub async fn my_supply_profile() -> Result<Option<SupplyProfile>, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::profile::load(&state.db, who.charity_id)
        .await
        .map_err(|e| AppError::internal("loading a supply profile failed", e))
}

/// The charity's claims, newest first.
#[server]
pub async fn my_claims() -> Result<Vec<ClaimView>, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::queries::claims_of(&state.db, &state.regions, &who, 100)
        .await
        .map_err(claim_error("listing a charity's claims failed"))
}

/// One claim of the charity.
#[server]
pub async fn my_claim(id: i64) -> Result<ClaimView, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::queries::claim_of(&state.db, &state.regions, &who, id)
        .await
        .map_err(claim_error("loading a claim failed"))
}

/// What the claim form of a need shows; `NotFound` unless the need is public.
#[server]
pub async fn claim_offer(code: String) -> Result<ClaimTerms, AppError> {
    use crate::domain::need::Urgency;
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    let need = crate::needs::queries::public_by_code(&state.db, &state.regions, &code)
        .await
        .map_err(|e| AppError::internal("loading a need failed", e))?
        .ok_or(AppError::NotFound)?;
    let urgency: Urgency = need.summary.urgency;
    let suspended =
        <crate::entities::organization::Entity as sea_orm::EntityTrait>::find_by_id(who.charity_id)
            .one(&state.db)
            .await
            .map_err(|e| AppError::internal("loading a charity failed", e))?
            .is_some_and(|o| o.suspended_at.is_some());
    let internal = |e| AppError::internal("loading a charity's claims failed", e);
    Ok(ClaimTerms {
        due_on: crate::domain::calendar::date_of(
            chrono::Utc::now() + chrono::Duration::days(state.leases.days(urgency)),
        ),
        need: need.summary,
        can_fundraise: who.public_fundraising,
        verified: who.verified,
        suspended,
        active_claims: super::lifecycle::active_claims(&state.db, who.charity_id)
            .await
            .map_err(internal)?,
        capacity: super::lifecycle::capacity_of(&state.db, who.charity_id)
            .await
            .map_err(internal)?,
    })
}

/// Every claim on a need, for the office staff of its region.
#[server]
pub async fn need_claims(code: String) -> Result<Vec<ClaimView>, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    let staff = crate::needs::staff::Staff::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading staff failed", e))?;
    super::queries::claims_on_need(&state.db, &state.regions, &staff, &code)
        .await
        .map_err(claim_error("listing the claims on a need failed"))
}
