//! Rendering a Leptos page from a plain handler, e.g. a form page with the errors of the
//! post it answers.

use app::accounts::FormReply;
use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::http::{request::Parts, Method, Request, StatusCode};
use axum::response::Response;
use leptos::prelude::provide_context;

/// Renders the page at `path` with `reply` in context, with `status`, keeping the
/// request's headers (language cookie) and extensions (signed-in user).
pub async fn render_with_reply(
    state: &AppState,
    mut parts: Parts,
    path: &str,
    reply: FormReply,
    status: StatusCode,
) -> Response {
    parts.method = Method::GET;
    parts.uri = path
        .parse()
        .unwrap_or_else(|_| axum::http::Uri::from_static("/"));
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    // Async, as the page routes are: the whole page (Suspense content included) is in
    // the HTML, so that it is complete without JavaScript.
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(reply.clone());
        },
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = status;
    response
}
