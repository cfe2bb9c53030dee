//! Embeddable views for an office's own government portal (依托政府门户网站发布):
//! `/embed/needs?region=…&type=…` (the open needs of a region) and
//! `/embed/funds?region=…` (the funds open for pledges there). Plain server-rendered HTML
//! with a small stylesheet of its own, no site chrome, no script, each linking back to
//! the full page (in a new tab, out of the frame).
//!
//! Only these routes may be framed, and only by the origins configured with
//! `--embed-origins` (`frame-ancestors`); every other answer keeps
//! `frame-ancestors 'none'` and `X-Frame-Options: DENY` ([`deny_framing`]).

use app::domain::need::AssistanceType;
use app::domain::RegionCode;
use app::escape::html as escape;
use app::i18n::Lang;
use app::state::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::Arc;

/// Paths that may be framed (by the configured origins only).
pub const PREFIX: &str = "/embed/";

/// How many needs or funds an embedded view lists.
const SHOWN: u64 = 12;

/// The origins allowed to frame the embedded views, e.g. `https://mzt.jl.gov.cn`.
#[derive(Debug, Clone, Default)]
pub struct Framing {
    origins: Arc<[String]>,
}

/// Why an origin was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an origin (scheme://host[:port], http or https, nothing after): {0:?}")]
pub struct BadOrigin(pub String);

/// Checks one configured origin.
pub fn parse_origin(text: &str) -> Result<String, BadOrigin> {
    let t = text.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| BadOrigin(text.to_owned()))?;
    let ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !rest.starts_with(['.', '-', ':']);
    if ok {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(BadOrigin(text.to_owned()))
    }
}

impl Framing {
    pub fn new(origins: Vec<String>) -> Self {
        Framing {
            origins: origins.into(),
        }
    }

    /// The `frame-ancestors` sources: the origins, or `'none'` when there are none.
    fn ancestors(&self) -> String {
        if self.origins.is_empty() {
            "'none'".to_owned()
        } else {
            self.origins.join(" ")
        }
    }
}

/// Middleware: `X-Frame-Options: DENY` on everything but the embedded views (which
/// carry `frame-ancestors` in their own policy instead).
pub async fn deny_framing(request: Request, next: Next) -> Response {
    let framable = request.uri().path().starts_with(PREFIX);
    let mut response = next.run(request).await;
    if !framable {
        response
            .headers_mut()
            .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

const STYLE: &str = "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\",sans-serif;color:#1f1f1f;background:#fff}\
main{padding:.5rem .75rem}h1{font-size:1.05rem;margin:.25rem 0 .5rem}\
ul{list-style:none;margin:0;padding:0}li{border-bottom:1px solid #e3ded7;padding:.45rem 0}\
a{color:#8c1d17}.meta{color:#5c5c5c;font-size:.85rem}.more{margin:.6rem 0 .2rem}.empty{color:#5c5c5c}";

fn style_hash() -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE))
    )
}

fn page(framing: &Framing, lang: Lang, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>",
        lang.tag(),
        escape(title)
    );
    let policy = format!(
        "default-src 'none'; style-src {}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {}",
        style_hash(),
        framing.ancestors()
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        html,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept-language, cookie"),
    );
    response
}

fn bad_request(framing: &Framing, lang: Lang, what: &str) -> Response {
    let mut r = page(
        framing,
        lang,
        "Shanqiao",
        &format!("<p class=\"empty\">{}</p>", escape(what)),
    );
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

/// The query of the embedded views.
#[derive(Debug, Default, Deserialize)]
pub struct EmbedQuery {
    #[serde(default)]
    region: String,
    #[serde(default, rename = "type")]
    assistance_type: String,
}

fn region_of(q: &EmbedQuery) -> Result<Option<RegionCode>, ()> {
    let r = q.region.trim();
    if r.is_empty() {
        return Ok(None);
    }
    RegionCode::parse(r).map(Some).map_err(|_| ())
}

/// `GET /embed/needs?region=…&type=…`.
pub async fn needs(
    State(state): State<AppState>,
    axum::Extension(framing): axum::Extension<Framing>,
    Query(q): Query<EmbedQuery>,
    request: Request,
) -> Response {
    let lang = Lang::of_request(request.headers());
    let Ok(region) = region_of(&q) else {
        return bad_request(
            &framing,
            lang,
            lang.pick("地区代码不正确。", "Not a region code."),
        );
    };
    let assistance_type = match q.assistance_type.trim() {
        "" => None,
        code => match AssistanceType::parse(code) {
            Ok(t) => Some(t),
            Err(_) => {
                return bad_request(
                    &framing,
                    lang,
                    lang.pick("援助类型不正确。", "Not an assistance type."),
                )
            }
        },
    };
    let needs = match app::needs::queries::open_in_region(
        &state.db,
        &state.regions,
        region.as_ref(),
        assistance_type,
        SHOWN,
    )
    .await
    {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "listing needs for an embedded view failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let base = &state.base_url;
    let place = region
        .as_ref()
        .map(|r| state.regions.display(r.as_str()))
        .unwrap_or_default();
    let title = format!(
        "{}{}",
        if place.is_empty() {
            String::new()
        } else {
            format!("{place} · ")
        },
        lang.pick("待帮扶的困难家庭需求", "Needs of families waiting for help")
    );
    let mut body = format!("<h1>{}</h1>", escape(&title));
    if needs.is_empty() {
        let _ = write!(
            body,
            "<p class=\"empty\">{}</p>",
            lang.pick(
                "目前没有待帮扶的需求。",
                "There are no open needs here right now."
            )
        );
    } else {
        body.push_str("<ul>");
        for n in &needs {
            let _ = write!(
                body,
                "<li><a href=\"{base}/needs/{code}\" target=\"_blank\" rel=\"noopener\">{title}</a>\
                 <div class=\"meta\">{kind} · {place} · {status} · {goal}</div></li>",
                code = escape(&n.public_code),
                title = escape(&n.title),
                kind = n.assistance_type.label(lang),
                place = escape(&n.place),
                status = n.status.label(lang),
                goal = n.goal,
            );
        }
        body.push_str("</ul>");
    }
    let mut more = format!("{base}/needs");
    let mut params = Vec::new();
    if let Some(r) = &region {
        params.push(format!("region={r}"));
    }
    if let Some(t) = assistance_type {
        params.push(format!("type={}", t.code()));
    }
    if !params.is_empty() {
        more = format!("{more}?{}", params.join("&amp;"));
    }
    let _ = write!(
        body,
        "<p class=\"more\"><a href=\"{more}\" target=\"_blank\" rel=\"noopener\">{}</a></p>",
        lang.pick(
            "在善桥需求信息库查看全部 →",
            "See every need in the Shanqiao library →"
        )
    );
    page(&framing, lang, &title, &body)
}

/// `GET /embed/funds?region=…`.
pub async fn funds(
    State(state): State<AppState>,
    axum::Extension(framing): axum::Extension<Framing>,
    Query(q): Query<EmbedQuery>,
    request: Request,
) -> Response {
    let lang = Lang::of_request(request.headers());
    let Ok(region) = region_of(&q) else {
        return bad_request(
            &framing,
            lang,
            lang.pick("地区代码不正确。", "Not a region code."),
        );
    };
    let filter = app::money::funds::FundFilter {
        kind: None,
        region: region.clone(),
        assistance_type: None,
    };
    let funds = match app::money::funds::list(&state.db, &filter, chrono::Utc::now()).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "listing funds for an embedded view failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let base = &state.base_url;
    let title = lang.pick("慈善基金与帮扶项目", "Charity funds and projects");
    let mut body = format!("<h1>{title}</h1>");
    let open: Vec<_> = funds
        .iter()
        .filter(|f| f.accepts_pledges)
        .take(SHOWN as usize)
        .collect();
    if open.is_empty() {
        let _ = write!(
            body,
            "<p class=\"empty\">{}</p>",
            lang.pick(
                "目前没有正在募集的基金。",
                "No fund is taking pledges here right now."
            )
        );
    } else {
        body.push_str("<ul>");
        for f in open {
            let target = f.target.map(|t| format!(" / {t}")).unwrap_or_default();
            let _ = write!(
                body,
                "<li><a href=\"{base}/funds/{id}\" target=\"_blank\" rel=\"noopener\">{name}</a>\
                 <div class=\"meta\">{kind} · {charity} · {raised_label}{raised}{target}</div></li>",
                id = f.id,
                name = escape(&f.name),
                kind = f.kind.label(lang),
                charity = escape(&f.charity),
                raised_label = lang.pick("已筹 ", "raised "),
                raised = f.raised,
            );
        }
        body.push_str("</ul>");
    }
    let more = match &region {
        Some(r) => format!("{base}/funds?region={r}"),
        None => format!("{base}/funds"),
    };
    let _ = write!(
        body,
        "<p class=\"more\"><a href=\"{more}\" target=\"_blank\" rel=\"noopener\">{}</a></p>",
        lang.pick("在善桥查看全部基金与项目 →", "See every fund on Shanqiao →")
    );
    page(&framing, lang, title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert_eq!(
            parse_origin("https://MZT.jl.gov.cn/").as_deref(),
            Ok("https://mzt.jl.gov.cn")
        );
        assert_eq!(
            parse_origin("http://localhost:8080").as_deref(),
            Ok("http://localhost:8080")
        );
        for bad in [
            "mzt.jl.gov.cn",
            "https://",
            "https://a.cn/path",
            "javascript:x",
            "https://a b",
            "*",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(Framing::default().ancestors(), "'none'");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
