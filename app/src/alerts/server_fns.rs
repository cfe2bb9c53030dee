//! Server functions of the alert pages: a member's subscriptions, anyone's own
//! notifications and e-mail choices, and what an unsubscribe link would stop. Thin: who
//! is signed in, one query, the error mapped.

use super::{EmailChoices, NoticePage, SubscriptionView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the subscriptions page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub subscriptions: Vec<SubscriptionView>,
    /// Whether the member's charity has a supply profile (a profile subscription needs one).
    pub has_profile: bool,
    /// The account's e-mail address (none: it signs in by phone).
    pub account_email: Option<String>,
}

/// What an unsubscribe link would stop, or that it cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnsubscribeWhat {
    /// The e-mails of the subscription with this label.
    Subscription(String),
    /// E-mails of this kind of notification.
    Kind(super::NoticeKind),
    /// Altered, someone else's, or used already.
    Unusable,
}

/// The signed-in charity member's subscriptions.
#[server]
pub async fn my_alerts() -> Result<AlertsPage, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    let who = crate::claims::charity::CharityActor::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading a charity member failed", e))?
        .ok_or(AppError::Forbidden)?;
    let subscriptions = super::store::list(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("listing subscriptions failed", e))?;
    let has_profile = crate::claims::profile::load(&state.db, who.charity_id)
        .await
        .map_err(|e| AppError::internal("loading a supply profile failed", e))?
        .is_some();
    let account_email = super::store::account_email(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading an account failed", e))?;
    Ok(AlertsPage {
        subscriptions,
        has_profile,
        account_email,
    })
}

/// A page of the signed-in person's notifications.
#[server]
pub async fn my_notifications(page: u64) -> Result<NoticePage, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    super::notifications::page(&state.db, user.id, page)
        .await
        .map_err(|e| AppError::internal("listing notifications failed", e))
}

/// Which notifications the signed-in person gets by e-mail.
#[server]
pub async fn my_email_choices() -> Result<EmailChoices, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    super::preferences::choices(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading e-mail choices failed", e))
}

/// What the unsubscribe link with `token` would stop (no sign-in needed).
#[server]
pub async fn unsubscribe_link(token: String) -> Result<UnsubscribeWhat, AppError> {
    use super::unsubscribe::{describe, Target, UnsubscribeError};
    let state = crate::state::AppState::current()?;
    match describe(&state.db, &token).await {
        Ok(Target::Kind(kind)) => Ok(UnsubscribeWhat::Kind(kind)),
        Ok(Target::Subscription(id)) => {
            use sea_orm::EntityTrait;
            let label = crate::entities::subscription::Entity::find_by_id(id)
                .one(&state.db)
                .await
                .map_err(|e| AppError::internal("loading a subscription failed", e))?
                .map(|s| s.label)
                .unwrap_or_default();
            Ok(UnsubscribeWhat::Subscription(label))
        }
        Err(UnsubscribeError::Invalid) => Ok(UnsubscribeWhat::Unusable),
        Err(UnsubscribeError::Database(e)) => {
            Err(AppError::internal("checking an unsubscribe link failed", e))
        }
    }
}
