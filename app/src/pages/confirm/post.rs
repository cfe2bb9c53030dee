//! The sign-up link's post: the password, then the account (and a registration's
//! charity), signed in with a fresh session.

use crate::accounts::requests::{self, Purpose};
use crate::accounts::{session, store};
use crate::action::{Done, Outcome, Posted};
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct PasswordPair {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirmation: String,
}

/// `POST /signup/{token}`.
pub async fn confirm_sign_up(
    State(state): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    posted: Posted<PasswordPair>,
) -> Outcome {
    let page = routes::SIGN_UP_CONFIRM.to([&token]);
    let now = chrono::Utc::now();
    let form = &posted.form;
    let request = requests::open(&state.db, &token, now)
        .await
        .map_err(|e| posted.refuse(&page, store::SignUpError::Database(e)))?
        .ok_or_else(|| posted.refuse(&page, store::SignUpError::LinkGone))?;
    let (user_id, next) = match request.purpose {
        Purpose::Donor => {
            let user = store::open_donor_account(
                &state.db,
                &request,
                form.password.clone(),
                &form.password_confirmation,
                now,
            )
            .await
            .map_err(|e| posted.refuse(&page, e))?;
            (user.id, format!("{}?welcome=1", routes::ACCOUNT.url()))
        }
        Purpose::Charity => {
            let (_, admin) = crate::organizations::store::open_charity(
                &state.db,
                &request,
                form.password.clone(),
                &form.password_confirmation,
                now,
            )
            .await
            .map_err(|e| posted.refuse(&page, e))?;
            (admin.id, format!("{}?registered=1", routes::CHARITY.url()))
        }
    };
    session::start(&session, user_id)
        .await
        .map_err(|e| posted.refuse(&page, e))?;
    tracing::info!(user_id, "signed up");
    Ok(Done::SeeOther(next))
}
