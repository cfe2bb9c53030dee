//! The charity's money actions: set up a fund, save the account for transfers, allocate
//! fund money to a need, post a disclosure, mark a pledge received, refund one. Each
//! checks who is signed in, calls one domain function and goes back to its page.

use crate::action::{Done, Outcome, Posted, Refused, Rejection, Viewer};
use crate::claims::charity::CharityActor;
use crate::money::{self, problems, FundForm};
use crate::routes;
use crate::state::AppState;
use axum::extract::{Path, State};
use serde::Deserialize;

async fn member(state: &AppState, viewer: Viewer, page: &str) -> Result<CharityActor, Refused> {
    super::claims_post::charity_member(state, viewer, page, problems::NOT_A_CHARITY).await
}

/// `POST /charity/funds`: a new fund, checked field by field. The criteria come as
/// repeated checkboxes (`types=a&types=b`).
pub async fn create_fund(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<Vec<(String, String)>>,
) -> Outcome {
    let page = routes::CHARITY_FUNDS.url();
    let who = member(&state, viewer, page).await?;
    let all = |name: &str| {
        posted
            .form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let form = FundForm {
        kind: all("kind"),
        name: all("name"),
        sponsor: all("sponsor"),
        description: all("description"),
        target: all("target"),
        starts_on: all("starts_on"),
        ends_on: all("ends_on"),
        leftover: all("leftover"),
        types: all("types"),
        categories: all("categories"),
        regions: all("regions"),
        match_percent: all("match_percent"),
        match_cap: all("match_cap"),
        match_starts: all("match_starts"),
        match_ends: all("match_ends"),
    };
    let input = form
        .parse()
        .map_err(|found| posted.refuse(page, Rejection::fields(found)))?;
    let id = money::funds::create(&state.db, &who, &input, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!(
        "{}?done=created",
        routes::CHARITY_FUND.to([&id])
    )))
}

#[derive(Debug, Deserialize)]
pub struct PayeeForm {
    #[serde(default)]
    pub payee_name: String,
    #[serde(default)]
    pub payee_bank: String,
    #[serde(default)]
    pub payee_account: String,
}

/// `POST /charity/payee`.
pub async fn set_payee(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<PayeeForm>,
) -> Outcome {
    let page = routes::CHARITY_FUNDS.url();
    let who = member(&state, viewer, page).await?;
    let f = &posted.form;
    money::funds::set_payee(
        &state.db,
        &who,
        &f.payee_name,
        &f.payee_bank,
        &f.payee_account,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=payee")))
}

#[derive(Debug, Deserialize)]
pub struct AllocateForm {
    #[serde(default)]
    pub need: String,
    #[serde(default)]
    pub amount: String,
    /// The pledge whose money should go first (from the pledges list).
    #[serde(default)]
    pub pledge: String,
}

/// `POST /charity/funds/{id}/allocate`.
pub async fn allocate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<AllocateForm>,
) -> Outcome {
    let page = routes::CHARITY_FUND.to([&id]);
    let who = member(&state, viewer, &page).await?;
    let f = &posted.form;
    let amount = money::positive_yuan(&f.amount, problems::AMOUNT)
        .map_err(|p| posted.refuse(&page, Rejection::field("amount", p)))?;
    if f.need.trim().is_empty() {
        return Err(posted.refuse(&page, Rejection::field("need", problems::NO_SUCH_NEED)));
    }
    money::allocations::allocate(
        &state.db,
        &who,
        id,
        f.need.trim(),
        amount,
        f.pledge.trim().parse().ok(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(&page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=allocated")))
}

#[derive(Debug, Deserialize)]
pub struct DiscloseForm {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub body: String,
}

/// `POST /charity/funds/{id}/disclosures`.
pub async fn disclose(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<DiscloseForm>,
) -> Outcome {
    let page = routes::CHARITY_FUND.to([&id]);
    let who = member(&state, viewer, &page).await?;
    money::funds::disclose(
        &state.db,
        &who,
        id,
        &posted.form.period,
        &posted.form.body,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(&page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=disclosed")))
}

#[derive(Debug, Deserialize)]
pub struct ReceiveForm {
    #[serde(default)]
    pub amount: String,
}

/// `POST /charity/pledges/{id}/receive`.
pub async fn receive_pledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<ReceiveForm>,
) -> Outcome {
    let page = routes::CHARITY_PLEDGES.url();
    let who = member(&state, viewer, page).await?;
    let amount = money::positive_yuan(&posted.form.amount, problems::RECEIVED_AMOUNT)
        .map_err(|p| posted.refuse(page, Rejection::field("amount", p).on_top()))?;
    money::pledges::receive(&state.db, &who, id, amount, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=received")))
}

#[derive(Debug, Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /charity/pledges/{id}/refund`.
pub async fn refund_pledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<RefundForm>,
) -> Outcome {
    let page = routes::CHARITY_PLEDGES.url();
    let who = member(&state, viewer, page).await?;
    money::pledges::refund(&state.db, &who, id, &posted.form.reason, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=refunded")))
}
