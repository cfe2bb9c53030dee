//! The import's post (`/office/needs/import`, multipart: `file`, optional `partial`) and
//! the template download.

use crate::action::{Answer, Done, Outcome, Rejection, Viewer};
use crate::needs::import::{FileProblem, ImportReport, MAX_BYTES};
use crate::needs::importing;
use crate::pages::office::signed_in_staff;
use crate::routes;
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{post, MethodRouter};

/// The route, with a body limit a little above the file's.
pub fn route() -> MethodRouter<AppState> {
    post(import_needs).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
}

/// `GET /office/needs/import/template.csv`.
pub async fn template() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"shanqiao-needs-template.csv\"",
            ),
        ],
        crate::needs::import::template(),
    )
}

/// The uploaded form: the file's bytes (or that it was too large) and the mode.
struct Upload {
    file: Option<Vec<u8>>,
    partial: bool,
    too_large: bool,
}

async fn read_upload(mut multipart: Multipart) -> Upload {
    let mut upload = Upload {
        file: None,
        partial: false,
        too_large: false,
    };
    loop {
        match multipart.next_field().await {
            Ok(Some(f)) => match f.name() {
                Some("file") => match f.bytes().await {
                    Ok(b) if b.len() > MAX_BYTES => upload.too_large = true,
                    Ok(b) => upload.file = Some(b.to_vec()),
                    Err(_) => upload.too_large = true,
                },
                Some("partial") => upload.partial = true,
                _ => {}
            },
            Ok(None) => break,
            // A body over the route's limit ends here.
            Err(_) => {
                upload.too_large = true;
                break;
            }
        }
    }
    upload
}

/// `POST /office/needs/import`: the per-row report, shown on the import page.
pub async fn import_needs(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: Multipart,
) -> Outcome {
    let path = routes::IMPORT_NEEDS.url();
    let staff = signed_in_staff(&state, viewer, path).await?;
    let upload = read_upload(multipart).await;
    let report = match upload.file {
        _ if upload.too_large => ImportReport::refused(FileProblem::TooLarge),
        Some(bytes) if !bytes.is_empty() => importing::import(
            &state.db,
            &state.regions,
            &staff,
            &bytes,
            upload.partial,
            chrono::Utc::now(),
        )
        .await
        .map_err(|e| crate::action::Refused::page(path, Rejection::from(e)))?,
        _ => ImportReport::refused(FileProblem::Empty),
    };
    let status = if report.file_problem.is_some() || report.stored == 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(Done::Page(
        Answer::page(path).with_status(status).with(report),
    ))
}
