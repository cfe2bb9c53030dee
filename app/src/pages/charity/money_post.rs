//! The charity's money actions: set up a fund, save the account for transfers, allocate
//! fund money to a need, post a disclosure, mark a pledge received, refund one. Each
//! checks who is signed in, calls one domain function and goes back to its page.

use crate::action::{Done, NoFields, Outcome, Posted, Refused, Rejection, Viewer};
use crate::claims::charity::CharityActor;
use crate::money::once::Once;
use crate::money::{self, problems, FundForm, MoneyError};
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

/// `POST /charity/payee`: an admin proposes a new account; a second admin confirms it.
pub async fn propose_payee(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<PayeeForm>,
) -> Outcome {
    let page = routes::CHARITY_FUNDS.url();
    let who = member(&state, viewer, page).await?;
    let f = &posted.form;
    money::payee::propose(
        &state.db,
        &who,
        &f.payee_name,
        &f.payee_bank,
        &f.payee_account,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, e))?;
    Ok(Done::SeeOther(format!("{page}?done=payee_proposed#payee")))
}

/// The confirmation of a proposed account: the account number the page showed.
#[derive(Debug, Deserialize)]
pub struct ConfirmPayeeForm {
    #[serde(default)]
    pub seen_account: String,
}

/// `POST /charity/payee/confirm`: a second admin confirms the proposed account.
pub async fn confirm_payee(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<ConfirmPayeeForm>,
) -> Outcome {
    let page = routes::CHARITY_FUNDS.url();
    let who = member(&state, viewer, page).await?;
    let by = money::payee::Confirmer::Member {
        user_id: who.user_id,
        via_token: who.via_token.is_some(),
    };
    money::payee::confirm(
        &state.db,
        by,
        who.charity_id,
        &posted.form.seen_account,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=payee#payee")))
}

/// `POST /charity/payee/withdraw`: an admin withdraws the proposal waiting.
pub async fn withdraw_payee(
    State(state): State<AppState>,
    viewer: Viewer,
    posted: Posted<NoFields>,
) -> Outcome {
    let page = routes::CHARITY_FUNDS.url();
    let who = member(&state, viewer, page).await?;
    money::payee::withdraw(&state.db, &who, chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=payee_withdrawn#payee")))
}

/// `POST /admin/charities/{id}/payee/confirm`: a platform admin confirms the account
/// change of a charity that has one admin.
pub async fn admin_confirm_payee(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<ConfirmPayeeForm>,
) -> Outcome {
    let page = routes::ADMIN_CHARITIES.url();
    let user = viewer.signed_in(page)?;
    if !user.is_platform_admin {
        return Err(posted.refuse(page, Rejection::from(MoneyError::AdminOnly).on_top()));
    }
    let by = money::payee::Confirmer::PlatformAdmin { user_id: user.id };
    money::payee::confirm(
        &state.db,
        by,
        id,
        &posted.form.seen_account,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!(
        "{page}?payee_confirmed=1#payee-changes"
    )))
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
    /// The form's one-time token: posting it twice allocates once.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The request's idempotency key, from the form's token.
fn once_of(
    action: &str,
    who: &CharityActor,
    key: &str,
    request: &impl serde::Serialize,
) -> Result<Option<Once>, Rejection> {
    Once::form(action, &format!("user:{}", who.user_id), key, request).map_err(Rejection::from)
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
    let once = once_of(
        "fund.allocate",
        &who,
        &f.idempotency_key,
        &(id, f.need.trim(), amount.0, f.pledge.trim()),
    )
    .map_err(|e| posted.refuse(&page, e))?;
    money::allocations::allocate(
        &state.db,
        &who,
        id,
        f.need.trim(),
        amount,
        f.pledge.trim().parse().ok(),
        once.as_ref(),
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
    #[serde(default)]
    pub idempotency_key: String,
}

/// `POST /charity/pledges/{id}/receive`: the amount that arrived. Above the pledge, it
/// waits for a second member.
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
    let once = once_of(
        "pledge.receive",
        &who,
        &posted.form.idempotency_key,
        &(id, amount.0),
    )
    .map_err(|e| posted.refuse(page, e.on_top()))?;
    let receipt = money::pledges::receive(
        &state.db,
        &who,
        id,
        amount,
        once.as_ref(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    let done = match receipt {
        money::pledges::Receipt::Received { .. } => "received",
        money::pledges::Receipt::AwaitingConfirmation { .. } => "receipt_proposed",
    };
    Ok(Done::SeeOther(format!("{page}?done={done}")))
}

#[derive(Debug, Deserialize)]
pub struct ConfirmReceiptForm {
    /// The amount the page showed as waiting (yuan).
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub idempotency_key: String,
}

/// `POST /charity/pledges/{id}/confirm-receipt`: a second member confirms a receipt
/// above the pledged amount.
pub async fn confirm_receipt(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<ConfirmReceiptForm>,
) -> Outcome {
    let page = routes::CHARITY_PLEDGES.url();
    let who = member(&state, viewer, page).await?;
    let seen = money::positive_yuan(&posted.form.amount, problems::RECEIVED_AMOUNT)
        .map_err(|p| posted.refuse(page, Rejection::field("amount", p).on_top()))?;
    let once = once_of(
        "pledge.confirm_receipt",
        &who,
        &posted.form.idempotency_key,
        &(id, seen.0),
    )
    .map_err(|e| posted.refuse(page, e.on_top()))?;
    money::pledges::confirm_receipt(&state.db, &who, id, seen, once.as_ref(), chrono::Utc::now())
        .await
        .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=received")))
}

#[derive(Debug, Deserialize)]
pub struct RefundForm {
    #[serde(default)]
    pub reason: String,
    /// The box that confirms the refund (`yes`); without it nothing moves.
    #[serde(default)]
    pub confirm: String,
    #[serde(default)]
    pub idempotency_key: String,
}

/// `POST /charity/pledges/{id}/refund`: only with the confirmation ticked; a double
/// click refunds once.
pub async fn refund_pledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    viewer: Viewer,
    posted: Posted<RefundForm>,
) -> Outcome {
    let page = routes::CHARITY_PLEDGES.url();
    let who = member(&state, viewer, page).await?;
    let f = &posted.form;
    if f.confirm != "yes" {
        return Err(posted.refuse(
            page,
            Rejection::field("confirm", problems::CONFIRM_REFUND).on_top(),
        ));
    }
    let once = once_of(
        "pledge.refund",
        &who,
        &f.idempotency_key,
        &(id, f.reason.trim()),
    )
    .map_err(|e| posted.refuse(page, e.on_top()))?;
    money::pledges::refund(
        &state.db,
        &who,
        id,
        &f.reason,
        once.as_ref(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| posted.refuse(page, Rejection::from(e).on_top()))?;
    Ok(Done::SeeOther(format!("{page}?done=refunded")))
}
