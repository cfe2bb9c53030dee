//! Claims on the JSON API, for charity systems with the charity's API token: the needs
//! ranked for the charity, claiming (the race's loser gets 409 `already_claimed`), the
//! charity's claims, releasing and reporting fulfilment. The same domain code as the
//! portal decides everything.

use super::{json_body, ApiError, ApiPrincipal, ErrorBody};
use app::claims::charity::CharityActor;
use app::claims::lifecycle::{self, ClaimError};
use app::claims::{queries, ClaimRequest, ClaimView, ReportInput};
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

const MAX_BODY_BYTES: usize = 64 * 1024;

fn both(p: app::accounts::Problem) -> String {
    format!("{} / {}", p.zh, p.en)
}

/// The one place where claim errors become API errors.
fn api_error(e: ClaimError) -> ApiError {
    use app::claims::problems as p;
    match e {
        ClaimError::NotFound => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有这个需求或认领 / No such need or claim",
        ),
        ClaimError::NotACharity => ApiError::new(
            StatusCode::FORBIDDEN,
            "not_a_charity",
            both(p::NOT_A_CHARITY),
        ),
        ClaimError::Forbidden => ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            both(app::accounts::problems::FORBIDDEN),
        ),
        ClaimError::NotVerified => {
            ApiError::new(StatusCode::FORBIDDEN, "not_verified", both(p::NOT_VERIFIED))
        }
        ClaimError::NoFundraisingQualification => ApiError::new(
            StatusCode::FORBIDDEN,
            "no_fundraising_qualification",
            both(p::NO_FUNDRAISING_QUALIFICATION),
        ),
        ClaimError::AtCapacity { .. } => {
            ApiError::new(StatusCode::CONFLICT, "at_capacity", both(p::AT_CAPACITY))
        }
        ClaimError::AlreadyClaimed => ApiError::new(
            StatusCode::CONFLICT,
            "already_claimed",
            both(p::ALREADY_CLAIMED),
        ),
        ClaimError::NotClaimable(_) => ApiError::new(
            StatusCode::CONFLICT,
            "not_claimable",
            both(p::NOT_CLAIMABLE),
        ),
        ClaimError::WrongState => ApiError::new(
            StatusCode::CONFLICT,
            "wrong_state",
            both(p::CLAIM_WRONG_STATE),
        ),
        ClaimError::Invalid(found) => {
            let mut err = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "请求有误，见各字段 / The request is invalid; see the fields",
            );
            for (field, problem) in found {
                let item = field
                    .strip_prefix("delivered_")
                    .filter(|n| n.bytes().all(|b| b.is_ascii_digit()));
                let field = match item {
                    Some(n) => format!("items[{n}].quantity"),
                    None if field == "cost" => "cost_fen".to_owned(),
                    None => field,
                };
                err.fields.insert(field, both(problem));
            }
            err
        }
        e @ (ClaimError::Database(_) | ClaimError::Corrupt(_)) => {
            tracing::error!(error = %e, "a claims API call failed");
            ApiError::internal()
        }
    }
}

fn charity_of(p: &ApiPrincipal) -> Result<CharityActor, ApiError> {
    CharityActor::of_token(&p.0).ok_or_else(|| api_error(ClaimError::NotACharity))
}

/// One reason a need fits, in both languages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonBody {
    /// assistance_type, region, household_category, within_budget, item, urgency
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// A need ranked for the charity.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchBody {
    pub public_code: String,
    pub title: String,
    pub assistance_type: String,
    pub household_category: String,
    pub urgency: String,
    /// Province · city · county.
    pub place: String,
    pub goal_fen: i64,
    pub deadline: Option<String>,
    pub score: u32,
    pub reasons: Vec<ReasonBody>,
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchesBody {
    /// False until the charity fills in its supply profile (then `needs` is empty).
    pub has_profile: bool,
    pub active_claims: u32,
    pub capacity: u32,
    pub needs: Vec<MatchBody>,
}

#[utoipa::path(
    get,
    path = "/api/v1/matches",
    tag = "claims",
    responses(
        (status = 200, description = "Published needs that fit the charity's supply profile, best first (50 at most), with the reasons", body = MatchesBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn matches(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Json<MatchesBody>, ApiError> {
    use app::i18n::Lang;
    let who = charity_of(&principal)?;
    let m = queries::matches(&state.db, &state.regions, &who, queries::MATCH_LIMIT)
        .await
        .map_err(api_error)?;
    let base = state.base_url.trim_end_matches('/');
    Ok(Json(MatchesBody {
        has_profile: m.profile.is_some(),
        active_claims: m.active_claims,
        capacity: m.capacity,
        needs: m
            .needs
            .into_iter()
            .map(|v| MatchBody {
                url: format!("{base}/needs/{}", v.need.public_code),
                public_code: v.need.public_code,
                title: v.need.title,
                assistance_type: v.need.assistance_type.code().to_owned(),
                household_category: v.need.household_category.code().to_owned(),
                urgency: v.need.urgency.code().to_owned(),
                place: v.need.place,
                goal_fen: v.need.goal.0,
                deadline: v.need.deadline.map(|d| d.to_string()),
                score: v.score,
                reasons: v
                    .reasons
                    .iter()
                    .map(|r| ReasonBody {
                        code: r.code(),
                        zh: r.label(Lang::Zh),
                        en: r.label(Lang::En),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// An item or service as delivered.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DeliveredItemBody {
    pub name: String,
    pub unit: String,
    pub quantity: i64,
}

/// An evidence file of the report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentBody {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A claim as the charity sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimBody {
    pub id: i64,
    pub need: String,
    pub need_title: String,
    /// The need's status now (claimed, fulfilled, verified, published after a release…).
    pub need_status: String,
    /// direct, fundraise
    pub mode: String,
    /// active, fulfilled, verified, released, lapsed
    pub status: String,
    pub plan: String,
    pub plan_by: Option<String>,
    pub claimed_on: String,
    /// The lease's end: an active claim lapses after this day.
    pub due_on: String,
    pub release_reason: Option<String>,
    pub ended_on: Option<String>,
    pub delivered_on: Option<String>,
    pub cost_fen: Option<i64>,
    pub delivered_items: Vec<DeliveredItemBody>,
    pub substitutions: Option<String>,
    pub evidence: Option<String>,
    /// Staff's question when they sent the report back.
    pub review_question: Option<String>,
    pub rating: Option<i16>,
    pub thank_you: Option<String>,
    pub attachments: Vec<AttachmentBody>,
}

fn claim_body(v: ClaimView) -> ClaimBody {
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    ClaimBody {
        id: v.id,
        need: v.need_code,
        need_title: v.need_title,
        need_status: v.need_status.code().to_owned(),
        mode: v.mode.code().to_owned(),
        status: v.status.code().to_owned(),
        plan: v.plan,
        plan_by: v.plan_by.map(date),
        claimed_on: date(v.claimed_on),
        due_on: date(v.due_on),
        release_reason: v.release_reason,
        ended_on: v.ended_on.map(date),
        delivered_on: v.delivered_on.map(date),
        cost_fen: v.cost.map(|f| f.0),
        delivered_items: v
            .delivered_items
            .into_iter()
            .map(|i| DeliveredItemBody {
                name: i.name,
                unit: i.unit,
                quantity: i64::from(i.quantity),
            })
            .collect(),
        substitutions: v.substitutions,
        evidence: v.evidence,
        review_question: v.review_question,
        rating: v.rating,
        thank_you: v.thank_you,
        attachments: v
            .attachments
            .into_iter()
            .map(|a| AttachmentBody {
                id: a.id,
                file_name: a.file_name,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
            })
            .collect(),
    }
}

async fn read(state: &AppState, who: &CharityActor, id: i64) -> Result<Json<ClaimBody>, ApiError> {
    queries::claim_of(&state.db, &state.regions, who, id)
        .await
        .map(|v| Json(claim_body(v)))
        .map_err(api_error)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClaimNeedRequest {
    /// direct (from the charity's own resources) or fundraise (open to public pledges;
    /// needs the public-fundraising qualification)
    pub mode: String,
    /// What the charity will do, and by when (at most 500 characters).
    pub plan: String,
    /// `YYYY-MM-DD`, optional: when the charity plans to be done (not in the past, not
    /// after the lease's due date).
    #[serde(default)]
    pub plan_by: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{code}/claim",
    tag = "claims",
    params(("code" = String, Path, description = "The need's public code")),
    request_body = ClaimNeedRequest,
    responses(
        (status = 201, description = "Claimed: the need is the charity's until `due_on`", body = ClaimBody),
        (status = 409, description = "Another charity holds it (`already_claimed`), it is not open (`not_claimable`), or the charity is at its capacity (`at_capacity`)", body = ErrorBody),
        (status = 403, description = "Not verified, or its verification suspended (`not_verified`), not qualified for public fundraising (`no_fundraising_qualification`), or not a charity's token (`not_a_charity`)", body = ErrorBody),
        (status = 404, description = "No such published need (`not_found`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`invalid`)", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn claim_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(code): Path<String>,
    request: Request,
) -> Result<(StatusCode, Json<ClaimBody>), ApiError> {
    let who = charity_of(&principal)?;
    let body: ClaimNeedRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let now = chrono::Utc::now();
    let request = ClaimRequest::parse(
        &body.mode,
        &body.plan,
        body.plan_by.as_deref().unwrap_or_default(),
        app::domain::calendar::today(now),
    )
    .map_err(|found| api_error(ClaimError::Invalid(found)))?;
    let id = lifecycle::claim(&state.db, &who, &code, &request, state.leases, now)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, read(&state, &who, id).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimList {
    pub claims: Vec<ClaimBody>,
}

#[utoipa::path(
    get,
    path = "/api/v1/claims",
    tag = "claims",
    responses(
        (status = 200, description = "The charity's claims, newest first (100 at most)", body = ClaimList),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_claims(
    State(state): State<AppState>,
    principal: ApiPrincipal,
) -> Result<Json<ClaimList>, ApiError> {
    let who = charity_of(&principal)?;
    let claims = queries::claims_of(&state.db, &state.regions, &who, 100)
        .await
        .map_err(api_error)?;
    Ok(Json(ClaimList {
        claims: claims.into_iter().map(claim_body).collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}",
    tag = "claims",
    params(("id" = i64, Path, description = "The claim's id")),
    responses(
        (status = 200, description = "The claim", body = ClaimBody),
        (status = 404, description = "No such claim of this charity (`not_found`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn read_claim(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(id): Path<i64>,
) -> Result<Json<ClaimBody>, ApiError> {
    let who = charity_of(&principal)?;
    read(&state, &who, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReleaseRequest {
    /// Why the charity gives the need back (at most 500 characters).
    pub reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/release",
    tag = "claims",
    params(("id" = i64, Path, description = "The claim's id")),
    request_body = ReleaseRequest,
    responses(
        (status = 200, description = "Released: the need is open in the library again", body = ClaimBody),
        (status = 409, description = "The claim is not active (`wrong_state`)", body = ErrorBody),
        (status = 422, description = "Reason missing (`invalid`)", body = ErrorBody),
        (status = 404, description = "No such claim of this charity (`not_found`)", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn release_claim(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Json<ClaimBody>, ApiError> {
    let who = charity_of(&principal)?;
    let body: ReleaseRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    lifecycle::release(&state.db, &who, id, &body.reason, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    read(&state, &who, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FulfilmentRequest {
    /// `YYYY-MM-DD`: not in the future, not before the claim.
    pub delivered_on: String,
    /// What it cost, in fen.
    #[serde(default)]
    pub cost_fen: Option<i64>,
    /// Items and services delivered, with quantities.
    #[serde(default)]
    pub items: Vec<DeliveredItemBody>,
    /// Anything delivered instead of what was asked (at most 500 characters).
    #[serde(default)]
    pub substitutions: String,
    /// How it was delivered and what proves it (10–2000 characters).
    pub evidence: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/fulfilment",
    tag = "claims",
    params(("id" = i64, Path, description = "The claim's id")),
    request_body = FulfilmentRequest,
    responses(
        (status = 200, description = "Reported: the need waits for the office to verify", body = ClaimBody),
        (status = 409, description = "The claim is not active (`wrong_state`)", body = ErrorBody),
        (status = 422, description = "Invalid fields (`invalid`)", body = ErrorBody),
        (status = 404, description = "No such claim of this charity (`not_found`)", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn report_fulfilment(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Json<ClaimBody>, ApiError> {
    let who = charity_of(&principal)?;
    let body: FulfilmentRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let input = ReportInput {
        delivered_on: body.delivered_on,
        cost: match body.cost_fen {
            Some(f) if f < 0 => "-1".to_owned(),
            Some(f) => app::domain::Fen(f).to_yuan_input(),
            None => String::new(),
        },
        items: body
            .items
            .into_iter()
            .map(|i| (i.name, i.unit, i.quantity.to_string()))
            .collect(),
        substitutions: body.substitutions,
        evidence: body.evidence,
    };
    lifecycle::report_fulfilment(&state.db, &who, id, &input, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    read(&state, &who, id).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AttachmentQuery {
    /// The file's name as it should be shown (e.g. `收据.jpg`).
    pub name: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/attachments",
    tag = "claims",
    params(("id" = i64, Path, description = "The claim's id"), AttachmentQuery),
    request_body(content = Vec<u8>, description = "The file itself: a JPEG or PNG image or a PDF, 5 MB at most (its type is read from its content)", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Kept (images without their metadata); the claim with its attachments", body = ClaimBody),
        (status = 422, description = "Not a JPEG, PNG or PDF, or already 5 attachments (`invalid`)", body = ErrorBody),
        (status = 413, description = "Larger than 5 MB (`payload_too_large`)", body = ErrorBody),
        (status = 409, description = "The claim is released, lapsed or verified (`wrong_state`)", body = ErrorBody),
        (status = 404, description = "No such claim of this charity (`not_found`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "Not a charity's token (`not_a_charity`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn upload_attachment(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<AttachmentQuery>,
    request: Request,
) -> Result<(StatusCode, Json<ClaimBody>), ApiError> {
    use app::claims::attachments;
    let who = charity_of(&principal)?;
    let bytes = axum::body::to_bytes(request.into_body(), attachments::MAX_BYTES)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                both(app::claims::problems::ATTACHMENT_TOO_LARGE),
            )
        })?;
    attachments::attach(
        &state.db,
        &state.attachments,
        &who,
        id,
        q.name.as_deref().unwrap_or("attachment"),
        bytes,
        chrono::Utc::now(),
    )
    .await
    .map_err(api_error)?;
    Ok((StatusCode::CREATED, read(&state, &who, id).await?))
}
