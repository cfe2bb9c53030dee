//! Funds and pledges on the JSON API, for anyone (no token): list and read funds, pledge
//! to a fund or a need (throttled per client address), follow a pledge by its receipt
//! code. The same domain code as the pages decides everything.

use super::{json_body, ApiError, ErrorBody};
use app::money::{self, MoneyError, PledgeView, RawAmount, RawPledge};
use app::state::AppState;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

const MAX_BODY_BYTES: usize = 8 * 1024;

fn both(p: app::accounts::Problem) -> String {
    format!("{} / {}", p.zh, p.en)
}

/// The one place where money errors become API errors.
pub fn api_error(e: MoneyError) -> ApiError {
    let status = match &e {
        MoneyError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        MoneyError::NoSuchFund | MoneyError::NoSuchNeed | MoneyError::NoSuchPledge => {
            StatusCode::NOT_FOUND
        }
        MoneyError::OverTarget { .. } | MoneyError::OverBalance { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        MoneyError::FundClosed
        | MoneyError::NeedNotRaising
        | MoneyError::NeedFullyFunded
        | MoneyError::NotInCriteria
        | MoneyError::NeedNotOpen
        | MoneyError::NeedNotHeld
        | MoneyError::SecondPersonRequired
        | MoneyError::NothingToConfirm
        | MoneyError::ProposalChanged
        | MoneyError::WrongState => StatusCode::CONFLICT,
        MoneyError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        MoneyError::NotACharity
        | MoneyError::NotVerified
        | MoneyError::Suspended
        | MoneyError::AdminOnly
        | MoneyError::NoFundraisingQualification => StatusCode::FORBIDDEN,
        MoneyError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        MoneyError::Database(_) | MoneyError::Corrupt(_) => {
            tracing::error!(error = %e, "a money API call failed");
            return ApiError::internal();
        }
    };
    let mut err = ApiError::new(status, e.code(), both(e.problem()));
    match e {
        MoneyError::Invalid(found) => {
            err.message = "请求有误，见各字段 / The request is invalid; see the fields".into();
            for (field, problem) in found {
                let field = match field.as_str() {
                    "amount" => "amount_fen".to_owned(),
                    "target" => "fund".to_owned(),
                    _ => field,
                };
                err.fields.insert(field, both(problem));
            }
        }
        MoneyError::OverTarget { room } => {
            err.fields.insert(
                "amount_fen".into(),
                format!("该需求尚缺 {room} / This need lacks {room} more"),
            );
        }
        _ => {}
    }
    err
}

/// A pledge, by anyone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PledgeRequest {
    /// The fund's id (from `GET /api/v1/funds`); give this or `need`.
    pub fund: Option<i64>,
    /// The need's public code; give this or `fund`.
    pub need: Option<String>,
    /// Whole fen, at least 100 (¥1) and at most 100,000,000 (¥1,000,000).
    #[schema(value_type = i64)]
    #[serde(default)]
    pub amount_fen: Option<serde_json::Value>,
    /// The name shown publicly; leave out with `"anonymous": true`.
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub anonymous: bool,
    /// An e-mail address or mobile number for the receipt; never shown.
    #[serde(default)]
    pub contact: String,
    /// The donor accepts the terms of pledging.
    #[serde(default)]
    pub consent: bool,
}

/// A need a pledge's money reached.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReachedBody {
    pub need: String,
    pub title: String,
    pub amount_fen: i64,
    pub url: String,
}

/// One line of how to pay.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentLine {
    pub zh: String,
    pub en: String,
    pub value: String,
}

/// How to pay the charity.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentBody {
    /// `bank_transfer`.
    pub method: String,
    /// True while the charity has not given its account yet (it will contact the donor).
    pub unavailable: bool,
    pub lines: Vec<PaymentLine>,
    /// What to write in the transfer's remark.
    pub reference: Option<String>,
}

/// A pledge as its donor follows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PledgeBody {
    pub receipt_code: String,
    /// pledged, received, allocated, cancelled, lapsed
    pub status: String,
    pub amount_fen: i64,
    pub received_fen: Option<i64>,
    pub pledged_at: String,
    pub lapses_at: String,
    pub received_at: Option<String>,
    pub fund: Option<i64>,
    pub fund_name: Option<String>,
    pub need: Option<String>,
    pub charity: String,
    /// The donor's public name; null when anonymous.
    pub display_name: Option<String>,
    /// Where the money went: the needs it reached.
    pub reached: Vec<ReachedBody>,
    /// Received but still in the fund.
    pub in_fund_fen: i64,
    pub refunded_fen: i64,
    /// What a matching sponsor added for it.
    pub matched_fen: i64,
    pub payment: PaymentBody,
    /// The tracking page.
    pub url: String,
}

pub fn payment_body(p: money::payment::PaymentInstructions) -> PaymentBody {
    PaymentBody {
        method: p.method,
        unavailable: p.unavailable,
        lines: p
            .lines
            .into_iter()
            .map(|(zh, en, value)| PaymentLine { zh, en, value })
            .collect(),
        reference: p.reference,
    }
}

fn reached_bodies(base: &str, reached: Vec<money::Reached>) -> Vec<ReachedBody> {
    reached
        .into_iter()
        .map(|r| ReachedBody {
            url: format!("{base}{}", app::routes::NEED.to([&r.public_code])),
            need: r.public_code,
            title: r.title,
            amount_fen: r.amount.0,
        })
        .collect()
}

fn pledge_body(base: &str, v: PledgeView) -> PledgeBody {
    PledgeBody {
        url: format!("{base}{}", app::routes::PLEDGE.to([&v.receipt_code])),
        receipt_code: v.receipt_code,
        status: v.status.code().to_owned(),
        amount_fen: v.amount.0,
        received_fen: v.received.map(|r| r.0),
        pledged_at: v.pledged_at.to_rfc3339(),
        lapses_at: v.lapses_at.to_rfc3339(),
        received_at: v.received_at.map(|t| t.to_rfc3339()),
        fund: v.fund.as_ref().map(|f| f.0),
        fund_name: v.fund.map(|f| f.1),
        need: v.need.map(|n| n.0),
        charity: v.charity,
        display_name: v.donor_name,
        reached: reached_bodies(base, v.reached),
        in_fund_fen: v.in_fund.0,
        refunded_fen: v.refunded.0,
        matched_fen: v.matched.0,
        payment: payment_body(v.payment),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/pledges",
    tag = "money",
    request_body = PledgeRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "8 to 128 visible ASCII characters: a repeat of the request with the same key (and body) gets the first answer again and pledges nothing new")),
    responses(
        (status = 201, description = "Pledged: keep the `receipt_code`; pay as `payment` says", body = PledgeBody),
        (status = 422, description = "Invalid fields (`invalid`: `amount_fen`, `display_name`, `contact`, `consent`, `fund`, `idempotency_key`), more than the need lacks (`over_target`), or an `Idempotency-Key` used before for another request (`idempotency_key_reused`)", body = ErrorBody),
        (status = 404, description = "No such fund or published need (`not_found`)", body = ErrorBody),
        (status = 409, description = "The fund is closed (`fund_closed`), nobody raises money for the need (`need_not_raising`), or it is fully funded (`need_fully_funded`)", body = ErrorBody),
        (status = 429, description = "Too many pledges from this address (`throttled`)", body = ErrorBody),
        (status = 403, description = "The charity's verification is suspended (`charity_suspended`), or it may not raise money publicly", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
    )
)]
pub async fn create_pledge(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response, ApiError> {
    // A client retrying with the same `Idempotency-Key` gets the first answer again.
    let key = request
        .headers()
        .get(money::once::HEADER)
        .map(|v| v.to_str().unwrap_or("\u{0}").to_owned())
        .unwrap_or_default();
    let body: PledgeRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let raw = RawPledge {
        fund: body.fund,
        need: body.need,
        amount: body.amount_fen.map_or(RawAmount::Missing, RawAmount::Fen),
        display_name: body.display_name,
        anonymous: body.anonymous,
        contact: body.contact,
        consent: body.consent,
    };
    let input = raw.parse().map_err(|f| api_error(MoneyError::Invalid(f)))?;
    let now = chrono::Utc::now();
    let once = money::once::Once::new(
        "pledge.create",
        &format!("api:{}", peer.ip()),
        &key,
        &format!("{input:?}"),
    )
    .map_err(api_error)?;
    let pledged = money::pledges::create(
        &state.db,
        &input,
        None,
        &peer.ip().to_string(),
        state.pledges,
        &state.base_url,
        once.as_ref(),
        now,
    )
    .await
    .map_err(api_error)?;
    let view = money::pledges::track(&state.db, &pledged.receipt_code)
        .await
        .map_err(api_error)?;
    let body = pledge_body(&state.base_url, view);
    let location = body.url.clone();
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[utoipa::path(
    get,
    path = "/api/v1/pledges/{receipt_code}",
    tag = "money",
    params(("receipt_code" = String, Path, description = "The pledge's receipt code")),
    responses(
        (status = 200, description = "The pledge's state, amount and where its money went", body = PledgeBody),
        (status = 404, description = "No such pledge (`not_found`)", body = ErrorBody),
    )
)]
pub async fn read_pledge(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let view = money::pledges::track(&state.db, &code)
        .await
        .map_err(api_error)?;
    let mut response = Json(pledge_body(&state.base_url, view)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// A matching offer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchingBody {
    pub ratio_percent: i32,
    pub cap_fen: i64,
    pub starts_at: String,
    pub ends_at: String,
}

/// A fund.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundBody {
    pub id: i64,
    pub public_code: String,
    /// named, special, project
    pub kind: String,
    pub name: String,
    pub sponsor: String,
    pub description: String,
    pub charity: String,
    /// open, closed
    pub status: String,
    pub accepts_pledges: bool,
    pub target_fen: Option<i64>,
    pub raised_fen: i64,
    pub allocated_fen: i64,
    pub balance_fen: i64,
    pub donors: u32,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// back_to_fund, most_urgent_matching_need
    pub leftover: String,
    pub assistance_types: Vec<String>,
    pub household_categories: Vec<String>,
    pub regions: Vec<String>,
    pub matching: Option<MatchingBody>,
    pub url: String,
}

fn fund_body(base: &str, s: money::FundSummary) -> FundBody {
    FundBody {
        url: format!("{base}{}", app::routes::FUND.to([&s.id])),
        id: s.id,
        public_code: s.public_code,
        kind: s.kind.code().to_owned(),
        name: s.name,
        sponsor: s.sponsor,
        description: s.description,
        charity: s.charity,
        status: s.status.code().to_owned(),
        accepts_pledges: s.accepts_pledges,
        target_fen: s.target.map(|t| t.0),
        raised_fen: s.raised.0,
        allocated_fen: s.allocated.0,
        balance_fen: s.balance.0,
        donors: s.donors,
        starts_on: s.starts_on.map(|d| d.to_string()),
        ends_on: s.ends_on.map(|d| d.to_string()),
        leftover: s.leftover.code().to_owned(),
        assistance_types: s
            .criteria
            .assistance_types
            .iter()
            .map(|t| t.code().to_owned())
            .collect(),
        household_categories: s
            .criteria
            .household_categories
            .iter()
            .map(|t| t.code().to_owned())
            .collect(),
        regions: s
            .criteria
            .regions
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        matching: s.matching.map(|m| MatchingBody {
            ratio_percent: m.ratio_percent,
            cap_fen: m.cap.0,
            starts_at: m.starts_at.to_rfc3339(),
            ends_at: m.ends_at.to_rfc3339(),
        }),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundList {
    pub funds: Vec<FundBody>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FundQuery {
    /// named, special or project
    pub kind: Option<String>,
    /// A region code: funds serving it
    pub region: Option<String>,
    /// An assistance type code
    pub r#type: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/funds",
    tag = "money",
    params(FundQuery),
    responses(
        (status = 200, description = "Funds and projects of verified charities, open ones first", body = FundList),
        (status = 422, description = "An unknown kind, region or type (`invalid`)", body = ErrorBody),
    )
)]
pub async fn list_funds(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<FundQuery>,
) -> Result<Json<FundList>, ApiError> {
    let mut bad = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "查询参数有误 / Some query parameters are not valid",
    );
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let kind = given(&q.kind).map(|k| app::domain::support::FundKind::parse(&k));
    let region = given(&q.region).map(|r| app::domain::RegionCode::parse(&r));
    let t = given(&q.r#type).map(|t| app::domain::need::AssistanceType::parse(&t));
    if matches!(kind, Some(Err(_))) {
        bad.fields
            .insert("kind".into(), "named / special / project".into());
    }
    if matches!(region, Some(Err(_))) {
        bad.fields.insert(
            "region".into(),
            "不是行政区划代码 / Not a region code".into(),
        );
    }
    if matches!(t, Some(Err(_))) {
        bad.fields.insert(
            "type".into(),
            "不是援助类型代码 / Not an assistance type code".into(),
        );
    }
    if !bad.fields.is_empty() {
        return Err(bad);
    }
    let filter = money::funds::FundFilter {
        kind: kind.and_then(Result::ok),
        region: region.and_then(Result::ok),
        assistance_type: t.and_then(Result::ok),
    };
    let funds = money::funds::list(&state.db, &filter, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    Ok(Json(FundList {
        funds: funds
            .into_iter()
            .map(|f| fund_body(&state.base_url, f))
            .collect(),
    }))
}

/// A ledger line of a fund.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerLineBody {
    pub transaction: i64,
    pub at: String,
    /// pledge_received, match, allocation, refund, return_to_fund…
    pub kind: String,
    /// Into the fund (true) or out of it.
    pub inflow: bool,
    pub amount_fen: i64,
    pub need: Option<String>,
    /// Only when the donor chose to show a name.
    pub donor: Option<String>,
    pub memo: String,
}

/// A fund with where its money went.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundDetailBody {
    pub fund: FundBody,
    pub reached: Vec<ReachedBody>,
    pub ledger: Vec<LedgerLineBody>,
    pub payment: PaymentBody,
}

#[utoipa::path(
    get,
    path = "/api/v1/funds/{id}",
    tag = "money",
    params(("id" = i64, Path, description = "The fund's id")),
    responses(
        (status = 200, description = "The fund, the needs it reached and its ledger", body = FundDetailBody),
        (status = 404, description = "No such fund (`not_found`)", body = ErrorBody),
    )
)]
pub async fn read_fund(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<FundDetailBody>, ApiError> {
    let id: i64 = id.parse().map_err(|_| api_error(MoneyError::NoSuchFund))?;
    let d = money::funds::detail(&state.db, id, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    let base = &state.base_url;
    Ok(Json(FundDetailBody {
        reached: reached_bodies(base, d.reached),
        ledger: d
            .ledger
            .into_iter()
            .map(|l| LedgerLineBody {
                transaction: l.id,
                at: l.at.to_rfc3339(),
                kind: l.kind.code().to_owned(),
                inflow: l.inflow,
                amount_fen: l.amount.0,
                need: l.need,
                donor: l.donor,
                memo: l.memo,
            })
            .collect(),
        payment: payment_body(d.payment),
        fund: fund_body(base, d.summary),
    }))
}

/// `GET /funds/{id}/ledger.csv`: a fund's public ledger as CSV.
pub async fn ledger_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return (StatusCode::NOT_FOUND, "no such fund\n").into_response();
    };
    match money::funds::ledger_lines(&state.db, id).await {
        Ok(lines)
            if money::funds::detail(&state.db, id, chrono::Utc::now())
                .await
                .is_ok() =>
        {
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"fund-{id}-ledger.csv\""),
                    ),
                ],
                money::funds::ledger_csv(&lines),
            )
                .into_response()
        }
        Ok(_) | Err(MoneyError::NoSuchFund) => {
            (StatusCode::NOT_FOUND, "no such fund\n").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "exporting a fund's ledger failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n").into_response()
        }
    }
}

/// `GET /open-data/money.json` and `/open-data/money.csv`: every movement of money, with
/// no donor contact data and donors' names only where they chose to show them.
pub async fn open_money(State(state): State<AppState>, request: Request) -> Response {
    let csv = request.uri().path().ends_with(".csv");
    match money::funds::money_flows(&state.db).await {
        Ok(flows) if csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"money.csv\"",
                ),
            ],
            money::funds::money_flows_csv(&flows),
        )
            .into_response(),
        Ok(flows) => Json(serde_json::json!({ "flows": flows })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "exporting money flows failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n").into_response()
        }
    }
}
