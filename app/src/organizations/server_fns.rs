//! Server functions of the charity portal and the admin's verification queue.

use super::{
    InvitationView, MyOrganization, PendingCharity, PendingInvitation, TokenRow, VerifiedCharity,
};
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

/// Verified charities, suspended or not (platform admins only).
#[server]
pub async fn verified_charities() -> Result<Vec<VerifiedCharity>, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    super::store::verified_charities(&state.db, &user, &state.regions)
        .await
        .map_err(map_org_error("listing verified charities failed"))
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
            created_on: crate::domain::calendar::date_of(t.created_at),
            last_used_on: t.last_used_at.map(crate::domain::calendar::date_of),
            expires_on: t.expires_at.map(crate::domain::calendar::date_of),
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

/// What an office puts on its own government portal: the embed snippets for its region
/// and where its figures are exported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PortalSnippets {
    pub region_code: String,
    pub region_name: String,
    pub needs_snippet: String,
    pub funds_snippet: String,
    pub figures_csv: String,
}

/// The embed snippets and the figures export of the signed-in member's office.
#[server]
pub async fn office_publishing() -> Result<PortalSnippets, AppError> {
    let user = signed_in()?;
    let state = crate::state::AppState::current()?;
    let staff = crate::needs::staff::Staff::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading an office member failed", e))?;
    let office = staff.offices.first().ok_or(AppError::NotFound)?;
    let code = office.region.as_str().to_owned();
    let name = state.regions.display(&code);
    let base = &state.base_url;
    let frame = |path: &str, title: &str| {
        format!(
            "<iframe src=\"{base}{path}?region={code}\" title=\"{title}\" width=\"100%\" height=\"520\" loading=\"lazy\" style=\"border:0\"></iframe>"
        )
    };
    Ok(PortalSnippets {
        needs_snippet: frame(
            crate::routes::EMBED_NEEDS.url(),
            &format!("{name} · 善桥困难家庭需求"),
        ),
        funds_snippet: frame(
            crate::routes::EMBED_FUNDS.url(),
            &format!("{name} · 善桥慈善基金与项目"),
        ),
        figures_csv: format!("{}?region={code}", crate::routes::OFFICE_FIGURES_CSV.url()),
        region_code: code,
        region_name: name,
    })
}
