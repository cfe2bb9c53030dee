//! Server functions of the charity portal and the admin's verification queue.

use super::{InvitationView, MyOrganization, PendingCharity, PendingInvitation, TokenRow};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn signed_in() -> Result<crate::accounts::CurrentUser, AppError> {
    crate::components::session::use_current_user().ok_or(AppError::Unauthorized)
}

#[cfg(feature = "ssr")]
fn map_org_error(context: &'static str) -> impl Fn(super::store::OrgError) -> AppError {
    move |e| match e {
        super::store::OrgError::Forbidden => AppError::Forbidden,
        super::store::OrgError::NotFound | super::store::OrgError::InvitationGone => {
            AppError::NotFound
        }
        other => AppError::internal(context, other),
    }
}

/// The signed-in person's charity.
#[server]
pub async fn my_charity() -> Result<MyOrganization, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    super::store::my_charity(&state.db, &user)
        .await
        .map_err(map_org_error("loading a charity failed"))
}

/// The signed-in person's civil-affairs office.
#[server]
pub async fn my_office() -> Result<MyOrganization, AppError> {
    use crate::domain::organization::OrganizationKind;
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    super::store::my_organization(&state.db, &user, OrganizationKind::CivilAffairs)
        .await
        .map_err(map_org_error("loading an office failed"))
}

/// Charities awaiting verification (platform admins only).
#[server]
pub async fn pending_charities() -> Result<Vec<PendingCharity>, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    super::store::pending_charities(&state.db, &user, &state.regions)
        .await
        .map_err(map_org_error("listing pending charities failed"))
}

/// What an invitation link offers.
#[server]
pub async fn open_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = crate::state::AppState::current()?;
    let viewer = signed_in().ok();
    super::store::invitation(&state.db, &token, viewer.as_ref(), chrono::Utc::now())
        .await
        .map_err(map_org_error("loading an invitation failed"))
}

/// Provinces and cities, for choosing where a charity is registered: `(code, label)`.
#[server]
pub async fn registration_regions() -> Result<Vec<(String, String)>, AppError> {
    let state = crate::state::AppState::current()?;
    Ok(state.regions.provinces_and_cities())
}

/// The API tokens of the signed-in admin's organization of `kind`.
#[server]
pub async fn my_tokens(
    kind: crate::domain::organization::OrganizationKind,
) -> Result<Vec<TokenRow>, AppError> {
    use crate::accounts::tokens;
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    let charity = super::store::my_organization(&state.db, &user, kind)
        .await
        .map_err(map_org_error("loading a charity failed"))?;
    let rows = tokens::list(&state.db, user.id, charity.id)
        .await
        .map_err(|e| match e {
            tokens::TokenError::Forbidden => AppError::Forbidden,
            other => AppError::internal("listing API tokens failed", other),
        })?;
    Ok(rows
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            user: t.user,
            created_on: t.created_at.date_naive(),
            last_used_on: t.last_used_at.map(|d| d.date_naive()),
            expires_on: t.expires_at.map(|d| d.date_naive()),
            revoked: t.revoked,
        })
        .collect())
}

/// The signed-in person's charity's own funds and pledges.
#[server]
pub async fn my_charity_activity() -> Result<super::CharityActivity, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    super::store::charity_activity(&state.db, &user)
        .await
        .map_err(map_org_error("loading a charity's activity failed"))
}

/// The invitations of the viewer's organization of `kind` still waiting (its admin only).
#[server]
pub async fn my_open_invitations(
    kind: crate::domain::organization::OrganizationKind,
) -> Result<Vec<PendingInvitation>, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    let org = super::store::my_organization(&state.db, &user, kind)
        .await
        .map_err(map_org_error("loading an organization failed"))?;
    super::store::open_invitations(&state.db, &user, org.id, chrono::Utc::now())
        .await
        .map_err(map_org_error("listing invitations failed"))
}
