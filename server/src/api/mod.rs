//! The versioned JSON API (`/api/v1/…`) for machine clients, authenticated by API
//! tokens (`Authorization: Bearer sq_…`). Errors are typed JSON:
//! `{"error": {"code": "…", "message": "…", "fields": {…}}}`.

use app::accounts::tokens::{self, TokenPrincipal};
use app::entities::{membership, organization, user};
use app::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::BTreeMap;

pub mod claims;
pub mod library;
pub mod money;
mod needs;
pub mod open_data;
pub mod openapi;
mod pii_check;
pub mod reports;

pub use needs::{create_need, list_needs, read_need, submit_need, update_need, withdraw_need};
pub use pii_check::pii_check;

/// An API error as clients receive it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// A stable code to branch on, e.g. `invalid`, `pii_blocked`, `not_found`.
    pub code: &'static str,
    /// What went wrong, in Chinese and English.
    pub message: String,
    /// Field-by-field messages, keyed by the request's field path (`story`,
    /// `items[0].quantity`, `private.household_names`).
    pub fields: BTreeMap<String, String>,
    /// For `pii_blocked`: the guard's blocking findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<pii_check::FindingBody>>)]
    pub findings: Option<serde_json::Value>,
}

/// Every error response: `{"error": {…}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ApiError,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            findings: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "缺少有效的 API 令牌 / A valid API token is required (Authorization: Bearer …)",
        )
    }

    /// `503 search_index_building`: no search index can serve yet (a created one is
    /// being filled); the answer carries `Retry-After`.
    pub fn search_index_building() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_index_building",
            "需求库正在建立索引，请稍后刷新 / The needs library is being indexed; please try again in a moment",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务暂时出现问题 / Something went wrong on our side",
        )
    }
}

/// Reads a JSON body of at most `limit` bytes into `T`, answering malformed or
/// oversized bodies with a typed error.
pub async fn json_body<T: serde::de::DeserializeOwned>(
    body: axum::body::Body,
    limit: usize,
) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "请求体超过 {} KB / The request body is larger than {} KB",
                limit / 1024,
                limit / 1024
            ),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("请求体不是有效的 JSON / The body is not valid JSON for this endpoint: {e}"),
        )
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(serde_json::json!({ "error": self }))).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(app::library::index::RETRY_AFTER_SECONDS),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// The token's principal, extracted from `Authorization: Bearer …`.
pub struct ApiPrincipal(pub TokenPrincipal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        match tokens::authenticate(&state.db, secret, chrono::Utc::now()).await {
            Ok(principal) => Ok(ApiPrincipal(principal)),
            Err(tokens::TokenError::Database(e)) => {
                tracing::error!(error = %e, "checking an API token failed");
                Err(ApiError::internal())
            }
            Err(_) => Err(ApiError::unauthorized()),
        }
    }
}

#[derive(Serialize)]
pub struct Me {
    user: MeUser,
    organization: MeOrganization,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct MeUser {
    id: i64,
    display_name: String,
}

#[derive(Serialize)]
struct MeOrganization {
    id: i64,
    name: String,
    kind: String,
}

/// `GET /api/v1/me`: who the token acts as, so that a client can check its set-up.
pub async fn me(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Me>, ApiError> {
    let db = &state.db;
    let internal = |e: sea_orm::DbErr| {
        tracing::error!(error = %e, "loading the API principal failed");
        ApiError::internal()
    };
    let u = user::Entity::find_by_id(p.user_id)
        .one(db)
        .await
        .map_err(internal)?
        .ok_or_else(ApiError::unauthorized)?;
    let o = organization::Entity::find_by_id(p.organization_id)
        .one(db)
        .await
        .map_err(internal)?
        .ok_or_else(ApiError::unauthorized)?;
    let roles = membership::Entity::find()
        .filter(membership::Column::UserId.eq(p.user_id))
        .filter(membership::Column::OrganizationId.eq(p.organization_id))
        .all(db)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| m.role)
        .collect();
    Ok(Json(Me {
        user: MeUser {
            id: u.id,
            display_name: u.display_name,
        },
        organization: MeOrganization {
            id: o.id,
            name: o.name,
            kind: o.kind,
        },
        roles,
    }))
}

/// Unknown API paths answer in the API's own error format.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "没有这个 API / No such API endpoint",
    )
}
