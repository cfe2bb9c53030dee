//! Defences every response and request goes through: the same-origin check on
//! state-changing requests, and the security headers.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The site's own origin, e.g. `https://shanqiao.example.org` (scheme, host and port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin(Arc<str>);

impl SiteOrigin {
    /// The origin of a base URL: everything before the path.
    pub fn from_base_url(base_url: &str) -> Self {
        SiteOrigin(Arc::from(
            origin_of(base_url).unwrap_or(base_url).to_ascii_lowercase(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let path_start = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..path_start])
}

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum OriginVerdict {
    Allowed,
    CrossOrigin,
    NoOrigin,
}

/// Decides whether a request may change state: safe methods always may; others must name
/// the site's own origin in `Origin` (or, when a browser sends none, in `Referer`), or
/// be a call to the token-only API (`/api/v1/…`), which verifies its tokens itself.
pub fn check_origin(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    site: &SiteOrigin,
) -> OriginVerdict {
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return OriginVerdict::Allowed;
    }
    // The versioned API authenticates by token only, never by the session cookie, so a
    // forged cross-site request carries no authority there; it answers such requests
    // with its own typed 401. Forms and server functions always need the origin.
    if path.starts_with("/api/v1/") {
        return OriginVerdict::Allowed;
    }
    // An e-mail's one-click unsubscribe (RFC 8058) is posted by the mail provider, not
    // from this site; its signed token is the only authority it carries (no session).
    if path.starts_with("/unsubscribe/") {
        return OriginVerdict::Allowed;
    }
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
                .map(str::to_owned)
        });
    match claimed {
        Some(origin) if origin.eq_ignore_ascii_case(site.as_str()) => OriginVerdict::Allowed,
        Some(_) => OriginVerdict::CrossOrigin,
        None => OriginVerdict::NoOrigin,
    }
}

/// Middleware: 403 for state-changing requests from elsewhere (CSRF defence).
pub async fn same_origin(State(site): State<SiteOrigin>, request: Request, next: Next) -> Response {
    match check_origin(
        request.method(),
        request.uri().path(),
        request.headers(),
        &site,
    ) {
        OriginVerdict::Allowed => next.run(request).await,
        verdict => {
            tracing::warn!(?verdict, method = %request.method(), path = %app::routes::loggable(request.uri().path()), "refused a cross-origin request");
            (
                StatusCode::FORBIDDEN,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                "请求来源不是本站，已拒绝。/ Refused: this request did not come from this site.\n",
            )
                .into_response()
        }
    }
}

/// Whether an answer is an HTML page.
pub fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Middleware: a page whose policy did not reach its headers (Leptos applies response
/// options after the first chunk, which was seen to miss now and then under load) gets
/// it here, from the nonce its scripts carry. Pages are rendered whole (async mode), so
/// buffering them costs nothing the client would notice.
pub async fn page_csp(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !is_html(&response)
        || response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(value) =
        find_nonce(&bytes).and_then(|n| HeaderValue::from_str(&app::page_policy(n)).ok())
    {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The first `nonce="…"` of a page, if it is a plausible nonce.
pub(crate) fn find_nonce(html: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(html).ok()?;
    let start = text.find("nonce=\"")? + 7;
    let len = text[start..].find('"')?;
    let nonce = &text[start..start + len];
    let plausible = !nonce.is_empty()
        && nonce.len() <= 64
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='));
    plausible.then_some(nonce)
}

/// The policy of responses that are not pages (pages set their own, with a nonce).
/// Paths whose answers carry private case data or account data whoever asks.
const PRIVATE_PREFIXES: [&str; 8] = [
    "/office",
    "/charity",
    "/admin",
    "/account",
    "/api/v1/",
    "/invitations/",
    "/reset/",
    "/signup/",
];

/// Whether a response to this request must not be stored by a browser or a proxy: it is
/// for a signed-in person (their name is on every page), it answers a post (typed
/// values), or its path holds private data.
pub fn is_private(method: &axum::http::Method, path: &str, signed_in: bool) -> bool {
    signed_in
        || !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD)
        || (PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p))
            && path != app::routes::LIBRARY_API.url())
}

/// Middleware: `Cache-Control: no-store` on private answers (see [`is_private`]); public
/// pages and assets keep whatever caching they have.
pub async fn no_store_private(request: Request, next: Next) -> Response {
    let private = is_private(
        request.method(),
        request.uri().path(),
        request
            .extensions()
            .get::<app::accounts::CurrentUser>()
            .is_some(),
    );
    let mut response = next.run(request).await;
    if private {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    response
}

pub const FALLBACK_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                header::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        h
    }

    #[test]
    fn finds_the_pages_nonce() {
        assert_eq!(
            find_nonce(b"<script nonce=\"Ab-9_\">x</script>"),
            Some("Ab-9_")
        );
        assert_eq!(find_nonce(b"<p>no scripts</p>"), None);
        assert_eq!(find_nonce(b"<script nonce=\"a b\">"), None);
    }

    #[test]
    fn only_the_sites_own_origin_may_change_state() {
        let site = SiteOrigin::from_base_url("https://shanqiao.example.org/");
        let post = Method::POST;
        assert_eq!(
            check_origin(&Method::GET, "/", &headers(&[]), &site),
            OriginVerdict::Allowed
        );
        assert_eq!(
            check_origin(
                &post,
                "/signup",
                &headers(&[("origin", "https://shanqiao.example.org")]),
                &site
            ),
            OriginVerdict::Allowed
        );
        assert_eq!(
            check_origin(
                &post,
                "/signup",
                &headers(&[("origin", "https://evil.example")]),
                &site
            ),
            OriginVerdict::CrossOrigin
        );
        assert_eq!(
            check_origin(
                &post,
                "/signup",
                &headers(&[("referer", "https://shanqiao.example.org/needs/x")]),
                &site
            ),
            OriginVerdict::Allowed
        );
        assert_eq!(
            check_origin(
                &post,
                "/signup",
                &headers(&[("referer", "https://shanqiao.example.org.evil.example/")]),
                &site
            ),
            OriginVerdict::CrossOrigin
        );
        assert_eq!(
            check_origin(&post, "/signup", &headers(&[("origin", "null")]), &site),
            OriginVerdict::NoOrigin
        );
        assert_eq!(
            check_origin(&Method::DELETE, "/x", &headers(&[]), &site),
            OriginVerdict::NoOrigin
        );
        assert_eq!(
            check_origin(
                &post,
                "/api/v1/needs",
                &headers(&[("authorization", "Bearer abc")]),
                &site
            ),
            OriginVerdict::Allowed
        );
        assert_eq!(
            check_origin(&post, "/api/v1/needs", &headers(&[]), &site),
            OriginVerdict::Allowed,
            "the token API answers for itself"
        );
        assert_eq!(
            check_origin(
                &post,
                "/signup",
                &headers(&[("authorization", "Bearer abc")]),
                &site
            ),
            OriginVerdict::NoOrigin,
            "a bearer header does not open the forms"
        );
    }
}
