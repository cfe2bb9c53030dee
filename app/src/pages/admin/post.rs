//! The platform admin's actions: verify or reject a charity, suspend or restore its
//! verification, issue a password reset link, create an office with an invitation for its
//! first admin.

use crate::accounts::requests::Links;
use crate::accounts::resets;
use crate::action::{Answer, Done, Outcome, Posted, Refused, Viewer};
use crate::components::portal::InvitationSent;
use crate::organizations::store::{self, OfficeInput};
use crate::pages::admin::{IssuedResetLink, SuspensionForm};
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize)]
pub struct ResetLinkForm {
    #[serde(default)]
    pub account: String,
}

#[derive(Debug, Deserialize)]
pub struct OfficeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub admin_email: String,
}

async fn decide(
    state: &AppState,
    viewer: Viewer,
    id: i64,
    verify: bool,
    posted: Posted<DecisionForm>,
) -> Outcome {
    let page = routes::ADMIN_CHARITIES.url();
    let viewer = viewer.signed_in(page)?;
    store::decide_verification(
        &state.db,
        &viewer,
        id,
        verify,
        &posted.form.reason,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| Refused::page(page, e))?;
    Ok(Done::SeeOther(format!("{page}?decided=1")))
}

/// `POST /admin/charities/{id}/verify`.
pub async fn verify_charity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<DecisionForm>,
) -> Outcome {
    decide(&state, viewer, id, true, posted).await
}

/// `POST /admin/charities/{id}/reject`, with a reason.
pub async fn reject_charity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<DecisionForm>,
) -> Outcome {
    decide(&state, viewer, id, false, posted).await
}

/// `POST /admin/charities/{id}/suspend`, with a reason.
pub async fn suspend_charity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<DecisionForm>,
) -> Outcome {
    let page = routes::ADMIN_CHARITIES.url();
    let viewer = viewer.signed_in(page)?;
    store::suspend(
        &state.db,
        &viewer,
        id,
        &posted.form.reason,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e).with(SuspensionForm(id)))?;
    Ok(Done::SeeOther(format!("{page}?suspended=1")))
}

/// `POST /admin/charities/{id}/restore`, with an optional note.
pub async fn restore_charity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    posted: Posted<DecisionForm>,
) -> Outcome {
    let page = routes::ADMIN_CHARITIES.url();
    let viewer = viewer.signed_in(page)?;
    store::restore(
        &state.db,
        &viewer,
        id,
        &posted.form.reason,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e).with(SuspensionForm(id)))?;
    Ok(Done::SeeOther(format!("{page}?restored=1")))
}

/// `POST /admin/users/reset-links`: the link is shown once on the page.
pub async fn issue_reset_link(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<ResetLinkForm>,
) -> Outcome {
    let page = routes::ADMIN_USERS.url();
    let viewer = viewer.signed_in(page)?;
    let token = resets::issue(&state.db, &viewer, &posted.form.account, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, e))?;
    let link = format!("{}{}", state.base_url, routes::RESET_PASSWORD.to([&token]));
    Ok(Done::Page(Answer::page(page).with(IssuedResetLink(link))))
}

/// `POST /admin/offices`: the office admin's invitation link is shown once on the page.
pub async fn create_office(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<OfficeForm>,
) -> Outcome {
    let page = routes::ADMIN_OFFICES.url();
    let viewer = viewer.signed_in(page)?;
    let form = &posted.form;
    let input = OfficeInput {
        name: &form.name,
        region_code: &form.region_code,
        admin_email: &form.admin_email,
    };
    let is_region = |code: &str| state.regions.name(code).is_some();
    let links = Links {
        base_url: &state.base_url,
    };
    let now = chrono::Utc::now();
    store::create_office(&state.db, links, &viewer, &input, is_region, now)
        .await
        .map_err(|e| posted.refuse(page, e))?;
    let sent = InvitationSent(form.admin_email.trim().to_lowercase());
    Ok(Done::Page(Answer::page(page).with(sent)))
}
