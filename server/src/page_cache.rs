//! The public page cache: the rendered answers of the public pages (home, library, need
//! pages, the library feed and API) as anonymous visitors get them, kept in memory and
//! served again until the public content changes.
//!
//! **What may be cached.** Only `GET`/`HEAD` of the paths in [`is_public_page`], for a
//! request from nobody signed in, answered `200` without `Set-Cookie` and without
//! `Cache-Control: no-store`/`private`. A signed-in person's pages carry their name and
//! never enter or leave the cache. The key is the language, the path and the query.
//!
//! **When it is emptied.** Every change to public content writes a `search_outbox` row in
//! its transaction, and the indexer of each instance applies those rows to its own index
//! within a quarter second. Entries are keyed by the outbox position that index has
//! applied: once it moves, every page stored before is never served again (and ages out
//! of memory). So a page is stale for at most one indexer poll plus a render, on every
//! instance, and a library page is never stored from an index that has not yet seen the
//! change (it is stored under the position it was rendered at). A rebuilt index put in
//! use calls [`PageCache::invalidate`]. As a safety net for what no outbox row announces
//! (money totals on the home page), an entry is also dropped after [`MAX_AGE`].
//!
//! **What is served.** The body is stored once, as brotli and gzip copies made when it is
//! stored (not per request; a client that accepts neither gets the gzip copy inflated), a strong `ETag` over its bytes, and `If-None-Match` answered
//! with `304`. Pages are stored without their per-response CSP nonce: the inline scripts
//! of a cached page are allowed by their SHA-256 hashes instead, so every copy of the page
//! is byte-for-byte the same (and its ETag the same on every instance), while no nonce is
//! ever handed to two visitors.

use crate::negotiate::Encoding;
use app::i18n::Lang;
use app::library::index::SearchService;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest an entry is served when no outbox change has emptied the cache first.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Memory the cached bodies may take (both encodings counted): some 2,500 need pages.
pub const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;
/// Longer paths with queries are answered without the cache (nobody shares them).
const MAX_TARGET: usize = 2048;
/// Larger answers are not kept.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Smaller bodies are not worth compressing.
const COMPRESS_FROM: usize = 1024;

/// How the cache has been used, for `/metrics`.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub not_modified: AtomicU64,
    pub stored: AtomicU64,
    pub invalidations: AtomicU64,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    /// [`PageCache::invalidate`] calls so far.
    epoch: u64,
    /// The outbox position of the index when the page was rendered.
    position: u64,
    lang: Lang,
    target: Box<str>,
}

/// One stored answer.
#[derive(Clone)]
pub struct Page {
    content_type: HeaderValue,
    csp: Option<HeaderValue>,
    tag: String,
    body: Stored,
    stored_at: Instant,
}

/// A body as it is kept: small ones as they are; others only compressed (brotli for
/// browsers over HTTPS, gzip for the rest), the rare client that accepts neither getting
/// the gzip copy inflated. A page costs a seventh of its size in memory this way.
#[derive(Clone)]
enum Stored {
    Plain(Bytes),
    Compressed {
        len: usize,
        gzip: Bytes,
        brotli: Bytes,
    },
}

impl Stored {
    fn weight(&self) -> usize {
        match self {
            Stored::Plain(b) => b.len(),
            Stored::Compressed { gzip, brotli, .. } => gzip.len() + brotli.len(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Stored::Plain(b) => b.len(),
            Stored::Compressed { len, .. } => *len,
        }
    }

    /// The body in `wanted` or the best encoding below it, and that encoding.
    fn encoded(&self, wanted: Encoding) -> Option<(Encoding, Bytes)> {
        match (self, wanted) {
            (Stored::Plain(b), _) => Some((Encoding::Identity, b.clone())),
            (Stored::Compressed { brotli, .. }, Encoding::Brotli) => {
                Some((Encoding::Brotli, brotli.clone()))
            }
            (Stored::Compressed { gzip, .. }, Encoding::Gzip) => {
                Some((Encoding::Gzip, gzip.clone()))
            }
            (Stored::Compressed { gzip, len, .. }, Encoding::Identity) => {
                let mut out = Vec::with_capacity(*len);
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut out)
                    .ok()?;
                Some((Encoding::Identity, Bytes::from(out)))
            }
        }
    }
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<Key, Arc<Page>> for ByBytes {
    fn weight(&self, key: &Key, page: &Arc<Page>) -> u64 {
        (key.target.len() + page.body.weight() + 256) as u64
    }
}

/// The cache of one server process.
pub struct PageCache {
    search: Arc<SearchService>,
    /// Off: every request is rendered (for comparisons in the load benchmark).
    enabled: bool,
    epoch: AtomicU64,
    /// The position last seen, to count invalidations.
    seen: AtomicU64,
    entries: quick_cache::sync::Cache<Key, Arc<Page>, ByBytes>,
    pub stats: CacheStats,
}

impl PageCache {
    pub fn new(search: Arc<SearchService>, enabled: bool) -> Self {
        PageCache::with_capacity(search, enabled, CAPACITY_BYTES)
    }

    pub fn with_capacity(search: Arc<SearchService>, enabled: bool, capacity_bytes: u64) -> Self {
        let position = search.library().position();
        PageCache {
            search,
            enabled,
            epoch: AtomicU64::new(0),
            seen: AtomicU64::new(position),
            entries: quick_cache::sync::Cache::with_weighter(1024, capacity_bytes, ByBytes),
            stats: CacheStats::default(),
        }
    }

    /// Forgets every stored page (a rebuilt search index was put in use).
    pub fn invalidate(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.stats.invalidations.fetch_add(1, Ordering::Relaxed);
    }

    /// The epoch and the applied outbox position now.
    fn generation(&self) -> (u64, u64) {
        let position = self.search.library().position();
        if self.seen.swap(position, Ordering::AcqRel) != position {
            self.stats.invalidations.fetch_add(1, Ordering::Relaxed);
        }
        (self.epoch.load(Ordering::Acquire), position)
    }

    /// Pages stored (of every generation still in memory) and their weight in bytes.
    pub fn usage(&self) -> (usize, u64) {
        (self.entries.len(), self.entries.weight())
    }
}

/// The public pages whose anonymous answers are the same for every visitor.
pub fn is_public_page(path: &str) -> bool {
    if matches!(
        path,
        "/" | "/needs"
            | "/needs.atom"
            | "/api/v1/library"
            | "/funds"
            | "/transparency"
            | "/charities"
            | "/open-data"
    ) {
        return true;
    }
    // A fund's page: `/funds/{id}`, digits.
    if path.strip_prefix("/funds/").is_some_and(|id| {
        !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit())
    }) {
        return true;
    }
    // A charity's profile: `/charities/{slug}`, one segment.
    if path
        .strip_prefix("/charities/")
        .is_some_and(|slug| !slug.is_empty() && slug.len() <= 64 && !slug.contains('/'))
    {
        return true;
    }
    // A need's page: `/needs/{code}`, one segment.
    path.strip_prefix("/needs/")
        .is_some_and(|code| !code.is_empty() && code.len() <= 64 && !code.contains('/'))
}

/// Middleware (inside the layer that loads the signed-in user): answers public pages from
/// the cache, and stores what it may.
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let Some(key) = cacheable(&cache, &request) else {
        return next.run(request).await;
    };
    let encoding = Encoding::preferred(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let head = request.method() == Method::HEAD;
    // A HEAD answer has no body to keep: only GET fills the cache.
    if head {
        return match cache.entries.get(&key).filter(|p| p.fresh()) {
            Some(page) => {
                cache.stats.hits.fetch_add(1, Ordering::Relaxed);
                answer(&cache, &page, encoding, if_none_match.as_ref(), true)
            }
            None => next.run(request).await,
        };
    }
    for _ in 0..2 {
        match cache.entries.get_value_or_guard_async(&key).await {
            Ok(page) if page.fresh() => {
                cache.stats.hits.fetch_add(1, Ordering::Relaxed);
                return answer(&cache, &page, encoding, if_none_match.as_ref(), false);
            }
            Ok(_) => {
                // Too old: drop it, and let one visitor render it again.
                cache.entries.remove(&key);
            }
            Err(guard) => {
                // The first visitor renders; the others with the same key wait for it.
                cache.stats.misses.fetch_add(1, Ordering::Relaxed);
                let response = next.run(request).await;
                return match Page::from_response(response).await {
                    Ok(page) => {
                        let page = Arc::new(page);
                        let _ = guard.insert(page.clone());
                        cache.stats.stored.fetch_add(1, Ordering::Relaxed);
                        answer(&cache, &page, encoding, if_none_match.as_ref(), false)
                    }
                    Err(response) => response,
                };
            }
        }
    }
    next.run(request).await
}

/// The key of a request the cache may answer, or `None`.
fn cacheable(cache: &PageCache, request: &Request) -> Option<Key> {
    if !cache.enabled
        || !matches!(*request.method(), Method::GET | Method::HEAD)
        || request
            .extensions()
            .get::<app::accounts::CurrentUser>()
            .is_some()
        || !is_public_page(request.uri().path())
    {
        return None;
    }
    let target = request.uri().path_and_query()?.as_str();
    if target.len() > MAX_TARGET {
        return None;
    }
    let (epoch, position) = cache.generation();
    Some(Key {
        epoch,
        position,
        lang: Lang::of_request(request.headers()),
        target: target.into(),
    })
}

impl Page {
    fn fresh(&self) -> bool {
        self.stored_at.elapsed() < MAX_AGE
    }

    /// Keeps a rendered answer, or gives it back unchanged when it may not be kept.
    async fn from_response(response: Response) -> Result<Page, Response> {
        let headers = response.headers();
        let storable = response.status() == StatusCode::OK
            && !headers.contains_key(header::SET_COOKIE)
            && !headers.contains_key(header::CONTENT_ENCODING)
            && headers
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| !v.contains("no-store") && !v.contains("private"));
        let Some(content_type) = headers.get(header::CONTENT_TYPE).cloned() else {
            return Err(response);
        };
        if !storable {
            return Err(response);
        }
        let (parts, body) = response.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(error = %e, "a public page could not be read for the cache");
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
        };
        let is_html = content_type
            .to_str()
            .is_ok_and(|v| v.starts_with("text/html"));
        let (identity, csp) = if is_html {
            let (page, hashes) = without_nonce(&bytes);
            let csp = HeaderValue::from_str(&app::page_policy_hashed(&hashes)).ok();
            (Bytes::from(page), csp)
        } else {
            (
                bytes,
                parts.headers.get(header::CONTENT_SECURITY_POLICY).cloned(),
            )
        };
        Ok(Page::new(content_type, csp, identity))
    }

    fn new(content_type: HeaderValue, csp: Option<HeaderValue>, identity: Bytes) -> Page {
        let digest = Sha256::digest(&identity);
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..18]);
        let compressed = (identity.len() >= COMPRESS_FROM)
            .then(|| Some((gzip(&identity)?, brotli(&identity)?)))
            .flatten();
        let body = match compressed {
            Some((gzip, brotli)) => Stored::Compressed {
                len: identity.len(),
                gzip,
                brotli,
            },
            None => Stored::Plain(identity),
        };
        Page {
            content_type,
            csp,
            tag,
            body,
            stored_at: Instant::now(),
        }
    }

    /// The `ETag` of this page in one encoding.
    fn etag(&self, encoding: Encoding) -> String {
        match encoding {
            Encoding::Identity => format!("\"{}\"", self.tag),
            Encoding::Gzip => format!("\"{}-gz\"", self.tag),
            Encoding::Brotli => format!("\"{}-br\"", self.tag),
        }
    }

    /// Whether an `If-None-Match` names this page (in any encoding: the content is the
    /// same).
    fn matches(&self, if_none_match: &HeaderValue) -> bool {
        let Ok(list) = if_none_match.to_str() else {
            return false;
        };
        list.split(',').map(str::trim).any(|t| {
            let t = t.strip_prefix("W/").unwrap_or(t);
            t == "*"
                || t.trim_matches('"')
                    .trim_end_matches("-gz")
                    .trim_end_matches("-br")
                    == self.tag
        })
    }
}

/// The answer from a stored page.
fn answer(
    cache: &PageCache,
    page: &Page,
    wanted: Encoding,
    if_none_match: Option<&HeaderValue>,
    head: bool,
) -> Response {
    let encoding = match (&page.body, wanted) {
        (Stored::Plain(_), _) => Encoding::Identity,
        (_, wanted) => wanted,
    };
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&page.etag(encoding)) {
        headers.insert(header::ETAG, v);
    }
    // Anyone may keep it, but must ask again before using it (the ETag makes that cheap);
    // it differs by language (cookie, or Accept-Language on a first visit) and by encoding.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language, cookie"),
    );
    if let Some(csp) = &page.csp {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    if if_none_match.is_some_and(|v| page.matches(v)) {
        cache.stats.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    if let Some(name) = encoding.header() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    if head && encoding == Encoding::Identity {
        if let Ok(v) = HeaderValue::from_str(&page.body.len().to_string()) {
            headers.insert(header::CONTENT_LENGTH, v);
        }
        return (StatusCode::OK, headers).into_response();
    }
    let Some((_, body)) = page.body.encoded(encoding) else {
        tracing::error!("a stored page could not be inflated");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if head {
        if let Ok(v) = HeaderValue::from_str(&body.len().to_string()) {
            headers.insert(header::CONTENT_LENGTH, v);
        }
        return (StatusCode::OK, headers).into_response();
    }
    (StatusCode::OK, headers, Body::from(body)).into_response()
}

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(6),
    );
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(bytes: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

/// The page without its per-response nonce, and the CSP hash source of each inline
/// script in it.
fn without_nonce(html: &[u8]) -> (Vec<u8>, Vec<String>) {
    let page = match crate::defences::find_nonce(html) {
        Some(nonce) => {
            let attribute = format!(" nonce=\"{nonce}\"");
            replace_all(html, attribute.as_bytes(), b"")
        }
        None => html.to_vec(),
    };
    let hashes = inline_scripts(&page)
        .map(|script| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))
            )
        })
        .collect();
    (page, hashes)
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The contents of the `<script>` elements without a `src` attribute. Text a page shows
/// is escaped (`&lt;script`), so every `<script` in a rendered page is a real element.
fn inline_scripts(html: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = memchr::memmem::find(rest, b"<script")?;
        let after = &rest[start..];
        let tag_end = memchr::memchr(b'>', after)?;
        let tag = &after[..tag_end];
        let content_start = tag_end + 1;
        let close = memchr::memmem::find(&after[content_start..], b"</script>")?;
        let content = &after[content_start..content_start + close];
        rest = &after[content_start + close..];
        if memchr::memmem::find(tag, b" src=").is_none() {
            return Some(content);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_pages_are_cached() {
        for path in [
            "/",
            "/needs",
            "/needs/JL-2026-000123",
            "/needs.atom",
            "/api/v1/library",
        ] {
            assert!(is_public_page(path), "{path}");
        }
        for path in [
            "/account",
            "/needs/JL-2026-000123/claim",
            "/needs/",
            "/office/needs",
            "/api/v1/needs",
            "/signin",
        ] {
            assert!(!is_public_page(path), "{path}");
        }
    }

    #[test]
    fn the_nonce_is_taken_out_and_inline_scripts_are_hashed() {
        let html = br#"<head><link rel="modulepreload" href="/pkg/a.js" nonce="Zm9v"><script type="module" nonce="Zm9v">import('/pkg/a.js')</script><script src="/x.js" nonce="Zm9v"></script></head><body>&lt;script nonce</body>"#;
        let (page, hashes) = without_nonce(html);
        let page = String::from_utf8(page).expect("utf-8");
        assert!(!page.contains("Zm9v"), "{page}");
        assert!(page.contains("<script type=\"module\">import('/pkg/a.js')</script>"));
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import('/pkg/a.js')"));
        assert_eq!(hashes, vec![format!("'sha256-{expected}'")]);
    }

    #[test]
    fn a_page_is_kept_compressed_and_given_back_byte_for_byte() {
        let text = "<li class=\"need-card\">需要一台轮椅</li>".repeat(400);
        let page = Page::new(
            HeaderValue::from_static("text/html"),
            None,
            Bytes::from(text.clone()),
        );
        assert!(matches!(page.body, Stored::Compressed { .. }));
        assert!(page.body.weight() * 3 < text.len(), "kept compressed");
        let (encoding, plain) = page.body.encoded(Encoding::Identity).expect("inflates");
        assert_eq!(encoding, Encoding::Identity);
        assert_eq!(plain, text.as_bytes());
        let small = Page::new(
            HeaderValue::from_static("text/html"),
            None,
            Bytes::from("<p>x</p>"),
        );
        let (encoding, body) = small.body.encoded(Encoding::Brotli).expect("plain");
        assert_eq!(
            (encoding, &body[..]),
            (Encoding::Identity, &b"<p>x</p>"[..])
        );
    }

    #[test]
    fn if_none_match_names_the_content_in_any_encoding() {
        let page = Page::new(
            HeaderValue::from_static("text/html; charset=utf-8"),
            None,
            Bytes::from(vec![b'x'; 4096]),
        );
        for encoding in [Encoding::Identity, Encoding::Gzip, Encoding::Brotli] {
            let tag = HeaderValue::from_str(&page.etag(encoding)).expect("tag");
            assert!(page.matches(&tag));
        }
        assert!(page.matches(&HeaderValue::from_static("\"other\", *")));
        assert!(!page.matches(&HeaderValue::from_static("\"other\"")));
        let other = Page::new(
            HeaderValue::from_static("text/html"),
            None,
            Bytes::from(vec![b'y'; 4096]),
        );
        assert_ne!(page.tag, other.tag);
    }
}
