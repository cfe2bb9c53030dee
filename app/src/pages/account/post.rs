//! The account forms' actions: sign in, sign up, sign out, change the password.

use crate::accounts::{requests, session, sign_in, store, SignUp};
use crate::action::{Done, NoFields, Outcome, Posted, Refused, Rejection, Viewer};
use crate::pages::account::safe_next;
use crate::routes;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use serde::Deserialize;
use std::net::SocketAddr;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub password: String,
    /// Where to go after signing in (a local path; anything else means the account page).
    #[serde(default)]
    pub next: String,
}

#[derive(Debug, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub display_name: String,
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirmation: String,
}

/// `POST /signin`: on success a new session id, then where the reader was going.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    posted: Posted<SignInForm>,
) -> Outcome {
    let page = routes::SIGN_IN.url();
    let form = &posted.form;
    let user = sign_in::authenticate(
        &state.db,
        &form.account,
        form.password.clone(),
        &peer.ip().to_string(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    session::start(&session, user.id)
        .await
        .map_err(|e| posted.refuse(page, e))?;
    tracing::info!(user_id = user.id, "signed in");
    Ok(Done::SeeOther(safe_next(&form.next).to_owned()))
}

/// `POST /signup`: a link to the address (or, if it has an account, a notice to its
/// owner); the same answer either way.
pub async fn sign_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    posted: Posted<SignUpForm>,
) -> Outcome {
    let page = routes::SIGN_UP.url();
    let form = &posted.form;
    let sign_up = SignUp::parse(&form.account, &form.display_name)
        .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    let asked = requests::AccountRequest {
        purpose: requests::Purpose::Donor,
        name: sign_up.name,
        display_name: sign_up.display_name,
        details: "{}".into(),
    };
    let links = requests::Links {
        base_url: &state.base_url,
    };
    requests::request(
        &state.db,
        links,
        asked,
        &peer.ip().to_string(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!("{page}?sent=1")))
}

/// `POST /signout`: deletes the session record, so the old cookie means nothing.
pub async fn sign_out(session: Session, _posted: Posted<NoFields>) -> Outcome {
    session
        .flush()
        .await
        .map_err(|e| Refused::page(routes::ACCOUNT.url(), e))?;
    Ok(Done::SeeOther(routes::HOME.url().to_owned()))
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    posted: Posted<PasswordForm>,
) -> Outcome {
    let page = routes::ACCOUNT.url();
    let user = viewer.signed_in(page)?;
    let form = &posted.form;
    store::change_password(
        &state.db,
        user.id,
        form.current_password.clone(),
        form.new_password.clone(),
        &form.new_password_confirmation,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    // A new id for the session that survives the change.
    if let Err(e) = session.cycle_id().await {
        tracing::warn!(error = %e, "cycling the session id failed");
    }
    Ok(Done::SeeOther(format!("{page}?changed=1")))
}
