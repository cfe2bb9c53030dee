//! `GET /office/figures.csv?region=…`: the dashboard's figures of a region as CSV, for
//! an office's reporting. Office staff get their own region (or a region inside it);
//! a platform admin any region, or the whole site without one. Everyone else: 403.

use app::accounts::CurrentUser;
use app::i18n::Lang;
use app::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    #[serde(default)]
    region: String,
}

fn refuse(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

pub async fn office_figures(
    State(state): State<AppState>,
    Query(q): Query<FiguresQuery>,
    request: Request,
) -> Response {
    let lang = Lang::of_request(request.headers());
    let Some(user) = request.extensions().get::<CurrentUser>().cloned() else {
        return refuse(StatusCode::UNAUTHORIZED, "sign in first\n");
    };
    let asked = q.region.trim().to_owned();
    let region = if user.is_platform_admin {
        asked
    } else {
        let staff = match app::needs::staff::Staff::of_user(&state.db, user.id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "loading an office member failed");
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n");
            }
        };
        let Some(first) = staff.offices.first() else {
            return refuse(
                StatusCode::FORBIDDEN,
                "only office staff and platform admins export figures\n",
            );
        };
        if asked.is_empty() {
            first.region.as_str().to_owned()
        } else {
            match app::domain::RegionCode::parse(&asked) {
                Ok(code) if staff.offices.iter().any(|o| o.region.contains(&code)) => asked,
                Ok(_) => {
                    return refuse(
                        StatusCode::FORBIDDEN,
                        "that region is outside your office's\n",
                    )
                }
                Err(_) => return refuse(StatusCode::NOT_FOUND, "no such region\n"),
            }
        }
    };
    match app::transparency::stats::dashboard(
        &state.db,
        &state.regions,
        &region,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(d) => {
            let name = if region.is_empty() {
                "all".to_owned()
            } else {
                region
            };
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"shanqiao-figures-{name}.csv\""),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                ],
                app::transparency::stats::to_csv(&d, lang),
            )
                .into_response()
        }
        Err(app::transparency::stats::StatsError::UnknownRegion(_)) => {
            refuse(StatusCode::NOT_FOUND, "no such region\n")
        }
        Err(e) => {
            tracing::error!(error = %e, "exporting figures failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "something went wrong\n")
        }
    }
}
