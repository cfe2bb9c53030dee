//! The route table: pages and server functions from the app crate, plus the few plain
//! HTTP endpoints below.

use app::state::AppState;
use app::{shell, App};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/lang/{code}", get(switch_language))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages, wasm and css compress 3-6x; phones on slow networks feel it most.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    if app::db::ping(&state.db).await {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        tracing::warn!("health check: the database does not answer");
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
    }
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// Sets the interface language cookie and goes back to the page the reader was on.
async fn switch_language(Path(code): Path<String>, Query(q): Query<Back>) -> Response {
    let Some(lang) = app::i18n::Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language\n").into_response();
    };
    // Only local paths: never redirect to another site.
    let back = q
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        app::i18n::Lang::COOKIE,
        lang.code()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
