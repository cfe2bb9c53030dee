//! Registering a charity: checked, stored pending verification, its admin signed in.

use crate::accounts::session;
use crate::action::{Done, Outcome, Posted, Rejection};
use crate::organizations::{store, CharityRegistration, RegistrationInput};
use crate::routes;
use crate::state::AppState;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub uscc: String,
    #[serde(default)]
    pub region_code: String,
    /// The checkbox: `on` when ticked.
    #[serde(default)]
    pub public_fundraising: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub admin_account: String,
    #[serde(default)]
    pub admin_display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirmation: String,
}

/// `POST /charity/register`: then the new charity's portal.
pub async fn register_charity(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    session: Session,
    posted: Posted<RegistrationForm>,
) -> Outcome {
    let page = routes::CHARITY_REGISTER.url();
    let f = &posted.form;
    let input = RegistrationInput {
        name: &f.name,
        uscc: &f.uscc,
        region_code: &f.region_code,
        public_fundraising: f.public_fundraising.as_deref() == Some("on"),
        description: &f.description,
        admin_account: &f.admin_account,
        admin_display_name: &f.admin_display_name,
        password: &f.password,
        password_confirmation: &f.password_confirmation,
    };
    let registration =
        CharityRegistration::parse(&input, |code| state.regions.name(code).is_some())
            .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    let (_, admin) = store::register_charity(
        &state.db,
        registration,
        &peer.ip().to_string(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    session::start(&session, admin.id)
        .await
        .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!(
        "{}?registered=1",
        routes::CHARITY.url()
    )))
}
