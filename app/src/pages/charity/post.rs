//! Registering a charity: checked, then a link to its first admin's address, which opens
//! the charity (pending verification) and the admin's account.

use crate::accounts::requests::Links;
use crate::action::{Done, Outcome, Posted, Rejection};
use crate::organizations::{store, CharityRegistration, RegistrationInput};
use crate::routes;
use crate::state::AppState;
use serde::Deserialize;

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
}

/// `POST /charity/register`: a link to the first admin's address (or, if it has an
/// account, a notice to its owner); the same answer either way.
pub async fn register_charity(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
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
    };
    let registration =
        CharityRegistration::parse(&input, |code| state.regions.name(code).is_some())
            .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    let links = Links {
        base_url: &state.base_url,
    };
    store::register_charity(
        &state.db,
        links,
        registration,
        &peer.ip().to_string(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!("{page}?sent=1")))
}
