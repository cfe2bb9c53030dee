//! `/api/v1/needs`: office systems create, update, submit and withdraw needs and read
//! their state, with the office's API token. Only needs inside the token's office
//! region are visible; everything is checked by the same domain code as the portal.

use super::pii_check::FindingBody;
use super::{json_body, ApiError, ApiPrincipal, ErrorBody};
use app::domain::need::NeedStatus;
use app::domain::Fen;
use app::needs::draft::{ItemInput, NeedDraft, NeedInput};
use app::needs::lifecycle::{self, NeedError};
use app::needs::office::{self, NeedRecord};
use app::needs::staff::Staff;
use app::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

const MAX_BODY_BYTES: usize = 256 * 1024;
const LIST_LIMIT: u64 = 500;

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ItemBody {
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    /// Unit value in fen (1 yuan = 100 fen).
    pub unit_value_fen: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PrivateBody {
    /// The office's own case reference.
    pub case_reference: String,
    /// Names of the household's members: never published; the PII guard looks for them.
    pub household_names: Vec<String>,
    /// `YYYY-MM-DD`.
    pub consent_recorded_on: String,
    pub consent_scope: String,
}

/// A need as an office system sends it. Enumerations take their codes (see the
/// schema's descriptions); amounts are integer fen.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NeedRequest {
    pub title: String,
    pub story: String,
    /// medical, education, housing, employment, basic_living, temporary_aid,
    /// elderly_care, children, disability, care_services
    pub assistance_type: String,
    /// dibao, tekun, dibao_edge, relapse_watch, rigid_expense, other
    pub household_category: String,
    /// outside, still_in_hardship
    pub coverage: String,
    #[serde(default)]
    pub assistance_received: String,
    /// A 6-digit county code inside the token's office region.
    pub region_code: String,
    /// 0-5, 6-11, 12-17, 18-29, 30-44, 45-59, 60-69, 70-79, 80+, 0-17, 18-59, 60+
    pub age_band: String,
    /// 1, 2, 3, 4, 5, 6+, 1-2, 3-4, 5+
    pub household_size: String,
    /// low, normal, high, critical
    pub urgency: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub target_amount_fen: Option<i64>,
    #[serde(default)]
    pub items: Vec<ItemBody>,
    pub private: PrivateBody,
    /// Submit for review at once (only if the PII guard finds nothing blocking).
    #[serde(default)]
    pub submit: bool,
}

fn fen_text(fen: i64) -> String {
    if fen < 0 {
        // Refused by validation as "not an amount".
        format!("-{}", Fen(-fen).to_yuan_input())
    } else {
        Fen(fen).to_yuan_input()
    }
}

impl NeedRequest {
    fn to_input(&self) -> NeedInput {
        NeedInput {
            title: self.title.clone(),
            story: self.story.clone(),
            assistance_type: self.assistance_type.clone(),
            household_category: self.household_category.clone(),
            coverage: self.coverage.clone(),
            assistance_received: self.assistance_received.clone(),
            region_code: self.region_code.clone(),
            age_band: self.age_band.clone(),
            household_size: self.household_size.clone(),
            urgency: self.urgency.clone(),
            deadline: self.deadline.clone().unwrap_or_default(),
            target_amount: self.target_amount_fen.map(fen_text).unwrap_or_default(),
            items: self
                .items
                .iter()
                .map(|i| ItemInput {
                    name: i.name.clone(),
                    unit: i.unit.clone(),
                    quantity: i.quantity.to_string(),
                    unit_value: fen_text(i.unit_value_fen),
                })
                .collect(),
            case_reference: self.private.case_reference.clone(),
            household_names: self
                .private
                .household_names
                .iter()
                .map(|n| n.replace([',', '，', '、', ';', '；'], ""))
                .collect::<Vec<_>>()
                .join("、"),
            consent_recorded_on: self.private.consent_recorded_on.clone(),
            consent_scope: self.private.consent_scope.clone(),
        }
    }
}

/// A need's state as the API answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NeedState {
    pub public_code: String,
    /// draft, in_review, published, claimed, fulfilled, verified, withdrawn, expired
    pub status: String,
    pub title: String,
    pub story: String,
    pub assistance_type: String,
    pub household_category: String,
    pub coverage: String,
    pub assistance_received: String,
    pub region_code: String,
    pub age_band: String,
    pub household_size: String,
    pub urgency: String,
    pub deadline: Option<String>,
    pub target_amount_fen: Option<i64>,
    pub items: Vec<ItemBody>,
    pub private: PrivateBody,
    pub consent_withdrawn: bool,
    /// The reviewer's comment on a need returned to draft.
    pub review_comment: Option<String>,
    pub withdraw_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
    /// The PII guard's current findings on the public text.
    pub findings: Vec<FindingBody>,
    /// The public page, once published.
    pub public_url: Option<String>,
}

fn state_of(r: NeedRecord, base_url: &str) -> NeedState {
    let d = r.draft;
    NeedState {
        public_url: r
            .status
            .is_public()
            .then(|| format!("{}/needs/{}", base_url.trim_end_matches('/'), r.public_code)),
        status: r.status.code().to_owned(),
        title: d.title,
        story: d.story,
        assistance_type: d.assistance_type.code().to_owned(),
        household_category: d.household_category.code().to_owned(),
        coverage: d.coverage.code().to_owned(),
        assistance_received: d.assistance_received,
        region_code: d.region.as_str().to_owned(),
        age_band: d.age_band.code().to_owned(),
        household_size: d.household_size.code().to_owned(),
        urgency: d.urgency.code().to_owned(),
        deadline: d.deadline.map(|x| x.format("%Y-%m-%d").to_string()),
        target_amount_fen: d.target_amount.map(|f| f.0),
        items: d
            .items
            .into_iter()
            .map(|i| ItemBody {
                name: i.name,
                unit: i.unit,
                quantity: i64::from(i.quantity),
                unit_value_fen: i.unit_value.0,
            })
            .collect(),
        private: PrivateBody {
            case_reference: d.private.case_reference,
            household_names: d.private.household_names,
            consent_recorded_on: d.private.consent_recorded_on.format("%Y-%m-%d").to_string(),
            consent_scope: d.private.consent_scope,
        },
        consent_withdrawn: r.consent_withdrawn,
        review_comment: r.review_comment,
        withdraw_reason: r.withdraw_reason,
        created_at: r.created_at.to_rfc3339(),
        updated_at: r.updated_at.to_rfc3339(),
        published_at: r.published_at.map(|t| t.to_rfc3339()),
        findings: r
            .findings
            .iter()
            .map(|f| FindingBody::from(&f.finding))
            .collect(),
        public_code: r.public_code,
    }
}

/// The request's field path for an editor field name.
fn api_field(field: &str) -> String {
    for (prefix, part) in [
        ("item_name_", "name"),
        ("item_unit_", "unit"),
        ("item_quantity_", "quantity"),
        ("item_value_", "unit_value_fen"),
    ] {
        if let Some(n) = field.strip_prefix(prefix) {
            return format!("items[{n}].{part}");
        }
    }
    match field {
        "target_amount" => "target_amount_fen".into(),
        "case_reference" | "household_names" | "consent_recorded_on" | "consent_scope" => {
            format!("private.{field}")
        }
        other => other.to_owned(),
    }
}

fn both(p: app::accounts::Problem) -> String {
    format!("{} / {}", p.zh, p.en)
}

/// The one place where need errors become API errors.
fn api_error(e: NeedError) -> ApiError {
    match e {
        NeedError::NotFound => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有这个需求，或不在本部门辖区内 / No such need in your office's region",
        ),
        NeedError::Forbidden => ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            both(app::accounts::problems::FORBIDDEN),
        ),
        NeedError::Invalid(found) => {
            let mut err = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "请求有误，见各字段 / The request is invalid; see the fields",
            );
            for (field, p) in found {
                err.fields.insert(api_field(&field), both(p));
            }
            err
        }
        NeedError::Blocked(findings) => {
            let mut err = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "pii_blocked",
                both(app::needs::problems::PII_BLOCKING),
            );
            let blocking: Vec<_> = findings.iter().filter(|f| f.blocks()).collect();
            for f in &blocking {
                err.fields.insert(
                    api_field(&f.field),
                    both(app::needs::problems::PII_IN_FIELD),
                );
            }
            let list: Vec<serde_json::Value> = blocking
                .iter()
                .map(|f| {
                    let mut v =
                        serde_json::to_value(FindingBody::from(&f.finding)).unwrap_or_default();
                    v["field"] = serde_json::Value::String(api_field(&f.field));
                    v
                })
                .collect();
            err.findings = Some(serde_json::Value::Array(list));
            err
        }
        NeedError::WrongState(s) => ApiError::new(
            StatusCode::CONFLICT,
            "wrong_state",
            format!(
                "需求当前状态为 {} ，不允许此操作 / Not allowed while the need is {}",
                s.code(),
                s.code()
            ),
        ),
        NeedError::FourEyes => ApiError::new(
            StatusCode::FORBIDDEN,
            "four_eyes",
            both(app::needs::problems::FOUR_EYES),
        ),
        NeedError::ConsentWithdrawn => ApiError::new(
            StatusCode::CONFLICT,
            "consent_withdrawn",
            both(app::needs::problems::CONSENT_WITHDRAWN),
        ),
        e @ (NeedError::Database(_) | NeedError::Corrupt(_)) => {
            tracing::error!(error = %e, "a needs API call failed");
            ApiError::internal()
        }
    }
}

async fn staff_of(state: &AppState, p: &ApiPrincipal) -> Result<Staff, ApiError> {
    let staff = Staff::of_token(&state.db, &p.0)
        .await
        .map_err(|e| api_error(e.into()))?;
    if staff.is_staff() {
        Ok(staff)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "此令牌不属于民政部门 / This token does not belong to a civil-affairs office",
        ))
    }
}

async fn record(state: &AppState, staff: &Staff, code: &str) -> Result<Json<NeedState>, ApiError> {
    office::need_record(&state.db, staff, code)
        .await
        .map(|r| Json(state_of(r, &state.base_url)))
        .map_err(api_error)
}

fn parse_request(state: &AppState, body: &NeedRequest) -> Result<NeedDraft, ApiError> {
    NeedDraft::parse(
        &body.to_input(),
        |c| state.regions.is_county(c),
        app::domain::calendar::today(chrono::Utc::now()),
    )
    .map_err(|found| api_error(NeedError::Invalid(found)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only needs in this status.
    pub status: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NeedListItem {
    pub public_code: String,
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NeedList {
    pub needs: Vec<NeedListItem>,
}

#[utoipa::path(
    get,
    path = "/api/v1/needs",
    tag = "needs",
    params(ListQuery),
    responses(
        (status = 200, description = "Needs of the token's office region, newest change first (500 at most)", body = NeedList),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 422, description = "Unknown status", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_needs(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Query(q): Query<ListQuery>,
) -> Result<Json<NeedList>, ApiError> {
    let staff = staff_of(&state, &principal).await?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(NeedStatus::parse(s).map_err(|_| {
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "未知的状态 / Unknown status",
            );
            e.fields
                .insert("status".into(), format!("unknown status {s:?}"));
            e
        })?),
    };
    let codes = office::codes_for_staff(&state.db, &staff, status, LIST_LIMIT)
        .await
        .map_err(api_error)?;
    Ok(Json(NeedList {
        needs: codes
            .into_iter()
            .map(|(public_code, s)| NeedListItem {
                public_code,
                status: s.code().to_owned(),
            })
            .collect(),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/needs",
    tag = "needs",
    request_body = NeedRequest,
    responses(
        (status = 201, description = "Created as a draft (or submitted, with `submit`)", body = NeedState),
        (status = 400, description = "Not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "Body larger than 256 KB", body = ErrorBody),
        (status = 422, description = "Invalid fields (`invalid`) or personal data in the public text (`pii_blocked`)", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    request: Request,
) -> Result<(StatusCode, Json<NeedState>), ApiError> {
    let staff = staff_of(&state, &principal).await?;
    let body: NeedRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let draft = parse_request(&state, &body)?;
    let code = lifecycle::create(&state.db, &staff, &draft, body.submit, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, record(&state, &staff, &code).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/needs/{code}",
    tag = "needs",
    params(("code" = String, Path, description = "The need's public code, e.g. JL-2026-000123")),
    responses(
        (status = 200, description = "The need", body = NeedState),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such need in the office's region", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn read_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<NeedState>, ApiError> {
    let staff = staff_of(&state, &principal).await?;
    record(&state, &staff, &code).await
}

#[utoipa::path(
    put,
    path = "/api/v1/needs/{code}",
    tag = "needs",
    params(("code" = String, Path, description = "The need's public code")),
    request_body = NeedRequest,
    responses(
        (status = 200, description = "Replaced (drafts only)", body = NeedState),
        (status = 404, description = "No such need in the office's region", body = ErrorBody),
        (status = 409, description = "Not a draft (`wrong_state`)", body = ErrorBody),
        (status = 422, description = "Invalid fields or personal data", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
        (status = 413, description = "Body larger than 256 KB (`payload_too_large`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(code): Path<String>,
    request: Request,
) -> Result<Json<NeedState>, ApiError> {
    let staff = staff_of(&state, &principal).await?;
    let body: NeedRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let draft = parse_request(&state, &body)?;
    lifecycle::update(
        &state.db,
        &staff,
        &code,
        &draft,
        body.submit,
        chrono::Utc::now(),
    )
    .await
    .map_err(api_error)?;
    record(&state, &staff, &code).await
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{code}/submit",
    tag = "needs",
    params(("code" = String, Path, description = "The need's public code")),
    responses(
        (status = 200, description = "Now in review", body = NeedState),
        (status = 404, description = "No such need in the office's region", body = ErrorBody),
        (status = 409, description = "Not a draft, or consent withdrawn", body = ErrorBody),
        (status = 422, description = "Personal data in the public text (`pii_blocked`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn submit_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<NeedState>, ApiError> {
    let staff = staff_of(&state, &principal).await?;
    lifecycle::submit(&state.db, &staff, &code, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    record(&state, &staff, &code).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WithdrawRequest {
    /// Why the need is withdrawn (at most 500 characters).
    pub reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{code}/withdraw",
    tag = "needs",
    params(("code" = String, Path, description = "The need's public code")),
    request_body = WithdrawRequest,
    responses(
        (status = 200, description = "Withdrawn", body = NeedState),
        (status = 404, description = "No such need in the office's region", body = ErrorBody),
        (status = 409, description = "Cannot be withdrawn in its state", body = ErrorBody),
        (status = 422, description = "Reason missing", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "The token is not an office's, or its role does not allow this (`forbidden`)", body = ErrorBody),
        (status = 413, description = "Body larger than 256 KB (`payload_too_large`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn withdraw_need(
    State(state): State<AppState>,
    principal: ApiPrincipal,
    Path(code): Path<String>,
    request: Request,
) -> Result<Json<NeedState>, ApiError> {
    let staff = staff_of(&state, &principal).await?;
    let body: WithdrawRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    lifecycle::withdraw(&state.db, &staff, &code, &body.reason, chrono::Utc::now())
        .await
        .map_err(api_error)?;
    record(&state, &staff, &code).await
}
