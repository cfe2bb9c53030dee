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
/// the site's own origin in `Origin` (or, when a browser sends none, in `Referer`), or carry
/// an API token (`Authorization: Bearer …`), which the API layer itself verifies.
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
    // Only the API accepts tokens; forms and server functions always need the origin.
    let bearer = path.starts_with("/api/v1/")
        && headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Bearer "));
    if bearer {
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
            tracing::warn!(?verdict, method = %request.method(), path = %request.uri().path(), "refused a cross-origin request");
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

/// The policy of responses that are not pages (pages set their own, with a nonce).
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
