//! Accepting an invitation: a new account in the organization, signed in at once, or the
//! signed-in account of the invited address joining it.

use crate::accounts::session;
use crate::action::{Done, Outcome, Posted, Viewer};
use crate::components::portal::portal_base;
use crate::organizations::store;
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    /// `1`: accept as the account signed in (the invited address has one).
    #[serde(default)]
    pub as_signed_in: String,
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
    viewer: Viewer,
    Path(token): Path<String>,
    posted: Posted<AcceptForm>,
) -> Outcome {
    let page = routes::INVITATION.to([&token]);
    let form = &posted.form;
    if form.as_signed_in == "1" {
        let viewer = viewer.signed_in(&page)?;
        let kind = store::accept_invitation_as(&state.db, &token, &viewer, chrono::Utc::now())
            .await
            .map_err(|e| posted.refuse(&page, e))?;
        return Ok(Done::SeeOther(portal_base(kind).to_owned()));
    }
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
