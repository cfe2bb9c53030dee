//! Rendering the page an action answers with: the same Leptos page a GET would show, with
//! the form's reply and the action's typed data in context, the status the action chose,
//! and the request's headers (language) and extensions (the signed-in user).

use super::Answer;
use crate::shell;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::provide_context;

/// Middleware: when a post's response carries an [`Answer`], renders its page.
pub async fn render_answers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let head = parts.clone();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    match response.extensions_mut().remove::<Answer>() {
        Some(answer) => render(&state, head, answer).await,
        None => response,
    }
}

async fn render(
    state: &AppState,
    mut head: axum::http::request::Parts,
    answer: Answer,
) -> Response {
    head.method = Method::GET;
    head.uri = answer
        .path
        .parse()
        .unwrap_or_else(|_| axum::http::Uri::from_static("/"));
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let status = answer.status;
    // Async, as the page routes are: the whole page (Suspense content included) is in
    // the HTML, so that it is complete without JavaScript.
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(answer.reply.clone());
            for provide in &answer.data {
                provide();
            }
        },
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(head, Body::empty())).await;
    *response.status_mut() = status;
    response
}
