//! The pledge actions: a donor pledges to a fund or to a need (signed in or not) and is
//! sent to the pledge's tracking page; a refused pledge shows the form again with what
//! was typed and a message per field.

use crate::action::{Done, Outcome, Posted, Rejection, Viewer};
use crate::money::{self, MoneyError, PledgeTarget, RawAmount, RawPledge};
use crate::routes;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::net::SocketAddr;

impl From<MoneyError> for Rejection {
    fn from(e: MoneyError) -> Self {
        let status = match &e {
            MoneyError::Invalid(_)
            | MoneyError::OverTarget { .. }
            | MoneyError::OverBalance { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            MoneyError::NoSuchFund | MoneyError::NoSuchNeed | MoneyError::NoSuchPledge => {
                StatusCode::NOT_FOUND
            }
            MoneyError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            MoneyError::NotACharity
            | MoneyError::NotVerified
            | MoneyError::Suspended
            | MoneyError::AdminOnly
            | MoneyError::NoFundraisingQualification => StatusCode::FORBIDDEN,
            MoneyError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            MoneyError::Database(_) | MoneyError::Corrupt(_) => {
                return Rejection::internal("a money change failed", e);
            }
            _ => StatusCode::CONFLICT,
        };
        match e {
            MoneyError::Invalid(found) => Rejection::fields(found),
            e if e.amount_field() => Rejection {
                status,
                form_error: None,
                fields: vec![("amount".into(), e.problem())],
            },
            e => Rejection::form(status, e.problem()),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PledgeForm {
    #[serde(default)]
    pub preset: String,
    #[serde(default)]
    pub custom_amount: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub consent: Option<String>,
    /// The form's one-time token: posting it twice pledges once.
    #[serde(default)]
    pub idempotency_key: String,
}

impl PledgeForm {
    fn raw(&self, target: PledgeTarget) -> RawPledge {
        let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        // A custom amount typed wins over a preset (people type without ticking "other").
        let amount = if !self.custom_amount.trim().is_empty() {
            RawAmount::Yuan(self.custom_amount.clone())
        } else if !self.preset.trim().is_empty() && self.preset != "custom" {
            RawAmount::Yuan(self.preset.clone())
        } else {
            RawAmount::Missing
        };
        let (fund, need) = match target {
            PledgeTarget::Fund(id) => (Some(id), None),
            PledgeTarget::Need(code) => (None, Some(code)),
        };
        RawPledge {
            fund,
            need,
            amount,
            display_name: self.display_name.clone(),
            anonymous: on(&self.anonymous),
            contact: self.contact.clone(),
            consent: on(&self.consent),
        }
    }
}

async fn pledge(
    state: &AppState,
    viewer: Viewer,
    peer: SocketAddr,
    posted: &Posted<PledgeForm>,
    target: PledgeTarget,
    page: &str,
) -> Outcome {
    let input = posted
        .form
        .raw(target)
        .parse()
        .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    let donor = viewer.0.map(|u| u.id);
    let actor = donor.map_or_else(|| format!("ip:{}", peer.ip()), |id| format!("user:{id}"));
    let once = money::once::Once::form(
        "pledge.create",
        &actor,
        &posted.form.idempotency_key,
        &format!("{input:?}"),
    )
    .map_err(|e| posted.refuse(page, e))?;
    let pledged = money::pledges::create(
        &state.db,
        &input,
        donor,
        &peer.ip().to_string(),
        state.pledges,
        &state.base_url,
        once.as_ref(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(routes::PLEDGE.to([&pledged.receipt_code])))
}

/// `POST /funds/{id}/pledge`.
pub async fn pledge_to_fund(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    posted: Posted<PledgeForm>,
) -> Outcome {
    let page = routes::FUND.to([&id]);
    pledge(&state, viewer, peer, &posted, PledgeTarget::Fund(id), &page).await
}

/// `POST /needs/{code}/pledge`.
pub async fn pledge_to_need(
    State(state): State<AppState>,
    Path(code): Path<String>,
    viewer: Viewer,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    posted: Posted<PledgeForm>,
) -> Outcome {
    let page = routes::NEED.to([&code]);
    pledge(
        &state,
        viewer,
        peer,
        &posted,
        PledgeTarget::Need(code.clone()),
        &page,
    )
    .await
}
