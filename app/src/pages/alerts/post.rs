//! The alert actions: add, change and delete a subscription; open a notification, mark
//! one or all read; save which notifications come by e-mail; use an unsubscribe link.
//! Each checks who is signed in (the unsubscribe link: its signed token), calls one
//! domain function and goes back to its page.

use crate::action::{Done, NoFields, Outcome, Posted, Refused, Rejection, Viewer};
use crate::alerts::store::{self, SubscriptionError};
use crate::alerts::unsubscribe::{self, UnsubscribeError};
use crate::alerts::{problems, Frequency, NewSubscription, NoticeKind, SubscriptionInput};
use crate::claims::charity::CharityActor;
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::HashMap;

impl From<SubscriptionError> for Rejection {
    fn from(e: SubscriptionError) -> Self {
        match e {
            SubscriptionError::Refused(problem) => {
                Rejection::form(StatusCode::UNPROCESSABLE_ENTITY, problem)
            }
            SubscriptionError::NotFound => {
                Rejection::form(StatusCode::NOT_FOUND, problems::NO_SUCH_SUBSCRIPTION)
            }
            SubscriptionError::Database(e) => {
                Rejection::internal("changing a subscription failed", e)
            }
        }
    }
}

async fn signed_in_charity(
    state: &AppState,
    viewer: Viewer,
    page: &str,
) -> Result<CharityActor, Refused> {
    crate::pages::charity::claims_post::charity_member(state, viewer, page, problems::NOT_A_CHARITY)
        .await
}

/// `POST /charity/alerts`: a new subscription, checked field by field.
pub async fn create_alert(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: axum::http::HeaderMap,
    posted: Posted<SubscriptionInput>,
) -> Outcome {
    let page = routes::CHARITY_ALERTS.url();
    let who = signed_in_charity(&state, viewer, page).await?;
    let account = store::account_email(&state.db, who.user_id)
        .await
        .map_err(|e| posted.refuse(page, Rejection::internal("loading an account failed", e)))?;
    let lang = crate::i18n::Lang::of_request(&headers);
    let new = NewSubscription::parse(
        &posted.form,
        |code| state.regions.name(code).map(str::to_owned),
        account.as_deref(),
        lang,
    )
    .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    store::create(&state.db, &who, &new, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=created")))
}

#[derive(Debug, Deserialize)]
pub struct DeliveryForm {
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub in_app: Option<String>,
    #[serde(default)]
    pub by_email: Option<String>,
}

/// `POST /charity/alerts/{id}`: how often and how one subscription tells.
pub async fn edit_alert(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<DeliveryForm>,
) -> Outcome {
    let page = routes::CHARITY_ALERTS.url();
    let user = viewer.signed_in(page)?;
    let f = &posted.form;
    let frequency = Frequency::parse(f.frequency.trim()).map_err(|_| {
        Refused::page(
            page,
            Rejection::form(StatusCode::UNPROCESSABLE_ENTITY, problems::FREQUENCY),
        )
    })?;
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    store::set_delivery(
        &state.db,
        user.id,
        id,
        frequency,
        on(&f.in_app),
        on(&f.by_email),
    )
    .await
    .map_err(|e| Refused::page(page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=updated")))
}

/// `POST /charity/alerts/{id}/delete`.
pub async fn delete_alert(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    _posted: Posted<NoFields>,
) -> Outcome {
    let page = routes::CHARITY_ALERTS.url();
    let user = viewer.signed_in(page)?;
    store::delete(&state.db, user.id, id)
        .await
        .map_err(|e| Refused::page(page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=deleted")))
}

fn no_such_notification(page: &str) -> Refused {
    Refused::page(
        page,
        Rejection::form(StatusCode::NOT_FOUND, problems::NO_SUCH_NOTIFICATION),
    )
}

/// `POST /notifications/{id}/open`: marks it read and goes to what it is about.
pub async fn open_notification(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    _posted: Posted<NoFields>,
) -> Outcome {
    let page = routes::NOTIFICATIONS.url();
    let user = viewer.signed_in(page)?;
    let link = crate::alerts::notifications::mark_read(&state.db, user.id, id, chrono::Utc::now())
        .await
        .map_err(|e| {
            Refused::page(
                page,
                Rejection::internal("opening a notification failed", e),
            )
        })?
        .ok_or_else(|| no_such_notification(page))?;
    // Links are written by the site itself; still, only ever to a path on this site.
    let to = routes::local_path(&link).unwrap_or(page).to_owned();
    Ok(Done::SeeOther(to))
}

/// `POST /notifications/{id}/read`.
pub async fn read_notification(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    _posted: Posted<NoFields>,
) -> Outcome {
    let page = routes::NOTIFICATIONS.url();
    let user = viewer.signed_in(page)?;
    crate::alerts::notifications::mark_read(&state.db, user.id, id, chrono::Utc::now())
        .await
        .map_err(|e| {
            Refused::page(
                page,
                Rejection::internal("marking a notification read failed", e),
            )
        })?
        .ok_or_else(|| no_such_notification(page))?;
    Ok(Done::SeeOther(page.to_owned()))
}

/// `POST /notifications/read-all`.
pub async fn read_all_notifications(
    State(state): State<AppState>,
    viewer: Viewer,
    _posted: Posted<NoFields>,
) -> Outcome {
    let page = routes::NOTIFICATIONS.url();
    let user = viewer.signed_in(page)?;
    crate::alerts::notifications::mark_all_read(&state.db, user.id, chrono::Utc::now())
        .await
        .map_err(|e| {
            Refused::page(
                page,
                Rejection::internal("marking notifications read failed", e),
            )
        })?;
    Ok(Done::SeeOther(page.to_owned()))
}

/// `POST /account/emails`: e-mail for the ticked kinds (`kind_<code>=on`).
pub async fn save_email_choices(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<HashMap<String, String>>,
) -> Outcome {
    let page = routes::ACCOUNT.url();
    let user = viewer.signed_in(page)?;
    let wanted: Vec<NoticeKind> = NoticeKind::DIRECT
        .iter()
        .copied()
        .filter(|k| {
            posted
                .form
                .get(&format!("kind_{}", k.code()))
                .is_some_and(|v| !v.is_empty())
        })
        .collect();
    crate::alerts::preferences::save(&state.db, user.id, &wanted, chrono::Utc::now())
        .await
        .map_err(|e| Refused::page(page, Rejection::internal("saving e-mail choices failed", e)))?;
    Ok(Done::SeeOther(format!("{page}?emails=saved#emails")))
}

/// `POST /unsubscribe/{token}`: the page's confirmation, or a mail program's one-click
/// unsubscribe (RFC 8058). No sign-in: the signed token is the authority.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    _posted: Posted<HashMap<String, String>>,
) -> Outcome {
    let page = routes::UNSUBSCRIBE.to([&token]);
    match unsubscribe::unsubscribe(&state.db, &token, chrono::Utc::now()).await {
        Ok(_) => Ok(Done::SeeOther(format!("{page}?done=1"))),
        Err(UnsubscribeError::Invalid) => Err(Refused::page(
            page,
            Rejection::form(StatusCode::GONE, problems::UNSUBSCRIBE_USED),
        )),
        Err(UnsubscribeError::Database(e)) => Err(Refused::page(
            page,
            Rejection::internal("unsubscribing failed", e),
        )),
    }
}
