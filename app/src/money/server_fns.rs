//! Server functions of the fund, pledge and charity money pages. Thin: who is signed in,
//! one query, the error mapped.

use super::payment::PaymentInstructions;
use super::{CharityPledge, FundDetail, FundSummary, OwnFund, PayeeStatus, PledgeView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a need's page shows about giving money to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedGiving {
    /// A charity raises money for it (a `fundraise` claim) and it still lacks some.
    pub raising: bool,
    pub raised: crate::domain::Fen,
    pub room: crate::domain::Fen,
    pub charity: Option<String>,
    /// Open funds that can reach it.
    pub funds: Vec<(i64, String, crate::domain::support::FundKind)>,
    pub payment: Option<PaymentInstructions>,
}

#[cfg(feature = "ssr")]
fn money_error(context: &'static str) -> impl Fn(super::MoneyError) -> AppError {
    use super::MoneyError;
    move |e| match e {
        MoneyError::NoSuchFund | MoneyError::NoSuchNeed | MoneyError::NoSuchPledge => {
            AppError::NotFound
        }
        MoneyError::NotACharity => AppError::Forbidden,
        other => AppError::internal(context, other),
    }
}

#[cfg(feature = "ssr")]
async fn signed_in_charity(
    state: &crate::state::AppState,
) -> Result<crate::claims::charity::CharityActor, AppError> {
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    crate::claims::charity::CharityActor::of_user(&state.db, user.id)
        .await
        .map_err(|e| AppError::internal("loading a charity member failed", e))?
        .ok_or(AppError::Forbidden)
}

/// The public list of funds, filtered by kind, region and assistance type (codes; an
/// unknown code filters nothing).
#[server]
pub async fn load_funds(
    kind: String,
    region: String,
    r#type: String,
) -> Result<Vec<FundSummary>, AppError> {
    let state = crate::state::AppState::current()?;
    let filter = super::funds::FundFilter {
        kind: crate::domain::support::FundKind::parse(&kind).ok(),
        region: crate::domain::RegionCode::parse(&region).ok(),
        assistance_type: crate::domain::need::AssistanceType::parse(&r#type).ok(),
    };
    super::funds::list(&state.db, &filter, chrono::Utc::now())
        .await
        .map_err(money_error("listing funds failed"))
}

/// A fund's public page.
#[server]
pub async fn load_fund(id: i64) -> Result<FundDetail, AppError> {
    let state = crate::state::AppState::current()?;
    super::funds::detail(&state.db, id, chrono::Utc::now())
        .await
        .map_err(money_error("loading a fund failed"))
}

/// A pledge by receipt code.
#[server]
pub async fn load_pledge(code: String) -> Result<PledgeView, AppError> {
    let state = crate::state::AppState::current()?;
    super::pledges::track(&state.db, &code)
        .await
        .map_err(money_error("loading a pledge failed"))
}

/// What a need's page shows about giving to it.
#[server]
pub async fn load_need_giving(code: String) -> Result<NeedGiving, AppError> {
    use crate::entities::{claim, organization};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let state = crate::state::AppState::current()?;
    let db = &state.db;
    let err = money_error("loading a need's money failed");
    let row = super::targets::public_need(db, &code).await.map_err(&err)?;
    let (goal, raised) = super::targets::progress(db, &row)
        .await
        .map_err(|e| err(e.into()))?;
    let room = crate::domain::Fen((goal.0 - raised.0).max(0));
    let raising_claim = claim::Entity::find()
        .filter(claim::Column::NeedId.eq(row.id))
        .filter(claim::Column::Status.eq("active"))
        .filter(claim::Column::Mode.eq("fundraise"))
        .one(db)
        .await
        .map_err(|e| err(e.into()))?;
    let charity = match &raising_claim {
        Some(c) => organization::Entity::find_by_id(c.charity_id)
            .one(db)
            .await
            .map_err(|e| err(e.into()))?,
        None => None,
    };
    let funds = super::funds::reaching_need(db, &row, chrono::Utc::now())
        .await
        .map_err(&err)?
        .into_iter()
        .map(|f| (f.id, f.name, f.kind))
        .collect();
    Ok(NeedGiving {
        // A suspended (or no longer verified) charity takes no new pledges.
        raising: charity.as_ref().is_some_and(|c| c.is_verified()) && room.0 > 0,
        raised,
        room,
        payment: charity
            .as_ref()
            .map(|c| super::payment::instructions(&super::targets::payee_of(c), None, None)),
        charity: charity.map(|c| c.name),
        funds,
    })
}

/// The signed-in donor's pledges.
#[server]
pub async fn my_pledges() -> Result<Vec<PledgeView>, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    super::pledges::for_donor(&state.db, user.id)
        .await
        .map_err(money_error("loading a donor's pledges failed"))
}

/// The signed-in member's charity's funds, its account for transfers (with any change
/// waiting), and whether it may set up funds.
#[server]
pub async fn my_funds() -> Result<(Vec<FundSummary>, PayeeStatus, bool), AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    let funds = super::funds::of_charity(&state.db, who.charity_id, chrono::Utc::now())
        .await
        .map_err(money_error("loading a charity's funds failed"))?;
    let charity =
        <crate::entities::organization::Entity as sea_orm::EntityTrait>::find_by_id(who.charity_id)
            .one(&state.db)
            .await
            .map_err(|e| AppError::internal("loading a charity failed", e))?
            .ok_or(AppError::Forbidden)?;
    let payee = super::payee::status(&state.db, &charity, who.user_id)
        .await
        .map_err(money_error("loading a charity's account failed"))?;
    Ok((funds, payee, who.verified && who.public_fundraising))
}

/// One of the signed-in member's charity's funds, with the needs it can reach.
#[server]
pub async fn my_fund(id: i64) -> Result<OwnFund, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::funds::own(&state.db, &who, id, chrono::Utc::now())
        .await
        .map_err(money_error("loading a charity's fund failed"))
}

/// The signed-in member's charity's pledges, waiting ones first.
#[server]
pub async fn my_charity_pledges() -> Result<Vec<CharityPledge>, AppError> {
    let state = crate::state::AppState::current()?;
    let who = signed_in_charity(&state).await?;
    super::pledges::for_charity(&state.db, who.charity_id)
        .await
        .map_err(money_error("loading a charity's pledges failed"))
}

/// A charity's account change waiting for a platform admin (the charity has one admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayeeChangeWaiting {
    pub charity_id: i64,
    pub charity: String,
    pub status: PayeeStatus,
}

/// Account changes of one-admin charities waiting for a platform admin (platform admins
/// only).
#[server]
pub async fn payee_changes_waiting() -> Result<Vec<PayeeChangeWaiting>, AppError> {
    let state = crate::state::AppState::current()?;
    let user = crate::components::session::use_current_user().ok_or(AppError::Unauthorized)?;
    if !user.is_platform_admin {
        return Err(AppError::Forbidden);
    }
    Ok(super::payee::waiting_for_platform(&state.db)
        .await
        .map_err(money_error("listing account changes failed"))?
        .into_iter()
        .map(|(o, status)| PayeeChangeWaiting {
            charity_id: o.id,
            charity: o.name,
            status,
        })
        .collect())
}
