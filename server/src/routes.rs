//! The router: the app crate's route table (pages, server functions, form actions), the
//! token API and the few plain endpoints below, with the layers every request passes.

use crate::api;
use crate::defences::{self, SiteOrigin};
use crate::metrics::{self, MetricsSource};
use crate::page_cache::{self, PageCache};
use crate::render_deadline;
use crate::sessions::{self, DbSessionStore};
use crate::static_assets::{self, StaticAssets};
use app::state::AppState;
use app::{shell, App};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// What the router needs besides the app state.
pub struct RouterConfig {
    /// The site's own origin, for the same-origin check.
    pub origin: SiteOrigin,
    /// Whether cookies are `Secure` (the base URL is https).
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    /// The public page cache.
    pub cache: Arc<PageCache>,
    /// What `/metrics` reads.
    pub metrics: MetricsSource,
    /// The built site (`pkg/` holds the content-hashed assets).
    pub site_dir: PathBuf,
    /// Who may frame the embedded views.
    pub framing: crate::embed::Framing,
}

pub fn router(state: AppState, config: RouterConfig) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("shanqiao_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            config.session_idle_minutes,
        )));
    let limits = sessions::SessionLimits {
        db: state.db.clone(),
        absolute_seconds: config.session_max_hours * 3600,
    };
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    // Form posts: each path with the typed action beside its page (app::routes).
    let forms = app::routes::actions()
        .into_iter()
        .fold(Router::new(), |r, (path, action)| r.route(path, action));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(metrics_router(config.metrics.clone()))
        .merge(
            Router::new()
                .route("/pkg/{file}", get(static_assets::serve))
                .with_state(StaticAssets::load(&config.site_dir.join("pkg"))),
        )
        .route("/lang/{code}", get(switch_language))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/openapi.json", get(api::openapi::document))
        .route("/api/v1/pii-check", post(api::pii_check))
        .route(app::routes::LIBRARY_API.url(), get(api::library::library))
        .route(
            app::routes::LIBRARY_FEED.url(),
            get(crate::feeds::library_feed),
        )
        .route("/api/v1/needs", get(api::list_needs).post(api::create_need))
        .route(
            "/api/v1/needs/{code}",
            get(api::read_need).put(api::update_need),
        )
        .route("/api/v1/needs/{code}/submit", post(api::submit_need))
        .route("/api/v1/needs/{code}/withdraw", post(api::withdraw_need))
        .route("/api/v1/needs/{code}/claim", post(api::claims::claim_need))
        .route("/api/v1/matches", get(api::claims::matches))
        .route("/api/v1/pledges", post(api::money::create_pledge))
        .route("/api/v1/pledges/{code}", get(api::money::read_pledge))
        .route("/api/v1/funds", get(api::money::list_funds))
        .route("/api/v1/funds/{id}", get(api::money::read_fund))
        .route(
            app::routes::FUND_LEDGER_CSV.pattern(),
            get(api::money::ledger_csv),
        )
        .route(
            app::routes::OFFICE_FIGURES_CSV.url(),
            get(api::reports::office_figures),
        )
        .route(app::routes::EMBED_NEEDS.url(), get(crate::embed::needs))
        .route(app::routes::EMBED_FUNDS.url(), get(crate::embed::funds))
        .route(
            app::routes::OPEN_NEEDS_CSV.url(),
            get(api::open_data::open_needs),
        )
        .route(
            app::routes::OPEN_NEEDS_JSON.url(),
            get(api::open_data::open_needs),
        )
        .route(
            app::routes::OPEN_MONEY_CSV.url(),
            get(api::money::open_money),
        )
        .route(
            app::routes::OPEN_MONEY_JSON.url(),
            get(api::money::open_money),
        )
        .route("/api/v1/claims", get(api::claims::list_claims))
        .route("/api/v1/claims/{id}", get(api::claims::read_claim))
        .route(
            "/api/v1/claims/{id}/release",
            post(api::claims::release_claim),
        )
        .route(
            "/api/v1/claims/{id}/fulfilment",
            post(api::claims::report_fulfilment),
        )
        .route(
            "/api/v1/claims/{id}/attachments",
            post(api::claims::upload_attachment).layer(axum::extract::DefaultBodyLimit::max(
                app::claims::attachments::MAX_BYTES + 1,
            )),
        )
        .route("/api/v1/{*rest}", axum::routing::any(api::not_found))
        .merge(forms)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Inside the session layer: renders the page a form action answers with, for
        // the signed-in user loaded just outside it.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            app::action::render::render_answers,
        ))
        .layer(middleware::from_fn(defences::no_store_private))
        // Inside the page cache: a render that stalls is dropped and tried again before
        // the cache's one-render-per-key guard has kept visitors waiting long.
        .layer(middleware::from_fn_with_state(
            render_deadline::Deadline::default(),
            render_deadline::enforce,
        ))
        // Inside the layer that loads the signed-in user: only anonymous requests are
        // answered from the cache.
        .layer(middleware::from_fn_with_state(
            config.cache.clone(),
            page_cache::serve,
        ))
        .layer(middleware::from_fn_with_state(
            limits,
            sessions::load_current_user,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            config.origin,
            defences::same_origin,
        ))
        .layer(middleware::from_fn(defences::page_csp))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(defences::FALLBACK_CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(middleware::from_fn(crate::embed::deny_framing))
        .layer(axum::Extension(config.framing.clone()))
        .layer(middleware::from_fn(metrics::track))
        // Rendered answers compress 3-6x; phones on slow networks feel it most. Cached
        // pages and the static assets arrive compressed already and pass through.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// `GET /metrics` (see [`metrics`]), as a router of its own for `--metrics-bind`.
pub fn metrics_router<S: Clone + Send + Sync + 'static>(source: MetricsSource) -> Router<S> {
    Router::new()
        .route("/metrics", get(metrics::endpoint))
        .with_state(source)
}

/// Liveness: 200 when the database answers, 503 when it does not; with the search index's
/// readiness (`search_index building|catching_up|ready`: a process still building
/// its index is alive, so the status stays 200; `/readyz` is the one that says 503), its
/// lag behind the outbox (rows not applied yet) and its size, and the last ledger audit's
/// result (`ledger_audit ok|failed|never`) and when it finished. Books that do not hold
/// do not make the site unhealthy: the status stays 200, the body says it.
async fn healthz(State(state): State<AppState>) -> Response {
    if app::db::ping(&state.db).await {
        let lag = match app::library::index::lag(&state.db, &state.search).await {
            Ok(n) => n.to_string(),
            Err(_) => "unknown".to_owned(),
        };
        let library = state.search.library();
        let audit = match app::money::audit::last_run(&state.db).await {
            Ok(Some(run)) => format!(
                "ledger_audit {}\nledger_audit_finished_at {}\n",
                if run.ok { "ok" } else { "failed" },
                run.finished_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Ok(None) => "ledger_audit never\n".to_owned(),
            Err(_) => "ledger_audit unknown\n".to_owned(),
        };
        let body = format!(
            "ok\nsearch_index {}\nsearch_index_lag {lag}\nsearch_index_needs {}\nsearch_index_position {}\n{audit}",
            state.search.readiness().label(),
            library.len(),
            library.position()
        );
        (StatusCode::OK, body).into_response()
    } else {
        tracing::warn!("health check: the database does not answer");
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
    }
}

/// Readiness, for load balancers and rolling restarts: 200 `ready` when this instance can
/// answer every page with current content: the database answers and the search index
/// can serve (see `SearchService::readiness`). Otherwise 503 with the reason
/// (`search_index building`, `database unavailable`) and `Retry-After`. Never cached.
async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = state.search.readiness();
    let reason = if !app::db::ping(&state.db).await {
        "database unavailable".to_owned()
    } else if readiness != app::library::index::Readiness::Ready {
        format!("search_index {}", readiness.label())
    } else {
        return (
            StatusCode::OK,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            "ready\n",
        )
            .into_response();
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::RETRY_AFTER,
                HeaderValue::from(app::library::index::RETRY_AFTER_SECONDS),
            ),
        ],
        format!("not ready: {reason}\n"),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// Sets the interface language cookie and goes back to the page the reader was on.
async fn switch_language(
    State(state): State<AppState>,
    viewer: app::action::Viewer,
    Path(code): Path<String>,
    Query(q): Query<Back>,
) -> Response {
    let Some(lang) = app::i18n::Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language\n").into_response();
    };
    // A signed-in person's e-mails follow the language they read the site in.
    if let Some(user) = viewer.0 {
        if let Err(e) = app::accounts::store::set_language(&state.db, user.id, lang).await {
            tracing::warn!(error = %e, "remembering a person's language failed");
        }
    }
    // Only paths on this site: never redirect to another one.
    let back = q
        .back
        .as_deref()
        .and_then(app::routes::local_path)
        .unwrap_or(app::routes::HOME.url())
        .to_owned();
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
