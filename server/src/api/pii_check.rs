//! `POST /api/v1/pii-check`: the PII guard over HTTP, for office systems that want to
//! check a text before they send a need.

use super::{json_body, ApiError, ApiPrincipal, ErrorBody};
use app::needs::screening::{Finding, MAX_TEXT_CHARS};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

/// Request bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
const MAX_NAMES: usize = 50;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PiiCheckRequest {
    /// The text to check (at most 20,000 characters).
    pub text: String,
    /// Names of the household's members, found wherever they appear.
    #[serde(default)]
    pub names: Vec<String>,
}

/// One finding: character offsets (Unicode scalar values, end exclusive).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindingBody {
    /// `id_number`, `mobile`, `landline`, `bank_card`, `email`, `address`,
    /// `household_name`, …
    pub kind: String,
    /// `blocking` or `warning`.
    pub severity: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl From<&Finding> for FindingBody {
    fn from(f: &Finding) -> Self {
        FindingBody {
            kind: f.kind.code().to_owned(),
            severity: f.severity.code().to_owned(),
            start: f.start,
            end: f.end,
            text: f.text.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PiiCheckResponse {
    pub findings: Vec<FindingBody>,
    /// Whether any finding blocks submission.
    pub blocking: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/pii-check",
    tag = "pii",
    request_body = PiiCheckRequest,
    responses(
        (status = 200, description = "The findings", body = PiiCheckResponse),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Text or names too long", body = ErrorBody),
        (status = 400, description = "Not JSON of this shape (`invalid_json`)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn pii_check(
    _principal: ApiPrincipal,
    request: Request,
) -> Result<Json<PiiCheckResponse>, ApiError> {
    let body: PiiCheckRequest = json_body(request.into_body(), MAX_BODY_BYTES).await?;
    let mut invalid = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "请求有误 / The request is invalid",
    );
    if body.text.chars().count() > MAX_TEXT_CHARS {
        invalid.fields.insert(
            "text".into(),
            format!("最多 {MAX_TEXT_CHARS} 字 / At most {MAX_TEXT_CHARS} characters"),
        );
    }
    if body.names.len() > MAX_NAMES || body.names.iter().any(|n| n.chars().count() > 50) {
        invalid.fields.insert(
            "names".into(),
            format!(
                "最多 {MAX_NAMES} 个，每个最多 50 字 / At most {MAX_NAMES} names of 50 characters"
            ),
        );
    }
    if !invalid.fields.is_empty() {
        return Err(invalid);
    }
    let findings = pii::scan(&body.text, &body.names);
    Ok(Json(PiiCheckResponse {
        blocking: pii::blocks(&findings),
        findings: findings.iter().map(FindingBody::from).collect(),
    }))
}
