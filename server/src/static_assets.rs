//! `/pkg/*`: the site's content-hashed JS, wasm and CSS, read into memory once at start
//! with the brotli and gzip copies the build made beside them (`file.br`, `file.gz`).
//!
//! A hashed name never changes content, so each file is served with `Cache-Control:
//! public, max-age=31536000, immutable`, in the best encoding the client accepts, and a
//! revalidation (`If-None-Match`) gets a 304. Kept in memory (a few hundred KB) rather
//! than read from disk per request: a file read per request went through the blocking
//! thread pool and served under a quarter of the rate of `/healthz`.

use crate::negotiate::Encoding;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Larger files are not kept in memory (nothing the build writes comes close).
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// One asset in its encodings.
struct Asset {
    content_type: HeaderValue,
    etag: HeaderValue,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// The files of `<site>/pkg`, by name.
#[derive(Clone, Default)]
pub struct StaticAssets {
    files: Arc<HashMap<String, Asset>>,
}

impl StaticAssets {
    /// Reads `dir`; a missing folder (a server started without a built site, as in the
    /// integration tests) serves nothing, with a warning.
    pub fn load(dir: &std::path::Path) -> StaticAssets {
        let mut files = HashMap::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "no site assets to serve (run scripts/build.sh)");
                return StaticAssets::default();
            }
        };
        let read = |path: &std::path::Path| -> Option<Bytes> {
            let meta = std::fs::metadata(path).ok()?;
            (meta.is_file() && meta.len() <= MAX_FILE)
                .then(|| std::fs::read(path).ok().map(Bytes::from))
                .flatten()
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let path = entry.path();
            let Some(identity) = read(&path) else {
                continue;
            };
            let sibling = |suffix: &str| {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                read(std::path::Path::new(&p))
            };
            // The name's hash part, else the length: either changes with the content.
            let tag = name
                .split('.')
                .rev()
                .nth(1)
                .filter(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                .map_or_else(|| format!("\"{}\"", identity.len()), |h| format!("\"{h}\""));
            let Ok(etag) = HeaderValue::from_str(&tag) else {
                continue;
            };
            files.insert(
                name.clone(),
                Asset {
                    content_type: HeaderValue::from_static(content_type(&name)),
                    etag,
                    brotli: sibling(".br"),
                    gzip: sibling(".gz"),
                    identity,
                },
            );
        }
        StaticAssets {
            files: Arc::new(files),
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `GET /pkg/{file}`.
pub async fn serve(
    State(assets): State<StaticAssets>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = assets.files.get(&name) else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    out.insert(header::ETAG, asset.etag.clone());
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let revalidating = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || t.trim().as_bytes() == asset.etag.as_bytes())
        });
    if revalidating {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, asset.content_type.clone());
    let (encoding, body) = match (Encoding::preferred(&headers), &asset.brotli, &asset.gzip) {
        (Encoding::Brotli, Some(br), _) => (Encoding::Brotli, br.clone()),
        (Encoding::Brotli | Encoding::Gzip, _, Some(gz)) => (Encoding::Gzip, gz.clone()),
        _ => (Encoding::Identity, asset.identity.clone()),
    };
    if let Some(name) = encoding.header() {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    (StatusCode::OK, out, Body::from(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_folder_is_served_from_memory_in_each_encoding() {
        let dir = tempfile::tempdir().expect("dir");
        let name = "shanqiao.0123456789abcdef.css";
        std::fs::write(dir.path().join(name), "body{}").expect("write");
        std::fs::write(dir.path().join(format!("{name}.br")), "BR").expect("write");
        let assets = StaticAssets::load(dir.path());
        assert_eq!(assets.len(), 1);
        let asset = assets.files.get(name).expect("loaded");
        assert_eq!(asset.etag, "\"0123456789abcdef\"");
        assert_eq!(asset.brotli.as_deref(), Some(&b"BR"[..]));
        assert!(asset.gzip.is_none());
        assert_eq!(asset.content_type, "text/css; charset=utf-8");
        assert!(StaticAssets::load(&dir.path().join("missing")).is_empty());
    }
}
