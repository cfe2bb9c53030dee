//! `GET /api/v1/library`: the needs library's search as public JSON (no token). The same
//! parameters as the `/needs` page; the public copy only.

use super::{ApiError, ErrorBody};
use app::library::{params::amount_label, FacetValue, LibraryPage, Params};
use app::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// The `(name, value)` pairs of a query string; one that cannot be decoded is a typed 400.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "查询字符串无法解析 / The query string cannot be decoded",
        )
    })
}

/// Reads the library parameters of a query string; unknown values are a typed 422.
pub fn read_params(pairs: &[(String, String)]) -> Result<Params, ApiError> {
    let (params, bad) = Params::read(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    if bad.is_empty() {
        return Ok(params);
    }
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "查询参数有误 / Some query parameters are not valid",
    );
    for name in bad {
        error.fields.insert(
            name.to_owned(),
            "不是可用的取值 / Not one of the accepted values".to_owned(),
        );
    }
    Err(error)
}

/// One result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LibraryResult {
    pub public_code: String,
    pub title: String,
    /// Absolute URL of the need's public page.
    pub url: String,
    pub assistance_type: String,
    pub household_category: String,
    pub status: String,
    pub urgency: String,
    /// Province · city · county.
    pub place: String,
    /// Money sought (target plus items), in fen.
    pub goal_fen: i64,
    pub deadline: Option<String>,
    pub published_on: Option<String>,
    /// The passage of the story that matched, matches in `[[…]]`.
    pub snippet: String,
}

/// A facet value with its count.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    /// The value as the query string writes it.
    pub value: String,
    /// A region's name, or an amount range's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub count: u64,
}

/// The counts of each facet over all matching needs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LibraryFacets {
    /// One level below the `region` filter (provinces without one).
    pub region: Vec<FacetCount>,
    #[serde(rename = "type")]
    pub assistance_type: Vec<FacetCount>,
    pub category: Vec<FacetCount>,
    pub coverage: Vec<FacetCount>,
    pub urgency: Vec<FacetCount>,
    pub status: Vec<FacetCount>,
    pub amount: Vec<FacetCount>,
}

/// A page of results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LibraryResponse {
    /// Needs matching, on all pages.
    pub total: u64,
    pub page: usize,
    pub pages: usize,
    pub results: Vec<LibraryResult>,
    pub facets: LibraryFacets,
}

/// Query parameters (all optional).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LibraryQuery {
    /// Any text: words, quoted phrases; never an error.
    q: Option<String>,
    /// Assistance type code, e.g. `medical`.
    #[param(rename = "type")]
    assistance_type: Option<String>,
    /// Household category code, e.g. `dibao_edge`.
    category: Option<String>,
    /// `outside` or `still_in_hardship`.
    coverage: Option<String>,
    /// `low`, `normal`, `high` or `critical`.
    urgency: Option<String>,
    /// `published` (open), `claimed`, `fulfilled`, `verified` or `expired`.
    status: Option<String>,
    /// A region code (province, city or county), e.g. `220122`.
    region: Option<String>,
    /// Amount range 0–4: under ¥1,000, ¥1,000–5,000, ¥5,000–10,000, ¥10,000–50,000, more.
    amount: Option<usize>,
    /// `relevance` (default), `newest`, `deadline` or `least_funded`.
    sort: Option<String>,
    /// 1-based page of 20 results.
    page: Option<usize>,
}

fn counts(values: &[FacetValue]) -> Vec<FacetCount> {
    values
        .iter()
        .map(|v| FacetCount {
            value: v.value.clone(),
            name: v.name.clone(),
            count: v.count,
        })
        .collect()
}

/// The JSON shape of a library page.
pub fn response(page: LibraryPage, base_url: &str) -> LibraryResponse {
    let pages = page.pages();
    let f = &page.facets;
    let amount = f
        .amount
        .iter()
        .map(|v| FacetCount {
            name: v
                .value
                .parse()
                .ok()
                .map(|i| amount_label(i, app::i18n::Lang::Zh)),
            value: v.value.clone(),
            count: v.count,
        })
        .collect();
    LibraryResponse {
        total: page.total,
        page: page.params.page,
        pages,
        facets: LibraryFacets {
            region: counts(&f.regions),
            assistance_type: counts(&f.assistance_type),
            category: counts(&f.household_category),
            coverage: counts(&f.coverage),
            urgency: counts(&f.urgency),
            status: counts(&f.status),
            amount,
        },
        results: page
            .hits
            .into_iter()
            .map(|hit| {
                let n = hit.need;
                LibraryResult {
                    url: format!("{base_url}{}", app::routes::NEED.to([&n.public_code])),
                    snippet: hit
                        .snippet
                        .iter()
                        .map(|p| {
                            if p.hit {
                                format!("[[{}]]", p.text)
                            } else {
                                p.text.clone()
                            }
                        })
                        .collect(),
                    public_code: n.public_code,
                    title: n.title,
                    assistance_type: n.assistance_type.code().to_owned(),
                    household_category: n.household_category.code().to_owned(),
                    status: n.status.code().to_owned(),
                    urgency: n.urgency.code().to_owned(),
                    place: n.place,
                    goal_fen: n.goal.0,
                    deadline: n.deadline.map(|d| d.to_string()),
                    published_on: n.published_on.map(|d| d.to_string()),
                }
            })
            .collect(),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/library",
    tag = "library",
    params(LibraryQuery),
    responses(
        (status = 200, description = "One page of published needs matching the search, with facet counts and the total", body = LibraryResponse),
        (status = 422, description = "A filter, sort or page value that is not accepted (`invalid`, by field)", body = ErrorBody),
        (status = 503, description = "The search index is being built and no index can serve yet (`search_index_building`); try again after `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    ),
    security(())
)]
pub async fn library(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = match query_pairs(raw.as_deref()).and_then(|pairs| read_params(&pairs)) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match app::library::search::search(&state.db, &state.regions, &state.search, &params).await {
        Ok(page) => Json(response(page, &state.base_url)).into_response(),
        Err(app::library::search::LibraryError::NotReady(_)) => {
            ApiError::search_index_building().into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "library search failed");
            ApiError::internal().into_response()
        }
    }
}
