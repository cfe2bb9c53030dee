//! A deadline on server renders.
//!
//! Leptos's server rendering has open reports of answers that, rarely and at random,
//! never finish (leptos-rs/leptos#4851, #4866); we saw one need page in about thirty
//! test loops hang that way. A stalled render would hold the page cache's
//! one-render-per-key guard, so every visitor to that page would wait with it. This
//! middleware gives a GET or HEAD its answer within a deadline: an HTML answer is read
//! whole (a stall can come after the head, inside a Suspense), and a render that misses
//! the deadline is dropped and run once more; a second miss is a 503 with `Retry-After`,
//! never a hang. Other answers (JSON, CSV downloads, assets) pass through as they
//! stream once their head has come.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How long one render may take. Renders take milliseconds; this is generous for a
/// machine under load and short enough that a visitor (and the test client's 30 s)
/// still gets a second try in time.
pub const RENDER_DEADLINE: Duration = Duration::from_secs(8);

/// The most an HTML page may weigh when read whole (the largest is well under 1 MiB).
const MAX_HTML: usize = 16 * 1024 * 1024;

/// How many times a render is tried before the visitor is told to come back.
const ATTEMPTS: usize = 2;

/// The deadline a router applies (a parameter so that tests can use a short one).
#[derive(Clone, Copy, Debug)]
pub struct Deadline(pub Duration);

impl Default for Deadline {
    fn default() -> Self {
        Deadline(RENDER_DEADLINE)
    }
}

/// Middleware: see the module's documentation.
pub async fn enforce(State(deadline): State<Deadline>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    // A GET has no body to keep: the request can be made again from its head.
    let (parts, _body) = request.into_parts();
    for attempt in 1..=ATTEMPTS {
        let request = Request::from_parts(parts.clone(), Body::empty());
        match tokio::time::timeout(deadline.0, answer_whole(next.clone(), request)).await {
            Ok(response) => return response,
            Err(_) => {
                // The path only: a query can hold what a visitor typed.
                tracing::warn!(
                    path = parts.uri.path(),
                    attempt,
                    deadline_ms = deadline.0.as_millis() as u64,
                    "a server render missed its deadline and was dropped"
                );
                metrics::counter!("shanqiao_render_deadline_missed_total").increment(1);
            }
        }
    }
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "页面暂时无法生成，请稍后重试。 The page could not be made just now; please try again.",
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// The answer, with an HTML body read whole so that a stall inside it counts.
async fn answer_whole(next: Next, request: Request) -> Response {
    let response = next.run(request).await;
    if !crate::defences::is_html(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_HTML).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => {
            tracing::warn!(error = %e, "a rendered page could not be read");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use futures::StreamExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tower::ServiceExt;

    const SHORT: Duration = Duration::from_millis(150);

    /// A page whose first `stalls` renders never finish: before the head, or (when
    /// `in_body`) after the head, inside the HTML.
    fn site(stalls: usize, in_body: bool) -> (Router, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let page = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                let stalled = n < stalls;
                if stalled && !in_body {
                    std::future::pending::<()>().await;
                }
                let chunks = futures::stream::iter([Ok::<_, std::io::Error>(
                    axum::body::Bytes::from_static(b"<html><body>"),
                )])
                .chain(futures::stream::once(async move {
                    if stalled {
                        std::future::pending::<()>().await;
                    }
                    Ok(axum::body::Bytes::from_static(
                        b"<h1>page</h1></body></html>",
                    ))
                }));
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    Body::from_stream(chunks),
                )
            }
        };
        let router =
            Router::new()
                .route("/page", get(page))
                .layer(axum::middleware::from_fn_with_state(
                    Deadline(SHORT),
                    enforce,
                ));
        (router, calls)
    }

    async fn fetch(router: Router) -> (StatusCode, String, Option<String>) {
        let response = router
            .oneshot(Request::get("/page").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap(), retry)
    }

    #[tokio::test]
    async fn a_render_that_stalls_once_is_tried_again() {
        for in_body in [false, true] {
            let (router, calls) = site(1, in_body);
            let (status, body, _) = fetch(router).await;
            assert_eq!(status, StatusCode::OK, "stall in body: {in_body}");
            assert_eq!(body, "<html><body><h1>page</h1></body></html>");
            assert_eq!(calls.load(Ordering::SeqCst), 2);
        }
    }

    #[tokio::test]
    async fn a_render_that_keeps_stalling_is_a_503_to_retry() {
        for in_body in [false, true] {
            let (router, calls) = site(usize::MAX, in_body);
            let started = std::time::Instant::now();
            let (status, body, retry) = fetch(router).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(body.contains("请稍后重试"), "{body}");
            assert_eq!(retry.as_deref(), Some("1"));
            assert_eq!(calls.load(Ordering::SeqCst), ATTEMPTS);
            assert!(
                started.elapsed() < SHORT * 10,
                "gave up in {:?}",
                started.elapsed()
            );
        }
    }

    #[tokio::test]
    async fn a_render_in_time_is_answered_once() {
        let (router, calls) = site(0, true);
        let (status, body, _) = fetch(router).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.ends_with("</html>"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
