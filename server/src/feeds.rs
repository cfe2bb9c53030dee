//! `/needs.atom`: a library search as an Atom feed (RFC 4287), newest first, with the same
//! query parameters as `/needs`. Readers subscribe to a search ("medical needs in 农安县")
//! and see new needs as they are published. The public copy only.

use crate::api::library::{query_pairs, read_params};
use app::domain::calendar;
use app::library::{LibraryPage, SortOrder};
use app::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A China date as the RFC 3339 time its day starts there (`…T00:00:00+08:00`).
fn timestamp(date: Option<chrono::NaiveDate>) -> String {
    let at = date.map_or_else(chrono::Utc::now, calendar::start_of);
    calendar::local(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The feed document of one search page.
pub fn atom(page: &LibraryPage, base_url: &str) -> String {
    let p = &page.params;
    let self_url = format!("{base_url}{}", p.url(app::routes::LIBRARY_FEED.url()));
    let html_url = format!("{base_url}{}", p.url(app::routes::LIBRARY.url()));
    let title = if p.q.trim().is_empty() {
        "善桥需求库 · Shanqiao needs library".to_owned()
    } else {
        format!("善桥需求库：{} · Shanqiao needs library", p.q.trim())
    };
    let updated = timestamp(page.hits.iter().filter_map(|h| h.need.published_on).max());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    out.push_str(&format!("  <title>{}</title>\n", xml(&title)));
    out.push_str(&format!("  <id>{}</id>\n", xml(&self_url)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        xml(&self_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&html_url)
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str("  <author><name>善桥 Shanqiao</name></author>\n");
    for hit in &page.hits {
        let n = &hit.need;
        let url = format!("{base_url}{}", app::routes::NEED.to([&n.public_code]));
        let summary: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml(&n.title)));
        out.push_str(&format!("    <id>{}</id>\n", xml(&url)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&url)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            timestamp(n.published_on)
        ));
        out.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            n.assistance_type.code(),
            xml(n.assistance_type.label(app::i18n::Lang::Zh))
        ));
        out.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml(&format!(
                "{} · {} · {}",
                n.place,
                n.status.label(app::i18n::Lang::Zh),
                summary
            ))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// `GET /needs.atom?…`.
pub async fn library_feed(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let mut params = match query_pairs(raw.as_deref()).and_then(|pairs| read_params(&pairs)) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    // A feed is read for what is new.
    if params.sort == SortOrder::Relevance {
        params.sort = SortOrder::Newest;
    }
    match app::library::search::search(&state.db, &state.regions, &state.search, &params).await {
        Ok(page) => {
            let mut response = atom(&page, &state.base_url).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            );
            response
        }
        // Never an empty feed while the index is being built: readers would miss needs.
        Err(app::library::search::LibraryError::NotReady(_)) => {
            crate::api::ApiError::search_index_building().into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "library feed failed");
            crate::api::ApiError::internal().into_response()
        }
    }
}
