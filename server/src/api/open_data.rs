//! `GET /open-data/needs.csv` and `/open-data/needs.json`: the published needs as open
//! data (public copy, counties, amounts as ranges; see `app::needs::open_data`).

use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn open_needs(State(state): State<AppState>, request: Request) -> Response {
    let csv = request.uri().path().ends_with(".csv");
    let rows = match app::needs::open_data::published(&state.db, &state.regions).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "exporting needs as open data failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n").into_response();
        }
    };
    if !csv {
        return Json(serde_json::json!({ "needs": rows })).into_response();
    }
    match app::needs::open_data::to_csv(&rows) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"needs.csv\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "writing needs as CSV failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n").into_response()
        }
    }
}
