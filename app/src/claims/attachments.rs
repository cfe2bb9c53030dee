//! Evidence files of a fulfilment report: JPEG and PNG images and PDF files, checked by
//! their content (never by their name or the type the browser claims), at most
//! [`MAX_BYTES`] each and [`MAX_PER_CLAIM`] per claim, images stripped of their metadata
//! (EXIF with its GPS position, XMP, comments, PNG text chunks) before they are kept.
//! They are kept through `object_store`: a directory under the data directory by
//! default, an S3-compatible bucket by configuration, so that several instances share
//! them. Only the charity that holds the claim and the office staff of the need's
//! region may read them.

use super::charity::CharityActor;
use super::lifecycle::ClaimError;
use super::problems;
use crate::audit::{self, Change};
use crate::domain::support::ClaimStatus;
use crate::entities::{claim, claim_attachment, need};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The largest attachment.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// How many attachments one claim keeps.
pub const MAX_PER_CLAIM: u64 = 5;

/// Where attachments are kept. Cheap to clone.
#[derive(Clone)]
pub struct AttachmentStore {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    /// For logs and `--help`: `file:///…` or `s3://bucket/prefix` (never credentials).
    pub describe: String,
}

impl std::fmt::Debug for AttachmentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AttachmentStore({})", self.describe)
    }
}

impl AttachmentStore {
    /// A directory (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| e.to_string())?;
        Ok(AttachmentStore {
            store: Arc::new(store),
            prefix: ObjectPath::from(""),
            describe: format!("file://{}", dir.display()),
        })
    }

    /// A store named by URL: `s3://bucket/prefix` (credentials, region and endpoint from
    /// the usual `AWS_*` variables, e.g. `AWS_ENDPOINT` for MinIO) or `file:///dir`.
    pub fn from_url(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
        if url.scheme() == "file" {
            let dir = url
                .to_file_path()
                .map_err(|_| "a file:// URL needs an absolute path".to_owned())?;
            return Self::local(&dir);
        }
        let options = std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v));
        let (store, prefix) =
            object_store::parse_url_opts(&url, options).map_err(|e| e.to_string())?;
        let mut shown = url.clone();
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
        Ok(AttachmentStore {
            store: Arc::from(store),
            prefix,
            describe: shown.to_string(),
        })
    }

    fn path(&self, key: &str) -> ObjectPath {
        ObjectPath::from(format!("{}/{key}", self.prefix).trim_start_matches('/'))
    }

    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), object_store::Error> {
        self.store
            .put(&self.path(key), PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
    }

    async fn get(&self, key: &str) -> Result<Bytes, object_store::Error> {
        self.store.get(&self.path(key)).await?.bytes().await
    }

    async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        self.store.delete(&self.path(key)).await
    }
}

/// The content type of an allowed file, by its content.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        "application/pdf" => Some("application/pdf"),
        _ => None,
    }
}

/// The file without the metadata an image carries: for JPEG every APPn segment but
/// JFIF (APP0) and Adobe's colour transform (APP14), and comments; for PNG the text,
/// EXIF and time chunks. A file that claims to be an image but does not parse as one is
/// refused. PDFs are kept as they are.
pub fn strip_metadata(content_type: &str, bytes: Bytes) -> Option<Bytes> {
    match content_type {
        "image/jpeg" => {
            let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(bytes).ok()?;
            jpeg.segments_mut().retain(|s| {
                let m = s.marker();
                !((0xE1..=0xEF).contains(&m) && m != 0xEE || m == 0xFE)
            });
            Some(jpeg.encoder().bytes())
        }
        "image/png" => {
            let mut png = img_parts::png::Png::from_bytes(bytes).ok()?;
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME"));
            Some(png.encoder().bytes())
        }
        "application/pdf" => Some(bytes),
        _ => None,
    }
}

/// A file name as it may be shown and sent back: its last path part, without control
/// characters or quotes, 100 characters at most.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

fn refused(p: crate::accounts::Problem) -> ClaimError {
    ClaimError::Invalid(vec![("attachment".into(), p)])
}

/// Keeps one evidence file on a claim of the actor's charity that is active or fulfilled
/// (not yet verified). Returns the attachment's id.
pub async fn attach(
    db: &DatabaseConnection,
    store: &AttachmentStore,
    who: &CharityActor,
    claim_id: i64,
    file_name: &str,
    bytes: Bytes,
    now: DateTime<Utc>,
) -> Result<i64, ClaimError> {
    if bytes.len() > MAX_BYTES {
        return Err(refused(problems::ATTACHMENT_TOO_LARGE));
    }
    let c = claim::Entity::find_by_id(claim_id)
        .one(db)
        .await?
        .filter(|c| c.charity_id == who.charity_id)
        .ok_or(ClaimError::NotFound)?;
    if !matches!(
        ClaimStatus::parse(&c.status),
        Ok(ClaimStatus::Active | ClaimStatus::Fulfilled)
    ) {
        return Err(ClaimError::WrongState);
    }
    let content_type = sniff(&bytes).ok_or_else(|| refused(problems::ATTACHMENT_TYPE))?;
    let stripped =
        strip_metadata(content_type, bytes).ok_or_else(|| refused(problems::ATTACHMENT_TYPE))?;
    let sha256 = format!("{:x}", Sha256::digest(&stripped));
    let size = stripped.len() as i64;
    let key = format!(
        "claims/{claim_id}/{}",
        crate::accounts::secret::new_secret()
    );
    // The file first: a row never names a file that is not there. If the row cannot be
    // written, the file is removed again.
    store
        .put(&key, stripped)
        .await
        .map_err(|e| ClaimError::Corrupt(format!("storing an attachment failed: {e}")))?;
    let written = async {
        let txn = crate::db::begin_write(db).await?;
        let count = claim_attachment::Entity::find()
            .filter(claim_attachment::Column::ClaimId.eq(claim_id))
            .count(&txn)
            .await?;
        if count >= MAX_PER_CLAIM {
            return Err(refused(problems::TOO_MANY_ATTACHMENTS));
        }
        let row = claim_attachment::ActiveModel {
            claim_id: Set(claim_id),
            object_key: Set(key.clone()),
            file_name: Set(clean_file_name(file_name)),
            content_type: Set(content_type.to_owned()),
            size_bytes: Set(size),
            sha256: Set(sha256),
            uploaded_by: Set(who.user_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let code = need::Entity::find_by_id(c.need_id)
            .one(&txn)
            .await?
            .map(|n| n.public_code)
            .unwrap_or_default();
        audit::record(
            &txn,
            who.actor(),
            Change {
                action: "claim.attachment",
                entity_kind: "need",
                entity_id: code,
                before: None,
                after: Some(serde_json::json!({
                    "claim_id": claim_id,
                    "attachment_id": row.id,
                    "content_type": content_type,
                    "size_bytes": size,
                })),
                reason: None,
            },
            now,
        )
        .await?;
        txn.commit().await?;
        Ok::<i64, ClaimError>(row.id)
    }
    .await;
    if written.is_err() {
        if let Err(e) = store.delete(&key).await {
            tracing::warn!(error = %e, "removing an attachment whose row was not written failed");
        }
    }
    written
}

/// An attachment's content, for a user allowed to see it: `(content type, file name,
/// bytes)`. Anyone else gets "not found".
pub async fn open(
    db: &DatabaseConnection,
    store: &AttachmentStore,
    user_id: i64,
    claim_id: i64,
    attachment_id: i64,
) -> Result<(String, String, Bytes), ClaimError> {
    let a = claim_attachment::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .filter(|a| a.claim_id == claim_id)
        .ok_or(ClaimError::NotFound)?;
    if !super::queries::may_see_attachments(db, user_id, claim_id).await? {
        return Err(ClaimError::NotFound);
    }
    let bytes = store
        .get(&a.object_key)
        .await
        .map_err(|e| ClaimError::Corrupt(format!("reading an attachment failed: {e}")))?;
    Ok((a.content_type, a.file_name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal JPEG: SOI, an APP1 EXIF segment, a COM, APP0, SOS with data, EOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        b.extend([0xFF, 0xE0, 0x00, 0x10]);
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif = b"Exif\0\0GPS 43.8N 125.3E";
        b.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
        b.extend(exif);
        let comment = b"secret comment";
        b.extend([0xFF, 0xFE, 0x00, (comment.len() + 2) as u8]);
        b.extend(comment);
        b.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33]);
        b.extend([0xFF, 0xD9]);
        b
    }

    #[test]
    fn types_are_checked_by_content_not_by_name() {
        assert_eq!(sniff(&jpeg_with_exif()), Some("image/jpeg"));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\0 an exe renamed photo.jpg"), None);
    }

    #[test]
    fn image_metadata_is_stripped() {
        let stripped = strip_metadata("image/jpeg", Bytes::from(jpeg_with_exif())).expect("parses");
        let text = String::from_utf8_lossy(&stripped);
        assert!(!text.contains("GPS"), "{text}");
        assert!(!text.contains("secret comment"));
        assert!(text.contains("JFIF"));
        assert_eq!(sniff(&stripped), Some("image/jpeg"));
        // Claims to be a JPEG by its first bytes, but is not one.
        assert_eq!(
            strip_metadata("image/jpeg", Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0x00])),
            None
        );
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\photos\\收据.jpg"), "收据.jpg");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b;c\n.pdf"), "abc.pdf");
        assert_eq!(clean_file_name(".."), "attachment");
    }
}
