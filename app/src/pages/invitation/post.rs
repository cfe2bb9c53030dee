//! Accepting an invitation: a new account in the organization, signed in at once.

use crate::accounts::session;
use crate::action::{Done, Outcome, Posted};
use crate::components::portal::portal_base;
use crate::organizations::store;
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirmation: String,
}

/// `POST /invitations/{token}`: then the organization's portal.
pub async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    posted: Posted<AcceptForm>,
) -> Outcome {
    let page = routes::INVITATION.to([&token]);
    let form = &posted.form;
    let (user, kind) = store::accept_invitation(
        &state.db,
        &token,
        &form.display_name,
        form.password.clone(),
        &form.password_confirmation,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(&page, e))?;
    session::start(&session, user.id)
        .await
        .map_err(|e| posted.refuse(&page, e))?;
    Ok(Done::SeeOther(portal_base(kind).to_owned()))
}
